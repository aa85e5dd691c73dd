package dev.warden.internal;

import dev.warden.Decision;
import dev.warden.ErrorCode;
import dev.warden.NotFoundException;
import dev.warden.Principal;
import dev.warden.internal.OrgState.ProjectState;
import dev.warden.organization.Membership;
import dev.warden.project.ProjectRole;
import dev.warden.report.Explanation;
import java.util.List;

/**
 * The one place that decides how a hidden target answers: exactly like a missing one (SPEC §2.3,
 * §11, §15). The same exception and message for a missing organization, project or resource and for
 * one the caller may not see; an explanation of such a {@code NOT_FOUND} says nothing but that, since
 * the steps that led there would tell the two apart. Not API.
 */
public final class Hidden {
  private Hidden() {}

  /** Not found, with the same message whether {@code what} is missing or hidden. */
  public static NotFoundException notFound(String what) {
    return new NotFoundException(ErrorCode.NOT_FOUND, what + " not found");
  }

  /**
   * The explanation of {@code decision} on a {@code what}: its recorded steps, unless it is
   * {@code NOT_FOUND}, which is explained with one step that a missing {@code what} would give too.
   */
  public static Explanation explanation(Decision decision, Trace.Recording trace, String what, Principal principal) {
    return new Explanation(decision, decision.outcome() == Decision.Outcome.NOT_FOUND
        ? List.of("no " + what + " with this id is visible to " + principal.userId())
        : trace.steps());
  }

  /**
   * The principal's effective role on the project (member {@code me}, null if not an active member;
   * {@code project} null if missing), within its API key limits.
   *
   * @throws NotFoundException {@code NOT_FOUND} "project" if missing, hidden, or the principal is no member
   */
  public static ProjectRole requireRole(Decider decider, Principal principal, OrgState state, Membership me,
      ProjectState project) {
    ProjectRole role = requireRole(decider, state, me, project);
    if (!Decider.keyReaches(principal, project)) {
      throw notFound("project");
    }
    return role;
  }

  /** Like {@link #requireRole(Decider, Principal, OrgState, Membership, ProjectState)}, for the member as a user. */
  public static ProjectRole requireRole(Decider decider, OrgState state, Membership me, ProjectState project) {
    ProjectRole role = me == null || project == null ? null : decider.effectiveRole(state, me, project);
    if (role == null) {
      throw notFound("project");
    }
    return role;
  }
}
