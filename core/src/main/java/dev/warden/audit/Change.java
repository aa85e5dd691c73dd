package dev.warden.audit;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.invite.InviteGrant;
import java.util.Collection;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One field an audited change touched, with its value before and after (empty: none). Secret fields
 * (tokens, keys) hold {@link #MASKED} instead of a value. Immutable.
 *
 * <p>Values are data, in one documented form (see {@link #of}), the same in every store and export:
 * ids and emails as their value, levels and roles by name, instants in ISO-8601, an invite's project
 * grant as {@code <projectId>:<ROLE>}, and a set or list as its elements' forms joined by {@code ", "}
 * (so a key's scopes read {@code query:read, insight:write}).
 */
public record Change(String field, Optional<String> before, Optional<String> after) {
  /** What secret fields hold instead of their value. */
  public static final String MASKED = "masked";

  public Change {
    checkArgument(field != null && !field.isBlank(), "field must not be blank");
    checkNotNull(before, "before");
    checkNotNull(after, "after");
  }

  /** A field set from {@code before} to {@code after}, each in the form described above; nulls mean "none". */
  public static Change of(String field, Object before, Object after) {
    return new Change(field, Optional.ofNullable(before).map(Change::text), Optional.ofNullable(after).map(Change::text));
  }

  private static String text(Object value) {
    if (value instanceof Collection<?> values) {
      return values.stream().map(Change::text).collect(Collectors.joining(", "));
    }
    if (value instanceof InviteGrant grant) {
      return grant.project().value() + ":" + grant.role().name();
    }
    return String.valueOf(value);
  }

  /** A secret field that changed; both sides are recorded as {@link #MASKED}. */
  public static Change secret(String field) {
    return new Change(field, Optional.of(MASKED), Optional.of(MASKED));
  }
}
