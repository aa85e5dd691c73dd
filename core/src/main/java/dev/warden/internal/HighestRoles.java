package dev.warden.internal;

import com.google.common.collect.ImmutableList;
import dev.warden.internal.OrgState.ProjectState;
import dev.warden.organization.Membership;
import dev.warden.organization.OrgLevel;
import dev.warden.project.ProjectGrant;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import dev.warden.project.Visibility;
import dev.warden.role.RoleMember;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Each member's highest effective project role in one snapshot at one instant: the best of
 * {@link Decider#effectiveRole} over every project, computed without visiting every project per member.
 * An org Admin or Owner is an implicit Admin everywhere; a Member's role on a project is their live
 * grant there if any (even when lower than the default), else the open project's default role, else
 * none. So a Member's best is the best of their live grants and of the default roles of the open
 * projects they hold no live grant on. The open projects are counted by default role once per report;
 * a member with fewer grants than there are open projects of a default role surely lacks a grant on one
 * of them, and only otherwise are their grants' projects looked up. Per member: proportional to their
 * own grants at most, and often constant (a report asks for the role only up to a cap). A member whose
 * roles have grants (issue 16) is decided project by project over their own and their roles' grants.
 * For reports.
 * Not API.
 */
final class HighestRoles {
  private static final ProjectRole[] BEST_FIRST = {ProjectRole.ADMIN, ProjectRole.MEMBER, ProjectRole.VIEWER};

  private final OrgState state;
  private final Decider decider;
  private final Instant now;
  private final int[] openByDefaultRole = new int[ProjectRole.values().length];

  HighestRoles(OrgState state, Decider decider, Instant now) {
    this.state = state;
    this.decider = decider;
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
    Set<ProjectId> viaRoles = roleGrantProjects(member);
    if (!viaRoles.isEmpty()) {
      return withRoles(member, cap, own, viaRoles);
    }
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

  /**
   * The projects on which a role the member actively belongs to has a grant: a set the caller may
   * extend, unless empty.
   */
  private Set<ProjectId> roleGrantProjects(Membership member) {
    ImmutableList<RoleMember> mine = state.rolesOf(member.user());
    if (mine.isEmpty()) {
      return Set.of();
    }
    Set<ProjectId> projects = new HashSet<>();
    for (RoleMember rm : mine) {
      OrgState.RoleState r = state.roles().get(rm.role());
      if (r != null && rm.activeAt(now)) {
        r.grants().forEach((project, g) -> projects.add(project));
      }
    }
    return projects;
  }

  /**
   * {@link #cappedAt} for a member some of whose roles have grants: the decider's effective role on
   * every project with a rule for them (their own live grants and their roles' grants), and the default
   * roles of the open projects without one. Extends {@code ruled} (the roles' projects) by the own grants.
   */
  private ProjectRole withRoles(Membership member, ProjectRole cap, Map<ProjectId, ProjectGrant> own,
      Set<ProjectId> ruled) {
    own.values().forEach(g -> {
      if (g.activeAt(now)) {
        ruled.add(g.project());
      }
    });
    ProjectRole best = null;
    int[] ruledOpenByDefaultRole = new int[ProjectRole.values().length];
    for (ProjectId id : ruled) {
      ProjectState p = state.projects().get(id);
      ProjectRole role = p == null ? null : decider.effectiveRole(state, member, p);
      if (role != null && (best == null || role.compareTo(best) > 0)) {
        best = role;
        if (best.atLeast(cap)) {
          return cap;
        }
      }
      if (p != null && p.project().visibility() == Visibility.OPEN) {
        ruledOpenByDefaultRole[p.project().defaultRole().ordinal()]++;
      }
    }
    for (ProjectRole role : BEST_FIRST) {
      if (best != null && best.atLeast(role)) {
        break;
      }
      if (openByDefaultRole[role.ordinal()] > ruledOpenByDefaultRole[role.ordinal()]) {
        best = role;
        break;
      }
    }
    return best == null ? null : min(best, cap);
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
