package dev.warden.spring.web;

import dev.warden.ErrorCode;
import dev.warden.PermissionDeniedException;
import dev.warden.WardenException;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Turns Warden's exceptions into RFC 9457 problem details, with the {@link ErrorCode} as {@code code}
 * and, for denials, the {@link dev.warden.Reason} as {@code reason}:
 *
 * <pre>
 * 404 NOT_FOUND, INVITE_NOT_FOUND, GRANT_NOT_FOUND     missing, or hidden: the two answer the same
 * 403 PERMISSION_DENIED, MFA_REQUIRED, SSO_REQUIRED, REAUTHENTICATION_REQUIRED
 * 409 every other rule (LAST_OWNER, ALREADY_MEMBER, INVITE_EXPIRED, CONCURRENT_MODIFICATION, …)
 * 503 STORE_UNAVAILABLE, 500 INTERNAL_ERROR            with a fixed detail: database errors can quote values
 * </pre>
 *
 * Declare your own bean of this type (a subclass) to change the bodies. Thread-safe.
 */
@RestControllerAdvice
public class WardenProblemDetails implements Ordered {

  /** Ahead of catch-all advice ({@code @ExceptionHandler(Exception.class)}) the application may have. */
  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE + 100;
  }

  /** The RFC 9457 response for {@code e}: its status, its {@code code} and, for a denial, its {@code reason}. */
  @ExceptionHandler(WardenException.class)
  public ResponseEntity<ProblemDetail> handle(WardenException e) {
    ErrorCode code = e.code();
    HttpStatus status = status(code);
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, switch (code) {
      case STORE_UNAVAILABLE -> "the store is unavailable; nothing was changed";
      case INTERNAL_ERROR -> "unexpected error; nothing was changed";
      case CONCURRENT_MODIFICATION -> "a concurrent change won; retry the request";
      default -> e.getMessage();
    });
    problem.setProperty("code", code.name());
    if (e instanceof PermissionDeniedException denied) {
      denied.reason().ifPresent(reason -> problem.setProperty("reason", reason.name()));
    }
    return ResponseEntity.status(status).body(problem);
  }

  /**
   * The status of a refused operation. No {@code default}: a new {@link ErrorCode} fails compilation
   * here until someone decides its status.
   */
  public static HttpStatus status(ErrorCode code) {
    return switch (code) {
      case NOT_FOUND, INVITE_NOT_FOUND, GRANT_NOT_FOUND -> HttpStatus.NOT_FOUND;
      case PERMISSION_DENIED, MFA_REQUIRED, SSO_REQUIRED, REAUTHENTICATION_REQUIRED -> HttpStatus.FORBIDDEN;
      case NOT_A_MEMBER, ALREADY_MEMBER, CANNOT_CHANGE_OWN_LEVEL, LEVEL_ABOVE_OWN, ROLE_ABOVE_OWN, SINGLE_OWNERSHIP,
          LAST_OWNER, OWNER_CANNOT_LEAVE, OWNER_CANNOT_BE_REMOVED, OWNER_CANNOT_EXPIRE, TRANSFER_TO_SELF,
          CANNOT_CHANGE_OWN_GRANT, EXPIRY_IN_PAST, INVITE_WRONG_RECIPIENT, INVITE_EXPIRED, INVITE_ALREADY_USED,
          RESOURCE_NOT_RESTRICTED, RESOURCE_ALREADY_REGISTERED, ALREADY_EXISTS, NO_PROJECT_ACCESS, ALREADY_HAS_ACCESS,
          TOO_MANY_API_KEYS, CONCURRENT_MODIFICATION, CAPABILITY_NOT_DELEGABLE -> HttpStatus.CONFLICT;
      case STORE_UNAVAILABLE -> HttpStatus.SERVICE_UNAVAILABLE;
      case INTERNAL_ERROR -> HttpStatus.INTERNAL_SERVER_ERROR;
    };
  }
}
