package dev.warden.project;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.Reason;

/**
 * A project a user can see, with the user's effective role on it and where that role comes from
 * ({@link Reason#ORG_ADMIN}, {@link Reason#EXPLICIT_GRANT} or {@link Reason#DEFAULT_ROLE}). Immutable.
 */
public record VisibleProject(Project project, ProjectRole role, Reason source) {
  public VisibleProject {
    checkNotNull(project, "project");
    checkNotNull(role, "role");
    checkNotNull(source, "source");
  }
}
