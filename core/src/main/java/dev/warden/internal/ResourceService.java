package dev.warden.internal;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.ErrorCode;
import dev.warden.NotFoundException;
import dev.warden.Page;
import dev.warden.PageRequest;
import dev.warden.Principal;
import dev.warden.audit.Change;
import dev.warden.internal.OrgState.ProjectState;
import dev.warden.internal.OrgState.ResourceState;
import dev.warden.matrix.Capability;
import dev.warden.organization.Membership;
import dev.warden.organization.UserId;
import dev.warden.project.ProjectId;
import dev.warden.resource.AccessLevel;
import dev.warden.resource.DashboardRestriction;
import dev.warden.resource.Resource;
import dev.warden.resource.ResourceRef;
import dev.warden.resource.ResourceRule;
import dev.warden.resource.Resources;
import dev.warden.resource.VisibleResource;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Implements {@link Resources}. Dashboards' restriction levels and collaborators are rules:
 * "only collaborators can edit" is an everyone rule at {@code VIEWER}, a collaborator a member rule at
 * {@code EDITOR}. Not API.
 */
public final class ResourceService implements Resources {
  private final Engine engine;
  private final Listings listings;

  public ResourceService(Engine engine, Listings listings) {
    this.engine = engine;
    this.listings = listings;
  }

  private <T> T mutate(ProjectId project, Principal actor, String action, Object target, Function<Mutation, T> work) {
    checkNotNull(actor, "actor");
    return engine.mutate(engine.organizationOf(project), actor, action, target, work);
  }

  @Override
  public Resource register(Principal creator, ResourceRef ref) {
    checkNotNull(creator, "creator");
    checkNotNull(ref, "ref");
    engine.decider().matrix().resourceKind(ref.kind());
    return mutate(ref.project(), creator, "resource.registered", ref, m -> {
      ProjectState project = m.requireProject(ref.project(), Capability.CREATE_CONTENT);
      ResourceState existing = m.state().resources().get(ref);
      if (existing != null) {
        // One the creator cannot see must be refused like every other hidden target (issue 12).
        if (engine.decider().level(m.state(), m.actorMember(), project, existing, Trace.NONE) == AccessLevel.NONE) {
          throw Errors.notFound("resource");
        }
        throw alreadyRegistered(ref);
      }
      Resource resource = new Resource(ref, creator.userId(), m.now());
      m.apply(new Write.InsertResource(resource));
      m.audit("resource.registered", ref.project(), ref, Change.of("creator", null, creator.userId()));
      return resource;
    });
  }

  @Override
  public Resource get(Principal actor, ResourceRef ref) {
    checkNotNull(actor, "actor");
    checkNotNull(ref, "ref");
    return read(actor, ref, (state, r) -> r.resource());
  }

  @Override
  public AccessLevel level(Principal actor, ResourceRef ref) {
    checkNotNull(actor, "actor");
    checkNotNull(ref, "ref");
    return read(actor, ref, (state, r) -> engine.decider().level(state, state.members().get(actor.userId()),
        state.projects().get(ref.project()), r, Trace.NONE));
  }

  /**
   * Reads a resource the actor may view: the decision for {@code VIEW_DATA} on it (membership, key
   * limits, organization gates, level) must allow, else the refusal is thrown as checks report it.
   */
  private <T> T read(Principal actor, ResourceRef ref, java.util.function.BiFunction<OrgState, ResourceState, T> f) {
    checkNotNull(actor, "actor");
    checkNotNull(ref, "ref");
    OrgState state = engine.cache().forProject(ref.project());
    dev.warden.Decision d = state == null ? dev.warden.Decision.notFound()
        : engine.decider().resource(actor, Capability.VIEW_DATA, state, ref, Trace.NONE);
    if (!d.allowed()) {
      throw Errors.refused(d, "resource");
    }
    return f.apply(state, state.resources().get(ref));
  }

  @Override
  public void remove(Principal actor, ResourceRef ref) {
    checkNotNull(actor, "actor");
    checkNotNull(ref, "ref");
    mutate(ref.project(), actor, "resource.removed", ref, m -> {
      ResourceState r = m.requireResource(ref, AccessLevel.MANAGER);
      m.apply(new Write.DeleteResource(ref));
      m.audit("resource.removed", ref.project(), ref, Change.of("creator", r.resource().creator(), null));
      return null;
    });
  }

