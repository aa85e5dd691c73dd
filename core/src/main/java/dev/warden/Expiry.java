package dev.warden;

import static com.google.common.base.Preconditions.checkNotNull;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * The one rule every expiry follows (memberships, project grants, invites): an expiry is exclusive. At
 * the instant {@code expiresAt} the thing no longer applies, whether or not anything swept it; an
 * expiry can only be set after now (SPEC §15, "Time"). The value types and the engine both judge
 * expiries here. This class is thread-safe (stateless).
 */
public final class Expiry {
  private Expiry() {}

  /** Whether something that ends at {@code expiresAt} (empty: never) still applies at {@code now}. */
  public static boolean activeAt(Optional<Instant> expiresAt, Instant now) {
    return expiresAt.isEmpty() || !endedAt(expiresAt.get(), now);
  }

  /** Whether something that ends at {@code expiresAt} no longer applies at {@code now}. */
  public static boolean endedAt(Instant expiresAt, Instant now) {
    return !now.isBefore(expiresAt);
  }

  /**
   * Whether something that ends at {@code expiresAt} no longer applies at {@code clock}'s instant: the
   * same answer as {@link #endedAt(Instant, Instant)}, reading only the clock's millisecond unless the
   * expiry falls within it, so that judging an expiry makes no {@link Instant} (checks stay
   * allocation-free whether or not the JIT elides one).
   */
  public static boolean endedAt(Instant expiresAt, Clock clock) {
    long expiry = expiresAt.toEpochMilli(); // floors, like clock.millis()
    long now = clock.millis();
    return expiry != now ? expiry < now : endedAt(expiresAt, clock.instant());
  }

  /**
   * Checks an expiry a caller sets, as a store keeps it ({@link Limits#instant}: to the microsecond):
   * it must come after {@code now}, so nothing is stored dead on arrival. To end access now, remove it.
   *
   * @return the expiry as it will be stored
   * @throws NullPointerException if {@code expiresAt} is null
   * @throws IllegalArgumentException if {@code expiresAt} is outside the {@link Limits} range
   * @throws RuleViolationException {@link ErrorCode#EXPIRY_IN_PAST} if it is at or before {@code now}
   */
  public static Instant requireAfter(Instant expiresAt, Instant now) {
    Instant stored = Limits.instant(expiresAt, "expiresAt");
    if (!stored.isAfter(checkNotNull(now, "now"))) {
      throw new RuleViolationException(ErrorCode.EXPIRY_IN_PAST,
          "expiry must be after now (" + now + "), but was " + expiresAt + "; remove the access to end it now");
    }
    return stored;
  }
}
