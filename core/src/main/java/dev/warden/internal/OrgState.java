package dev.warden.internal;

import static com.google.common.base.Preconditions.checkState;

import com.google.common.collect.AbstractIterator;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.warden.internal.persistent.HashTrie;
import dev.warden.internal.persistent.OrderedMap;
import dev.warden.matrix.Capability;
import dev.warden.organization.EmailAddress;
import dev.warden.organization.Membership;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.Organization;
import dev.warden.organization.UserId;
import dev.warden.project.Project;
import dev.warden.project.ProjectGrant;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import dev.warden.project.Visibility;
import dev.warden.role.Role;
import dev.warden.role.RoleGrant;
import dev.warden.role.RoleId;
import dev.warden.role.RoleMember;
import dev.warden.role.RoleRule;
import dev.warden.resource.AccessLevel;
import dev.warden.resource.Resource;
import dev.warden.resource.ResourceRef;
import dev.warden.resource.ResourceRule;
import dev.warden.spi.StoreOrder;
import dev.warden.spi.Transaction;
import java.time.Instant;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * An immutable snapshot of one organization at one revision: everything a check reads. Checks never
 * touch the store; mutations publish a new snapshot, made by {@linkplain #replay replaying} their writes
 * on the previous one.
 *
 * <p>Every map is persistent ({@link OrderedMap}, {@link HashTrie}): a new revision shares all it does
 * not change with the previous one, so publishing after one change costs O(log n) in the
 * organization's size, and lookups are hash-trie probes. Besides the maps a check reads (members,
 * projects with their grants, resources with their rules) the snapshot keeps the indexes that keep
 * mutations, reports and lists in proportion to what they touch: the Admins and Owners, the number of
 * Owners, each user's grants and resource rules, each project's resources (by kind, in creation order),
 * each user's created resources, the shared resources, the memberships and grants that carry an expiry,
 * members by email, roles by name and by member. Not API.
 */
public final class OrgState {
  private static final ImmutableMap<String, AccessLevel> NO_KIND_RULES = ImmutableMap.of();
  /** Projects in creation order ({@link StoreOrder#PROJECTS}). */
  private static final Comparator<ProjectState> IN_CREATION_ORDER =
      (a, b) -> StoreOrder.PROJECTS.compare(a.project(), b.project());
  /** A project's resources by kind, then in creation order ({@link StoreOrder#RESOURCES} within one kind). */
  private static final Comparator<Resource> BY_KIND = Comparator.comparing((Resource r) -> r.ref().kind())
      .thenComparing(Resource::createdAt)
      .thenComparing(r -> r.ref().id());

  private final Organization organization;
  private final long revision;
  private final OrderedMap<UserId, Membership> members;
  private final OrderedMap<UserId, Membership> admins;
  private final int owners;
  /** The users with each email, in user order (usually one). */
  private final HashTrie<EmailAddress, ImmutableList<UserId>> byEmail;
  private final OrderedMap<ProjectId, ProjectState> projects;
  /** The open projects, in creation order: what a Member's page walks instead of every project. */
  private final OrderedMap<ProjectId, ProjectState> openProjects;
  private final OrderedMap<ResourceRef, ResourceState> resources;
  private final HashTrie<UserId, HashTrie<ProjectId, ProjectGrant>> grantsByUser;
  private final HashTrie<UserId, HashTrie<ResourceRef, AccessLevel>> rulesByUser;
  /** Each project's resources by kind, then in creation order: what a page of one kind seeks in. */
  private final HashTrie<ProjectId, OrderedMap<ResourceRef, Resource>> resourcesByProject;
  /** The resources each user created: what offboarding hands over, found without a scan. */
  private final HashTrie<UserId, HashTrie<ResourceRef, ResourceRef>> resourcesByCreator;
  /** The resources shared with someone: what the access review lists, found without a scan. */
  private final HashTrie<ResourceRef, ResourceRef> sharedResources;
  /** The grants that carry an expiry, by user: what the access review walks instead of every grant. */
  private final HashTrie<UserId, HashTrie<ProjectId, ProjectGrant>> timedGrants;
  /** The memberships that carry an expiry: what the expiry sweep walks instead of every member. */
  private final HashTrie<UserId, Membership> timedMembers;
  private final OrderedMap<RoleId, RoleState> roles;
  /** Each role's name, so a new name is checked free with one lookup. */
  private final HashTrie<String, RoleId> rolesByName;
  /** Each user's role memberships (expired ones included), in no particular order: a check walks them by index. */
  private final HashTrie<UserId, ImmutableList<RoleMember>> rolesByUser;
  /** How many roles carry each organization capability (absent: none), so a check skips roles that cannot help. */
  private final HashTrie<Capability, Integer> roleCapabilities;

  private OrgState(Draft d, long revision) {
    this.organization = d.organization;
    this.revision = revision;
    this.members = d.members;
    this.admins = d.admins;
    this.owners = d.owners;
    this.byEmail = d.byEmail;
    this.projects = d.projects;
    this.openProjects = d.openProjects;
    this.resources = d.resources;
    this.grantsByUser = d.grantsByUser;
    this.rulesByUser = d.rulesByUser;
    this.resourcesByProject = d.resourcesByProject;
    this.resourcesByCreator = d.resourcesByCreator;
    this.sharedResources = d.sharedResources;
    this.timedGrants = d.timedGrants;
    this.timedMembers = d.timedMembers;
    this.roles = d.roles;
    this.rolesByName = d.rolesByName;
    this.rolesByUser = d.rolesByUser;
    this.roleCapabilities = d.roleCapabilities;
  }

  private OrgState(Organization organization) {
    this.organization = organization;
    this.revision = 0;
    this.members = OrderedMap.byKey(StoreOrder.USERS);
    this.admins = members;
    this.owners = 0;
    this.byEmail = HashTrie.empty();
    this.projects = OrderedMap.byValue(IN_CREATION_ORDER);
    this.openProjects = projects;
    this.resources = OrderedMap.byValue((a, b) -> StoreOrder.RESOURCES.compare(a.resource(), b.resource()));
    this.grantsByUser = HashTrie.empty();
    this.rulesByUser = HashTrie.empty();
    this.resourcesByProject = HashTrie.empty();
    this.resourcesByCreator = HashTrie.empty();
    this.sharedResources = HashTrie.empty();
    this.timedGrants = HashTrie.empty();
    this.timedMembers = HashTrie.empty();
    this.roles = OrderedMap.byValue((a, b) -> StoreOrder.ROLES.compare(a.role(), b.role()));
    this.rolesByName = HashTrie.empty();
    this.rolesByUser = HashTrie.empty();
    this.roleCapabilities = HashTrie.empty();
  }

