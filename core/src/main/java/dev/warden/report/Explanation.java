package dev.warden.report;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import dev.warden.Decision;
import java.util.List;

/**
 * A decision with the steps that led to it (membership, level, grant, default role, expiry), for
 * support and debugging. Steps never reveal whether a hidden project exists. Immutable.
 */
public record Explanation(Decision decision, List<String> steps) {
  public Explanation {
    checkNotNull(decision, "decision");
    steps = ImmutableList.copyOf(steps);
  }

  @Override
  public String toString() {
    return decision + " because " + String.join("; ", steps);
  }
}
