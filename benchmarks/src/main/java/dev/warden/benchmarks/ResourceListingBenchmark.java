package dev.warden.benchmarks;

import static com.google.common.base.Preconditions.checkState;

import dev.warden.AccessPolicy;
import dev.warden.Page;
import dev.warden.PageRequest;
import dev.warden.Principal;
import dev.warden.project.ProjectId;
import dev.warden.resource.AccessLevel;
import dev.warden.resource.ResourceRef;
import dev.warden.resource.VisibleResource;
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
 * A page of one project's resources of one kind ({@code resources().list}), in an organization holding
 * {@code resources} resources in all: issue 14's "lists in proportion to their output", for resources.
 * The listed project holds {@value #LISTED} insights at every size; the others are spread over the
 * other projects and three kinds, registered in between, through the public API. A Member of an
 * {@link OrgShape} organization (100 members, 100 projects) walks the pages of {@code pageSize} in turn,
 * so a call measures the average page, the seek to its cursor included.
 *
 * <p>Command (both sizes, about a minute):
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar -f 1 -wi 3 -w 1 -i 5 -r 1 -prof gc 'ResourceListingBenchmark'</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch"})
@State(Scope.Benchmark)
public class ResourceListingBenchmark {
  /** Insights in the listed project, at every size. */
  static final int LISTED = 200;
  private static final String[] OTHER_KINDS = {"dashboard", "feature_flag", "insight"};

  /** Resources in the organization, the listed ones included. */
  @Param({"1000", "100000"})
  public int resources;

  @Param({"50"})
  public int pageSize;

  AccessPolicy policy; // package-private for ResourceListingBenchmarkTest
  Pages pages;

  @Setup(Level.Trial)
  public void setUp() {
    checkState(resources >= LISTED, "resources must be at least %s", LISTED);
    OrgShape shape = new OrgShape(100, 100);
    policy = shape.load();
    Principal owner = Principal.user(shape.owner());
    ProjectId listed = shape.project(0); // open, default role Member
    int every = resources / LISTED;
    for (int i = 0; i < resources; i++) {
      ResourceRef ref = i % every == 0 && i / every < LISTED ? ResourceRef.of(listed, "insight", "r" + i)
          : ResourceRef.of(shape.project(1 + i % (shape.projects() - 1)), OTHER_KINDS[i % 3], "r" + i);
      policy.resources().register(owner, ref);
    }
    Principal member = Principal.user(shape.user(shape.admins() + 1));
    pages = new Pages(cursor -> policy.resources().list(member, listed, "insight", AccessLevel.VIEWER,
        cursor == null ? PageRequest.first(pageSize) : PageRequest.after(cursor, pageSize)));
    checkState(pages.items() == LISTED, "the Member sees %s insights, expected %s", pages.items(), LISTED);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    policy.close();
  }

  /** The next page of the listed project's insights. */
  @Benchmark
  @SuppressWarnings("unchecked")
  public Page<VisibleResource> visibleResources() {
    return (Page<VisibleResource>) pages.next();
  }
}