  /**
   * Reads the organization at {@code revision} through {@code tx}; the caller holds the organization's
   * lock. Empty if the organization does not exist.
   */
  public static Optional<OrgState> load(Transaction tx, OrgId id, long revision) {
    return tx.organizations().find(id).map(org -> {
      Draft d = new Draft(empty(org));
      tx.memberships().listByOrganization(id).forEach(d::putMember);
      tx.projects().listByOrganization(id).forEach(d::putProject);
      tx.grants().listByOrganization(id).forEach(d::upsertGrant);
      tx.resources().listByOrganization(id).forEach(d::putResource);
      tx.resources().listRulesByOrganization(id).forEach(d::upsertRule);
      tx.roles().listByOrganization(id).forEach(d::putRole);
      tx.roles().listMembersByOrganization(id).forEach(d::upsertRoleMember);
      tx.roles().listGrantsByOrganization(id).forEach(d::upsertRoleGrant);
      tx.roles().listRulesByOrganization(id).forEach(d::upsertRoleRule);
      return d.build(revision);
    });
  }

  /** The snapshot of a new organization, with nothing in it yet, at revision 0. */
  static OrgState empty(Organization organization) {
    return new OrgState(organization);
  }

  /**
   * A draft of this snapshot with the snapshot effects of {@code writes} replayed in order: once
   * {@linkplain Draft#build built} at the new revision, what {@link #load} would read after the store
   * took the same writes. Shares everything the writes leave alone.
   */
  Draft replay(List<? extends Write.SnapshotWrite<?>> writes) {
    Draft d = new Draft(this);
    writes.forEach(w -> w.snapshot(d));
    return d;
  }

  public Organization organization() {
    return organization;
  }

  public OrgId id() {
    return organization.id();
  }

  public long revision() {
    return revision;
  }

  /** Every membership, expired ones included, in user-id order. */
  public Map<UserId, Membership> members() {
    return members;
  }

  /** The members in user-id order strictly after {@code cursor} (null: from the first); O(log n) to start. */
  public Iterator<Membership> membersAfter(UserId cursor) {
    return after(members, cursor);
  }

  /** The Admin and Owner memberships (expired Admins included), in user-id order. */
  public Map<UserId, Membership> admins() {
    return admins;
  }

  /** The Admins and Owners in user-id order strictly after {@code cursor} (null: from the first). */
  public Iterator<Membership> adminsAfter(UserId cursor) {
    return after(admins, cursor);
  }

  private static <V> Iterator<V> after(OrderedMap<UserId, V> map, UserId cursor) {
    return cursor == null ? map.values().iterator()
        : map.valuesFrom(e -> StoreOrder.USERS.compare(e.getKey(), cursor) <= 0);
  }

  /** The number of Owner memberships. */
  public int owners() {
    return owners;
  }

  /** The membership of the user with this email, if any (expired ones included); of two, the later in user order. */
  public Membership memberByEmail(EmailAddress email) {
    ImmutableList<UserId> users = byEmail.get(email);
    return users == null ? null : members.get(users.get(users.size() - 1));
  }

  /** Every project in creation order. */
  public Map<ProjectId, ProjectState> projects() {
    return projects;
  }

  /** The projects in creation order strictly after {@code cursor}'s position (null: from the first). */
  public Iterator<ProjectState> projectsAfter(Project cursor) {
    return after(projects, cursor);
  }

  /**
   * The projects in creation order strictly after {@code cursor}'s position (null: from the first) that
   * {@code user} may see as a Member: every open project, and the private ones they hold a grant on,
   * their own or through a role (expired ones included: deciding rules those out). Costs O(log n) to
   * start and a sort of the user's grants on private projects, then a step per project walked: the
   * organization's other private projects are never visited.
   */
  public Iterator<ProjectState> projectsOpenToAfter(UserId user, Project cursor) {
    Map<ProjectId, ProjectState> granted = new HashMap<>();
    Consumer<ProjectId> consider = id -> {
      ProjectState p = projects.get(id);
      if (p != null && p.project().visibility() != Visibility.OPEN
          && (cursor == null || StoreOrder.PROJECTS.compare(p.project(), cursor) > 0)) {
        granted.put(id, p);
      }
    };
    grantsOf(user).keySet().forEach(consider);
    for (RoleMember rm : rolesOf(user)) {
      RoleState r = roles.get(rm.role());
      if (r != null) {
        r.grants().forEach((id, g) -> consider.accept(id));
      }
    }
    return new Merged<>(after(openProjects, cursor), granted.values().stream().sorted(IN_CREATION_ORDER).iterator(),
        IN_CREATION_ORDER);
  }

  private static Iterator<ProjectState> after(OrderedMap<ProjectId, ProjectState> map, Project cursor) {
    return cursor == null ? map.values().iterator()
        : map.valuesFrom(e -> StoreOrder.PROJECTS.compare(e.getValue().project(), cursor) <= 0);
  }

  /** The user's grants on the organization's projects (expired ones included), in no particular order. */
  public Map<ProjectId, ProjectGrant> grantsOf(UserId user) {
    return view(grantsByUser.get(user));
  }

  /** Hands {@code action} every grant that carries an expiry (expired ones included), in no particular order. */
  public void forEachTimedGrant(Consumer<ProjectGrant> action) {
    timedGrants.forEach((user, grants) -> grants.forEach((project, g) -> action.accept(g)));
  }

  /** Hands {@code action} every membership that carries an expiry (expired ones included), in no particular order. */
  public void forEachTimedMember(Consumer<Membership> action) {
    timedMembers.forEach((user, m) -> action.accept(m));
  }

