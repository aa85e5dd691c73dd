package dev.warden.benchmarks;

import dev.warden.benchmarks.DataSet.Member;
import dev.warden.benchmarks.DataSet.Request;
import dev.warden.matrix.Capability;
import dev.warden.matrix.PermissionMatrix;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.UserId;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The plain-Java baseline of issue 14: the answer precomputed into a
 * {@code HashMap<UserId, HashMap<ProjectId, ProjectRole>>} of every member's effective project role
 * (Admins and the Owner: Admin on every project of the organization; a Member: the explicit grant, else
 * the open project's default role; no entry: hidden), plus a {@code HashMap<UserId, OrgLevel>} for
 * organization capabilities. A check is two dependent hash lookups and one array read: roughly the least
 * work any engine can do on a hash-map layout, and the bar Warden's snapshot is measured against.
 *
 * <p>What it does not do: no expiry (the answer is computed at load, as for jCasbin and Cedar here), no
 * organization settings, gates or API keys, and no updates: a role change means recomputing the entries
 * it touches, which a host would have to do itself. It materializes every (member, visible project)
 * pair, about 5.2 million entries at {@code LARGE} (≈ 10k members × 500 open projects), so its memory
 * is far above Warden's; the working set a random request touches is one user's table and one entry.
 */
public final class HashMapSide {
  private final HashMap<UserId, HashMap<ProjectId, ProjectRole>> roles = new HashMap<>();
  private final HashMap<UserId, OrgLevel> levels = new HashMap<>();
  /** Capability allowed by role (ordinal × ordinal), precomputed from the matrix. */
  private final boolean[][] roleAllows;
  private final boolean[][] levelAllows;
  private final UserId[] users;
  private final ProjectId[] projects;
  private final Capability[] capabilities;

  private HashMapSide(DataSet data, List<Request> requests) {
    PermissionMatrix matrix = PermissionMatrix.posthog();
    roleAllows = new boolean[ProjectRole.values().length][PermissionMatrix.posthog().capabilities().size()];
    levelAllows = new boolean[OrgLevel.values().length][PermissionMatrix.posthog().capabilities().size()];
    for (Capability c : PermissionMatrix.posthog().capabilities()) {
      if (c.scope() == Capability.Scope.PROJECT) {
        for (ProjectRole r : ProjectRole.values()) {
          roleAllows[r.ordinal()][c.ordinal()] = matrix.allows(r, c);
        }
      } else {
        for (OrgLevel l : OrgLevel.values()) {
          levelAllows[l.ordinal()][c.ordinal()] = matrix.allows(l, c);
        }
      }
    }
    DataSet.Reference reference = data.reference();
    Map<dev.warden.organization.OrgId, java.util.List<DataSet.Project>> byOrg = new HashMap<>();
    for (DataSet.Project p : data.projects()) {
      byOrg.computeIfAbsent(p.org(), k -> new java.util.ArrayList<>()).add(p);
    }
    for (Member m : data.members()) {
      levels.put(m.user(), m.level());
      HashMap<ProjectId, ProjectRole> mine = new HashMap<>();
      for (DataSet.Project p : byOrg.getOrDefault(m.org(), List.of())) {
        ProjectRole role = reference.role(m.user(), p.id());
        if (role != null) {
          mine.put(p.id(), role);
        }
      }
      roles.put(m.user(), mine);
    }
    int n = requests.size();
    users = new UserId[n];
    projects = new ProjectId[n];
    capabilities = new Capability[n];
    for (int i = 0; i < n; i++) {
      Request r = requests.get(i);
      users[i] = r.user();
      projects[i] = r.project();
      capabilities[i] = r.capability();
    }
  }

  /** Precomputes the tables for {@code data} and prebuilds {@code requests} (ids as the host holds them). */
  public static HashMapSide load(DataSet data, List<Request> requests) {
    return new HashMapSide(data, requests);
  }

  /** Decides request {@code i}: allowed or not (hidden and denied alike). */
  public boolean check(int i) {
    return check(users[i], capabilities[i], projects[i]);
  }

  /** Decides an arbitrary request ({@code project} null: an organization capability). */
  public boolean check(UserId user, Capability capability, ProjectId project) {
    if (project == null) {
      OrgLevel level = levels.get(user);
      return level != null && levelAllows[level.ordinal()][capability.ordinal()];
    }
    HashMap<ProjectId, ProjectRole> mine = roles.get(user);
    ProjectRole role = mine == null ? null : mine.get(project);
    return role != null && roleAllows[role.ordinal()][capability.ordinal()];
  }
}
