package dev.warden.internal;

import dev.warden.Decision;
import dev.warden.Reason;
import dev.warden.internal.OrgState.ProjectState;
import dev.warden.matrix.Capability;
import dev.warden.matrix.PermissionMatrix;
import dev.warden.organization.Membership;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.UserId;
import dev.warden.project.ProjectGrant;
import dev.warden.project.ProjectRole;
import dev.warden.project.Visibility;
import java.time.Clock;
import java.time.Instant;

/**
 * The one place the permission matrix is read. Every check, listing and mutation decides here.
 * Allocation-free when given {@link Trace#NONE}: the clock is read only for memberships and grants
 * that carry an expiry. Thread-safe. Not API.
 */
public final class Decider {
  private final PermissionMatrix matrix;
  private final Clock clock;

  public Decider(PermissionMatrix matrix, Clock clock) {
    this.matrix = matrix;
    this.clock = clock;
  }

  public PermissionMatrix matrix() {
    return matrix;
  }

  /** Decides an organization capability for {@code user} in {@code state} (null state: not found). */
  public Decision org(UserId user, Capability capability, OrgState state, Trace trace) {
    Membership m = activeMember(state, user, trace);
    if (m == null) {
      return Decision.notFound();
    }
    if (matrix.allows(m.level(), capability)) {
      trace.step("organization level %s holds %s", m.level(), capability);
      return Decision.allow(Reason.ORG_LEVEL);
    }
    trace.step("organization level %s lacks %s", m.level(), capability);
    return Decision.deny(Reason.LEVEL_TOO_LOW);
  }

  /** Decides a project capability for {@code user} on {@code project} of {@code state} (null: not found). */
  public Decision project(UserId user, Capability capability, OrgState state, ProjectState project, Trace trace) {
    Membership m = activeMember(state, user, trace);
    if (m == null) {
      return Decision.notFound();
    }
    Reason source = access(m, project, trace);
    if (source == Reason.NOT_FOUND) {
      return Decision.notFound();
    }
    ProjectRole role = role(source, m, project);
    if (matrix.allows(role, capability)) {
      trace.step("project role %s holds %s", role, capability);
      return Decision.allow(source);
    }
    trace.step("project role %s lacks %s", role, capability);
    return Decision.deny(Reason.ROLE_TOO_LOW);
  }

  /** The user's membership if it is active now, else null. */
  public Membership activeMember(OrgState state, UserId user, Trace trace) {
    Membership m = state == null ? null : state.members().get(user);
    if (m == null) {
      trace.step("%s is not a member of an organization with this id", user);
      return null;
    }
    if (m.expiresAt().isPresent() && !now().isBefore(m.expiresAt().get())) {
      trace.step("membership expired at %s", m.expiresAt().get());
      return null;
    }
    trace.step("active member at level %s", m.level());
    return m;
  }

  /**
   * Where an active member's access to a project comes from: {@link Reason#ORG_ADMIN},
   * {@link Reason#EXPLICIT_GRANT}, {@link Reason#DEFAULT_ROLE}, or {@link Reason#NOT_FOUND} when the
   * project is hidden from them (or missing: {@code project} null).
   */
  public Reason access(Membership member, ProjectState project, Trace trace) {
    if (project == null) {
      trace.step("no project with this id is visible to %s", member.user());
      return Reason.NOT_FOUND;
    }
    if (member.level().atLeast(OrgLevel.ADMIN)) {
      trace.step("organization %s is an implicit project Admin", member.level());
      return Reason.ORG_ADMIN;
    }
    ProjectGrant grant = project.grants().get(member.user());
    if (grant != null) {
      if (grant.expiresAt().isEmpty() || now().isBefore(grant.expiresAt().get())) {
        trace.step("explicit grant %s", grant.role());
        return Reason.EXPLICIT_GRANT;
      }
      trace.step("explicit grant expired at %s", grant.expiresAt().get());
    }
    if (project.project().visibility() == Visibility.OPEN) {
      trace.step("open project, default role %s", project.project().defaultRole());
      return Reason.DEFAULT_ROLE;
    }
    trace.step("no project with this id is visible to %s", member.user());
    return Reason.NOT_FOUND;
  }

  /** The effective role for an access {@code source} other than {@link Reason#NOT_FOUND}. */
  public static ProjectRole role(Reason source, Membership member, ProjectState project) {
    return switch (source) {
      case ORG_ADMIN -> ProjectRole.ADMIN;
      case EXPLICIT_GRANT -> project.grants().get(member.user()).role();
      case DEFAULT_ROLE -> project.project().defaultRole();
      default -> throw new IllegalArgumentException("no role for " + source);
    };
  }

  /** The current instant of the policy's clock. */
  public Instant now() {
    return clock.instant();
  }
}
