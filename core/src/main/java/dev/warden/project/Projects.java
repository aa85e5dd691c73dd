package dev.warden.project;

import dev.warden.Principal;
import dev.warden.organization.OrgId;
import java.util.Optional;

/**
 * Creates, changes and deletes projects and rotates their tokens. Obtain it from
 * {@code AccessPolicy.projects()}. A project hidden from the actor answers {@code NOT_FOUND} exactly
 * like a missing one. Thread-safe.
 */
public interface Projects {

  /** Creates a project ({@code CREATE_PROJECT}) with the matrix's visibility for new projects. */
  Project create(Principal actor, OrgId organization, String name);

  /** The project, if visible to the actor. @throws dev.warden.NotFoundException otherwise */
  Project get(Principal actor, ProjectId project);

  /** Renames the project ({@code MANAGE_PROJECT_SETTINGS}). */
  Project rename(Principal actor, ProjectId project, String name);

  /** Sets the role every member gets while the project is open ({@code MANAGE_PROJECT_SETTINGS}). */
  Project setDefaultRole(Principal actor, ProjectId project, ProjectRole role);

  /**
   * Makes the project open or private; organization Admins and Owners only, whatever their project
   * role. Setting the current value changes nothing. Takes effect on the next check.
   */
  Project setVisibility(Principal actor, ProjectId project, Visibility visibility);

  /** Deletes the project and its grants ({@code DELETE_PROJECT}); its token resolves to nothing. */
  void delete(Principal actor, ProjectId project);

  /**
   * Replaces the project's token ({@code ROTATE_PROJECT_TOKEN}); the old one stops resolving at once.
   * Returns the project with its new token.
   */
  Project rotateToken(Principal actor, ProjectId project);

  /** The project whose current token is {@code token}, by index lookup; empty for unknown or old tokens. */
  Optional<Project> resolveProjectToken(String token);
}
