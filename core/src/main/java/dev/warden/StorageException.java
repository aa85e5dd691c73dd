package dev.warden;

/**
 * The store failed ({@link ErrorCode#STORE_UNAVAILABLE}), lost a race it could not retry
 * ({@link ErrorCode#CONCURRENT_MODIFICATION}) or hit an unexpected error
 * ({@link ErrorCode#INTERNAL_ERROR}). The cause (for JDBC, the {@code SQLException}) is kept.
 * Nothing was changed.
 */
public final class StorageException extends WardenException {
  private static final long serialVersionUID = 1L;

  public StorageException(ErrorCode code, String message, Throwable cause) {
    super(code, message, cause);
  }
}
