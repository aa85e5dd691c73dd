package dev.warden.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.warden.AccessPolicy;
import dev.warden.Decision;
import dev.warden.Principal;
import dev.warden.benchmarks.DataSet.Kind;
import dev.warden.benchmarks.DataSet.Request;
import dev.warden.jdbc.JdbcStore;
import dev.warden.matrix.Capability;
import dev.warden.project.ProjectId;
import dev.warden.resource.ResourceRef;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.h2.jdbcx.JdbcDataSource;
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
 * Issue 12, defect 7: does timing tell a hidden project from a missing one? A plain Member ("bob", the
 * member of the mix's {@code HIDDEN_PROJECT} request) checks {@code VIEW_DATA} on a private project
 * without a grant ({@link #hidden}: {@code NOT_FOUND}) and on project ids that do not exist
 * ({@link #missing}: {@code NOT_FOUND}), both warm, on the in-memory store, H2 in memory and embedded
 * PostgreSQL. The unknown ids come from a pool of {@value #UNKNOWN_IDS} ids drawn with a fixed seed and
 * are cycled through, so no single id can be cached; each is checked once in set-up. The bar is that
 * the two cost the same within 2× and that random ids cannot drive queries. {@link #hiddenResource}
 * and {@link #missingResource} ask the same of a dashboard: one registered in the hidden project, and
 * one named in each unknown project.
 *
 * <p>Set-up writes the data set through the store SPI (as {@link JdbcCheckBenchmark}) and verifies
 * every answer first; only the fork measuring PostgreSQL starts the server.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch", JdbcSide.QUIET_DATABASE, JdbcSide.QUIET_POOL,
    JdbcSide.QUIET_MIGRATION})
@State(Scope.Benchmark)
public class HiddenVsMissingBenchmark {
  /** Size of the pool of unknown project ids; a power of two. */
  static final int UNKNOWN_IDS = 1_024;
  static final long SEED = 12L;

  /** Where the policy's data lives. */
  public enum StoreKind {
    MEMORY, H2, POSTGRESQL
  }

  @Param({"MEMORY", "H2", "POSTGRESQL"})
  public StoreKind store;

  @Param({"SMALL", "LARGE"})
  public DataSet.Size size;

  private AccessPolicy policy;
  private JdbcSide postgres;
  private HikariDataSource h2;
  private JdbcStore h2Store;
  private Principal bob;
  private ProjectId hiddenProject;
  private ResourceRef hiddenDashboard;
  private final ProjectId[] unknown = new ProjectId[UNKNOWN_IDS];
  private final ResourceRef[] unknownDashboards = new ResourceRef[UNKNOWN_IDS];
  private int cursor;

  @Setup(Level.Trial)
  public void setUp() {
    DataSet data = DataSet.generate(size);
    switch (store) {
      case MEMORY -> policy = WardenSide.load(data).policy();
      case H2 -> {
        JdbcDataSource db = new JdbcDataSource();
        db.setURL("jdbc:h2:mem:warden_bench_" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        db.setUser("sa");
        db.setPassword("");
        HikariConfig config = new HikariConfig();
        config.setDataSource(db);
        config.setMaximumPoolSize(10);
        config.setPoolName("warden-bench-h2");
        h2 = new HikariDataSource(config);
        try (JdbcStore loader = JdbcStore.h2(h2)) {
          JdbcSide.load(data, loader);
        }
        h2Store = JdbcStore.h2(h2);
        policy = AccessPolicy.builder().store(h2Store).build();
      }
      case POSTGRESQL -> {
        postgres = JdbcSide.start(false);
        JdbcSide.load(data, postgres.newStore());
        policy = postgres.newPolicy();
      }
      default -> throw new IllegalStateException("unknown store " + store);
    }
    Request hidden = data.mix().get(Kind.HIDDEN_PROJECT.ordinal());
    bob = Principal.user(hidden.user());
    hiddenProject = hidden.project();
    Set<String> existing = new java.util.HashSet<>();
    data.projects().forEach(p -> existing.add(p.id().value()));
    Random random = new Random(SEED);
    Set<String> ids = new LinkedHashSet<>();
    while (ids.size() < UNKNOWN_IDS) {
      // Shaped like real ids of the same organization, numbered beyond the data set.
      String id = data.mixOrg().value() + "-p" + (100_000 + random.nextInt(900_000_000));
      if (!existing.contains(id)) {
        ids.add(id);
      }
    }
    hiddenDashboard = policy.resources().register(Principal.user(data.owner(data.mixOrg())),
        ResourceRef.of(hiddenProject, ResourceRef.DASHBOARD, "bench")).ref();
    List<String> pool = new ArrayList<>(ids);
    for (int i = 0; i < UNKNOWN_IDS; i++) {
      unknown[i] = ProjectId.of(pool.get(i));
      unknownDashboards[i] = ResourceRef.of(unknown[i], ResourceRef.DASHBOARD, "bench");
    }
    // Warm, and verify: a visible project is allowed (the snapshot is loaded), the hidden one and every
    // unknown id answer NOT_FOUND.
    List<String> problems = new ArrayList<>();
    Request visible = data.mix().get(Kind.ALLOW_DEFAULT_ROLE.ordinal());
    Decision allowed = policy.check(bob, visible.capability(), visible.project());
    if (!allowed.allowed()) {
      problems.add("bob on a visible project: " + allowed);
    }
    for (Decision h : List.of(hidden(), hiddenResource())) {
      if (h.outcome() != Decision.Outcome.NOT_FOUND) {
        problems.add("hidden project or its dashboard: " + h);
      }
    }
    for (int i = 0; i < 2 * UNKNOWN_IDS; i++) {
      Decision d = i % 2 == 0 ? missing() : missingResource();
      if (d.outcome() != Decision.Outcome.NOT_FOUND) {
        problems.add(unknown[cursor] + ": " + d);
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException("wrong answers on " + store + "; refusing to benchmark:\n  "
          + String.join("\n  ", problems));
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (policy != null) {
      policy.close();
    }
    if (h2Store != null) {
      h2Store.close();
    }
    if (h2 != null) {
      h2.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  /** A private project without a grant: hidden from bob. */
  @Benchmark
  public Decision hidden() {
    return policy.check(bob, Capability.VIEW_DATA, hiddenProject);
  }

  /** A project id that does not exist, the next of the pool. */
  @Benchmark
  public Decision missing() {
    return policy.check(bob, Capability.VIEW_DATA, unknown[next()]);
  }

  /** A dashboard of the hidden project. */
  @Benchmark
  public Decision hiddenResource() {
    return policy.check(bob, Capability.VIEW_DATA, hiddenDashboard);
  }

  /** A dashboard in a project that does not exist, the next of the pool. */
  @Benchmark
  public Decision missingResource() {
    return policy.check(bob, Capability.VIEW_DATA, unknownDashboards[next()]);
  }

  /** The index of the next unknown id of the pool, cycling. */
  private int next() {
    int i = (cursor + 1) & (UNKNOWN_IDS - 1);
    cursor = i;
    return i;
  }
}
