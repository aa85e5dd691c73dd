package dev.warden.internal;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

/** Generation of identifiers (their validation is {@link dev.warden.Limits#id}). Not API. */
public final class Ids {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final AtomicLong LAST = new AtomicLong();

  private Ids() {}

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
