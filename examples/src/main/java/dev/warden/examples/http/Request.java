package dev.warden.examples.http;

import com.sun.net.httpserver.Headers;
import dev.warden.Principal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/** One HTTP request as a handler sees it: path parameters, query, headers, body and the caller. */
final class Request {
  private final Map<String, String> params;
  private final Map<String, String> query;
  private final Headers headers;
  private final Supplier<String> bodyReader;
  private final Function<Request, Principal> authenticator;
  private String body;
  private Principal principal;

  /** {@code bodyReader} is called at most once, when a handler first reads the body. */
  Request(Map<String, String> params, String rawQuery, Headers headers, Supplier<String> bodyReader,
      Function<Request, Principal> authenticator) {
    this.params = params;
    this.query = parseQuery(rawQuery);
    this.headers = headers;
    this.bodyReader = bodyReader;
    this.authenticator = authenticator;
  }

  /** A path parameter, e.g. {@code project} of {@code /projects/{project}}. */
  String param(String name) {
    String value = params.get(name);
    if (value == null) {
      throw new IllegalStateException("route has no parameter " + name);
    }
    return value;
  }

  Optional<String> query(String name) {
    return Optional.ofNullable(query.get(name));
  }

  /**
   * A header that may appear at most once; a repeated one is refused, since two values for a credential
   * are an ambiguity, not a choice.
   */
  Optional<String> header(String name) {
    List<String> values = headers.get(name);
    if (values == null || values.isEmpty()) {
      return Optional.empty();
    }
    if (values.size() > 1) {
      throw ApiError.badRequest("header " + name + " must appear at most once");
    }
    return Optional.of(values.get(0));
  }

  /** The body as one JSON object whose fields are all in {@code allowed}. */
  JsonBody json(String... allowed) {
    if (body == null) {
      body = bodyReader.get();
    }
    return JsonBody.parse(body, allowed);
  }

  /** The caller; resolved on first use, so routes that need none (such as {@code /capture}) never ask. */
  Principal principal() {
    if (principal == null) {
      principal = authenticator.apply(this);
    }
    return principal;
  }

  private static Map<String, String> parseQuery(String rawQuery) {
    Map<String, String> out = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return out;
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      try {
        String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        if (out.put(key, value) != null) {
          throw ApiError.badRequest("query parameter " + key + " must appear at most once");
        }
      } catch (IllegalArgumentException e) {
        throw ApiError.badRequest("malformed percent-encoding in the query");
      }
    }
    return out;
  }
}
