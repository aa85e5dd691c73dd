package dev.warden;

/**
 * The caller can see the target but may not act on it: it lacks the capability
 * ({@link ErrorCode#PERMISSION_DENIED}) or an organization gate refused it
 * ({@link ErrorCode#MFA_REQUIRED}, {@link ErrorCode#SSO_REQUIRED},
 * {@link ErrorCode#REAUTHENTICATION_REQUIRED}).
 */
public final class PermissionDeniedException extends WardenException {
  private static final long serialVersionUID = 1L;

  public PermissionDeniedException(ErrorCode code, String message) {
    super(code, message, null);
  }
}
