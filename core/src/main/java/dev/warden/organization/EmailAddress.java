package dev.warden.organization;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.Limits;
import java.util.Locale;

/**
 * A normalized email address: trimmed and lower-cased, one {@code @}, a non-empty local part and a
 * domain with an inner dot; at most {@value Limits#MAX_EMAIL_LENGTH} characters of text every store
 * keeps exactly (no lone surrogate, no NUL; see {@link Limits}). Immutable.
 */
public record EmailAddress(String value) {
  public EmailAddress {
    checkNotNull(value, "email");
    value = Limits.text(value.strip().toLowerCase(Locale.ROOT), Limits.MAX_EMAIL_LENGTH, "email");
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
   * @throws NullPointerException if it is null
   * @throws IllegalArgumentException if it is not a well-formed address or breaks a {@link Limits} rule
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
