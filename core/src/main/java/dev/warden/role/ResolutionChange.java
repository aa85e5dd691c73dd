package dev.warden.role;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.organization.UserId;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import java.util.Optional;

/**
 * One effect of switching an organization's {@link ResolutionRule}: the member's effective role on the
 * project before and after (empty: hidden), and the role whose grant is involved.
 */
public record ResolutionChange(UserId member, ProjectId project, Optional<ProjectRole> before,
    Optional<ProjectRole> after, RoleId via) {

  public ResolutionChange {
    checkNotNull(member, "member");
    checkNotNull(project, "project");
    checkNotNull(before, "before");
    checkNotNull(after, "after");
    checkNotNull(via, "via");
  }
}
