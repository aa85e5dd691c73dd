package dev.warden.internal;

import dev.warden.Decision;
import dev.warden.ErrorCode;
import dev.warden.NotFoundException;
import dev.warden.PermissionDeniedException;
import dev.warden.RuleViolationException;
import dev.warden.WardenException;

/** Builds the exceptions of refused operations, with one message per kind. Not API. */
public final class Errors {
  private Errors() {}

  /** Not found, with the same message whether {@code what} is missing or hidden ({@link Hidden}). */
  public static NotFoundException notFound(String what) {
    return Hidden.notFound(what);
  }

  /** The user is not an active member of the organization. */
  public static RuleViolationException notAMember(dev.warden.organization.UserId user) {
    return rule(ErrorCode.NOT_A_MEMBER, "user " + user + " is not an active member of this organization");
  }

  public static RuleViolationException rule(ErrorCode code, String message) {
    return new RuleViolationException(code, message);
  }

  /** The exception for a refusing decision on {@code what}. */
  public static WardenException refused(Decision decision, String what) {
    if (decision.reason() == dev.warden.Reason.STORE_UNAVAILABLE || decision.reason() == dev.warden.Reason.INTERNAL_ERROR) {
      return new dev.warden.StorageException(decision.reason().errorCode(), "could not decide on " + what, null);
    }
    return switch (decision.outcome()) {
      case NOT_FOUND -> notFound(what);
      case DENY -> new PermissionDeniedException(decision.reason().errorCode(),
          "permission denied on " + what + " (" + decision.reason() + ")", decision.reason());
      case ALLOW -> throw new IllegalArgumentException("decision allows");
    };
  }
}
