package dev.warden.testing;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.ErrorCode;
import dev.warden.WardenException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Assertions on the exceptions Warden throws. */
public final class WardenAssertions {
  private WardenAssertions() {}

  /** Asserts that {@code call} throws a {@code type} carrying {@code code}. */
  public static void assertRefused(ThrowingCallable call, Class<? extends WardenException> type, ErrorCode code) {
    assertThatThrownBy(call).isInstanceOf(type).extracting(e -> ((WardenException) e).code()).isEqualTo(code);
  }

  /**
   * What {@code call} throws, for assertions on the exception itself (its message, its cause).
   *
   * @throws AssertionError if {@code call} returns normally
   */
  public static Throwable thrown(ThrowingCallable call) {
    try {
      call.call();
    } catch (Throwable t) {
      return t;
    }
    throw new AssertionError("expected an exception");
  }
}
