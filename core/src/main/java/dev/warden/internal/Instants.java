package dev.warden.internal;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.Limits;
import java.time.Instant;
import java.util.Optional;

/**
 * Warden keeps instants with microsecond precision, the precision databases store, so a record reads
 * back from any store exactly as it was written and snapshots built incrementally equal full reloads.
 * Truncating moves an expiry earlier by less than a microsecond: access never lasts longer. The range
 * and the truncation are {@link Limits#instant}'s. Not API.
 */
public final class Instants {
  private Instants() {}

  /**
   * {@code instant} truncated to microseconds.
   *
   * @throws NullPointerException naming {@code what}
   * @throws IllegalArgumentException naming {@code what} if it is outside the supported range
   */
  public static Instant micros(Instant instant, String what) {
    return Limits.instant(instant, what);
  }

  /** The optional instant truncated to microseconds, by {@link #micros(Instant, String)}. */
  public static Optional<Instant> micros(Optional<Instant> instant, String what) {
    return checkNotNull(instant, what).map(i -> Limits.instant(i, what));
  }
}