  @Override
  public void setKindRule(Principal actor, ProjectId project, String kind, AccessLevel level) {
    checkNotNull(actor, "actor");
    checkNotNull(project, "project");
    checkNotNull(kind, "kind");
    checkNotNull(level, "level");
    engine.decider().matrix().resourceKind(ResourceRef.requireKind(kind));
    mutate(project, actor, "resource.rule_changed", project + "/" + kind, m -> {
      ProjectState p = m.requireProject(project, Capability.MANAGE_PROJECT_ACCESS);
      writeRule(m, ResourceRule.forKind(project, kind, level), p.kindRules().get(kind));
      return null;
    });
  }

  @Override
  public void clearKindRule(Principal actor, ProjectId project, String kind) {
    checkNotNull(actor, "actor");
    checkNotNull(project, "project");
    checkNotNull(kind, "kind");
    engine.decider().matrix().resourceKind(ResourceRef.requireKind(kind));
    mutate(project, actor, "resource.rule_changed", project + "/" + kind, m -> {
      ProjectState p = m.requireProject(project, Capability.MANAGE_PROJECT_ACCESS);
      deleteRule(m, ResourceRule.forKind(project, kind, AccessLevel.NONE), p.kindRules().get(kind));
      return null;
    });
  }

  @Override
  public void setEveryoneRule(Principal actor, ResourceRef ref, AccessLevel level) {
    checkNotNull(actor, "actor");
    checkNotNull(ref, "ref");
    checkNotNull(level, "level");
    manage(actor, ref, AccessLevel.MANAGER, (m, r) -> writeRule(m, ResourceRule.forEveryone(ref, level), r.everyoneRule()));
  }

  @Override
  public void clearEveryoneRule(Principal actor, ResourceRef ref) {
    checkNotNull(actor, "actor");
    checkNotNull(ref, "ref");
    manage(actor, ref, AccessLevel.MANAGER,
        (m, r) -> deleteRule(m, ResourceRule.forEveryone(ref, AccessLevel.NONE), r.everyoneRule()));
  }

  @Override
  public void setMemberRule(Principal actor, ResourceRef ref, UserId user, AccessLevel level) {
    checkNotNull(actor, "actor");
    checkNotNull(ref, "ref");
    checkNotNull(user, "user");
    checkNotNull(level, "level");
    manage(actor, ref, AccessLevel.MANAGER, (m, r) -> {
      requireSeesProject(m, user, ref.project());
      writeRule(m, ResourceRule.forMember(ref, user, level), r.memberRules().get(user));
    });
  }

  @Override
  public void clearMemberRule(Principal actor, ResourceRef ref, UserId user) {
    checkNotNull(actor, "actor");
    checkNotNull(ref, "ref");
    checkNotNull(user, "user");
    manage(actor, ref, AccessLevel.MANAGER,
        (m, r) -> deleteRule(m, ResourceRule.forMember(ref, user, AccessLevel.NONE), r.memberRules().get(user)));
  }

  @Override
  public void share(Principal actor, ResourceRef ref, UserId user, AccessLevel level) {
    checkNotNull(actor, "actor");
    checkNotNull(ref, "ref");
    checkNotNull(user, "user");
    ResourceRule share = ResourceRule.share(ref, user, checkNotNull(level, "level"));
    mutate(ref.project(), actor, "resource.shared", ref, m -> {
      ResourceState r = m.requireResource(ref, AccessLevel.MANAGER);
      m.activeMember(user);
      ResourceRule before = r.memberRule(user);
      if (!share.equals(before)) {
        m.apply(new Write.UpsertRule(share));
        m.audit("resource.shared", ref.project(), ruleTarget(share),
            Change.of("level", before == null ? null : before.level(), level),
            Change.of("shared", before != null && before.shared(), true));
      }
      return null;
    });
  }

  @Override
  public void unshare(Principal actor, ResourceRef ref, UserId user) {
    checkNotNull(actor, "actor");
    checkNotNull(ref, "ref");
    checkNotNull(user, "user");
    mutate(ref.project(), actor, "resource.unshared", ref, m -> {
      ResourceRule before = m.requireResource(ref, AccessLevel.MANAGER).memberRule(user);
      if (before == null || !before.shared()) {
        throw new NotFoundException(ErrorCode.NOT_FOUND, "resource share not found");
      }
      m.apply(new Write.DeleteRule(before));
      m.audit("resource.unshared", ref.project(), ruleTarget(before), Change.of("level", before.level(), null),
          Change.of("shared", true, null));
      return null;
    });
  }

