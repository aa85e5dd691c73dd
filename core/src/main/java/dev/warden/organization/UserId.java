package dev.warden.organization;

import dev.warden.Limits;

/** Identifies a user account of the host application; opaque to Warden. Immutable. */
public record UserId(String value) {
  public UserId {
    Limits.id(value, "user id");
  }

  public static UserId of(String value) {
    return new UserId(value);
  }

  @Override
  public String toString() {
    return value;
  }
}
