package dev.warden.internal;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.ErrorCode;
import dev.warden.Limits;
import dev.warden.NotFoundException;
import dev.warden.Page;
import dev.warden.PageRequest;
import dev.warden.Principal;
import dev.warden.audit.Change;
import dev.warden.internal.OrgState.ProjectState;
import dev.warden.matrix.Capability;
import dev.warden.organization.UserId;
import dev.warden.project.Grants;
import dev.warden.project.ProjectGrant;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Implements {@link Grants}. Not API. */
public final class GrantService implements Grants {
  private final Engine engine;
  private final Reads reads;
  private final Listings listings;

  public GrantService(Engine engine, Reads reads, Listings listings) {
    this.engine = engine;
    this.reads = reads;
    this.listings = listings;
  }

  @Override
  public ProjectGrant grant(Principal actor, ProjectId project, UserId user, ProjectRole role) {
    checkNotNull(actor, "actor");
    checkNotNull(project, "project");
    checkNotNull(user, "user");
    checkNotNull(role, "role");
    return grant(actor, project, user, role, Optional.empty());
  }

  @Override
  public ProjectGrant grant(Principal actor, ProjectId project, UserId user, ProjectRole role, Instant expiresAt) {
    checkNotNull(role, "role");
    checkNotNull(expiresAt, "expiresAt");
    return grant(actor, project, user, role, Optional.of(Limits.instant(expiresAt, "expiresAt")));
  }

  private ProjectGrant grant(Principal actor, ProjectId project, UserId user, ProjectRole role,
      Optional<Instant> expiresAt) {
    checkNotNull(actor, "actor");
    checkNotNull(project, "project");
    checkNotNull(user, "user");
    checkNotNull(role, "role");
    return engine.mutate(engine.organizationOf(project), actor, "grant.changed", user, m -> {
      ProjectState p = m.requireProject(project, Capability.MANAGE_PROJECT_ACCESS);
      requireNotOwnGrant(actor.userId(), user);
      m.activeMember(user);
      requireRoleWithinOwn(m.decider().effectiveRole(m.state(), m.actorMember(), p), role, project);
      ProjectGrant grant = new ProjectGrant(project, user, role, expiresAt.map(m::requireFuture), actor.userId(), m.now());
      ProjectGrant old = p.grants().get(user);
      m.apply(new Write.UpsertGrant(grant));
      m.audit("grant.changed", project, user,
          Change.of("role", old == null ? null : old.role(), role),
          Change.of("expiresAt", old == null ? null : old.expiresAt().orElse(null), expiresAt.orElse(null)));
      return grant;
    });
  }

  @Override
  public void revoke(Principal actor, ProjectId project, UserId user) {
    checkNotNull(project, "project");
    checkNotNull(actor, "actor");
    checkNotNull(user, "user");
    engine.mutate(engine.organizationOf(project), actor, "grant.revoked", user, m -> {
      ProjectState p = m.requireProject(project, Capability.MANAGE_PROJECT_ACCESS);
      requireNotOwnGrant(actor.userId(), user);
      if (!p.grants().containsKey(user)) {
        throw new NotFoundException(ErrorCode.GRANT_NOT_FOUND, "user " + user + " has no grant on this project");
      }
      m.apply(new Write.DeleteGrant(project, user));
      m.audit("grant.revoked", project, user, Change.of("role", p.grants().get(user).role(), null));
      return null;
    });
  }

  /**
   * Nobody grants to, changes or revokes their own project grant.
   *
   * @throws dev.warden.RuleViolationException {@code CANNOT_CHANGE_OWN_GRANT}
   */
  static void requireNotOwnGrant(UserId actor, UserId user) {
    if (user.equals(actor)) {
      throw Errors.rule(ErrorCode.CANNOT_CHANGE_OWN_GRANT, "cannot change your own project grant");
    }
  }

  /**
   * A grantor (or inviter) gives at most their own role on the project, {@code mine}.
   *
   * @throws dev.warden.RuleViolationException {@code ROLE_ABOVE_OWN}
   */
  static void requireRoleWithinOwn(ProjectRole mine, ProjectRole role, ProjectId project) {
    if (!mine.atLeast(role)) {
      throw Errors.rule(ErrorCode.ROLE_ABOVE_OWN,
          "cannot grant " + role + " on " + project + ", above your own role there (" + mine + ")");
    }
  }

  @Override
  public List<ProjectGrant> list(Principal actor, ProjectId project) {
    checkNotNull(actor, "actor");
    checkNotNull(project, "project");
    return List.copyOf(reads.project(actor, project, Capability.MANAGE_PROJECT_ACCESS).grants().values());
  }

  @Override
  public Page<ProjectGrant> list(Principal actor, ProjectId project, PageRequest page) {
    checkNotNull(actor, "actor");
    checkNotNull(project, "project");
    checkNotNull(page, "page");
    ProjectState p = reads.project(actor, project, Capability.MANAGE_PROJECT_ACCESS);
    return listings.grants(p, page.cursor().orElse(null), page.size());
  }
}
