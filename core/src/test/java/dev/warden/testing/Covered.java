package dev.warden.testing;

import java.util.List;
import net.jqwik.api.statistics.Statistics;

/**
 * Guards against a generator that stops reaching the states worth checking: across all tries of a
 * property, each named value must have been collected under its label at least once.
 */
public final class Covered {
  private Covered() {}

  /** Fails the property unless every one of {@code values} was collected under {@code label}. */
  public static void eachSeen(String label, List<String> values) {
    Statistics.label(label).coverage(c -> values.forEach(v -> c.check(v).count(n -> n > 0)));
  }
}
