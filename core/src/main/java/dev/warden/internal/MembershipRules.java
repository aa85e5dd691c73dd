package dev.warden.internal;

import dev.warden.AuthMethod;
import dev.warden.ErrorCode;
import dev.warden.Principal;
import dev.warden.RuleViolationException;
import dev.warden.organization.EmailAddress;
import dev.warden.organization.Membership;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.OrganizationSettings;
import dev.warden.organization.OwnershipRule;
import dev.warden.organization.UserId;
import java.time.Instant;

/**
 * The membership guards shared by members, invites and the decider (SPEC §3, §15 "Levels and
 * ownership"), each written once: nobody acts above their own level, an Owner is not removable, under
 * single ownership nobody but a transfer makes an Owner, an Owner never expires, an active member does
 * not join again, and an organization enforcing SSO for an email domain refuses that domain's non-SSO
 * sign-ins. Members, invites, the bulk import and the decider share them. Stateless and
 * allocation-free where the decider calls it. Not API.
 */
public final class MembershipRules {
  private MembershipRules() {}

  /**
   * An actor at {@code own} may give or invite at {@code level} only up to their own.
   *
   * @throws RuleViolationException {@code LEVEL_ABOVE_OWN}
   */
  static void requireLevelWithinOwn(Membership actor, OrgLevel level, String what) {
    if (!actor.level().atLeast(level)) {
      throw Errors.rule(ErrorCode.LEVEL_ABOVE_OWN,
          "cannot " + what + " at " + level + ", above your own level (" + actor.level() + ")");
    }
  }

  /**
   * An actor may edit or remove only members whose level is at most their own (equals may edit each
   * other).
   *
   * @throws RuleViolationException {@code LEVEL_ABOVE_OWN}
   */
  static void requireTargetWithinOwn(Membership actor, Membership target) {
    if (!actor.level().atLeast(target.level())) {
      throw Errors.rule(ErrorCode.LEVEL_ABOVE_OWN,
          "cannot edit " + target.user() + " at level " + target.level() + ", above your own (" + actor.level() + ")");
    }
  }

  /**
   * Under {@link OwnershipRule#SINGLE}, nothing but a transfer makes an Owner: giving {@code level}
   * directly is refused when it is {@code OWNER}.
   *
   * @param instead what to do instead, for the message
   * @throws RuleViolationException {@code SINGLE_OWNERSHIP}
   */
  static void requireOwnershipAllows(OwnershipRule ownership, OrgLevel level, String instead) {
    if (level == OrgLevel.OWNER && ownership == OwnershipRule.SINGLE) {
      throw Errors.rule(ErrorCode.SINGLE_OWNERSHIP, "this organization has exactly one Owner; " + instead);
    }
  }

  /** The refusal of an expiry on an Owner's membership ({@code OWNER_CANNOT_EXPIRE}). */
  static RuleViolationException ownerCannotExpire(UserId user) {
    return Errors.rule(ErrorCode.OWNER_CANNOT_EXPIRE, "an Owner's membership cannot expire; " + user
        + " has or would get an expiry (clear it first)");
  }

  /**
   * Someone joins only if {@code existing}, the membership their user id or email already has (null:
   * none), is not active at {@code now}; an expired one may be replaced.
   *
   * @param who the user ({@code "user <id>"}) or the email, for the message
   * @throws RuleViolationException {@code ALREADY_MEMBER}
   */
  static void requireNotActiveMember(Membership existing, Instant now, Object who) {
    if (existing != null && existing.activeAt(now)) {
      throw Errors.rule(ErrorCode.ALREADY_MEMBER, who + " is already an active member of this organization");
    }
  }

  /**
   * An Owner cannot leave, be removed or be offboarded while an Owner: demote or transfer first.
   *
   * @param how "leave", "be removed" or "be offboarded"
   * @throws RuleViolationException {@code OWNER_CANNOT_LEAVE} for leaving, else {@code OWNER_CANNOT_BE_REMOVED}
   */
  static void requireRemovable(Membership member, String how) {
    if (member.level() == OrgLevel.OWNER) {
      throw Errors.rule(how.equals("leave") ? ErrorCode.OWNER_CANNOT_LEAVE : ErrorCode.OWNER_CANNOT_BE_REMOVED,
          "an Owner cannot " + how + "; " + (how.equals("leave") ? "transfer ownership or be demoted first"
              : "demote them or transfer ownership first"));
    }
  }

  /**
   * Whether the organization requires {@code principal}, acting as {@code email}, to have signed in
   * with SSO and they did not. Allocation-free.
   */
  static boolean ssoRequired(OrganizationSettings settings, Principal principal, EmailAddress email) {
    return principal.method() != AuthMethod.SSO && email != null && !settings.ssoEnforcedDomains().isEmpty()
        && settings.ssoEnforcedFor(email);
  }
}
