package dev.warden.organization;

import dev.warden.Page;
import dev.warden.PageRequest;
import dev.warden.Principal;
import java.time.Instant;
import java.util.List;

/**
 * Changes who belongs to an organization and at which level. Obtain it from
 * {@code AccessPolicy.members()}. Thread-safe.
 *
 * <p>Level changes need {@code MANAGE_MEMBERS} and are checked in this order: the target is an active
 * member ({@code NOT_A_MEMBER}), not oneself ({@code CANNOT_CHANGE_OWN_LEVEL}), the target's level and
 * the new level are at most the actor's ({@code LEVEL_ABOVE_OWN}), under single ownership nobody is
 * made Owner ({@code SINGLE_OWNERSHIP}), an Owner remains ({@code LAST_OWNER}), and an expiring member
 * is not made Owner ({@code OWNER_CANNOT_EXPIRE}).
 */
public interface Members {

  /** The organization's active members in user-id order ({@code VIEW_ORGANIZATION}). */
  List<Membership> list(Principal actor, OrgId organization);

  /**
   * One page of the organization's active members in user-id order ({@code VIEW_ORGANIZATION}); the
   * cursor is the last user id of the previous page, so a page costs in proportion to its size
   * whatever the organization's, and neither skips nor repeats members who stay while others come and go.
   *
   * @throws IllegalArgumentException if the cursor is malformed
   */
  Page<Membership> list(Principal actor, OrgId organization, PageRequest page);

  /**
   * One active member's membership ({@code VIEW_ORGANIZATION}).
   *
   * @throws dev.warden.RuleViolationException {@code NOT_A_MEMBER}
   */
  Membership get(Principal actor, OrgId organization, UserId user);

  /** Sets a member's level; setting the level they already have changes nothing. */
  Membership changeLevel(Principal actor, OrgId organization, UserId user, OrgLevel level);

  /**
   * Makes {@code newOwner} an Owner and the actor an Admin, atomically ({@code TRANSFER_OWNERSHIP}).
   * Works under both ownership rules.
   */
  void transferOwnership(Principal actor, OrgId organization, UserId newOwner);

  /**
   * The actor leaves ({@code LEAVE_ORGANIZATION}); their grants in the organization go with them. An
   * Owner must transfer ownership or be demoted first ({@code OWNER_CANNOT_LEAVE}).
   */
  void leave(Principal actor, OrgId organization);

  /**
   * Removes a member and their grants ({@code REMOVE_MEMBERS}); removing oneself is leaving. Owners are
   * never removed ({@code OWNER_CANNOT_BE_REMOVED}); nor is anyone above the actor's level.
   */
  void remove(Principal actor, OrgId organization, UserId user);

  /**
   * Makes a membership end at {@code expiresAt} (exclusive), for external collaborators. Follows the
   * level-change rules; refused for Owners ({@code OWNER_CANNOT_EXPIRE}) and for instants at or before
   * now once truncated to the microseconds a store keeps ({@code EXPIRY_IN_PAST}).
   *
   * @throws IllegalArgumentException if {@code expiresAt} is outside {@link dev.warden.Limits#MIN_INSTANT} ..
   *     {@link dev.warden.Limits#MAX_INSTANT}
   */
  Membership setExpiry(Principal actor, OrgId organization, UserId user, Instant expiresAt);

  /** Removes a membership's expiry; follows the level-change rules. */
  Membership clearExpiry(Principal actor, OrgId organization, UserId user);

  /**
   * Offboards a member in one atomic step, following the guide's checklist ({@code REMOVE_MEMBERS},
   * a recent authentication, the same rules as {@link #remove}): removes the membership with its
   * grants and resource rules, revokes the user's API keys that reach only this organization and takes
   * it out of the limits of their other keys, and makes {@code transferTo} (an active member) the
   * creator of every resource the user created here. A key with no organization limit is limited to
   * the user's other active organizations at this moment ({@code api_key.narrowed}), or revoked if
   * there are none, so no key that existed before reaches this organization again, even after the user
   * rejoins. Each step is audited. Either all of it happens or nothing does.
   */
  OffboardingReport offboard(Principal actor, OrgId organization, UserId user, UserId transferTo);

  /**
   * Sets the note shown in the access registry, such as "CTO" ({@code MANAGE_MEMBERS}, target's level at
   * most the actor's); an empty (or blank) note clears it.
   *
   * @throws NullPointerException if any argument is null, {@code note} included: clear it with {@code ""}
   * @throws IllegalArgumentException if the note breaks a {@link dev.warden.Limits#note} rule
   */
  Membership setNote(Principal actor, OrgId organization, UserId user, String note);
}
