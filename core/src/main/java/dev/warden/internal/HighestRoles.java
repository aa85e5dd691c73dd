package dev.warden.internal;

import dev.warden.internal.OrgState.ProjectState;
import dev.warden.organization.Membership;
import dev.warden.organization.OrgLevel;
import dev.warden.project.ProjectGrant;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import dev.warden.project.Visibility;
import java.time.Instant;
import java.util.Map;

/**
 * Each member's highest effective project role in one snapshot at one instant: the best of
 * {@link Decider#effectiveRole} over every project, computed without visiting every project per member.
 * An org Admin or Owner is an implicit Admin everywhere; a Member's role on a project is their live
 * grant there if any (even when lower than the default), else the open project's default role, else
 * none. So a Member's best is the best of their live grants and of the default roles of the open
 * projects they hold no live grant on. The open projects are counted by default role once per report;
 * a member with fewer grants than there are open projects of a default role surely lacks a grant on one
 * of them, and only otherwise are their grants' projects looked up. Per member: proportional to their
 * own grants at most, and often constant (a report asks for the role only up to a cap). For reports.
 * Not API.
 */
final class HighestRoles {
  private static final ProjectRole[] BEST_FIRST = {ProjectRole.ADMIN, ProjectRole.MEMBER, ProjectRole.VIEWER};

  private final OrgState state;
  private final Instant now;
  private final int[] openByDefaultRole = new int[ProjectRole.values().length];

  HighestRoles(OrgState state, Instant now) {
    this.state = state;
    this.now = now;
    for (ProjectState p : state.projects().values()) {
      if (p.project().visibility() == Visibility.OPEN) {
        openByDefaultRole[p.project().defaultRole().ordinal()]++;
      }
    }
  }

  /**
   * The member's highest effective role over the organization's projects, capped at {@code cap}
   * (reports tell roles apart only up to a point: the registry whether it is above Viewer, the review
   * whether there is any); null if they see no project. Stops as soon as {@code cap} is reached.
   */
  ProjectRole cappedAt(Membership member, ProjectRole cap) {
    if (state.projects().isEmpty()) {
      return null;
    }
    if (member.level().atLeast(OrgLevel.ADMIN)) {
      return cap;
    }
    Map<ProjectId, ProjectGrant> own = state.grantsOf(member.user());
    ProjectRole best = null;
    for (ProjectRole role : BEST_FIRST) {
      if (openByDefaultRole[role.ordinal()] > own.size()) {
        best = min(role, cap); // an open project with this default role surely has no grant of theirs
        break;
      }
    }
    for (ProjectGrant g : own.values()) {
      if (best == cap) {
        return cap;
      }
      if (g.activeAt(now) && (best == null || g.role().compareTo(best) > 0)) {
        best = min(g.role(), cap);
      }
    }
    if (best == cap) {
      return cap;
    }
    // The default roles above the best so far, counted exactly, from the highest down.
    for (ProjectRole role : BEST_FIRST) {
      if (best != null && best.atLeast(role)) {
        return best;
      }
      int open = openByDefaultRole[role.ordinal()];
      if (open > 0 && open > liveGrantsOnOpen(own, role)) {
        return min(role, cap);
      }
    }
    return best;
  }

  private static ProjectRole min(ProjectRole a, ProjectRole b) {
    return a.atLeast(b) ? b : a;
  }

  /** How many of the member's live grants are on open projects whose default role is {@code role}. */
  private int liveGrantsOnOpen(Map<ProjectId, ProjectGrant> own, ProjectRole role) {
    int n = 0;
    for (ProjectGrant g : own.values()) {
      ProjectState p = state.projects().get(g.project());
      if (p != null && g.activeAt(now) && p.project().visibility() == Visibility.OPEN
          && p.project().defaultRole() == role) {
        n++;
      }
    }
    return n;
  }
}
