package dev.warden.invite;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;

/** A project role an invite gives on acceptance. Invite grants carry no expiry. Immutable. */
public record InviteGrant(ProjectId project, ProjectRole role) {
  public InviteGrant {
    checkNotNull(project, "project");
    checkNotNull(role, "role");
  }
}
