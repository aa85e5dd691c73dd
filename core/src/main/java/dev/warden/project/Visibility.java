package dev.warden.project;

/** Whether every member of the organization sees a project. */
public enum Visibility {
  /** Every member gets the project's default role. */
  OPEN,
  /** Invite-only: hidden from members without an explicit grant; org Admins and Owners keep access. */
  PRIVATE
}
