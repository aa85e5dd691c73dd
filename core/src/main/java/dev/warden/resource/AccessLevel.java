package dev.warden.resource;

/** What a member may do with one resource, ordered {@code NONE < VIEWER < EDITOR < MANAGER}. */
public enum AccessLevel {
  /** Not even see it. */
  NONE,
  /** See it. */
  VIEWER,
  /** See and change it. */
  EDITOR,
  /** See, change, delete it and change its access rules. */
  MANAGER;

  /** Whether this level is at least {@code other}. */
  public boolean atLeast(AccessLevel other) {
    return compareTo(other) >= 0;
  }

  /** The lower of this level and {@code cap}. */
  public AccessLevel cappedAt(AccessLevel cap) {
    return compareTo(cap) <= 0 ? this : cap;
  }
}
