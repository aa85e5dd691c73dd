package dev.warden;

/**
 * The target does not exist or the caller cannot see it ({@link ErrorCode#NOT_FOUND},
 * {@link ErrorCode#INVITE_NOT_FOUND}, {@link ErrorCode#GRANT_NOT_FOUND}). A hidden project and a
 * missing one produce the same exception with the same message.
 */
public final class NotFoundException extends WardenException {
  private static final long serialVersionUID = 1L;

  public NotFoundException(ErrorCode code, String message) {
    super(code, message, null);
  }
}
