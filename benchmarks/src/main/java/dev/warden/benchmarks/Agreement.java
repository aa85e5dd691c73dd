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
    check(data, data.mix(), warden, casbin, cedar, null);
  }

  /**
   * Cedar with every entity prebuilt is pre-checked on at most this many requests of a mix: one call
   * serializes the whole data set (0.4 s at {@code LARGE}), so 1,024 of them would take minutes.
   * {@code AgreementTest} compares it on every request of the small data sets.
   */
  static final int CEDAR_PREBUILT_PRECHECK = 16;

  /**
   * Checks {@code requests} (which each engine was loaded to answer, by index) on every engine given,
   * the plain {@link HashMapSide} baseline included; null engines are skipped.
   *
   * @throws IllegalStateException listing every disagreement
   */
  public static void check(DataSet data, List<Request> requests, WardenSide warden, CasbinSide casbin,
      CedarSide cedar, HashMapSide baseline) {
    List<String> problems = new ArrayList<>();
    List<Request> mix = requests;
    for (int i = 0; i < mix.size(); i++) {
      Request r = mix.get(i);
      Decision d = warden.check(i);
      if (!d.outcome().name().equals(r.expect().name())) {
        problems.add(r + ": Warden answered " + d + ", expected " + r.expect());
      }
      Decision held = warden.checkHeld(i);
      if (!held.equals(d)) {
        problems.add(r + ": Warden answered " + d + " but " + held + " through a held ProjectAccess");
      }
      boolean allowed = d.allowed();
      if (baseline != null) {
        compare(problems, r, "HashMap baseline", allowed, baseline.check(i));
      }
      if (casbin != null) {
        compare(problems, r, "jCasbin", allowed, casbin.enforce(i));
        if (casbin.hasCache()) {
          compare(problems, r, "jCasbin cached", allowed, casbin.enforceCached(i));
          compare(problems, r, "jCasbin cached (second call)", allowed, casbin.enforceCached(i));
        }
      }
      if (cedar != null) {
        if (cedar.prebuilt() && i < CEDAR_PREBUILT_PRECHECK) {
          compare(problems, r, "Cedar", allowed, cedar.authorize(i));
        }
        compare(problems, r, "Cedar slice", allowed, cedar.authorizeSlice(i));
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException("engines disagree on " + mix.size() + " requests of " + data + "; refusing to benchmark:\n  "
          + String.join("\n  ", problems));
    }
  }

  private static void compare(List<String> problems, Request r, String engine, boolean warden, boolean other) {
    if (warden != other) {
      problems.add(r + ": Warden " + (warden ? "allows" : "denies") + ", " + engine + (other ? " allows" : " denies"));
    }
  }
}