  /** The role named {@code name}, or null. */
  public RoleId roleNamed(String name) {
    return rolesByName.get(name);
  }

  /** Every role in creation order. */
  public Map<RoleId, RoleState> roles() {
    return roles;
  }

  /** The user's role memberships, expired ones included (empty if none); index them, no iterator needed. */
  public ImmutableList<RoleMember> rolesOf(UserId user) {
    ImmutableList<RoleMember> mine = rolesByUser.get(user);
    return mine == null ? ImmutableList.of() : mine;
  }

  /** Whether some role of the organization carries {@code capability} (whoever belongs to it). */
  public boolean anyRoleCarries(Capability capability) {
    return roleCapabilities.containsKey(capability);
  }

  /** Every registered resource in creation order. */
  public Map<ResourceRef, ResourceState> resources() {
    return resources;
  }

  /** The resources shared with at least one member, in no particular order. */
  public Set<ResourceRef> sharedResources() {
    return view(sharedResources).keySet();
  }

  /** The resources {@code user} created, in no particular order. */
  public Set<ResourceRef> resourcesCreatedBy(UserId user) {
    return view(resourcesByCreator.get(user)).keySet();
  }

  /**
   * The project's resources of one kind in creation order, strictly after {@code cursor} (null: from
   * the first): O(log n) to start, then one lookup per resource, whatever else the organization holds.
   */
  public Iterator<ResourceState> resourcesAfter(ProjectId project, String kind, CreationCursor cursor) {
    OrderedMap<ResourceRef, Resource> mine = resourcesByProject.get(project);
    if (mine == null) {
      return Collections.emptyIterator();
    }
    Iterator<Resource> from = mine.valuesFrom(e -> {
      Resource r = e.getValue();
      int c = r.ref().kind().compareTo(kind);
      return c < 0 || (c == 0 && cursor != null && !cursor.isBefore(r.createdAt(), r.ref().id()));
    });
    return new AbstractIterator<>() {
      @Override
      protected ResourceState computeNext() {
        Resource r = from.hasNext() ? from.next() : null;
        return r != null && r.ref().kind().equals(kind) ? resources.get(r.ref()) : endOfData();
      }
    };
  }

  /** A read-only map view of a trie (null: empty). */
  private static <K, V> Map<K, V> view(HashTrie<K, V> trie) {
    if (trie == null || trie.isEmpty()) {
      return Map.of();
    }
    return new java.util.AbstractMap<>() {
      @Override
      public V get(Object key) {
        return trie.get(key);
      }

      @Override
      public boolean containsKey(Object key) {
        return trie.containsKey(key);
      }

      @Override
      public int size() {
        return trie.size();
      }

      @Override
      public Set<Map.Entry<K, V>> entrySet() {
        return new java.util.AbstractSet<>() {
          @Override
          public Iterator<Map.Entry<K, V>> iterator() {
            return trie.iterator();
          }

          @Override
          public int size() {
            return trie.size();
          }
        };
      }
    };
  }

  /**
   * What tells this snapshot from {@code other}, comparing every map and nested map entry by entry in
   * order, and every index; empty if nothing does.
   */
  Optional<String> differenceFrom(OrgState other) {
    if (!organization.equals(other.organization) || revision != other.revision) {
      return Optional.of("organization or revision");
    }
    if (!sameEntries(members, other.members) || !sameEntries(admins, other.admins) || owners != other.owners) {
      return Optional.of("members");
    }
    for (Membership m : members.values()) {
      if (m.email().isPresent() && !memberByEmail(m.email().get()).equals(other.memberByEmail(m.email().get()))) {
        return Optional.of("members by email");
      }
    }
    if (!projects.keySet().stream().toList().equals(other.projects.keySet().stream().toList())
        || !openProjects.keySet().stream().toList().equals(other.openProjects.keySet().stream().toList())
        || openProjects.values().stream().anyMatch(p -> projects.get(p.project().id()) != p)) {
      return Optional.of("projects");
    }
    for (ProjectState p : projects.values()) {
      ProjectState o = other.projects.get(p.project().id());
      if (!p.project().equals(o.project()) || !sameEntries(p.grants(), o.grants())
          || !sameEntries(p.kindRules(), o.kindRules()) || !sameTrie(p.roleGrants(), o.roleGrants())
          || !asSets(p.roleAccess()).equals(asSets(o.roleAccess()))
          || !sameTrie(p.roleKindRules(), o.roleKindRules()) || !sameTrie(p.reach(), o.reach())) {
        return Optional.of("project " + p.project().id());
      }
    }
    if (!resources.keySet().stream().toList().equals(other.resources.keySet().stream().toList())) {
      return Optional.of("resources");
    }
    for (ResourceState r : resources.values()) {
      ResourceState o = other.resources.get(r.resource().ref());
      if (!r.resource().equals(o.resource()) || !sameEntries(r.memberRules(), o.memberRules())
          || r.everyoneRule() != o.everyoneRule() || !sameTrie(r.shares(), o.shares())
          || !sameTrie(r.roleRules(), o.roleRules())) {
        return Optional.of("resource " + r.resource().ref());
      }
    }
    if (!roles.keySet().stream().toList().equals(other.roles.keySet().stream().toList())) {
      return Optional.of("roles");
    }
    for (RoleState r : roles.values()) {
      RoleState o = other.roles.get(r.role().id());
      if (!r.role().equals(o.role()) || !sameEntries(r.members(), o.members())
          || !sameTrie(r.grants(), o.grants())
          || !sameTrie(r.rules(), o.rules())) {
        return Optional.of("role " + r.role().id());
      }
    }
    if (!asSets(rolesByUser).equals(asSets(other.rolesByUser))) {
      return Optional.of("roles by user");
    }
    if (!sameTrie(rolesByName, other.rolesByName)) {
      return Optional.of("roles by name");
    }
    if (!sameTrie(roleCapabilities, other.roleCapabilities)) {
      return Optional.of("capabilities of roles");
    }
    if (!indexOf(grantsByUser).equals(indexOf(other.grantsByUser)) || !indexOf(rulesByUser).equals(indexOf(other.rulesByUser))
        || !inOrder(resourcesByProject).equals(inOrder(other.resourcesByProject))
        || !indexOf(resourcesByCreator).equals(indexOf(other.resourcesByCreator))
        || !sameTrie(sharedResources, other.sharedResources)
        || !indexOf(timedGrants).equals(indexOf(other.timedGrants))
        || !sameTrie(timedMembers, other.timedMembers)) {
      return Optional.of("indexes");
    }
    return Optional.empty();
  }

