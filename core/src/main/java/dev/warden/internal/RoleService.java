package dev.warden.internal;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableSet;
import dev.warden.Decision;
import dev.warden.ErrorCode;
import dev.warden.Limits;
import dev.warden.NotFoundException;
import dev.warden.Principal;
import dev.warden.audit.Change;
import dev.warden.internal.OrgState.ProjectState;
import dev.warden.internal.OrgState.ResourceState;
import dev.warden.internal.OrgState.RoleState;
import dev.warden.matrix.Capability;
import dev.warden.organization.Membership;
import dev.warden.organization.OrgId;
import dev.warden.organization.Organization;
import dev.warden.organization.UserId;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import dev.warden.resource.AccessLevel;
import dev.warden.resource.ResourceRef;
import dev.warden.report.AccessEntry;
import dev.warden.role.ResolutionChange;
import dev.warden.role.ResourceLevelChange;
import dev.warden.role.ResolutionRule;
import dev.warden.role.Role;
import dev.warden.role.RoleGrant;
import dev.warden.role.RoleId;
import dev.warden.role.RoleMember;
import dev.warden.role.RoleRule;
import dev.warden.role.Roles;
import dev.warden.spi.StoreOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;

/** Implements {@link Roles}. Not API. */
public final class RoleService implements Roles {
  /** The capabilities of ownership, which no role carries: ownership is held by Owners alone. */
  private static final Set<Capability> OWNERSHIP = Set.of(Capability.TRANSFER_OWNERSHIP, Capability.DELETE_ORGANIZATION);

  private final Engine engine;
  private final Reads reads;

  public RoleService(Engine engine, Reads reads) {
    this.engine = engine;
    this.reads = reads;
  }

  @Override
  public Role create(Principal actor, OrgId organization, String name) {
    checkNotNull(actor, "actor");
    checkNotNull(organization, "organization");
    String checked = Limits.name(name, "role name");
    return engine.mutate(organization, actor, "role.created", organization, m -> {
      m.requireOrg(Capability.MANAGE_ROLES);
      requireNameFree(m.state(), checked, null);
      Role role = new Role(RoleId.of(Ids.next("rol")), organization, checked, Set.of(), m.now());
      m.apply(new Write.InsertRole(role));
      m.audit("role.created", null, role.id(), Change.of("name", null, checked));
      return role;
    });
  }

  @Override
  public Role rename(Principal actor, RoleId role, String name) {
    String checked = Limits.name(name, "role name");
    return onRole(actor, role, "role.renamed", (m, r) -> {
      requireNameFree(m.state(), checked, role);
      Role next = r.role().withName(checked);
      m.apply(new Write.UpdateRole(next));
      m.audit("role.renamed", null, role, Change.of("name", r.role().name(), checked));
      return next;
    });
  }

  @Override
  public void delete(Principal actor, RoleId role) {
    onRole(actor, role, "role.deleted", (m, r) -> {
      m.apply(new Write.DeleteRole(role));
      m.audit("role.deleted", null, role, Change.of("name", r.role().name(), null),
          Change.of("members", r.members().size(), null), Change.of("grants", r.grants().size(), null));
      return null;
    });
  }

  @Override
  public List<Role> list(Principal actor, OrgId organization) {
    OrgState state = reads.org(actor, organization, Capability.VIEW_ORGANIZATION);
    return state.roles().values().stream().map(RoleState::role).toList();
  }

  @Override
  public RoleMember addMember(Principal actor, RoleId role, UserId user) {
    return addMember(actor, role, user, Optional.empty());
  }

  @Override
  public RoleMember addMember(Principal actor, RoleId role, UserId user, Instant expiresAt) {
    checkNotNull(expiresAt, "expiresAt");
    return addMember(actor, role, user, Optional.of(Limits.instant(expiresAt, "expiresAt")));
  }

  private RoleMember addMember(Principal actor, RoleId role, UserId user, Optional<Instant> expiresAt) {
    checkNotNull(user, "user");
    return onRole(actor, role, "role.member_added", (m, r) -> {
      m.activeMember(user);
      requireHoldsAll(m, r);
      RoleMember next = new RoleMember(role, user, expiresAt.map(m::requireFuture), m.actor().userId(), m.now());
      RoleMember old = r.members().get(user);
      m.apply(new Write.UpsertRoleMember(next));
      m.audit("role.member_added", null, role, Change.of("user", old == null ? null : user, user),
          Change.of("expiresAt", old == null ? null : old.expiresAt().orElse(null), expiresAt.orElse(null)));
      return next;
    });
  }

