package dev.warden.audit;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.Optional;

/**
 * One field an audited change touched, with its value before and after (empty: none). Secret fields
 * (tokens, keys) hold {@link #MASKED} instead of a value. Immutable.
 */
public record Change(String field, Optional<String> before, Optional<String> after) {
  /** What secret fields hold instead of their value. */
  public static final String MASKED = "masked";

  public Change {
    checkArgument(field != null && !field.isBlank(), "field must not be blank");
    checkNotNull(before, "before");
    checkNotNull(after, "after");
  }

  /** A field set from {@code before} to {@code after}; nulls mean "none". */
  public static Change of(String field, Object before, Object after) {
    return new Change(field, Optional.ofNullable(before).map(String::valueOf), Optional.ofNullable(after).map(String::valueOf));
  }

  /** A secret field that changed; both sides are recorded as {@link #MASKED}. */
  public static Change secret(String field) {
    return new Change(field, Optional.of(MASKED), Optional.of(MASKED));
  }
}
