package dev.warden.internal;

import dev.warden.internal.OrgState.ProjectState;
import dev.warden.organization.Membership;
import dev.warden.organization.OrgLevel;
import dev.warden.project.ProjectGrant;
import dev.warden.project.ProjectRole;
import dev.warden.project.Visibility;
import java.time.Instant;

/**
 * Each member's highest effective project role in one snapshot at one instant: the best of
 * {@link Decider#effectiveRole} over every project, computed without visiting every project per member.
 * An org Admin or Owner is an implicit Admin everywhere; a Member's role on a project is their live
 * grant there if any (even when lower than the default), else the open project's default role, else
 * none. So a Member's best is the best of their live grants and of the default roles of the open
 * projects they hold no live grant on; the open projects are counted by default role once, and each
 * member's live grants on open projects are taken off those counts. Per member: proportional to their
 * own grants. For reports; not thread-safe. Not API.
 */
final class HighestRoles {
  private static final ProjectRole[] BEST_FIRST = {ProjectRole.ADMIN, ProjectRole.MEMBER, ProjectRole.VIEWER};

  private final OrgState state;
  private final Instant now;
  private final int[] openByDefaultRole = new int[ProjectRole.values().length];
  private final int[] scratch = new int[ProjectRole.values().length];

  HighestRoles(OrgState state, Instant now) {
    this.state = state;
    this.now = now;
    for (ProjectState p : state.projects().values()) {
      if (p.project().visibility() == Visibility.OPEN) {
        openByDefaultRole[p.project().defaultRole().ordinal()]++;
      }
    }
  }

  /** The member's highest effective role over the organization's projects; null if they see none. */
  ProjectRole of(Membership member) {
    if (state.projects().isEmpty()) {
      return null;
    }
    if (member.level().atLeast(OrgLevel.ADMIN)) {
      return ProjectRole.ADMIN;
    }
    int[] openWithoutGrant = scratch;
    System.arraycopy(openByDefaultRole, 0, openWithoutGrant, 0, openWithoutGrant.length);
    ProjectRole best = null;
    for (ProjectGrant g : state.grantsOf(member.user()).values()) {
      ProjectState p = state.projects().get(g.project());
      if (p == null || !g.activeAt(now)) {
        continue;
      }
      best = best == null || g.role().atLeast(best) ? g.role() : best;
      if (p.project().visibility() == Visibility.OPEN) {
        openWithoutGrant[p.project().defaultRole().ordinal()]--;
      }
    }
    for (ProjectRole role : BEST_FIRST) {
      if (openWithoutGrant[role.ordinal()] > 0) {
        return best == null || role.atLeast(best) ? role : best;
      }
    }
    return best;
  }
}