  @Override
  public void removeMember(Principal actor, RoleId role, UserId user) {
    checkNotNull(user, "user");
    onRole(actor, role, "role.member_removed", (m, r) -> {
      if (!r.members().containsKey(user)) {
        throw new NotFoundException(ErrorCode.GRANT_NOT_FOUND, "user " + user + " is not in this role");
      }
      m.apply(new Write.DeleteRoleMember(role, user));
      m.audit("role.member_removed", null, role, Change.of("user", user, null));
      return null;
    });
  }

  @Override
  public List<RoleMember> members(Principal actor, RoleId role) {
    return List.copyOf(readRole(actor, role).role().members().values());
  }

  @Override
  public Role grantCapability(Principal actor, RoleId role, Capability capability) {
    return changeCapabilities(actor, role, capability, true);
  }

  @Override
  public Role revokeCapability(Principal actor, RoleId role, Capability capability) {
    return changeCapabilities(actor, role, capability, false);
  }

  private Role changeCapabilities(Principal actor, RoleId role, Capability capability, boolean add) {
    checkNotNull(capability, "capability");
    engine.decider().matrix().requireCapability(capability);
    checkArgument(capability.scope() == Capability.Scope.ORGANIZATION,
        "a role carries organization capabilities only; give %s through a project grant of the role", capability);
    return onRole(actor, role, "role.access_changed", (m, r) -> {
      if (add) {
        requireDelegable(m, capability);
      }
      Set<Capability> before = r.role().capabilities();
      ImmutableSet<Capability> after = add ? ImmutableSet.<Capability>builder().addAll(before).add(capability).build()
          : before.stream().filter(c -> c != capability).collect(ImmutableSet.toImmutableSet());
      if (after.equals(before)) {
        return r.role();
      }
      Role next = r.role().withCapabilities(after);
      m.apply(new Write.UpdateRole(next));
      m.audit("role.access_changed", null, role, Change.of("capability:" + capability.name(), !add, add));
      return next;
    });
  }

  @Override
  public RoleGrant grant(Principal actor, RoleId role, ProjectId project, ProjectRole projectRole) {
    checkNotNull(project, "project");
    checkNotNull(projectRole, "projectRole");
    return onRole(actor, role, "role.access_changed", (m, r) -> {
      ProjectState p = m.requireProject(project, Capability.MANAGE_PROJECT_ACCESS);
      GrantService.requireRoleWithinOwn(m.decider().effectiveRole(m.state(), m.actorMember(), p), projectRole, project);
      RoleGrant next = new RoleGrant(role, project, projectRole, m.actor().userId(), m.now());
      RoleGrant old = r.grants().get(project);
      m.apply(new Write.UpsertRoleGrant(next));
      m.audit("role.access_changed", project, role, Change.of("projectRole", old == null ? null : old.projectRole(),
          projectRole));
      return next;
    });
  }

  @Override
  public void revoke(Principal actor, RoleId role, ProjectId project) {
    checkNotNull(project, "project");
    onRole(actor, role, "role.access_changed", (m, r) -> {
      m.requireProject(project, Capability.MANAGE_PROJECT_ACCESS);
      RoleGrant old = r.grants().get(project);
      if (old == null) {
        throw new NotFoundException(ErrorCode.GRANT_NOT_FOUND, "role " + role + " has no grant on this project");
      }
      m.apply(new Write.DeleteRoleGrant(role, project));
      m.audit("role.access_changed", project, role, Change.of("projectRole", old.projectRole(), null));
      return null;
    });
  }

  @Override
  public List<RoleGrant> grants(Principal actor, RoleId role) {
    Read read = readRole(actor, role);
    Comparator<RoleGrant> byProject = Comparator.comparing(g -> read.state().projects().get(g.project()).project(),
        StoreOrder.PROJECTS);
    List<RoleGrant> grants = new ArrayList<>();
    read.role().grants().forEach((project, g) -> grants.add(g));
    grants.sort(byProject);
    return grants;
  }

  @Override
  public RoleRule setResourceLevel(Principal actor, RoleId role, ResourceRef resource, AccessLevel level) {
    checkNotNull(resource, "resource");
    checkNotNull(level, "level");
    return changeRule(actor, role, RoleRule.forResource(role, resource, level), true);
  }

  @Override
  public void clearResourceLevel(Principal actor, RoleId role, ResourceRef resource) {
    checkNotNull(resource, "resource");
    changeRule(actor, role, RoleRule.forResource(role, resource, AccessLevel.NONE), false);
  }

