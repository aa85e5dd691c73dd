package dev.warden.role;

import dev.warden.Principal;
import dev.warden.matrix.Capability;
import dev.warden.organization.OrgId;
import dev.warden.organization.UserId;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import dev.warden.resource.AccessLevel;
import dev.warden.resource.ResourceRef;
import java.time.Instant;
import java.util.List;

/**
 * Roles: named groups of an organization's members that carry access (issue 16): organization
 * capabilities, project roles, and access levels on resources and resource kinds. Obtain it from
 * {@code AccessPolicy.roles()}. Every change needs {@code MANAGE_ROLES} (Admins and Owners in the
 * presets) and is audited ({@code role.created}, {@code role.renamed}, {@code role.deleted},
 * {@code role.member_added}, {@code role.member_removed}, {@code role.access_changed}) with before and
 * after.
 *
 * <p>Nobody hands out through a role more than they hold themselves: a capability given to a role must
 * be held by the actor ({@code LEVEL_ABOVE_OWN}), a project role given to a role must be at most the
 * actor's own on that project ({@code ROLE_ABOVE_OWN}), a level on a resource needs the actor to manage
 * it, a level on a kind needs {@code MANAGE_PROJECT_ACCESS} on the project, and adding a member to a
 * role needs the actor to hold everything the role carries ({@code ROLE_ABOVE_OWN} for levels). The capabilities of ownership ({@code TRANSFER_OWNERSHIP},
 * {@code DELETE_ORGANIZATION}) cannot be given to a role ({@code CAPABILITY_NOT_DELEGABLE}).
 * Removing a member from the organization ends their role memberships. Thread-safe.
 */
public interface Roles {

  /**
   * Creates an empty role.
   *
   * @throws dev.warden.RuleViolationException {@code ALREADY_EXISTS} if the organization has a role of that name
   */
  Role create(Principal actor, OrgId organization, String name);

  /** Renames a role. @throws dev.warden.RuleViolationException {@code ALREADY_EXISTS} if the name is taken */
  Role rename(Principal actor, RoleId role, String name);

  /** Deletes a role with its memberships and grants. */
  void delete(Principal actor, RoleId role);

  /** The organization's roles in creation order ({@code VIEW_ORGANIZATION}). */
  List<Role> list(Principal actor, OrgId organization);

  /** Adds an active member of the organization to the role, without expiry (again: replaces the expiry). */
  RoleMember addMember(Principal actor, RoleId role, UserId user);

  /** Adds a member to the role until {@code expiresAt} (exclusive), kept to the microsecond. */
  RoleMember addMember(Principal actor, RoleId role, UserId user, Instant expiresAt);

  /** Removes a member from the role. @throws dev.warden.NotFoundException {@code GRANT_NOT_FOUND} if not in it */
  void removeMember(Principal actor, RoleId role, UserId user);

  /** The role's members, expired ones included, in user-id order ({@code VIEW_ORGANIZATION}). */
  List<RoleMember> members(Principal actor, RoleId role);

  /** Adds an organization capability to what the role carries. */
  Role grantCapability(Principal actor, RoleId role, Capability capability);

  /** Takes an organization capability from what the role carries. */
  Role revokeCapability(Principal actor, RoleId role, Capability capability);

  /**
   * Gives the role's members {@code projectRole} on the project, private or open (again: replaces it).
   * Needs {@code MANAGE_PROJECT_ACCESS} on the project as well.
   */
  RoleGrant grant(Principal actor, RoleId role, ProjectId project, ProjectRole projectRole);

  /** Takes the role's grant on the project. @throws dev.warden.NotFoundException {@code GRANT_NOT_FOUND} */
  void revoke(Principal actor, RoleId role, ProjectId project);

  /** The role's project grants in the order of the projects' creation ({@code VIEW_ORGANIZATION}). */
  List<RoleGrant> grants(Principal actor, RoleId role);

  /**
   * Gives the role's members {@code level} on one resource (again: replaces it). Combined with a
   * member's own rule there by the resolution rule; needs {@code MANAGER} access to the resource.
   */
  RoleRule setResourceLevel(Principal actor, RoleId role, ResourceRef resource, AccessLevel level);

  /** Takes the role's level on the resource. @throws dev.warden.NotFoundException {@code GRANT_NOT_FOUND} */
  void clearResourceLevel(Principal actor, RoleId role, ResourceRef resource);

  /**
   * Gives the role's members {@code level} on every resource of {@code kind} in the project (again:
   * replaces it); a rule on a resource beats it. Needs {@code MANAGE_PROJECT_ACCESS} on the project.
   */
  RoleRule setKindLevel(Principal actor, RoleId role, ProjectId project, String kind, AccessLevel level);

  /** Takes the role's level on the kind. @throws dev.warden.NotFoundException {@code GRANT_NOT_FOUND} */
  void clearKindLevel(Principal actor, RoleId role, ProjectId project, String kind);

  /** The role's resource and kind rules, by project, kind and resource ({@code VIEW_ORGANIZATION}). */
  List<RoleRule> rules(Principal actor, RoleId role);

  /**
   * Every member whose effective role on a project would change if the organization switched to
   * {@code next} ({@code MANAGE_ROLES}); empty if {@code next} is the current rule. In user-id order,
   * then project creation order.
   */
  List<ResolutionChange> previewResolutionChange(Principal actor, OrgId organization, ResolutionRule next);

  /**
   * Every member whose access level on a resource would change if the organization switched to
   * {@code next}: where their own rule on the resource and a rule of one of their roles there differ
   * ({@code MANAGE_ROLES}); empty if {@code next} is the current rule. In resource creation order, then
   * user id. Project roles that change are {@link #previewResolutionChange}'s.
   */
  List<ResourceLevelChange> previewResourceLevelChanges(Principal actor, OrgId organization, ResolutionRule next);

  /**
   * Switches the organization's resolution rule: a sensitive change ({@code MANAGE_ROLES} and
   * {@code MANAGE_ORG_SETTINGS}, recent authentication), audited as {@code organization.resolution_changed}.
   */
  void switchResolution(Principal actor, OrgId organization, ResolutionRule next);
}