  @Override
  public List<ResourceRule> rules(Principal actor, ResourceRef ref) {
    checkNotNull(actor, "actor");
    checkNotNull(ref, "ref");
    return read(actor, ref, (state, r) -> rules(actor, ref, state, r));
  }

  private List<ResourceRule> rules(Principal actor, ResourceRef ref, OrgState state, ResourceState r) {
    ProjectState p = state.projects().get(ref.project());
    if (engine.decider().level(state, state.members().get(actor.userId()), p, r, Trace.NONE) != AccessLevel.MANAGER) {
      throw new dev.warden.PermissionDeniedException(ErrorCode.PERMISSION_DENIED, "only managers read a resource's rules");
    }
    List<ResourceRule> rules = new ArrayList<>();
    AccessLevel kind = p.kindRules().get(ref.kind());
    if (kind != null) {
      rules.add(ResourceRule.forKind(ref.project(), ref.kind(), kind));
    }
    if (r.everyoneRule() != null) {
      rules.add(ResourceRule.forEveryone(ref, r.everyoneRule()));
    }
    r.memberRules().keySet().forEach(user -> rules.add(r.memberRule(user)));
    return rules;
  }

  @Override
  public Page<VisibleResource> list(Principal actor, ProjectId project, String kind, AccessLevel atLeast,
      PageRequest page) {
    checkNotNull(actor, "actor");
    checkNotNull(project, "project");
    checkNotNull(kind, "kind");
    checkNotNull(atLeast, "atLeast");
    checkNotNull(page, "page");
    engine.decider().matrix().resourceKind(ResourceRef.requireKind(kind));
    checkArgument(atLeast != AccessLevel.NONE, "atLeast must be VIEWER or above");
    return listings.visibleResources(actor, project, kind, atLeast, page.cursor().orElse(null), page.size());
  }

  @Override
  public void restrictDashboard(Principal actor, ResourceRef dashboard, DashboardRestriction restriction) {
    checkNotNull(actor, "actor");
    checkNotNull(dashboard, "dashboard");
    checkNotNull(restriction, "restriction");
    requireDashboard(dashboard);
    manage(actor, dashboard, AccessLevel.MANAGER, (m, r) -> {
      if (restriction == DashboardRestriction.ONLY_COLLABORATORS_CAN_EDIT) {
        writeRule(m, ResourceRule.forEveryone(dashboard, AccessLevel.VIEWER), r.everyoneRule());
      } else if (r.everyoneRule() != null) {
        deleteRule(m, ResourceRule.forEveryone(dashboard, AccessLevel.NONE), r.everyoneRule());
      }
    });
  }

  @Override
  public DashboardRestriction restriction(Principal actor, ResourceRef dashboard) {
    checkNotNull(actor, "actor");
    checkNotNull(dashboard, "dashboard");
    requireDashboard(dashboard);
    return read(actor, dashboard, (state, r) -> restrictionOf(r));
  }

  private static DashboardRestriction restrictionOf(ResourceState r) {
    return r.everyoneRule() != null && !r.everyoneRule().atLeast(AccessLevel.EDITOR)
        ? DashboardRestriction.ONLY_COLLABORATORS_CAN_EDIT : DashboardRestriction.EVERYONE_CAN_EDIT;
  }

  @Override
  public void addCollaborator(Principal actor, ResourceRef dashboard, UserId user) {
    checkNotNull(actor, "actor");
    checkNotNull(dashboard, "dashboard");
    checkNotNull(user, "user");
    requireDashboard(dashboard);
    manage(actor, dashboard, AccessLevel.EDITOR, (m, r) -> {
      if (restrictionOf(r) != DashboardRestriction.ONLY_COLLABORATORS_CAN_EDIT) {
        throw Errors.rule(ErrorCode.RESOURCE_NOT_RESTRICTED,
            "everyone in the project can already edit this dashboard; restrict it first");
      }
      Membership member = requireSeesProject(m, user, dashboard.project());
      ProjectState p = m.state().projects().get(dashboard.project());
      if (r.resource().creator().equals(user) || m.decider().effectiveRole(m.state(), member, p) == dev.warden.project.ProjectRole.ADMIN) {
        throw Errors.rule(ErrorCode.ALREADY_HAS_ACCESS,
            "user " + user + " already manages this dashboard as its creator or a project Admin");
      }
      writeRule(m, ResourceRule.forMember(dashboard, user, AccessLevel.EDITOR), r.memberRules().get(user));
    });
  }

