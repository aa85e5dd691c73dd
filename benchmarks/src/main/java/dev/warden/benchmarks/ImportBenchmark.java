package dev.warden.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.warden.AccessPolicy;
import dev.warden.bulk.ImportReport;
import dev.warden.jdbc.JdbcStore;
import dev.warden.memory.InMemoryStore;
import dev.warden.spi.Store;
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
 * One bulk import ({@code organizations().importInto}) of a whole single-organization data set into an
 * organization that holds only its Owner, in memory and on embedded PostgreSQL with durable settings
 * ({@code fsync}, {@code synchronous_commit} and {@code full_page_writes} on, read back at start).
 * Issue 14's bars at {@code LARGE} (10k members, 1k projects, 100k grants): ≤ 3 s in memory, ≤ 30 s on
 * PostgreSQL.
 *
 * <p>Each measured call authorizes, validates every item, writes everything in one transaction (JDBC:
 * batched statements, one commit) with its audit entries, and publishes the new snapshot, so the next
 * check sees the whole organization. Before each iteration (untimed): a new in-memory store, or a new
 * PostgreSQL database, with the organization's row and Owner.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar ImportBenchmark</pre>
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch", JdbcSide.QUIET_DATABASE, JdbcSide.QUIET_POOL,
    JdbcSide.QUIET_MIGRATION})
@State(Scope.Benchmark)
public class ImportBenchmark {

  /** Where the organization lives. */
  public enum StoreKind {
    MEMORY, POSTGRESQL
  }

  @Param({"MEMORY", "POSTGRESQL"})
  public StoreKind store;

  @Param({"LARGE"})
  public DataSet.Size size;

  private DataSet data;
  private WardenSide.Load load;
  private EmbeddedPostgres server;
  private int databases;
  private HikariDataSource database;
  private JdbcStore jdbcStore;
  private AccessPolicy policy;

  @Setup(Level.Trial)
  public void setUp() {
    data = DataSet.generate(size);
    List<WardenSide.Load> loads = WardenSide.loads(data);
    if (loads.size() != 1) {
      throw new IllegalArgumentException("ImportBenchmark imports one organization; " + size + " has " + loads.size());
    }
    load = loads.get(0);
    if (store == StoreKind.POSTGRESQL) {
      server = EmbeddedPostgres.start(true);
    }
  }

  /** A new store holding the organization's row and its Owner (untimed). */
  @Setup(Level.Iteration)
  public void emptyOrganization() {
    Store s;
    if (store == StoreKind.POSTGRESQL) {
      database = server.newDatabase("warden_import_" + databases++, 4);
      jdbcStore = JdbcStore.postgres(database);
      s = jdbcStore;
    } else {
      s = InMemoryStore.create();
    }
    load.createShell(s, data.generatedAt());
    policy = AccessPolicy.builder().store(s).build();
  }

  @Benchmark
  public ImportReport importOrganization() {
    return load.importThrough(policy);
  }

  @TearDown(Level.Iteration)
  public void closeStore() {
    policy.close();
    if (jdbcStore != null) {
      jdbcStore.close();
      database.close();
      jdbcStore = null;
    }
  }

  @TearDown(Level.Trial)
  public void stopServer() {
    if (server != null) {
      server.close();
    }
  }
}
