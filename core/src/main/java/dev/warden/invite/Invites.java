package dev.warden.invite;

import dev.warden.Principal;
import dev.warden.organization.Membership;
import dev.warden.organization.OrgId;
import java.util.List;

/**
 * Creates, lists, revokes and accepts invites. Obtain it from {@code AccessPolicy.invites()}.
 * Thread-safe.
 */
public interface Invites {

  /**
   * Invites {@code request.email()}. Checked in order: {@code INVITE_MEMBERS} ({@code PERMISSION_DENIED}),
   * level at most the actor's ({@code LEVEL_ABOVE_OWN}), no Owner invites under single ownership
   * ({@code SINGLE_OWNERSHIP}), the email does not belong to an active member ({@code ALREADY_MEMBER}),
   * then each grant: a project visible to the actor ({@code NOT_FOUND}) on which the actor holds
   * {@code MANAGE_PROJECT_ACCESS} ({@code PERMISSION_DENIED}) at a role at most the actor's
   * ({@code ROLE_ABOVE_OWN}). Replaces every unused invite for that email. The returned token is shown
   * only here.
   */
  IssuedInvite create(Principal actor, OrgId organization, InviteRequest request);

  /** The organization's pending (unused, unexpired) invites in creation order ({@code VIEW_ORGANIZATION}). */
  List<Invite> listPending(Principal actor, OrgId organization);

  /**
   * Revokes a pending invite ({@code REVOKE_INVITES}).
   *
   * @throws dev.warden.NotFoundException {@code INVITE_NOT_FOUND} if it is not pending
   */
  void revoke(Principal actor, OrgId organization, InviteId invite);

  /**
   * Accepts an invite for {@code user}, whose verified email the host passes. Checked in order: the
   * token is known ({@code INVITE_NOT_FOUND}), meant for that email ({@code INVITE_WRONG_RECIPIENT}),
   * not expired ({@code INVITE_EXPIRED}), not used ({@code INVITE_ALREADY_USED}), and the user is not
   * already an active member ({@code ALREADY_MEMBER}). On success, atomically: the membership at the
   * invite's level, its grants on projects that still exist, the invite used, other invites for that
   * email removed; members are notified after commit. Of concurrent accepts of one invite exactly one
   * succeeds.
   */
  Membership accept(String token, Principal user, String verifiedEmail);
}