  /** An index of lists as plain sets: two versions agree whatever order their writes left the lists in. */
  private static <K, V> Map<K, Set<V>> asSets(HashTrie<K, ImmutableList<V>> index) {
    Map<K, Set<V>> sets = new HashMap<>();
    index.forEach((k, list) -> sets.put(k, Set.copyOf(list)));
    return sets;
  }

  /** Whether two tries hold the same entries. */
  private static boolean sameTrie(HashTrie<?, ?> a, HashTrie<?, ?> b) {
    return Map.copyOf(view(a)).equals(Map.copyOf(view(b)));
  }

  private static boolean sameEntries(Map<?, ?> a, Map<?, ?> b) {
    return a.entrySet().stream().toList().equals(b.entrySet().stream().toList());
  }

  private static <K, K2, V> Map<K, Map<K2, V>> indexOf(HashTrie<K, HashTrie<K2, V>> index) {
    Map<K, Map<K2, V>> plain = new HashMap<>();
    index.forEach((k, trie) -> plain.put(k, Map.copyOf(view(trie))));
    return plain;
  }

  /** An index of ordered maps as plain lists of their values, in their order. */
  private static <K, K2, V> Map<K, List<V>> inOrder(HashTrie<K, OrderedMap<K2, V>> index) {
    Map<K, List<V>> plain = new HashMap<>();
    index.forEach((k, map) -> plain.put(k, List.copyOf(map.values())));
    return plain;
  }

  /**
   * A project, the explicit grants on it (user-id order), its rules per resource kind (kind order), the
   * grants and kind rules of roles on it, each user's ways in through a role ({@link RoleAccess}), and
   * each user's {@link Reach}: their own grant and role ways folded into the one entry a check reads.
   */
  public record ProjectState(Project project, OrderedMap<UserId, ProjectGrant> grants,
      ImmutableMap<String, AccessLevel> kindRules, HashTrie<RoleId, RoleGrant> roleGrants,
      HashTrie<UserId, ImmutableList<RoleAccess>> roleAccess,
      HashTrie<RoleId, ImmutableMap<String, AccessLevel>> roleKindRules, HashTrie<UserId, Reach> reach) {

    /** A new project: no grants, rules or role grants. */
    static ProjectState of(Project project) {
      return new ProjectState(project, OrderedMap.byKey(StoreOrder.USERS), NO_KIND_RULES, HashTrie.empty(),
          HashTrie.empty(), HashTrie.empty(), HashTrie.empty());
    }

    ProjectState withProject(Project next) {
      return new ProjectState(next, grants, kindRules, roleGrants, roleAccess, roleKindRules, reach);
    }

    /** The grants in user-id order strictly after {@code cursor} (null: from the first); O(log n) to start. */
    public Iterator<ProjectGrant> grantsAfter(UserId cursor) {
      return after(grants, cursor);
    }

    /** With {@code user}'s own grant set ({@code grant} non-null) or removed, and their reach to match. */
    ProjectState withGrant(UserId user, ProjectGrant grant) {
      OrderedMap<UserId, ProjectGrant> next = grant == null ? grants.minus(user) : grants.plus(user, grant);
      return new ProjectState(project, next, kindRules, roleGrants, roleAccess, roleKindRules,
          reached(user, grant, roleAccess.get(user)));
    }

    ProjectState withKindRules(ImmutableMap<String, AccessLevel> next) {
      return new ProjectState(project, grants, next, roleGrants, roleAccess, roleKindRules, reach);
    }

    ProjectState withRoleGrants(HashTrie<RoleId, RoleGrant> next) {
      return new ProjectState(project, grants, kindRules, next, roleAccess, roleKindRules, reach);
    }

    /** With {@code user}'s ways in through roles set to those of {@code next}, and their reach to match. */
    ProjectState withRoleAccess(HashTrie<UserId, ImmutableList<RoleAccess>> next, UserId user) {
      return new ProjectState(project, grants, kindRules, roleGrants, next, roleKindRules,
          reached(user, grants.get(user), next.get(user)));
    }

    ProjectState withRoleKindRules(HashTrie<RoleId, ImmutableMap<String, AccessLevel>> next) {
      return new ProjectState(project, grants, kindRules, roleGrants, roleAccess, next, reach);
    }

    private HashTrie<UserId, Reach> reached(UserId user, ProjectGrant own, ImmutableList<RoleAccess> ways) {
      Reach r = Reach.of(own, ways);
      return r == null ? reach.minus(user) : reach.plus(user, r);
    }
  }

  /**
   * How a user reaches a project, folded for the check (issues 14 and 16): the role of their own grant
   * and the highest role their roles' grants give there, each null when there is none, so that a check
   * decides project access with one lookup and no further reads, however many roles the organization
   * has. When the grant or a role membership folded in expires, {@link #until} is the first such
   * expiry: the two roles hold before it, and from then on the check reads the grant and the role ways
   * themselves, against the clock. Those without an expiry are interned (16 instances).
   *
   * @param own the role of the user's own grant, or null
   * @param viaRole the highest role among the grants of the user's roles, or null
   * @param until the first expiry among the grant and role memberships folded in, or null if none expires
   */
  record Reach(ProjectRole own, ProjectRole viaRole, Instant until) {
    private static final Reach[][] UNTIMED = new Reach[ProjectRole.values().length + 1][ProjectRole.values().length + 1];

    static {
      for (int o = 0; o < UNTIMED.length; o++) {
        for (int v = 0; v < UNTIMED.length; v++) {
          UNTIMED[o][v] = new Reach(role(o), role(v), null);
        }
      }
    }

