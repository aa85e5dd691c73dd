package dev.warden.role;

import static dev.warden.testing.WardenArbitraries.principal;

import dev.warden.AccessPolicy;
import dev.warden.Decision;
import dev.warden.ErrorCode;
import dev.warden.NotFoundException;
import dev.warden.Page;
import dev.warden.PageRequest;
import dev.warden.Principal;
import dev.warden.Reason;
import dev.warden.WardenException;
import dev.warden.matrix.Capability;
import dev.warden.matrix.Capability.Scope;
import dev.warden.matrix.PermissionMatrix;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.UserId;
import dev.warden.project.Project;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import dev.warden.project.Visibility;
import dev.warden.project.VisibleProject;
import dev.warden.report.Explanation;
import dev.warden.resource.AccessLevel;
import dev.warden.resource.ResourceRef;
import dev.warden.spi.Store;
import dev.warden.testing.FakeClock;
import dev.warden.testing.Observed;
import dev.warden.testing.OrgFixtures;
import dev.warden.testing.ScaledTries;
import dev.warden.testing.WardenArbitraries;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.statistics.Statistics;

/**
 * Properties of roles (issue 16) over random organizations, built through the public API with the
 * PostHog preset: the Owner {@code u0}; Members and Admins {@code u1..u4}; two to four projects, open
 * with a random default role or private; random own grants; one to three roles with random project
 * grants, organization capabilities and memberships; some grants and memberships expiring at or before
 * a random clock advance; a random resolution rule.
 *
 * <p>Every answer is compared with an oracle written here from the generated data (SPEC §2.3 and
 * issue 16), never with Warden's internals: each project decision, its reason and its explanation, and
 * {@code visibleProjects} (hidden projects answer exactly {@link Decision#notFound()}); the preview of a
 * switch to the other rule, and that the switch changes exactly what it previewed; organization
 * capabilities from the level or an active role, also as a role's capabilities change; removing a member
 * ends their role memberships for good; a refused role operation changes nothing observable.
 *
 * <p>Shipped in core's test-jar; each store's test extends it. Every try builds its organization in a
 * store of its own from {@link #newStore()}, through a policy of its own; both are closed after the try.
 * A store whose writes are slow runs fewer tries by overriding {@link #tries(int)}.
 */
// Applies to the properties of the class (the default, NO_DESCENDANTS, would apply to the class alone).
@AddLifecycleHook(value = ScaledTries.Hook.class, propagateTo = PropagationMode.DIRECT_DESCENDANTS)
public abstract class RolesPropertiesContract implements ScaledTries {
  private static final PermissionMatrix MATRIX = PermissionMatrix.posthog();
  private static final List<UserId> USERS = WardenArbitraries.userPool();
  private static final Principal OWNER = principal(0);
  /** The users {@code u1..u4} besides the Owner. */
  private static final int MEMBERS = USERS.size() - 1;
  private static final int MAX_PROJECTS = 4;
  private static final int MAX_ROLES = 3;
  private static final int MAX_HOURS = 6;
  private static final int MAX_RESOURCES = 4;
  /** Kinds of the PostHog preset besides dashboards (which never fall below {@code VIEWER}). */
  private static final List<String> OTHER_KINDS = List.of("insight", "feature_flag", "notebook");
  private static final List<Capability> PROJECT_CAPABILITIES =
      List.of(Capability.VIEW_DATA, Capability.CREATE_CONTENT, Capability.MANAGE_PROJECT_SETTINGS);
  private static final List<Capability> ORG_CAPABILITIES = WardenArbitraries.capabilitiesOf(Scope.ORGANIZATION);
  /**
   * What the generated roles carry: delegable organization capabilities, some of which Members hold
   * anyway. {@code MANAGE_ROLES} is left out so that no Member may change roles (see
   * {@link #refusedRoleOperation_changesNothing}).
   */
  private static final List<Capability> DELEGABLE = List.of(Capability.VIEW_AUDIT_LOG, Capability.MANAGE_MEMBERS,
      Capability.CREATE_PROJECT, Capability.REVOKE_INVITES, Capability.DELETE_PROJECT, Capability.REMOVE_MEMBERS,
      Capability.MANAGE_ORG_SETTINGS, Capability.MANAGE_BILLING);

  // =================================================================================== the store

  /** The current try's store and policy, to close after it; null before it builds its organization. */
  private Store store;
  private AccessPolicy policy;

  /** The store one try builds its organization in; called once per try that builds one. */
  protected abstract Store newStore();

  /** Releases what {@link #newStore()} opened; called after the try, once its policy is closed. */
  protected void closeStore(Store closing) throws Exception {}

  /** By default, as declared. */
  @Override
  public int tries(int declared) {
    return declared;
  }

  @AfterTry
  void closeTry() throws Exception {
    if (policy != null) {
      policy.close();
      policy = null;
    }
    if (store != null) {
      Store closing = store;
      store = null;
      closeStore(closing);
    }
  }

  // ================================================================== one random organization

  /** An optional expiry, whole hours after {@link FakeClock#START}, when every grant is made. */
  record Lasting(Optional<Integer> hours) {
    /** Whether it still applies once the clock has moved {@code advance} hours (expiry is exclusive). */
    boolean liveAfter(int advance) {
      return hours.isEmpty() || advance < hours.get();
    }

    Optional<Instant> expiresAt() {
      return hours.map(h -> FakeClock.START.plus(Duration.ofHours(h)));
    }

    @Override
    public String toString() {
      return hours.map(h -> " until +" + h + "h").orElse("");
    }
  }

  /** An own project grant. */
  record Grant(ProjectRole role, Lasting lasting) {
    @Override
    public String toString() {
      return role + lasting.toString();
    }
  }

  record ProjectSpec(Visibility visibility, ProjectRole defaultRole) {
    @Override
    public String toString() {
      return visibility == Visibility.OPEN ? "OPEN(default " + defaultRole + ")" : "PRIVATE";
    }
  }

  /**
   * A role: the organization capabilities it carries, its grant on each project, and for each of
   * {@code u1..u4} whether (and until when) they belong to it.
   */
  record RoleSpec(List<Capability> capabilities, List<Optional<ProjectRole>> grants, List<Optional<Lasting>> members) {
    RoleSpec withCapability(Capability c, boolean add) {
      List<Capability> next = new ArrayList<>(capabilities);
      next.remove(c);
      if (add) {
        next.add(c);
      }
      return new RoleSpec(List.copyOf(next), grants, members);
    }
  }

