package dev.warden.spi;

import dev.warden.organization.OrgId;
import dev.warden.organization.UserId;
import dev.warden.project.ProjectId;
import dev.warden.role.Role;
import dev.warden.role.RoleGrant;
import dev.warden.role.RoleId;
import dev.warden.role.RoleMember;
import java.util.List;
import java.util.Optional;

/**
 * Stores roles (issue 16), their members and their project grants. Deleting a role deletes its members
 * and grants; deleting a project deletes the role grants on it; deleting an organization deletes its
 * roles. Deleting a membership does not touch role memberships: the engine deletes them first
 * ({@link #deleteMembersByUser}), as it does the member's project grants.
 */
public interface RoleRepository {

  Optional<Role> find(RoleId id);

  /** The organization's roles in {@link StoreOrder#ROLES} order. */
  List<Role> listByOrganization(OrgId organization);

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
}
