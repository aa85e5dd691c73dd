package dev.warden.examples.http;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A request body: one JSON object, read field by field. Every problem is a 400 naming the field, so a
 * handler validates everything before it changes anything. Unknown fields are refused rather than
 * ignored, so a typo ({@code "visiblity"}) cannot silently do nothing.
 */
final class JsonBody {
  private final Map<String, Object> fields;

  private JsonBody(Map<String, Object> fields) {
    this.fields = fields;
  }

  /** Parses {@code text}, which must hold one JSON object whose fields are all in {@code allowed}. */
  @SuppressWarnings("unchecked")
  static JsonBody parse(String text, String... allowed) {
    if (text.isBlank()) {
      throw ApiError.badRequest("request body must be a JSON object; it was empty");
    }
    Object value;
    try {
      value = Json.parse(text);
    } catch (Json.MalformedJsonException e) {
      throw ApiError.badRequest(e.getMessage());
    }
    if (!(value instanceof Map)) {
      throw ApiError.badRequest("request body must be a JSON object");
    }
    JsonBody body = new JsonBody((Map<String, Object>) value);
    Set<String> unknown = new LinkedHashSet<>(body.fields.keySet());
    unknown.removeAll(Arrays.asList(allowed));
    if (!unknown.isEmpty()) {
      throw ApiError.badRequest("unknown field(s) " + unknown + "; expected some of " + Arrays.asList(allowed));
    }
    return body;
  }

  /** Whether the field is present (even as {@code null}). */
  boolean has(String name) {
    return fields.containsKey(name);
  }

  /** The names of the present fields among {@code names}. */
  List<String> present(String... names) {
    List<String> found = new ArrayList<>();
    for (String n : names) {
      if (has(n)) {
        found.add(n);
      }
    }
    return found;
  }

  /** A required string field. */
  String string(String name) {
    return optionalString(name).orElseThrow(() -> ApiError.badRequest("field '" + name + "' is required"));
  }

  /** An optional string field; {@code null} counts as absent. */
  Optional<String> optionalString(String name) {
    Object v = fields.get(name);
    if (v == null || v == Json.NULL) {
      return Optional.empty();
    }
    if (!(v instanceof String s)) {
      throw ApiError.badRequest("field '" + name + "' must be a string");
    }
    return Optional.of(s);
  }

  /** A required field holding one of {@code type}'s constants, case-insensitively. */
  <E extends Enum<E>> E enumValue(String name, Class<E> type) {
    return enumOf(string(name), name, type);
  }

  /** An optional enum field. */
  <E extends Enum<E>> Optional<E> optionalEnum(String name, Class<E> type) {
    return optionalString(name).map(s -> enumOf(s, name, type));
  }

  static <E extends Enum<E>> E enumOf(String value, String name, Class<E> type) {
    try {
      return Enum.valueOf(type, value.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest("field '" + name + "' must be one of " + Arrays.toString(type.getEnumConstants()));
    }
  }

  /** An optional ISO-8601 instant ({@code 2026-02-04T09:00:00Z}); {@code null} counts as absent. */
  Optional<Instant> optionalInstant(String name) {
    return optionalString(name).map(s -> {
      try {
        return Instant.parse(s);
      } catch (DateTimeParseException e) {
        throw ApiError.badRequest("field '" + name + "' must be an ISO-8601 instant such as 2026-02-04T09:00:00Z");
      }
    });
  }

  /** An optional array of strings; absent or {@code null} is empty. */
  List<String> strings(String name) {
    Object v = fields.get(name);
    if (v == null || v == Json.NULL) {
      return List.of();
    }
    if (!(v instanceof List<?> items)) {
      throw ApiError.badRequest("field '" + name + "' must be an array of strings");
    }
    List<String> out = new ArrayList<>();
    for (Object item : items) {
      if (!(item instanceof String s)) {
        throw ApiError.badRequest("field '" + name + "' must be an array of strings");
      }
      out.add(s);
    }
    return out;
  }

  /** An optional array of objects, each read as a body with {@code allowed} fields; absent is empty. */
  @SuppressWarnings("unchecked")
  List<JsonBody> objects(String name, String... allowed) {
    Object v = fields.get(name);
    if (v == null || v == Json.NULL) {
      return List.of();
    }
    if (!(v instanceof List<?> items)) {
      throw ApiError.badRequest("field '" + name + "' must be an array of objects");
    }
    List<JsonBody> out = new ArrayList<>();
    for (Object item : items) {
      if (!(item instanceof Map)) {
        throw ApiError.badRequest("field '" + name + "' must be an array of objects");
      }
      JsonBody b = new JsonBody((Map<String, Object>) item);
      Set<String> unknown = new LinkedHashSet<>(b.fields.keySet());
      unknown.removeAll(Arrays.asList(allowed));
      if (!unknown.isEmpty()) {
        throw ApiError.badRequest("unknown field(s) " + unknown + " in '" + name + "'; expected " + Arrays.asList(allowed));
      }
      out.add(b);
    }
    return out;
  }
}
