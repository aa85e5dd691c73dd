package dev.warden.benchmarks;

import dev.warden.AccessPolicy;
import dev.warden.benchmarks.DataSet.Request;
import dev.warden.internal.OrgState;
import dev.warden.internal.StateCache;
import dev.warden.internal.Wiring;
import dev.warden.matrix.PermissionMatrix;
import dev.warden.memory.InMemoryStore;
import dev.warden.organization.Membership;
import dev.warden.organization.UserId;
import dev.warden.project.ProjectId;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Where a warm check's time goes on the realistic mix (issue 14): the snapshot's lookups, each method
 * adding one to the previous, on the same requests as {@link HeadlineBenchmark}'s realistic mix (whose
 * {@code warden} method is the whole check). The differences between consecutive methods are what each
 * lookup adds (with what the CPU overlaps); the first, {@link #a_requestOnly}, is the cost of reading
 * the next request.
 *
 * <p>Reads the snapshot through Warden's internals (a second {@link Wiring} over the store the policy
 * was loaded into): a measuring tool, not an example.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch"})
@State(Scope.Benchmark)
public class CheckAnatomyBenchmark {
  @Param({"TINY", "LARGE"})
  public DataSet.Size size;

  private StateCache cache;
  private UserId[] users;
  private ProjectId[] projects;
  private int mask;
  private int cursor;

  /** Loads the data set as every benchmark does (the bulk import) and reads its snapshot once. */
  @Setup
  public void setUp() {
    DataSet data = DataSet.generate(size);
    List<Request> mix = data.mix(DataSet.MixKind.REALISTIC);
    InMemoryStore store = InMemoryStore.create();
    WardenSide.importData(data, store, AccessPolicy.builder().store(store).build());
    cache = Wiring.of(store, PermissionMatrix.posthog(), Clock.systemUTC()).engine().cache();
    int n = mix.size();
    mask = n - 1;
    users = new UserId[n];
    projects = new ProjectId[n];
    for (int i = 0; i < n; i++) {
      users[i] = mix.get(i).user();
      projects[i] = mix.get(i).project();
      cache.forProject(projects[i]);
    }
  }

  private int next() {
    int i = (cursor + 1) & mask;
    cursor = i;
    return i;
  }

  /** Reads the next request only. */
  @Benchmark
  public Object a_requestOnly() {
    return projects[next()];
  }

  /** The organization's snapshot, found by the project id. */
  @Benchmark
  public Object b_snapshot() {
    return cache.forProject(projects[next()]);
  }

  /** Plus the member. */
  @Benchmark
  public Object c_member() {
    int i = next();
    return cache.forProject(projects[i]).members().get(users[i]);
  }

  /** Plus the project. */
  @Benchmark
  public Object d_project() {
    int i = next();
    OrgState s = cache.forProject(projects[i]);
    Membership m = s.members().get(users[i]);
    OrgState.ProjectState p = s.projects().get(projects[i]);
    return m.level().ordinal() > 5 ? m : p;
  }

  /**
   * Plus the member's reach on the project (their grant and role ways folded into one entry, absent
   * for most requests): the last lookup a check makes.
   */
  @Benchmark
  public Object e_reach() {
    int i = next();
    OrgState s = cache.forProject(projects[i]);
    Membership m = s.members().get(users[i]);
    OrgState.ProjectState p = s.projects().get(projects[i]);
    Object r = p.reach().get(users[i]);
    return r != null ? r : m.level().ordinal() > 5 ? m : p;
  }
}