    /** The reach of a user with this own grant and these ways through roles (each may be null); null if neither. */
    static Reach of(ProjectGrant own, ImmutableList<RoleAccess> ways) {
      Instant until = own == null ? null : own.expiresAt().orElse(null);
      ProjectRole best = null;
      for (int i = 0; ways != null && i < ways.size(); i++) {
        RoleAccess way = ways.get(i);
        Instant ends = way.member().expiresAt().orElse(null);
        until = until == null || (ends != null && ends.isBefore(until)) ? ends : until;
        ProjectRole role = way.grant().projectRole();
        best = best == null || role.atLeast(best) ? role : best;
      }
      Reach untimed = of(own == null ? null : own.role(), best);
      return until == null || untimed == null ? untimed : new Reach(untimed.own, untimed.viaRole, until);
    }

    /** The reach with these roles (each may be null) and no expiry; null if both are. */
    static Reach of(ProjectRole own, ProjectRole viaRole) {
      if (own == null && viaRole == null) {
        return null;
      }
      return UNTIMED[own == null ? 0 : own.ordinal() + 1][viaRole == null ? 0 : viaRole.ordinal() + 1];
    }

    private static ProjectRole role(int slot) {
      return slot == 0 ? null : ProjectRole.values()[slot - 1];
    }
  }

  /**
   * One way a user reaches a project through a role: the role's grant there and the user's place in
   * the role (whose expiry the check reads). Kept per project and user, so a check finds a member's
   * role grants on a project in one lookup instead of walking the member's roles.
   */
  public record RoleAccess(RoleGrant grant, RoleMember member) {}

  /** A role, its members (user-id order, expired ones included), its project grants and its rules (by key). */
  public record RoleState(Role role, OrderedMap<UserId, RoleMember> members, HashTrie<ProjectId, RoleGrant> grants,
      HashTrie<RoleRule, RoleRule> rules) {

    RoleState withRole(Role next) {
      return new RoleState(next, members, grants, rules);
    }

    RoleState withMembers(OrderedMap<UserId, RoleMember> next) {
      return new RoleState(role, next, grants, rules);
    }

    RoleState withGrants(HashTrie<ProjectId, RoleGrant> next) {
      return new RoleState(role, members, next, rules);
    }

    RoleState withRules(HashTrie<RoleRule, RoleRule> next) {
      return new RoleState(role, members, grants, next);
    }
  }

  /**
   * A resource and its rules: per member (user-id order), for everyone (null: none) and per role; and
   * which member rules are shares ({@code shares}, a subset of {@code memberRules} at the same levels).
   */
  public record ResourceState(Resource resource, OrderedMap<UserId, AccessLevel> memberRules,
      AccessLevel everyoneRule, HashTrie<RoleId, AccessLevel> roleRules, HashTrie<UserId, AccessLevel> shares) {

    /** A new resource: no rules. */
    static ResourceState of(Resource resource) {
      return new ResourceState(resource, OrderedMap.byKey(StoreOrder.USERS), null, HashTrie.empty(), HashTrie.empty());
    }

    /** The member rule of {@code user} on the resource, a share or not, or null. */
    public ResourceRule memberRule(UserId user) {
      AccessLevel level = memberRules.get(user);
      if (level == null) {
        return null;
      }
      ResourceRef ref = resource.ref();
      return shares.containsKey(user) ? ResourceRule.share(ref, user, level) : ResourceRule.forMember(ref, user, level);
    }

    ResourceState withResource(Resource next) {
      return new ResourceState(next, memberRules, everyoneRule, roleRules, shares);
    }

    ResourceState withMemberRule(UserId user, AccessLevel level, boolean shared) {
      return new ResourceState(resource, level == null ? memberRules.minus(user) : memberRules.plus(user, level),
          everyoneRule, roleRules, level != null && shared ? shares.plus(user, level) : shares.minus(user));
    }

    ResourceState withEveryoneRule(AccessLevel next) {
      return new ResourceState(resource, memberRules, next, roleRules, shares);
    }

    ResourceState withRoleRules(HashTrie<RoleId, AccessLevel> next) {
      return new ResourceState(resource, memberRules, everyoneRule, next, shares);
    }
  }

  /**
   * The ids of one kind that a draft created and deleted, each net of the other (an id created and
   * deleted again is in neither): what moves in the cache's index of ids when the draft is published.
   */
  static final class Moves<K> {
    private final Set<K> created = new HashSet<>();
    private final Set<K> deleted = new HashSet<>();

    void create(K id) {
      created.add(id);
      deleted.remove(id);
    }

    void delete(K id) {
      if (!created.remove(id)) {
        deleted.add(id);
      }
    }

    Set<K> created() {
      return created;
    }

    Set<K> deleted() {
      return deleted;
    }
  }

  /**
   * A snapshot being edited by the snapshot effects of {@link Write}s (and by a full load). Its
   * operations are the snapshot's own: deleting a project takes the grants and kind rules it holds,
   * deleting a resource its rules; anything wider (a project's resources, a member's grants) is spelled
   * out by the write that cascades, and found through the indexes, not by scanning. Each operation
   * makes new persistent maps that share the rest with the base. Writes about another organization
   * change nothing. Not thread-safe.
   */
  static final class Draft {
    private Organization organization;
    private boolean deleted;
    private OrderedMap<UserId, Membership> members;
    private OrderedMap<UserId, Membership> admins;
    private int owners;
    private HashTrie<EmailAddress, ImmutableList<UserId>> byEmail;
    private OrderedMap<ProjectId, ProjectState> projects;
    private OrderedMap<ProjectId, ProjectState> openProjects;
    private OrderedMap<ResourceRef, ResourceState> resources;
    private HashTrie<UserId, HashTrie<ProjectId, ProjectGrant>> grantsByUser;
    private HashTrie<UserId, HashTrie<ResourceRef, AccessLevel>> rulesByUser;
    private HashTrie<ProjectId, OrderedMap<ResourceRef, Resource>> resourcesByProject;
    private HashTrie<UserId, HashTrie<ResourceRef, ResourceRef>> resourcesByCreator;
    private HashTrie<ResourceRef, ResourceRef> sharedResources;
    private HashTrie<UserId, HashTrie<ProjectId, ProjectGrant>> timedGrants;
    private HashTrie<UserId, Membership> timedMembers;
    private OrderedMap<RoleId, RoleState> roles;
    private HashTrie<String, RoleId> rolesByName;
    private HashTrie<UserId, ImmutableList<RoleMember>> rolesByUser;
    private HashTrie<Capability, Integer> roleCapabilities;
    private final Moves<ProjectId> projectMoves = new Moves<>();
    private final Moves<RoleId> roleMoves = new Moves<>();

