package dev.warden.internal;

import static com.google.common.base.Preconditions.checkState;

import com.google.common.collect.ImmutableMap;
import dev.warden.organization.EmailAddress;
import dev.warden.organization.Membership;
import dev.warden.organization.OrgId;
import dev.warden.organization.Organization;
import dev.warden.organization.UserId;
import dev.warden.project.Project;
import dev.warden.project.ProjectGrant;
import dev.warden.project.ProjectId;
import dev.warden.resource.AccessLevel;
import dev.warden.resource.Resource;
import dev.warden.resource.ResourceRef;
import dev.warden.resource.ResourceRule;
import dev.warden.spi.StoreOrder;
import dev.warden.spi.Transaction;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable snapshot of one organization at one revision: everything a check reads. Checks never
 * touch the store; mutations publish a new snapshot, made by {@linkplain #apply replaying} their writes
 * on the previous one. Not API.
 */
public final class OrgState {
  // The orders of every map: the SPI's (StoreOrder), applied here rather than taken from the store's
  // lists, so that a load and a replay order alike whatever the store's collation.
  private static final Comparator<Map.Entry<UserId, ?>> BY_USER =
      (a, b) -> StoreOrder.USERS.compare(a.getKey(), b.getKey());
  private static final Comparator<Map.Entry<String, ?>> BY_KIND = (a, b) -> a.getKey().compareTo(b.getKey());
  private static final Comparator<Map.Entry<?, ProjectState>> PROJECT_ORDER =
      (a, b) -> StoreOrder.PROJECTS.compare(a.getValue().project(), b.getValue().project());
  private static final Comparator<Map.Entry<?, ResourceState>> RESOURCE_ORDER =
      (a, b) -> StoreOrder.RESOURCES.compare(a.getValue().resource(), b.getValue().resource());

  private final Organization organization;
  private final long revision;
  private final ImmutableMap<UserId, Membership> members;
  private final ImmutableMap<EmailAddress, Membership> membersByEmail;
  private final ImmutableMap<ProjectId, ProjectState> projects;
  private final ImmutableMap<ResourceRef, ResourceState> resources;

  private OrgState(Organization organization, long revision, ImmutableMap<UserId, Membership> members,
      ImmutableMap<EmailAddress, Membership> membersByEmail, ImmutableMap<ProjectId, ProjectState> projects,
      ImmutableMap<ResourceRef, ResourceState> resources) {
    this.organization = organization;
    this.revision = revision;
    this.members = members;
    this.membersByEmail = membersByEmail;
    this.projects = projects;
    this.resources = resources;
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
      return d.build(revision);
    });
  }

  /** The snapshot of a new organization, with nothing in it yet, at revision 0. */
  static OrgState empty(Organization organization) {
    return new OrgState(organization, 0, ImmutableMap.of(), ImmutableMap.of(), ImmutableMap.of(), ImmutableMap.of());
  }

  /**
   * A draft of this snapshot with the snapshot effects of {@code writes} replayed in order: once
   * {@linkplain Draft#build built} at the new revision, what {@link #load} would read after the store
   * took the same writes. Shares every map the writes leave alone.
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
  public ImmutableMap<UserId, Membership> members() {
    return members;
  }

  /** The membership of the user with this email, if any (expired ones included). */
  public Membership memberByEmail(EmailAddress email) {
    return membersByEmail.get(email);
  }

  /** Every project in creation order. */
  public ImmutableMap<ProjectId, ProjectState> projects() {
    return projects;
  }

  /** Every registered resource in creation order. */
  public ImmutableMap<ResourceRef, ResourceState> resources() {
    return resources;
  }

  /**
   * What tells this snapshot from {@code other}, comparing every map and nested map entry by entry in
   * order (a record's {@code equals} would ignore the orders); empty if nothing does.
   */
  Optional<String> differenceFrom(OrgState other) {
    if (!organization.equals(other.organization) || revision != other.revision) {
      return Optional.of("organization or revision");
    }
    if (!sameEntries(members, other.members) || !sameEntries(membersByEmail, other.membersByEmail)) {
      return Optional.of("members");
    }
    if (!projects.keySet().asList().equals(other.projects.keySet().asList())) {
      return Optional.of("projects");
    }
    for (ProjectState p : projects.values()) {
      ProjectState o = other.projects.get(p.project().id());
      if (!p.project().equals(o.project()) || !sameEntries(p.grants(), o.grants())
          || !sameEntries(p.kindRules(), o.kindRules())) {
        return Optional.of("project " + p.project().id());
      }
    }
    if (!resources.keySet().asList().equals(other.resources.keySet().asList())) {
      return Optional.of("resources");
    }
    for (ResourceState r : resources.values()) {
      ResourceState o = other.resources.get(r.resource().ref());
      if (!r.resource().equals(o.resource()) || !sameEntries(r.memberRules(), o.memberRules())
          || r.everyoneRule() != o.everyoneRule()) {
        return Optional.of("resource " + r.resource().ref());
      }
    }
    return Optional.empty();
  }

  private static boolean sameEntries(ImmutableMap<?, ?> a, ImmutableMap<?, ?> b) {
    return a.entrySet().asList().equals(b.entrySet().asList());
  }

  /** A project, the explicit grants on it, and its rules per resource kind. */
  public record ProjectState(Project project, ImmutableMap<UserId, ProjectGrant> grants,
      ImmutableMap<String, AccessLevel> kindRules) {}

  /** A resource and its rules: per member, and for everyone (null: none). */
  public record ResourceState(Resource resource, ImmutableMap<UserId, AccessLevel> memberRules,
      AccessLevel everyoneRule) {}

  /**
   * A snapshot being edited by the snapshot effects of {@link Write}s (and by a full load). Its
   * operations are the snapshot's own: deleting a project takes the grants and kind rules it holds,
   * deleting a resource its rules; anything wider (a project's resources, a member's grants) is spelled
   * out by the write that cascades. Copies only what the writes touch (a top-level map on its
   * first change, one project's grants, one resource's member rules); {@link #build} orders each
   * copied map. Writes about another organization change nothing. Not thread-safe.
   */
  static final class Draft {
    private final OrgState base;
    private Organization organization;
    private boolean deleted;
    // Null while unchanged. A touched project's grants and kind rules, and a touched resource's member
    // rules, live in the maps below until build(); the values in projects and resources keep the old ones.
    private Map<UserId, Membership> members;
    private Map<ProjectId, ProjectState> projects;
    private Map<ResourceRef, ResourceState> resources;
    private final Map<ProjectId, Map<UserId, ProjectGrant>> grants = new HashMap<>();
    private final Map<ProjectId, Map<String, AccessLevel>> kindRules = new HashMap<>();
    private final Map<ResourceRef, Map<UserId, AccessLevel>> memberRules = new HashMap<>();

    private Draft(OrgState base) {
      this.base = base;
      this.organization = base.organization;
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

    void updateOrganization(Organization next) {
      if (ours(next.id())) {
        organization = next;
      }
    }

    /** An inserted or updated membership. */
    void putMember(Membership m) {
      if (ours(m.organization())) {
        members().put(m.user(), m);
      }
    }

    void deleteMember(OrgId org, UserId user) {
      if (ours(org)) {
        members().remove(user);
      }
    }

    /** An inserted or updated project; an update keeps its grants and rules. */
    void putProject(Project p) {
      if (ours(p.organization())) {
        ProjectState old = projects().get(p.id());
        projects.put(p.id(), old == null ? new ProjectState(p, ImmutableMap.of(), ImmutableMap.of())
            : new ProjectState(p, old.grants(), old.kindRules()));
      }
    }

    /** Deletes the project with the grants and kind rules it holds (not its resources). */
    void deleteProject(ProjectId id) {
      if (currentProjects().containsKey(id)) {
        projects().remove(id);
        grants.remove(id);
        kindRules.remove(id);
      }
    }

    /** Deletes every resource of the project, with their rules. */
    void deleteResourcesOf(ProjectId id) {
      if (currentResources().keySet().stream().anyMatch(ref -> ref.project().equals(id))) {
        resources().keySet().removeIf(ref -> ref.project().equals(id));
        memberRules.keySet().removeIf(ref -> ref.project().equals(id));
      }
    }

    void upsertGrant(ProjectGrant g) {
      if (currentProjects().containsKey(g.project())) {
        grantsOf(g.project()).put(g.user(), g);
      }
    }

    void deleteGrant(ProjectId project, UserId user) {
      if (currentProjects().containsKey(project)) {
        grantsOf(project).remove(user);
      }
    }

    /** Every grant of {@code user} on the organization's projects. */
    void deleteGrantsOf(OrgId org, UserId user) {
      if (ours(org)) {
        for (ProjectState p : currentProjects().values()) {
          Map<UserId, ProjectGrant> touched = grants.get(p.project().id());
          if ((touched == null ? p.grants() : touched).containsKey(user)) {
            grantsOf(p.project().id()).remove(user);
          }
        }
      }
    }

    /** An inserted or updated resource; an update keeps its rules. */
    void putResource(Resource r) {
      if (currentProjects().containsKey(r.ref().project())) {
        ResourceState old = resources().get(r.ref());
        resources.put(r.ref(), old == null ? new ResourceState(r, ImmutableMap.of(), null)
            : new ResourceState(r, old.memberRules(), old.everyoneRule()));
      }
    }

    void deleteResource(ResourceRef ref) {
      if (currentResources().containsKey(ref)) {
        resources().remove(ref);
        memberRules.remove(ref);
      }
    }

    void upsertRule(ResourceRule rule) {
      setRule(rule, rule.level());
    }

    void deleteRule(ResourceRule rule) {
      setRule(rule, null);
    }

    /** Every member rule naming {@code user} in the organization. */
    void deleteRulesOf(OrgId org, UserId user) {
      if (ours(org)) {
        for (ResourceState r : currentResources().values()) {
          Map<UserId, AccessLevel> touched = memberRules.get(r.resource().ref());
          if ((touched == null ? r.memberRules() : touched).containsKey(user)) {
            memberRulesOf(r.resource().ref()).remove(user);
          }
        }
      }
    }

    /** Sets ({@code level} non-null) or removes the rule's entry. */
    private void setRule(ResourceRule rule, AccessLevel level) {
      if (rule.ref().isEmpty()) {
        if (currentProjects().containsKey(rule.project())) {
          putOrRemove(kindRulesOf(rule.project()), rule.kind(), level);
        }
        return;
      }
      ResourceRef ref = rule.ref().get();
      ResourceState r = currentResources().get(ref);
      if (r == null) {
        return;
      }
      if (rule.user().isPresent()) {
        putOrRemove(memberRulesOf(ref), rule.user().get(), level);
      } else {
        resources().put(ref, new ResourceState(r.resource(), r.memberRules(), level));
      }
    }

    private static <K, V> void putOrRemove(Map<K, V> map, K key, V value) {
      if (value == null) {
        map.remove(key);
      } else {
        map.put(key, value);
      }
    }

    private boolean ours(OrgId org) {
      return org.equals(organization.id());
    }

    private Map<UserId, Membership> members() {
      if (members == null) {
        members = new LinkedHashMap<>(base.members);
      }
      return members;
    }

    private Map<ProjectId, ProjectState> projects() {
      if (projects == null) {
        projects = new LinkedHashMap<>(base.projects);
      }
      return projects;
    }

    private Map<ResourceRef, ResourceState> resources() {
      if (resources == null) {
        resources = new LinkedHashMap<>(base.resources);
      }
      return resources;
    }

    private Map<ProjectId, ProjectState> currentProjects() {
      return projects == null ? base.projects : projects;
    }

    private Map<ResourceRef, ResourceState> currentResources() {
      return resources == null ? base.resources : resources;
    }

    private Map<UserId, ProjectGrant> grantsOf(ProjectId project) {
      return grants.computeIfAbsent(project, p -> new LinkedHashMap<>(projects().get(p).grants()));
    }

    private Map<String, AccessLevel> kindRulesOf(ProjectId project) {
      return kindRules.computeIfAbsent(project, p -> new LinkedHashMap<>(projects().get(p).kindRules()));
    }

    private Map<UserId, AccessLevel> memberRulesOf(ResourceRef ref) {
      return memberRules.computeIfAbsent(ref, r -> new LinkedHashMap<>(resources().get(r).memberRules()));
    }

    OrgState build(long revision) {
      checkState(!deleted, "organization %s was deleted", organization.id());
      grants.forEach((id, g) -> projects.computeIfPresent(id,
          (k, p) -> new ProjectState(p.project(), ordered(g, BY_USER), p.kindRules())));
      kindRules.forEach((id, rules) -> projects.computeIfPresent(id,
          (k, p) -> new ProjectState(p.project(), p.grants(), ordered(rules, BY_KIND))));
      memberRules.forEach((ref, rules) -> resources.computeIfPresent(ref,
          (k, r) -> new ResourceState(r.resource(), ordered(rules, BY_USER), r.everyoneRule())));
      ImmutableMap<UserId, Membership> byUser = members == null ? base.members : ordered(members, BY_USER);
      return new OrgState(organization, revision, byUser,
          members == null ? base.membersByEmail : byEmail(byUser),
          projects == null ? base.projects : ordered(projects, PROJECT_ORDER),
          resources == null ? base.resources : ordered(resources, RESOURCE_ORDER));
    }

    /** The one place every ordered map of a snapshot is built, for loads and replays alike. */
    private static <K, V> ImmutableMap<K, V> ordered(Map<K, V> map, Comparator<? super Map.Entry<K, V>> order) {
      List<Map.Entry<K, V>> entries = new ArrayList<>(map.entrySet());
      // Near-linear: copies keep the old order and loads come in the store's, but for what changed.
      entries.sort(order);
      return ImmutableMap.copyOf(entries);
    }

    /** Members by email, in member order; of two members with one email, the later one. */
    private static ImmutableMap<EmailAddress, Membership> byEmail(ImmutableMap<UserId, Membership> members) {
      Map<EmailAddress, Membership> byEmail = new LinkedHashMap<>();
      for (Membership m : members.values()) {
        m.email().ifPresent(e -> byEmail.put(e, m));
      }
      return ImmutableMap.copyOf(byEmail);
    }
  }

  // Naive stand-ins for issue 14's indexes (the lead's OrgState replaces this block).
  // Built lazily on first use (a benign race: two threads may both build the same index).
  private volatile List<Membership> adminList;
  private volatile Map<UserId, Map<ProjectId, ProjectGrant>> grantsByUser;

  /** Members in user-id order strictly after {@code cursor} (null: from the first). */
  public java.util.Iterator<Membership> membersAfter(UserId cursor) {
    return after(members.values().asList(), cursor);
  }

  /** The Admin and Owner memberships (expired Admins included), in user-id order. */
  public Map<UserId, Membership> admins() {
    return adminList().stream().collect(ImmutableMap.toImmutableMap(Membership::user, m -> m));
  }

  /** Admins and Owners in user-id order strictly after {@code cursor} (null: from the first). */
  public java.util.Iterator<Membership> adminsAfter(UserId cursor) {
    return after(adminList(), cursor);
  }

  /** The number of Owner memberships. */
  public int owners() {
    return (int) adminList().stream().filter(m -> m.level() == dev.warden.organization.OrgLevel.OWNER).count();
  }

  /** The member's grants (expired ones included), in any order; empty if none. */
  public Map<ProjectId, ProjectGrant> grantsOf(UserId user) {
    Map<UserId, Map<ProjectId, ProjectGrant>> index = grantsByUser;
    if (index == null) {
      index = new HashMap<>();
      for (ProjectState p : projects.values()) {
        for (ProjectGrant g : p.grants().values()) {
          index.computeIfAbsent(g.user(), u -> new HashMap<>()).put(g.project(), g);
        }
      }
      grantsByUser = index;
    }
    return index.getOrDefault(user, Map.of());
  }

  /** Projects in creation order strictly after {@code cursor}'s position (null: from the first). */
  public java.util.Iterator<ProjectState> projectsAfter(Project cursor) {
    List<ProjectState> all = projects.values().asList();
    int lo = 0;
    int hi = all.size();
    while (cursor != null && lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (StoreOrder.PROJECTS.compare(all.get(mid).project(), cursor) <= 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return all.subList(lo, all.size()).iterator();
  }

  private List<Membership> adminList() {
    List<Membership> admins = adminList;
    if (admins == null) {
      admins = members.values().stream().filter(m -> m.level().atLeast(dev.warden.organization.OrgLevel.ADMIN))
          .toList();
      adminList = admins;
    }
    return admins;
  }

  private static java.util.Iterator<Membership> after(List<Membership> byUser, UserId cursor) {
    int lo = 0;
    int hi = byUser.size();
    while (cursor != null && lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (StoreOrder.USERS.compare(byUser.get(mid).user(), cursor) <= 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return byUser.subList(lo, byUser.size()).iterator();
  }
}
