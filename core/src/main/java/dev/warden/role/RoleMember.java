package dev.warden.role;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.Expiry;
import dev.warden.Limits;
import dev.warden.organization.UserId;
import java.time.Instant;
import java.util.Optional;

/**
 * A member's place in a role, optionally until an instant (exclusive), like a project grant: while it
 * lasts, the member holds what the role carries. Immutable.
 */
public record RoleMember(RoleId role, UserId user, Optional<Instant> expiresAt, UserId addedBy, Instant addedAt) {

  public RoleMember {
    checkNotNull(role, "role");
    checkNotNull(user, "user");
    expiresAt = checkNotNull(expiresAt, "expiresAt").map(i -> Limits.instant(i, "expiresAt"));
    checkNotNull(addedBy, "addedBy");
    addedAt = Limits.instant(addedAt, "addedAt");
  }

  /** Whether the membership applies at {@code now} (expiry is exclusive). */
  public boolean activeAt(Instant now) {
    return Expiry.activeAt(expiresAt, now);
  }
}
