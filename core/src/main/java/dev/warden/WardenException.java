package dev.warden;

import static com.google.common.base.Preconditions.checkNotNull;

/**
 * Base class of every exception Warden throws on purpose. The {@link #code()} says which rule was
 * broken; messages never contain a secret and never reveal whether a hidden object exists.
 */
public abstract class WardenException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;

  protected WardenException(ErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = checkNotNull(code, "code");
  }

  /** The rule that was broken. */
  public final ErrorCode code() {
    return code;
  }
}
