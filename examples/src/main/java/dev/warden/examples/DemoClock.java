package dev.warden.examples;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A UTC clock that stands still until the demo moves it, so expiries can be shown without waiting.
 * Not thread-safe; a demo runs on one thread.
 */
public final class DemoClock extends Clock {
  private Instant now;

  public DemoClock(Instant start) {
    this.now = start;
  }

  /** Moves the clock to {@code instant}. */
  public void set(Instant instant) {
    now = instant;
  }

  @Override
  public Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("the demo clock is always UTC");
  }
}