  /**
   * The generated organization. {@code levels}, {@code grants} and the roles' {@code members} are by
   * user {@code u1..u4}; {@code grants} and the roles' {@code grants} by project.
   */
  record World(List<OrgLevel> levels, List<ProjectSpec> projects, List<List<Optional<Grant>>> grants,
      List<RoleSpec> roles, ResolutionRule rule, int advanceHours, Content content) {

    /** Keeps only the generated per-project and per-role entries of the projects and roles that exist. */
    static World of(List<OrgLevel> levels, List<ProjectSpec> projects, List<List<Optional<Grant>>> grants,
        List<RoleSpec> roles, ResolutionRule rule, int advanceHours, Content content) {
      int n = projects.size();
      List<List<Optional<Grant>>> own = grants.stream().map(row -> List.copyOf(row.subList(0, n))).toList();
      List<RoleSpec> rs = roles.stream()
          .map(r -> new RoleSpec(r.capabilities(), List.copyOf(r.grants().subList(0, n)), r.members())).toList();
      return new World(levels, projects, own, rs, rule, advanceHours, content.fit(n, rs.size()));
    }

    OrgLevel level(int u) {
      return u == 0 ? OrgLevel.OWNER : levels.get(u - 1);
    }

    Optional<Grant> grant(int u, int p) {
      return u == 0 ? Optional.empty() : grants.get(u - 1).get(p);
    }

    /** Whether {@code u} belongs to role {@code r} now (after the clock advance). */
    boolean activeIn(int r, int u) {
      return u > 0 && roles.get(r).members().get(u - 1).filter(l -> l.liveAfter(advanceHours)).isPresent();
    }

    /** The same organization as it was built, before the clock moved. */
    World atStart() {
      return new World(levels, projects, grants, roles, rule, 0, content);
    }

    World withRule(ResolutionRule next) {
      return new World(levels, projects, grants, roles, next, advanceHours, content);
    }

    World withRole(int r, RoleSpec spec) {
      List<RoleSpec> rs = new ArrayList<>(roles);
      rs.set(r, spec);
      return new World(levels, projects, grants, List.copyOf(rs), rule, advanceHours, content);
    }

    /** {@code u} removed and invited again as a Member: no grants, in no role. */
    World rejoined(int u) {
      List<OrgLevel> ls = new ArrayList<>(levels);
      ls.set(u - 1, OrgLevel.MEMBER);
      List<List<Optional<Grant>>> gs = new ArrayList<>(grants);
      gs.set(u - 1, projects.stream().map(p -> Optional.<Grant>empty()).toList());
      List<RoleSpec> rs = roles.stream().map(r -> {
        List<Optional<Lasting>> ms = new ArrayList<>(r.members());
        ms.set(u - 1, Optional.empty());
        return new RoleSpec(r.capabilities(), r.grants(), List.copyOf(ms));
      }).toList();
      return new World(List.copyOf(ls), projects, List.copyOf(gs), rs, rule, advanceHours, content);
    }

    @Override
    public String toString() {
      StringBuilder s = new StringBuilder("World[").append(rule).append(", clock +").append(advanceHours).append("h");
      for (int p = 0; p < projects.size(); p++) {
        s.append("\n  p").append(p).append(' ').append(projects.get(p));
      }
      for (int u = 1; u <= MEMBERS; u++) {
        s.append("\n  u").append(u).append(' ').append(level(u));
        for (int p = 0; p < projects.size(); p++) {
          int pp = p;
          grant(u, p).ifPresent(g -> s.append(", p").append(pp).append(' ').append(g));
        }
      }
      for (int r = 0; r < roles.size(); r++) {
        RoleSpec spec = roles.get(r);
        s.append("\n  r").append(r).append(" carries ").append(spec.capabilities()).append(", grants {");
        String sep = "";
        for (int p = 0; p < projects.size(); p++) {
          if (spec.grants().get(p).isPresent()) {
            s.append(sep).append('p').append(p).append(' ').append(spec.grants().get(p).get());
            sep = ", ";
          }
        }
        s.append("}, members {");
        sep = "";
        for (int u = 1; u <= MEMBERS; u++) {
          if (spec.members().get(u - 1).isPresent()) {
            s.append(sep).append('u').append(u).append(spec.members().get(u - 1).get());
            sep = ", ";
          }
        }
        s.append('}');
      }
      s.append(content.describe(projects.size(), roles.size()));
      return s.append("\n]").toString();
    }
  }

  /**
   * A registered resource: its project, whether a dashboard or of the world's other kind, who registers
   * it (the Owner instead, if they may not create content in the project), its rule for everyone, and
   * the rules on it of each of {@code u1..u4} (set only if they see the project) and of each role, and
   * the shares of it with {@code u1..u4} (whether they see the project or not; a share replaces the rule).
   */
  record ResourceSpec(int project, boolean dashboard, int creator, Optional<AccessLevel> everyone,
      List<Optional<AccessLevel>> members, List<Optional<AccessLevel>> roles, List<Optional<AccessLevel>> shares) {
    int kind() {
      return dashboard ? 0 : 1;
    }
  }

  /**
   * The resources of a world and the rules on kinds: dashboards and one {@code otherKind} of the PostHog
   * preset; {@code kindRules} by project and kind ({@code 2p + kind}), {@code roleKindRules} by role,
   * then likewise. The Owner sets every rule.
   */
  record Content(String otherKind, List<ResourceSpec> resources, List<Optional<AccessLevel>> kindRules,
      List<List<Optional<AccessLevel>>> roleKindRules) {

    /** Keeps the entries of the {@code projects} projects and {@code roles} roles that exist. */
    Content fit(int projects, int roles) {
      List<ResourceSpec> rs = resources.stream().map(r -> new ResourceSpec(r.project() % projects, r.dashboard(),
          r.creator(), r.everyone(), r.members(), List.copyOf(r.roles().subList(0, roles)), r.shares())).toList();
      return new Content(otherKind, rs, List.copyOf(kindRules.subList(0, 2 * projects)),
          roleKindRules.subList(0, roles).stream().map(k -> List.copyOf(k.subList(0, 2 * projects))).toList());
    }

    String kind(int k) {
      return k == 0 ? ResourceRef.DASHBOARD : otherKind;
    }

    String describe(int projects, int roles) {
      StringBuilder s = new StringBuilder();
      for (int i = 0; i < resources.size(); i++) {
        ResourceSpec r = resources.get(i);
        s.append("\n  res").append(i).append(" p").append(r.project()).append(' ').append(kind(r.kind()))
            .append(" by u").append(r.creator());
        r.everyone().ifPresent(l -> s.append(", everyone ").append(l));
        for (int u = 1; u <= MEMBERS; u++) {
          int uu = u;
          r.members().get(u - 1).ifPresent(l -> s.append(", u").append(uu).append(' ').append(l));
          r.shares().get(u - 1).ifPresent(l -> s.append(", shared with u").append(uu).append(' ').append(l));
        }
        for (int k = 0; k < roles; k++) {
          int kk = k;
          r.roles().get(k).ifPresent(l -> s.append(", r").append(kk).append(' ').append(l));
        }
      }
      for (int p = 0; p < projects; p++) {
        for (int k = 0; k < 2; k++) {
          int i = 2 * p + k;
          String at = "p" + p + "/" + kind(k);
          kindRules.get(i).ifPresent(l -> s.append("\n  kind rule ").append(at).append(' ').append(l));
          for (int r = 0; r < roles; r++) {
            int rr = r;
            roleKindRules.get(r).get(i)
                .ifPresent(l -> s.append("\n  r").append(rr).append(" kind rule ").append(at).append(' ').append(l));
          }
        }
      }
      return s.toString();
    }
  }

