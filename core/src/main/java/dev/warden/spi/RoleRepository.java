package dev.warden.spi;

import dev.warden.organization.OrgId;
import dev.warden.organization.UserId;
import dev.warden.project.ProjectId;
import dev.warden.role.Role;
import dev.warden.role.RoleGrant;
import dev.warden.role.RoleId;
import dev.warden.role.RoleMember;
import dev.warden.role.RoleRule;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Stores roles (issue 16), their members, project grants and resource rules. Deleting a role deletes its
 * members, grants and rules; deleting a project deletes the role grants and rules on it; deleting a
 * resource deletes the role rules on it; deleting an organization deletes its roles. Deleting a membership does not touch role memberships: the engine deletes them first
 * ({@link #deleteMembersByUser}), as it does the member's project grants.
 */
public interface RoleRepository {

  Optional<Role> find(RoleId id);

  /** The organization's roles in {@link StoreOrder#ROLES} order. */
  List<Role> listByOrganization(OrgId organization);

  /**
   * The ids of the roles of {@code organizations}, each with its organization (for a policy's index of
   * existing ids, as {@link ProjectRepository#idsByOrganization}). Stores override this with few queries.
   */
  default Map<RoleId, OrgId> idsByOrganization(Collection<OrgId> organizations) {
    Map<RoleId, OrgId> ids = new HashMap<>();
    for (OrgId org : organizations) {
      for (Role r : listByOrganization(org)) {
        ids.put(r.id(), org);
      }
    }
    return ids;
  }

  /**
   * Inserts a new role; its name must be unique within the organization.
   *
   * @throws IllegalArgumentException if the organization is missing, the id is taken or the name is
   *     taken in the organization
   */
  void insert(Role role);

  /**
   * Replaces the role's name and capabilities; the name must stay unique within the organization.
   *
   * @throws IllegalArgumentException if the role is missing or the name is taken in the organization
   */
  void update(Role role);

  /** Deletes the role with its members and grants; returns whether it existed. */
  boolean delete(RoleId id);

  /** Every role membership in the organization, expired ones included, by role ({@link StoreOrder#ROLES}), then user. */
  List<RoleMember> listMembersByOrganization(OrgId organization);

  /**
   * Inserts the role membership, or replaces the existing one for its role and user.
   *
   * @throws IllegalArgumentException if the role is missing or the user is not a member of its organization
   */
  void upsertMember(RoleMember member);

  /** Deletes one role membership; returns whether it existed. */
  boolean deleteMember(RoleId role, UserId user);

  /** Deletes every role membership the user holds in the organization; returns how many. */
  int deleteMembersByUser(OrgId organization, UserId user);

  /** Every role grant in the organization, by role ({@link StoreOrder#ROLES}), then project ({@link StoreOrder#PROJECTS}). */
  List<RoleGrant> listGrantsByOrganization(OrgId organization);

  /**
   * Inserts the role grant, or replaces the existing one for its role and project.
   *
   * @throws IllegalArgumentException if the role is missing or the project is not in its organization
   */
  void upsertGrant(RoleGrant grant);

  /** Deletes one role grant; returns whether it existed. */
  boolean deleteGrant(RoleId role, ProjectId project);

  /**
   * Every role rule in the organization, by role ({@link StoreOrder#ROLES}), then project
   * ({@link StoreOrder#PROJECTS}), kind, and resource id (kind rules first).
   */
  List<RoleRule> listRulesByOrganization(OrgId organization);

  /**
   * Inserts the role rule, or replaces the level of the existing one for its role, project, kind and
   * resource.
   *
   * @throws IllegalArgumentException if the role is missing, the project is not in its organization, or
   *     a rule on a resource names one that is not registered
   */
  void upsertRule(RoleRule rule);

  /** Deletes the role rule with the same role, project, kind and resource (any level); returns whether it existed. */
  boolean deleteRule(RoleRule rule);

  /**
   * Every distinct capability name roles hold, across organizations: a policy checks them against its
   * permission model when it is built.
   */
  Set<String> capabilitiesInUse();

  /** Every distinct resource kind role rules name, across organizations (checked like {@link #capabilitiesInUse}). */
  Set<String> kindsInUse();
}
