package dev.warden.properties;

import dev.warden.AccessPolicy;
import dev.warden.Decision;
import dev.warden.Decision.Outcome;
import dev.warden.NotFoundException;
import dev.warden.Page;
import dev.warden.PageRequest;
import dev.warden.Principal;
import dev.warden.Reason;
import dev.warden.WardenException;
import dev.warden.invite.InviteRequest;
import dev.warden.invite.IssuedInvite;
import dev.warden.matrix.Capability;
import dev.warden.matrix.Capability.Scope;
import dev.warden.matrix.PermissionMatrix;
import dev.warden.organization.Membership;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.Organization;
import dev.warden.organization.UserId;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import dev.warden.project.Visibility;
import dev.warden.project.VisibleProject;
import dev.warden.properties.MembershipModel.Preset;
import dev.warden.report.AccessHolder;
import dev.warden.resource.AccessLevel;
import dev.warden.resource.DashboardRestriction;
import dev.warden.resource.Resource;
import dev.warden.resource.ResourceRef;
import dev.warden.resource.ResourceRule;
import dev.warden.resource.VisibleResource;
import dev.warden.spi.Store;
import dev.warden.testing.Covered;
import dev.warden.testing.FakeClock;
import dev.warden.testing.Observed;
import dev.warden.testing.ScaledTries;
import dev.warden.testing.WardenArbitraries;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.WeakHashMap;
import java.util.function.BiConsumer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.ActionChainArbitrary;
import net.jqwik.api.state.Transformer;
import net.jqwik.api.statistics.Statistics;

/**
 * Properties of resource-level permissions (SPEC §8, issue 7).
 *
 * <p>{@link #resourceDecision_followsSection8_andNeverExceedsTheProjectDecision} builds a random
 * organization (both presets, random levels, grants, expiries, visibility, default role, creator, kind
 * and rules) and compares every {@code check} on the resource with a reference written from §8 and
 * §2.3, and states the invariants on their own: a resource decision never exceeds the project-role cap
 * (never {@code ALLOW} unless the project decision allows; a project Viewer's level never above
 * {@code VIEWER}), never {@code ALLOW}s (or even answers) when the project decision is
 * {@code NOT_FOUND}, and the creator and project Admins always manage.
 *
 * <p>The stateful properties extend {@link MembershipModel}'s random chains (membership, invites,
 * grants, visibility, expiry, sweeps, project deletion) by composition with resource operations
 * (registration, removal, kind / everyone / member rules, dashboard restriction and collaborators).
 * After every step both {@link MembershipModel#checkInvariants()} (every earlier invariant) and the
 * resource invariants of {@link #checkResourceInvariants} must hold; a refused resource operation must
 * change nothing observable.
 *
 * <p>Shipped in core's test-jar; each store's test extends it. Every try works in stores of its own from
 * {@link #newStore()}, through policies of its own; all are closed after the try. A store whose writes
 * are slow runs fewer tries by overriding {@link #tries(int)}.
 */
// Applies to the properties of the class (the default, NO_DESCENDANTS, would apply to the class alone).
@AddLifecycleHook(value = ScaledTries.Hook.class, propagateTo = PropagationMode.DIRECT_DESCENDANTS)
public abstract class ResourcePropertiesContract implements ScaledTries {

  private static final List<UserId> USERS = WardenArbitraries.userPool();
  private static final List<Capability> PROJECT_CAPABILITIES = WardenArbitraries.capabilitiesOf(Scope.PROJECT);
  private static final List<String> KINDS = List.of(ResourceRef.DASHBOARD, "insight", "feature_flag");

  // =================================================================================== the stores

  /** What the current try opened, to close after it. */
  private final List<Store> stores = new ArrayList<>();
  private final List<AccessPolicy> policies = new ArrayList<>();
  private final List<MembershipModel> models = new ArrayList<>();

  /** A store for one try to work in. */
  protected abstract Store newStore();

  /** Releases what {@link #newStore()} opened; called after the try, once its policies are closed. */
  protected void closeStore(Store closing) throws Exception {}

  /** By default, as declared. */
  @Override
  public int tries(int declared) {
    return declared;
  }

  /**
   * Whether a property of {@code declared} tries runs them all here, and so checks that its random
   * cases covered what they must. The generators are the same on every store: a store that runs fewer
   * tries relies on the full run's coverage checks rather than fail on a short run's chance.
   */
  private boolean checksCoverage(int declared) {
    return tries(declared) >= declared;
  }

  private Store tryStore() {
    Store store = newStore();
    stores.add(store);
    return store;
  }

  @AfterTry
  void closeTry() throws Exception {
    models.forEach(MembershipModel::close);
    policies.forEach(AccessPolicy::close);
    models.clear();
    policies.clear();
    for (Store store : stores) {
      closeStore(store);
    }
    stores.clear();
  }