  @Override
  public RoleRule setKindLevel(Principal actor, RoleId role, ProjectId project, String kind, AccessLevel level) {
    checkNotNull(project, "project");
    checkNotNull(level, "level");
    engine.decider().matrix().resourceKind(kind);
    return changeRule(actor, role, RoleRule.forKind(role, project, kind, level), true);
  }

  @Override
  public void clearKindLevel(Principal actor, RoleId role, ProjectId project, String kind) {
    checkNotNull(project, "project");
    changeRule(actor, role, RoleRule.forKind(role, project, kind, AccessLevel.NONE), false);
  }

  /**
   * Sets or clears a role's rule: on a resource the actor must manage it ({@code MANAGER}), on a kind
   * hold {@code MANAGE_PROJECT_ACCESS} on the project, as for members' rules.
   */
  private RoleRule changeRule(Principal actor, RoleId role, RoleRule rule, boolean set) {
    return onRole(actor, role, "role.access_changed", (m, r) -> {
      if (rule.ref().isPresent()) {
        m.requireResource(rule.ref().get(), AccessLevel.MANAGER);
      } else {
        m.requireProject(rule.project(), Capability.MANAGE_PROJECT_ACCESS);
      }
      RoleRule old = r.rules().get(rule.key());
      String field = rule.ref().map(ref -> "level:" + ref).orElse("level:" + rule.project() + "/" + rule.kind());
      if (set) {
        m.apply(new Write.UpsertRoleRule(rule));
      } else if (old == null) {
        throw new NotFoundException(ErrorCode.GRANT_NOT_FOUND, "role " + role + " has no such rule");
      } else {
        m.apply(new Write.DeleteRoleRule(rule));
      }
      m.audit("role.access_changed", rule.project(), role,
          Change.of(field, old == null ? null : old.level(), set ? rule.level() : null));
      return rule;
    });
  }

  @Override
  public List<RoleRule> rules(Principal actor, RoleId role) {
    Read read = readRole(actor, role);
    Comparator<RoleRule> order = Comparator
        .comparing((RoleRule x) -> read.state().projects().get(x.project()).project(), StoreOrder.PROJECTS)
        .thenComparing(RoleRule::kind)
        .thenComparing(x -> x.resourceId().orElse(""));
    List<RoleRule> rules = new ArrayList<>();
    read.role().rules().forEach((key, rule) -> rules.add(rule));
    rules.sort(order);
    return rules;
  }

  @Override
  public List<ResolutionChange> previewResolutionChange(Principal actor, OrgId organization, ResolutionRule next) {
    checkNotNull(next, "next");
    OrgState state = reads.org(actor, organization, Capability.MANAGE_ROLES);
    return changes(engine.decider(), state, next);
  }

  /**
   * What switching {@code state}'s organization to {@code next} changes on projects, decided by the
   * decider on the snapshot as it is and as it would be ({@link #switchedTo}). The two rules differ only
   * for a member with a live own grant on a project some role of theirs reaches, so only those are
   * visited: the members in roles, their own grants.
   */
  static List<ResolutionChange> changes(Decider decider, OrgState state, ResolutionRule next) {
    OrgState other = switchedTo(state, next);
    if (other == state) {
      return List.of();
    }
    Instant now = decider.now();
    List<ResolutionChange> changes = new ArrayList<>();
    for (Membership m : state.members().values()) {
      if (state.rolesOf(m.user()).isEmpty() || !m.activeAt(now)) {
        continue;
      }
      List<ResolutionChange> mine = new ArrayList<>();
      state.grantsOf(m.user()).forEach((project, own) -> {
        ProjectState p = state.projects().get(project);
        if (p == null || !own.activeAt(now) || !p.roleAccess().containsKey(m.user())) {
          return;
        }
        AccessEntry before = decider.entry(state, m, p);
        AccessEntry after = decider.entry(other, m, other.projects().get(project));
        if (before.projectRole() != after.projectRole()) {
          mine.add(new ResolutionChange(m.user(), project, Optional.of(before.projectRole()),
              Optional.of(after.projectRole()), via(before, after)));
        }
      });
      mine.sort(Comparator.comparing(c -> state.projects().get(c.project()).project(), StoreOrder.PROJECTS));
      changes.addAll(mine);
    }
    return changes;
  }