    private Draft(OrgState base) {
      organization = base.organization;
      members = base.members;
      admins = base.admins;
      owners = base.owners;
      byEmail = base.byEmail;
      projects = base.projects;
      openProjects = base.openProjects;
      resources = base.resources;
      grantsByUser = base.grantsByUser;
      rulesByUser = base.rulesByUser;
      resourcesByProject = base.resourcesByProject;
      resourcesByCreator = base.resourcesByCreator;
      sharedResources = base.sharedResources;
      timedGrants = base.timedGrants;
      timedMembers = base.timedMembers;
      roles = base.roles;
      rolesByName = base.rolesByName;
      rolesByUser = base.rolesByUser;
      roleCapabilities = base.roleCapabilities;
    }

    /** The organization is gone: its snapshot is dropped rather than built. */
    void deleteOrganization(OrgId org) {
      if (ours(org)) {
        deleted = true;
      }
    }

    /** Whether the organization was deleted. */
    boolean deleted() {
      return deleted;
    }

    /** The projects this draft created and deleted, for the cache's index of project ids. */
    Moves<ProjectId> projectMoves() {
      return projectMoves;
    }

    /** The roles this draft created and deleted, for the cache's index of role ids. */
    Moves<RoleId> roleMoves() {
      return roleMoves;
    }

    void updateOrganization(Organization next) {
      if (ours(next.id())) {
        organization = next;
      }
    }

    /** An inserted or updated membership. */
    void putMember(Membership m) {
      if (!ours(m.organization())) {
        return;
      }
      Membership old = members.get(m.user());
      if (old != null) {
        unindex(old);
      }
      members = members.plus(m.user(), m);
      if (m.level().atLeast(OrgLevel.ADMIN)) {
        admins = admins.plus(m.user(), m);
      }
      if (m.level() == OrgLevel.OWNER) {
        owners++;
      }
      if (m.expiresAt().isPresent()) {
        timedMembers = timedMembers.plus(m.user(), m);
      }
      m.email().ifPresent(e -> {
        ImmutableList<UserId> users = byEmail.get(e);
        byEmail = byEmail.plus(e, users == null ? ImmutableList.of(m.user()) : withUser(users, m.user()));
      });
    }

    void deleteMember(OrgId org, UserId user) {
      if (!ours(org)) {
        return;
      }
      Membership old = members.get(user);
      if (old != null) {
        unindex(old);
        members = members.minus(user);
      }
    }

    /** Takes {@code m} out of the indexes of levels and emails (not out of {@code members}). */
    private void unindex(Membership m) {
      admins = admins.minus(m.user());
      timedMembers = timedMembers.minus(m.user());
      if (m.level() == OrgLevel.OWNER) {
        owners--;
      }
      m.email().ifPresent(e -> {
        ImmutableList<UserId> users = byEmail.get(e);
        ImmutableList<UserId> rest = users.stream().filter(u -> !u.equals(m.user())).collect(ImmutableList.toImmutableList());
        byEmail = rest.isEmpty() ? byEmail.minus(e) : byEmail.plus(e, rest);
      });
    }

    private static ImmutableList<UserId> withUser(ImmutableList<UserId> users, UserId user) {
      return users.contains(user) ? users : ImmutableList.sortedCopyOf(StoreOrder.USERS,
          ImmutableList.<UserId>builder().addAll(users).add(user).build());
    }

    /** An inserted or updated project; an update keeps its grants and rules. */
    void putProject(Project p) {
      if (!ours(p.organization())) {
        return;
      }
      ProjectState old = projects.get(p.id());
      if (old == null) {
        project(ProjectState.of(p));
        projectMoves.create(p.id());
      } else {
        project(old.withProject(p));
      }
    }

    /** The project's new state, in {@code projects} and, while it is open, in {@code openProjects}. */
    private void project(ProjectState next) {
      ProjectId id = next.project().id();
      projects = projects.plus(id, next);
      openProjects = next.project().visibility() == Visibility.OPEN ? openProjects.plus(id, next) : openProjects.minus(id);
    }

    /** Deletes the project with the grants and kind rules it holds (not its resources). */
    void deleteProject(ProjectId id) {
      ProjectState old = projects.get(id);
      if (old == null) {
        return;
      }
      for (UserId user : old.grants().keySet()) {
        grantsByUser = without(grantsByUser, user, id);
        timedGrants = without(timedGrants, user, id);
      }
      old.roleGrants().forEach((role, g) -> {
        RoleState r = roles.get(role);
        roles = roles.plus(role, r.withGrants(r.grants().minus(id)));
      });
      old.roleKindRules().forEach((role, kinds) -> kinds.keySet()
          .forEach(kind -> forgetRoleRule(RoleRule.forKind(role, id, kind, AccessLevel.NONE))));
      projects = projects.minus(id);
      openProjects = openProjects.minus(id);
      projectMoves.delete(id);
    }

    /** Deletes every resource of the project, with their rules. */
    void deleteResourcesOf(ProjectId id) {
      OrderedMap<ResourceRef, Resource> mine = resourcesByProject.get(id);
      if (mine != null) {
        mine.keySet().forEach(this::deleteResource);
      }
    }

    void upsertGrant(ProjectGrant g) {
      ProjectState p = projects.get(g.project());
      if (p != null) {
        project(p.withGrant(g.user(), g));
        grantsByUser = with(grantsByUser, g.user(), g.project(), g);
        timedGrants = g.expiresAt().isPresent() ? with(timedGrants, g.user(), g.project(), g)
            : without(timedGrants, g.user(), g.project());
      }
    }

    void deleteGrant(ProjectId project, UserId user) {
      ProjectState p = projects.get(project);
      if (p != null && p.grants().containsKey(user)) {
        project(p.withGrant(user, null));
        grantsByUser = without(grantsByUser, user, project);
        timedGrants = without(timedGrants, user, project);
      }
    }

