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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The headline: one warm check of the request mix, side by side, in one JMH run. Every method decides
 * the whole mix ({@value DataSet#MIX_SIZE} requests: allowed, denied, hidden project, organization
 * capability) per invocation, so the score is the mean time of one check over the mix.
 *
 * <p>Set-up loads the same {@link DataSet} into all three engines and runs {@link Agreement#check}: if
 * the engines disagree on any request, set-up throws and the benchmark does not run. The
 * many-organizations case is {@link ManyOrgsBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
@State(Scope.Benchmark)
public class HeadlineBenchmark extends SideBySide {

  @Param({"TINY", "SMALL", "MEDIUM", "LARGE"})
  public DataSet.Size size;

  /** Loads the data set into all three engines and runs the pre-check (see {@link SideBySide#load}). */
  @Setup(Level.Trial)
  public void setUp(BenchmarkParams params) {
    load(size, params);
  }

  /** cedar-java with every entity prebuilt once (serialized to the native side on each call). */
  @Benchmark
  @OperationsPerInvocation(DataSet.MIX_SIZE)
  public void cedar(Blackhole bh) {
    for (int i = 0; i < DataSet.MIX_SIZE; i++) {
      bh.consume(cedar().authorize(i));
    }
  }
}
