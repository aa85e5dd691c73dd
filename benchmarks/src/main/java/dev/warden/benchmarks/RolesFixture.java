package dev.warden.benchmarks;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import dev.warden.AccessPolicy;
import dev.warden.Decision;
import dev.warden.Principal;
import dev.warden.Reason;
import dev.warden.benchmarks.DataSet.Request;
import dev.warden.matrix.PermissionMatrix;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.UserId;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import dev.warden.role.ResolutionChange;
import dev.warden.role.ResolutionRule;
import dev.warden.role.Role;
import dev.warden.role.RoleGrant;
import dev.warden.role.RoleId;
import dev.warden.role.RoleMember;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * A {@link DataSet} loaded into Warden through the bulk import ({@link WardenSide#load}), with roles
 * added on top through the public API, as the organization's Owner (issue 16): {@code roles} roles in
 * the mix's organization, each with a grant on {@value #GRANTS_PER_ROLE} distinct projects drawn with
 * the fixed seed {@value #SEED} (private and open alike, Viewer, Member or Admin at random), and every
 * member of that organization (Owner and Admins included) in {@value #ROLES_PER_MEMBER} distinct roles
 * drawn with the same seed. With {@code roles} 0 it is exactly what {@link WardenSide#load} gives.
 *
 * <p>It also decides every request itself ({@link #expected}), from the data set and the drawn roles
 * alone, with Warden's rules written out plainly (SPEC §2.3 and issue 16, under the default
 * {@link ResolutionRule#HIGHEST_WINS}), so set-up can refuse to benchmark a policy that decides wrongly.
 * All access in a data set is live while a benchmark runs, so time plays no part.
 *
 * <p>Not thread-safe; built once per trial.
 */
final class RolesFixture {
  /** The seed of every draw: the same size and role count always yield the same roles. */
  static final long SEED = 16L;

  /** Project grants of each role (fewer if the organization has fewer projects). */
  static final int GRANTS_PER_ROLE = 10;

  /** Roles each member of the organization belongs to. */
  static final int ROLES_PER_MEMBER = 5;

  private static final PermissionMatrix MATRIX = PermissionMatrix.posthog();

  private final DataSet data;
  private final WardenSide warden;
  private final OrgId org;
  private final Principal owner;
  private final List<RoleId> roleIds = new ArrayList<>();
  /** Per drawn role (by index): its grants. */
  private final List<Map<ProjectId, ProjectRole>> roleGrants = new ArrayList<>();
  /** Per member of the organization: the indexes of its roles. */
  private final Map<UserId, int[]> memberRoles = new HashMap<>();
  private final Map<UserId, DataSet.Member> members = new HashMap<>();
  private final Map<ProjectId, DataSet.Project> projects = new HashMap<>();
  private final Map<UserId, Map<ProjectId, ProjectRole>> ownGrants = new HashMap<>();
  private long rolesNanos;

  private RolesFixture(DataSet data, WardenSide warden) {
    this.data = data;
    this.warden = warden;
    this.org = data.mixOrg();
    this.owner = Principal.user(data.owner(org));
    data.members().forEach(m -> members.put(m.user(), m));
    data.projects().forEach(p -> projects.put(p.id(), p));
    data.grants().forEach(g -> ownGrants.computeIfAbsent(g.user(), k -> new HashMap<>()).put(g.project(), g.role()));
  }

  /**
   * Loads {@code data} answering {@code requests} and adds {@code roles} roles (see the class comment).
   *
   * @throws IllegalArgumentException if {@code roles} is neither 0 nor at least {@value #ROLES_PER_MEMBER}
   */
  static RolesFixture load(DataSet data, int roles, List<Request> requests) {
    checkArgument(roles == 0 || roles >= ROLES_PER_MEMBER, "roles must be 0 or at least %s, but was %s",
        ROLES_PER_MEMBER, roles);
    RolesFixture fixture = new RolesFixture(data, WardenSide.load(data, requests));
    fixture.addRoles(roles);
    return fixture;
  }

  /** Draws the roles, then creates them, their grants and their memberships through the public API. */
  private void addRoles(int roles) {
    Random random = new Random(SEED);
    List<DataSet.Project> orgProjects = data.projects().stream().filter(p -> p.org().equals(org)).toList();
    List<DataSet.Member> orgMembers = data.members().stream().filter(m -> m.org().equals(org)).toList();
    int grantsPerRole = Math.min(GRANTS_PER_ROLE, orgProjects.size());
    ProjectRole[] projectRoles = ProjectRole.values();
    for (int r = 0; r < roles; r++) {
      Map<ProjectId, ProjectRole> grants = new HashMap<>();
      for (int p : distinct(random, grantsPerRole, orgProjects.size())) {
        grants.put(orgProjects.get(p).id(), projectRoles[random.nextInt(projectRoles.length)]);
      }
      roleGrants.add(grants);
    }
    if (roles > 0) {
      for (DataSet.Member m : orgMembers) {
        memberRoles.put(m.user(), distinct(random, ROLES_PER_MEMBER, roles));
      }
    }

    long start = System.nanoTime();
    AccessPolicy policy = warden.policy();
    for (int r = 0; r < roles; r++) {
      Role role = policy.roles().create(owner, org, "role-" + r);
      roleIds.add(role.id());
      for (DataSet.Project p : orgProjects) { // in project order, so the calls do not depend on hashing
        ProjectRole granted = roleGrants.get(r).get(p.id());
        if (granted != null) {
          policy.roles().grant(owner, role.id(), p.id(), granted);
        }
      }
    }
    for (DataSet.Member m : orgMembers) {
      int[] mine = memberRoles.get(m.user());
      for (int i = 0; mine != null && i < mine.length; i++) {
        policy.roles().addMember(owner, roleIds.get(mine[i]), m.user());
      }
    }
    rolesNanos = System.nanoTime() - start;
  }

  /** {@code k} distinct indexes below {@code n}, in draw order. */
  private static int[] distinct(Random random, int k, int n) {
    Set<Integer> seen = new HashSet<>();
    int[] out = new int[k];
    for (int i = 0; i < k; ) {
      int next = random.nextInt(n);
      if (seen.add(next)) {
        out[i++] = next;
      }
    }
    return out;
  }

  /** Warden with the data set and the roles, answering the requests it was loaded with by index. */
  WardenSide warden() {
    return warden;
  }

  OrgId org() {
    return org;
  }

  Principal owner() {
    return owner;
  }

  /** How long creating the roles, their grants and their memberships through the API took. */
  long rolesNanos() {
    return rolesNanos;
  }

  /** API calls it took to add the roles: creations, grants and memberships. */
  int roleCalls() {
    int calls = roleIds.size();
    for (Map<ProjectId, ProjectRole> g : roleGrants) {
      calls += g.size();
    }
    for (int[] mine : memberRoles.values()) {
      calls += mine.length;
    }
    return calls;
  }

  // ------------------------------------------------------------------------------ the reference model

  /** Where a member's access to a project comes from, in the reference model. */
  enum Source {
    ORG_ADMIN, EXPLICIT_GRANT, ROLE_GRANT, DEFAULT_ROLE, HIDDEN
  }

  /**
   * Where {@code user}'s access to {@code project} comes from: an Admin or Owner is an implicit Admin;
   * else the higher of the member's own grant and the best grant of their roles, the own grant on a tie;
   * else an open project's default role; else hidden.
   */
  Source source(UserId user, ProjectId project) {
    DataSet.Member m = members.get(user);
    DataSet.Project p = projects.get(project);
    if (m == null || p == null || !m.org().equals(p.org())) {
      return Source.HIDDEN;
    }
    if (m.level().atLeast(OrgLevel.ADMIN)) {
      return Source.ORG_ADMIN;
    }
    ProjectRole own = ownGrants.getOrDefault(user, Map.of()).get(project);
    ProjectRole best = bestRoleGrant(user, project);
    if (own != null && (best == null || own.atLeast(best))) {
      return Source.EXPLICIT_GRANT;
    }
    if (best != null) {
      return Source.ROLE_GRANT;
    }
    return p.open() ? Source.DEFAULT_ROLE : Source.HIDDEN;
  }

  /** The effective project role, or null when the project is hidden from {@code user}. */
  ProjectRole role(UserId user, ProjectId project) {
    return switch (source(user, project)) {
      case ORG_ADMIN -> ProjectRole.ADMIN;
      case EXPLICIT_GRANT -> ownGrants.get(user).get(project);
      case ROLE_GRANT -> bestRoleGrant(user, project);
      case DEFAULT_ROLE -> projects.get(project).defaultRole();
      case HIDDEN -> null;
    };
  }

  /** The highest grant on {@code project} among {@code user}'s roles, or null. */
  private ProjectRole bestRoleGrant(UserId user, ProjectId project) {
    int[] mine = memberRoles.get(user);
    ProjectRole best = null;
    for (int i = 0; mine != null && i < mine.length; i++) {
      ProjectRole g = roleGrants.get(mine[i]).get(project);
      if (g != null && (best == null || g.atLeast(best))) {
        best = g;
      }
    }
    return best;
  }

  /** Whether deciding {@code user} on {@code project} reads the member's roles (some role has a grant there). */
  boolean walksRoles(UserId user, ProjectId project) {
    DataSet.Member m = members.get(user);
    if (m == null || m.level().atLeast(OrgLevel.ADMIN) || memberRoles.isEmpty()) {
      return false;
    }
    for (Map<ProjectId, ProjectRole> g : roleGrants) {
      if (g.containsKey(project)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The decision Warden must give {@code r}. The drawn roles carry no organization capabilities, so an
   * organization-level request is decided by the member's level alone.
   */
  Decision expected(Request r) {
    if (r.orgLevel()) {
      DataSet.Member m = members.get(r.user());
      if (m == null || !m.org().equals(r.org())) {
        return Decision.notFound();
      }
      return MATRIX.allows(m.level(), r.capability()) ? Decision.allow(Reason.ORG_LEVEL)
          : Decision.deny(Reason.LEVEL_TOO_LOW);
    }
    Source source = source(r.user(), r.project());
    if (source == Source.HIDDEN) {
      return Decision.notFound();
    }
    if (!MATRIX.allows(role(r.user(), r.project()), r.capability())) {
      return Decision.deny(Reason.ROLE_TOO_LOW);
    }
    return Decision.allow(switch (source) {
      case ORG_ADMIN -> Reason.ORG_ADMIN;
      case EXPLICIT_GRANT -> Reason.EXPLICIT_GRANT;
      case ROLE_GRANT -> Reason.ROLE_GRANT;
      case DEFAULT_ROLE -> Reason.DEFAULT_ROLE;
      case HIDDEN -> throw new AssertionError(source);
    });
  }

  /**
   * The number of changes previewing a switch to {@link ResolutionRule#MOST_SPECIFIC} must list: one per
   * (non-Admin member, project) with an own grant and a role grant above it.
   */
  int expectedPreviewSize() {
    int changes = 0;
    for (Map.Entry<UserId, int[]> e : memberRoles.entrySet()) {
      DataSet.Member m = members.get(e.getKey());
      if (m.level().atLeast(OrgLevel.ADMIN)) {
        continue;
      }
      for (Map.Entry<ProjectId, ProjectRole> own : ownGrants.getOrDefault(e.getKey(), Map.of()).entrySet()) {
        ProjectRole best = bestRoleGrant(e.getKey(), own.getKey());
        if (best != null && !own.getValue().atLeast(best)) {
          changes++;
        }
      }
    }
    return changes;
  }

  /** The preview the benchmark measures: what switching the organization to MOST_SPECIFIC would change. */
  List<ResolutionChange> preview() {
    return warden.policy().roles().previewResolutionChange(owner, org, ResolutionRule.MOST_SPECIFIC);
  }

  // -------------------------------------------------------------------------------------- checks

  /**
   * Checks through the public API that the roles landed as drawn: as many roles in the organization as
   * were drawn, each with its grants, and every member of the organization in exactly
   * {@value #ROLES_PER_MEMBER} of them.
   *
   * @throws IllegalStateException if not
   */
  void verifyRoles() {
    AccessPolicy policy = warden.policy();
    List<Role> listed = policy.roles().list(owner, org);
    checkState(listed.size() == roleIds.size(), "expected %s roles in %s, but the policy lists %s",
        roleIds.size(), org, listed.size());
    Map<UserId, Integer> memberships = new HashMap<>();
    for (int r = 0; r < roleIds.size(); r++) {
      Map<ProjectId, ProjectRole> granted = new HashMap<>();
      for (RoleGrant g : policy.roles().grants(owner, roleIds.get(r))) {
        granted.put(g.project(), g.projectRole());
      }
      checkState(granted.equals(roleGrants.get(r)), "role-%s grants %s, but was drawn with %s", r, granted,
          roleGrants.get(r));
      for (RoleMember rm : policy.roles().members(owner, roleIds.get(r))) {
        memberships.merge(rm.user(), 1, Integer::sum);
      }
    }
    if (roleIds.isEmpty()) {
      return;
    }
    List<String> wrong = new ArrayList<>();
    for (DataSet.Member m : data.members()) {
      int n = memberships.getOrDefault(m.user(), 0);
      if (m.org().equals(org) && n != ROLES_PER_MEMBER) {
        wrong.add(m.user() + " is in " + n + " roles");
      }
    }
    checkState(wrong.isEmpty(), "every member must be in %s roles, but %s are not, e.g. %s", ROLES_PER_MEMBER,
        wrong.size(), wrong.subList(0, Math.min(5, wrong.size())));
  }

  /** What {@link #verifyDecisions} found on a mix. */
  record MixStats(int requests, int viaRoleGrant, int allowedViaRoleGrant, int walkingRoles, int changedByRoles,
      int allowed) {
    @Override
    public String toString() {
      return String.format("%d requests: %d (%.1f%%) via ROLE_GRANT (%d of them allowed), %d (%.1f%%) read the"
          + " member's roles, %d (%.1f%%) decided differently than without roles, %d (%.1f%%) allowed",
          requests, viaRoleGrant, pct(viaRoleGrant), allowedViaRoleGrant, walkingRoles, pct(walkingRoles),
          changedByRoles, pct(changedByRoles), allowed, pct(allowed));
    }

    private double pct(int n) {
      return 100.0 * n / requests;
    }
  }

  /**
   * Checks that Warden decides every one of {@code requests} (the ones {@code answering} answers by
   * index) as {@link #expected} says, twice over, and counts how many go through a role grant.
   *
   * @throws IllegalStateException listing every wrong decision
   */
  MixStats verifyDecisions(List<Request> requests, WardenSide answering) {
    List<String> wrong = new ArrayList<>();
    int viaRole = 0;
    int allowedViaRole = 0;
    int walking = 0;
    int changed = 0;
    int allowed = 0;
    for (int i = 0; i < requests.size(); i++) {
      Request r = requests.get(i);
      Decision expected = expected(r);
      Decision first = answering.check(i);
      Decision second = answering.check(i);
      if (!first.equals(expected) || !second.equals(expected)) {
        wrong.add(r + ": Warden answered " + first + " then " + second + ", expected " + expected);
      }
      if (!r.orgLevel()) {
        if (source(r.user(), r.project()) == Source.ROLE_GRANT) {
          viaRole++;
          allowedViaRole += expected.allowed() ? 1 : 0;
        }
        walking += walksRoles(r.user(), r.project()) ? 1 : 0;
      }
      changed += expected.outcome().name().equals(r.expect().name()) ? 0 : 1;
      allowed += expected.allowed() ? 1 : 0;
    }
    checkState(wrong.isEmpty(), "Warden decides %s of %s requests with %s roles wrongly; refusing to benchmark:\n  %s",
        wrong.size(), requests.size(), roleIds.size(),
        String.join("\n  ", wrong.subList(0, Math.min(20, wrong.size()))));
    if (roleIds.isEmpty()) {
      checkState(changed == 0, "without roles, %s requests are decided unlike the data set's own reference", changed);
    }
    return new MixStats(requests.size(), viaRole, allowedViaRole, walking, changed, allowed);
  }

  /**
   * Checks that the preview lists exactly the changes {@link #expectedPreviewSize} counts, each from an
   * own grant to the higher role grant, and returns it.
   *
   * @throws IllegalStateException if not
   */
  List<ResolutionChange> verifyPreview() {
    List<ResolutionChange> preview = preview();
    int expected = expectedPreviewSize();
    checkState(preview.size() == expected, "the preview lists %s changes, expected %s", preview.size(), expected);
    Set<String> pairs = new HashSet<>();
    for (ResolutionChange c : preview) {
      checkState(pairs.add(c.member() + "|" + c.project()), "the preview lists %s on %s twice", c.member(),
          c.project());
      ProjectRole own = ownGrants.getOrDefault(c.member(), Map.of()).get(c.project());
      ProjectRole best = bestRoleGrant(c.member(), c.project());
      checkState(c.before().equals(Optional.ofNullable(best)) && c.after().equals(Optional.ofNullable(own)),
          "unexpected change %s: own grant %s, best role grant %s", c, own, best);
    }
    return preview;
  }
}
