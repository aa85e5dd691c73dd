package dev.warden.internal;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.Limits;
import java.time.Instant;
import java.util.Optional;

/** Validation of names and other free text shared by several domain types, by {@link Limits}. Not API. */
public final class Names {
  private Names() {}

  /**
   * Strips {@code value} and checks it by {@link Limits#name}: 1–64 characters of text every store
   * keeps, without control characters.
   *
   * @throws IllegalArgumentException naming {@code what} and the value
   */
  public static String name(String value, String what) {
    return Limits.name(value, what);
  }

  /** Strips an optional note and checks it by {@link Limits#note}; an empty note is no note. */
  public static Optional<String> note(Optional<String> note) {
    checkNotNull(note, "note");
    return note.map(s -> Limits.note(s, "note")).filter(s -> !s.isEmpty());
  }

  /** Whether something that ends at {@code expiresAt} (exclusive) still applies at {@code now}. */
  public static boolean activeAt(Optional<Instant> expiresAt, Instant now) {
    return expiresAt.isEmpty() || now.isBefore(expiresAt.get());
  }
}
