package dev.warden.report;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.organization.OrgLevel;
import dev.warden.organization.UserId;
import dev.warden.project.ProjectRole;
import dev.warden.resource.AccessLevel;
import dev.warden.role.RoleId;
import java.util.Optional;

/**
 * One member with access to a project or a resource, and where it comes from (issue 16): their
 * organization level, effective project role, access level on the resource (empty for a project), the
 * {@link AccessSource} that decided, and the role when a role's rule did. Immutable.
 */
public record AccessEntry(UserId user, OrgLevel level, ProjectRole projectRole, Optional<AccessLevel> accessLevel,
    AccessSource source, Optional<RoleId> via) {
  public AccessEntry {
    checkNotNull(user, "user");
    checkNotNull(level, "level");
    checkNotNull(projectRole, "projectRole");
    checkNotNull(accessLevel, "accessLevel");
    checkNotNull(source, "source");
    checkNotNull(via, "via");
  }
}
