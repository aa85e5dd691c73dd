package dev.warden.organization;

/** A member's level in an organization, ordered {@code MEMBER < ADMIN < OWNER}. */
public enum OrgLevel {
  MEMBER,
  ADMIN,
  OWNER;

  /** Whether this level is at least {@code other}. */
  public boolean atLeast(OrgLevel other) {
    return compareTo(other) >= 0;
  }
}
