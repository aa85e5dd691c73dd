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
 * The side-by-side check of {@link HeadlineBenchmark} on 10k organizations (100k members, 40k projects,
 * 100k grants), with the same request mix and pre-check. Without cedar-java's prebuilt-entities variant:
 * one call would serialize all ~300k entities to the native side, seconds per check, which no host
 * would do; the per-call slice is how Cedar is used at this scale.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
@State(Scope.Benchmark)
public class ManyOrgsBenchmark {

  @Param({"MANY_ORGS"})
  public DataSet.Size size;

  private WardenSide warden;
  private CasbinSide casbin;
  private CedarSide cedar;

  /** Loads the data set into all three engines and runs the pre-check (see {@link HeadlineBenchmark}). */
  @Setup(Level.Trial)
  public void setUp(BenchmarkParams params) {
    String method = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
    DataSet data = DataSet.generate(size);
    warden = WardenSide.load(data);
    casbin = CasbinSide.load(data, method.equals("jcasbinCached"));
    cedar = CedarSide.load(data, false);
    Agreement.check(data, warden, casbin, cedar);
  }

  /** Warden, in memory, warm snapshot. */
  @Benchmark
  @OperationsPerInvocation(DataSet.MIX_SIZE)
  public void warden(Blackhole bh) {
    for (int i = 0; i < DataSet.MIX_SIZE; i++) {
      bh.consume(warden.check(i));
    }
  }

  /** jCasbin {@code Enforcer.enforce}, RBAC with domains. */
  @Benchmark
  @OperationsPerInvocation(DataSet.MIX_SIZE)
  public void jcasbin(Blackhole bh) {
    for (int i = 0; i < DataSet.MIX_SIZE; i++) {
      bh.consume(casbin.enforce(i));
    }
  }

  /** jCasbin {@code CachedEnforcer}: every request after the first is a cache hit. */
  @Benchmark
  @OperationsPerInvocation(DataSet.MIX_SIZE)
  public void jcasbinCached(Blackhole bh) {
    for (int i = 0; i < DataSet.MIX_SIZE; i++) {
      bh.consume(casbin.enforceCached(i));
    }
  }

  /** cedar-java with the request's entity slice built per call, as a host does. */
  @Benchmark
  @OperationsPerInvocation(DataSet.MIX_SIZE)
  public void cedarSlice(Blackhole bh) {
    for (int i = 0; i < DataSet.MIX_SIZE; i++) {
      bh.consume(cedar.authorizeSlice(i));
    }
  }
}