  /**
   * {@code state} as it would be under {@code next}: the same snapshot with only the organization's
   * resolution rule changed (sharing everything else); {@code state} itself if {@code next} is its rule.
   */
  private static OrgState switchedTo(OrgState state, ResolutionRule next) {
    Organization org = state.organization();
    if (next == org.settings().resolution()) {
      return state;
    }
    return state.replay(List.of(new Write.UpdateOrganization(org.withSettings(org.settings().withResolution(next)))))
        .build(state.revision());
  }

  @Override
  public List<ResourceLevelChange> previewResourceLevelChanges(Principal actor, OrgId organization,
      ResolutionRule next) {
    checkNotNull(next, "next");
    OrgState state = reads.org(actor, organization, Capability.MANAGE_ROLES);
    return resourceChanges(engine.decider(), state, next);
  }

  /**
   * What switching {@code state}'s organization to {@code next} changes on resources, decided by the
   * decider on the snapshot as it is and as it would be ({@link #switchedTo}; a level may go to or from
   * {@code NONE}): only
   * a member's own rule on a resource that a role also has a rule on can change, so only those are
   * visited.
   */
  static List<ResourceLevelChange> resourceChanges(Decider decider, OrgState state, ResolutionRule next) {
    OrgState other = switchedTo(state, next);
    if (other == state) {
      return List.of();
    }
    List<ResourceLevelChange> changes = new ArrayList<>();
    for (ResourceState r : state.resources().values()) {
      if (r.roleRules().isEmpty() || r.memberRules().isEmpty()) {
        continue;
      }
      ProjectState p = state.projects().get(r.resource().ref().project());
      ProjectState po = other.projects().get(p.project().id());
      ResourceState ro = other.resources().get(r.resource().ref());
      for (UserId user : r.memberRules().keySet()) {
        Membership m = decider.activeMember(state, user, Trace.NONE);
        if (m == null || decider.effectiveRole(state, m, p) == null) {
          continue; // the rule cannot matter to someone who does not see the project, under either rule
        }
        AccessEntry before = decider.entry(state, m, p, r);
        AccessEntry after = decider.entry(other, m, po, ro);
        AccessLevel from = before == null ? AccessLevel.NONE : before.accessLevel().orElseThrow();
        AccessLevel to = after == null ? AccessLevel.NONE : after.accessLevel().orElseThrow();
        if (from != to) {
          changes.add(new ResourceLevelChange(user, r.resource().ref(), from, to,
              via(before, after, decider.entry(state, m, p), decider.entry(other, m, po))));
        }
      }
    }
    return changes;
  }

  /**
   * The role a change goes through: the first of {@code entries} (before, then after) that names one. For
   * a project, the role whose grant decides on one side; for a resource, the one a rule on the resource
   * or its kind names, else (the level changes with the member's project role, say under a Viewer's
   * cap) the one whose project grant decides. One of them is a role: the two rules differ only there.
   */
  private static RoleId via(AccessEntry... entries) {
    for (AccessEntry e : entries) {
      if (e != null && e.via().isPresent()) {
        return e.via().get();
      }
    }
    throw new IllegalStateException("a resolution change that no role decides");
  }

  @Override
  public void switchResolution(Principal actor, OrgId organization, ResolutionRule next) {
    checkNotNull(actor, "actor");
    checkNotNull(organization, "organization");
    checkNotNull(next, "next");
    engine.mutate(organization, actor, "organization.resolution_changed", organization, m -> {
      m.requireOrg(Capability.MANAGE_ORG_SETTINGS);
      requireMaySwitchResolution(m);
      Organization before = m.state().organization();
      if (before.settings().resolution() != next) {
        m.apply(new Write.UpdateOrganization(before.withSettings(before.settings().withResolution(next))));
        m.audit("organization.resolution_changed", null, organization,
            Change.of("resolution", before.settings().resolution(), next),
            Change.of("effectiveRolesChanged", null, changes(m.decider(), m.state(), next).size()),
            Change.of("resourceLevelsChanged", null, resourceChanges(m.decider(), m.state(), next).size()));
      }
      return null;
    });
  }

  /**
   * Switching the resolution rule, by {@link #switchResolution} or in a settings change, is a sensitive
   * change of roles: {@code MANAGE_ROLES} and a recent authentication.
   */
  static void requireMaySwitchResolution(Mutation m) {
    m.requireOrg(Capability.MANAGE_ROLES);
    m.requireRecentAuthentication();
  }

  // ------------------------------------------------------------------------------------------ helpers

