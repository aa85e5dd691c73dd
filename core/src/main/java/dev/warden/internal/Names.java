package dev.warden.internal;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.time.Instant;
import java.util.Optional;

/** Validation of names and other free text shared by several domain types. Not API. */
public final class Names {
  private static final int MAX_NAME = 64;
  private static final int MAX_NOTE = 200;

  private Names() {}

  /**
   * Strips {@code value} and checks it is 1–64 characters without control characters.
   *
   * @throws IllegalArgumentException naming {@code what} and the value
   */
  public static String name(String value, String what) {
    checkNotNull(value, what);
    String stripped = value.strip();
    checkArgument(!stripped.isEmpty() && stripped.length() <= MAX_NAME,
        "%s must be 1-%s characters after stripping, but was '%s'", what, MAX_NAME, value);
    checkArgument(stripped.chars().noneMatch(Character::isISOControl), "%s must not contain control characters", what);
    return stripped;
  }

  /** Strips an optional note; an empty note is no note. */
  public static Optional<String> note(Optional<String> note) {
    checkNotNull(note, "note");
    return note.map(String::strip).filter(s -> !s.isEmpty()).map(s -> {
      checkArgument(s.length() <= MAX_NOTE, "note must be at most %s characters, but was %s", MAX_NOTE, s.length());
      return s;
    });
  }

  /** Whether something that ends at {@code expiresAt} (exclusive) still applies at {@code now}. */
  public static boolean activeAt(Optional<Instant> expiresAt, Instant now) {
    return expiresAt.isEmpty() || now.isBefore(expiresAt.get());
  }
}
