package dev.warden.benchmarks;

import dev.warden.Principal;
import dev.warden.benchmarks.DataSet.Kind;
import dev.warden.benchmarks.DataSet.Member;
import dev.warden.benchmarks.DataSet.Request;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.UserId;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Warden mutation cost in memory: the Owner grants a Member a role on a private project and revokes it
 * again (two authorized mutations, each committing and publishing a new snapshot of the organization).
 * Score: time per mutation. This grows with the organization: every mutation rebuilds the
 * organization's snapshot from the store.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
@State(Scope.Benchmark)
public class MutationBenchmark {

  @Param({"TINY", "SMALL", "MEDIUM", "LARGE"})
  public DataSet.Size size;

  private WardenSide warden;
  private Principal owner;
  private UserId grantee;
  private ProjectId project;

  @Setup(Level.Trial)
  public void setUp() {
    DataSet data = DataSet.generate(size);
    warden = WardenSide.load(data);
    Agreement.check(data, warden, null, null);
    Request hidden = data.mix().get(Kind.HIDDEN_PROJECT.ordinal());
    grantee = hidden.user();
    project = hidden.project();
    owner = Principal.user(data.members().stream()
        .filter(m -> m.org().equals(hidden.org()) && m.level() == OrgLevel.OWNER)
        .map(Member::user).findFirst().orElseThrow());
  }

  /** Grant, then revoke: two mutations. */
  @Benchmark
  @OperationsPerInvocation(2)
  public void grantAndRevoke(Blackhole bh) {
    bh.consume(warden.policy().grants().grant(owner, project, grantee, ProjectRole.VIEWER));
    warden.policy().grants().revoke(owner, project, grantee);
  }
}