  /**
   * Runs {@code work} on the role under its organization's lock, once the actor is known to hold
   * {@code MANAGE_ROLES} there. A role in an organization the actor is not a member of, and a missing
   * one, are both {@code NOT_FOUND} "role".
   */
  private <T> T onRole(Principal actor, RoleId role, String action, BiFunction<Mutation, RoleState, T> work) {
    checkNotNull(actor, "actor");
    checkNotNull(role, "role");
    return engine.mutate(engine.organizationOf(role), actor, action, role, m -> {
      RoleState r = m.state().roles().get(role);
      if (r == null || m.decider().activeMember(m.state(), actor.userId(), Trace.NONE) == null) {
        throw Errors.notFound("role");
      }
      m.requireOrg(Capability.MANAGE_ROLES);
      return work.apply(m, r);
    });
  }

  /** A role and the snapshot it was read from. */
  private record Read(OrgState state, RoleState role) {}

  /** The role as the actor may read it ({@code VIEW_ORGANIZATION} in its organization). */
  private Read readRole(Principal actor, RoleId role) {
    checkNotNull(actor, "actor");
    checkNotNull(role, "role");
    OrgState state = engine.cache().forRole(role);
    Decision d = engine.decider().org(actor, Capability.VIEW_ORGANIZATION, state, Trace.NONE);
    RoleState r = state == null ? null : state.roles().get(role);
    if (d.outcome() == Decision.Outcome.NOT_FOUND || r == null) {
      throw Errors.notFound("role");
    }
    if (!d.allowed()) {
      throw Errors.refused(d, "role");
    }
    return new Read(state, r);
  }

  private static void requireNameFree(OrgState state, String name, RoleId except) {
    RoleId named = state.roleNamed(name);
    if (named != null && !named.equals(except)) {
      throw Errors.rule(ErrorCode.ALREADY_EXISTS, "the organization already has a role named '" + name + "'");
    }
  }

  /**
   * A role carries at most what the actor holds: the capability must be the actor's own, and the
   * capabilities of ownership are never delegated.
   */
  private static void requireDelegable(Mutation m, Capability capability) {
    if (OWNERSHIP.contains(capability)) {
      throw Errors.rule(ErrorCode.CAPABILITY_NOT_DELEGABLE,
          capability + " belongs to ownership and cannot be given to a role");
    }
    if (!m.decider().org(m.actor(), capability, m.state(), Trace.NONE).allowed()) {
      throw Errors.rule(ErrorCode.LEVEL_ABOVE_OWN, "cannot give " + capability + " to a role: you do not hold it");
    }
  }

  /**
   * What inviting someone into {@code role} takes, beyond {@code MANAGE_ROLES}: the role exists in the
   * organization (else {@code NOT_FOUND} "role") and the actor holds everything it carries.
   */
  static void requireMayAddTo(Mutation m, RoleId role) {
    RoleState r = m.state().roles().get(role);
    if (r == null) {
      throw Errors.notFound("role");
    }
    requireHoldsAll(m, r);
  }

  /**
   * Adding someone to a role hands out everything it carries: the actor must hold all of it (its
   * capabilities, at least its project roles, at least its levels on resources, and
   * {@code MANAGE_PROJECT_ACCESS} where it has a rule on a kind, as setting that rule takes).
   */
  private static void requireHoldsAll(Mutation m, RoleState r) {
    for (Capability c : r.role().capabilities()) {
      requireDelegable(m, c);
    }
    Membership me = m.actorMember();
    r.grants().forEach((project, g) -> {
      ProjectState p = m.state().projects().get(project);
      ProjectRole mine = p == null ? null : m.decider().effectiveRole(m.state(), me, p);
      if (mine == null || !mine.atLeast(g.projectRole())) {
        throw Errors.rule(ErrorCode.ROLE_ABOVE_OWN, "cannot add members to role " + r.role().name()
            + ": it gives " + g.projectRole() + " on a project where your role is " + (mine == null ? "none" : mine));
      }
    });
    r.rules().forEach((key, rule) -> {
      ProjectState p = m.state().projects().get(rule.project());
      ResourceState res = rule.ref().map(ref -> m.state().resources().get(ref)).orElse(null);
      boolean holds = p != null && (rule.ref().isEmpty()
          ? m.decider().project(m.actor(), Capability.MANAGE_PROJECT_ACCESS, m.state(), p, Trace.NONE).allowed()
          : res != null && m.decider().level(m.state(), me, p, res, Trace.NONE).atLeast(rule.level()));
      if (!holds) {
        throw Errors.rule(ErrorCode.ROLE_ABOVE_OWN, "cannot add members to role " + r.role().name()
            + ": it gives " + rule.level() + " access beyond your own");
      }
    });
  }
}
