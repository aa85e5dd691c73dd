package dev.warden.organization;

import dev.warden.Limits;

/** Identifies an organization. Immutable. */
public record OrgId(String value) {
  public OrgId {
    Limits.id(value, "organization id");
  }

  public static OrgId of(String value) {
    return new OrgId(value);
  }

  @Override
  public String toString() {
    return value;
  }
}
