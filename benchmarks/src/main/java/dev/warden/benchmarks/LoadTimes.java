package dev.warden.benchmarks;

import dev.warden.benchmarks.DataSet.Size;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Measures how long loading each data set takes: generating it, loading it into Warden through the
 * bulk import (what the benchmarks do, {@link WardenSide#load}, including the first checks), into one
 * jCasbin enforcer and into Cedar (policies, plus every entity for single-organization sizes), the
 * agreement pre-check, and loading one organization through Warden's public API, mutation by mutation.
 * Wall-clock, one shot: indicative, not a benchmark.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.warden.benchmarks.LoadTimes [budgetSeconds] [SIZE...]</pre>
 *
 * <p>Each phase of the API load (members, projects, grants) stops after {@code budgetSeconds} (default
 * 60); a stopped phase prints how far it got and the rate at which it was going.
 */
public final class LoadTimes {
  private LoadTimes() {}

  public static void main(String[] args) {
    long budgetNanos = (args.length > 0 ? Long.parseLong(args[0]) : 60) * 1_000_000_000L;
    List<Size> sizes = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      sizes.add(Size.valueOf(args[i].toUpperCase(Locale.ROOT)));
    }
    if (sizes.isEmpty()) {
      sizes = List.of(Size.TINY, Size.SMALL, Size.MEDIUM, Size.LARGE);
    }
    System.out.println("| size | generate | Warden (bulk import) | jCasbin | Cedar | pre-check | Warden public API: members | projects | grants | mutations |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|");
    for (Size size : sizes) {
      long t0 = System.nanoTime();
      DataSet data = DataSet.generate(size);
      long t1 = System.nanoTime();
      WardenSide warden = WardenSide.load(data);
      long t2 = System.nanoTime();
      CasbinSide casbin = CasbinSide.load(data, false);
      long t3 = System.nanoTime();
      CedarSide cedar = CedarSide.load(data, data.orgs().size() == 1);
      long t4 = System.nanoTime();
      Agreement.check(data, warden, casbin, cedar);
      long t5 = System.nanoTime();
      warden.policy().close();
      WardenSide.ApiLoad api = data.orgs().size() == 1 ? WardenSide.loadThroughApi(data, budgetNanos) : null;
      System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", size, ms(t1 - t0),
          ms(t2 - t1), ms(t3 - t2), ms(t4 - t3), ms(t5 - t4),
          api == null ? "–" : phase(api.members()), api == null ? "–" : phase(api.projects()),
          api == null ? "–" : phase(api.grants()), api == null ? "–" : String.valueOf(api.mutations()));
    }
  }

  private static String phase(WardenSide.Phase p) {
    if (p.complete()) {
      return ms(p.nanos()) + " (" + p.target() + ")";
    }
    double perItemMs = p.nanos() / 1e6 / Math.max(1, p.loaded());
    return String.format(Locale.ROOT, "stopped at %d of %d after %s (%.2f ms each)", p.loaded(), p.target(),
        ms(p.nanos()), perItemMs);
  }

  private static String ms(long nanos) {
    double ms = nanos / 1e6;
    return ms >= 10_000 ? String.format(Locale.ROOT, "%.1f s", ms / 1000) : String.format(Locale.ROOT, "%.0f ms", ms);
  }
}
