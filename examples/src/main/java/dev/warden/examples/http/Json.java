package dev.warden.examples.http;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The little JSON this service needs, on the JDK alone: a strict RFC 8259 parser and a writer.
 *
 * <p>Parsing gives {@code Map<String, Object>} (insertion order), {@code List<Object>}, {@code String},
 * {@code BigDecimal}, {@code Boolean} or {@link #NULL}. It rejects what a lenient parser would guess at:
 * trailing content, duplicate keys (two values for one field is an ambiguity an attacker can exploit),
 * nesting deeper than {@value #MAX_DEPTH}, unescaped control characters and lone surrogates.
 *
 * <p>Writing accepts the same types plus {@code null}, any {@code Number}, {@code Boolean}, enums,
 * {@code Optional}s (empty is {@code null}) and {@code Iterable}s; anything else is written with {@code toString()} as a string.
 */
final class Json {
  /** The parsed JSON {@code null}, so that a present-but-null field differs from a missing one. */
  static final Object NULL = new Object() {
    @Override
    public String toString() {
      return "null";
    }
  };

  static final int MAX_DEPTH = 32;

  private final String text;
  private int pos;

  private Json(String text) {
    this.text = text;
  }

  /**
   * Parses one JSON value.
   *
   * @throws MalformedJsonException naming the position of the first problem
   */
  static Object parse(String text) {
    Json p = new Json(text);
    p.skipWhitespace();
    Object value = p.value(0);
    p.skipWhitespace();
    if (p.pos != text.length()) {
      throw p.error("unexpected content after the JSON value");
    }
    return value;
  }

  /** Thrown for text that is not valid JSON; the message names the position, never echoes the input. */
  static final class MalformedJsonException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MalformedJsonException(String message) {
      super(message);
    }
  }

  private MalformedJsonException error(String what) {
    return new MalformedJsonException("malformed JSON at offset " + pos + ": " + what);
  }

  private Object value(int depth) {
    if (depth > MAX_DEPTH) {
      throw error("nested deeper than " + MAX_DEPTH);
    }
    if (pos >= text.length()) {
      throw error("unexpected end of input");
    }
    char c = text.charAt(pos);
    return switch (c) {
      case '{' -> object(depth);
      case '[' -> array(depth);
      case '"' -> string();
      case 't' -> literal("true", Boolean.TRUE);
      case 'f' -> literal("false", Boolean.FALSE);
      case 'n' -> literal("null", NULL);
      default -> {
        if (c == '-' || (c >= '0' && c <= '9')) {
          yield number();
        }
        throw error("unexpected character");
      }
    };
  }

  private Map<String, Object> object(int depth) {
    pos++; // {
    Map<String, Object> map = new LinkedHashMap<>();
    skipWhitespace();
    if (peek('}')) {
      pos++;
      return map;
    }
    while (true) {
      skipWhitespace();
      if (!peek('"')) {
        throw error("expected a field name in double quotes");
      }
      String key = string();
      skipWhitespace();
      expect(':');
      skipWhitespace();
      Object value = value(depth + 1);
      if (map.put(key, value) != null) {
        throw error("duplicate field '" + key + "'");
      }
      skipWhitespace();
      if (peek(',')) {
        pos++;
        continue;
      }
      expect('}');
      return map;
    }
  }

  private List<Object> array(int depth) {
    pos++; // [
    List<Object> list = new ArrayList<>();
    skipWhitespace();
    if (peek(']')) {
      pos++;
      return list;
    }
    while (true) {
      skipWhitespace();
      list.add(value(depth + 1));
      skipWhitespace();
      if (peek(',')) {
        pos++;
        continue;
      }
      expect(']');
      return list;
    }
  }

  private String string() {
    pos++; // opening quote
    StringBuilder s = new StringBuilder();
    while (true) {
      if (pos >= text.length()) {
        throw error("unterminated string");
      }
      char c = text.charAt(pos++);
      if (c == '"') {
        break;
      }
      if (c < 0x20) {
        throw error("unescaped control character in string");
      }
      if (c != '\\') {
        s.append(c);
        continue;
      }
      if (pos >= text.length()) {
        throw error("unterminated escape");
      }
      char e = text.charAt(pos++);
      switch (e) {
        case '"' -> s.append('"');
        case '\\' -> s.append('\\');
        case '/' -> s.append('/');
        case 'b' -> s.append('\b');
        case 'f' -> s.append('\f');
        case 'n' -> s.append('\n');
        case 'r' -> s.append('\r');
        case 't' -> s.append('\t');
        case 'u' -> s.append(hex4());
        default -> throw error("invalid escape");
      }
    }
    String result = s.toString();
    for (int i = 0; i < result.length(); i++) {
      char c = result.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < result.length() && Character.isLowSurrogate(result.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw error("lone surrogate in string");
      }
    }
    return result;
  }

  private char hex4() {
    if (pos + 4 > text.length()) {
      throw error("truncated \\u escape");
    }
    int v = 0;
    for (int i = 0; i < 4; i++) {
      int d = Character.digit(text.charAt(pos++), 16);
      if (d < 0) {
        throw error("invalid \\u escape");
      }
      v = v * 16 + d;
    }
    return (char) v;
  }

  private BigDecimal number() {
    int start = pos;
    if (peek('-')) {
      pos++;
    }
    if (peek('0')) {
      pos++;
    } else if (digits() == 0) {
      throw error("invalid number");
    }
    if (peek('.')) {
      pos++;
      if (digits() == 0) {
        throw error("invalid number");
      }
    }
    if (peek('e') || peek('E')) {
      pos++;
      if (peek('+') || peek('-')) {
        pos++;
      }
      if (digits() == 0) {
        throw error("invalid number");
      }
    }
    if (pos - start > 64) {
      throw error("number too long");
    }
    return new BigDecimal(text.substring(start, pos));
  }

  private int digits() {
    int start = pos;
    while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
      pos++;
    }
    return pos - start;
  }

  private Object literal(String word, Object value) {
    if (!text.startsWith(word, pos)) {
      throw error("unexpected character");
    }
    pos += word.length();
    return value;
  }

  private boolean peek(char c) {
    return pos < text.length() && text.charAt(pos) == c;
  }

  private void expect(char c) {
    if (!peek(c)) {
      throw error(pos >= text.length() ? "unexpected end of input" : "expected '" + c + "'");
    }
    pos++;
  }

  private void skipWhitespace() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      pos++;
    }
  }

  // ------------------------------------------------------------------------------------------ writing

  /** {@code value} as compact JSON text. */
  static String write(Object value) {
    StringBuilder out = new StringBuilder();
    write(value, out);
    return out.toString();
  }

  private static void write(Object value, StringBuilder out) {
    if (value == null || value == NULL) {
      out.append("null");
    } else if (value instanceof Boolean || value instanceof Integer || value instanceof Long
        || value instanceof BigDecimal) {
      out.append(value);
    } else if (value instanceof Number n) {
      out.append(new BigDecimal(n.toString()));
    } else if (value instanceof Map<?, ?> map) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!first) {
          out.append(',');
        }
        first = false;
        quote(String.valueOf(e.getKey()), out);
        out.append(':');
        write(e.getValue(), out);
      }
      out.append('}');
    } else if (value instanceof Iterable<?> items) {
      out.append('[');
      boolean first = true;
      for (Object item : items) {
        if (!first) {
          out.append(',');
        }
        first = false;
        write(item, out);
      }
      out.append(']');
    } else if (value instanceof Optional<?> o) {
      write(o.orElse(null), out);
    } else if (value instanceof Enum<?> e) {
      quote(e.name(), out);
    } else {
      quote(value.toString(), out);
    }
  }

  private static void quote(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == '\u2028' || c == '\u2029') {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  /** An ordered map for building responses: {@code Json.object("id", id, "name", name)}. */
  static Map<String, Object> object(Object... keysAndValues) {
    if (keysAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("keys and values must pair up");
    }
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return Collections.unmodifiableMap(map);
  }
}
