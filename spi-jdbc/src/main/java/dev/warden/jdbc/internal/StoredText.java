package dev.warden.jdbc.internal;

import java.util.HexFormat;

/**
 * Free text the database may not hold as it is. PostgreSQL's text refuses U+0000 and its driver turns
 * half of a surrogate pair into {@code ?}, yet an audit value is any Java string and must read back
 * exactly, as it does from every other store. Text without those characters is stored as it is, so SQL
 * reads and writes it plainly; text with them is escaped ({@code \\} for a backslash, {@code \}{@code uXXXX}
 * for such a character) and its row is flagged as escaped. Stateless; thread-safe.
 */
final class StoredText {
  private StoredText() {}

  /** Whether {@code s} must be escaped: it holds U+0000 or an unpaired surrogate. */
  static boolean needsEscaping(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (unstorable(s, i)) {
        return true;
      }
    }
    return false;
  }

  /** {@code s} with every backslash doubled and every character the database cannot hold as {@code \}{@code uXXXX}. */
  static String escape(String s) {
    StringBuilder out = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\') {
        out.append("\\\\");
      } else if (unstorable(s, i)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /**
   * The text {@link #escape} wrote.
   *
   * @throws IllegalStateException if {@code s} has a backslash that starts neither escape
   */
  static String unescape(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\\') {
        out.append(c);
      } else if (s.startsWith("\\", i + 1)) {
        out.append('\\');
        i++;
      } else if (s.startsWith("u", i + 1) && i + 6 <= s.length() && hex(s, i + 2, i + 6)) {
        out.append((char) Integer.parseInt(s.substring(i + 2, i + 6), 16));
        i += 5;
      } else {
        // The position only: stored values never go into messages.
        throw new IllegalStateException("escaped text is malformed at offset " + i);
      }
    }
    return out.toString();
  }

  private static boolean unstorable(String s, int i) {
    char c = s.charAt(i);
    if (c == '\u0000') {
      return true;
    }
    if (Character.isHighSurrogate(c)) {
      return i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
    }
    if (Character.isLowSurrogate(c)) {
      return i == 0 || !Character.isHighSurrogate(s.charAt(i - 1));
    }
    return false;
  }

  private static boolean hex(String s, int from, int to) {
    return s.substring(from, to).chars().allMatch(HexFormat::isHexDigit);
  }
}
