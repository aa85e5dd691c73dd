package dev.warden.role;

import dev.warden.Limits;

/** Identifies a role. Immutable. */
public record RoleId(String value) {
  public RoleId {
    Limits.id(value, "role id");
  }

  public static RoleId of(String value) {
    return new RoleId(value);
  }

  @Override
  public String toString() {
    return value;
  }
}
