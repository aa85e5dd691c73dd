package dev.warden.benchmarks;

import dev.warden.AccessPolicy;
import dev.warden.Decision;
import dev.warden.Principal;
import dev.warden.benchmarks.DataSet.Kind;
import dev.warden.benchmarks.DataSet.Request;
import dev.warden.matrix.Capability;
import dev.warden.organization.OrgId;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cold load of an organization's snapshot from PostgreSQL: the first {@code check} on a freshly built
 * policy (new {@code JdbcStore}, new {@code AccessPolicy}, as after an application restart), which locks
 * the organization's row, reads its memberships, projects and grants, and builds the immutable snapshot.
 * At {@code LARGE} (the default) that is the SPEC §14 organization: 10k members, 1k projects, 100k
 * grants. One measured check per iteration ({@code SingleShotTime}); the policy is built before and
 * closed after it, untimed. The database itself is warm (PostgreSQL's buffer cache holds the data after
 * set-up), as it is for a running database server.
 *
 * <p>Set-up (not timed) loads the data set through the bulk import ({@link JdbcSide#load}) and verifies
 * the mix on one policy.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5)
@Measurement(iterations = 10)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch", JdbcSide.QUIET_DATABASE, JdbcSide.QUIET_POOL,
    JdbcSide.QUIET_MIGRATION})
@State(Scope.Benchmark)
public class JdbcSnapshotLoadBenchmark {

  @Param({"LARGE"})
  public DataSet.Size size;

  private JdbcSide postgres;
  private Principal admin;
  private OrgId org;
  private AccessPolicy fresh;

  @Setup(Level.Trial)
  public void setUp() {
    DataSet data = DataSet.generate(size);
    postgres = JdbcSide.start(true);
    JdbcSide.load(data, postgres.newStore());
    new JdbcSide.Mix(postgres.newPolicy(), data);
    postgres.closeNewest();
    Request orgAllow = data.mix().get(Kind.ORG_ALLOW.ordinal());
    admin = Principal.user(orgAllow.user());
    org = orgAllow.org();
  }

  /** A new store and policy, nothing cached (untimed). */
  @Setup(Level.Iteration)
  public void freshPolicy() {
    fresh = postgres.newPolicy();
  }

  @TearDown(Level.Iteration)
  public void closePolicy() {
    postgres.closeNewest();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    postgres.close();
  }

  /** The first check on the fresh policy: loads the organization's snapshot from PostgreSQL. */
  @Benchmark
  public Decision coldCheck() {
    Decision d = fresh.check(admin, Capability.MANAGE_MEMBERS, org);
    if (!d.allowed()) {
      throw new IllegalStateException("expected the Admin to be allowed, got " + d);
    }
    return d;
  }
}
