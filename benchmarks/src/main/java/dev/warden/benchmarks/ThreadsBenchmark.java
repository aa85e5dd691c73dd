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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Warden check throughput with 1, 2 and 4 threads sharing one policy (one method per thread count, so
 * one run yields all three). Score: checks per microsecond, summed over the threads. On a 2-core machine
 * the 4-thread figure shows oversubscription, not scaling.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch"})
@State(Scope.Benchmark)
public class ThreadsBenchmark {

  @Param({"LARGE"})
  public DataSet.Size size;

  private WardenSide warden;

  @Setup(Level.Trial)
  public void setUp() {
    DataSet data = DataSet.generate(size);
    warden = WardenSide.load(data);
    Agreement.check(data, warden, null, null);
  }

  private void mix(Blackhole bh) {
    for (int i = 0; i < DataSet.MIX_SIZE; i++) {
      bh.consume(warden.check(i));
    }
  }

  @Benchmark
  @Threads(1)
  @OperationsPerInvocation(DataSet.MIX_SIZE)
  public void check1Thread(Blackhole bh) {
    mix(bh);
  }

  @Benchmark
  @Threads(2)
  @OperationsPerInvocation(DataSet.MIX_SIZE)
  public void check2Threads(Blackhole bh) {
    mix(bh);
  }

  @Benchmark
  @Threads(4)
  @OperationsPerInvocation(DataSet.MIX_SIZE)
  public void check4Threads(Blackhole bh) {
    mix(bh);
  }
}
