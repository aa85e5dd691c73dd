package dev.warden.internal;

import dev.warden.Limits;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

/** Validation and generation of identifiers. Not API. */
public final class Ids {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final AtomicLong LAST = new AtomicLong();

  private Ids() {}

  /**
   * Checks an identifier by {@link Limits#id}: not blank, at most 128 characters of text every store
   * keeps, no control characters.
   *
   * @throws NullPointerException naming {@code what} if it is null
   * @throws IllegalArgumentException naming {@code what} and the value
   */
  public static String require(String value, String what) {
    return Limits.id(value, what);
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
