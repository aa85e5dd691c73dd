package dev.warden;

import static com.google.common.base.Preconditions.checkNotNull;

/**
 * The outcome of a check: {@link Outcome#ALLOW}, {@link Outcome#DENY} or {@link Outcome#NOT_FOUND},
 * and the {@link Reason}. Instances are shared constants, so checks allocate nothing; compare them
 * with {@code ==} or {@link #equals}.
 *
 * <p>Immutable; safe to share between threads.
 */
public final class Decision {

  /** The three possible answers of a check. */
  public enum Outcome {
    /** The principal may do it. */
    ALLOW,
    /** The principal can see the target but may not do it. */
    DENY,
    /** The target does not exist or is hidden from the principal; the two look the same. */
    NOT_FOUND
  }

  private static final Decision[][] ALL = build();

  private final Outcome outcome;
  private final Reason reason;

  private Decision(Outcome outcome, Reason reason) {
    this.outcome = outcome;
    this.reason = reason;
  }

  private static Decision[][] build() {
    Decision[][] all = new Decision[Outcome.values().length][Reason.values().length];
    for (Outcome outcome : Outcome.values()) {
      for (Reason reason : Reason.values()) {
        all[outcome.ordinal()][reason.ordinal()] = new Decision(outcome, reason);
      }
    }
    return all;
  }

  /** The shared allowing decision for {@code reason}. */
  public static Decision allow(Reason reason) {
    return ALL[Outcome.ALLOW.ordinal()][checkNotNull(reason, "reason").ordinal()];
  }

  /** The shared denying decision for {@code reason}. */
  public static Decision deny(Reason reason) {
    return ALL[Outcome.DENY.ordinal()][checkNotNull(reason, "reason").ordinal()];
  }

  /** The shared not-found decision; hidden and missing targets both get this one. */
  public static Decision notFound() {
    return ALL[Outcome.NOT_FOUND.ordinal()][Reason.NOT_FOUND.ordinal()];
  }

  public Outcome outcome() {
    return outcome;
  }

  public Reason reason() {
    return reason;
  }

  /** Whether the outcome is {@link Outcome#ALLOW}. */
  public boolean allowed() {
    return outcome == Outcome.ALLOW;
  }

  @Override
  public String toString() {
    return outcome + "(" + reason + ")";
  }
}
