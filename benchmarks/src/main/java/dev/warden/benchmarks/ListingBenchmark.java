package dev.warden.benchmarks;

import dev.warden.Page;
import dev.warden.PageRequest;
import dev.warden.Principal;
import dev.warden.benchmarks.DataSet.Kind;
import dev.warden.benchmarks.DataSet.Request;
import dev.warden.matrix.Capability;
import dev.warden.organization.OrgId;
import dev.warden.project.ProjectId;
import dev.warden.project.VisibleProject;
import dev.warden.report.AccessHolder;
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
 * Warden's paginated list reads (issue 14), one page per call, at the largest page a caller may ask
 * for ({@link PageRequest#MAX_SIZE}, 1000) unless {@code pageSize} says otherwise. Each benchmark cycles
 * through every page of its list, first to last, so a call measures the average page, seek to the cursor
 * included:
 * <ul>
 *   <li>{@code visibleProjectsMember}, {@code visibleProjectsAdmin}: a page of {@code visibleProjects} for a
 *       Member (open projects by default role, private ones only with a grant) and for an Admin (every
 *       project). Bar at {@code size=PROJECTS_10K} (10k projects): ≤ 200 µs and ≤ 64 KB allocated per call
 *       ({@code -prof gc}, {@code gc.alloc.rate.norm});
 *   <li>{@code whoCanOpen}, {@code whoCanPrivate}: a page of the authorized {@code whoCan(actor, VIEW_DATA,
 *       project, page)} on an open project (members walked from the cursor) and on a private one (org
 *       Admins and Owners merged with the grantees); meant for {@code size=LARGE} (10k members).
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch"})
@State(Scope.Benchmark)
public class ListingBenchmark {

  @Param({"PROJECTS_10K", "LARGE"})
  public DataSet.Size size;

  @Param({"1000"})
  public int pageSize;

  private WardenSide warden;
  private OrgId org;
  private Principal member;
  private Principal admin;
  private Principal owner;
  private ProjectId openProject;
  private ProjectId privateProject;
  private Pages memberPages;
  private Pages adminPages;
  private Pages openPages;
  private Pages privatePages;

  @Setup(Level.Trial)
  public void setUp() {
    DataSet data = DataSet.generate(size);
    warden = WardenSide.load(data);
    Agreement.check(data, warden, null, null);
    Request plainMember = data.mix().get(Kind.ORG_DENY.ordinal());
    member = Principal.user(plainMember.user());
    admin = Principal.user(data.mix().get(Kind.ORG_ALLOW.ordinal()).user());
    org = plainMember.org();
    owner = Principal.user(data.owner(org));
    openProject = data.mix().get(Kind.ALLOW_DEFAULT_ROLE.ordinal()).project();
    privateProject = data.mix().get(Kind.ALLOW_ORG_ADMIN.ordinal()).project();
    memberPages = new Pages(cursor -> warden.policy().visibleProjects(member, org, request(cursor)));
    adminPages = new Pages(cursor -> warden.policy().visibleProjects(admin, org, request(cursor)));
    openPages = new Pages(cursor -> warden.policy().whoCan(owner, Capability.VIEW_DATA, openProject, request(cursor)));
    privatePages = new Pages(
        cursor -> warden.policy().whoCan(owner, Capability.VIEW_DATA, privateProject, request(cursor)));
    if (warden.policy().visibleProjects(member, org, PageRequest.first(1)).items().isEmpty()) {
      throw new IllegalStateException("the member sees no project; the benchmark would measure nothing");
    }
  }

  private PageRequest request(String cursor) {
    return cursor == null ? PageRequest.first(pageSize) : PageRequest.after(cursor, pageSize);
  }

  /** A page of the projects a Member can see, with their role. */
  @Benchmark
  @SuppressWarnings("unchecked")
  public Page<VisibleProject> visibleProjectsMember() {
    return (Page<VisibleProject>) memberPages.next();
  }

  /** A page of the projects an Admin can see: every project, as implicit project Admin. */
  @Benchmark
  @SuppressWarnings("unchecked")
  public Page<VisibleProject> visibleProjectsAdmin() {
    return (Page<VisibleProject>) adminPages.next();
  }

  /** A page of the members who may view an open project's data, asked by the Owner. */
  @Benchmark
  @SuppressWarnings("unchecked")
  public Page<AccessHolder> whoCanOpen() {
    return (Page<AccessHolder>) openPages.next();
  }

  /** A page of the members who may view a private project's data, asked by the Owner. */
  @Benchmark
  @SuppressWarnings("unchecked")
  public Page<AccessHolder> whoCanPrivate() {
    return (Page<AccessHolder>) privatePages.next();
  }
}