  @Override
  public void removeCollaborator(Principal actor, ResourceRef dashboard, UserId user) {
    checkNotNull(actor, "actor");
    checkNotNull(dashboard, "dashboard");
    checkNotNull(user, "user");
    requireDashboard(dashboard);
    manage(actor, dashboard, AccessLevel.EDITOR,
        (m, r) -> deleteRule(m, ResourceRule.forMember(dashboard, user, AccessLevel.NONE), r.memberRules().get(user)));
  }

  @Override
  public List<UserId> collaborators(Principal actor, ResourceRef dashboard) {
    checkNotNull(actor, "actor");
    checkNotNull(dashboard, "dashboard");
    requireDashboard(dashboard);
    return read(actor, dashboard, (state, r) -> r.memberRules().entrySet().stream()
        .filter(e -> e.getValue().atLeast(AccessLevel.EDITOR))
        .map(java.util.Map.Entry::getKey)
        .toList());
  }

  private interface RuleChange {
    void apply(Mutation m, ResourceState resource);
  }

  private void manage(Principal actor, ResourceRef ref, AccessLevel needed, RuleChange change) {
    checkNotNull(ref, "ref");
    mutate(ref.project(), actor, "resource.rule_changed", ref, m -> {
      change.apply(m, m.requireResource(ref, needed));
      return null;
    });
  }

  private static Membership requireSeesProject(Mutation m, UserId user, ProjectId project) {
    Membership member = m.state().members().get(user);
    requireSeesProject(m.decider(), m.state(), member, m.now(), user, m.state().projects().get(project));
    return member;
  }

  /**
   * A rule or a resource names only a member who can see its project: {@code member}, the membership
   * of {@code user} (null: none), active at {@code now} with an effective role on {@code project}.
   *
   * @throws dev.warden.RuleViolationException {@code NO_PROJECT_ACCESS}
   */
  static void requireSeesProject(Decider decider, OrgState state, Membership member, java.time.Instant now,
      UserId user, ProjectState project) {
    if (member == null || !member.activeAt(now) || decider.effectiveRole(state, member, project) == null) {
      throw Errors.rule(ErrorCode.NO_PROJECT_ACCESS, "user " + user + " cannot see this project");
    }
  }

  /** The refusal of registering {@code ref} again ({@code RESOURCE_ALREADY_REGISTERED}). */
  static dev.warden.RuleViolationException alreadyRegistered(ResourceRef ref) {
    return Errors.rule(ErrorCode.RESOURCE_ALREADY_REGISTERED, "resource " + ref + " is already registered");
  }

  private static void writeRule(Mutation m, ResourceRule rule, AccessLevel before) {
    if (rule.level() != before) {
      m.apply(new Write.UpsertRule(rule));
      m.audit("resource.rule_changed", rule.project(), ruleTarget(rule), Change.of("level", before, rule.level()));
    }
  }

  private static void deleteRule(Mutation m, ResourceRule rule, AccessLevel before) {
    if (before == null) {
      throw new NotFoundException(ErrorCode.NOT_FOUND, "resource rule not found");
    }
    m.apply(new Write.DeleteRule(rule));
    m.audit("resource.rule_changed", rule.project(), ruleTarget(rule), Change.of("level", before, null));
  }

  private static String ruleTarget(ResourceRule rule) {
    return rule.project() + "/" + rule.kind() + rule.resourceId().map(id -> "/" + id).orElse("")
        + rule.user().map(u -> " for " + u).orElse("");
  }

  private static void requireDashboard(ResourceRef ref) {
    checkNotNull(ref, "dashboard");
    checkArgument(ref.kind().equals(ResourceRef.DASHBOARD), "expected a dashboard, but was %s", ref);
  }
}
