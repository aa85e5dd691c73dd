package dev.warden.organization;

import dev.warden.internal.Ids;

/** Identifies a user account of the host application; opaque to Warden. Immutable. */
public record UserId(String value) {
  public UserId {
    Ids.require(value, "user id");
  }

  public static UserId of(String value) {
    return new UserId(value);
  }

  @Override
  public String toString() {
    return value;
  }
}
