package dev.warden.benchmarks;

import dev.warden.AccessPolicy;
import dev.warden.Principal;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrgLevel;
import dev.warden.report.AccessReview;
import dev.warden.role.RoleId;
import dev.warden.role.RoleMember;
import java.time.Duration;
import java.util.List;
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
 * Reads on PostgreSQL (embedded, durable settings) that could go to the store, for a {@code LARGE}
 * organization (10k members), with a warm snapshot:
 * <ul>
 *   <li>{@code review}: the access review; the snapshot gives everything but the members' API keys,
 *       which live only in the store ({@link ReportBenchmark} measures it in memory);
 *   <li>{@code roleMembers}: the members of a role (ten), which the snapshot holds; the role's
 *       organization comes from the policy's index of ids.
 * </ul>
 * Set-up loads the data set through the bulk import and adds the role through the public API.
 *
 * <p>Command (about a minute):
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar -f 1 -wi 3 -w 1 -i 5 -r 1 'JdbcReadBenchmark'</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch", JdbcSide.QUIET_DATABASE, JdbcSide.QUIET_POOL,
    JdbcSide.QUIET_MIGRATION})
@State(Scope.Benchmark)
public class JdbcReadBenchmark {

  @Param({"LARGE"})
  public DataSet.Size size;

  private JdbcSide postgres;
  private AccessPolicy policy;
  private Principal owner;
  private OrgId org;
  private RoleId role;

  @Setup(Level.Trial)
  public void setUp() {
    DataSet data = DataSet.generate(size);
    postgres = JdbcSide.start(true);
    JdbcSide.load(data, postgres.newStore());
    policy = postgres.newPolicy();
    new JdbcSide.Mix(policy, data);
    org = data.mixOrg();
    owner = Principal.user(data.owner(org));
    role = policy.roles().create(owner, org, "Support").id();
    data.members().stream().filter(m -> m.org().equals(org) && m.level() == OrgLevel.MEMBER).limit(10)
        .forEach(m -> policy.roles().addMember(owner, role, m.user()));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    postgres.close();
  }

  /** The members of a role. */
  @Benchmark
  public List<RoleMember> roleMembers() {
    return policy.roles().members(owner, role);
  }

  /** The access review of the whole organization, keys looked up in PostgreSQL. */
  @Benchmark
  public AccessReview review() {
    return policy.reports().review(owner, org, Duration.ofDays(30), Duration.ofDays(90));
  }
}
