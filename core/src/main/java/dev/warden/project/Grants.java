package dev.warden.project;

import dev.warden.Page;
import dev.warden.PageRequest;
import dev.warden.Principal;
import dev.warden.organization.UserId;
import java.time.Instant;
import java.util.List;

/**
 * Gives, changes and revokes explicit project roles. Obtain it from {@code AccessPolicy.grants()}.
 * Granting needs {@code MANAGE_PROJECT_ACCESS} on the project and is checked in order: not on oneself
 * ({@code CANNOT_CHANGE_OWN_GRANT}), the grantee is an active member ({@code NOT_A_MEMBER}), the role
 * is at most the actor's own there ({@code ROLE_ABOVE_OWN}), an expiry lies ahead
 * ({@code EXPIRY_IN_PAST}). Granting again replaces role and expiry. Thread-safe.
 */
public interface Grants {

  /** Grants {@code role} on {@code project} to {@code user}, without expiry. */
  ProjectGrant grant(Principal actor, ProjectId project, UserId user, ProjectRole role);

  /**
   * Grants {@code role} on {@code project} to {@code user} until {@code expiresAt} (exclusive). The expiry
   * is kept to the microsecond; one at or before now once truncated is {@code EXPIRY_IN_PAST}.
   *
   * @throws IllegalArgumentException if {@code expiresAt} is outside {@link dev.warden.Limits#MIN_INSTANT} ..
   *     {@link dev.warden.Limits#MAX_INSTANT}
   */
  ProjectGrant grant(Principal actor, ProjectId project, UserId user, ProjectRole role, Instant expiresAt);

  /**
   * Revokes the user's grant on the project.
   *
   * @throws dev.warden.NotFoundException {@code GRANT_NOT_FOUND} if there is none
   */
  void revoke(Principal actor, ProjectId project, UserId user);

  /** The explicit grants on the project, expired ones included, in user-id order ({@code MANAGE_PROJECT_ACCESS}). */
  List<ProjectGrant> list(Principal actor, ProjectId project);

  /**
   * One page of the explicit grants on the project, expired ones included, in user-id order
   * ({@code MANAGE_PROJECT_ACCESS}); the cursor is the last user id of the previous page.
   *
   * @throws IllegalArgumentException if the cursor is malformed
   */
  Page<ProjectGrant> list(Principal actor, ProjectId project, PageRequest page);
}
