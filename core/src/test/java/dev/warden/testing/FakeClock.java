package dev.warden.testing;

import static com.google.common.base.Preconditions.checkArgument;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/** A clock that stands still until a test moves it forward. Thread-safe. */
public final class FakeClock extends Clock {
  /** Where every fake clock starts unless told otherwise. */
  public static final Instant START = Instant.parse("2026-01-05T09:00:00Z");

  private final AtomicReference<Instant> now;

  private FakeClock(Instant start) {
    this.now = new AtomicReference<>(start);
  }

  /** A clock at {@link #START}. */
  public static FakeClock create() {
    return new FakeClock(START);
  }

  public static FakeClock at(Instant start) {
    return new FakeClock(start);
  }

  /** Moves the clock forward by {@code duration} (not backwards). */
  public FakeClock advance(Duration duration) {
    checkArgument(!duration.isNegative(), "a fake clock only moves forward, but was %s", duration);
    now.updateAndGet(t -> t.plus(duration));
    return this;
  }

  /** Moves the clock to {@code instant}, which must not lie in its past. */
  public FakeClock set(Instant instant) {
    now.updateAndGet(t -> {
      checkArgument(!instant.isBefore(t), "a fake clock only moves forward, from %s to %s", t, instant);
      return instant;
    });
    return this;
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("a fake clock is always UTC");
  }
}
