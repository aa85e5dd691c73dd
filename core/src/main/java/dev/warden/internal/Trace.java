package dev.warden.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Receives the steps of a decision for {@code explain}. {@link #NONE} ignores them, so the check path
 * passes it and allocates nothing. Not API.
 */
public interface Trace {
  Trace NONE = new Trace() {};

  /** Records one step; {@code template} has one {@code %s}. */
  default void step(String template, Object arg) {}

  /** Records one step; {@code template} has two {@code %s}. */
  default void step(String template, Object first, Object second) {}

  /** A trace that keeps the steps, in order. */
  static Recording recording() {
    return new Recording();
  }

  /** A trace that keeps its steps. */
  final class Recording implements Trace {
    private final List<String> steps = new ArrayList<>();

    @Override
    public void step(String template, Object arg) {
      steps.add(String.format(template, arg));
    }

    @Override
    public void step(String template, Object first, Object second) {
      steps.add(String.format(template, first, second));
    }

    public List<String> steps() {
      return steps;
    }
  }
}
