package dev.warden;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

/**
 * {@link Expiry#endedAt(Instant, Clock)}, which reads the clock's millisecond first, answers exactly as
 * {@link Expiry#endedAt(Instant, Instant)} at the clock's instant: expiries a few nanoseconds to a few
 * milliseconds either side of now, in the same millisecond or across one, before and after 1970 (where
 * epoch milliseconds floor towards the past).
 */
class ExpiryTest {

  @Property(tries = 2_000)
  void endedAtTheClock_isEndedAtItsInstant(
      @ForAll @LongRange(min = -62_135_596_800L, max = 253_402_300_799L) long epochSecond,
      @ForAll @LongRange(min = 0, max = 999_999_999) long nanos,
      @ForAll @LongRange(min = -3_000_000, max = 3_000_000) long offsetNanos) {
    Instant now = Instant.ofEpochSecond(epochSecond, nanos);
    Instant expiresAt = now.plusNanos(offsetNanos);
    Clock clock = Clock.fixed(now, ZoneOffset.UTC);

    assertThat(Expiry.endedAt(expiresAt, clock)).as("expiry %s at %s", expiresAt, now)
        .isEqualTo(Expiry.endedAt(expiresAt, now))
        .isEqualTo(offsetNanos <= 0);
  }
}
