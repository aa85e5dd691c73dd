package dev.warden.benchmarks;

import java.util.concurrent.TimeUnit;
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
 * The side-by-side check of {@link HeadlineBenchmark} on 10k organizations (100k members, 40k projects,
 * 100k grants), with the same request mix and pre-check. Without cedar-java's prebuilt-entities variant:
 * one call would serialize all ~300k entities to the native side, seconds per check, which no host
 * would do; the per-call slice is how Cedar is used at this scale.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch"})
@State(Scope.Benchmark)
public class ManyOrgsBenchmark extends SideBySide {

  @Param({"MANY_ORGS"})
  public DataSet.Size size;

  /** {@code CACHE_RESIDENT}: the 8-request best case; {@code REALISTIC}: 1,024 requests over everything. */
  @Param({"CACHE_RESIDENT", "REALISTIC"})
  public DataSet.MixKind mix;

  /** Loads the data set into all three engines and runs the pre-check (see {@link SideBySide#load}). */
  @Setup(Level.Trial)
  public void setUp(BenchmarkParams params) {
    load(size, mix, params);
  }
}
