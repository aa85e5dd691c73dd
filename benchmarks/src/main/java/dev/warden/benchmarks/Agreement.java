package dev.warden.benchmarks;

import dev.warden.Decision;
import dev.warden.benchmarks.DataSet.Request;
import java.util.ArrayList;
import java.util.List;

/**
 * The correctness pre-check every side-by-side benchmark runs at set-up: on each request of the mix,
 * Warden's outcome must be the one the request was chosen for, and Warden allows exactly when jCasbin
 * (plain, and cached when loaded) and Cedar (per-call slice, and prebuilt entities when built) allow;
 * Warden's {@code NOT_FOUND} for a hidden project counts as a deny. Otherwise the benchmark refuses to run: a fast wrong answer
 * is not a result.
 */
public final class Agreement {
  private Agreement() {}

  /**
   * Checks the mix on every engine given; null engines are skipped.
   *
   * @throws IllegalStateException listing every disagreement
   */
  public static void check(DataSet data, WardenSide warden, CasbinSide casbin, CedarSide cedar) {
    List<String> problems = new ArrayList<>();
    List<Request> mix = data.mix();
    for (int i = 0; i < mix.size(); i++) {
      Request r = mix.get(i);
      Decision d = warden.check(i);
      if (!d.outcome().name().equals(r.kind().expect().name())) {
        problems.add(r + ": Warden answered " + d + ", expected " + r.kind().expect());
      }
      boolean allowed = d.allowed();
      if (casbin != null) {
        compare(problems, r, "jCasbin", allowed, casbin.enforce(i));
        if (casbin.hasCache()) {
          compare(problems, r, "jCasbin cached", allowed, casbin.enforceCached(i));
          compare(problems, r, "jCasbin cached (second call)", allowed, casbin.enforceCached(i));
        }
      }
      if (cedar != null) {
        if (cedar.prebuilt()) {
          compare(problems, r, "Cedar", allowed, cedar.authorize(i));
        }
        compare(problems, r, "Cedar slice", allowed, cedar.authorizeSlice(i));
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException("engines disagree on the request mix of " + data + "; refusing to benchmark:\n  "
          + String.join("\n  ", problems));
    }
  }

  private static void compare(List<String> problems, Request r, String engine, boolean warden, boolean other) {
    if (warden != other) {
      problems.add(r + ": Warden " + (warden ? "allows" : "denies") + ", " + engine + (other ? " allows" : " denies"));
    }
  }
}
