package dev.warden.invite;

import static com.google.common.base.Preconditions.checkNotNull;

/**
 * A newly created invite and its token. The token is shown only here, once: Warden keeps only its
 * hash. Hand it to the invitee (e.g. in an email link) and drop it. {@link #toString()} leaves it out.
 */
public record IssuedInvite(Invite invite, String token) {
  public IssuedInvite {
    checkNotNull(invite, "invite");
    checkNotNull(token, "token");
  }

  public InviteId id() {
    return invite.id();
  }

  @Override
  public String toString() {
    return "IssuedInvite[invite=" + invite + ", token=redacted]";
  }
}
