package dev.warden.audit;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.Limits;
import dev.warden.organization.OrgId;
import dev.warden.project.ProjectId;
import java.time.Instant;
import java.util.Optional;

/**
 * Which audit entries to return: those of one organization, one project, or one actor's own, optionally narrowed by
 * actor user, action and time range ({@code from} inclusive, {@code to} exclusive). Immutable; each
 * method returns a new query.
 *
 * <p>The time range is clamped into {@link Limits#MIN_INSTANT} .. {@link Limits#MAX_INSTANT}, the
 * instants a store keeps: {@code between(Instant.MIN, Instant.MAX)} means "any time" and matches
 * exactly what no range matches.
 */
public record AuditQuery(
    Optional<OrgId> organization,
    Optional<ProjectId> project,
    Optional<String> actorUser,
    Optional<String> action,
    Optional<Instant> from,
    Optional<Instant> to) {

  public AuditQuery {
    checkNotNull(organization, "organization");
    checkNotNull(project, "project");
    checkNotNull(actorUser, "actorUser").ifPresent(u -> Limits.id(u, "actor user id"));
    checkNotNull(action, "action").ifPresent(a -> Limits.text(a, Limits.MAX_TOKEN_LENGTH, "action"));
    checkNotNull(from, "from");
    checkNotNull(to, "to");
    checkArgument(!(organization.isPresent() && project.isPresent()), "an audit query names an organization or a project, not both");
    checkArgument(organization.isPresent() || project.isPresent() || actorUser.isPresent(),
        "an audit query names an organization, a project or (for one's own entries) an actor");
    checkArgument(from.isEmpty() || to.isEmpty() || from.get().isBefore(to.get()), "from must be before to");
    from = from.map(Limits::clamp);
    to = to.map(Limits::clamp);
  }

  /** Every entry of the organization (including its projects'). */
  public static AuditQuery organization(OrgId organization) {
    return new AuditQuery(Optional.of(organization), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty());
  }

  /** Every entry of one project. */
  public static AuditQuery project(ProjectId project) {
    return new AuditQuery(Optional.empty(), Optional.of(project), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty());
  }

  /** Every entry made by {@code userId}; a principal may run this only for itself. */
  public static AuditQuery actor(String userId) {
    return new AuditQuery(Optional.empty(), Optional.empty(), Optional.of(userId), Optional.empty(),
        Optional.empty(), Optional.empty());
  }

  public AuditQuery byActor(String userId) {
    return new AuditQuery(organization, project, Optional.of(userId), action, from, to);
  }

  public AuditQuery action(String name) {
    return new AuditQuery(organization, project, actorUser, Optional.of(name), from, to);
  }

  public AuditQuery between(Instant fromInclusive, Instant toExclusive) {
    return new AuditQuery(organization, project, actorUser, action, Optional.of(fromInclusive), Optional.of(toExclusive));
  }

  /** Whether {@code e} matches every condition of this query. */
  public boolean matches(AuditEntry e) {
    return (organization.isEmpty() || e.organization().equals(organization))
        && (project.isEmpty() || e.project().equals(project))
        && (actorUser.isEmpty() || e.actor().user().equals(actorUser))
        && (action.isEmpty() || e.action().equals(action.get()))
        && (from.isEmpty() || !e.at().isBefore(from.get()))
        && (to.isEmpty() || e.at().isBefore(to.get()));
  }
}
