package dev.warden;

/**
 * The caller can see the target but may not act on it: it lacks the capability
 * ({@link ErrorCode#PERMISSION_DENIED}) or an organization gate refused it
 * ({@link ErrorCode#MFA_REQUIRED}, {@link ErrorCode#SSO_REQUIRED},
 * {@link ErrorCode#REAUTHENTICATION_REQUIRED}).
 */
public final class PermissionDeniedException extends WardenException {
  private static final long serialVersionUID = 1L;

  private final Reason reason;

  public PermissionDeniedException(ErrorCode code, String message) {
    this(code, message, null);
  }

  /** An exception for a denying decision's {@code reason} (may be null when no decision was involved). */
  public PermissionDeniedException(ErrorCode code, String message, Reason reason) {
    super(code, message, null);
    this.reason = reason;
  }

  /** The reason of the denying decision, such as {@code ROLE_TOO_LOW}, when a decision caused this. */
  public java.util.Optional<Reason> reason() {
    return java.util.Optional.ofNullable(reason);
  }
}
