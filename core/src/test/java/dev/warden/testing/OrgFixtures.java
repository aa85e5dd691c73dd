package dev.warden.testing;

import dev.warden.AccessPolicy;
import dev.warden.Principal;
import dev.warden.invite.InviteRequest;
import dev.warden.invite.IssuedInvite;
import dev.warden.organization.Membership;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrgLevel;
import dev.warden.project.Project;
import dev.warden.project.Visibility;

/**
 * Set-up steps through the public API that many tests share: a member who joins by invite, a project
 * with a given visibility. Each step makes the same calls a host would, so it is audited like one.
 */
public final class OrgFixtures {
  private OrgFixtures() {}

  /**
   * {@code inviter} invites {@code who} by the email on the principal at {@code level}, and {@code who}
   * accepts with that email.
   */
  public static Membership join(AccessPolicy policy, Principal inviter, OrgId org, Principal who, OrgLevel level) {
    String email = who.email().orElseThrow().value();
    IssuedInvite invite = policy.invites().create(inviter, org, InviteRequest.to(email).level(level));
    return policy.invites().accept(invite.token(), who, email);
  }

  /** {@code actor} creates the project {@code name} in {@code org}, then sets its visibility. */
  public static Project project(AccessPolicy policy, Principal actor, OrgId org, String name, Visibility visibility) {
    Project created = policy.projects().create(actor, org, name);
    return policy.projects().setVisibility(actor, created.id(), visibility);
  }
}
