package dev.warden.testing;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What the property tests observe of a policy before and after a refused operation, as named values
 * (a refused operation must change none of them).
 */
public final class Observed {
  private Observed() {}

  /** The entries of {@code before} and {@code after} that differ, one per line ({@code name: old -> new}); empty if none. */
  public static String diff(Map<String, Object> before, Map<String, Object> after) {
    StringBuilder s = new StringBuilder();
    Set<String> keys = new LinkedHashSet<>(before.keySet());
    keys.addAll(after.keySet());
    for (String k : keys) {
      if (!Objects.equals(before.get(k), after.get(k))) {
        s.append("  ").append(k).append(": ").append(before.get(k)).append(" -> ").append(after.get(k)).append('\n');
      }
    }
    return s.toString();
  }
}
