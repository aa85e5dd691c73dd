package dev.warden;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * What every store keeps exactly, in one place: the rules every string and instant Warden stores
 * follows. The value types ({@code UserId}, {@code EmailAddress}, {@code Membership}, {@code ProjectGrant},
 * …) check their components here, so a value a store could alter or refuse never gets as far as a
 * store, and the in-memory store, H2, PostgreSQL and a host's own store all accept and return the same
 * values. A host may call these checks to validate its own input early.
 *
 * <ul>
 *   <li><b>Text.</b> Every stored string is well-formed UTF-16 (no lone surrogate: PostgreSQL would
 *       store it as {@code ?}, merging two identities) and contains no NUL (PostgreSQL refuses it).
 *   <li><b>Lengths</b>, in UTF-16 code units ({@link String#length()}), the schema's column sizes: ids
 *       {@value #MAX_ID_LENGTH}, names and API key labels {@value #MAX_NAME_LENGTH}, resource kinds
 *       {@value #MAX_KIND_LENGTH}, notes {@value #MAX_NOTE_LENGTH}, emails {@value #MAX_EMAIL_LENGTH},
 *       project tokens, audit entry ids and audit actions {@value #MAX_TOKEN_LENGTH}.
 *   <li><b>Instants</b> lie within {@link #MIN_INSTANT} .. {@link #MAX_INSTANT} (years 1 to 9999, UTC)
 *       and are kept to the microsecond, the precision databases store. Instants a caller passes to be
 *       stored (expiries, {@code authenticatedAt}) outside that range are refused with
 *       {@link IllegalArgumentException}; bounds of a query are clamped into it (nothing is stored
 *       outside it); instants Warden computes ({@code now} plus a duration) saturate at its ends.
 * </ul>
 *
 * <p>Every check throws {@link NullPointerException} for a null and {@link IllegalArgumentException}
 * naming the argument otherwise. This class is thread-safe (stateless).
 */
public final class Limits {
  /** The most UTF-16 code units of an id: user, organization, project, invite, API key and resource ids. */
  public static final int MAX_ID_LENGTH = 128;
  /** The most UTF-16 code units of an organization or project name or an API key label, after stripping. */
  public static final int MAX_NAME_LENGTH = 64;
  /** The most UTF-16 code units of a resource kind. */
  public static final int MAX_KIND_LENGTH = 64;
  /** The most UTF-16 code units of a membership note or an access-review note, after stripping. */
  public static final int MAX_NOTE_LENGTH = 200;
  /** The most UTF-16 code units of a normalized email address. */
  public static final int MAX_EMAIL_LENGTH = 320;
  /** The most UTF-16 code units of a project token, an audit entry id and an audit action. */
  public static final int MAX_TOKEN_LENGTH = 255;
  /** The longest prefix of a minted secret ({@code wdk_}, {@code phc_}, …; see {@code TokenFormat}). */
  public static final int MAX_SECRET_PREFIX_LENGTH = 16;
  /**
   * The prefix of a minted secret as a regular expression: a lower-case letter, then lower-case
   * letters, digits and underscores, ending with an underscore, 2–{@value #MAX_SECRET_PREFIX_LENGTH}
   * characters. API key values and project tokens of every token format start with one.
   */
  public static final String SECRET_PREFIX_REGEX = "[a-z][a-z0-9_]{0,14}_";
  /** The earliest instant Warden stores: 0001-01-01T00:00:00Z. */
  public static final Instant MIN_INSTANT = Instant.parse("0001-01-01T00:00:00Z");
  /** The latest instant Warden stores: 9999-12-31T23:59:59.999999Z. */
  public static final Instant MAX_INSTANT = Instant.parse("9999-12-31T23:59:59.999999Z");

  private Limits() {}

  /**
   * Checks that {@code value} is text every store keeps exactly: well-formed UTF-16 and no NUL.
   *
   * @return {@code value}
   * @throws NullPointerException naming {@code what} if it is null
   * @throws IllegalArgumentException naming {@code what} if it has a lone surrogate or a NUL
   */
  public static String text(String value, String what) {
    checkNotNull(value, "%s must not be null", what);
    // The messages are built only on failure: ids are made per request, so the happy path allocates nothing.
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\0') {
        throw new IllegalArgumentException(what + " must not contain NUL (U+0000), but did at index " + i);
      }
      if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new IllegalArgumentException(what + " must be well-formed UTF-16, but has a lone surrogate U+"
            + Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT) + " at index " + i);
      }
    }
    return value;
  }

  /**
   * Checks that {@code value} is {@linkplain #text text} of at most {@code maxLength} UTF-16 code units.
   *
   * @return {@code value}
   * @throws NullPointerException naming {@code what} if it is null
   * @throws IllegalArgumentException naming {@code what} if it is longer or not text every store keeps
   */
  public static String text(String value, int maxLength, String what) {
    text(value, what);
    if (value.length() > maxLength) {
      throw new IllegalArgumentException(what + " must be at most " + maxLength + " characters, but was "
          + value.length());
    }
    return value;
  }

  /**
   * Checks an id: not blank, at most {@value #MAX_ID_LENGTH} characters of {@linkplain #text text}, no
   * control characters.
   *
   * @return {@code value}
   * @throws NullPointerException naming {@code what} if it is null
   * @throws IllegalArgumentException naming {@code what} and the value otherwise
   */
  public static String id(String value, String what) {
    checkNotNull(value, "%s must not be null", what);
    checkArgument(!value.isBlank(), "%s must not be blank, but was '%s'", what, value);
    text(value, MAX_ID_LENGTH, what);
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i))) {
        throw new IllegalArgumentException(what + " must not contain control characters");
      }
    }
    return value;
  }

  /**
   * Strips {@code value} and checks it is 1–{@value #MAX_NAME_LENGTH} characters of {@linkplain #text
   * text} without control characters.
   *
   * @return the stripped name
   * @throws NullPointerException naming {@code what} if it is null
   * @throws IllegalArgumentException naming {@code what} and the value otherwise
   */
  public static String name(String value, String what) {
    checkNotNull(value, "%s must not be null", what);
    String stripped = value.strip();
    checkArgument(!stripped.isEmpty() && stripped.length() <= MAX_NAME_LENGTH,
        "%s must be 1-%s characters after stripping, but was '%s'", what, MAX_NAME_LENGTH, value);
    text(stripped, what);
    checkArgument(stripped.chars().noneMatch(Character::isISOControl), "%s must not contain control characters", what);
    return stripped;
  }

  /**
   * Strips a note and checks it is at most {@value #MAX_NOTE_LENGTH} characters of {@linkplain #text
   * text}; an empty result means "no note". Line breaks and tabs are allowed.
   *
   * @return the stripped note, possibly empty
   * @throws NullPointerException naming {@code what} if it is null
   * @throws IllegalArgumentException naming {@code what} otherwise
   */
  public static String note(String value, String what) {
    checkNotNull(value, "%s must not be null", what);
    return text(value.strip(), MAX_NOTE_LENGTH, what);
  }

  /**
   * Truncates {@code instant} to microseconds and checks it lies within {@link #MIN_INSTANT} ..
   * {@link #MAX_INSTANT}: the instant a store keeps.
   *
   * @return the truncated instant
   * @throws NullPointerException naming {@code what} if it is null
   * @throws IllegalArgumentException naming {@code what} and the instant if it is out of range
   */
  public static Instant instant(Instant instant, String what) {
    checkNotNull(instant, "%s must not be null", what);
    Instant micros = instant.truncatedTo(ChronoUnit.MICROS);
    checkArgument(!micros.isBefore(MIN_INSTANT) && !micros.isAfter(MAX_INSTANT),
        "%s must be within %s and %s, but was %s", what, MIN_INSTANT, MAX_INSTANT, instant);
    return micros;
  }

  /**
   * Checks that {@code instant} lies within {@link #MIN_INSTANT} .. {@link #MAX_INSTANT}, without
   * truncating it (for instants that are compared, not stored, such as {@code authenticatedAt}).
   *
   * @return {@code instant}
   * @throws NullPointerException naming {@code what} if it is null
   * @throws IllegalArgumentException naming {@code what} and the instant if it is out of range
   */
  public static Instant inRange(Instant instant, String what) {
    checkNotNull(instant, "%s must not be null", what);
    checkArgument(!instant.isBefore(MIN_INSTANT) && !instant.isAfter(MAX_INSTANT),
        "%s must be within %s and %s, but was %s", what, MIN_INSTANT, MAX_INSTANT, instant);
    return instant;
  }

  /** {@code instant} moved into {@link #MIN_INSTANT} .. {@link #MAX_INSTANT}, e.g. for a query bound. */
  public static Instant clamp(Instant instant) {
    checkNotNull(instant, "instant");
    return instant.isBefore(MIN_INSTANT) ? MIN_INSTANT : instant.isAfter(MAX_INSTANT) ? MAX_INSTANT : instant;
  }

  /**
   * {@code instant + duration}, saturating at {@link #MIN_INSTANT} and {@link #MAX_INSTANT} instead of
   * throwing {@link ArithmeticException} or {@link java.time.DateTimeException}.
   */
  public static Instant plus(Instant instant, Duration duration) {
    checkNotNull(instant, "instant");
    checkNotNull(duration, "duration");
    Instant from = clamp(instant);
    // Both ends are in range, so these differences are far from overflowing a Duration.
    if (duration.compareTo(Duration.between(from, MAX_INSTANT)) >= 0) {
      return MAX_INSTANT;
    }
    if (duration.compareTo(Duration.between(from, MIN_INSTANT)) <= 0) {
      return MIN_INSTANT;
    }
    return from.plus(duration);
  }

  /** {@code instant - duration}, saturating like {@link #plus}. */
  public static Instant minus(Instant instant, Duration duration) {
    checkNotNull(instant, "instant");
    checkNotNull(duration, "duration");
    Instant from = clamp(instant);
    if (duration.compareTo(Duration.between(MIN_INSTANT, from)) >= 0) {
      return MIN_INSTANT;
    }
    if (duration.compareTo(Duration.between(MAX_INSTANT, from)) <= 0) {
      return MAX_INSTANT;
    }
    return from.minus(duration);
  }
}
