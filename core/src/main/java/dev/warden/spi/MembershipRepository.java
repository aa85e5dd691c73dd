package dev.warden.spi;

import dev.warden.organization.Membership;
import dev.warden.organization.OrgId;
import dev.warden.organization.UserId;
import java.util.List;
import java.util.Optional;

/** Stores memberships; at most one per organization and user. */
public interface MembershipRepository {

  Optional<Membership> find(OrgId organization, UserId user);

  /** The organization's memberships, expired ones included, ordered by user id ({@link StoreOrder#MEMBERS}). */
  List<Membership> listByOrganization(OrgId organization);

  /** The user's memberships in every organization, expired ones included, ordered by organization id ({@link StoreOrder#MEMBERSHIPS_OF_A_USER}). */
  List<Membership> listByUser(UserId user);

  /** Inserts a membership; fails if the user already has one in that organization. */
  void insert(Membership membership);

  /**
   * Inserts memberships in order, as {@link #insert} each (a bulk import's members); fails, like
   * {@code insert}, if any user already has one in its organization or is listed twice. The default
   * loops; a store with a cheaper bulk path (JDBC batching) overrides it.
   */
  default void insertAll(List<Membership> memberships) {
    memberships.forEach(this::insert);
  }

  /**
   * Replaces {@code current} with {@code next} (same organization and user) atomically: only if the
   * stored membership equals {@code current}, and, when the change takes an Owner to a lower level,
   * only if another Owner remains. Returns whether it replaced; if not, nothing changed.
   */
  boolean update(Membership current, Membership next);

  /**
   * Deletes a non-Owner membership atomically: never deletes an Owner's membership. Returns whether a
   * membership was deleted. The member's grants are deleted with {@link GrantRepository#deleteByMember}.
   */
  boolean delete(OrgId organization, UserId user);
}