  // ================================================================== one random organization

  /** How one pool user (u1..u4) stands in the generated organization. */
  record UserSpec(Optional<OrgLevel> level, boolean expired, Optional<ProjectRole> grant, boolean grantExpired) {
    @Override
    public String toString() {
      return level.map(l -> l + (expired ? " (expired)" : "")).orElse("non-member")
          + grant.map(g -> ", grant " + g + (grantExpired ? " (expired)" : "")).orElse("");
    }
  }

  /** The resource rules to set, by the Owner u0. */
  record RuleSpec(Optional<AccessLevel> kind, Optional<AccessLevel> everyone, List<Optional<AccessLevel>> members) {}

  record World(PermissionMatrix matrix, Visibility visibility, ProjectRole defaultRole, List<UserSpec> users,
      String kind, int creator, RuleSpec rules) {
    @Override
    public String toString() {
      return "World[" + Preset.of(matrix) + ", project " + visibility + " default " + defaultRole + ", users u1..u4 "
          + users + ", " + kind + " created by u" + creator + ", rules " + rules + "]";
    }
  }

  @Provide
  Arbitrary<World> worlds() {
    Arbitrary<UserSpec> user = Combinators.combine(
        Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(Optional.<OrgLevel>empty())),
            Tuple.of(8, Arbitraries.just(Optional.of(OrgLevel.MEMBER))),
            Tuple.of(1, Arbitraries.just(Optional.of(OrgLevel.ADMIN))),
            Tuple.of(1, Arbitraries.just(Optional.of(OrgLevel.OWNER)))),
        Arbitraries.integers().between(0, 5).map(i -> i == 0),
        Arbitraries.frequency(Tuple.of(3, ProjectRole.VIEWER), Tuple.of(3, ProjectRole.MEMBER),
            Tuple.of(1, ProjectRole.ADMIN)).optional(0.6),
        Arbitraries.integers().between(0, 4).map(i -> i == 0)).as(UserSpec::new);
    Arbitrary<Optional<AccessLevel>> rule = Arbitraries.of(AccessLevel.class).optional(0.4);
    Arbitrary<RuleSpec> rules = Combinators.combine(rule, rule, rule.list().ofSize(USERS.size())).as(RuleSpec::new);
    Arbitrary<ProjectRole> defaultRoles = Arbitraries.frequency(Tuple.of(2, ProjectRole.VIEWER),
        Tuple.of(4, ProjectRole.MEMBER), Tuple.of(1, ProjectRole.ADMIN));
    return Combinators.combine(WardenArbitraries.presets(), WardenArbitraries.visibilities(),
        defaultRoles, user.list().ofSize(USERS.size() - 1), Arbitraries.of(KINDS),
        WardenArbitraries.userIndexes(), rules).as(World::new);
  }

  /** The effective project role of §2.3, or empty when the project is hidden. */
  private static Optional<ProjectRole> expectedRole(World w, int u) {
    if (u == 0) {
      return Optional.of(ProjectRole.ADMIN); // the Owner
    }
    UserSpec s = w.users().get(u - 1);
    OrgLevel level = effectiveLevel(w, u).orElse(null);
    if (level == null || (s.expired() && level != OrgLevel.OWNER)) {
      return Optional.empty();
    }
    if (level.atLeast(OrgLevel.ADMIN)) {
      return Optional.of(ProjectRole.ADMIN);
    }
    if (s.grant().isPresent() && !s.grantExpired()) {
      return s.grant();
    }
    return w.visibility() == Visibility.OPEN ? Optional.of(w.defaultRole()) : Optional.empty();
  }

  /** u0 is the Owner; under single ownership an Owner in the spec is invited as Admin. */
  private static Optional<OrgLevel> effectiveLevel(World w, int u) {
    if (u == 0) {
      return Optional.of(OrgLevel.OWNER);
    }
    return w.users().get(u - 1).level()
        .map(l -> l == OrgLevel.OWNER && Preset.of(w.matrix()) == Preset.POSTHOG ? OrgLevel.ADMIN : l);
  }

  /** Which access level each project capability needs on a resource (§8), written out apart from the presets. */
  static AccessLevel required(Capability c) {
    if (c == Capability.VIEW_DATA || c == Capability.USE_FEATURE_FLAGS) {
      return AccessLevel.VIEWER;
    }
    if (c == Capability.CREATE_CONTENT || c == Capability.MANAGE_FEATURE_FLAGS) {
      return AccessLevel.EDITOR;
    }
    return AccessLevel.MANAGER;
  }

  /** §8: the level of a member with {@code role} (empty: project hidden), from the rules that apply. */
  static AccessLevel expectedLevel(Optional<ProjectRole> role, boolean creator, String kind,
      Optional<AccessLevel> memberRule, Optional<AccessLevel> everyoneRule, Optional<AccessLevel> kindRule) {
    if (role.isEmpty()) {
      return AccessLevel.NONE;
    }
    if (creator || role.get() == ProjectRole.ADMIN) {
      return AccessLevel.MANAGER;
    }
    AccessLevel level = memberRule.or(() -> everyoneRule).or(() -> kindRule)
        .orElse(role.get() == ProjectRole.VIEWER ? AccessLevel.VIEWER : AccessLevel.EDITOR);
    if (role.get() == ProjectRole.VIEWER && level.compareTo(AccessLevel.VIEWER) > 0) {
      level = AccessLevel.VIEWER;
    }
    if (kind.equals(ResourceRef.DASHBOARD) && level == AccessLevel.NONE) {
      level = AccessLevel.VIEWER; // everyone who sees the project views every dashboard
    }
    return level;
  }

  /** §8 + §2.2: the decision for a capability, given the level and the role. */
  static Decision expectedDecision(Optional<ProjectRole> role, AccessLevel level, boolean manager, boolean ruleApplies,
      Capability c) {
    if (role.isEmpty() || level == AccessLevel.NONE) {
      return Decision.notFound();
    }
    if (!Preset.allows(role.get(), c)) {
      return Decision.deny(Reason.ROLE_TOO_LOW);
    }
    if (level.compareTo(required(c)) < 0) {
      return Decision.deny(Reason.RESOURCE_LEVEL_TOO_LOW);
    }
    return Decision.allow(manager ? Reason.RESOURCE_MANAGER : ruleApplies ? Reason.RESOURCE_RULE : Reason.RESOURCE_DEFAULT);
  }

  private static final int WORLD_TRIES = 300;

  @Property(tries = WORLD_TRIES, edgeCases = EdgeCasesMode.MIXIN)
  void resourceDecision_followsSection8_andNeverExceedsTheProjectDecision(@ForAll("worlds") World w) {
    FakeClock clock = FakeClock.create();
    AccessPolicy policy = AccessPolicy.builder().store(tryStore()).matrix(w.matrix()).clock(clock).build();
    policies.add(policy);
    Principal owner = WardenArbitraries.principal(0);
    OrgId org = policy.organizations().create(owner, "Acme Corp").id();
    ProjectId project = policy.projects().create(owner, org, "Production").id();
    policy.projects().setVisibility(owner, project, w.visibility());
    policy.projects().setDefaultRole(owner, project, w.defaultRole());
    for (int u = 1; u < USERS.size(); u++) {
      UserSpec s = w.users().get(u - 1);
      Optional<OrgLevel> level = effectiveLevel(w, u);
      if (level.isEmpty()) {
        continue;
      }
      String email = WardenArbitraries.emailOf(USERS.get(u));
      IssuedInvite invite = policy.invites().create(owner, org, InviteRequest.to(email).level(level.get()));
      policy.invites().accept(invite.token(), WardenArbitraries.principal(u), email);
      if (s.grant().isPresent()) {
        if (s.grantExpired()) {
          policy.grants().grant(owner, project, USERS.get(u), s.grant().get(), clock.instant().plus(Duration.ofHours(1)));
        } else {
          policy.grants().grant(owner, project, USERS.get(u), s.grant().get());
        }
      }
    }
    ResourceRef ref = ResourceRef.of(project, w.kind(), "r1");
    Resource resource;
    try {
      resource = policy.resources().register(WardenArbitraries.principal(w.creator()), ref);
    } catch (WardenException e) {
      resource = policy.resources().register(owner, ref);
    }
    UserId creator = resource.creator();

    w.rules().kind().ifPresent(l -> policy.resources().setKindRule(owner, project, w.kind(), l));
    w.rules().everyone().ifPresent(l -> policy.resources().setEveryoneRule(owner, ref, l));
    List<Optional<AccessLevel>> memberRules = new ArrayList<>();
    for (int u = 0; u < USERS.size(); u++) {
      Optional<AccessLevel> rule = w.rules().members().get(u);
      if (rule.isPresent()) {
        try {
          policy.resources().setMemberRule(owner, ref, USERS.get(u), rule.get());
        } catch (WardenException e) {
          // §8: a member rule names someone who sees the project (before the expiries below)
          check(e.code() == dev.warden.ErrorCode.NO_PROJECT_ACCESS, "[§8 member rule] refused with " + e.code(), w, u, null);
          rule = Optional.empty();
        }
      }
      memberRules.add(rule);
    }
    for (int u = 1; u < USERS.size(); u++) {
      if (w.users().get(u - 1).expired() && effectiveLevel(w, u).filter(l -> l != OrgLevel.OWNER).isPresent()) {
        policy.members().setExpiry(owner, org, USERS.get(u), clock.instant().plus(Duration.ofHours(1)));
      }
    }
    clock.advance(Duration.ofHours(1)); // expiring memberships and grants now expired, unswept

    ResourceRef missing = ResourceRef.of(project, w.kind(), "missing");
    for (int u = 0; u < USERS.size(); u++) {
      Principal p = WardenArbitraries.principal(u);
      Optional<ProjectRole> role = expectedRole(w, u);
      boolean isCreator = USERS.get(u).equals(creator);
      boolean manager = role.isPresent() && (isCreator || role.get() == ProjectRole.ADMIN);
      boolean ruleApplies = memberRules.get(u).isPresent() || w.rules().everyone().isPresent()
          || w.rules().kind().isPresent();
      AccessLevel level = expectedLevel(role, isCreator, w.kind(), memberRules.get(u), w.rules().everyone(),
          w.rules().kind());
      AccessLevel actualLevel = levelOf(policy, p, ref);
      check(actualLevel == level, "[§8 precedence] level " + actualLevel + ", expected " + level, w, u, null);
      for (Capability c : PROJECT_CAPABILITIES) {
        Decision d = policy.check(p, c, ref);
        Decision onProject = policy.check(p, c, project);
        String at = c + ": resource " + d + ", project " + onProject;
        check(!d.allowed() || onProject.allowed(), "[never exceeds the project decision] " + at, w, u, c);
        check(onProject.outcome() != Outcome.NOT_FOUND || d == Decision.notFound(),
            "[project NOT_FOUND => resource NOT_FOUND] " + at, w, u, c);
        if (d.outcome() == Outcome.NOT_FOUND) {
          check(d == policy.check(p, c, missing), "[hidden = missing] " + at, w, u, c);
        }
        Decision expected = expectedDecision(role, level, manager, ruleApplies, c);
        check(d == expected, "[§8 decision] " + at + ", expected " + expected, w, u, c);
        Statistics.label("decisions").collect(d.outcome() + " " + d.reason());
      }
      if (role.isPresent() && role.get() == ProjectRole.VIEWER && !isCreator) {
        check(actualLevel.compareTo(AccessLevel.VIEWER) <= 0, "[§8 a Viewer never above VIEWER] " + actualLevel, w, u, null);
      }
      if (manager) {
        check(actualLevel == AccessLevel.MANAGER, "[§8 creator and project Admins manage] " + actualLevel, w, u, null);
        check(policy.check(p, Capability.VIEW_DATA, ref).allowed(), "[§8 managers view]", w, u, null);
      }
      Statistics.label("levels").collect(role.map(Enum::name).orElse("hidden") + " -> " + actualLevel);
    }
    if (!checksCoverage(WORLD_TRIES)) {
      return;
    }
    Covered.eachSeen("decisions", List.of(
        "DENY RESOURCE_LEVEL_TOO_LOW",
        "ALLOW RESOURCE_RULE",
        "ALLOW RESOURCE_DEFAULT",
        "ALLOW RESOURCE_MANAGER",
        "DENY ROLE_TOO_LOW",
        "NOT_FOUND NOT_FOUND"));
  }

  private static void check(boolean ok, String what, World w, int u, Capability c) {
    if (!ok) {
      throw new AssertionError(what + " for u" + u + (c == null ? "" : " on " + c) + " in " + w);
    }
  }

  private static AccessLevel levelOf(AccessPolicy policy, Principal p, ResourceRef ref) {
    try {
      return policy.resources().level(p, ref);
    } catch (NotFoundException e) {
      return AccessLevel.NONE;
    }
  }

  // ============================================================ stateful: MembershipModel + resources

  private static final int MAX_STEPS = 35;

  /** The resources a chain registered, per model (identity), since the model knows nothing of them. */
  private static final Map<MembershipModel, Side> SIDES = new WeakHashMap<>();

  private static final class Side {
    final Map<ResourceRef, OrgId> refs = new LinkedHashMap<>();
    final List<String> log = new ArrayList<>();
    int next;
  }

  private static synchronized Side side(MembershipModel m) {
    return SIDES.computeIfAbsent(m, k -> new Side());
  }

  // A successful memberRule shows up about 4 times in 25 chains: at 25 or 40 tries about one run in 50
  // had none and failed the coverage check below; at 80 that is about one in a million.
  private static final int CHAIN_TRIES = 80;

  @Property(tries = CHAIN_TRIES)
  void posthog_membershipAndResourceOperations_keepEveryInvariant(@ForAll("posthogChains") ActionChain<MembershipModel> chain) {
    run(chain);
  }

  @Property(tries = CHAIN_TRIES)
  void leastPrivilege_membershipAndResourceOperations_keepEveryInvariant(
      @ForAll("leastPrivilegeChains") ActionChain<MembershipModel> chain) {
    run(chain);
  }

  @Provide
  Arbitrary<ActionChain<MembershipModel>> posthogChains() {
    return withResourceActions(MembershipModel.chains(PermissionMatrix.posthog(), this::tryStore, models::add))
        .withMaxTransformations(MAX_STEPS);
  }

  @Provide
  Arbitrary<ActionChain<MembershipModel>> leastPrivilegeChains() {
    return withResourceActions(MembershipModel.chains(PermissionMatrix.leastPrivilege(), this::tryStore, models::add))
        .withMaxTransformations(MAX_STEPS);
  }

  private void run(ActionChain<MembershipModel> chain) {
    MembershipModel end = chain.withInvariant("membership and resource invariants", m -> {
      m.checkInvariants();
      checkResourceInvariants(m);
    }).run();
    for (String line : side(end).log) {
      Statistics.label("resource outcomes").collect(line);
    }
    if (!checksCoverage(CHAIN_TRIES)) {
      return;
    }
    Covered.eachSeen("resource outcomes", List.of(
        "register OK",
        "memberRule OK",
        "addCollaborator OK"));
  }

  /** Adds resource operations, by random pool users, to the membership chains. */
  static ActionChainArbitrary<MembershipModel> withResourceActions(ActionChainArbitrary<MembershipModel> chains) {
    Arbitrary<Integer> who = Arbitraries.integers().between(0, 2 * USERS.size() - 1);
    Arbitrary<Integer> index = Arbitraries.integers().between(0, 7);
    Arbitrary<AccessLevel> level = Arbitraries.of(AccessLevel.class);
    return chains
        .withAction(6, action(Combinators.combine(who, index, index, Arbitraries.integers().between(0, KINDS.size() - 1))
            .as((w, o, p, k) -> Transformer.mutate("register(" + w + ", org#" + o + "/prj#" + p + ", " + KINDS.get(k) + ")",
                m -> register(m, w, o, p, KINDS.get(k))))))
        .withAction(4, action(Combinators.combine(who, index, index, Arbitraries.integers().between(0, KINDS.size() - 1),
                level.optional(0.8))
            .as((w, o, p, k, l) -> Transformer.mutate("kindRule(" + w + ", org#" + o + "/prj#" + p + ", " + KINDS.get(k)
                + ", " + l.map(Enum::name).orElse("clear") + ")", m -> kindRule(m, w, o, p, KINDS.get(k), l)))))
        .withAction(4, action(Combinators.combine(who, index, level.optional(0.8))
            .as((w, r, l) -> Transformer.mutate("everyoneRule(" + w + ", res#" + r + ", " + l.map(Enum::name).orElse("clear")
                + ")", m -> onResource(m, "everyoneRule", w, r, (p, ref) -> {
                  if (l.isPresent()) {
                    m.policy().resources().setEveryoneRule(p, ref, l.get());
                  } else {
                    m.policy().resources().clearEveryoneRule(p, ref);
                  }
                })))))
        .withAction(6, action(Combinators.combine(who, index, Arbitraries.integers().between(0, USERS.size() - 1),
                level.optional(0.8))
            .as((w, r, t, l) -> Transformer.mutate("memberRule(" + w + ", res#" + r + ", u" + t + ", "
                + l.map(Enum::name).orElse("clear") + ")", m -> onResource(m, "memberRule", w, r, (p, ref) -> {
                  if (l.isPresent()) {
                    m.policy().resources().setMemberRule(p, ref, USERS.get(t), l.get());
                  } else {
                    m.policy().resources().clearMemberRule(p, ref, USERS.get(t));
                  }
                })))))
        .withAction(3, action(Combinators.combine(who, index, Arbitraries.of(DashboardRestriction.class))
            .as((w, r, x) -> Transformer.mutate("restrict(" + w + ", res#" + r + ", " + x + ")",
                m -> onResource(m, "restrict", w, r, (p, ref) -> {
                  if (!ref.kind().equals(ResourceRef.DASHBOARD)) {
                    return;
                  }
                  m.policy().resources().restrictDashboard(p, ref, x);
                })))))
        .withAction(5, action(Combinators.combine(who, index, Arbitraries.integers().between(0, USERS.size() - 1),
                Arbitraries.of(true, true, false))
            .as((w, r, t, add) -> Transformer.mutate((add ? "addCollaborator(" : "removeCollaborator(") + w + ", res#" + r
                + ", u" + t + ")", m -> onResource(m, add ? "addCollaborator" : "removeCollaborator", w, r, (p, ref) -> {
                  if (!ref.kind().equals(ResourceRef.DASHBOARD)) {
                    return;
                  }
                  if (add) {
                    m.policy().resources().addCollaborator(p, ref, USERS.get(t));
                  } else {
                    m.policy().resources().removeCollaborator(p, ref, USERS.get(t));
                  }
                })))))
        .withAction(1, action(Combinators.combine(who, index)
            .as((w, r) -> Transformer.mutate("removeResource(" + w + ", res#" + r + ")",
                m -> onResource(m, "removeResource", w, r, (p, ref) -> m.policy().resources().remove(p, ref))))));
  }

  private static Action.Independent<MembershipModel> action(Arbitrary<Transformer<MembershipModel>> transformers) {
    return () -> transformers;
  }

  /** The organizations some pool user is an active member of, in id order. */
  private static List<OrgId> orgs(AccessPolicy policy) {
    Set<String> ids = new TreeSet<>();
    for (UserId u : USERS) {
      for (Organization o : policy.organizations().list(WardenArbitraries.principal(u))) {
        ids.add(o.id().value());
      }
    }
    return ids.stream().map(OrgId::of).toList();
  }

  /** An Owner of the organization among the pool users (every organization keeps one, §3). */
  private static Principal ownerOf(AccessPolicy policy, OrgId org) {
    for (UserId u : USERS) {
      try {
        for (Membership m : policy.members().list(WardenArbitraries.principal(u), org)) {
          if (m.level() == OrgLevel.OWNER) {
            return WardenArbitraries.principal(m.user());
          }
        }
      } catch (WardenException e) {
        // not a member; ask the next one
      }
    }
    throw new AssertionError("no Owner in " + org);
  }

  /** Raw 0..4: that pool user; 5..9: some active member of the organization. */
  private static Principal actor(AccessPolicy policy, OrgId org, int raw) {
    if (raw < USERS.size()) {
      return WardenArbitraries.principal(raw);
    }
    List<Membership> members = policy.members().list(ownerOf(policy, org), org);
    return WardenArbitraries.principal(members.get((raw - USERS.size()) % members.size()).user());
  }

  /**
   * Runs {@code step} on the organization at {@code orgIndex} and its project at {@code projectIndex} (each
   * taken modulo how many there are, projects as an Owner sees them); does nothing while there is none.
   */
  private static void onProject(AccessPolicy policy, int orgIndex, int projectIndex,
      BiConsumer<OrgId, ProjectId> step) {
    List<OrgId> orgs = orgs(policy);
    if (orgs.isEmpty()) {
      return;
    }
    OrgId org = orgs.get(orgIndex % orgs.size());
    List<VisibleProject> projects = policy.visibleProjects(ownerOf(policy, org), org);
    if (projects.isEmpty()) {
      return;
    }
    step.accept(org, projects.get(projectIndex % projects.size()).project().id());
  }

  private static void register(MembershipModel m, int who, int orgIndex, int projectIndex, String kind) {
    AccessPolicy policy = m.policy();
    onProject(policy, orgIndex, projectIndex, (org, project) -> {
      Side side = side(m);
      ResourceRef ref = ResourceRef.of(project, kind, "r" + side.next++);
      attempt(m, "register", actor(policy, org, who), () -> {
        policy.resources().register(actor(policy, org, who), ref);
        side.refs.put(ref, org);
      });
    });
  }

  private static void kindRule(MembershipModel m, int who, int orgIndex, int projectIndex, String kind,
      Optional<AccessLevel> level) {
    AccessPolicy policy = m.policy();
    onProject(policy, orgIndex, projectIndex, (org, project) -> {
      Principal p = actor(policy, org, who);
      attempt(m, "kindRule", p, () -> {
        if (level.isPresent()) {
          policy.resources().setKindRule(p, project, kind, level.get());
        } else {
          policy.resources().clearKindRule(p, project, kind);
        }
      });
    });
  }

  private interface ResourceOp {
    void apply(Principal actor, ResourceRef ref);
  }

  private static void onResource(MembershipModel m, String kind, int who, int refIndex, ResourceOp op) {
    Side side = side(m);
    List<ResourceRef> live = new ArrayList<>();
    for (Map.Entry<ResourceRef, OrgId> e : side.refs.entrySet()) {
      if (orgs(m.policy()).contains(e.getValue())) {
        live.add(e.getKey());
      }
    }
    if (live.isEmpty()) {
      return;
    }
    ResourceRef ref = live.get(refIndex % live.size());
    Principal p = actor(m.policy(), side.refs.get(ref), who);
    attempt(m, kind, p, () -> op.apply(p, ref));
  }

  /** Runs a resource operation; a refused one must change nothing observable (§11). */
  private static void attempt(MembershipModel m, String kind, Principal actor, Runnable op) {
    Map<String, Object> before = observe(m);
    try {
      op.run();
      side(m).log.add(kind + " OK");
    } catch (WardenException e) {
      side(m).log.add(kind + " " + e.code());
      Map<String, Object> after = observe(m);
      if (!before.equals(after)) {
        throw new AssertionError("[§11 a refused operation changes nothing] " + kind + " by " + actor.userId()
            + " refused with " + e.code() + " but changed:\n" + Observed.diff(before, after) + "\nmodel " + m.log());
      }
    }
  }

  /** Resource state as every pool user sees it, plus the rules as each organization's Owner sees them. */
  private static Map<String, Object> observe(MembershipModel m) {
    AccessPolicy policy = m.policy();
    Map<String, Object> o = new LinkedHashMap<>();
    for (ResourceRef ref : side(m).refs.keySet()) {
      for (UserId u : USERS) {
        o.put(u + " on " + ref, levelOf(policy, WardenArbitraries.principal(u), ref));
      }
      OrgId org = side(m).refs.get(ref);
      if (orgs(policy).contains(org)) {
        o.put("rules of " + ref, MembershipModel.result(() -> policy.resources().rules(ownerOf(policy, org), ref)));
        o.put("creator of " + ref,
            MembershipModel.result(() -> policy.resources().get(ownerOf(policy, org), ref).creator()));
      }
    }
    return o;
  }

  /**
   * After every step, for every registered resource and every pool user: the level and every
   * {@code check} equal the §8 reference computed from the rules as the Owner reads them, the creator and
   * the user's effective role as {@code visibleProjects} shows it; a resource decision never exceeds
   * the project decision and is {@code NOT_FOUND} whenever the project decision is; {@code whoCan}
   * agrees with {@code check}; member rules name only stored memberships (removal and sweeps take the
   * rules along, §3/§8); removed resources and resources of deleted projects answer {@code NOT_FOUND}.
   */
  static void checkResourceInvariants(MembershipModel m) {
    AccessPolicy policy = m.policy();
    List<OrgId> orgs = orgs(policy);
    Map<List<String>, List<Resource>> byProjectAndKind = new LinkedHashMap<>();
    for (Map.Entry<ResourceRef, OrgId> e : side(m).refs.entrySet()) {
      ResourceRef ref = e.getKey();
      OrgId org = e.getValue();
      Resource resource = null;
      List<ResourceRule> rules = List.of();
      Set<UserId> stored = Set.of();
      if (orgs.contains(org)) {
        Principal owner = ownerOf(policy, org);
        try {
          resource = policy.resources().get(owner, ref);
          rules = policy.resources().rules(owner, ref);
        } catch (NotFoundException gone) {
          // removed, or its project was deleted
        }
        Set<UserId> members = new TreeSet<>((a, b) -> a.value().compareTo(b.value()));
        policy.members().list(owner, org).forEach(x -> members.add(x.user()));
        policy.reports().review(owner, org, Duration.ZERO, Duration.ZERO).expiredMemberships()
            .forEach(x -> members.add(x.user()));
        stored = members;
      }
      for (ResourceRule r : rules) {
        if (r.user().isPresent() && !stored.contains(r.user().get())) {
          throw new AssertionError("[§3/§8 removing a member removes their resource rules] " + r
              + " names someone without a membership; steps " + m.log() + "\n" + side(m).log);
        }
      }
      Optional<AccessLevel> kindRule = rules.stream().filter(r -> r.resourceId().isEmpty()).map(ResourceRule::level)
          .findFirst();
      Optional<AccessLevel> everyone = rules.stream().filter(r -> r.resourceId().isPresent() && r.user().isEmpty())
          .map(ResourceRule::level).findFirst();
      ResourceRef missing = ResourceRef.of(ref.project(), ref.kind(), "missing");
      List<String> allowedBy = new ArrayList<>();
      for (UserId u : USERS) {
        Principal p = WardenArbitraries.principal(u);
        Optional<ProjectRole> role = Optional.empty();
        if (resource != null) {
          try {
            role = policy.visibleProjects(p, org).stream().filter(v -> v.project().id().equals(ref.project()))
                .map(VisibleProject::role).findFirst();
          } catch (NotFoundException notMember) {
            role = Optional.empty();
          }
        }
        boolean creator = resource != null && resource.creator().equals(u);
        Optional<AccessLevel> memberRule = rules.stream().filter(r -> r.user().filter(u::equals).isPresent())
            .map(ResourceRule::level).findFirst();
        AccessLevel expectedLevel = expectedLevel(role, creator, ref.kind(), memberRule, everyone, kindRule);
        AccessLevel level = levelOf(policy, p, ref);
        String where = " for " + u + " on " + ref + " (role " + role.map(Enum::name).orElse("hidden")
            + (creator ? ", creator" : "") + ", rules " + rules + "); steps " + m.log() + "\nresource steps "
            + side(m).log;
        if (level != expectedLevel) {
          throw new AssertionError("[§8 level] " + level + ", expected " + expectedLevel + where);
        }
        boolean manager = role.isPresent() && (creator || role.get() == ProjectRole.ADMIN);
        boolean ruleApplies = memberRule.isPresent() || everyone.isPresent() || kindRule.isPresent();
        for (Capability c : PROJECT_CAPABILITIES) {
          Decision d = policy.check(p, c, ref);
          Decision onProject = policy.check(p, c, ref.project());
          if (d.allowed() && !onProject.allowed()) {
            throw new AssertionError("[never exceeds the project decision] " + c + ": " + d + " vs " + onProject + where);
          }
          if (onProject.outcome() == Outcome.NOT_FOUND && d != Decision.notFound()) {
            throw new AssertionError("[project NOT_FOUND => resource NOT_FOUND] " + c + ": " + d + where);
          }
          if (d.outcome() == Outcome.NOT_FOUND && d != policy.check(p, c, missing)) {
            throw new AssertionError("[hidden = missing] " + c + ": " + d + where);
          }
          Decision expected = expectedDecision(role, expectedLevel, manager, ruleApplies, c);
          if (d != expected) {
            throw new AssertionError("[§8 decision] " + c + ": " + d + ", expected " + expected + where);
          }
          if (c == Capability.CREATE_CONTENT && d.allowed()) {
            allowedBy.add(u.value());
          }
        }
      }
      if (resource != null) {
        byProjectAndKind.computeIfAbsent(List.of(ref.project().value(), ref.kind()), k -> new ArrayList<>())
            .add(resource);
        List<String> holders = policy.whoCan(Capability.CREATE_CONTENT, ref).stream().map(AccessHolder::user)
            .map(UserId::value).toList();
        if (!holders.equals(allowedBy)) {
          throw new AssertionError("[whoCan/check agree] whoCan(CREATE_CONTENT, " + ref + ") = " + holders
              + " but check allows " + allowedBy + "; steps " + m.log());
        }
      }
    }
    byProjectAndKind.values().forEach(resources -> checkResourceList(m, resources));
  }

  /**
   * {@code resources().list}, walked in pages of 1 by every pool user, lists exactly the resources of
   * one project and kind that the user sees at {@code VIEWER} or above, in creation order; a project
   * hidden from the user is {@code NOT_FOUND}, as on {@code check}.
   */
  private static void checkResourceList(MembershipModel m, List<Resource> resources) {
    AccessPolicy policy = m.policy();
    ResourceRef first = resources.get(0).ref();
    List<ResourceRef> inOrder = resources.stream()
        .sorted(Comparator.comparing(Resource::createdAt).thenComparing(r -> r.ref().id()))
        .map(Resource::ref).toList();
    for (UserId u : USERS) {
      Principal p = WardenArbitraries.principal(u);
      List<ResourceRef> expected = inOrder.stream().filter(ref -> levelOf(policy, p, ref) != AccessLevel.NONE).toList();
      List<ResourceRef> listed = new ArrayList<>();
      try {
        Page<VisibleResource> page = policy.resources().list(p, first.project(), first.kind(), AccessLevel.VIEWER,
            PageRequest.first(1));
        page.items().forEach(v -> listed.add(v.resource().ref()));
        for (int pages = 1; page.nextCursor().isPresent() && pages <= inOrder.size(); pages++) {
          page = policy.resources().list(p, first.project(), first.kind(), AccessLevel.VIEWER,
              PageRequest.after(page.nextCursor().get(), 1));
          page.items().forEach(v -> listed.add(v.resource().ref()));
        }
      } catch (NotFoundException hidden) {
        if (!expected.isEmpty() || policy.check(p, Capability.VIEW_DATA, first.project()) != Decision.notFound()) {
          throw new AssertionError("[resources().list NOT_FOUND only for a hidden project] " + u + " on "
              + first.project() + " sees " + expected + "; steps " + m.log());
        }
        continue;
      }
      if (!listed.equals(expected)) {
        throw new AssertionError("[resources().list] " + u + " lists " + listed + " of " + first.project() + "/"
            + first.kind() + ", expected " + expected + "; steps " + m.log() + "\nresource steps " + side(m).log);
      }
    }
  }
}
