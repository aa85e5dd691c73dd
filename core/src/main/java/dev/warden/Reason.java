package dev.warden;

/**
 * Why a {@link Decision} came out the way it did. Reasons never distinguish a hidden target from a
 * missing one: both are {@link #NOT_FOUND}.
 */
public enum Reason {
  /** Allowed: the member's organization level holds the organization capability. */
  ORG_LEVEL,
  /** Allowed: organization Admins and Owners are implicit Admins of every project. */
  ORG_ADMIN,
  /** Allowed: the member's explicit, unexpired grant on the project holds the capability. */
  EXPLICIT_GRANT,
  /** Allowed: the project is open and its default role holds the capability. */
  DEFAULT_ROLE,
  /** Allowed: a role the member belongs to carries the organization capability (issue 16). */
  ROLE_CAPABILITY,
  /** Allowed: a role the member belongs to gives a project role holding the capability (issue 16). */
  ROLE_GRANT,

  /** Allowed: the creator and project Admins always manage a resource. */
  RESOURCE_MANAGER,
  /** Allowed: a resource rule (for the member, for everyone, or for the kind) gives enough access. */
  RESOURCE_RULE,
  /** Allowed: the kind's default access (project Members and Admins edit, Viewers view) is enough. */
  RESOURCE_DEFAULT,
  /**
   * Allowed: the resource is shared with the member, whose project stays hidden from them; the share's
   * level acts as a project Viewer ({@code VIEWER}) or Member ({@code EDITOR}) on that resource alone.
   */
  RESOURCE_SHARE,

  /** Denied: the member's organization level lacks the capability. */
  LEVEL_TOO_LOW,
  /** Denied: the member's effective project role lacks the capability. */
  ROLE_TOO_LOW,
  /** Denied: the organization requires multi-factor authentication. */
  MFA_REQUIRED,
  /** Denied: the organization requires single sign-on for the principal's email domain. */
  SSO_REQUIRED,
  /** Denied: the member's access level on the resource is below what the capability needs. */
  RESOURCE_LEVEL_TOO_LOW,
  /** Denied: the API key's scopes do not cover the capability. */
  API_KEY_SCOPE,
  /** Denied: the organization does not let Members use personal API keys. */
  API_KEYS_DISABLED,
  /** Denied: the principal authenticated too long ago for a sensitive operation. */
  REAUTHENTICATION_REQUIRED,
  /** Denied: the store could not be reached within the staleness bound (fail closed). */
  STORE_UNAVAILABLE,
  /** Denied: deciding failed unexpectedly (fail closed). */
  INTERNAL_ERROR,

  /**
   * Not found: the organization, project or resource does not exist, the principal is not an active
   * member, or the project is hidden from them. Deliberately one reason for all of these.
   */
  NOT_FOUND;

  /** The error code a refused operation reports for this reason. */
  public ErrorCode errorCode() {
    return switch (this) {
      case NOT_FOUND -> ErrorCode.NOT_FOUND;
      case MFA_REQUIRED -> ErrorCode.MFA_REQUIRED;
      case SSO_REQUIRED -> ErrorCode.SSO_REQUIRED;
      case REAUTHENTICATION_REQUIRED -> ErrorCode.REAUTHENTICATION_REQUIRED;
      case STORE_UNAVAILABLE -> ErrorCode.STORE_UNAVAILABLE;
      case INTERNAL_ERROR -> ErrorCode.INTERNAL_ERROR;
      default -> ErrorCode.PERMISSION_DENIED;
    };
  }
}
