package dev.warden.internal;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.Limits;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * A position in creation order ({@code createdAt}, then id), encoded as {@code <instant>|<id>}. Lists
 * of projects and resources page with it; a page continues strictly after the position, so items that
 * stay put are neither skipped nor repeated. Not API.
 */
public record CreationCursor(Instant createdAt, String id) {

  public static String encode(Instant createdAt, String id) {
    return createdAt + "|" + id;
  }

  /** @throws IllegalArgumentException if {@code cursor} was not made by {@link #encode} */
  public static CreationCursor parse(String cursor) {
    int bar = checkNotNull(cursor, "cursor").indexOf('|');
    checkArgument(bar > 0, "cursor is malformed: %s", cursor);
    try {
      return new CreationCursor(Limits.inRange(Instant.parse(cursor.substring(0, bar)), "cursor instant"),
          cursor.substring(bar + 1));
    } catch (DateTimeParseException | IllegalArgumentException e) {
      throw new IllegalArgumentException("cursor is malformed: " + cursor, e);
    }
  }

  /** Whether the item at ({@code itemCreatedAt}, {@code itemId}) comes after this position. */
  public boolean isBefore(Instant itemCreatedAt, String itemId) {
    int c = createdAt.compareTo(itemCreatedAt);
    return c < 0 || (c == 0 && id.compareTo(itemId) < 0);
  }
}
