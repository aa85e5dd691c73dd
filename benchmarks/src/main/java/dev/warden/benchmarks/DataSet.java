package dev.warden.benchmarks;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import com.google.common.collect.ImmutableList;
import dev.warden.matrix.Capability;
import dev.warden.matrix.PermissionMatrix;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.UserId;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import dev.warden.project.Visibility;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * One generated data set, engine-neutral: organizations, members at each level, open and private
 * projects, explicit project grants with and without expiry, and the request mix every engine answers.
 * {@link WardenSide}, {@link CasbinSide} and {@link CedarSide} load the same data with the same meaning.
 *
 * <p>Generation is deterministic (no randomness): the same size always yields the same data, so runs
 * on different machines compare like with like. Every expiry lies a year or half a year after
 * generation, so all access is active while a benchmark runs; jCasbin and Cedar have no notion of time,
 * so an expired grant would have to be removed by the host (see BENCHMARKS.md).
 *
 * <p>Shape of each organization: member 0 is the Owner, {@code max(1, members/100)} are Admins, the rest
 * are Members, every 20th Member with an expiry (an external collaborator). Even projects are open (every
 * fifth open project with default role Viewer, the others Member), odd projects private. Grants go to
 * Member-level users only (an Admin's grant has no effect, §15), roles cycle Viewer/Member/Admin, and
 * every fifth grant has an expiry.
 *
 * <p>Immutable; safe to share between threads.
 */
public final class DataSet {

  /** The data set sizes. */
  public enum Size {
    /** One organization, 10 grants. */
    TINY(1, 10, 5, 10),
    /** One organization, 1k grants. */
    SMALL(1, 100, 20, 1_000),
    /** One organization, 10k grants. */
    MEDIUM(1, 1_000, 100, 10_000),
    /** One organization with 10k members, 1k projects, 100k grants (the spec's §14 organization). */
    LARGE(1, 10_000, 1_000, 100_000),
    /** 10k small organizations: 100k members, 40k projects, 100k grants in all. */
    MANY_ORGS(10_000, 10, 4, 10),
    /** One organization with 10k projects, for {@code visibleProjects}. */
    PROJECTS_10K(1, 1_000, 10_000, 10_000);

    private final int organizations;
    private final int membersPerOrg;
    private final int projectsPerOrg;
    private final int grantsPerOrg;

    Size(int organizations, int membersPerOrg, int projectsPerOrg, int grantsPerOrg) {
      this.organizations = organizations;
      this.membersPerOrg = membersPerOrg;
      this.projectsPerOrg = projectsPerOrg;
      this.grantsPerOrg = grantsPerOrg;
    }

    public int organizations() {
      return organizations;
    }

    public int membersPerOrg() {
      return membersPerOrg;
    }

    public int projectsPerOrg() {
      return projectsPerOrg;
    }

    public int grantsPerOrg() {
      return grantsPerOrg;
    }

    /** Grants in the whole data set. */
    public int totalGrants() {
      return organizations * grantsPerOrg;
    }
  }

  /** An organization. */
  public record Org(OrgId id, int index) {}

  /** A membership. */
  public record Member(OrgId org, UserId user, OrgLevel level, Optional<Instant> expiresAt) {}

  /** A project. */
  public record Project(ProjectId id, OrgId org, Visibility visibility, ProjectRole defaultRole, int index) {
    public boolean open() {
      return visibility == Visibility.OPEN;
    }
  }

  /** An explicit project grant. */
  public record Grant(ProjectId project, UserId user, ProjectRole role, Optional<Instant> expiresAt) {}

  /** What a request of the mix exercises; the expected Warden outcome is part of the kind. */
  public enum Kind {
    /** Explicit, non-expiring Member grant on a private project: ALLOW (EXPLICIT_GRANT). */
    ALLOW_GRANT(Expect.ALLOW),
    /** Explicit grant with an expiry, on a private project: ALLOW (EXPLICIT_GRANT, reads the clock). */
    ALLOW_EXPIRING_GRANT(Expect.ALLOW),
    /** Member without a grant on an open project (default Member): ALLOW (DEFAULT_ROLE). */
    ALLOW_DEFAULT_ROLE(Expect.ALLOW),
    /** Organization Admin on a private project without a grant: ALLOW (ORG_ADMIN). */
    ALLOW_ORG_ADMIN(Expect.ALLOW),
    /** Explicit Viewer grant on an open project whose default is Member: DENY (the grant wins). */
    DENY_EXPLICIT_LOWER(Expect.DENY),
    /** Member without a grant on a private project: NOT_FOUND in Warden, deny elsewhere. */
    HIDDEN_PROJECT(Expect.NOT_FOUND),
    /** Organization-level capability an Admin holds: ALLOW (ORG_LEVEL). */
    ORG_ALLOW(Expect.ALLOW),
    /** Organization-level capability a Member lacks: DENY (LEVEL_TOO_LOW). */
    ORG_DENY(Expect.DENY);

    private final Expect expect;

    Kind(Expect expect) {
      this.expect = expect;
    }

    public Expect expect() {
      return expect;
    }
  }

  /** The expected Warden outcome of a request. */
  public enum Expect {
    ALLOW, DENY, NOT_FOUND
  }

  /**
   * One request of the mix. {@code project} is null for an organization-level capability, whose target
   * is {@code org}.
   */
  public record Request(Kind kind, Expect expect, UserId user, OrgId org, ProjectId project, Capability capability) {
    /** A request of the cache-resident mix: the expected outcome is its kind's. */
    public Request(Kind kind, UserId user, OrgId org, ProjectId project, Capability capability) {
      this(kind, kind.expect(), user, org, project, capability);
    }

    public boolean orgLevel() {
      return project == null;
    }

    @Override
    public String toString() {
      return (kind == null ? "RANDOM_" + expect : kind) + "(" + user + " " + capability + " on "
          + (project == null ? org : project) + ")";
    }
  }

  /**
   * Which request mix a side-by-side benchmark cycles through (the JMH parameter {@code mix}).
   */
  public enum MixKind {
    /**
     * The {@value #MIX_SIZE} requests of {@link #mix()}, one per {@link Kind}, all in the middle
     * organization: a working set of a few cache lines, so the CPU caches stay warm. A best case.
     */
    CACHE_RESIDENT,
    /**
     * The {@value #REALISTIC_MIX_SIZE} requests of {@link #realisticMix()}: drawn with a fixed seed over
     * every member and every project of the data set, half allowed, half denied or hidden.
     */
    REALISTIC
  }

  /**
   * Number of requests in {@link #mix()}, one per {@link Kind}; a compile-time constant because
   * benchmarks use it in {@code @OperationsPerInvocation}.
   */
  public static final int MIX_SIZE = 8;

  /**
   * Number of requests in {@link #realisticMix()}; a power of two, so a benchmark cycles through it with
   * a mask.
   */
  public static final int REALISTIC_MIX_SIZE = 1_024;

  /** The seed of {@link #realisticMix()}: the same size always yields the same requests. */
  public static final long REALISTIC_SEED = 14L;

  private static final Duration GRANT_EXPIRY = Duration.ofDays(365);
  private static final Duration MEMBER_EXPIRY = Duration.ofDays(180);

  private final Size size;
  private final Instant generatedAt;
  private final List<Org> orgs;
  private final List<Member> members;
  private final List<Project> projects;
  private final List<Grant> grants;
  private final OrgId mixOrg;
  private final List<Request> mix;
  private List<Request> realisticMix; // drawn on first use

  private DataSet(Size size, Instant generatedAt) {
    this.size = size;
    this.generatedAt = generatedAt;
    List<Org> o = new ArrayList<>(size.organizations);
    List<Member> m = new ArrayList<>(size.organizations * size.membersPerOrg);
    List<Project> p = new ArrayList<>(size.organizations * size.projectsPerOrg);
    List<Grant> g = new ArrayList<>(size.totalGrants());
    for (int i = 0; i < size.organizations; i++) {
      generateOrg(i, o, m, p, g);
    }
    this.orgs = ImmutableList.copyOf(o);
    this.members = ImmutableList.copyOf(m);
    this.projects = ImmutableList.copyOf(p);
    this.grants = ImmutableList.copyOf(g);
    this.mixOrg = orgs.get(orgs.size() / 2).id();
    this.mix = ImmutableList.copyOf(chooseMix());
  }

  /** Generates the data set of {@code size}; expiries are relative to now. */
  public static DataSet generate(Size size) {
    return new DataSet(size, Instant.now());
  }

  private void generateOrg(int orgIndex, List<Org> o, List<Member> m, List<Project> p, List<Grant> g) {
    OrgId org = OrgId.of("o" + pad5(orgIndex));
    o.add(new Org(org, orgIndex));
    int memberCount = size.membersPerOrg;
    int admins = Math.max(1, memberCount / 100);
    List<UserId> grantees = new ArrayList<>();
    for (int i = 0; i < memberCount; i++) {
      UserId user = UserId.of(org.value() + "-u" + pad5(i));
      OrgLevel level = i == 0 ? OrgLevel.OWNER : i <= admins ? OrgLevel.ADMIN : OrgLevel.MEMBER;
      Optional<Instant> expiry = Optional.empty();
      if (level == OrgLevel.MEMBER) {
        if (grantees.size() % 20 == 19) {
          expiry = Optional.of(generatedAt.plus(MEMBER_EXPIRY));
        }
        grantees.add(user);
      }
      m.add(new Member(org, user, level, expiry));
    }
    int projectCount = size.projectsPerOrg;
    List<ProjectId> ids = new ArrayList<>(projectCount);
    for (int i = 0; i < projectCount; i++) {
      ProjectId id = ProjectId.of(org.value() + "-p" + pad5(i));
      ids.add(id);
      boolean open = i % 2 == 0;
      ProjectRole defaultRole = open && i % 10 == 8 ? ProjectRole.VIEWER : ProjectRole.MEMBER;
      p.add(new Project(id, org, open ? Visibility.OPEN : Visibility.PRIVATE, defaultRole, i));
    }
    // Grant k of grantee u goes to project (u + k * stride) mod P: distinct per user while
    // perUser * stride <= P, spread over every project.
    int perUser = (size.grantsPerOrg + grantees.size() - 1) / grantees.size();
    checkArgument(perUser <= projectCount, "more grants per user (%s) than projects (%s)", perUser, projectCount);
    int stride = Math.max(1, projectCount / perUser);
    ProjectRole[] roles = ProjectRole.values();
    for (int n = 0; n < size.grantsPerOrg; n++) {
      int u = n % grantees.size();
      int k = n / grantees.size();
      ProjectId project = ids.get((u + k * stride) % projectCount);
      ProjectRole role = roles[(u + k) % roles.length];
      Optional<Instant> expiry = n % 5 == 4 ? Optional.of(generatedAt.plus(GRANT_EXPIRY)) : Optional.empty();
      g.add(new Grant(project, grantees.get(u), role, expiry));
    }
  }

  /** {@code n} zero-padded to five digits (ids sort like their numbers); String.format is slow here. */
  private static String pad5(int n) {
    String digits = Integer.toString(n);
    return digits.length() >= 5 ? digits : "00000".substring(digits.length()) + digits;
  }

  /**
   * Picks one request of each {@link Kind} in the organization in the middle of the data set, searching
   * from the middle of each list, so no engine is measured on a best-case first element.
   */
  private List<Request> chooseMix() {
    Map<UserId, Member> memberByUser = new HashMap<>();
    List<Member> orgMembers = new ArrayList<>();
    for (Member m : members) {
      if (m.org().equals(mixOrg)) {
        memberByUser.put(m.user(), m);
        orgMembers.add(m);
      }
    }
    Map<ProjectId, Project> projectById = new HashMap<>();
    List<Project> orgProjects = new ArrayList<>();
    for (Project p : projects) {
      if (p.org().equals(mixOrg)) {
        projectById.put(p.id(), p);
        orgProjects.add(p);
      }
    }
    List<Grant> orgGrants = grants.stream().filter(g -> projectById.containsKey(g.project())).toList();
    Set<String> granted = new HashSet<>();
    for (Grant g : orgGrants) {
      granted.add(g.user().value() + "|" + g.project().value());
    }
    Predicate<Member> plainMember = m -> m.level() == OrgLevel.MEMBER && m.expiresAt().isEmpty();
    Member admin = middle(orgMembers, m -> m.level() == OrgLevel.ADMIN, "an Admin");
    Member member = middle(orgMembers, plainMember, "a Member");

    List<Request> chosen = new ArrayList<>();
    Grant plain = middle(orgGrants, g -> g.role() == ProjectRole.MEMBER && g.expiresAt().isEmpty()
        && !projectById.get(g.project()).open(), "a Member grant on a private project");
    chosen.add(new Request(Kind.ALLOW_GRANT, plain.user(), mixOrg, plain.project(), Capability.CREATE_CONTENT));
    Grant expiring = middle(orgGrants, g -> g.expiresAt().isPresent() && !projectById.get(g.project()).open(),
        "an expiring grant on a private project");
    chosen.add(new Request(Kind.ALLOW_EXPIRING_GRANT, expiring.user(), mixOrg, expiring.project(), Capability.VIEW_DATA));
    Project open = middle(orgProjects, p -> p.open() && p.defaultRole() == ProjectRole.MEMBER
        && !granted.contains(member.user().value() + "|" + p.id().value()), "an open project without a grant");
    chosen.add(new Request(Kind.ALLOW_DEFAULT_ROLE, member.user(), mixOrg, open.id(), Capability.USE_FEATURE_FLAGS));
    Project closed = middle(orgProjects, p -> !p.open(), "a private project");
    chosen.add(new Request(Kind.ALLOW_ORG_ADMIN, admin.user(), mixOrg, closed.id(), Capability.MANAGE_PROJECT_ACCESS));
    Grant lower = middle(orgGrants, g -> g.role() == ProjectRole.VIEWER && projectById.get(g.project()).open()
        && projectById.get(g.project()).defaultRole() == ProjectRole.MEMBER,
        "a Viewer grant on an open project with default Member");
    chosen.add(new Request(Kind.DENY_EXPLICIT_LOWER, lower.user(), mixOrg, lower.project(), Capability.CREATE_CONTENT));
    Project hidden = middle(orgProjects, p -> !p.open()
        && !granted.contains(member.user().value() + "|" + p.id().value()), "a private project without a grant");
    chosen.add(new Request(Kind.HIDDEN_PROJECT, member.user(), mixOrg, hidden.id(), Capability.VIEW_DATA));
    chosen.add(new Request(Kind.ORG_ALLOW, admin.user(), mixOrg, null, Capability.MANAGE_MEMBERS));
    chosen.add(new Request(Kind.ORG_DENY, member.user(), mixOrg, null, Capability.CREATE_PROJECT));
    checkState(chosen.size() == MIX_SIZE && Kind.values().length == MIX_SIZE, "mix must have one request per kind");
    return chosen;
  }

  private static <T> T middle(List<T> items, Predicate<T> wanted, String what) {
    int n = items.size();
    for (int i = 0; i < n; i++) {
      T item = items.get((n / 2 + i) % n);
      if (wanted.test(item)) {
        return item;
      }
    }
    throw new IllegalStateException("data set has no " + what + " for the request mix");
  }

  public Size size() {
    return size;
  }

  /** The instant every expiry is relative to. */
  public Instant generatedAt() {
    return generatedAt;
  }

  public List<Org> orgs() {
    return orgs;
  }

  /** Every membership, organization by organization; the Owner first in each. */
  public List<Member> members() {
    return members;
  }

  /** Every project, in creation order within each organization. */
  public List<Project> projects() {
    return projects;
  }

  public List<Grant> grants() {
    return grants;
  }

  /** The organization the request mix targets (the one in the middle). */
  public OrgId mixOrg() {
    return mixOrg;
  }

  /** The Owner of {@code org}. */
  public UserId owner(OrgId org) {
    return members.stream()
        .filter(m -> m.org().equals(org) && m.level() == OrgLevel.OWNER)
        .findFirst()
        .map(Member::user)
        .orElseThrow(() -> new IllegalStateException("the data set has no Owner in " + org));
  }

  /** One request per {@link Kind}, in declaration order: the cache-resident mix. */
  public List<Request> mix() {
    return mix;
  }

  /** The requests of {@code kind} of mix. */
  public List<Request> mix(MixKind kind) {
    return kind == MixKind.CACHE_RESIDENT ? mix() : realisticMix();
  }

  /**
   * The realistic mix: {@value #REALISTIC_MIX_SIZE} project-level requests drawn with the fixed seed
   * {@value #REALISTIC_SEED}: a member uniformly over every member of the data set, a project uniformly
   * over every project of that member's organization (over all 1k projects at {@code LARGE}), a
   * capability uniformly over the project capabilities. Draws are kept until half the mix is allowed and
   * half is not (denied, or hidden: {@code NOT_FOUND}), then shuffled with the same seed. Each request's
   * expected outcome comes from {@link #expected}, a reference model independent of every engine.
   */
  public synchronized List<Request> realisticMix() {
    if (realisticMix == null) {
      realisticMix = ImmutableList.copyOf(drawRealisticMix());
    }
    return realisticMix;
  }

  private List<Request> drawRealisticMix() {
    Map<OrgId, List<Project>> projectsByOrg = new HashMap<>();
    for (Project p : projects) {
      projectsByOrg.computeIfAbsent(p.org(), k -> new ArrayList<>()).add(p);
    }
    Reference reference = reference();
    List<Capability> projectCapabilities = new ArrayList<>();
    for (Capability c : PermissionMatrix.posthog().capabilities()) {
      if (c.scope() == Capability.Scope.PROJECT) {
        projectCapabilities.add(c);
      }
    }
    java.util.Random random = new java.util.Random(REALISTIC_SEED);
    int half = REALISTIC_MIX_SIZE / 2;
    List<Request> allowed = new ArrayList<>(half);
    List<Request> refused = new ArrayList<>(half);
    while (allowed.size() < half || refused.size() < half) {
      Member m = members.get(random.nextInt(members.size()));
      List<Project> orgProjects = projectsByOrg.get(m.org());
      Project p = orgProjects.get(random.nextInt(orgProjects.size()));
      Capability c = projectCapabilities.get(random.nextInt(projectCapabilities.size()));
      Expect expect = reference.expect(m.user(), c, p.id());
      List<Request> bucket = expect == Expect.ALLOW ? allowed : refused;
      if (bucket.size() < half) {
        bucket.add(new Request(null, expect, m.user(), m.org(), p.id(), c));
      }
    }
    List<Request> all = new ArrayList<>(allowed);
    all.addAll(refused);
    java.util.Collections.shuffle(all, random);
    return all;
  }

  /** The reference model of the data set: Warden's rules, written out plainly (see {@link #expected}). */
  Reference reference() {
    return new Reference(this);
  }

  /**
   * Warden's rules on this data set, written out plainly and independently of every engine: an Admin or
   * Owner is an implicit project Admin; otherwise an explicit grant's role; otherwise an open project's
   * default role; otherwise the project is hidden ({@code NOT_FOUND}). The role (or level) is then looked
   * up in {@link dev.warden.matrix.PermissionMatrix#posthog()}. Every expiry lies in the future during a
   * run, so time plays no part.
   */
  static final class Reference {
    private final Map<UserId, Member> members = new HashMap<>();
    private final Map<ProjectId, Project> projects = new HashMap<>();
    private final Map<UserId, Map<ProjectId, ProjectRole>> grants = new HashMap<>();
    private final dev.warden.matrix.PermissionMatrix matrix = dev.warden.matrix.PermissionMatrix.posthog();

    private Reference(DataSet data) {
      data.members.forEach(m -> members.put(m.user(), m));
      data.projects.forEach(p -> projects.put(p.id(), p));
      data.grants.forEach(g -> grants.computeIfAbsent(g.user(), k -> new HashMap<>()).put(g.project(), g.role()));
    }

    /** The effective project role of {@code user} on {@code project}, or null when it is hidden from them. */
    ProjectRole role(UserId user, ProjectId project) {
      Member m = members.get(user);
      Project p = projects.get(project);
      if (m == null || p == null || !m.org().equals(p.org())) {
        return null;
      }
      if (m.level().atLeast(OrgLevel.ADMIN)) {
        return ProjectRole.ADMIN;
      }
      ProjectRole granted = grants.getOrDefault(user, Map.of()).get(project);
      if (granted != null) {
        return granted;
      }
      return p.open() ? p.defaultRole() : null;
    }

    /** The expected Warden outcome of a request ({@code project} null: organization capability). */
    Expect expect(UserId user, Capability capability, ProjectId project) {
      if (project == null) {
        Member m = members.get(user);
        return m == null ? Expect.NOT_FOUND : matrix.allows(m.level(), capability) ? Expect.ALLOW : Expect.DENY;
      }
      ProjectRole role = role(user, project);
      return role == null ? Expect.NOT_FOUND : matrix.allows(role, capability) ? Expect.ALLOW : Expect.DENY;
    }
  }

  @Override
  public String toString() {
    return "DataSet[" + size + ": " + orgs.size() + " organizations, " + members.size() + " members, "
        + projects.size() + " projects, " + grants.size() + " grants]";
  }
}
