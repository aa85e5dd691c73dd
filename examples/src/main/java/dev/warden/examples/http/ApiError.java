package dev.warden.examples.http;

import java.util.Map;

/**
 * A refusal this service answers itself, before or around Warden: a malformed request, missing
 * credentials, an unknown route, or a refusing {@link dev.warden.Decision}. Carries the HTTP status and
 * the JSON body {@code {"error": code, "message": …}} (plus {@code "reason"} for a denial).
 */
final class ApiError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final transient Map<String, Object> body;

  private ApiError(int status, Map<String, Object> body) {
    super(String.valueOf(body.get("error")), null, false, false); // no stack trace: it is an answer, not a bug
    this.status = status;
    this.body = body;
  }

  static ApiError of(int status, String code, String message) {
    return new ApiError(status, Json.object("error", code, "message", message));
  }

  static ApiError withReason(int status, String code, String reason, String message) {
    return new ApiError(status, Json.object("error", code, "reason", reason, "message", message));
  }

  /** 400: the request can never succeed as sent (malformed JSON, unknown field, bad value). */
  static ApiError badRequest(String message) {
    return of(400, "BAD_REQUEST", message);
  }

  /** 401: no credentials, or credentials nobody knows. */
  static ApiError unauthenticated(String message) {
    return of(401, "UNAUTHENTICATED", message);
  }

  int status() {
    return status;
  }

  Map<String, Object> body() {
    return body;
  }
}
