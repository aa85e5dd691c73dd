package dev.warden.benchmarks;

import static com.google.common.base.Preconditions.checkState;

import dev.warden.Decision;
import dev.warden.benchmarks.RolesFixture.MixStats;
import dev.warden.role.ResolutionChange;
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
 * Issue 16's bars, Warden in memory. {@link #check}: a warm check on the {@code LARGE} organization
 * (10k members, 1k projects, 100k grants) with no roles and with 1,000 roles, every member in
 * {@value RolesFixture#ROLES_PER_MEMBER} of them and each role granting {@value RolesFixture#GRANTS_PER_ROLE}
 * projects ({@link RolesFixture}), on the same two request mixes as {@link HeadlineBenchmark}; bar: with
 * roles within 1.5× of without, and 0 B/op ({@code -prof gc}). Nearly every project then has some role
 * grant, so a non-Admin's check on it reads all five of the member's role memberships. {@link #preview}:
 * {@code previewResolutionChange} to {@code MOST_SPECIFIC} on that organization with 1,000 roles; bar ≤ 1 s.
 *
 * <p>Set-up loads the data set through the bulk import, as {@link WardenSide} does, then adds the roles
 * through the public API as the Owner (61k calls at 1,000 roles; printed with their time), so with roles
 * the snapshot is the import's plus 61k incremental updates. It refuses to run unless the roles landed as
 * drawn and Warden decides every request of the mix as {@link RolesFixture#expected} (an independent
 * model of the rules) says, twice; it prints how many requests go through a role grant, read the
 * member's roles, or are decided otherwise than without roles. The preview's set-up refuses to run
 * unless the preview lists exactly the changes that model predicts, and prints how many.
 *
 * <p>Commands (both mixes, both role counts, one run; then the preview):
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar -prof gc 'RolesBenchmark\.check'
 * java -jar benchmarks/target/benchmarks.jar -prof gc 'RolesBenchmark\.preview'</pre>
 */
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch"})
public class RolesBenchmark {

  /** The state of {@link #check}: the data set, with or without roles, answering one mix. */
  @State(Scope.Benchmark)
  public static class Checks {
    @Param({"LARGE"})
    public DataSet.Size size;

    /** {@code 0}: the organization as loaded; {@code 1000}: with 1,000 roles on top. */
    @Param({"0", "1000"})
    public int roles;

    /** {@code CACHE_RESIDENT}: the 8-request best case; {@code REALISTIC}: 1,024 requests over everything. */
    @Param({"CACHE_RESIDENT", "REALISTIC"})
    public DataSet.MixKind mix;

    WardenSide warden;
    MixStats stats;
    private int mask;
    private int cursor;

    /** Loads the data set, adds the roles and checks every decision of the mix (see the class comment). */
    @Setup(Level.Trial)
    public void setUp() {
      long start = System.nanoTime();
      DataSet data = DataSet.generate(size);
      List<DataSet.Request> requests = data.mix(mix);
      checkState(Integer.bitCount(requests.size()) == 1, "a mix must have a power-of-two size: %s", requests.size());
      RolesFixture fixture = RolesFixture.load(data, roles, requests);
      fixture.verifyRoles();
      warden = fixture.warden();
      stats = fixture.verifyDecisions(requests, warden);
      mask = requests.size() - 1;
      System.out.printf("%n%s, %s roles (%d API calls in %.1f s), %s mix: %s; set-up %.1f s%n", data, roles,
          fixture.roleCalls(), fixture.rolesNanos() / 1e9, mix, stats, (System.nanoTime() - start) / 1e9);
    }

    /** The index of the next request of the mix, cycling. */
    final int next() {
      int i = (cursor + 1) & mask;
      cursor = i;
      return i;
    }
  }

  /** The state of {@link #preview}: the data set with roles. */
  @State(Scope.Benchmark)
  public static class Preview {
    @Param({"LARGE"})
    public DataSet.Size size;

    @Param({"1000"})
    public int roles;

    RolesFixture fixture;
    int changes;

    /** Loads the data set, adds the roles and checks the preview against the model (see the class comment). */
    @Setup(Level.Trial)
    public void setUp() {
      checkState(roles > 0, "the preview needs roles, but roles was %s", roles);
      long start = System.nanoTime();
      DataSet data = DataSet.generate(size);
      fixture = RolesFixture.load(data, roles, data.mix());
      fixture.verifyRoles();
      long previewStart = System.nanoTime();
      changes = fixture.verifyPreview().size();
      long previewNanos = System.nanoTime() - previewStart;
      checkState(changes > 0, "the preview must list some changes to be worth measuring, but was empty");
      System.out.printf("%n%s, %s roles (%d API calls in %.1f s): the preview lists %d changes (first, cold: %.0f ms);"
          + " set-up %.1f s%n", data, roles, fixture.roleCalls(), fixture.rolesNanos() / 1e9, changes,
          previewNanos / 1e6, (System.nanoTime() - start) / 1e9);
    }
  }

  /** One warm check, cycling through the mix. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public Decision check(Checks state) {
    return state.warden.check(state.next());
  }

  /** What switching the organization from {@code HIGHEST_WINS} to {@code MOST_SPECIFIC} would change. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 3, time = 1)
  @Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch"})
  public List<ResolutionChange> preview(Preview state) {
    return state.fixture.preview();
  }
}
