package dev.warden;

/**
 * A well-formed request that breaks a membership, ownership, grant or invite rule, such as
 * {@link ErrorCode#LAST_OWNER} or {@link ErrorCode#INVITE_EXPIRED}. Nothing was changed.
 */
public final class RuleViolationException extends WardenException {
  private static final long serialVersionUID = 1L;

  public RuleViolationException(ErrorCode code, String message) {
    super(code, message, null);
  }
}
