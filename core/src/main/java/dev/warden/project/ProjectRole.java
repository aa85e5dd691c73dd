package dev.warden.project;

/** A member's role on one project, ordered {@code VIEWER < MEMBER < ADMIN}. */
public enum ProjectRole {
  VIEWER,
  MEMBER,
  ADMIN;

  /** Whether this role is at least {@code other}. */
  public boolean atLeast(ProjectRole other) {
    return compareTo(other) >= 0;
  }
}
