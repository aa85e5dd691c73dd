package dev.warden.internal;

import static com.google.common.base.Preconditions.checkNotNull;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * Warden keeps instants with microsecond precision, the precision databases store, so a record reads
 * back from any store exactly as it was written and snapshots built incrementally equal full reloads.
 * Truncating moves an expiry earlier by less than a microsecond: access never lasts longer. Not API.
 */
public final class Instants {
  private Instants() {}

  /** {@code instant} truncated to microseconds. @throws NullPointerException naming {@code what} */
  public static Instant micros(Instant instant, String what) {
    return checkNotNull(instant, what).truncatedTo(ChronoUnit.MICROS);
  }

  /** The optional instant truncated to microseconds. */
  public static Optional<Instant> micros(Optional<Instant> instant, String what) {
    return checkNotNull(instant, what).map(i -> i.truncatedTo(ChronoUnit.MICROS));
  }
}
