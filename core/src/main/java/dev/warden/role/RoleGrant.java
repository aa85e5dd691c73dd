package dev.warden.role;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.Limits;
import dev.warden.organization.UserId;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import java.time.Instant;

/**
 * The project role a role gives its active members on one project, private projects included. It
 * combines with a member's own grant by the organization's {@link ResolutionRule}. Immutable.
 */
public record RoleGrant(RoleId role, ProjectId project, ProjectRole projectRole, UserId grantedBy, Instant grantedAt) {

  public RoleGrant {
    checkNotNull(role, "role");
    checkNotNull(project, "project");
    checkNotNull(projectRole, "projectRole");
    checkNotNull(grantedBy, "grantedBy");
    grantedAt = Limits.instant(grantedAt, "grantedAt");
  }
}
