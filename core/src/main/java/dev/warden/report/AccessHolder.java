package dev.warden.report;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.Reason;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.UserId;
import dev.warden.project.ProjectRole;
import java.util.Optional;

/**
 * A user who holds a capability, and why: their organization level, their effective project role (for
 * project capabilities) and the {@link Reason} the check gives. Immutable.
 */
public record AccessHolder(UserId user, OrgLevel level, Optional<ProjectRole> role, Reason reason) {
  public AccessHolder {
    checkNotNull(user, "user");
    checkNotNull(level, "level");
    checkNotNull(role, "role");
    checkNotNull(reason, "reason");
  }
}
