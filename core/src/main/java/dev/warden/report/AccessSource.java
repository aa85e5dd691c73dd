package dev.warden.report;

/**
 * Where a member's access to a project or a resource comes from (issue 16), as
 * {@code AccessPolicy.whoHasAccess} reports it.
 */
public enum AccessSource {
  /** The organization's Owner: implicit project Admin, and so manager of every resource. */
  ORGANIZATION_OWNER,
  /** An organization Admin: implicit project Admin, and so manager of every resource. */
  ORGANIZATION_ADMIN,
  /** The resource's creator, who manages it. */
  CREATOR,
  /** A project Admin (by their own grant, a role's grant or the default role), who manages every resource. */
  PROJECT_ADMIN,
  /** The member's own rule on the object: their project grant, or their rule on the resource. */
  OWN_RULE,
  /** A role's rule: its grant on the project, or its level on the resource or the resource's kind (the role is named). */
  ROLE_RULE,
  /** The resource's rule for everyone. */
  EVERYONE_RULE,
  /** The project's rule for every resource of the kind. */
  KIND_RULE,
  /** The kind's default access level, for a member who sees the project. */
  KIND_DEFAULT,
  /** The open project's default role, which every member of the organization holds. */
  PROJECT_DEFAULT,
  /** A share of the resource with a member who does not see its project (their project role is the one it acts as). */
  SHARE
}
