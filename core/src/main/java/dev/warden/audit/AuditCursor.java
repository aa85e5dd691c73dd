package dev.warden.audit;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.Limits;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * A position in the audit log's order (newest first: {@code at} descending, then {@code id}
 * descending). Pages continue strictly after it. Immutable.
 */
public record AuditCursor(Instant at, String id) {
  /**
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code at} is outside {@link Limits#MIN_INSTANT} ..
   *     {@link Limits#MAX_INSTANT} (no entry lies there, so no page starts there) or {@code id} is blank
   */
  public AuditCursor {
    Limits.inRange(at, "at");
    checkArgument(!Limits.text(id, Limits.MAX_TOKEN_LENGTH, "id").isBlank(), "id must not be blank");
  }

  /** The position of {@code entry}. */
  public static AuditCursor of(AuditEntry entry) {
    return new AuditCursor(entry.at(), entry.id());
  }

  /**
   * @throws NullPointerException if {@code cursor} is null
   * @throws IllegalArgumentException if {@code cursor} did not come from {@link #toString()}
   */
  public static AuditCursor parse(String cursor) {
    int bar = checkNotNull(cursor, "cursor").indexOf('|');
    checkArgument(bar > 0, "audit cursor is malformed: %s", cursor);
    try {
      return new AuditCursor(Instant.parse(cursor.substring(0, bar)), cursor.substring(bar + 1));
    } catch (DateTimeParseException | IllegalArgumentException e) {
      throw new IllegalArgumentException("audit cursor is malformed: " + cursor, e);
    }
  }

  /** Whether {@code e} comes after this position, i.e. is older. */
  public boolean isAfter(AuditEntry e) {
    int c = e.at().compareTo(at);
    return c < 0 || (c == 0 && e.id().compareTo(id) < 0);
  }

  @Override
  public String toString() {
    return at + "|" + id;
  }
}
