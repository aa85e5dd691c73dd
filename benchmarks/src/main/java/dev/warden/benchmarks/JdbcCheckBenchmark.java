package dev.warden.benchmarks;

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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.Blackhole;

/**
 * A warm {@code check} on a policy backed by PostgreSQL ({@code JdbcStore.postgres} on embedded
 * PostgreSQL 17, HikariCP), next to the same check in memory, on the same {@link DataSet} and request mix
 * as {@link HeadlineBenchmark}. Once an organization's snapshot is loaded, a check reads only the
 * snapshot (a background thread revalidates it against the database within the staleness bound, 1 s by
 * default), so {@link #jdbc} should equal {@link #inMemory} and allocate nothing per check
 * ({@code -prof gc}). {@link #jdbcConsistent} is {@code checkConsistent}: one revision query per check
 * (a round trip to the database), for callers that need to see every committed change at once.
 *
 * <p>Set-up (not timed) starts PostgreSQL, writes the data set through the store SPI and verifies every
 * answer of the mix; only the fork measuring a JDBC method starts the server.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch", JdbcSide.QUIET_DATABASE, JdbcSide.QUIET_POOL,
    JdbcSide.QUIET_MIGRATION})
@State(Scope.Benchmark)
public class JdbcCheckBenchmark {

  @Param({"SMALL", "LARGE"})
  public DataSet.Size size;

  private JdbcSide postgres;
  private JdbcSide.Mix jdbc;
  private WardenSide memory;

  @Setup(Level.Trial)
  public void setUp(BenchmarkParams params) {
    DataSet data = DataSet.generate(size);
    if (params.getBenchmark().endsWith(".inMemory")) {
      memory = WardenSide.load(data);
      Agreement.check(data, memory, null, null);
    } else {
      postgres = JdbcSide.start(true);
      JdbcSide.load(data, postgres.newStore());
      jdbc = new JdbcSide.Mix(postgres.newPolicy(), data);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (postgres != null) {
      postgres.close();
    }
    if (memory != null) {
      memory.policy().close();
    }
  }

  /** Warm check on a PostgreSQL-backed policy: the cached snapshot, no database access. */
  @Benchmark
  @OperationsPerInvocation(DataSet.MIX_SIZE)
  public void jdbc(Blackhole bh) {
    for (int i = 0; i < DataSet.MIX_SIZE; i++) {
      bh.consume(jdbc.check(i));
    }
  }

  /** The same check on the in-memory store (as {@code HeadlineBenchmark.warden}), same run. */
  @Benchmark
  @OperationsPerInvocation(DataSet.MIX_SIZE)
  public void inMemory(Blackhole bh) {
    for (int i = 0; i < DataSet.MIX_SIZE; i++) {
      bh.consume(memory.check(i));
    }
  }

  /** {@code checkConsistent}: reads the organization's revision from PostgreSQL first. */
  @Benchmark
  @OperationsPerInvocation(DataSet.MIX_SIZE)
  public void jdbcConsistent(Blackhole bh) {
    for (int i = 0; i < DataSet.MIX_SIZE; i++) {
      bh.consume(jdbc.consistentCheck(i));
    }
  }
}