  @Provide
  Arbitrary<World> worlds() {
    Arbitrary<Lasting> lasting = Arbitraries.integers().between(1, MAX_HOURS).optional(0.35).map(Lasting::new);
    Arbitrary<Grant> grant = Combinators.combine(WardenArbitraries.projectRoles(), lasting).as(Grant::new);
    Arbitrary<ProjectSpec> project =
        Combinators.combine(WardenArbitraries.visibilities(), WardenArbitraries.projectRoles()).as(ProjectSpec::new);
    Arbitrary<RoleSpec> role = Combinators.combine(
        Arbitraries.of(DELEGABLE).list().uniqueElements().ofMaxSize(2),
        WardenArbitraries.projectRoles().optional(0.5).list().ofSize(MAX_PROJECTS),
        lasting.optional(0.5).list().ofSize(MEMBERS)).as(RoleSpec::new);
    Arbitrary<OrgLevel> level = Arbitraries.frequency(Tuple.of(4, OrgLevel.MEMBER), Tuple.of(1, OrgLevel.ADMIN));
    Arbitrary<Integer> advance = Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(0)),
        Tuple.of(3, Arbitraries.integers().between(1, MAX_HOURS)));
    Arbitrary<AccessLevel> accessLevel = Arbitraries.frequency(Tuple.of(1, AccessLevel.NONE),
        Tuple.of(2, AccessLevel.VIEWER), Tuple.of(2, AccessLevel.EDITOR), Tuple.of(1, AccessLevel.MANAGER));
    Arbitrary<ResourceSpec> resource = Combinators.combine(Arbitraries.integers().between(0, MAX_PROJECTS - 1),
        Arbitraries.of(true, false), Arbitraries.integers().between(0, MEMBERS), accessLevel.optional(0.25),
        accessLevel.optional(0.5).list().ofSize(MEMBERS), accessLevel.optional(0.5).list().ofSize(MAX_ROLES),
        Arbitraries.of(AccessLevel.VIEWER, AccessLevel.EDITOR).optional(0.2).list().ofSize(MEMBERS))
        .as(ResourceSpec::new);
    Arbitrary<Content> content = Combinators.combine(Arbitraries.of(OTHER_KINDS),
        resource.list().ofMinSize(1).ofMaxSize(MAX_RESOURCES),
        accessLevel.optional(0.25).list().ofSize(2 * MAX_PROJECTS),
        accessLevel.optional(0.35).list().ofSize(2 * MAX_PROJECTS).list().ofSize(MAX_ROLES)).as(Content::new);
    return Combinators.combine(level.list().ofSize(MEMBERS), project.list().ofMinSize(2).ofMaxSize(MAX_PROJECTS),
        grant.optional(0.45).list().ofSize(MAX_PROJECTS).list().ofSize(MEMBERS),
        role.list().ofMinSize(1).ofMaxSize(MAX_ROLES), Arbitraries.of(ResolutionRule.class), advance, content)
        .as(World::of);
  }

  @Provide
  Arbitrary<Capability> delegable() {
    return Arbitraries.of(DELEGABLE);
  }

  // ========================================================================================= oracle

  /** A member's effective role on a project (empty: hidden) and where it comes from. */
  record Access(Optional<ProjectRole> role, Reason reason) {
    static final Access HIDDEN = new Access(Optional.empty(), Reason.NOT_FOUND);

    @Override
    public String toString() {
      return role.map(r -> r + " by " + reason).orElse("hidden");
    }
  }

  /** Which rule sets a member's level on a resource (for statistics and messages). */
  enum LevelScope { HIDDEN, SHARE, MANAGER, OWN, ROLE_ON_RESOURCE, EVERYONE, ROLE_ON_KIND, KIND, DEFAULT }

  /** A member's level on a resource ({@code NONE}: hidden), the rule that sets it, and their project access. */
  record Level(AccessLevel level, LevelScope scope, Access project) {
    @Override
    public String toString() {
      return level + " by " + scope + " (" + project + ")";
    }
  }

  /** SPEC §2.3 + issue 16, written out from the generated data. */
  static final class Oracle {
    private Oracle() {}

    /** {@code u}'s unexpired own grant on {@code p}. */
    static Optional<ProjectRole> own(World w, int u, int p) {
      return w.grant(u, p).filter(g -> g.lasting().liveAfter(w.advanceHours())).map(Grant::role);
    }

    /** The highest grant on {@code p} of the roles {@code u} actively belongs to. */
    static Optional<ProjectRole> roleBest(World w, int u, int p) {
      Optional<ProjectRole> best = Optional.empty();
      for (int r = 0; r < w.roles().size(); r++) {
        Optional<ProjectRole> g = w.roles().get(r).grants().get(p);
        if (w.activeIn(r, u) && g.isPresent() && (best.isEmpty() || g.get().compareTo(best.get()) > 0)) {
          best = g;
        }
      }
      return best;
    }

    static Access access(World w, int u, int p, ResolutionRule rule) {
      if (w.level(u) != OrgLevel.MEMBER) {
        return new Access(Optional.of(ProjectRole.ADMIN), Reason.ORG_ADMIN);
      }
      Optional<ProjectRole> own = own(w, u, p);
      Optional<ProjectRole> viaRole = roleBest(w, u, p);
      if (own.isEmpty() && viaRole.isEmpty()) {
        ProjectSpec spec = w.projects().get(p);
        return spec.visibility() == Visibility.OPEN ? new Access(Optional.of(spec.defaultRole()), Reason.DEFAULT_ROLE)
            : Access.HIDDEN;
      }
      boolean ownWins = own.isPresent() && (viaRole.isEmpty() || rule == ResolutionRule.MOST_SPECIFIC
          || own.get().compareTo(viaRole.get()) >= 0);
      return ownWins ? new Access(own, Reason.EXPLICIT_GRANT) : new Access(viaRole, Reason.ROLE_GRANT);
    }

    static Decision project(Access a, Capability c) {
      if (a.role().isEmpty()) {
        return Decision.notFound();
      }
      return MATRIX.allows(a.role().get(), c) ? Decision.allow(a.reason()) : Decision.deny(Reason.ROLE_TOO_LOW);
    }

    /** The level's cell, else any role {@code u} actively belongs to that carries {@code c}. */
    static Decision organization(World w, int u, Capability c) {
      if (MATRIX.allows(w.level(u), c)) {
        return Decision.allow(Reason.ORG_LEVEL);
      }
      for (int r = 0; r < w.roles().size(); r++) {
        if (w.activeIn(r, u) && w.roles().get(r).capabilities().contains(c)) {
          return Decision.allow(Reason.ROLE_CAPABILITY);
        }
      }
      return Decision.deny(Reason.LEVEL_TOO_LOW);
    }

    /** Who registers resource {@code i}: its generated creator if they may create content in its project, else the Owner. */
    static int creator(World w, int i) {
      ResourceSpec r = w.content().resources().get(i);
      Access a = access(w.atStart(), r.creator(), r.project(), w.rule());
      return project(a, Capability.CREATE_CONTENT).allowed() ? r.creator() : 0;
    }

    /** {@code u}'s share of resource {@code i}, set whether they see its project or not. */
    static Optional<AccessLevel> share(World w, int u, int i) {
      return u == 0 ? Optional.empty() : w.content().resources().get(i).shares().get(u - 1);
    }

    /**
     * {@code u}'s own rule on resource {@code i}: their share, else their rule, set only if they saw its
     * project when it was set.
     */
    static Optional<AccessLevel> memberRule(World w, int u, int i) {
      ResourceSpec r = w.content().resources().get(i);
      if (share(w, u, i).isPresent()) {
        return share(w, u, i);
      }
      if (u == 0 || access(w.atStart(), u, r.project(), w.rule()).role().isEmpty()) {
        return Optional.empty();
      }
      return r.members().get(u - 1);
    }

    /** The highest of the rules {@code ruleOf} gives the roles {@code u} actively belongs to. */
    static Optional<AccessLevel> roleBest(World w, int u, IntFunction<Optional<AccessLevel>> ruleOf) {
      Optional<AccessLevel> best = Optional.empty();
      for (int r = 0; r < w.roles().size(); r++) {
        Optional<AccessLevel> l = ruleOf.apply(r);
        if (w.activeIn(r, u) && l.isPresent() && (best.isEmpty() || l.get().compareTo(best.get()) > 0)) {
          best = l;
        }
      }
      return best;
    }

    /**
     * {@code u}'s level on resource {@code i} under {@code rule} (SPEC §8, issue 16): hidden with the
     * project; {@code MANAGER} for its creator and project Admins; else the first rule that applies (own
     * and the best role's on the resource combined by the rule, everyone's, the best role's on the kind,
     * the project's on the kind), else the kind's default {@code EDITOR}; capped at {@code VIEWER} for
     * project Viewers, never below the kind's floor ({@code VIEWER} for dashboards). {@code w.rule()} is
     * the rule the world was built under.
     */
    static Level level(World w, int u, int i, ResolutionRule rule) {
      ResourceSpec r = w.content().resources().get(i);
      Access a = access(w, u, r.project(), rule);
      if (a.role().isEmpty()) {
        // Hidden with its project, unless shared: then at the share's level, the project still hidden.
        Optional<AccessLevel> share = share(w, u, i);
        return share.isPresent() ? new Level(share.get(), LevelScope.SHARE, a) : new Level(AccessLevel.NONE, LevelScope.HIDDEN, a);
      }
      if (creator(w, i) == u || a.role().get() == ProjectRole.ADMIN) {
        return new Level(AccessLevel.MANAGER, LevelScope.MANAGER, a);
      }
      int k = 2 * r.project() + r.kind();
      Optional<AccessLevel> own = memberRule(w, u, i);
      Optional<AccessLevel> onResource = roleBest(w, u, x -> r.roles().get(x));
      Optional<AccessLevel> onKind = roleBest(w, u, x -> w.content().roleKindRules().get(x).get(k));
      Optional<AccessLevel> kindRule = w.content().kindRules().get(k);
      LevelScope scope;
      AccessLevel level;
      if (own.isPresent() && (onResource.isEmpty() || rule == ResolutionRule.MOST_SPECIFIC
          || own.get().atLeast(onResource.get()))) {
        scope = LevelScope.OWN;
        level = own.get();
      } else if (onResource.isPresent()) {
        scope = LevelScope.ROLE_ON_RESOURCE;
        level = onResource.get();
      } else if (r.everyone().isPresent()) {
        scope = LevelScope.EVERYONE;
        level = r.everyone().get();
      } else if (onKind.isPresent()) {
        scope = LevelScope.ROLE_ON_KIND;
        level = onKind.get();
      } else if (kindRule.isPresent()) {
        scope = LevelScope.KIND;
        level = kindRule.get();
      } else {
        scope = LevelScope.DEFAULT;
        level = AccessLevel.EDITOR;
      }
      if (a.role().get() == ProjectRole.VIEWER) {
        level = level.cappedAt(AccessLevel.VIEWER);
      }
      AccessLevel floor = r.dashboard() ? AccessLevel.VIEWER : AccessLevel.NONE;
      return new Level(level.atLeast(floor) ? level : floor, scope, a);
    }

    /** A project capability on a resource: the project decision, then the level it needs there. */
    static Decision resource(Level l, Capability c) {
      if (l.level() == AccessLevel.NONE) {
        return Decision.notFound();
      }
      // A share acts as a project Member (EDITOR) or Viewer (VIEWER) on its resource alone.
      Decision d = l.scope() != LevelScope.SHARE ? project(l.project(), c) : project(new Access(
          Optional.of(l.level() == AccessLevel.EDITOR ? ProjectRole.MEMBER : ProjectRole.VIEWER), Reason.RESOURCE_SHARE), c);
      if (!d.allowed()) {
        return d;
      }
      AccessLevel required = c == Capability.VIEW_DATA ? AccessLevel.VIEWER : AccessLevel.EDITOR;
      if (!l.level().atLeast(required)) {
        return Decision.deny(Reason.RESOURCE_LEVEL_TOO_LOW);
      }
      return Decision.allow(l.scope() == LevelScope.MANAGER ? Reason.RESOURCE_MANAGER
          : l.scope() == LevelScope.DEFAULT ? Reason.RESOURCE_DEFAULT
          : l.scope() == LevelScope.SHARE ? Reason.RESOURCE_SHARE : Reason.RESOURCE_RULE);
    }

    /**
     * What switching from {@code from} to {@code to} changes on resources, as "uN resI BEFORE -> AFTER":
     * the members with an own rule on a resource that some role has a rule on, whose level differs.
     */
    static Set<String> resourceChanges(World w, ResolutionRule from, ResolutionRule to) {
      Set<String> changes = new TreeSet<>();
      for (int i = 0; i < w.content().resources().size(); i++) {
        if (w.content().resources().get(i).roles().stream().noneMatch(Optional::isPresent)) {
          continue;
        }
        for (int u = 1; u <= MEMBERS; u++) {
          if (memberRule(w, u, i).isEmpty()) {
            continue;
          }
          AccessLevel before = level(w, u, i, from).level();
          AccessLevel after = level(w, u, i, to).level();
          if (before != after) { // to or from NONE included: the switch may hide or show the resource
            changes.add(levelChange(USERS.get(u), "res" + i, before, after));
          }
        }
      }
      return changes;
    }

    /** What switching from {@code w.rule()} to {@code next} changes, as "uN pN BEFORE -> AFTER". */
    static Set<String> changes(World w, ResolutionRule next) {
      Set<String> changes = new TreeSet<>();
      for (int u = 0; u < USERS.size(); u++) {
        for (int p = 0; p < w.projects().size(); p++) {
          Optional<ProjectRole> before = access(w, u, p, w.rule()).role();
          Optional<ProjectRole> after = access(w, u, p, next).role();
          if (!before.equals(after)) {
            changes.add(change(USERS.get(u), "p" + p, before, after));
          }
        }
      }
      return changes;
    }
  }

  private static String levelChange(UserId u, String resource, AccessLevel before, AccessLevel after) {
    return u + " " + resource + " " + before + " -> " + after;
  }

  private static String change(UserId u, String project, Optional<ProjectRole> before, Optional<ProjectRole> after) {
    return u + " " + project + " " + before.map(Enum::name).orElse("hidden") + " -> "
        + after.map(Enum::name).orElse("hidden");
  }

  // ====================================================================== the built organization

  /** The organization built from a world, with its projects and roles in generation order. */
  record Built(FakeClock clock, AccessPolicy policy, OrgId org, List<ProjectId> projects, List<RoleId> roles,
      List<ResourceRef> resources) {
    String name(ProjectId id) {
      int p = projects.indexOf(id);
      return p >= 0 ? "p" + p : id.value();
    }

    String name(ResourceRef ref) {
      int i = resources.indexOf(ref);
      return i >= 0 ? "res" + i : ref.toString();
    }
  }

  private Built build(World w) {
    return build(w, false);
  }

  /**
   * Builds the world through the public API in a new store, the Owner acting (but for registering
   * resources), with its resources and their rules if {@code withContent}, then moves the clock.
   */
  private Built build(World w, boolean withContent) {
    FakeClock clock = FakeClock.create();
    store = newStore();
    AccessPolicy policy = AccessPolicy.builder().store(store).matrix(MATRIX).clock(clock).build();
    this.policy = policy;
    OrgId org = policy.organizations().create(OWNER, "Acme Corp").id();
    policy.roles().switchResolution(OWNER, org, w.rule());
    for (int u = 1; u <= MEMBERS; u++) {
      OrgFixtures.join(policy, OWNER, org, principal(u), w.level(u));
    }
    List<ProjectId> projects = new ArrayList<>();
    for (int p = 0; p < w.projects().size(); p++) {
      ProjectSpec spec = w.projects().get(p);
      // p0 is the "Default Project" every new organization starts with.
      Project created = p == 0
          ? policy.projects().setVisibility(OWNER, policy.visibleProjects(OWNER, org).get(0).project().id(),
              spec.visibility())
          : OrgFixtures.project(policy, OWNER, org, "Project " + p, spec.visibility());
      if (spec.visibility() == Visibility.OPEN) {
        policy.projects().setDefaultRole(OWNER, created.id(), spec.defaultRole());
      }
      projects.add(created.id());
    }
    for (int u = 1; u <= MEMBERS; u++) {
      for (int p = 0; p < projects.size(); p++) {
        Optional<Grant> g = w.grant(u, p);
        if (g.isPresent()) {
          Optional<Instant> until = g.get().lasting().expiresAt();
          if (until.isPresent()) {
            policy.grants().grant(OWNER, projects.get(p), USERS.get(u), g.get().role(), until.get());
          } else {
            policy.grants().grant(OWNER, projects.get(p), USERS.get(u), g.get().role());
          }
        }
      }
    }
    List<RoleId> roles = new ArrayList<>();
    for (int r = 0; r < w.roles().size(); r++) {
      RoleSpec spec = w.roles().get(r);
      RoleId id = policy.roles().create(OWNER, org, "Role " + r).id();
      for (Capability c : spec.capabilities()) {
        policy.roles().grantCapability(OWNER, id, c);
      }
      for (int p = 0; p < projects.size(); p++) {
        Optional<ProjectRole> g = spec.grants().get(p);
        if (g.isPresent()) {
          policy.roles().grant(OWNER, id, projects.get(p), g.get());
        }
      }
      for (int u = 1; u <= MEMBERS; u++) {
        Optional<Lasting> m = spec.members().get(u - 1);
        if (m.isPresent()) {
          Optional<Instant> until = m.get().expiresAt();
          if (until.isPresent()) {
            policy.roles().addMember(OWNER, id, USERS.get(u), until.get());
          } else {
            policy.roles().addMember(OWNER, id, USERS.get(u));
          }
        }
      }
      roles.add(id);
    }
    List<ResourceRef> resources = new ArrayList<>();
    if (withContent) {
      Content c = w.content();
      for (int p = 0; p < projects.size(); p++) {
        for (int k = 0; k < 2; k++) {
          ProjectId project = projects.get(p);
          String kind = c.kind(k);
          int i = 2 * p + k;
          c.kindRules().get(i).ifPresent(l -> policy.resources().setKindRule(OWNER, project, kind, l));
          for (int r = 0; r < roles.size(); r++) {
            RoleId role = roles.get(r);
            c.roleKindRules().get(r).get(i).ifPresent(l -> policy.roles().setKindLevel(OWNER, role, project, kind, l));
          }
        }
      }
      for (int i = 0; i < c.resources().size(); i++) {
        ResourceSpec spec = c.resources().get(i);
        int ii = i;
        ResourceRef ref = ResourceRef.of(projects.get(spec.project()), c.kind(spec.kind()), "res" + i);
        policy.resources().register(principal(Oracle.creator(w, i)), ref);
        spec.everyone().ifPresent(l -> policy.resources().setEveryoneRule(OWNER, ref, l));
        for (int u = 1; u <= MEMBERS; u++) {
          UserId user = USERS.get(u);
          int uu = u;
          Oracle.share(w, u, i).ifPresentOrElse(l -> policy.resources().share(OWNER, ref, user, l),
              () -> Oracle.memberRule(w, uu, ii).ifPresent(l -> policy.resources().setMemberRule(OWNER, ref, user, l)));
        }
        for (int r = 0; r < roles.size(); r++) {
          RoleId role = roles.get(r);
          spec.roles().get(r).ifPresent(l -> policy.roles().setResourceLevel(OWNER, role, ref, l));
        }
        resources.add(ref);
      }
    }
    clock.advance(Duration.ofHours(w.advanceHours()));
    return new Built(clock, policy, org, List.copyOf(projects), List.copyOf(roles), List.copyOf(resources));
  }

  // ====================================================================================== checks

  private static void require(boolean ok, Supplier<String> what, World w) {
    if (!ok) {
      throw new AssertionError(what.get() + "\nin " + w);
    }
  }

  private static boolean same(Decision actual, Decision expected) {
    return actual.outcome() == expected.outcome() && actual.reason() == expected.reason()
        && (expected.outcome() != Decision.Outcome.NOT_FOUND || actual == Decision.notFound());
  }

  /**
   * Every user's decision on every project for {@link #PROJECT_CAPABILITIES}, its explanation, and
   * {@code visibleProjects} equal the oracle under {@code w.rule()}.
   */
  private static void checkProjects(World w, Built b, String stage) {
    for (int u = 0; u < USERS.size(); u++) {
      Principal who = principal(u);
      List<String> expectedVisible = new ArrayList<>();
      for (int p = 0; p < b.projects().size(); p++) {
        Access a = Oracle.access(w, u, p, w.rule());
        ProjectId project = b.projects().get(p);
        for (Capability c : PROJECT_CAPABILITIES) {
          Decision expected = Oracle.project(a, c);
          Decision d = b.policy().check(who, c, project);
          String at = stage + ": check(u" + u + ", " + c + ", p" + p + ")";
          require(same(d, expected), () -> at + " = " + d + ", expected " + expected + " (" + a + ")", w);
          Explanation e = b.policy().explain(who, c, project);
          require(e.decision() == d, () -> at + " = " + d + " but explain says " + e, w);
        }
        if (a.role().isPresent()) {
          expectedVisible.add("p" + p + " " + a.role().get() + " " + a.reason());
        }
      }
      List<String> visible = b.policy().visibleProjects(who, b.org()).stream()
          .map(v -> b.name(v.project().id()) + " " + v.role() + " " + v.source()).toList();
      int uu = u;
      require(visible.equals(expectedVisible),
          () -> stage + ": visibleProjects(u" + uu + ") = " + visible + ", expected " + expectedVisible, w);
      List<String> paged = new ArrayList<>();
      Page<VisibleProject> page = b.policy().visibleProjects(who, b.org(), PageRequest.first(2));
      page.items().forEach(v -> paged.add(b.name(v.project().id()) + " " + v.role() + " " + v.source()));
      // Bounded: a cursor that does not move on would otherwise page forever.
      for (int n = 0; page.nextCursor().isPresent() && n <= visible.size(); n++) {
        page = b.policy().visibleProjects(who, b.org(), PageRequest.after(page.nextCursor().get(), 2));
        page.items().forEach(v -> paged.add(b.name(v.project().id()) + " " + v.role() + " " + v.source()));
      }
      require(paged.equals(visible), () -> stage + ": visibleProjects(u" + uu + ") in pages of 2 = " + paged
          + ", in one list " + visible, w);
    }
  }

  /**
   * Every user's level on every resource and their decisions there on {@code VIEW_DATA} and
   * {@code CREATE_CONTENT} equal the oracle under {@code rule} (hidden: {@code NOT_FOUND}).
   */
  private static void checkResources(World w, Built b, ResolutionRule rule, String stage) {
    for (int u = 0; u < USERS.size(); u++) {
      Principal who = principal(u);
      for (int i = 0; i < b.resources().size(); i++) {
        Level expected = Oracle.level(w, u, i, rule);
        ResourceRef ref = b.resources().get(i);
        String actual;
        try {
          actual = b.policy().resources().level(who, ref).name();
        } catch (NotFoundException e) {
          actual = "hidden";
        }
        String level = actual;
        String expectedLevel = expected.level() == AccessLevel.NONE ? "hidden" : expected.level().name();
        String at = stage + " (" + rule + "): ";
        int uu = u;
        int ii = i;
        require(level.equals(expectedLevel),
            () -> at + "level(u" + uu + ", res" + ii + ") = " + level + ", expected " + expected, w);
        for (Capability c : List.of(Capability.VIEW_DATA, Capability.CREATE_CONTENT)) {
          Decision d = b.policy().check(who, c, ref);
          Decision e = Oracle.resource(expected, c);
          require(same(d, e), () -> at + "check(u" + uu + ", " + c + ", res" + ii + ") = " + d + ", expected " + e
              + " (level " + expected + ")", w);
        }
      }
    }
  }

  /** {@code previewResourceLevelChanges(to)} in the organization now under {@code from}. */
  private static List<ResourceLevelChange> resourcePreview(World w, Built b, ResolutionRule from,
      ResolutionRule to) {
    return b.policy().roles().previewResourceLevelChanges(OWNER, b.org(), to);
  }

  /** Every user's decision (and explanation) on every organization capability equals the oracle. */
  private static void checkOrganization(World w, Built b, String stage, String label) {
    for (int u = 0; u < USERS.size(); u++) {
      for (Capability c : ORG_CAPABILITIES) {
        Decision expected = Oracle.organization(w, u, c);
        Decision d = b.policy().check(principal(u), c, b.org());
        String at = stage + ": check(u" + u + ", " + c + ", org)";
        require(same(d, expected), () -> at + " = " + d + ", expected " + expected, w);
        Explanation e = b.policy().explain(principal(u), c, b.org());
        require(e.decision() == d, () -> at + " = " + d + " but explain says " + e, w);
        if (label != null && w.level(u) == OrgLevel.MEMBER) {
          Statistics.label(label).collect(d.reason());
        }
      }
    }
  }

  /** Each role lists exactly its generated members, expired ones included, with their expiry, by user id. */
  private static void checkRoleMembers(World w, Built b, String stage) {
    for (int r = 0; r < b.roles().size(); r++) {
      List<String> expected = new ArrayList<>();
      for (int u = 1; u <= MEMBERS; u++) {
        Optional<Lasting> m = w.roles().get(r).members().get(u - 1);
        if (m.isPresent()) {
          expected.add(USERS.get(u) + " until " + m.get().expiresAt().map(Instant::toString).orElse("-"));
        }
      }
      List<String> actual = b.policy().roles().members(OWNER, b.roles().get(r)).stream()
          .map(m -> m.user() + " until " + m.expiresAt().map(Instant::toString).orElse("-")).toList();
      int rr = r;
      require(actual.equals(expected), () -> stage + ": members(r" + rr + ") = " + actual + ", expected " + expected, w);
    }
  }

  private static ResolutionRule other(ResolutionRule rule) {
    return rule == ResolutionRule.HIGHEST_WINS ? ResolutionRule.MOST_SPECIFIC : ResolutionRule.HIGHEST_WINS;
  }

  // ================================================================================== properties

  /**
   * Properties 1 and 2: every project decision and its reason follow the resolution rule, {@code explain}
   * agrees with {@code check}, a hidden project is exactly {@code Decision.notFound()}, and
   * {@code visibleProjects} lists exactly the visible projects with the effective role.
   */
  @Property(tries = 200)
  void projectDecisions_followTheResolutionRule(@ForAll("worlds") World w) {
    Built b = build(w);
    checkProjects(w, b, "after set-up");
    for (int u = 1; u <= MEMBERS; u++) {
      for (int p = 0; p < w.projects().size(); p++) {
        Statistics.label("reasons").collect(b.policy().check(principal(u), Capability.VIEW_DATA, b.projects().get(p))
            .reason());
        Optional<Grant> g = w.grant(u, p);
        if (w.level(u) == OrgLevel.MEMBER && g.isPresent()) {
          boolean expired = !g.get().lasting().liveAfter(w.advanceHours());
          Optional<ProjectRole> viaRole = Oracle.roleBest(w, u, p);
          Statistics.label("own grant").collect(expired ? "expired"
              : viaRole.isEmpty() ? "alone" : viaRole.get().compareTo(g.get().role()) > 0 ? "below a role grant"
              : "at or above a role grant");
        }
      }
    }
    Statistics.label("reasons").coverage(c -> {
      c.check(Reason.ROLE_GRANT).count(n -> n > 0);
      c.check(Reason.EXPLICIT_GRANT).count(n -> n > 0);
      c.check(Reason.DEFAULT_ROLE).count(n -> n > 0);
      c.check(Reason.NOT_FOUND).count(n -> n > 0);
      c.check(Reason.ORG_ADMIN).count(n -> n > 0);
    });
    Statistics.label("own grant").coverage(c -> {
      c.check("expired").count(n -> n > 0);
      c.check("below a role grant").count(n -> n > 0);
    });
  }

  /**
   * Property 3: the preview of a switch to the other rule lists exactly the (member, project) pairs whose
   * effective role the oracle says differs, with before and after and a role that gives the role grant
   * involved; the preview for the current rule is empty; after the switch every decision follows the
   * other rule (so the preview was the actual change), and previewing the way back lists the reverse.
   */
  @Property(tries = 150)
  void previewResolutionChange_isExactlyWhatTheSwitchChanges(@ForAll("worlds") World w) {
    Built b = build(w);
    ResolutionRule next = other(w.rule());
    require(b.policy().roles().previewResolutionChange(OWNER, b.org(), w.rule()).isEmpty(),
        () -> "preview of the current rule " + w.rule() + " is not empty", w);

    List<ResolutionChange> preview = b.policy().roles().previewResolutionChange(OWNER, b.org(), next);
    Set<String> actual = new TreeSet<>();
    for (ResolutionChange c : preview) {
      actual.add(change(c.member(), b.name(c.project()), c.before(), c.after()));
      int u = USERS.indexOf(c.member());
      int p = b.projects().indexOf(c.project());
      int r = b.roles().indexOf(c.via());
      require(u > 0 && p >= 0 && r >= 0 && w.activeIn(r, u)
              && w.roles().get(r).grants().get(p).equals(Oracle.roleBest(w, u, p)),
          () -> "preview names via " + c.via() + " (r" + r + ") for " + c + ", which is not a role giving " + c.member()
              + " their best role grant on " + b.name(c.project()), w);
    }
    Set<String> expected = Oracle.changes(w, next);
    require(actual.equals(expected), () -> "previewResolutionChange(" + next + ") = " + actual + ", expected " + expected,
        w);
    require(preview.size() == actual.size(), () -> "preview lists a pair twice: " + preview, w);
    Statistics.label("changes previewed").collect(expected.isEmpty() ? "none" : "some");
    Statistics.label("changes previewed").coverage(c -> c.check("some").percentage(pct -> pct > 10));

    b.policy().roles().switchResolution(OWNER, b.org(), next);

    World switched = w.withRule(next);
    checkProjects(switched, b, "after switching to " + next);
    Set<String> back = new TreeSet<>();
    b.policy().roles().previewResolutionChange(OWNER, b.org(), w.rule())
        .forEach(c -> back.add(change(c.member(), b.name(c.project()), c.before(), c.after())));
    Set<String> expectedBack = Oracle.changes(switched, w.rule());
    require(back.equals(expectedBack), () -> "after the switch, previewResolutionChange(" + w.rule() + ") = " + back
        + ", expected " + expectedBack, w);
  }

  /**
   * Property 3b: every user's level on every resource, and their {@code VIEW_DATA} and
   * {@code CREATE_CONTENT} decisions there, follow the rules on resources and kinds (own and role rules on
   * a resource combined by the resolution rule); the preview of a switch to the other rule lists exactly
   * the members with an own rule on a resource that a role has a rule on whose level differs, naming a
   * role of theirs with a rule there; the preview for the current rule is empty; after the switch every
   * level follows the other rule, and previewing the way back lists the reverse.
   */
  @Property(tries = 150)
  void resourceLevels_followTheRulesAndTheResolutionRule(@ForAll("worlds") World w) {
    Built b = build(w, true);
    ResolutionRule next = other(w.rule());
    checkResources(w, b, w.rule(), "after set-up");
    checkProjects(w, b, "after set-up with resources"); // a share opens its resource, never its project
    for (int u = 1; u <= MEMBERS; u++) {
      for (int i = 0; i < b.resources().size(); i++) {
        Statistics.label("level set by").collect(Oracle.level(w, u, i, w.rule()).scope());
      }
    }
    require(b.policy().roles().previewResourceLevelChanges(OWNER, b.org(), w.rule()).isEmpty(),
        () -> "previewResourceLevelChanges of the current rule " + w.rule() + " is not empty", w);

    List<ResourceLevelChange> preview = resourcePreview(w, b, w.rule(), next);
    Set<String> actual = new TreeSet<>();
    for (ResourceLevelChange c : preview) {
      actual.add(levelChange(c.member(), b.name(c.resource()), c.before(), c.after()));
      int u = USERS.indexOf(c.member());
      int i = b.resources().indexOf(c.resource());
      int r = b.roles().indexOf(c.via());
      // Where the switch changes the project role (say from a role's ADMIN grant to an own VIEWER grant),
      // the preview names the role whose project grant is involved.
      require(u > 0 && i >= 0 && r >= 0 && w.activeIn(r, u)
              && (w.content().resources().get(i).roles().get(r).isPresent()
                  || w.roles().get(r).grants().get(w.content().resources().get(i).project()).isPresent()),
          () -> "resource preview names via " + c.via() + " (r" + r + ") for " + c + ", which is not a role of "
              + c.member() + " with a rule on " + b.name(c.resource()) + " or a grant on its project", w);
    }
    Set<String> expected = Oracle.resourceChanges(w, w.rule(), next);
    require(actual.equals(expected),
        () -> "previewResourceLevelChanges(" + next + ") = " + actual + ", expected " + expected, w);
    require(preview.size() == actual.size(), () -> "resource preview lists a pair twice: " + preview, w);
    Statistics.label("level changes previewed").collect(expected.isEmpty() ? "none" : "some");
    Statistics.label("level set by").coverage(c -> {
      for (LevelScope scope : LevelScope.values()) {
        c.check(scope).count(n -> n > 0);
      }
    });
    Statistics.label("level changes previewed").coverage(c -> c.check("some").count(n -> n > 0));

    b.policy().roles().switchResolution(OWNER, b.org(), next);

    checkResources(w, b, next, "after switching to " + next);
    Set<String> back = new TreeSet<>();
    resourcePreview(w, b, next, w.rule())
        .forEach(c -> back.add(levelChange(c.member(), b.name(c.resource()), c.before(), c.after())));
    Set<String> expectedBack = Oracle.resourceChanges(w, next, w.rule());
    require(back.equals(expectedBack), () -> "after the switch, previewResourceLevelChanges(" + w.rule() + ") = "
        + back + ", expected " + expectedBack, w);
  }

  /**
   * Property 4: an organization capability is allowed by the level's cell ({@code ORG_LEVEL}) or else by
   * a role the member actively belongs to ({@code ROLE_CAPABILITY}), else denied; also after the Owner
   * gives a random role a random delegable capability, and after taking it away again.
   */
  @Property(tries = 100)
  void orgCapabilities_comeFromTheLevelOrAnActiveRole(@ForAll("worlds") World w,
      @ForAll("delegable") Capability extra, @ForAll @IntRange(min = 0, max = MAX_ROLES - 1) int role) {
    Built b = build(w);
    checkOrganization(w, b, "after set-up", "org reasons (Members)");
    int r = role % w.roles().size();

    b.policy().roles().grantCapability(OWNER, b.roles().get(r), extra);
    World given = w.withRole(r, w.roles().get(r).withCapability(extra, true));
    checkOrganization(given, b, "after r" + r + " was given " + extra, "org reasons (Members)");

    b.policy().roles().revokeCapability(OWNER, b.roles().get(r), extra);
    World taken = w.withRole(r, w.roles().get(r).withCapability(extra, false));
    checkOrganization(taken, b, "after " + extra + " was taken from r" + r, null);
    checkProjects(taken, b, "after " + extra + " was taken from r" + r);
    Statistics.label("org reasons (Members)").coverage(c -> {
      c.check(Reason.ROLE_CAPABILITY).count(n -> n > 0);
      c.check(Reason.ORG_LEVEL).count(n -> n > 0);
      c.check(Reason.LEVEL_TOO_LOW).count(n -> n > 0);
    });
  }

  /**
   * Property 5: removing a member ends their role memberships (the roles no longer list them, the others
   * stay), the removed member sees nothing, and once invited again as a Member they hold nothing through
   * the roles (nor their old grants); everyone else keeps their access.
   */
  @Property(tries = 100)
  void removingAMember_endsTheirRoleMemberships(@ForAll("worlds") World w,
      @ForAll @IntRange(min = 1, max = 4) int removed) {
    Built b = build(w);
    checkRoleMembers(w, b, "after set-up");
    boolean inSomeRole = false;
    for (int r = 0; r < w.roles().size(); r++) {
      inSomeRole |= w.roles().get(r).members().get(removed - 1).isPresent();
    }
    Statistics.label("removed member was in a role").collect(inSomeRole);

    b.policy().members().remove(OWNER, b.org(), USERS.get(removed));

    World back = w.rejoined(removed);
    checkRoleMembers(back, b, "after removing u" + removed);
    for (int p = 0; p < b.projects().size(); p++) {
      for (Capability c : PROJECT_CAPABILITIES) {
        Decision d = b.policy().check(principal(removed), c, b.projects().get(p));
        int pp = p;
        require(d == Decision.notFound(), () -> "removed u" + removed + ": check(" + c + ", p" + pp + ") = " + d, w);
      }
    }

    OrgFixtures.join(b.policy(), OWNER, b.org(), principal(removed), OrgLevel.MEMBER);

    String stage = "after removing u" + removed + " and inviting them again as a Member";
    checkRoleMembers(back, b, stage);
    checkProjects(back, b, stage);
    checkOrganization(back, b, stage, null);
  }

  /** A role operation that must be refused, with the error it must be refused with. */
  enum Attempt {
    MEMBER_ADDS_MEMBER(ErrorCode.PERMISSION_DENIED),
    MEMBER_ADDS_MEMBER_UNTIL(ErrorCode.PERMISSION_DENIED),
    MEMBER_GRANTS(ErrorCode.PERMISSION_DENIED),
    MEMBER_REVOKES(ErrorCode.PERMISSION_DENIED),
    MEMBER_REMOVES_MEMBER(ErrorCode.PERMISSION_DENIED),
    MEMBER_GIVES_CAPABILITY(ErrorCode.PERMISSION_DENIED),
    MEMBER_DELETES(ErrorCode.PERMISSION_DENIED),
    MEMBER_SWITCHES_RESOLUTION(ErrorCode.PERMISSION_DENIED),
    OWNER_DELEGATES_OWNERSHIP(ErrorCode.CAPABILITY_NOT_DELEGABLE),
    OWNER_REMOVES_NON_MEMBER_OF_ROLE(ErrorCode.GRANT_NOT_FOUND),
    OWNER_ADDS_OUTSIDER(ErrorCode.NOT_A_MEMBER),
    OWNER_ADDS_UNTIL_NOW(ErrorCode.EXPIRY_IN_PAST);

    final ErrorCode expected;

    Attempt(ErrorCode expected) {
      this.expected = expected;
    }

    boolean byMember() {
      return name().startsWith("MEMBER_");
    }
  }

  /**
   * Property 6: a refused role operation (a Member, who lacks {@code MANAGE_ROLES}, changing roles; the
   * Owner breaking a rule) is refused with the right error and changes nothing observable: every
   * decision, listing, role, membership, role grant and preview stays as before, and as the oracle says.
   */
  @Property(tries = 120)
  void refusedRoleOperation_changesNothing(@ForAll("worlds") World w, @ForAll Attempt attempt,
      @ForAll @IntRange(min = 0, max = 11) int pick) {
    List<Integer> members = new ArrayList<>();
    for (int u = 1; u <= MEMBERS; u++) {
      if (w.level(u) == OrgLevel.MEMBER) {
        members.add(u);
      }
    }
    Assume.that(!attempt.byMember() || !members.isEmpty());
    Built b = build(w);
    Principal actor = attempt.byMember() ? principal(members.get(pick % members.size())) : OWNER;
    RoleId role = b.roles().get(pick % b.roles().size());
    ProjectId project = b.projects().get(pick % b.projects().size());
    UserId target = USERS.get(1 + pick % MEMBERS);
    Roles roles = b.policy().roles();
    Runnable op = switch (attempt) {
      case MEMBER_ADDS_MEMBER -> () -> roles.addMember(actor, role, target);
      case MEMBER_ADDS_MEMBER_UNTIL -> () -> roles.addMember(actor, role, target, b.clock().instant().plusSeconds(3600));
      case MEMBER_GRANTS -> () -> roles.grant(actor, role, project, ProjectRole.values()[pick % 3]);
      case MEMBER_REVOKES -> () -> roles.revoke(actor, role, project);
      case MEMBER_REMOVES_MEMBER -> () -> roles.removeMember(actor, role, target);
      case MEMBER_GIVES_CAPABILITY -> () -> roles.grantCapability(actor, role, DELEGABLE.get(pick % DELEGABLE.size()));
      case MEMBER_DELETES -> () -> roles.delete(actor, role);
      case MEMBER_SWITCHES_RESOLUTION -> () -> roles.switchResolution(actor, b.org(), other(w.rule()));
      case OWNER_DELEGATES_OWNERSHIP -> () -> roles.grantCapability(OWNER, role,
          pick % 2 == 0 ? Capability.TRANSFER_OWNERSHIP : Capability.DELETE_ORGANIZATION);
      case OWNER_REMOVES_NON_MEMBER_OF_ROLE -> () -> roles.removeMember(OWNER, role, OWNER.userId());
      case OWNER_ADDS_OUTSIDER -> () -> roles.addMember(OWNER, role, UserId.of("outsider"));
      case OWNER_ADDS_UNTIL_NOW -> () -> roles.addMember(OWNER, role, target, b.clock().instant());
    };
    Map<String, Object> before = observe(b);
    ErrorCode code = null;
    try {
      op.run();
    } catch (WardenException e) {
      code = e.code();
    }
    ErrorCode refusedWith = code;
    String what = attempt + " by " + actor.userId() + " (role " + role + ", " + b.name(project) + ", target " + target
        + ")";
    require(refusedWith == attempt.expected,
        () -> what + " ended with " + (refusedWith == null ? "success" : refusedWith) + ", expected " + attempt.expected,
        w);
    Map<String, Object> after = observe(b);
    require(before.equals(after), () -> what + " was refused but changed:\n" + Observed.diff(before, after), w);
    checkProjects(w, b, "after " + what);
    checkOrganization(w, b, "after " + what, null);
    checkRoleMembers(w, b, "after " + what);
    Statistics.label("refused with").collect(refusedWith);
  }

  /** Everything a refused role operation could have changed, as the Owner and each user see it. */
  private static Map<String, Object> observe(Built b) {
    AccessPolicy policy = b.policy();
    Map<String, Object> o = new LinkedHashMap<>();
    for (int u = 0; u < USERS.size(); u++) {
      Principal who = principal(u);
      for (ProjectId project : b.projects()) {
        for (Capability c : PROJECT_CAPABILITIES) {
          o.put("check u" + u + " " + c + " " + b.name(project), policy.check(who, c, project));
        }
      }
      for (Capability c : ORG_CAPABILITIES) {
        o.put("check u" + u + " " + c, policy.check(who, c, b.org()));
      }
      o.put("visible to u" + u, policy.visibleProjects(who, b.org()).stream()
          .map(v -> b.name(v.project().id()) + " " + v.role() + " " + v.source()).toList());
    }
    o.put("roles", policy.roles().list(OWNER, b.org()));
    for (RoleId r : b.roles()) {
      o.put("members of " + r, policy.roles().members(OWNER, r));
      o.put("grants of " + r, policy.roles().grants(OWNER, r));
    }
    o.put("resolution", policy.organizations().get(OWNER, b.org()).settings().resolution());
    for (ResolutionRule rule : ResolutionRule.values()) {
      o.put("preview " + rule, policy.roles().previewResolutionChange(OWNER, b.org(), rule));
    }
    return o;
  }
}