    /** Every grant of {@code user} on the organization's projects. */
    void deleteGrantsOf(OrgId org, UserId user) {
      HashTrie<ProjectId, ProjectGrant> grants = grantsByUser.get(user);
      if (ours(org) && grants != null) {
        grants.forEach((project, g) -> deleteGrant(project, user));
      }
    }

    /** An inserted or updated resource; an update keeps its rules. */
    void putResource(Resource r) {
      ProjectId project = r.ref().project();
      if (!projects.containsKey(project)) {
        return;
      }
      ResourceState old = resources.get(r.ref());
      resources = resources.plus(r.ref(), old == null ? ResourceState.of(r) : old.withResource(r));
      OrderedMap<ResourceRef, Resource> mine = resourcesByProject.get(project);
      resourcesByProject = resourcesByProject.plus(project,
          (mine == null ? OrderedMap.<ResourceRef, Resource>byValue(BY_KIND) : mine).plus(r.ref(), r));
      if (old != null) {
        resourcesByCreator = without(resourcesByCreator, old.resource().creator(), r.ref());
      }
      resourcesByCreator = with(resourcesByCreator, r.creator(), r.ref(), r.ref());
    }

    void deleteResource(ResourceRef ref) {
      ResourceState old = resources.get(ref);
      if (old == null) {
        return;
      }
      for (UserId user : old.memberRules().keySet()) {
        rulesByUser = without(rulesByUser, user, ref);
      }
      old.roleRules().forEach((role, level) -> forgetRoleRule(RoleRule.forResource(role, ref, AccessLevel.NONE)));
      resources = resources.minus(ref);
      resourcesByCreator = without(resourcesByCreator, old.resource().creator(), ref);
      sharedResources = sharedResources.minus(ref);
      OrderedMap<ResourceRef, Resource> rest = resourcesByProject.get(ref.project()).minus(ref);
      resourcesByProject = rest.isEmpty() ? resourcesByProject.minus(ref.project())
          : resourcesByProject.plus(ref.project(), rest);
    }

    void upsertRule(ResourceRule rule) {
      setRule(rule, rule.level());
    }

    void deleteRule(ResourceRule rule) {
      setRule(rule, null);
    }

    /** Every member rule naming {@code user} in the organization. */
    void deleteRulesOf(OrgId org, UserId user) {
      HashTrie<ResourceRef, AccessLevel> rules = rulesByUser.get(user);
      if (ours(org) && rules != null) {
        rules.forEach((ref, level) -> setMemberRule(ref, user, null, false));
      }
    }

    /** Sets ({@code level} non-null) or removes the rule's entry. */
    private void setRule(ResourceRule rule, AccessLevel level) {
      if (rule.ref().isEmpty()) {
        ProjectState p = projects.get(rule.project());
        if (p != null) {
          project(p.withKindRules(withKind(p.kindRules(), rule.kind(), level)));
        }
        return;
      }
      ResourceRef ref = rule.ref().get();
      if (rule.user().isPresent()) {
        setMemberRule(ref, rule.user().get(), level, rule.shared());
        return;
      }
      ResourceState r = resources.get(ref);
      if (r != null) {
        resources = resources.plus(ref, r.withEveryoneRule(level));
      }
    }

    /** Sets ({@code level} non-null, a share or not) or removes a member's rule on a resource. */
    private void setMemberRule(ResourceRef ref, UserId user, AccessLevel level, boolean shared) {
      ResourceState r = resources.get(ref);
      if (r == null || (level == null && !r.memberRules().containsKey(user))) {
        return;
      }
      ResourceState next = r.withMemberRule(user, level, shared);
      resources = resources.plus(ref, next);
      sharedResources = next.shares().isEmpty() ? sharedResources.minus(ref) : sharedResources.plus(ref, ref);
      rulesByUser = level == null ? without(rulesByUser, user, ref) : with(rulesByUser, user, ref, level);
    }

    /** An inserted or updated role; an update keeps its members and grants. */
    void putRole(Role r) {
      if (!ours(r.organization())) {
        return;
      }
      RoleState old = roles.get(r.id());
      if (old == null) {
        roleMoves.create(r.id());
      } else {
        indexRole(old.role(), -1);
      }
      roles = roles.plus(r.id(), old == null
          ? new RoleState(r, OrderedMap.byKey(StoreOrder.USERS), HashTrie.empty(), HashTrie.empty())
          : old.withRole(r));
      indexRole(r, 1);
    }

    /**
     * Adds ({@code delta} 1) or takes out ({@code -1}) {@code role} in the indexes of roles by name and
     * of how many roles carry each capability.
     */
    private void indexRole(Role role, int delta) {
      rolesByName = delta > 0 ? rolesByName.plus(role.name(), role.id()) : rolesByName.minus(role.name());
      for (Capability c : role.capabilities()) {
        Integer before = roleCapabilities.get(c);
        int after = (before == null ? 0 : before) + delta;
        roleCapabilities = after == 0 ? roleCapabilities.minus(c) : roleCapabilities.plus(c, after);
      }
    }

    /** Deletes the role with its memberships and grants. */
    void deleteRole(RoleId id) {
      RoleState old = roles.get(id);
      if (old == null) {
        return;
      }
      old.grants().forEach((project, g) -> deleteRoleGrant(id, project));
      old.rules().forEach((key, rule) -> deleteRoleRule(rule));
      for (UserId user : old.members().keySet()) {
        rolesByUser = withRole(rolesByUser, user, id, RoleMember::role, null);
      }
      indexRole(old.role(), -1);
      roles = roles.minus(id);
      roleMoves.delete(id);
    }

    void upsertRoleMember(RoleMember m) {
      RoleState r = roles.get(m.role());
      if (r == null) {
        return;
      }
      roles = roles.plus(m.role(), r.withMembers(r.members().plus(m.user(), m)));
      rolesByUser = withRole(rolesByUser, m.user(), m.role(), RoleMember::role, m);
      r.grants().forEach((project, g) -> setRoleAccess(project, m.user(), m.role(), new RoleAccess(g, m)));
    }

