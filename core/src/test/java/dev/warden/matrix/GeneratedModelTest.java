package dev.warden.matrix;

import dev.warden.AccessPolicy;
import dev.warden.Decision;
import dev.warden.Decision.Outcome;
import dev.warden.NotFoundException;
import dev.warden.Principal;
import dev.warden.apikey.ApiScope;
import dev.warden.invite.InviteRequest;
import dev.warden.matrix.Capability.Scope;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.OwnershipRule;
import dev.warden.organization.UserId;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import dev.warden.project.Visibility;
import dev.warden.project.VisibleProject;
import dev.warden.report.AccessHolder;
import dev.warden.resource.AccessLevel;
import dev.warden.resource.ResourceRef;
import dev.warden.testing.FakeClock;
import dev.warden.testing.WardenArbitraries;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Randomly generated permission models (issue 15).
 *
 * <p>{@link #build_acceptsExactlyTheValidModels} generates host models (capabilities of the three
 * scopes with random API scopes, resource kinds with random defaults, floors and capability tables,
 * assignments closed upward with the Owner and the project Admin holding everything) and breaks some of
 * them with random mutations; an oracle written from {@link PermissionMatrix.Builder#build()}'s Javadoc
 * decides whether the model is valid, and {@code build()} must succeed exactly then, or else list every
 * problem. {@link #checks_agreeWithEachOtherAndWithTheSpec} runs a small organization under a generated
 * valid model and compares {@code check}, {@code explain}, {@code whoCan} and {@code visibleProjects}
 * with each other and with SPEC §2.3 / §8 written out here. {@link #wrongTargets_throwIllegalArgument}
 * states the programming errors of SPEC §2.4.
 *
 * <p>Capability names come from a bounded pool ({@code cap_0} … {@code cap_399}, kinds {@code k0} …
 * {@code k3}, {@code kz0}, {@code kz1}) because capabilities are interned JVM-wide.
 */
class GeneratedModelTest {

  private static final int NAME_POOL = 400;
  private static final List<String> KINDS = List.of("k0", "k1", "k2", "k3");
  /** Kinds no generated model declares. */
  private static final List<String> UNDECLARED_KINDS = List.of("kz0", "kz1");
  private static final List<String> OBJECTS = List.of("obj_a", "obj_b", "invoice", "report");
  private static final List<OrgLevel> LEVELS = List.of(OrgLevel.MEMBER, OrgLevel.ADMIN, OrgLevel.OWNER);
  private static final List<ProjectRole> ROLES = List.of(ProjectRole.VIEWER, ProjectRole.MEMBER, ProjectRole.ADMIN);
  private static final PermissionMatrix LIFECYCLE = PermissionMatrix.lifecycle();
  /** Warden's own capabilities, in the order {@code builder()} declares them. */
  private static final List<Capability> OWN = List.copyOf(LIFECYCLE.capabilities());
  private static final int USERS = WardenArbitraries.USER_POOL_SIZE;

  // ====================================================================================== the genome

  record CapGene(int name, Scope scope, int kind, int object, boolean write) {}

  /** A kind's settings; {@code requires} is read by position over the capabilities that apply to it. */
  record KindGene(AccessLevel defaultLevel, boolean floorViewer, List<Optional<AccessLevel>> requires) {}

  enum MutationType {
    DROP_VIEW_DATA, DROP_VIEW_ORGANIZATION, LOWER_HOLDS_MORE, TOGGLE_CELL, GRANT_UNDECLARED, UNDECLARED_KIND,
    DUPLICATE_NAME, OWNER_LEAVES, DROP_KIND, KIND_REQUIRES_UNDECLARED, REDECLARE_SCOPE, TOP_LACKS
  }

  record Mutation(MutationType type, int a, int b, int c) {}

  /**
   * A model as the choices that make it: the generated capabilities, which kinds are declared beyond
   * those the resource capabilities need, each kind's settings, the tier of each declared capability
   * (by position: 0 = lowest level/role and up, 1 = the middle one and up, 2 = the top only), who may
   * leave, ownership, new-project visibility, and the mutations applied afterwards.
   */
  record Genome(List<CapGene> caps, List<Boolean> extraKinds, List<KindGene> kinds, List<Integer> tiers,
      int leaves, OwnershipRule ownership, Visibility newProjects, List<Mutation> mutations) {}

  private static Arbitrary<Genome> genomes(boolean mutate) {
    Arbitrary<CapGene> cap = Combinators.combine(Arbitraries.integers().between(0, NAME_POOL - 1),
        Arbitraries.of(Scope.class), Arbitraries.integers().between(0, KINDS.size() - 1),
        Arbitraries.integers().between(0, OBJECTS.size() - 1), Arbitraries.of(true, false)).as(CapGene::new);
    Arbitrary<KindGene> kind = Combinators.combine(Arbitraries.of(AccessLevel.class), Arbitraries.of(true, false),
        Arbitraries.of(AccessLevel.VIEWER, AccessLevel.EDITOR, AccessLevel.MANAGER).optional(0.4).list().ofSize(16))
        .as(KindGene::new);
    Arbitrary<Mutation> mutation = Combinators.combine(Arbitraries.of(MutationType.class),
        Arbitraries.integers().between(0, 999), Arbitraries.integers().between(0, 999),
        Arbitraries.integers().between(0, 999)).as(Mutation::new);
    Arbitrary<List<Mutation>> mutations = mutate
        ? Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.just(List.<Mutation>of())),
            Tuple.of(3, mutation.list().ofMinSize(1).ofMaxSize(3)))
        : Arbitraries.just(List.of());
    return Combinators.combine(cap.list().ofMaxSize(8).uniqueElements(CapGene::name),
        Arbitraries.of(true, false).list().ofSize(KINDS.size()), kind.list().ofSize(KINDS.size()),
        Arbitraries.integers().between(0, 2).list().ofSize(40), Arbitraries.integers().between(0, 3),
        Arbitraries.of(OwnershipRule.class), Arbitraries.of(Visibility.class), mutations).as(Genome::new);
  }

  @Provide
  Arbitrary<Genome> anyModels() {
    return genomes(true);
  }

  @Provide
  Arbitrary<Genome> validModels() {
    return genomes(false);
  }

  // ==================================================================================== the model

  record KindSpec(String name, AccessLevel defaultLevel, AccessLevel minimumLevel,
      LinkedHashMap<Capability, AccessLevel> requires) {
    ResourceKind toKind() {
      return new ResourceKind(name, defaultLevel, minimumLevel, requires);
    }

    /** SPEC §8 / ResourceKind: the listed level, else {@code MANAGER}. */
    AccessLevel required(Capability c) {
      AccessLevel l = requires.get(c);
      return l == null ? AccessLevel.MANAGER : l;
    }

    @Override
    public String toString() {
      return name + "(default " + defaultLevel + ", min " + minimumLevel + ", requires " + requires + ")";
    }
  }

  /** A model as plain data, built into a {@link PermissionMatrix.Builder} by {@link #builder()}. */
  static final class ModelSpec {
    final LinkedHashMap<Capability, ApiScope> declared = new LinkedHashMap<>();
    final LinkedHashMap<String, KindSpec> kinds = new LinkedHashMap<>();
    final Map<OrgLevel, Set<Capability>> levels = new EnumMap<>(OrgLevel.class);
    final Map<ProjectRole, Set<Capability>> roles = new EnumMap<>(ProjectRole.class);
    OwnershipRule ownership;
    Visibility newProjects;
    final List<String> mutations = new ArrayList<>();

    ModelSpec() {
      LEVELS.forEach(l -> levels.put(l, new LinkedHashSet<>()));
      ROLES.forEach(r -> roles.put(r, new LinkedHashSet<>()));
      for (Capability c : OWN) {
        declared.put(c, LIFECYCLE.apiScope(c));
      }
    }

    PermissionMatrix.Builder builder() {
      PermissionMatrix.Builder b = PermissionMatrix.builder();
      declared.forEach((c, scope) -> {
        if (!OWN.contains(c) || !LIFECYCLE.apiScope(c).equals(scope)) {
          b.capability(c, scope.toString(), description(c));
        }
      });
      kinds.values().forEach(k -> b.kind(k.toKind()));
      levels.forEach((l, caps) -> b.grant(l, caps.toArray(Capability[]::new)));
      roles.forEach((r, caps) -> b.grant(r, caps.toArray(Capability[]::new)));
      return b.ownership(ownership).newProjectVisibility(newProjects);
    }

    boolean holds(OrgLevel level, Capability c) {
      return levels.get(level).contains(c);
    }

    boolean holds(ProjectRole role, Capability c) {
      return roles.get(role).contains(c);
    }

    List<Capability> declaredOf(Scope scope) {
      return declared.keySet().stream().filter(c -> c.scope() == scope).toList();
    }

    List<Capability> declaredNonOrg() {
      return declared.keySet().stream().filter(c -> c.scope() != Scope.ORGANIZATION).toList();
    }

    @Override
    public String toString() {
      StringBuilder s = new StringBuilder("Model[declared ");
      s.append(declared.entrySet().stream().filter(e -> !OWN.contains(e.getKey()) || !LIFECYCLE.apiScope(e.getKey())
          .equals(e.getValue())).map(e -> describe(e.getKey()) + "=" + e.getValue()).toList());
      s.append(", kinds ").append(kinds.values());
      levels.forEach((l, caps) -> s.append(", ").append(l).append('=').append(caps));
      roles.forEach((r, caps) -> s.append(", ").append(r).append('=').append(caps));
      return s.append(", ").append(ownership).append(", new projects ").append(newProjects).append(", mutations ")
          .append(mutations).append(']').toString();
    }
  }

  static String description(Capability c) {
    return "generated " + describe(c);
  }

  static String describe(Capability c) {
    return c.name() + "(" + c.scope().name().toLowerCase() + c.kind().map(k -> " " + k).orElse("") + ")";
  }

  static String poolName(int i) {
    return "cap_" + Math.floorMod(i, NAME_POOL);
  }

  static Capability capability(Scope scope, String name, String kind) {
    return switch (scope) {
      case ORGANIZATION -> Capability.organization(name);
      case PROJECT -> Capability.project(name);
      case RESOURCE -> Capability.resource(kind, name);
    };
  }

  static <T> T pick(List<T> list, int i) {
    return list.get(Math.floorMod(i, list.size()));
  }

  /** The valid model a genome describes, then its mutations. */
  static ModelSpec model(Genome g) {
    ModelSpec s = new ModelSpec();
    for (CapGene cg : g.caps()) {
      Capability c = capability(cg.scope(), poolName(cg.name()), KINDS.get(cg.kind()));
      s.declared.put(c, new ApiScope(OBJECTS.get(cg.object()), cg.write()));
    }
    Set<String> used = s.declared.keySet().stream().flatMap(c -> c.kind().stream()).collect(Collectors.toSet());
    for (int i = 0; i < KINDS.size(); i++) {
      String name = KINDS.get(i);
      if (!g.extraKinds().get(i) && !used.contains(name)) {
        continue;
      }
      KindGene kg = g.kinds().get(i);
      LinkedHashMap<Capability, AccessLevel> requires = new LinkedHashMap<>();
      int pos = 0;
      for (Capability c : s.declared.keySet()) {
        if (c.scope() == Scope.PROJECT || (c.scope() == Scope.RESOURCE && c.kind().get().equals(name))) {
          kg.requires().get(pos++ % kg.requires().size()).ifPresent(l -> requires.put(c, l));
        }
      }
      s.kinds.put(name, new KindSpec(name, kg.defaultLevel(), kg.floorViewer() ? AccessLevel.VIEWER : AccessLevel.NONE,
          requires));
    }
    int pos = 0;
    for (Capability c : s.declared.keySet()) {
      int tier = g.tiers().get(pos++ % g.tiers().size());
      if (c == Capability.VIEW_ORGANIZATION || c == Capability.VIEW_DATA) {
        tier = 0;
      }
      if (c == Capability.LEAVE_ORGANIZATION) {
        if ((g.leaves() & 1) != 0) {
          s.levels.get(OrgLevel.MEMBER).add(c);
        }
        if ((g.leaves() & 2) != 0) {
          s.levels.get(OrgLevel.ADMIN).add(c);
        }
        continue;
      }
      if (c.scope() == Scope.ORGANIZATION) {
        for (int i = tier; i < LEVELS.size(); i++) {
          s.levels.get(LEVELS.get(i)).add(c);
        }
      } else {
        for (int i = tier; i < ROLES.size(); i++) {
          s.roles.get(ROLES.get(i)).add(c);
        }
      }
    }
    s.ownership = g.ownership();
    s.newProjects = g.newProjects();
    for (Mutation m : g.mutations()) {
      mutate(s, m);
    }
    return s;
  }

  private static void mutate(ModelSpec s, Mutation m) {
    int a = m.a();
    int b = m.b();
    int c = m.c();
    String what;
    switch (m.type()) {
      case DROP_VIEW_DATA -> {
        ProjectRole role = pick(ROLES, a);
        s.roles.get(role).remove(Capability.VIEW_DATA);
        what = "drop VIEW_DATA from " + role;
      }
      case DROP_VIEW_ORGANIZATION -> {
        OrgLevel level = pick(LEVELS, a);
        s.levels.get(level).remove(Capability.VIEW_ORGANIZATION);
        what = "drop VIEW_ORGANIZATION from " + level;
      }
      case LOWER_HOLDS_MORE -> {
        int pair = Math.floorMod(b / 2, 2);
        if (b % 2 == 0) {
          List<Capability> caps = s.declaredOf(Scope.ORGANIZATION).stream()
              .filter(x -> x != Capability.LEAVE_ORGANIZATION).toList();
          Capability cap = pick(caps, a);
          s.levels.get(LEVELS.get(pair)).add(cap);
          s.levels.get(LEVELS.get(pair + 1)).remove(cap);
          what = LEVELS.get(pair) + " holds " + cap + ", " + LEVELS.get(pair + 1) + " not";
        } else {
          Capability cap = pick(s.declaredNonOrg(), a);
          s.roles.get(ROLES.get(pair)).add(cap);
          s.roles.get(ROLES.get(pair + 1)).remove(cap);
          what = ROLES.get(pair) + " holds " + cap + ", " + ROLES.get(pair + 1) + " not";
        }
      }
      case TOGGLE_CELL -> {
        Set<Capability> cell;
        Capability cap;
        Object holder;
        if (b % 2 == 0) {
          holder = pick(LEVELS, c);
          cell = s.levels.get((OrgLevel) holder);
          cap = pick(s.declaredOf(Scope.ORGANIZATION), a);
        } else {
          holder = pick(ROLES, c);
          cell = s.roles.get((ProjectRole) holder);
          cap = pick(s.declaredNonOrg(), a);
        }
        boolean had = !cell.add(cap);
        if (had) {
          cell.remove(cap);
        }
        what = "toggle " + holder + " x " + cap + (had ? " off" : " on");
      }
      case GRANT_UNDECLARED -> {
        Scope scope = pick(List.of(Scope.values()), b);
        Capability cap = capability(scope, poolName(a), pick(KINDS, c));
        if (s.declared.containsKey(cap)) {
          what = "grant undeclared: " + describe(cap) + " is declared, nothing";
        } else if (scope == Scope.ORGANIZATION) {
          s.levels.get(pick(LEVELS, c)).add(cap);
          what = "grant undeclared " + describe(cap) + " to " + pick(LEVELS, c);
        } else {
          s.roles.get(pick(ROLES, c)).add(cap);
          what = "grant undeclared " + describe(cap) + " to " + pick(ROLES, c);
        }
      }
      case UNDECLARED_KIND -> {
        Capability cap = Capability.resource(pick(UNDECLARED_KINDS, b), poolName(a));
        s.declared.put(cap, new ApiScope(pick(OBJECTS, c), c % 2 == 0));
        if (c % 3 != 0) {
          s.roles.get(ProjectRole.ADMIN).add(cap);
        }
        what = "declare " + describe(cap) + (c % 3 != 0 ? " held by project ADMIN" : "");
      }
      case DUPLICATE_NAME -> {
        Capability existing = pick(List.copyOf(s.declared.keySet()), a);
        List<Capability> variants = new ArrayList<>();
        variants.add(Capability.organization(existing.name()));
        variants.add(Capability.project(existing.name()));
        KINDS.forEach(k -> variants.add(Capability.resource(k, existing.name())));
        variants.removeIf(s.declared::containsKey);
        Capability twin = pick(variants, b);
        s.declared.put(twin, new ApiScope(pick(OBJECTS, c), true));
        boolean held = c % 2 == 0;
        if (held && twin.scope() == Scope.ORGANIZATION) {
          s.levels.get(OrgLevel.OWNER).add(twin);
        } else if (held) {
          s.roles.get(ProjectRole.ADMIN).add(twin);
        }
        what = "declare " + describe(twin) + " beside " + describe(existing) + (held ? ", held at the top" : "");
      }
      case OWNER_LEAVES -> {
        s.levels.get(OrgLevel.OWNER).add(Capability.LEAVE_ORGANIZATION);
        what = "OWNER holds LEAVE_ORGANIZATION";
      }
      case DROP_KIND -> {
        if (s.kinds.isEmpty()) {
          what = "drop a kind: none";
        } else {
          String kind = pick(List.copyOf(s.kinds.keySet()), a);
          s.kinds.remove(kind);
          what = "drop kind " + kind;
        }
      }
      case KIND_REQUIRES_UNDECLARED -> {
        Capability cap = Capability.project(poolName(b));
        if (s.kinds.isEmpty() || s.declared.containsKey(cap)) {
          what = "kind requires undeclared: nothing";
        } else {
          KindSpec kind = pick(List.copyOf(s.kinds.values()), a);
          kind.requires().put(cap, pick(List.of(AccessLevel.VIEWER, AccessLevel.EDITOR, AccessLevel.MANAGER), c));
          what = "kind " + kind.name() + " requires undeclared " + cap;
        }
      }
      case REDECLARE_SCOPE -> {
        Capability cap = pick(List.copyOf(s.declared.keySet()), a);
        ApiScope scope = new ApiScope(pick(OBJECTS, b), c % 2 == 0);
        s.declared.put(cap, scope);
        what = "redeclare " + cap + " needing " + scope;
      }
      case TOP_LACKS -> {
        if (b % 2 == 0) {
          Capability cap = pick(s.declaredOf(Scope.ORGANIZATION), a);
          s.levels.get(OrgLevel.OWNER).remove(cap);
          what = "OWNER lacks " + cap;
        } else {
          Capability cap = pick(s.declaredNonOrg(), a);
          s.roles.get(ProjectRole.ADMIN).remove(cap);
          what = "project ADMIN lacks " + cap;
        }
      }
      default -> throw new AssertionError(m);
    }
    s.mutations.add(what);
  }

  // ====================================================================== the validation oracle

  /** One broken rule, with the words the builder's message must name for it. */
  record Problem(String rule, List<String> mentions) {
    @Override
    public String toString() {
      return rule + " " + mentions;
    }
  }

  /**
   * Every problem of the model, one per item the Javadoc's rules name (a holder and a capability, a
   * kind and a capability, a duplicate name, ...) and one per pair of adjacent levels or roles where
   * the higher lacks something of the lower.
   */
  static List<Problem> problems(ModelSpec s) {
    List<Problem> p = new ArrayList<>();
    Set<String> names = new LinkedHashSet<>();
    for (Capability c : s.declared.keySet()) {
      if (!names.add(c.name())) {
        p.add(new Problem("names are unique", List.of(c.name())));
      }
      if (c.scope() == Scope.RESOURCE && !s.kinds.containsKey(c.kind().get())) {
        p.add(new Problem("a resource capability's kind is declared", List.of(c.name(), c.kind().get())));
      }
    }
    for (Capability c : OWN) {
      if (!s.declared.containsKey(c)) {
        p.add(new Problem("Warden's own capabilities are declared", List.of(c.name())));
      }
    }
    s.levels.forEach((l, caps) -> caps.stream().filter(c -> !s.declared.containsKey(c))
        .forEach(c -> p.add(new Problem("assigned capabilities are declared", List.of(l.name(), c.name())))));
    s.roles.forEach((r, caps) -> caps.stream().filter(c -> !s.declared.containsKey(c))
        .forEach(c -> p.add(new Problem("assigned capabilities are declared", List.of(r.name(), c.name())))));
    for (KindSpec k : s.kinds.values()) {
      k.requires().keySet().stream().filter(c -> !s.declared.containsKey(c))
          .forEach(c -> p.add(new Problem("a kind's capabilities are declared", List.of(k.name(), c.name()))));
    }
    for (OrgLevel l : LEVELS) {
      if (!s.holds(l, Capability.VIEW_ORGANIZATION)) {
        p.add(new Problem("every level holds VIEW_ORGANIZATION", List.of(l.name(), "VIEW_ORGANIZATION")));
      }
    }
    for (int i = 1; i < LEVELS.size(); i++) {
      OrgLevel higher = LEVELS.get(i);
      List<String> missing = s.levels.get(LEVELS.get(i - 1)).stream()
          .filter(c -> c != Capability.LEAVE_ORGANIZATION && !s.holds(higher, c)).map(Capability::name).toList();
      if (!missing.isEmpty()) {
        List<String> m = new ArrayList<>(missing);
        m.add(higher.name());
        p.add(new Problem("a higher level holds what a lower one does", m));
      }
    }
    if (s.holds(OrgLevel.OWNER, Capability.LEAVE_ORGANIZATION)) {
      p.add(new Problem("the Owner never holds LEAVE_ORGANIZATION", List.of("OWNER", "LEAVE_ORGANIZATION")));
    }
    for (Capability c : s.declaredOf(Scope.ORGANIZATION)) {
      if (c != Capability.LEAVE_ORGANIZATION && !s.holds(OrgLevel.OWNER, c)) {
        p.add(new Problem("the Owner holds every organization capability", List.of("OWNER", c.name())));
      }
    }
    for (ProjectRole r : ROLES) {
      if (!s.holds(r, Capability.VIEW_DATA)) {
        p.add(new Problem("every role holds VIEW_DATA", List.of(r.name(), "VIEW_DATA")));
      }
    }
    for (int i = 1; i < ROLES.size(); i++) {
      ProjectRole higher = ROLES.get(i);
      List<String> missing = s.roles.get(ROLES.get(i - 1)).stream().filter(c -> !s.holds(higher, c))
          .map(Capability::name).toList();
      if (!missing.isEmpty()) {
        List<String> m = new ArrayList<>(missing);
        m.add(higher.name());
        p.add(new Problem("a higher role holds what a lower one does", m));
      }
    }
    for (Capability c : s.declaredNonOrg()) {
      if (!s.holds(ProjectRole.ADMIN, c)) {
        p.add(new Problem("the project Admin holds every project and resource capability", List.of("ADMIN", c.name())));
      }
    }
    return p;
  }

  /** The same rules as {@link #problems}, stated as set inclusions over every pair: valid or not. */
  static boolean valid(ModelSpec s) {
    Set<String> names = new LinkedHashSet<>();
    for (Capability c : s.declared.keySet()) {
      if (!names.add(c.name()) || c.kind().filter(k -> !s.kinds.containsKey(k)).isPresent()) {
        return false;
      }
    }
    Set<Capability> assigned = new LinkedHashSet<>();
    s.levels.values().forEach(assigned::addAll);
    s.roles.values().forEach(assigned::addAll);
    s.kinds.values().forEach(k -> assigned.addAll(k.requires().keySet()));
    if (!s.declared.keySet().containsAll(assigned) || !s.declared.keySet().containsAll(OWN)) {
      return false;
    }
    for (int lo = 0; lo < LEVELS.size(); lo++) {
      Set<Capability> lower = new LinkedHashSet<>(s.levels.get(LEVELS.get(lo)));
      lower.remove(Capability.LEAVE_ORGANIZATION);
      if (!s.holds(LEVELS.get(lo), Capability.VIEW_ORGANIZATION)) {
        return false;
      }
      for (int hi = lo + 1; hi < LEVELS.size(); hi++) {
        if (!s.levels.get(LEVELS.get(hi)).containsAll(lower)) {
          return false;
        }
      }
    }
    Set<Capability> orgCaps = new LinkedHashSet<>(s.declaredOf(Scope.ORGANIZATION));
    orgCaps.remove(Capability.LEAVE_ORGANIZATION);
    if (!s.levels.get(OrgLevel.OWNER).equals(orgCaps)) {
      return false; // every organization capability but LEAVE_ORGANIZATION, and (declared) nothing else
    }
    for (int lo = 0; lo < ROLES.size(); lo++) {
      if (!s.holds(ROLES.get(lo), Capability.VIEW_DATA)) {
        return false;
      }
      for (int hi = lo + 1; hi < ROLES.size(); hi++) {
        if (!s.roles.get(ROLES.get(hi)).containsAll(s.roles.get(ROLES.get(lo)))) {
          return false;
        }
      }
    }
    return s.roles.get(ProjectRole.ADMIN).containsAll(s.declaredNonOrg());
  }

  private static boolean mentions(String message, String word) {
    return Pattern.compile("(?<![A-Za-z0-9_.:-])" + Pattern.quote(word) + "(?![A-Za-z0-9_.:-])").matcher(message).find();
  }

  // ============================================================== property 1: validation is exact

  @Property(tries = 100, edgeCases = EdgeCasesMode.NONE)
  void build_acceptsExactlyTheValidModels(@ForAll("anyModels") Genome g) {
    ModelSpec s = model(g);
    List<Problem> problems = problems(s);
    boolean valid = valid(s);
    check(valid == problems.isEmpty(), "[oracle self-check] valid=" + valid + " problems " + problems, s);
    Statistics.label("validity").collect(valid ? "valid" : "invalid");
    problems.stream().map(Problem::rule).distinct().forEach(r -> Statistics.label("broken rules").collect(r));

    PermissionMatrix m;
    try {
      m = s.builder().build();
    } catch (IllegalArgumentException e) {
      String message = e.getMessage();
      check(!problems.isEmpty(), "[build accepts every valid model] refused: " + message, s);
      for (Problem p : problems) {
        for (String word : p.mentions()) {
          check(mentions(message, word), "[build lists every problem] message does not name " + word + " for " + p
              + "\nmessage: " + message, s);
        }
      }
      String listed = message.substring(message.indexOf(':') + 1);
      int count = listed.split("; ").length;
      check(count == problems.size(), "[build lists every problem] " + count + " listed, expected " + problems.size()
          + " " + problems + "\nmessage: " + message, s);
      return;
    }
    check(problems.isEmpty(), "[build refuses every invalid model] built despite " + problems, s);

    PermissionMatrix again = m.toBuilder().build();
    check(again.equals(m) && m.equals(again) && again.hashCode() == m.hashCode(),
        "[toBuilder().build() round-trips] " + again + " vs " + m, s);
    check(List.copyOf(m.capabilities()).equals(List.copyOf(s.declared.keySet())),
        "[capabilities() in declaration order] " + m.capabilities(), s);
    check(m.apiScopes().equals(s.declared), "[apiScopes()] " + m.apiScopes(), s);
    for (OrgLevel l : LEVELS) {
      check(m.capabilities(l).equals(s.levels.get(l)), "[capabilities(" + l + ")] " + m.capabilities(l), s);
      check(again.capabilities(l).equals(s.levels.get(l)), "[round trip capabilities(" + l + ")]", s);
    }
    for (ProjectRole r : ROLES) {
      check(m.capabilities(r).equals(s.roles.get(r)), "[capabilities(" + r + ")] " + m.capabilities(r), s);
      check(again.capabilities(r).equals(s.roles.get(r)), "[round trip capabilities(" + r + ")]", s);
    }
    for (Map.Entry<Capability, ApiScope> e : s.declared.entrySet()) {
      Capability c = e.getKey();
      check(m.capability(c.name()).equals(Optional.of(c)), "[capability(name)] " + c.name() + " -> "
          + m.capability(c.name()), s);
      check(m.apiScope(c).equals(e.getValue()), "[apiScope] " + c + " -> " + m.apiScope(c), s);
      check(m.requireCapability(c) == c, "[requireCapability]", s);
      if (!OWN.contains(c) || !LIFECYCLE.apiScope(c).equals(e.getValue())) {
        check(m.description(c).equals(description(c)), "[description] " + c + " -> " + m.description(c), s);
      }
      if (c.scope() == Scope.ORGANIZATION) {
        for (OrgLevel l : LEVELS) {
          check(m.allows(l, c) == s.holds(l, c), "[allows(" + l + ", " + c + ")]", s);
        }
      } else {
        for (ProjectRole r : ROLES) {
          check(m.allows(r, c) == s.holds(r, c), "[allows(" + r + ", " + c + ")]", s);
        }
      }
    }
    for (int i = 0; i < NAME_POOL; i += 37) {
      String name = poolName(i);
      boolean declared = s.declared.keySet().stream().anyMatch(c -> c.name().equals(name));
      check(m.capability(name).isPresent() == declared, "[capability(name) of an undeclared name] " + name, s);
    }
    check(List.copyOf(m.resourceKinds().keySet()).equals(List.copyOf(s.kinds.keySet())),
        "[resourceKinds()] " + m.resourceKinds().keySet(), s);
    for (KindSpec k : s.kinds.values()) {
      check(m.resourceKind(k.name()).equals(k.toKind()), "[resourceKind(" + k.name() + ")]", s);
      for (Capability c : s.declaredNonOrg()) {
        if (c.appliesTo(k.name())) {
          check(m.resourceKind(k.name()).required(c) == k.required(c), "[required " + k.name() + " " + c + "]", s);
        }
      }
    }
    check(m.ownership() == s.ownership && m.newProjectVisibility() == s.newProjects, "[ownership, visibility]", s);
    Statistics.label("valid model sizes").collect(s.declared.size() - OWN.size(), s.kinds.size());
  }

  private static void check(boolean ok, String what, Object context) {
    if (!ok) {
      throw new AssertionError(what + "\nin " + context);
    }
  }

  // ====================================================== property 2: the checks agree on valid models

  record UserSpec(Optional<OrgLevel> level, boolean expired) {
    @Override
    public String toString() {
      return level.map(l -> l + (expired ? " (expired)" : "")).orElse("non-member");
    }
  }

  record ProjectSpec(Visibility visibility, ProjectRole defaultRole) {
    @Override
    public String toString() {
      return visibility + "/" + defaultRole;
    }
  }

  record GrantSpec(Optional<ProjectRole> role, boolean expired) {
    @Override
    public String toString() {
      return role.map(r -> r + (expired ? " (expired)" : "")).orElse("-");
    }
  }

  record ResourceSpec(int project, int kind, int creator, Optional<AccessLevel> everyone,
      List<Optional<AccessLevel>> members) {}

  /**
   * u0 is the Owner; u1..u4 as {@code users}; projects (the first is the "Default Project"); grants by
   * (user 1..4, project) at {@code (u - 1) * 3 + p}; kind rules by (project, kind) at {@code p * 4 + k};
   * resources.
   */
  record OrgSpec(List<UserSpec> users, List<ProjectSpec> projects, List<GrantSpec> grants,
      List<Optional<AccessLevel>> kindRules, List<ResourceSpec> resources) {}

  @Provide
  Arbitrary<OrgSpec> organizations() {
    Arbitrary<UserSpec> user = Combinators.combine(
        Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(Optional.<OrgLevel>empty())),
            Tuple.of(6, Arbitraries.just(Optional.of(OrgLevel.MEMBER))),
            Tuple.of(2, Arbitraries.just(Optional.of(OrgLevel.ADMIN))),
            Tuple.of(1, Arbitraries.just(Optional.of(OrgLevel.OWNER)))),
        Arbitraries.integers().between(0, 5).map(i -> i == 0)).as(UserSpec::new);
    Arbitrary<ProjectSpec> project = Combinators.combine(Arbitraries.of(Visibility.class),
        Arbitraries.frequency(Tuple.of(2, ProjectRole.VIEWER), Tuple.of(3, ProjectRole.MEMBER),
            Tuple.of(1, ProjectRole.ADMIN))).as(ProjectSpec::new);
    Arbitrary<GrantSpec> grant = Combinators.combine(
        Arbitraries.frequency(Tuple.of(3, ProjectRole.VIEWER), Tuple.of(3, ProjectRole.MEMBER),
            Tuple.of(1, ProjectRole.ADMIN)).optional(0.4),
        Arbitraries.integers().between(0, 4).map(i -> i == 0)).as(GrantSpec::new);
    Arbitrary<Optional<AccessLevel>> rule = Arbitraries.of(AccessLevel.class).optional(0.3);
    Arbitrary<ResourceSpec> resource = Combinators.combine(Arbitraries.integers().between(0, 2),
        Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, USERS - 1), rule,
        rule.list().ofSize(USERS)).as(ResourceSpec::new);
    return Combinators.combine(user.list().ofSize(USERS - 1), project.list().ofMinSize(1).ofMaxSize(3),
        grant.list().ofSize((USERS - 1) * 3), rule.list().ofSize(3 * KINDS.size()),
        resource.list().ofMaxSize(4)).as(OrgSpec::new);
  }

  /** The organization as set up, with what the oracle needs that setup decided (creators, rules set). */
  static final class World {
    final ModelSpec model;
    final OrgSpec org;
    final List<ProjectId> projects = new ArrayList<>();
    final List<ResourceRef> resources = new ArrayList<>();
    final List<KindSpec> resourceKinds = new ArrayList<>();
    final List<Integer> resourceProjects = new ArrayList<>();
    final List<Integer> creators = new ArrayList<>();
    final List<Map<Integer, AccessLevel>> memberRules = new ArrayList<>();

    World(ModelSpec model, OrgSpec org) {
      this.model = model;
      this.org = org;
    }

    /** u's level, as invited (an Owner under single ownership is invited as an Admin). */
    Optional<OrgLevel> level(int u) {
      if (u == 0) {
        return Optional.of(OrgLevel.OWNER);
      }
      return org.users().get(u - 1).level()
          .map(l -> l == OrgLevel.OWNER && model.ownership == OwnershipRule.SINGLE ? OrgLevel.ADMIN : l);
    }

    boolean membershipExpires(int u) {
      return u != 0 && org.users().get(u - 1).expired() && level(u).filter(l -> l != OrgLevel.OWNER).isPresent();
    }

    /** The active level at check time (after expiries), or empty. */
    Optional<OrgLevel> activeLevel(int u) {
      return membershipExpires(u) ? Optional.empty() : level(u);
    }

    GrantSpec grant(int u, int p) {
      return org.grants().get((u - 1) * 3 + p);
    }

    /** SPEC §2.3: the effective role of u on project p, before or after the expiries. */
    Optional<ProjectRole> role(int u, int p, boolean afterExpiry) {
      Optional<OrgLevel> level = afterExpiry ? activeLevel(u) : level(u);
      if (level.isEmpty()) {
        return Optional.empty();
      }
      if (level.get().compareTo(OrgLevel.ADMIN) >= 0) {
        return Optional.of(ProjectRole.ADMIN);
      }
      GrantSpec g = grant(u, p);
      if (g.role().isPresent() && !(afterExpiry && g.expired())) {
        return g.role();
      }
      ProjectSpec spec = org.projects().get(p);
      return spec.visibility() == Visibility.OPEN ? Optional.of(spec.defaultRole()) : Optional.empty();
    }

    Optional<AccessLevel> kindRule(int p, String kind) {
      return org.kindRules().get(p * KINDS.size() + KINDS.indexOf(kind));
    }

    Outcome org(int u, Capability c) {
      Optional<OrgLevel> level = activeLevel(u);
      return level.isEmpty() ? Outcome.NOT_FOUND : model.holds(level.get(), c) ? Outcome.ALLOW : Outcome.DENY;
    }

    Outcome project(int u, int p, Capability c) {
      Optional<ProjectRole> role = role(u, p, true);
      return role.isEmpty() ? Outcome.NOT_FOUND : model.holds(role.get(), c) ? Outcome.ALLOW : Outcome.DENY;
    }

    /** SPEC §8 with the kind's default, floor and table. */
    AccessLevel resourceLevel(int u, int r) {
      Optional<ProjectRole> role = role(u, resourceProjects.get(r), true);
      if (role.isEmpty()) {
        return AccessLevel.NONE;
      }
      if (creators.get(r) == u || role.get() == ProjectRole.ADMIN) {
        return AccessLevel.MANAGER;
      }
      KindSpec kind = resourceKinds.get(r);
      AccessLevel level = Optional.ofNullable(memberRules.get(r).get(u))
          .or(() -> org.resources().get(r).everyone())
          .or(() -> kindRule(resourceProjects.get(r), kind.name()))
          .orElse(kind.defaultLevel());
      if (role.get() == ProjectRole.VIEWER && level.compareTo(AccessLevel.VIEWER) > 0) {
        level = AccessLevel.VIEWER;
      }
      if (level.compareTo(kind.minimumLevel()) < 0) {
        level = kind.minimumLevel();
      }
      return level;
    }

    Outcome resource(int u, int r, Capability c) {
      Optional<ProjectRole> role = role(u, resourceProjects.get(r), true);
      AccessLevel level = resourceLevel(u, r);
      if (role.isEmpty() || level == AccessLevel.NONE) {
        return Outcome.NOT_FOUND;
      }
      if (!model.holds(role.get(), c)) {
        return Outcome.DENY;
      }
      return level.compareTo(resourceKinds.get(r).required(c)) >= 0 ? Outcome.ALLOW : Outcome.DENY;
    }

    @Override
    public String toString() {
      StringBuilder s = new StringBuilder("World[").append(model).append("\n  users u1..u4 ").append(org.users())
          .append(", projects ").append(org.projects()).append(", grants (u1: p0..p2, u2: ...) ").append(org.grants())
          .append(", kind rules (p0: k0..k3, p1: ...) ").append(org.kindRules());
      for (int r = 0; r < resources.size(); r++) {
        s.append("\n  ").append(resources.get(r)).append(" in p").append(resourceProjects.get(r)).append(" by u")
            .append(creators.get(r)).append(", everyone ").append(org.resources().get(r).everyone())
            .append(", member rules ").append(memberRules.get(r));
      }
      return s.append(']').toString();
    }
  }

  @Property(tries = 100, edgeCases = EdgeCasesMode.NONE)
  void checks_agreeWithEachOtherAndWithTheSpec(@ForAll("validModels") Genome g, @ForAll("organizations") OrgSpec o) {
    ModelSpec spec = model(g);
    PermissionMatrix m = spec.builder().build();
    World w = new World(spec, o);
    FakeClock clock = FakeClock.create();
    try (AccessPolicy policy = AccessPolicy.builder().matrix(m).clock(clock).build()) {
      OrgId org = setUp(policy, clock, w);
      for (int u = 0; u < USERS; u++) {
        Principal p = WardenArbitraries.principal(u);
        UserId user = WardenArbitraries.user(u);
        for (Capability c : m.capabilities()) {
          if (c.scope() == Scope.ORGANIZATION) {
            agree(w, u, c, org, w.org(u, c), policy.check(p, c, org), () -> policy.explain(p, c, org).decision(),
                () -> policy.whoCan(c, org));
            continue;
          }
          if (c.scope() == Scope.PROJECT) {
            for (int i = 0; i < w.projects.size(); i++) {
              ProjectId project = w.projects.get(i);
              agree(w, u, c, project, w.project(u, i, c), policy.check(p, c, project),
                  () -> policy.explain(p, c, project).decision(), () -> policy.whoCan(c, project));
            }
          }
          for (int r = 0; r < w.resources.size(); r++) {
            ResourceRef ref = w.resources.get(r);
            if (c.appliesTo(ref.kind())) {
              Outcome expected = w.resource(u, r, c);
              agree(w, u, c, ref, expected, policy.check(p, c, ref), () -> policy.explain(p, c, ref).decision(),
                  () -> policy.whoCan(c, ref));
              Statistics.label("resource outcomes").collect(expected + " " + c.scope());
            }
          }
        }
        Set<ProjectId> visible = new LinkedHashSet<>();
        try {
          for (VisibleProject v : policy.visibleProjects(user, org)) {
            visible.add(v.project().id());
            int i = w.projects.indexOf(v.project().id());
            check(i >= 0 && w.role(u, i, true).equals(Optional.of(v.role())),
                "[visibleProjects role] u" + u + " sees " + v + ", expected role " + (i < 0 ? "?" : w.role(u, i, true)), w);
          }
        } catch (NotFoundException notActive) {
          check(w.activeLevel(u).isEmpty(), "[visibleProjects] NOT_FOUND for active u" + u, w);
        }
        Set<ProjectId> seen = new LinkedHashSet<>();
        for (ProjectId project : w.projects) {
          if (policy.check(p, Capability.VIEW_DATA, project).outcome() != Outcome.NOT_FOUND) {
            seen.add(project);
          }
        }
        check(visible.equals(seen), "[visibleProjects = not NOT_FOUND for VIEW_DATA] u" + u + ": " + visible + " vs "
            + seen, w);
      }
    }
  }

  /**
   * check = explain().decision(), the outcome is the oracle's, and u is listed by whoCan iff allowed.
   */
  private static void agree(World w, int u, Capability c, Object target, Outcome expected, Decision d,
      Supplier<Decision> explained, Supplier<List<AccessHolder>> whoCan) {
    String at = "u" + u + " " + c + " on " + target + ": ";
    Decision e = explained.get();
    check(d.equals(e), "[check = explain().decision()] " + at + d + " vs " + e, w);
    check(d.outcome() == expected, "[oracle] " + at + d + ", expected " + expected, w);
    Set<UserId> holders = new TreeSet<>((a, b) -> a.value().compareTo(b.value()));
    whoCan.get().forEach(h -> holders.add(h.user()));
    check(holders.contains(WardenArbitraries.user(u)) == d.allowed(),
        "[whoCan lists exactly the allowed] " + at + d + ", whoCan " + holders, w);
  }

  /** Sets the organization up as {@code w} says, the Owner u0 acting, then lets the expiring lapse. */
  private static OrgId setUp(AccessPolicy policy, FakeClock clock, World w) {
    OrgSpec o = w.org;
    Principal owner = WardenArbitraries.principal(0);
    OrgId org = policy.organizations().create(owner, "Acme Corp").id();
    w.projects.add(policy.visibleProjects(owner, org).get(0).project().id());
    for (int i = 1; i < o.projects().size(); i++) {
      w.projects.add(policy.projects().create(owner, org, "Project " + i).id());
    }
    for (int i = 0; i < o.projects().size(); i++) {
      policy.projects().setVisibility(owner, w.projects.get(i), o.projects().get(i).visibility());
      policy.projects().setDefaultRole(owner, w.projects.get(i), o.projects().get(i).defaultRole());
    }
    for (int u = 1; u < USERS; u++) {
      Optional<OrgLevel> level = w.level(u);
      if (level.isEmpty()) {
        continue;
      }
      UserId user = WardenArbitraries.user(u);
      String email = WardenArbitraries.emailOf(user);
      policy.invites().accept(policy.invites().create(owner, org, InviteRequest.to(email).level(level.get())).token(),
          WardenArbitraries.principal(u), email);
      for (int i = 0; i < o.projects().size(); i++) {
        GrantSpec g = w.grant(u, i);
        if (g.role().isEmpty()) {
          continue;
        }
        if (g.expired()) {
          policy.grants().grant(owner, w.projects.get(i), user, g.role().get(), clock.instant().plus(Duration.ofHours(1)));
        } else {
          policy.grants().grant(owner, w.projects.get(i), user, g.role().get());
        }
      }
    }
    List<String> kinds = List.copyOf(w.model.kinds.keySet());
    for (int i = 0; i < o.projects().size(); i++) {
      for (String kind : kinds) {
        Optional<AccessLevel> rule = w.kindRule(i, kind);
        if (rule.isPresent()) {
          policy.resources().setKindRule(owner, w.projects.get(i), kind, rule.get());
        }
      }
    }
    if (!kinds.isEmpty()) {
      for (int r = 0; r < o.resources().size(); r++) {
        ResourceSpec rs = o.resources().get(r);
        int p = rs.project() % o.projects().size();
        KindSpec kind = w.model.kinds.get(pick(kinds, rs.kind()));
        ResourceRef ref = ResourceRef.of(w.projects.get(p), kind.name(), "r" + r);
        // The creator registers it if their role holds CREATE_CONTENT there (SPEC §8), else the Owner.
        int creator = w.role(rs.creator(), p, false).filter(role -> w.model.holds(role, Capability.CREATE_CONTENT))
            .isPresent() ? rs.creator() : 0;
        check(policy.resources().register(WardenArbitraries.principal(creator), ref).creator()
            .equals(WardenArbitraries.user(creator)), "[register] creator", w);
        rs.everyone().ifPresent(l -> policy.resources().setEveryoneRule(owner, ref, l));
        Map<Integer, AccessLevel> rules = new LinkedHashMap<>();
        for (int u = 0; u < USERS; u++) {
          Optional<AccessLevel> rule = rs.members().get(u);
          if (rule.isPresent() && w.role(u, p, false).isPresent()) {
            policy.resources().setMemberRule(owner, ref, WardenArbitraries.user(u), rule.get());
            rules.put(u, rule.get());
          }
        }
        w.resources.add(ref);
        w.resourceKinds.add(kind);
        w.resourceProjects.add(p);
        w.creators.add(creator);
        w.memberRules.add(rules);
      }
    }
    for (int u = 1; u < USERS; u++) {
      if (w.membershipExpires(u)) {
        policy.members().setExpiry(owner, org, WardenArbitraries.user(u), clock.instant().plus(Duration.ofHours(1)));
      }
    }
    clock.advance(Duration.ofHours(1));
    return org;
  }

  // ============================================================== property 3: wrong targets throw

  /** A valid model with at least two kinds, each with a resource capability of its own. */
  static ModelSpec withTwoKinds(ModelSpec s) {
    for (int i = 0; i < 2; i++) {
      String kind = KINDS.get(i);
      s.kinds.putIfAbsent(kind, new KindSpec(kind, AccessLevel.EDITOR, AccessLevel.NONE, new LinkedHashMap<>()));
      Capability own = Capability.resource(kind, "wrong_target_" + i);
      s.declared.put(own, new ApiScope("obj_a", false));
      s.roles.get(ProjectRole.ADMIN).add(own);
    }
    return s;
  }

  @Property(tries = 50, edgeCases = EdgeCasesMode.NONE)
  void wrongTargets_throwIllegalArgument(@ForAll("validModels") Genome g, @ForAll int a, @ForAll int b) {
    ModelSpec s = withTwoKinds(model(g));
    PermissionMatrix m = s.builder().build();
    try (AccessPolicy policy = AccessPolicy.builder().matrix(m).clock(FakeClock.create()).build()) {
      Principal owner = WardenArbitraries.principal(0);
      OrgId org = policy.organizations().create(owner, "Acme Corp").id();
      ProjectId project = policy.visibleProjects(owner, org).get(0).project().id();
      List<String> kinds = List.copyOf(s.kinds.keySet());

      // An organization capability on a project or a resource.
      Capability orgCap = pick(s.declaredOf(Scope.ORGANIZATION), a);
      ResourceRef anyRef = ResourceRef.of(project, pick(kinds, b), "x");
      throwsOn(policy, owner, orgCap, project, s);
      throwsOn(policy, owner, orgCap, anyRef, s);
      check(policy.check(owner, orgCap, org).outcome() != null, "[control]", s);

      // A project capability on an organization.
      Capability projectCap = pick(s.declaredOf(Scope.PROJECT), a);
      throwsOn(policy, owner, projectCap, org, s);
      policy.check(owner, projectCap, project);
      policy.check(owner, projectCap, anyRef);

      // A resource capability of kind A on a ResourceRef of kind B, on a project, on an organization.
      Capability resourceCap = pick(s.declaredOf(Scope.RESOURCE), b);
      String kindA = resourceCap.kind().get();
      String kindB = pick(kinds.stream().filter(k -> !k.equals(kindA)).toList(), a);
      throwsOn(policy, owner, resourceCap, ResourceRef.of(project, kindB, "x"), s);
      throwsOn(policy, owner, resourceCap, project, s);
      throwsOn(policy, owner, resourceCap, org, s);
      check(policy.check(owner, resourceCap, ResourceRef.of(project, kindA, "x")).outcome() == Outcome.NOT_FOUND,
          "[control] unregistered resource of the capability's kind answers NOT_FOUND", s);

      // A capability the model lacks, even on the target its scope names.
      for (Scope scope : Scope.values()) {
        Capability missing = capability(scope, poolName(a + scope.ordinal()), kindA);
        if (s.declared.containsKey(missing)) {
          continue;
        }
        switch (scope) {
          case ORGANIZATION -> throwsOn(policy, owner, missing, org, s);
          case PROJECT -> {
            throwsOn(policy, owner, missing, project, s);
            throwsOn(policy, owner, missing, ResourceRef.of(project, kindA, "x"), s);
          }
          case RESOURCE -> throwsOn(policy, owner, missing, ResourceRef.of(project, kindA, "x"), s);
        }
      }

      // A ResourceRef of a kind the model lacks.
      ResourceRef unknownKind = ResourceRef.of(project, pick(UNDECLARED_KINDS, b), "x");
      throwsOn(policy, owner, Capability.VIEW_DATA, unknownKind, s);
      throwsOn(policy, owner, projectCap, unknownKind, s);
    }
  }

  /** Every check-like call on {@code target} throws {@link IllegalArgumentException}. */
  private static void throwsOn(AccessPolicy policy, Principal p, Capability c, Object target, ModelSpec s) {
    List<Runnable> calls;
    if (target instanceof OrgId org) {
      calls = List.of(() -> policy.check(p, c, org), () -> policy.checkConsistent(p, c, org),
          () -> policy.explain(p, c, org), () -> policy.require(p, c, org), () -> policy.whoCan(c, org));
    } else if (target instanceof ProjectId project) {
      calls = List.of(() -> policy.check(p, c, project), () -> policy.checkConsistent(p, c, project),
          () -> policy.explain(p, c, project), () -> policy.require(p, c, project), () -> policy.whoCan(c, project));
    } else {
      ResourceRef ref = (ResourceRef) target;
      calls = List.of(() -> policy.check(p, c, ref), () -> policy.explain(p, c, ref),
          () -> policy.require(p, c, ref), () -> policy.whoCan(c, ref));
    }
    for (int i = 0; i < calls.size(); i++) {
      try {
        calls.get(i).run();
      } catch (IllegalArgumentException expected) {
        continue;
      } catch (RuntimeException other) {
        throw new AssertionError("[wrong target] call #" + i + " with " + describe(c) + " on " + target
            + " threw " + other + " instead of IllegalArgumentException\nin " + s, other);
      }
      throw new AssertionError("[wrong target] call #" + i + " with " + describe(c) + " on " + target
          + " did not throw\nin " + s);
    }
  }
}
