package dev.warden.benchmarks;

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
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The headline: one warm check, side by side, in one JMH run, on two request mixes: the
 * cache-resident one ({@value DataSet#MIX_SIZE} requests: allowed, denied, hidden project, organization
 * capability) and the realistic one ({@value DataSet#REALISTIC_MIX_SIZE} requests over every member and
 * project). Every method decides one request per invocation, cycling through the mix, so the score is
 * the mean time of one check over the mix.
 *
 * <p>Set-up loads the same {@link DataSet} into all three engines and runs {@link Agreement#check}: if
 * the engines disagree on any request, set-up throws and the benchmark does not run. The
 * many-organizations case is {@link ManyOrgsBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch"})
@State(Scope.Benchmark)
public class HeadlineBenchmark extends SideBySide {

  @Param({"TINY", "SMALL", "MEDIUM", "LARGE"})
  public DataSet.Size size;

  /** {@code CACHE_RESIDENT}: the 8-request best case; {@code REALISTIC}: 1,024 requests over everything. */
  @Param({"CACHE_RESIDENT", "REALISTIC"})
  public DataSet.MixKind mix;

  /** Loads the data set into all three engines and the baseline and runs the pre-check (see {@link SideBySide#load}). */
  @Setup(Level.Trial)
  public void setUp(BenchmarkParams params) {
    load(size, mix, params);
  }

  /**
   * cedar-java with every entity prebuilt once (serialized to the native side on each call; 0.4 s per
   * call at {@code LARGE}).
   */
  @Benchmark
  public boolean cedar() {
    return cedarSide().authorize(next());
  }
}