    void deleteRoleMember(RoleId role, UserId user) {
      RoleState r = roles.get(role);
      if (r != null && r.members().containsKey(user)) {
        roles = roles.plus(role, r.withMembers(r.members().minus(user)));
        rolesByUser = withRole(rolesByUser, user, role, RoleMember::role, null);
        r.grants().forEach((project, g) -> setRoleAccess(project, user, role, null));
      }
    }

    /** Every role membership of {@code user} in the organization. */
    void deleteRoleMembershipsOf(OrgId org, UserId user) {
      ImmutableList<RoleMember> mine = rolesByUser.get(user);
      if (ours(org) && mine != null) {
        mine.forEach(m -> deleteRoleMember(m.role(), user));
      }
    }

    void upsertRoleGrant(RoleGrant g) {
      RoleState r = roles.get(g.role());
      ProjectState p = projects.get(g.project());
      if (r != null && p != null) {
        roles = roles.plus(g.role(), r.withGrants(r.grants().plus(g.project(), g)));
        project(p.withRoleGrants(p.roleGrants().plus(g.role(), g)));
        for (RoleMember m : r.members().values()) {
          setRoleAccess(g.project(), m.user(), g.role(), new RoleAccess(g, m));
        }
      }
    }

    void deleteRoleGrant(RoleId role, ProjectId project) {
      RoleState r = roles.get(role);
      ProjectState p = projects.get(project);
      if (r != null && p != null && r.grants().containsKey(project)) {
        roles = roles.plus(role, r.withGrants(r.grants().minus(project)));
        project(p.withRoleGrants(p.roleGrants().minus(role)));
        for (UserId user : r.members().keySet()) {
          setRoleAccess(project, user, role, null);
        }
      }
    }

    /** Sets ({@code access} non-null) or removes the way {@code user} reaches {@code project} through {@code role}. */
    private void setRoleAccess(ProjectId project, UserId user, RoleId role, RoleAccess access) {
      ProjectState p = projects.get(project);
      if (p == null) {
        return;
      }
      project(p.withRoleAccess(withRole(p.roleAccess(), user, role, a -> a.grant().role(), access), user));
    }

    void upsertRoleRule(RoleRule rule) {
      setRoleRule(rule, rule.level());
    }

    void deleteRoleRule(RoleRule rule) {
      setRoleRule(rule, null);
    }

    /** Sets ({@code level} non-null) or removes a role's rule on a resource or a kind. */
    private void setRoleRule(RoleRule rule, AccessLevel level) {
      RoleState r = roles.get(rule.role());
      ProjectState p = projects.get(rule.project());
      if (r == null || p == null) {
        return;
      }
      RoleId role = rule.role();
      if (rule.ref().isPresent()) {
        ResourceState res = resources.get(rule.ref().get());
        if (res == null) {
          return;
        }
        resources = resources.plus(res.resource().ref(),
            res.withRoleRules(level == null ? res.roleRules().minus(role) : res.roleRules().plus(role, level)));
      } else {
        ImmutableMap<String, AccessLevel> kinds = p.roleKindRules().get(role);
        ImmutableMap<String, AccessLevel> next = withKind(kinds == null ? NO_KIND_RULES : kinds, rule.kind(), level);
        project(p.withRoleKindRules(next.isEmpty()
            ? p.roleKindRules().minus(role) : p.roleKindRules().plus(role, next)));
      }
      RoleRule key = rule.key();
      roles = roles.plus(role, r.withRules(level == null ? r.rules().minus(key) : r.rules().plus(key, rule)));
    }

    /** Takes a rule out of its role's list only (its resource or project is going). */
    private void forgetRoleRule(RoleRule key) {
      RoleState r = roles.get(key.role());
      if (r != null) {
        roles = roles.plus(key.role(), r.withRules(r.rules().minus(key)));
      }
    }

    /**
     * {@code index} with {@code user}'s list holding, for {@code role} ({@code roleOf} each entry's), only
     * {@code entry} (null: none), appended after the entries of other roles; an empty list is dropped.
     */
    private static <T> HashTrie<UserId, ImmutableList<T>> withRole(HashTrie<UserId, ImmutableList<T>> index,
        UserId user, RoleId role, java.util.function.Function<T, RoleId> roleOf, T entry) {
      ImmutableList<T> mine = index.get(user);
      ImmutableList.Builder<T> next = ImmutableList.builder();
      if (mine != null) {
        mine.stream().filter(e -> !roleOf.apply(e).equals(role)).forEach(next::add);
      }
      if (entry != null) {
        next.add(entry);
      }
      ImmutableList<T> built = next.build();
      if (built.isEmpty()) {
        return mine == null ? index : index.minus(user);
      }
      return index.plus(user, built);
    }

    /** {@code kinds} (in kind order) with {@code kind} set to {@code level}, or removed (null). */
    private static ImmutableMap<String, AccessLevel> withKind(ImmutableMap<String, AccessLevel> kinds, String kind,
        AccessLevel level) {
      Map<String, AccessLevel> next = new java.util.TreeMap<>(kinds);
      if (level == null) {
        next.remove(kind);
      } else {
        next.put(kind, level);
      }
      return ImmutableMap.copyOf(next);
    }

    private static <K, K2, V> HashTrie<K, HashTrie<K2, V>> with(HashTrie<K, HashTrie<K2, V>> index, K key, K2 key2,
        V value) {
      HashTrie<K2, V> inner = index.get(key);
      return index.plus(key, (inner == null ? HashTrie.<K2, V>empty() : inner).plus(key2, value));
    }

    private static <K, K2, V> HashTrie<K, HashTrie<K2, V>> without(HashTrie<K, HashTrie<K2, V>> index, K key,
        K2 key2) {
      HashTrie<K2, V> inner = index.get(key);
      if (inner == null) {
        return index;
      }
      HashTrie<K2, V> rest = inner.minus(key2);
      return rest.isEmpty() ? index.minus(key) : index.plus(key, rest);
    }

    private boolean ours(OrgId org) {
      return org.equals(organization.id());
    }

    OrgState build(long revision) {
      checkState(!deleted, "organization %s was deleted", organization.id());
      return new OrgState(this, revision);
    }
  }
}
