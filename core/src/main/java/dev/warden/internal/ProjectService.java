package dev.warden.internal;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.ErrorCode;
import dev.warden.Limits;
import dev.warden.PermissionDeniedException;
import dev.warden.Principal;
import dev.warden.audit.Change;
import dev.warden.internal.OrgState.ProjectState;
import dev.warden.matrix.Capability;
import dev.warden.organization.Membership;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrgLevel;
import dev.warden.project.Project;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import dev.warden.project.Projects;
import dev.warden.project.Visibility;
import dev.warden.matrix.TokenFormat;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** Implements {@link Projects}. Not API. */
public final class ProjectService implements Projects {
  private final Engine engine;
  private final Reads reads;

  public ProjectService(Engine engine, Reads reads) {
    this.engine = engine;
    this.reads = reads;
  }

  /**
   * A new project, created at {@code now}, with a fresh token in the model's {@link TokenFormat} (the
   * one place tokens are made).
   */
  static Project newProject(TokenFormat format, ProjectId id, OrgId organization, String name,
      Visibility visibility, ProjectRole defaultRole, java.time.Instant now) {
    return new Project(id, organization, name, visibility, defaultRole, newToken(format), now);
  }

  private static String newToken(TokenFormat format) {
    return Secrets.token(format.projectTokenPrefix(), 24);
  }


  /**
   * Only organization Admins and Owners make a project private or open (SPEC §15), whatever their
   * project role.
   *
   * @throws PermissionDeniedException {@code PERMISSION_DENIED}
   */
  static void requireMayChangeVisibility(Membership actor) {
    if (!actor.level().atLeast(OrgLevel.ADMIN)) {
      throw new PermissionDeniedException(ErrorCode.PERMISSION_DENIED,
          "only organization Admins and Owners make a project private or open");
    }
  }

  /** Inserts a new project with the matrix's visibility for new projects and a fresh token. */
  static Project insertNew(Mutation m, OrgId organization, String name) {
    Project project = newProject(m.decider().matrix().tokenFormat(), ProjectId.of(Ids.next("prj")), organization, name,
        m.decider().matrix().newProjectVisibility(), ProjectRole.MEMBER, m.now());
    m.apply(new Write.InsertProject(project));
    m.audit("project.created", project.id(), project.id(), Change.of("name", null, project.name()),
        Change.of("visibility", null, project.visibility()));
    return project;
  }

  @Override
  public Project create(Principal actor, OrgId organization, String name) {
    checkNotNull(actor, "actor");
    checkNotNull(name, "name");
    checkNotNull(organization, "organization");
    String stripped = Limits.name(name, "project name");
    return engine.mutate(organization, actor, "project.created", null, m -> {
      m.requireOrg(Capability.CREATE_PROJECT);
      return insertNew(m, organization, stripped);
    });
  }

  @Override
  public Project get(Principal actor, ProjectId project) {
    checkNotNull(actor, "actor");
    checkNotNull(project, "project");
    return reads.project(actor, project, Capability.VIEW_DATA).project();
  }

  @Override
  public Project rename(Principal actor, ProjectId project, String name) {
    checkNotNull(actor, "actor");
    checkNotNull(project, "project");
    checkNotNull(name, "name");
    String stripped = Limits.name(name, "project name");
    return update(actor, project, Capability.MANAGE_PROJECT_SETTINGS, "project.renamed", p -> p.withName(stripped));
  }

  @Override
  public Project setDefaultRole(Principal actor, ProjectId project, ProjectRole role) {
    checkNotNull(actor, "actor");
    checkNotNull(project, "project");
    checkNotNull(role, "role");
    return update(actor, project, Capability.MANAGE_PROJECT_SETTINGS, "project.default_role_changed",
        p -> p.withDefaultRole(role));
  }

  @Override
  public Project rotateToken(Principal actor, ProjectId project) {
    checkNotNull(actor, "actor");
    checkNotNull(project, "project");
    return update(actor, project, Capability.ROTATE_PROJECT_TOKEN, "project.token_rotated",
        p -> p.withToken(newToken(engine.decider().matrix().tokenFormat())));
  }

  private Project update(Principal actor, ProjectId project, Capability capability, String action,
      UnaryOperator<Project> change) {
    return engine.mutate(engine.organizationOf(project), actor, action, project, m -> {
      Project current = m.requireProject(project, capability).project();
      return write(m, action, current, change.apply(current));
    });
  }

  /** Writes and audits a project change; the token is recorded masked. Nothing happens for a no-op. */
  private static Project write(Mutation m, String action, Project current, Project next) {
    if (!next.equals(current)) {
      m.apply(new Write.UpdateProject(next));
      m.audit(action, current.id(), current.id(), Changes.diff()
          .field("name", current.name(), next.name())
          .field("visibility", current.visibility(), next.visibility())
          .field("defaultRole", current.defaultRole(), next.defaultRole())
          .secret("token", current.token(), next.token())
          .toArray());
    }
    return next;
  }

  @Override
  public Project setVisibility(Principal actor, ProjectId project, Visibility visibility) {
    checkNotNull(actor, "actor");
    checkNotNull(project, "project");
    checkNotNull(visibility, "visibility");
    return engine.mutate(engine.organizationOf(project), actor, "project.visibility_changed", project, m -> {
      ProjectState p = m.visibleProject(project);
      requireMayChangeVisibility(m.actorMember());
      return write(m, "project.visibility_changed", p.project(), p.project().withVisibility(visibility));
    });
  }

  @Override
  public void delete(Principal actor, ProjectId project) {
    checkNotNull(actor, "actor");
    checkNotNull(project, "project");
    engine.mutate(engine.organizationOf(project), actor, "project.deleted", project, m -> {
      ProjectState p = m.visibleProject(project);
      m.requireOrg(Capability.DELETE_PROJECT);
      m.requireRecentAuthentication();
      m.apply(new Write.DeleteProject(project));
      m.audit("project.deleted", project, project, Change.of("name", p.project().name(), null));
      return null;
    });
  }

  @Override
  public Optional<Project> resolveProjectToken(String token) {
    checkNotNull(token, "token");
    if (!Project.wellFormedToken(token)) {
      return Optional.empty();
    }
    return engine.store().inTransaction(tx -> tx.projects().findByToken(token));
  }
}
