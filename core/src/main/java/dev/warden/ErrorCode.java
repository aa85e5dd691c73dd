package dev.warden;

/**
 * Why an operation was refused. Every {@link WardenException} carries exactly one code; hosts map codes
 * to their own responses (HTTP status, message keys) without parsing messages.
 */
public enum ErrorCode {
  /** The target does not exist, or the caller cannot see it; the two are deliberately identical. */
  NOT_FOUND,
  /** The caller can see the target but lacks the capability. */
  PERMISSION_DENIED,
  /** The user the operation names is not an active member of the organization. */
  NOT_A_MEMBER,
  /** The user (or email) already belongs to an active member of the organization. */
  ALREADY_MEMBER,
  /** Nobody changes their own organization level or expiry. */
  CANNOT_CHANGE_OWN_LEVEL,
  /** The target's level or the requested level is above the caller's. */
  LEVEL_ABOVE_OWN,
  /** The requested project role is above the caller's role on that project. */
  ROLE_ABOVE_OWN,
  /** Under single ownership, Owners are made only by transferring ownership. */
  SINGLE_OWNERSHIP,
  /** The change would leave the organization without an Owner. */
  LAST_OWNER,
  /** An Owner must transfer ownership or be demoted before leaving. */
  OWNER_CANNOT_LEAVE,
  /** An Owner must be demoted before being removed. */
  OWNER_CANNOT_BE_REMOVED,
  /** An Owner's membership never expires. */
  OWNER_CANNOT_EXPIRE,
  /** Ownership cannot be transferred to oneself. */
  TRANSFER_TO_SELF,
  /** Nobody changes their own project grant. */
  CANNOT_CHANGE_OWN_GRANT,
  /** There is no grant to revoke. */
  GRANT_NOT_FOUND,
  /** An expiry must lie in the future; remove access to end it now. */
  EXPIRY_IN_PAST,
  /** The invite token is unknown, was replaced or revoked, or its organization is gone. */
  INVITE_NOT_FOUND,
  /** The invite was issued to another email address. */
  INVITE_WRONG_RECIPIENT,
  /** The invite's validity has passed. */
  INVITE_EXPIRED,
  /** The invite has already been accepted. */
  INVITE_ALREADY_USED,
  /** Collaborators are added only to dashboards restricted to "only collaborators can edit". */
  RESOURCE_NOT_RESTRICTED,
  /** The user named cannot see the resource's project. */
  NO_PROJECT_ACCESS,
  /** The user already manages the resource (its creator or a project Admin). */
  ALREADY_HAS_ACCESS,
  /**
   * The resource is already registered, and the caller can see it. (One the caller cannot see answers
   * {@link #NOT_FOUND}, like any refusal of a hidden target.)
   */
  RESOURCE_ALREADY_REGISTERED,
  /**
   * What a bulk import would create already exists: a project id already in use, or a grant or
   * resource rule the import lists twice; or a role name already taken in the organization.
   */
  ALREADY_EXISTS,
  /** The capability belongs to ownership (transferring it, deleting the organization): no role carries it. */
  CAPABILITY_NOT_DELEGABLE,
  /** The user already has the maximum number of personal API keys (10). */
  TOO_MANY_API_KEYS,
  /** The caller must sign in again before this sensitive operation. */
  REAUTHENTICATION_REQUIRED,
  /** The organization requires multi-factor authentication. */
  MFA_REQUIRED,
  /** The organization requires single sign-on for the caller's email domain. */
  SSO_REQUIRED,
  /** The store could not be reached. */
  STORE_UNAVAILABLE,
  /** A concurrent change won; retrying may succeed. */
  CONCURRENT_MODIFICATION,
  /** An unexpected failure; nothing was changed. */
  INTERNAL_ERROR
}
