package dev.warden.project;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.Expiry;
import dev.warden.Limits;
import dev.warden.organization.UserId;
import java.time.Instant;
import java.util.Optional;

/**
 * An explicit role for one member on one project, optionally until an instant (exclusive). An explicit
 * grant wins over the project's default role even when it is lower. Immutable.
 */
public record ProjectGrant(
    ProjectId project,
    UserId user,
    ProjectRole role,
    Optional<Instant> expiresAt,
    UserId grantedBy,
    Instant grantedAt) {

  public ProjectGrant {
    checkNotNull(project, "project");
    checkNotNull(user, "user");
    checkNotNull(role, "role");
    expiresAt = checkNotNull(expiresAt, "expiresAt").map(i -> Limits.instant(i, "expiresAt"));
    checkNotNull(grantedBy, "grantedBy");
    grantedAt = Limits.instant(grantedAt, "grantedAt");
  }

  /** Whether the grant applies at {@code now} (expiry is exclusive). */
  public boolean activeAt(Instant now) {
    return Expiry.activeAt(expiresAt, now);
  }
}
