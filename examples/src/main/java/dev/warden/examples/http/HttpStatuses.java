package dev.warden.examples.http;

import dev.warden.Decision;
import dev.warden.ErrorCode;
import dev.warden.Reason;
import dev.warden.WardenException;
import dev.warden.matrix.Capability;

/**
 * How Warden's answers become HTTP answers. One table, so every endpoint maps alike:
 *
 * <table>
 *   <caption>Status by error code</caption>
 *   <tr><th>Status</th><th>Codes</th><th>Meaning</th></tr>
 *   <tr><td>404</td><td>{@code NOT_FOUND}, {@code INVITE_NOT_FOUND}, {@code GRANT_NOT_FOUND}</td>
 *       <td>missing, or hidden from the caller: the two are indistinguishable by design</td></tr>
 *   <tr><td>403</td><td>{@code PERMISSION_DENIED}, {@code MFA_REQUIRED}, {@code SSO_REQUIRED},
 *       {@code REAUTHENTICATION_REQUIRED}</td><td>the caller sees the target but may not do this</td></tr>
 *   <tr><td>409</td><td>every other rule ({@code LAST_OWNER}, {@code ALREADY_MEMBER}, {@code INVITE_EXPIRED},
 *       {@code EXPIRY_IN_PAST}, {@code CONCURRENT_MODIFICATION}, …)</td>
 *       <td>a well-formed request that Warden's rules refuse in the current state; fixing the JSON will not
 *       help, changing the state (or the target) may</td></tr>
 *   <tr><td>503 / 500</td><td>{@code STORE_UNAVAILABLE} / {@code INTERNAL_ERROR}</td>
 *       <td>nothing was changed; the body says no more than that</td></tr>
 * </table>
 *
 * <p>400 is kept for requests that can never succeed as sent (malformed JSON, unknown fields, bad
 * values: {@link IllegalArgumentException} from Warden's validation), 401 for missing or unknown
 * credentials. The switch below has no {@code default}: a new {@link ErrorCode} fails compilation
 * here until someone decides its status.
 */
final class HttpStatuses {
  private HttpStatuses() {}

  static int of(ErrorCode code) {
    return switch (code) {
      case NOT_FOUND, INVITE_NOT_FOUND, GRANT_NOT_FOUND -> 404;
      case PERMISSION_DENIED, MFA_REQUIRED, SSO_REQUIRED, REAUTHENTICATION_REQUIRED -> 403;
      case NOT_A_MEMBER, ALREADY_MEMBER, CANNOT_CHANGE_OWN_LEVEL, LEVEL_ABOVE_OWN, ROLE_ABOVE_OWN, SINGLE_OWNERSHIP,
          LAST_OWNER, OWNER_CANNOT_LEAVE, OWNER_CANNOT_BE_REMOVED, OWNER_CANNOT_EXPIRE, TRANSFER_TO_SELF,
          CANNOT_CHANGE_OWN_GRANT, EXPIRY_IN_PAST, INVITE_WRONG_RECIPIENT, INVITE_EXPIRED, INVITE_ALREADY_USED,
          RESOURCE_NOT_RESTRICTED, NO_PROJECT_ACCESS, ALREADY_HAS_ACCESS, RESOURCE_ALREADY_REGISTERED, TOO_MANY_API_KEYS,
          CONCURRENT_MODIFICATION -> 409;
      case STORE_UNAVAILABLE -> 503;
      case INTERNAL_ERROR -> 500;
    };
  }

  /**
   * The answer to a refused operation. Store failures get a fixed message: a database error can quote
   * values, and none of that belongs in a response.
   */
  static ApiError of(WardenException e) {
    ErrorCode code = e.code();
    return switch (code) {
      case STORE_UNAVAILABLE -> ApiError.of(503, code.name(), "the store is unavailable; nothing was changed");
      case INTERNAL_ERROR -> ApiError.of(500, code.name(), "unexpected error; nothing was changed");
      case CONCURRENT_MODIFICATION -> ApiError.of(409, code.name(), "a concurrent change won; retry the request");
      default -> ApiError.of(of(code), code.name(), e.getMessage());
    };
  }

  /**
   * The answer to a refusing decision of {@code capability} on a project. {@code NOT_FOUND} gives
   * exactly the body of a project that does not exist ({@code projects().get} on an unknown id), so a
   * hidden project cannot be told from a missing one; {@code DENY} gives 403 with the reason.
   */
  static ApiError refused(Decision decision, Capability capability) {
    Reason reason = decision.reason();
    return switch (decision.outcome()) {
      case NOT_FOUND -> projectNotFound();
      case DENY -> switch (reason) {
        case STORE_UNAVAILABLE -> ApiError.of(503, reason.name(), "the store is unavailable; nothing was changed");
        case INTERNAL_ERROR -> ApiError.of(500, reason.name(), "unexpected error; nothing was changed");
        default -> ApiError.withReason(403, reason.errorCode().name(), reason.name(),
            "permission denied: " + capability + " on this project (" + reason + ")");
      };
      case ALLOW -> throw new IllegalArgumentException("the decision allows");
    };
  }

  /** The body {@code projects().get} produces for an unknown project id (checked by the tests). */
  static ApiError projectNotFound() {
    return ApiError.of(404, ErrorCode.NOT_FOUND.name(), "project not found");
  }
}
