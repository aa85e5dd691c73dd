package dev.warden.invite;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import dev.warden.Limits;
import dev.warden.organization.EmailAddress;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.UserId;
import dev.warden.role.RoleId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * An email-bound, single-use offer to join an organization at a level, with project grants and roles
 * (issue 16: the roles the new member joins; one deleted meanwhile is skipped). The token
 * is not part of this record: it is shown once, in {@link IssuedInvite}, and stored only as a hash.
 * Immutable.
 *
 * @param expiresAt exclusive: at this instant the invite no longer applies
 * @param acceptedAt when it was used; empty while pending
 */
public record Invite(
    InviteId id,
    OrgId organization,
    EmailAddress email,
    OrgLevel level,
    List<InviteGrant> grants,
    UserId invitedBy,
    Instant createdAt,
    Instant expiresAt,
    Optional<Instant> acceptedAt,
    List<RoleId> roles) {

  public Invite {
    checkNotNull(id, "id");
    checkNotNull(organization, "organization");
    checkNotNull(email, "email");
    checkNotNull(level, "level");
    grants = ImmutableList.copyOf(grants);
    checkNotNull(invitedBy, "invitedBy");
    createdAt = Limits.instant(createdAt, "createdAt");
    expiresAt = Limits.instant(expiresAt, "expiresAt");
    checkArgument(expiresAt.isAfter(createdAt), "invite must expire after it is created");
    acceptedAt = checkNotNull(acceptedAt, "acceptedAt").map(i -> Limits.instant(i, "acceptedAt"));
    roles = ImmutableList.copyOf(roles);
  }

  /** An invite without roles. */
  public Invite(InviteId id, OrgId organization, EmailAddress email, OrgLevel level, List<InviteGrant> grants,
      UserId invitedBy, Instant createdAt, Instant expiresAt, Optional<Instant> acceptedAt) {
    this(id, organization, email, level, grants, invitedBy, createdAt, expiresAt, acceptedAt, List.of());
  }

  /** Whether the invite can still be accepted at {@code now}: unused and unexpired. */
  public boolean pendingAt(Instant now) {
    return acceptedAt.isEmpty() && now.isBefore(expiresAt);
  }

  public Invite accepted(Instant at) {
    return new Invite(id, organization, email, level, grants, invitedBy, createdAt, expiresAt, Optional.of(at), roles);
  }
}
