package dev.warden.benchmarks;

import static com.google.common.base.Preconditions.checkState;

import dev.warden.Decision;
import dev.warden.benchmarks.DataSet.Request;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The engines side by side on one data set: the state and the benchmark methods that
 * {@link HeadlineBenchmark} (one organization, four sizes) and {@link ManyOrgsBenchmark} (10k
 * organizations) share.
 *
 * <p>Every method decides one request per invocation and cycles through the mix chosen by the JMH
 * parameter {@code mix} ({@link DataSet.MixKind}): {@code CACHE_RESIDENT}, the {@value DataSet#MIX_SIZE}
 * requests of one organization's middle (a best case: the working set stays in the CPU caches), or
 * {@code REALISTIC}, {@value DataSet#REALISTIC_MIX_SIZE} requests drawn with a fixed seed over every
 * member and project, half allowed. The score is the mean time of one check over the mix. The cursor
 * costs the same in every method (an increment and a mask).
 */
public abstract class SideBySide {
  private WardenSide warden;
  private CasbinSide casbin;
  private CedarSide cedar;
  private HashMapSide baseline;
  private int mask;
  private int cursor;

  /**
   * Loads the data set into all three engines and the plain {@link HashMapSide} baseline, each
   * answering the requests of {@code mix}, and runs the pre-check ({@link Agreement#check}) on every one
   * of them. The costly extras, jCasbin's cached enforcer and Cedar's prebuilt entity set, are built only
   * in the fork that measures them (and then pre-checked too), which keeps the short mode short.
   */
  void load(DataSet.Size size, DataSet.MixKind mix, BenchmarkParams params) {
    String method = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
    DataSet data = DataSet.generate(size);
    List<Request> requests = data.mix(mix);
    checkState(Integer.bitCount(requests.size()) == 1, "a mix must have a power-of-two size: %s", requests.size());
    mask = requests.size() - 1;
    warden = WardenSide.load(data, requests);
    casbin = CasbinSide.load(data, requests, method.equals("jcasbinCached"));
    cedar = CedarSide.load(data, requests, method.equals("cedar"));
    baseline = HashMapSide.load(data, requests);
    Agreement.check(data, requests, warden, casbin, cedar, baseline);
  }

  /** The index of the next request of the mix, cycling. */
  final int next() {
    int i = (cursor + 1) & mask;
    cursor = i;
    return i;
  }

  CedarSide cedarSide() {
    return cedar;
  }

  /** Warden, in memory, warm snapshot. */
  @Benchmark
  public Decision warden() {
    return warden.check(next());
  }

  /**
   * Warden through a {@link dev.warden.ProjectAccess} made once per request of the mix
   * ({@code AccessPolicy.access}), as a host that holds one per request or session: the project, the
   * membership and the user's grants there are resolved once and reused while the snapshot stands.
   */
  @Benchmark
  public Decision wardenAccess() {
    return warden.checkHeld(next());
  }

  /**
   * The plain-Java baseline: a {@code HashMap<user, HashMap<project, role>>} of precomputed effective
   * roles (see {@link HashMapSide}).
   */
  @Benchmark
  public boolean baseline() {
    return baseline.check(next());
  }

  /** jCasbin {@code Enforcer.enforce}, RBAC with domains. */
  @Benchmark
  public boolean jcasbin() {
    return casbin.enforce(next());
  }

  /**
   * jCasbin {@code CachedEnforcer}: every request after the first is a cache hit (set-up makes the
   * first). Its cache is never invalidated on role changes (see {@link CasbinSide}).
   */
  @Benchmark
  public boolean jcasbinCached() {
    return casbin.enforceCached(next());
  }

  /** cedar-java with the request's entity slice built per call, as a host does. */
  @Benchmark
  public boolean cedarSlice() {
    return cedar.authorizeSlice(next());
  }
}
