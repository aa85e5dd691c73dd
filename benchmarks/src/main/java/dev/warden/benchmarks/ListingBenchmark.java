package dev.warden.benchmarks;

import dev.warden.Principal;
import dev.warden.benchmarks.DataSet.Kind;
import dev.warden.benchmarks.DataSet.Request;
import dev.warden.matrix.Capability;
import dev.warden.organization.OrgId;
import dev.warden.project.ProjectId;
import dev.warden.project.VisibleProject;
import dev.warden.report.AccessHolder;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Warden's list reads: {@code visibleProjects} for a Member (who must be decided on every project: open
 * ones by default role, private ones only with a grant) and {@code whoCan} on a project (which decides
 * every member). The spec's bar is {@code visibleProjects} in a 10k-project organization ≤ 1 ms
 * ({@code size=PROJECTS_10K}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
@State(Scope.Benchmark)
public class ListingBenchmark {

  @Param({"PROJECTS_10K", "LARGE"})
  public DataSet.Size size;

  private WardenSide warden;
  private Principal member;
  private OrgId org;
  private ProjectId project;

  @Setup(Level.Trial)
  public void setUp() {
    DataSet data = DataSet.generate(size);
    warden = WardenSide.load(data);
    Agreement.check(data, warden, null, null);
    Request plainMember = data.mix().get(Kind.ORG_DENY.ordinal());
    member = Principal.user(plainMember.user());
    org = plainMember.org();
    project = data.mix().get(Kind.ALLOW_GRANT.ordinal()).project();
    if (warden.policy().visibleProjects(member, org).isEmpty()) {
      throw new IllegalStateException("the member sees no project; the benchmark would measure nothing");
    }
  }

  /** Every project a Member can see, with their role. */
  @Benchmark
  public List<VisibleProject> visibleProjects() {
    return warden.policy().visibleProjects(member, org);
  }

  /** Every member who may view the data of one project, and why. */
  @Benchmark
  public List<AccessHolder> whoCan() {
    return warden.policy().whoCan(Capability.VIEW_DATA, project);
  }
}
