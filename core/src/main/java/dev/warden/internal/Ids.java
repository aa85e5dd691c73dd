package dev.warden.internal;

import static com.google.common.base.Preconditions.checkArgument;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

/** Validation and generation of identifiers. Not API. */
public final class Ids {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final AtomicLong LAST = new AtomicLong();
  private static final int MAX_LENGTH = 128;

  private Ids() {}

  /**
   * Checks an identifier: not blank, at most 128 characters, no control characters.
   *
   * @throws IllegalArgumentException naming {@code what} and the value
   */
  public static String require(String value, String what) {
    checkArgument(value != null && !value.isBlank(), "%s must not be blank, but was %s", what, value == null ? null : "'" + value + "'");
    checkArgument(value.length() <= MAX_LENGTH, "%s must be at most %s characters, but was %s", what, MAX_LENGTH, value.length());
    checkArgument(value.chars().noneMatch(Character::isISOControl), "%s must not contain control characters", what);
    return value;
  }

  /**
   * A new identifier {@code prefix_<16 hex: time-ordered counter><12 hex: random>}. Identifiers made
   * by one process sort in creation order, which keeps list orders stable under a frozen clock.
   */
  public static String next(String prefix) {
    long now = System.currentTimeMillis() << 12;
    long sequence = LAST.updateAndGet(last -> Math.max(last + 1, now));
    byte[] random = new byte[6];
    RANDOM.nextBytes(random);
    return prefix + "_" + String.format("%016x", sequence) + HexFormat.of().formatHex(random);
  }
}
