package dev.warden.matrix;

/**
 * Something a principal may do. Each capability is either organization-scoped (checked against an
 * organization, held by {@code OrgLevel}s) or project-scoped (checked against a project, held by
 * {@code ProjectRole}s).
 */
public enum Capability {
  VIEW_ORGANIZATION(Scope.ORGANIZATION),
  INVITE_MEMBERS(Scope.ORGANIZATION),
  REVOKE_INVITES(Scope.ORGANIZATION),
  MANAGE_BILLING(Scope.ORGANIZATION),
  CREATE_PROJECT(Scope.ORGANIZATION),
  DELETE_PROJECT(Scope.ORGANIZATION),
  MANAGE_ORG_SETTINGS(Scope.ORGANIZATION),
  MANAGE_MEMBERS(Scope.ORGANIZATION),
  REMOVE_MEMBERS(Scope.ORGANIZATION),
  VIEW_AUDIT_LOG(Scope.ORGANIZATION),
  LEAVE_ORGANIZATION(Scope.ORGANIZATION),
  TRANSFER_OWNERSHIP(Scope.ORGANIZATION),
  DELETE_ORGANIZATION(Scope.ORGANIZATION),

  VIEW_DATA(Scope.PROJECT),
  CREATE_CONTENT(Scope.PROJECT),
  USE_FEATURE_FLAGS(Scope.PROJECT),
  MANAGE_FEATURE_FLAGS(Scope.PROJECT),
  DELETE_ANY_DASHBOARD(Scope.PROJECT),
  MANAGE_PROJECT_SETTINGS(Scope.PROJECT),
  MANAGE_PROJECT_ACCESS(Scope.PROJECT),
  MANAGE_DATA_RETENTION(Scope.PROJECT),
  ROTATE_PROJECT_TOKEN(Scope.PROJECT),
  VIEW_PROJECT_AUDIT_LOG(Scope.PROJECT);

  /** What a capability is checked against. */
  public enum Scope {
    ORGANIZATION,
    PROJECT
  }

  private final Scope scope;

  Capability(Scope scope) {
    this.scope = scope;
  }

  public Scope scope() {
    return scope;
  }
}
