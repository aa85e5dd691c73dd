package dev.warden.benchmarks;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The engines side by side on one data set: the state and the benchmark methods that
 * {@link HeadlineBenchmark} (one organization, four sizes) and {@link ManyOrgsBenchmark} (10k
 * organizations) share. Every method decides the whole request mix ({@value DataSet#MIX_SIZE}
 * requests) per invocation, so the score is the mean time of one check over the mix.
 */
public abstract class SideBySide {
  private WardenSide warden;
  private CasbinSide casbin;
  private CedarSide cedar;

  /**
   * Loads the data set into all three engines and runs the pre-check ({@link Agreement#check}). The
   * costly extras, jCasbin's cached enforcer and Cedar's prebuilt entity set, are built only in the fork
   * that measures them (and then pre-checked too), which keeps the short mode short.
   */
  void load(DataSet.Size size, BenchmarkParams params) {
    String method = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
    DataSet data = DataSet.generate(size);
    warden = WardenSide.load(data);
    casbin = CasbinSide.load(data, method.equals("jcasbinCached"));
    cedar = CedarSide.load(data, method.equals("cedar"));
    Agreement.check(data, warden, casbin, cedar);
  }

  CedarSide cedar() {
    return cedar;
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
