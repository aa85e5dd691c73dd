package dev.warden.internal;

import dev.warden.AuthMethod;
import dev.warden.ErrorCode;
import dev.warden.Principal;
import dev.warden.RuleViolationException;
import dev.warden.organization.EmailAddress;
import dev.warden.organization.Membership;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.OrganizationSettings;

/**
 * The membership guards shared by members, invites and the decider (SPEC §3, §15 "Levels and
 * ownership"), each written once: nobody acts above their own level, an Owner is not removable, and an
 * organization enforcing SSO for an email domain refuses that domain's non-SSO sign-ins. Stateless and
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
