package dev.warden.organization;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.Locale;

/**
 * A normalized email address: trimmed and lower-cased, one {@code @}, a non-empty local part and a
 * domain with an inner dot. Immutable.
 */
public record EmailAddress(String value) {
  public EmailAddress {
    checkNotNull(value, "email");
    value = value.strip().toLowerCase(Locale.ROOT);
    int at = value.indexOf('@');
    String domain = at < 0 ? "" : value.substring(at + 1);
    int dot = domain.indexOf('.');
    checkArgument(at > 0 && value.indexOf('@', at + 1) < 0 && dot > 0 && domain.lastIndexOf('.') < domain.length() - 1
            && value.chars().noneMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c)),
        "email must be well-formed (one '@', a local part, a domain with an inner dot), but was '%s'", value);
  }

  /**
   * Parses and normalizes {@code value}.
   *
   * @throws IllegalArgumentException if it is not a well-formed address
   */
  public static EmailAddress of(String value) {
    return new EmailAddress(value);
  }

  /** The part after the {@code @}. */
  public String domain() {
    return value.substring(value.indexOf('@') + 1);
  }

  @Override
  public String toString() {
    return value;
  }
}
