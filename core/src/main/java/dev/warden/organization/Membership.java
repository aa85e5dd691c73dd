package dev.warden.organization;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.Expiry;
import dev.warden.Limits;
import java.time.Instant;
import java.util.Optional;

/**
 * A user's place in one organization. A membership with an {@code expiresAt} grants nothing from that
 * instant on, swept or not; an Owner's membership never expires. Immutable.
 *
 * @param email the address the user joined with: the creator's, or the invite's. Warden always sets it
 *     (creating an organization needs a principal with an email); it is optional only for memberships a
 *     store kept from before that rule, which an invite to the same address cannot recognize
 * @param note free text shown in the access registry, such as "CTO"
 * @param invitedBy who sent the invite the user accepted; empty for an organization's creator
 */
public record Membership(
    OrgId organization,
    UserId user,
    Optional<EmailAddress> email,
    OrgLevel level,
    Optional<String> note,
    Optional<Instant> expiresAt,
    Instant joinedAt,
    Optional<UserId> invitedBy) {

  public Membership {
    checkNotNull(organization, "organization");
    checkNotNull(user, "user");
    checkNotNull(email, "email");
    checkNotNull(level, "level");
    note = checkNotNull(note, "note").map(s -> Limits.note(s, "note")).filter(s -> !s.isEmpty());
    expiresAt = checkNotNull(expiresAt, "expiresAt").map(i -> Limits.instant(i, "expiresAt"));
    joinedAt = Limits.instant(joinedAt, "joinedAt");
    checkNotNull(invitedBy, "invitedBy");
    checkArgument(level != OrgLevel.OWNER || expiresAt.isEmpty(), "an Owner's membership must not expire");
  }

  /** Whether the membership applies at {@code now} (expiry is exclusive). */
  public boolean activeAt(Instant now) {
    return Expiry.activeAt(expiresAt, now);
  }

  public Membership withLevel(OrgLevel newLevel) {
    return new Membership(organization, user, email, newLevel, note, expiresAt, joinedAt, invitedBy);
  }

  public Membership withNote(Optional<String> newNote) {
    return new Membership(organization, user, email, level, newNote, expiresAt, joinedAt, invitedBy);
  }

  public Membership withExpiresAt(Optional<Instant> newExpiresAt) {
    return new Membership(organization, user, email, level, note, newExpiresAt, joinedAt, invitedBy);
  }
}
