package dev.warden.jdbc.internal;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.audit.Change;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The JSON the store keeps in its list columns: arrays of strings, and arrays of audit changes. Writes
 * pure ASCII (every other character as an escape like <code>&#92;u00e9</code>, surrogates one by one),
 * so any Java string, even one with NUL or an unpaired surrogate, reads back exactly whatever the
 * database's encoding. Reads only what it writes. Stateless; thread-safe.
 */
final class JsonText {
  private JsonText() {}

  /** {@code values} as a JSON array of strings, in iteration order. */
  static String strings(Collection<String> values) {
    StringBuilder out = new StringBuilder("[");
    for (String v : values) {
      if (out.length() > 1) {
        out.append(',');
      }
      quote(out, checkNotNull(v, "value"));
    }
    return out.append(']').toString();
  }

  /** The strings of an array written by {@link #strings}. */
  static List<String> parseStrings(String json) {
    Reader r = new Reader(json);
    List<String> values = new ArrayList<>();
    r.expect('[');
    if (!r.consume(']')) {
      do {
        values.add(r.string());
      } while (r.consume(','));
      r.expect(']');
    }
    r.end();
    return values;
  }

  /** {@code changes} as a JSON array of {@code {"field", "before", "after"}} objects; none is {@code null}. */
  static String changes(List<Change> changes) {
    StringBuilder out = new StringBuilder("[");
    for (Change c : changes) {
      if (out.length() > 1) {
        out.append(',');
      }
      out.append("{\"field\":");
      quote(out, c.field());
      out.append(",\"before\":");
      quoteOrNull(out, c.before());
      out.append(",\"after\":");
      quoteOrNull(out, c.after());
      out.append('}');
    }
    return out.append(']').toString();
  }

  /** The changes of an array written by {@link #changes}. */
  static List<Change> parseChanges(String json) {
    Reader r = new Reader(json);
    List<Change> changes = new ArrayList<>();
    r.expect('[');
    if (!r.consume(']')) {
      do {
        r.expect('{');
        r.key("field");
        String field = r.string();
        r.expect(',');
        r.key("before");
        Optional<String> before = r.stringOrNull();
        r.expect(',');
        r.key("after");
        Optional<String> after = r.stringOrNull();
        r.expect('}');
        changes.add(new Change(field, before, after));
      } while (r.consume(','));
      r.expect(']');
    }
    r.end();
    return changes;
  }

  private static void quoteOrNull(StringBuilder out, Optional<String> value) {
    if (value.isPresent()) {
      quote(out, value.get());
    } else {
      out.append("null");
    }
  }

  private static void quote(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c >= 0x20 && c < 0x7f) {
        out.append(c);
      } else {
        out.append(String.format("\\u%04x", (int) c));
      }
    }
    out.append('"');
  }

  /** A cursor over stored JSON; any deviation from what the writer produces is an error. */
  private static final class Reader {
    private final String s;
    private int i;

    Reader(String s) {
      this.s = checkNotNull(s, "json");
    }

    void expect(char c) {
      if (!consume(c)) {
        throw malformed("'" + c + "'");
      }
    }

    boolean consume(char c) {
      if (i < s.length() && s.charAt(i) == c) {
        i++;
        return true;
      }
      return false;
    }

    void key(String name) {
      if (!string().equals(name)) {
        throw malformed("key \"" + name + "\"");
      }
      expect(':');
    }

    Optional<String> stringOrNull() {
      if (s.startsWith("null", i)) {
        i += 4;
        return Optional.empty();
      }
      return Optional.of(string());
    }

    String string() {
      expect('"');
      StringBuilder out = new StringBuilder();
      while (true) {
        if (i >= s.length()) {
          throw malformed("closing quote");
        }
        char c = s.charAt(i++);
        if (c == '"') {
          return out.toString();
        }
        if (c != '\\') {
          out.append(c);
          continue;
        }
        if (i >= s.length()) {
          throw malformed("escape");
        }
        char e = s.charAt(i++);
        if (e == '"' || e == '\\') {
          out.append(e);
        } else if (e == 'u' && i + 4 <= s.length()) {
          try {
            out.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
          } catch (NumberFormatException ex) {
            throw malformed("four hex digits");
          }
          i += 4;
        } else {
          throw malformed("escape");
        }
      }
    }

    void end() {
      if (i != s.length()) {
        throw malformed("end of text");
      }
    }

    private IllegalStateException malformed(String expected) {
      // The position only: stored values never go into messages.
      return new IllegalStateException("stored JSON is malformed: expected " + expected + " at offset " + i);
    }
  }
}
