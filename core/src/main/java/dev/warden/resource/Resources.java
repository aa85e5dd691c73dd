package dev.warden.resource;

import dev.warden.Page;
import dev.warden.PageRequest;
import dev.warden.Principal;
import dev.warden.organization.UserId;
import dev.warden.project.ProjectId;
import java.util.List;

/**
 * Registers resources and manages their access rules, including dashboards' restriction levels and
 * collaborators. Obtain it from {@code AccessPolicy.resources()}. A resource in a project hidden from
 * the actor, or at level {@code NONE} for them, answers {@code NOT_FOUND} like a missing one.
 * Thread-safe.
 */
public interface Resources {

  /**
   * Registers a resource created by {@code creator} ({@code CREATE_CONTENT} on the project). A ref
   * that is already registered is refused: with {@code RESOURCE_ALREADY_REGISTERED} if the creator can
   * see it, else with the {@code NOT_FOUND} every call on a hidden resource answers.
   *
   * @throws dev.warden.NotFoundException if the project, or the registered resource, is hidden
   * @throws dev.warden.RuleViolationException {@code RESOURCE_ALREADY_REGISTERED}
   */
  Resource register(Principal creator, ResourceRef ref);

  /** The resource, if the actor can see it. */
  Resource get(Principal actor, ResourceRef ref);

  /** The actor's access level on the resource. @throws dev.warden.NotFoundException if hidden */
  AccessLevel level(Principal actor, ResourceRef ref);

  /** Removes the resource and its rules ({@code MANAGER}). */
  void remove(Principal actor, ResourceRef ref);

  /** Sets the rule for every resource of {@code kind} in the project ({@code MANAGE_PROJECT_ACCESS}). */
  void setKindRule(Principal actor, ProjectId project, String kind, AccessLevel level);

  /** Removes the kind rule. @throws dev.warden.NotFoundException {@code NOT_FOUND} if there is none */
  void clearKindRule(Principal actor, ProjectId project, String kind);

  /** Sets the rule for everyone on one resource ({@code MANAGER}). */
  void setEveryoneRule(Principal actor, ResourceRef ref, AccessLevel level);

  /** Removes the everyone rule of one resource ({@code MANAGER}). */
  void clearEveryoneRule(Principal actor, ResourceRef ref);

  /**
   * Sets one member's rule on one resource ({@code MANAGER}); the member must see the project
   * ({@code NO_PROJECT_ACCESS}). The member's project role still caps the level.
   */
  void setMemberRule(Principal actor, ResourceRef ref, UserId user, AccessLevel level);

  /** Removes one member's rule on one resource ({@code MANAGER}). */
  void clearMemberRule(Principal actor, ResourceRef ref, UserId user);

  /**
   * Shares one resource with one active member at {@code VIEWER} or {@code EDITOR} ({@code MANAGER}
   * needed), replacing any rule of theirs on it: a {@linkplain ResourceRule#shared shared} member rule,
   * which opens the resource to them even while its project stays hidden from them (issue 16's
   * contractor). While they see the project it counts as their own rule. Removal from the organization
   * ends it, like every member rule.
   *
   * @throws IllegalArgumentException if {@code level} is {@code NONE} or {@code MANAGER}
   * @throws dev.warden.RuleViolationException {@code NOT_A_MEMBER}
   */
  void share(Principal actor, ResourceRef ref, UserId user, AccessLevel level);

  /**
   * Ends a share ({@code MANAGER}). @throws dev.warden.NotFoundException {@code NOT_FOUND} if the member
   * has no share on the resource (a rule that is not a share is cleared by {@link #clearMemberRule})
   */
  void unshare(Principal actor, ResourceRef ref, UserId user);

  /** The rules on one resource (shares included) and its kind rule, for its managers ({@code MANAGER}). */
  List<ResourceRule> rules(Principal actor, ResourceRef ref);

  /**
   * One page of the resources of {@code kind} in the project on which the actor has at least
   * {@code atLeast}, in creation order; never silently truncated.
   */
  Page<VisibleResource> list(Principal actor, ProjectId project, String kind, AccessLevel atLeast, PageRequest page);

  /**
   * Sets who may edit a dashboard ({@code MANAGER}). {@code ONLY_COLLABORATORS_CAN_EDIT} makes everyone
   * else a viewer; going back to {@code EVERYONE_CAN_EDIT} keeps the collaborators' rules, which then
   * change nothing.
   */
  void restrictDashboard(Principal actor, ResourceRef dashboard, DashboardRestriction restriction);

  /** The dashboard's restriction level, for anyone who can see it. */
  DashboardRestriction restriction(Principal actor, ResourceRef dashboard);

  /**
   * Adds a collaborator who "can edit" a restricted dashboard. Checked in order: the actor can edit
   * the dashboard ({@code PERMISSION_DENIED}), the dashboard is restricted ({@code RESOURCE_NOT_RESTRICTED}),
   * the user can see the project ({@code NO_PROJECT_ACCESS}) and has no inherent rights as creator or
   * project Admin ({@code ALREADY_HAS_ACCESS}).
   */
  void addCollaborator(Principal actor, ResourceRef dashboard, UserId user);

  /** Removes a collaborator (the actor can edit the dashboard). */
  void removeCollaborator(Principal actor, ResourceRef dashboard, UserId user);

  /** The dashboard's collaborators in user-id order, for anyone who can see it. */
  List<UserId> collaborators(Principal actor, ResourceRef dashboard);
}
