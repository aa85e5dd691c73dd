package dev.warden.examples.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Matches a method and a path such as {@code /projects/{project}/grants/{user}} to a handler. Path
 * parameters are percent-decoded segments; a segment never spans a {@code /}. Not thread-safe while
 * routes are added; safe to share once built.
 */
final class Router {

  /** What a handler returns: a status and a JSON body ({@code null} for none, as with 204). */
  record Response(int status, Object body, Map<String, String> headers) {
    static Response ok(Object body) {
      return new Response(200, body, Map.of());
    }

    static Response created(String location, Object body) {
      return new Response(201, body, Map.of("Location", location));
    }

    static Response accepted(Object body) {
      return new Response(202, body, Map.of());
    }

    static Response noContent() {
      return new Response(204, null, Map.of());
    }
  }

  @FunctionalInterface
  interface Handler {
    Response handle(Request request);
  }

  /**
   * The result of routing: a handler with its path parameters and whether it needs a caller, or the
   * methods the path allows.
   */
  record Match(Optional<Handler> handler, Map<String, String> params, boolean authenticated, Set<String> allowed) {}

  private record Route(String method, String[] segments, Handler handler, boolean authenticated) {}

  private final List<Route> routes = new ArrayList<>();

  /** A route whose caller is authenticated before the handler runs (401 before any other answer). */
  Router add(String method, String pattern, Handler handler) {
    routes.add(new Route(method, split(pattern), handler, true));
    return this;
  }

  /** A route that authenticates by other means, such as a project token in the body. */
  Router addPublic(String method, String pattern, Handler handler) {
    routes.add(new Route(method, split(pattern), handler, false));
    return this;
  }

  /**
   * The route for {@code method} and the raw (still percent-encoded) {@code rawPath}.
   *
   * @throws ApiError 400 if a segment is not valid percent-encoding
   */
  Match match(String method, String rawPath) {
    String[] path = split(rawPath);
    Set<String> allowed = new LinkedHashSet<>();
    for (Route route : routes) {
      Map<String, String> params = bind(route.segments(), path);
      if (params == null) {
        continue;
      }
      if (route.method().equals(method)) {
        return new Match(Optional.of(route.handler()), params, route.authenticated(), Set.of());
      }
      allowed.add(route.method());
    }
    return new Match(Optional.empty(), Map.of(), false, allowed);
  }

  private static Map<String, String> bind(String[] pattern, String[] path) {
    if (pattern.length != path.length) {
      return null;
    }
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < pattern.length; i++) {
      String p = pattern[i];
      if (p.startsWith("{") && p.endsWith("}")) {
        params.put(p.substring(1, p.length() - 1), decode(path[i]));
      } else if (!p.equals(path[i])) {
        return null;
      }
    }
    return params;
  }

  private static String decode(String segment) {
    try {
      // URLDecoder turns '+' into a space (form encoding); in a path '+' is itself.
      return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest("malformed percent-encoding in the path");
    }
  }

  private static String[] split(String path) {
    String trimmed = path;
    while (trimmed.startsWith("/")) {
      trimmed = trimmed.substring(1);
    }
    while (trimmed.endsWith("/")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1);
    }
    return trimmed.isEmpty() ? new String[0] : trimmed.split("/", -1);
  }
}
