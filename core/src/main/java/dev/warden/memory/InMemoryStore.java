package dev.warden.memory;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import com.google.common.collect.HashMultimap;
import com.google.common.collect.ImmutableSet;
import com.google.common.collect.SetMultimap;
import dev.warden.apikey.ApiKey;
import dev.warden.apikey.ApiKeyId;
import dev.warden.apikey.ApiScope;
import dev.warden.audit.AuditCursor;
import dev.warden.audit.AuditEntry;
import dev.warden.audit.AuditQuery;
import dev.warden.invite.Invite;
import dev.warden.invite.InviteId;
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
import dev.warden.spi.ApiKeyRepository;
import dev.warden.spi.AuditRepository;
import dev.warden.spi.GrantRepository;
import dev.warden.spi.InviteRepository;
import dev.warden.spi.MembershipRepository;
import dev.warden.spi.OrganizationRepository;
import dev.warden.spi.ProjectRepository;
import dev.warden.spi.ResourceRepository;
import dev.warden.spi.RoleRepository;
import dev.warden.role.Role;
import dev.warden.role.RoleGrant;
import dev.warden.role.RoleId;
import dev.warden.role.RoleMember;
import dev.warden.role.RoleRule;
import dev.warden.resource.AccessLevel;
import dev.warden.resource.Resource;
import dev.warden.resource.ResourceRef;
import dev.warden.resource.ResourceRule;
import dev.warden.spi.Store;
import dev.warden.spi.StoreOrder;
import dev.warden.spi.Transaction;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The embedded default store: everything in memory, nothing persisted. Transactions keep an undo log,
 * so a transaction that throws leaves no trace; locking an organization takes a per-organization mutex
 * held until the transaction ends. Every write costs what it touches, not the organization's size: the
 * conditional and bulk deletions are answered from indexes kept with the rows (and rolled back with them).
 *
 * <p>This class is thread-safe.
 */
public final class InMemoryStore implements Store {

  private final Map<OrgId, OrgData> orgs = new ConcurrentHashMap<>();
  private final Map<OrgId, ReentrantLock> locks = new ConcurrentHashMap<>();
  private final Map<ProjectId, OrgId> projectOrg = new ConcurrentHashMap<>();
  private final Map<String, ProjectId> projectByToken = new ConcurrentHashMap<>();
  private final Map<InviteId, OrgId> inviteOrg = new ConcurrentHashMap<>();
  private final Map<String, InviteId> inviteByHash = new ConcurrentHashMap<>();
  private final Map<UserId, Set<OrgId>> orgsByUser = new ConcurrentHashMap<>();
  private final Map<RoleId, OrgId> roleOrg = new ConcurrentHashMap<>();
  private final Map<ApiKeyId, ApiKey> keys = new ConcurrentHashMap<>();
  private final Map<ApiKeyId, String> keyHashes = new ConcurrentHashMap<>();
  private final Map<String, ApiKeyId> keyByHash = new ConcurrentHashMap<>();
  /** Each user's key ids; the set is also the lock that keeps a user under the key limit. */
  private final Map<UserId, Set<ApiKeyId>> keysByUser = new ConcurrentHashMap<>();
  private final ConcurrentSkipListMap<AuditCursor, AuditEntry> audit =
      new ConcurrentSkipListMap<>(StoreOrder.AUDIT_NEWEST_FIRST);

  private InMemoryStore() {}

  /** A new, empty store. */
  public static InMemoryStore create() {
    return new InMemoryStore();
  }

  @Override
  public <T> T inTransaction(Function<Transaction, T> work) {
    checkNotNull(work, "work");
    Tx tx = new Tx();
    try {
      T result = work.apply(tx);
      tx.finish(true);
      return result;
    } catch (RuntimeException | Error e) {
      tx.finish(false);
      throw e;
    }
  }

  /**
   * A map of rows with the indexes derived from them. Written only through {@link Tx#write}, under the
   * monitor of the organization holding it, so an index changes with its row in one step, and a rollback,
   * which writes the old row back the same way, restores the index with it. Rows may be read without the
   * monitor; indexes may not.
   */
  private static final class Table<K, V> {
    final Map<K, V> rows = new ConcurrentHashMap<>();
    private final Indexer<K, V> indexer;

    Table(Indexer<K, V> indexer) {
      this.indexer = indexer;
    }

    Table() {
      this((key, old, now) -> {});
    }

    /** Sets the row of {@code key} to {@code value} (null removes it); returns the row replaced, or null. */
    V set(K key, V value) {
      V old = value == null ? rows.remove(key) : rows.put(key, value);
      indexer.changed(key, old, value);
      return old;
    }
  }

  /** Keeps indexes in step with a {@link Table}: told every change of a row, null standing for no row. */
  @FunctionalInterface
  private interface Indexer<K, V> {
    void changed(K key, V old, V now);
  }

  /** Adds {@code value} under {@code key} if {@code present}, removes it otherwise. */
  private static <K, V> void index(SetMultimap<K, V> index, K key, V value, boolean present) {
    if (present) {
      index.put(key, value);
    } else {
      index.remove(key, value);
    }
  }

  /** The key of a grant: one per project and user. */
  private record GrantKey(ProjectId project, UserId user) {}

  /** The key of a role membership: one per role and user. */
  private record RoleMemberKey(RoleId role, UserId user) {}

  /** The key of a role grant: one per role and project. */
  private record RoleGrantKey(RoleId role, ProjectId project) {}

  /**
   * Everything stored for one organization, with the indexes that keep each mutation in proportion to
   * what it touches rather than to the organization's size. Its tables, and the indexes below, are written
   * only under its monitor.
   */
  private static final class OrgData {
    volatile Organization organization;
    volatile long revision;
    /** How many members are Owners. */
    int owners;
    final SetMultimap<UserId, ProjectId> grantsByUser = HashMultimap.create();
    final SetMultimap<ProjectId, UserId> grantsByProject = HashMultimap.create();
    /** The unused invites of each email. */
    final SetMultimap<EmailAddress, InviteId> unusedInvites = HashMultimap.create();
    final SetMultimap<ProjectId, ResourceRef> resourcesByProject = HashMultimap.create();
    /** Rule keys by project, by resource (kind rules have none) and by user (member rules only). */
    final SetMultimap<ProjectId, ResourceRule> rulesByProject = HashMultimap.create();
    final SetMultimap<ResourceRef, ResourceRule> rulesByResource = HashMultimap.create();
    final SetMultimap<UserId, ResourceRule> rulesByUser = HashMultimap.create();

    final Map<String, RoleId> roleNames = new HashMap<>();
    final SetMultimap<RoleId, UserId> roleMembersByRole = HashMultimap.create();
    final SetMultimap<UserId, RoleId> roleMembersByUser = HashMultimap.create();
    final SetMultimap<RoleId, ProjectId> roleGrantsByRole = HashMultimap.create();
    final SetMultimap<ProjectId, RoleId> roleGrantsByProject = HashMultimap.create();

    final Table<UserId, Membership> members = new Table<>((user, old, now) -> owners += owner(now) - owner(old));
    final Table<RoleId, Role> roles = new Table<>((id, old, now) -> {
      if (old != null) {
        roleNames.remove(old.name(), id);
      }
      if (now != null) {
        roleNames.put(now.name(), id);
      }
    });
    final Table<RoleMemberKey, RoleMember> roleMembers = new Table<>((key, old, now) -> {
      index(roleMembersByRole, key.role(), key.user(), now != null);
      index(roleMembersByUser, key.user(), key.role(), now != null);
    });
    final Table<RoleGrantKey, RoleGrant> roleGrants = new Table<>((key, old, now) -> {
      index(roleGrantsByRole, key.role(), key.project(), now != null);
      index(roleGrantsByProject, key.project(), key.role(), now != null);
    });
    final SetMultimap<RoleId, RoleRule> roleRulesByRole = HashMultimap.create();
    final SetMultimap<ProjectId, RoleRule> roleRulesByProject = HashMultimap.create();
    final SetMultimap<ResourceRef, RoleRule> roleRulesByResource = HashMultimap.create();
    /** Role rules keyed by the rule at level NONE: one per role, project, kind and resource. */
    final Table<RoleRule, RoleRule> roleRules = new Table<>((key, old, now) -> {
      index(roleRulesByRole, key.role(), key, now != null);
      index(roleRulesByProject, key.project(), key, now != null);
      key.ref().ifPresent(ref -> index(roleRulesByResource, ref, key, now != null));
    });
    final Table<ProjectId, Project> projects = new Table<>();
    final Table<GrantKey, ProjectGrant> grants = new Table<>((key, old, now) -> {
      index(grantsByUser, key.user(), key.project(), now != null);
      index(grantsByProject, key.project(), key.user(), now != null);
    });
    final Table<InviteId, Invite> invites = new Table<>((id, old, now) -> {
      if (old != null && old.acceptedAt().isEmpty()) {
        unusedInvites.remove(old.email(), id);
      }
      if (now != null && now.acceptedAt().isEmpty()) {
        unusedInvites.put(now.email(), id);
      }
    });
    final Table<InviteId, String> inviteHashes = new Table<>();
    final Table<ResourceRef, Resource> resources =
        new Table<>((ref, old, now) -> index(resourcesByProject, ref.project(), ref, now != null));
    /** Rules keyed by the rule at level NONE, so one rule exists per project, kind, resource and user. */
    final Table<ResourceRule, ResourceRule> rules = new Table<>((key, old, now) -> {
      index(rulesByProject, key.project(), key, now != null);
      key.ref().ifPresent(ref -> index(rulesByResource, ref, key, now != null));
      key.user().ifPresent(user -> index(rulesByUser, user, key, now != null));
    });

    OrgData(Organization organization) {
      this.organization = organization;
    }

    private static int owner(Membership m) {
      return m != null && m.level() == OrgLevel.OWNER ? 1 : 0;
    }
  }

  private final class Tx implements Transaction {
    private final Orgs orgRepo = new Orgs();
    private final Members memberRepo = new Members();
    private final Projects projectRepo = new Projects();
    private final Grants grantRepo = new Grants();
    private final Invites inviteRepo = new Invites();
    private final Keys keyRepo = new Keys();
    private final Audit auditRepo = new Audit();
    private final Resources resourceRepo = new Resources();
    private final Roles roleRepo = new Roles();
    private final Deque<Runnable> undo = new ArrayDeque<>();
    private final List<ReentrantLock> held = new ArrayList<>();
    private final Thread owner = Thread.currentThread();
    private boolean open = true;

    void finish(boolean commit) {
      open = false;
      try {
        if (!commit) {
          while (!undo.isEmpty()) {
            undo.pop().run();
          }
        }
      } finally {
        for (int i = held.size() - 1; i >= 0; i--) {
          held.get(i).unlock();
        }
      }
    }

    private void checkOpen() {
      checkState(open && Thread.currentThread() == owner, "transaction is closed or used from another thread");
    }

    private <K, V> void put(Map<K, V> map, K key, V value) {
      V old = map.put(key, value);
      undo.push(() -> {
        if (old == null) {
          map.remove(key, value);
        } else {
          map.put(key, old);
        }
      });
    }

    private <K, V> V remove(Map<K, V> map, K key) {
      V old = map.remove(key);
      if (old != null) {
        undo.push(() -> map.put(key, old));
      }
      return old;
    }

    /**
     * Sets one row of an organization's table ({@code value} null deletes it) under the organization's
     * monitor, and logs the undo: the old row is written back through the same table, so the indexes
     * follow it, unless another transaction has replaced this one's row since. Returns the row replaced,
     * or null.
     */
    private <K, V> V write(OrgData data, Table<K, V> table, K key, V value) {
      V old;
      synchronized (data) {
        old = table.set(key, value);
      }
      if (old != null || value != null) {
        undo.push(() -> {
          synchronized (data) {
            if (Objects.equals(table.rows.get(key), value)) {
              table.set(key, old);
            }
          }
        });
      }
      return old;
    }

    /**
     * Deletes the rows of one of the organization's tables that {@code index} lists under {@code user}
     * (grants, role memberships, resource rules of a member); returns how many.
     */
    private <I, K, V> int deleteOfUser(OrgId organization, UserId user, Function<OrgData, SetMultimap<UserId, I>> index,
        Function<OrgData, Table<K, V>> table, Function<I, K> key) {
      checkNotNull(user, "user");
      OrgData data = data(organization);
      if (data == null) {
        return 0;
      }
      synchronized (data) {
        return deleteRows(data, table.apply(data), index.apply(data).get(user), key);
      }
    }

    /**
     * Deletes the rows of {@code table} keyed by {@code key} of each entry of {@code index} (copied first:
     * each write shrinks the index it comes from); how many existed. The caller holds {@code data}'s lock.
     */
    private <I, K, V> int deleteRows(OrgData data, Table<K, V> table, Collection<I> index, Function<I, K> key) {
      int count = 0;
      for (I entry : List.copyOf(index)) {
        if (write(data, table, key.apply(entry), null) != null) {
          count++;
        }
      }
      return count;
    }

    /** Each project of the organization's place in creation order ({@link StoreOrder#PROJECTS}), for sorting lists. */
    private Map<ProjectId, Integer> projectOrder(OrgId organization) {
      Map<ProjectId, Integer> order = new HashMap<>();
      for (Project p : projectRepo.listByOrganization(organization)) {
        order.put(p.id(), order.size());
      }
      return order;
    }

    private OrgData data(OrgId id) {
      checkOpen();
      return orgs.get(checkNotNull(id, "organization"));
    }

    private OrgData existing(OrgId id) {
      OrgData data = data(id);
      checkArgument(data != null, "organization %s does not exist", id);
      return data;
    }

    private Optional<OrgData> ofProject(ProjectId id) {
      checkOpen();
      OrgId org = projectOrg.get(checkNotNull(id, "project"));
      return Optional.ofNullable(org == null ? null : orgs.get(org));
    }

    private OrgData ofProjectOrThrow(ProjectId project) {
      return ofProject(project)
          .orElseThrow(() -> new IllegalArgumentException("project " + project + " does not exist"));
    }

    private OrgData ofInvite(InviteId id) {
      checkOpen();
      OrgId org = inviteOrg.get(checkNotNull(id, "invite"));
      return org == null ? null : orgs.get(org);
    }

    // ---------------------------------------------------------------- Transaction

    @Override
    public OrganizationRepository organizations() {
      return orgRepo;
    }

    @Override
    public MembershipRepository memberships() {
      return memberRepo;
    }

    @Override
    public ProjectRepository projects() {
      return projectRepo;
    }

    @Override
    public GrantRepository grants() {
      return grantRepo;
    }

    @Override
    public InviteRepository invites() {
      return inviteRepo;
    }

    @Override
    public ApiKeyRepository apiKeys() {
      return keyRepo;
    }

    @Override
    public AuditRepository audit() {
      return auditRepo;
    }

    @Override
    public ResourceRepository resources() {
      return resourceRepo;
    }

    @Override
    public RoleRepository roles() {
      return roleRepo;
    }

    private void unindexMember(Membership m) {
      Set<OrgId> ids = orgsByUser.get(m.user());
      if (ids != null && ids.remove(m.organization())) {
        undo.push(() -> ids.add(m.organization()));
      }
    }

    private final class Orgs implements OrganizationRepository {

      @Override
      public void insert(Organization organization) {
        checkArgument(data(organization.id()) == null, "organization %s exists", organization.id());
        put(orgs, organization.id(), new OrgData(organization));
      }

      @Override
      public Optional<Organization> find(OrgId id) {
        OrgData data = data(id);
        return Optional.ofNullable(data == null ? null : data.organization);
      }

      @Override
      public List<OrgId> listIds() {
        checkOpen();
        return orgs.values().stream()
            .map(d -> d.organization)
            .sorted(StoreOrder.ORGANIZATIONS)
            .map(Organization::id)
            .toList();
      }

      @Override
      public OptionalLong lock(OrgId id) {
        checkOpen();
        ReentrantLock lock = locks.computeIfAbsent(checkNotNull(id, "organization"), k -> new ReentrantLock());
        if (!lock.isHeldByCurrentThread()) {
          lock.lock();
          held.add(lock);
        }
        OrgData data = orgs.get(id);
        return data == null ? OptionalLong.empty() : OptionalLong.of(data.revision);
      }

      @Override
      public long bumpRevision(OrgId id) {
        OrgData data = existing(id);
        ReentrantLock lock = locks.get(id);
        checkState(lock != null && lock.isHeldByCurrentThread(), "organization %s must be locked first", id);
        long old = data.revision;
        data.revision = old + 1;
        undo.push(() -> data.revision = old);
        return old + 1;
      }

      @Override
      public OptionalLong revision(OrgId id) {
        OrgData data = data(id);
        return data == null ? OptionalLong.empty() : OptionalLong.of(data.revision);
      }

      @Override
      public void update(Organization organization) {
        OrgData data = existing(organization.id());
        Organization old = data.organization;
        data.organization = organization;
        undo.push(() -> data.organization = old);
      }

      @Override
      public boolean delete(OrgId id) {
        OrgData data = data(id);
        if (data == null) {
          return false;
        }
        // The organization's own tables go with it untouched; only the store-wide indexes need updating.
        synchronized (data) {
          for (Membership m : data.members.rows.values()) {
            unindexMember(m);
          }
          for (Project p : data.projects.rows.values()) {
            remove(projectOrg, p.id());
            remove(projectByToken, p.token());
          }
          for (Map.Entry<InviteId, String> e : data.inviteHashes.rows.entrySet()) {
            remove(inviteOrg, e.getKey());
            remove(inviteByHash, e.getValue());
          }
          for (RoleId role : data.roles.rows.keySet()) {
            remove(roleOrg, role);
          }
          remove(orgs, id);
        }
        return true;
      }

    }

    private final class Members implements MembershipRepository {

      @Override
      public Optional<Membership> find(OrgId organization, UserId user) {
        OrgData data = data(organization);
        return Optional.ofNullable(data == null ? null : data.members.rows.get(checkNotNull(user, "user")));
      }

      @Override
      public List<Membership> listByOrganization(OrgId organization) {
        OrgData data = data(organization);
        if (data == null) {
          return List.of();
        }
        return data.members.rows.values().stream().sorted(StoreOrder.MEMBERS).toList();
      }

      @Override
      public List<Membership> listByUser(UserId user) {
        checkOpen();
        return orgsByUser.getOrDefault(checkNotNull(user, "user"), Set.of()).stream()
            .map(orgs::get)
            .filter(d -> d != null && d.members.rows.containsKey(user))
            .map(d -> d.members.rows.get(user))
            .sorted(StoreOrder.MEMBERSHIPS_OF_A_USER)
            .toList();
      }

      @Override
      public void insert(Membership membership) {
        OrgData data = existing(membership.organization());
        synchronized (data) {
          checkArgument(!data.members.rows.containsKey(membership.user()), "user %s is already a member of %s",
              membership.user(), membership.organization());
          write(data, data.members, membership.user(), membership);
        }
        Set<OrgId> ids = orgsByUser.computeIfAbsent(membership.user(), k -> ConcurrentHashMap.newKeySet());
        if (ids.add(membership.organization())) {
          undo.push(() -> ids.remove(membership.organization()));
        }
      }

      @Override
      public boolean update(Membership current, Membership next) {
        checkArgument(current.organization().equals(next.organization()) && current.user().equals(next.user()),
            "update must keep organization and user");
        OrgData data = existing(current.organization());
        // Atomic even for callers that do not lock the organization: compare, count and write under the
        // organization's monitor, so two concurrent demotions cannot both see two Owners.
        synchronized (data) {
          if (!current.equals(data.members.rows.get(current.user()))) {
            return false;
          }
          if (current.level() == OrgLevel.OWNER && next.level() != OrgLevel.OWNER && data.owners < 2) {
            return false;
          }
          write(data, data.members, next.user(), next);
          return true;
        }
      }

      @Override
      public boolean delete(OrgId organization, UserId user) {
        OrgData data = data(organization);
        if (data == null) {
          return false;
        }
        synchronized (data) {
          Membership m = data.members.rows.get(checkNotNull(user, "user"));
          if (m == null || m.level() == OrgLevel.OWNER) {
            return false;
          }
          write(data, data.members, user, null);
          unindexMember(m);
          return true;
        }
      }
    }

    private final class Projects implements ProjectRepository {

      @Override
      public void insert(Project project) {
        OrgData data = existing(project.organization());
        checkArgument(!projectOrg.containsKey(project.id()), "project %s exists", project.id());
        checkArgument(!projectByToken.containsKey(project.token()), "project token must be unique");
        write(data, data.projects, project.id(), project);
        put(projectOrg, project.id(), project.organization());
        put(projectByToken, project.token(), project.id());
      }

      @Override
      public Optional<Project> find(ProjectId id) {
        return ofProject(id).map(d -> d.projects.rows.get(id));
      }

      @Override
      public Optional<Project> findByToken(String token) {
        checkOpen();
        ProjectId id = projectByToken.get(checkNotNull(token, "token"));
        return id == null ? Optional.empty() : find(id).filter(p -> p.token().equals(token));
      }

      @Override
      public List<Project> listByOrganization(OrgId organization) {
        OrgData data = data(organization);
        return data == null ? List.of() : data.projects.rows.values().stream().sorted(StoreOrder.PROJECTS).toList();
      }

      @Override
      public void update(Project project) {
        OrgData data = ofProject(project.id())
            .filter(d -> d.organization.id().equals(project.organization()))
            .orElseThrow(() -> new IllegalArgumentException("project " + project.id() + " does not exist"));
        Project old = data.projects.rows.get(project.id());
        if (!old.token().equals(project.token())) {
          checkArgument(!projectByToken.containsKey(project.token()), "project token must be unique");
          remove(projectByToken, old.token());
          put(projectByToken, project.token(), project.id());
        }
        write(data, data.projects, project.id(), project);
      }

      @Override
      public boolean delete(ProjectId id) {
        Optional<OrgData> found = ofProject(id);
        if (found.isEmpty()) {
          return false;
        }
        OrgData data = found.get();
        Project old;
        synchronized (data) {
          old = write(data, data.projects, id, null);
          if (old == null) {
            return false;
          }
          deleteRows(data, data.grants, data.grantsByProject.get(id), user -> new GrantKey(id, user));
          deleteRows(data, data.rules, data.rulesByProject.get(id), key -> key);
          deleteRows(data, data.resources, data.resourcesByProject.get(id), ref -> ref);
          deleteRows(data, data.roleGrants, data.roleGrantsByProject.get(id), role -> new RoleGrantKey(role, id));
          deleteRows(data, data.roleRules, data.roleRulesByProject.get(id), key -> key);
        }
        remove(projectOrg, id);
        remove(projectByToken, old.token());
        return true;
      }

    }

    private final class Grants implements GrantRepository {

      @Override
      public Optional<ProjectGrant> find(ProjectId project, UserId user) {
        GrantKey key = new GrantKey(project, checkNotNull(user, "user"));
        return ofProject(project).map(d -> d.grants.rows.get(key));
      }

      @Override
      public List<ProjectGrant> listByOrganization(OrgId organization) {
        OrgData data = data(organization);
        if (data == null) {
          return List.of();
        }
        Map<ProjectId, Integer> order = projectOrder(organization);
        return data.grants.rows.values().stream()
            .filter(g -> order.containsKey(g.project())) // not a grant of a project deleted meanwhile
            .sorted(Comparator.comparingInt((ProjectGrant g) -> order.get(g.project())).thenComparing(StoreOrder.GRANTS))
            .toList();
      }

      @Override
      public void upsert(ProjectGrant grant) {
        OrgData data = ofProjectOrThrow(grant.project());
        synchronized (data) {
          checkArgument(data.projects.rows.containsKey(grant.project()), "project %s does not exist", grant.project());
          write(data, data.grants, new GrantKey(grant.project(), grant.user()), grant);
        }
      }

      @Override
      public boolean delete(ProjectId project, UserId user) {
        GrantKey key = new GrantKey(project, checkNotNull(user, "user"));
        Optional<OrgData> data = ofProject(project);
        return data.isPresent() && write(data.get(), data.get().grants, key, null) != null;
      }

      @Override
      public int deleteByMember(OrgId organization, UserId user) {
        return deleteOfUser(organization, user, d -> d.grantsByUser, d -> d.grants, project -> new GrantKey(project, user));
      }

    }

    private final class Invites implements InviteRepository {

      @Override
      public void insertReplacingUnused(Invite invite, String tokenHash) {
        checkNotNull(tokenHash, "tokenHash");
        OrgData data = existing(invite.organization());
        synchronized (data) {
          checkArgument(!inviteOrg.containsKey(invite.id()), "invite %s exists", invite.id());
          checkArgument(!inviteByHash.containsKey(tokenHash), "invite token hash must be unique");
          deleteUnused(invite.organization(), invite.email());
          write(data, data.invites, invite.id(), invite);
          write(data, data.inviteHashes, invite.id(), tokenHash);
          put(inviteOrg, invite.id(), invite.organization());
          put(inviteByHash, tokenHash, invite.id());
        }
      }

      @Override
      public Optional<Invite> find(InviteId id) {
        OrgData data = ofInvite(id);
        return Optional.ofNullable(data == null ? null : data.invites.rows.get(id));
      }

      @Override
      public Optional<Invite> findByTokenHash(String tokenHash) {
        checkOpen();
        InviteId id = inviteByHash.get(checkNotNull(tokenHash, "tokenHash"));
        return id == null ? Optional.empty() : find(id);
      }

      @Override
      public List<Invite> listUnused(OrgId organization) {
        OrgData data = data(organization);
        if (data == null) {
          return List.of();
        }
        return data.invites.rows.values().stream()
            .filter(i -> i.acceptedAt().isEmpty())
            .sorted(StoreOrder.INVITES)
            .toList();
      }

      @Override
      public boolean consume(InviteId id, Instant at) {
        checkNotNull(at, "at");
        OrgData data = ofInvite(id);
        if (data == null) {
          return false;
        }
        // Atomic even without the organization lock: compare and write under the organization's monitor.
        synchronized (data) {
          Invite invite = data.invites.rows.get(id);
          if (invite == null || invite.acceptedAt().isPresent()) {
            return false;
          }
          write(data, data.invites, id, invite.accepted(at));
          return true;
        }
      }

      @Override
      public boolean delete(InviteId id) {
        OrgData data = ofInvite(id);
        if (data == null) {
          return false;
        }
        synchronized (data) {
          if (write(data, data.invites, id, null) == null) {
            return false;
          }
          String hash = write(data, data.inviteHashes, id, null);
          remove(inviteOrg, id);
          remove(inviteByHash, hash);
          return true;
        }
      }

      @Override
      public int deleteUnused(OrgId organization, EmailAddress email) {
        checkNotNull(email, "email");
        OrgData data = data(organization);
        if (data == null) {
          return 0;
        }
        int count = 0;
        synchronized (data) {
          for (InviteId id : List.copyOf(data.unusedInvites.get(email))) {
            if (delete(id)) {
              count++;
            }
          }
        }
        return count;
      }
    }

    private final class Keys implements ApiKeyRepository {
      @Override
      public boolean insertIfFewer(ApiKey key, String valueHash, int max) {
        checkOpen();
        checkNotNull(valueHash, "valueHash");
        checkArgument(!keys.containsKey(key.id()), "api key %s exists", key.id());
        checkArgument(!keyByHash.containsKey(valueHash), "api key hash must be unique");
        Set<ApiKeyId> owned = keysByUser.computeIfAbsent(key.user(), u -> ConcurrentHashMap.newKeySet());
        synchronized (owned) {
          if (owned.size() >= max) {
            return false;
          }
          put(keys, key.id(), key);
          put(keyHashes, key.id(), valueHash);
          put(keyByHash, valueHash, key.id());
          owned.add(key.id());
          undo.push(() -> owned.remove(key.id()));
          return true;
        }
      }

      @Override
      public Optional<ApiKey> find(ApiKeyId id) {
        checkOpen();
        return Optional.ofNullable(keys.get(checkNotNull(id, "id")));
      }

      @Override
      public Optional<HashedApiKey> findByValueHash(String valueHash) {
        checkOpen();
        ApiKeyId id = keyByHash.get(checkNotNull(valueHash, "valueHash"));
        ApiKey key = id == null ? null : keys.get(id);
        return key == null ? Optional.empty() : Optional.of(new HashedApiKey(key, valueHash));
      }

      @Override
      public Set<String> scopeObjectsInUse() {
        checkOpen();
        return keys.values().stream().flatMap(k -> k.scopes().stream())
            .filter(scope -> !scope.equals(ApiScope.ALL))
            .map(ApiScope::object)
            .collect(ImmutableSet.toImmutableSet());
      }

      @Override
      public List<ApiKey> listByUser(UserId user) {
        checkOpen();
        checkNotNull(user, "user");
        Set<ApiKeyId> mine = keysByUser.get(user);
        if (mine == null || mine.isEmpty()) {
          return List.of(); // the review asks this of every member; most have no key
        }
        return mine.stream()
            .map(keys::get)
            .filter(Objects::nonNull)
            .sorted(StoreOrder.API_KEYS)
            .toList();
      }

      @Override
      public void update(ApiKey key, Optional<String> newValueHash) {
        checkOpen();
        checkArgument(keys.containsKey(key.id()), "api key %s does not exist", key.id());
        if (newValueHash.isPresent()) {
          checkArgument(!keyByHash.containsKey(newValueHash.get()), "api key hash must be unique");
          remove(keyByHash, keyHashes.get(key.id()));
          put(keyHashes, key.id(), newValueHash.get());
          put(keyByHash, newValueHash.get(), key.id());
        }
        put(keys, key.id(), key);
      }

      @Override
      public boolean markUsed(ApiKeyId id, Instant at) {
        checkOpen();
        checkNotNull(at, "at");
        ApiKey[] before = new ApiKey[1];
        ApiKey after = keys.computeIfPresent(checkNotNull(id, "id"), (k, key) -> {
          before[0] = key;
          return key.usedAt(at);
        });
        if (after != null) {
          undo.push(() -> keys.replace(id, after, before[0]));
        }
        return after != null;
      }

      @Override
      public boolean delete(ApiKeyId id) {
        checkOpen();
        ApiKey removed = remove(keys, checkNotNull(id, "id"));
        if (removed == null) {
          return false;
        }
        Set<ApiKeyId> owned = keysByUser.get(removed.user());
        if (owned != null && owned.remove(id)) {
          undo.push(() -> owned.add(id));
        }
        remove(keyByHash, remove(keyHashes, id));
        return true;
      }
    }

    private final class Audit implements AuditRepository {
      @Override
      public void append(AuditEntry entry) {
        checkOpen();
        AuditCursor key = AuditCursor.of(entry);
        checkArgument(!audit.containsKey(key), "audit entry %s exists", entry.id());
        put(audit, key, entry);
      }

      @Override
      public List<AuditEntry> query(AuditQuery query, Optional<AuditCursor> after, int limit) {
        checkOpen();
        checkArgument(limit > 0, "limit must be positive, but was %s", limit);
        Map<AuditCursor, AuditEntry> range = after.isPresent() ? audit.tailMap(after.get(), false) : audit;
        return range.values().stream().filter(query::matches).limit(limit).toList();
      }
    }

    /** Every distinct name {@code names} finds in any organization's data, each read under its lock. */
    private Set<String> namesInUse(Function<OrgData, Stream<String>> names) {
      Set<String> found = new TreeSet<>();
      for (OrgData data : orgs.values()) {
        synchronized (data) {
          names.apply(data).forEach(found::add);
        }
      }
      return ImmutableSet.copyOf(found);
    }

    private final class Roles implements RoleRepository {

      private OrgData ofRole(RoleId id) {
        checkOpen();
        OrgId org = roleOrg.get(checkNotNull(id, "role"));
        return org == null ? null : orgs.get(org);
      }

      private OrgData ofRoleOrThrow(RoleId id) {
        OrgData data = ofRole(id);
        checkArgument(data != null && data.roles.rows.containsKey(id), "role %s does not exist", id);
        return data;
      }

      @Override
      public Optional<Role> find(RoleId id) {
        OrgData data = ofRole(id);
        return Optional.ofNullable(data == null ? null : data.roles.rows.get(id));
      }

      @Override
      public List<Role> listByOrganization(OrgId organization) {
        OrgData data = data(organization);
        return data == null ? List.of() : data.roles.rows.values().stream().sorted(StoreOrder.ROLES).toList();
      }

      @Override
      public void insert(Role role) {
        OrgData data = existing(role.organization());
        synchronized (data) {
          checkArgument(!roleOrg.containsKey(role.id()), "role %s already exists", role.id());
          checkArgument(!data.roleNames.containsKey(role.name()), "role name must be unique in the organization");
          put(roleOrg, role.id(), role.organization());
          write(data, data.roles, role.id(), role);
        }
      }

      @Override
      public void update(Role role) {
        OrgData data = ofRoleOrThrow(role.id());
        synchronized (data) {
          checkArgument(data.organization.id().equals(role.organization()), "a role cannot move to another organization");
          RoleId named = data.roleNames.get(role.name());
          checkArgument(named == null || named.equals(role.id()), "role name must be unique in the organization");
          write(data, data.roles, role.id(), role);
        }
      }

      @Override
      public boolean delete(RoleId id) {
        OrgData data = ofRole(id);
        if (data == null) {
          return false;
        }
        synchronized (data) {
          if (write(data, data.roles, id, null) == null) {
            return false;
          }
          deleteRows(data, data.roleMembers, data.roleMembersByRole.get(id), user -> new RoleMemberKey(id, user));
          deleteRows(data, data.roleGrants, data.roleGrantsByRole.get(id), project -> new RoleGrantKey(id, project));
          deleteRows(data, data.roleRules, data.roleRulesByRole.get(id), key -> key);
        }
        remove(roleOrg, id);
        return true;
      }

      @Override
      public List<RoleMember> listMembersByOrganization(OrgId organization) {
        OrgData data = data(organization);
        if (data == null) {
          return List.of();
        }
        Map<RoleId, Integer> order = roleOrder(organization);
        return data.roleMembers.rows.values().stream()
            .filter(m -> order.containsKey(m.role()))
            .sorted(Comparator.comparingInt((RoleMember m) -> order.get(m.role()))
                .thenComparing(RoleMember::user, StoreOrder.USERS))
            .toList();
      }

      private Map<RoleId, Integer> roleOrder(OrgId organization) {
        Map<RoleId, Integer> order = new HashMap<>();
        for (Role r : listByOrganization(organization)) {
          order.put(r.id(), order.size());
        }
        return order;
      }

      @Override
      public void upsertMember(RoleMember member) {
        OrgData data = ofRoleOrThrow(member.role());
        synchronized (data) {
          checkArgument(data.members.rows.containsKey(member.user()), "user %s is not a member of the role's organization",
              member.user());
          write(data, data.roleMembers, new RoleMemberKey(member.role(), member.user()), member);
        }
      }

      @Override
      public boolean deleteMember(RoleId role, UserId user) {
        checkNotNull(user, "user");
        OrgData data = ofRole(role);
        return data != null && write(data, data.roleMembers, new RoleMemberKey(role, user), null) != null;
      }

      @Override
      public int deleteMembersByUser(OrgId organization, UserId user) {
        return deleteOfUser(organization, user, d -> d.roleMembersByUser, d -> d.roleMembers,
            role -> new RoleMemberKey(role, user));
      }

      @Override
      public List<RoleGrant> listGrantsByOrganization(OrgId organization) {
        OrgData data = data(organization);
        if (data == null) {
          return List.of();
        }
        Map<RoleId, Integer> roles = roleOrder(organization);
        Map<ProjectId, Integer> projects = projectOrder(organization);
        return data.roleGrants.rows.values().stream()
            .filter(g -> roles.containsKey(g.role()) && projects.containsKey(g.project()))
            .sorted(Comparator.comparingInt((RoleGrant g) -> roles.get(g.role()))
                .thenComparingInt(g -> projects.get(g.project())))
            .toList();
      }

      @Override
      public void upsertGrant(RoleGrant grant) {
        OrgData data = ofRoleOrThrow(grant.role());
        synchronized (data) {
          checkArgument(data.projects.rows.containsKey(grant.project()),
              "project %s does not exist in the role's organization", grant.project());
          write(data, data.roleGrants, new RoleGrantKey(grant.role(), grant.project()), grant);
        }
      }

      @Override
      public boolean deleteGrant(RoleId role, ProjectId project) {
        checkNotNull(project, "project");
        OrgData data = ofRole(role);
        return data != null && write(data, data.roleGrants, new RoleGrantKey(role, project), null) != null;
      }

      @Override
      public List<RoleRule> listRulesByOrganization(OrgId organization) {
        OrgData data = data(organization);
        if (data == null) {
          return List.of();
        }
        Map<RoleId, Integer> roles = roleOrder(organization);
        Map<ProjectId, Integer> projects = projectOrder(organization);
        return data.roleRules.rows.values().stream()
            .filter(r -> roles.containsKey(r.role()) && projects.containsKey(r.project()))
            .sorted(Comparator.comparingInt((RoleRule r) -> roles.get(r.role()))
                .thenComparingInt(r -> projects.get(r.project()))
                .thenComparing(RoleRule::kind)
                .thenComparing(r -> r.resourceId().orElse("")))
            .toList();
      }

      @Override
      public void upsertRule(RoleRule rule) {
        OrgData data = ofRoleOrThrow(rule.role());
        synchronized (data) {
          checkArgument(data.projects.rows.containsKey(rule.project()),
              "project %s does not exist in the role's organization", rule.project());
          rule.ref().ifPresent(ref ->
              checkArgument(data.resources.rows.containsKey(ref), "resource %s does not exist", ref));
          write(data, data.roleRules, rule.key(), rule);
        }
      }

      @Override
      public boolean deleteRule(RoleRule rule) {
        OrgData data = ofRole(rule.role());
        return data != null && write(data, data.roleRules, rule.key(), null) != null;
      }

      @Override
      public Set<String> capabilitiesInUse() {
        return namesInUse(d -> d.roles.rows.values().stream().flatMap(r -> r.capabilities().stream()).map(Capability::name));
      }

      @Override
      public Set<String> kindsInUse() {
        return namesInUse(d -> d.roleRules.rows.keySet().stream().map(RoleRule::kind));
      }
    }

    private final class Resources implements ResourceRepository {

      @Override
      public void insert(Resource resource) {
        OrgData data = ofProjectOrThrow(resource.ref().project());
        synchronized (data) {
          checkArgument(!data.resources.rows.containsKey(resource.ref()), "resource %s exists", resource.ref());
          write(data, data.resources, resource.ref(), resource);
        }
      }

      @Override
      public Optional<Resource> find(ResourceRef ref) {
        return ofProject(ref.project()).map(d -> d.resources.rows.get(ref));
      }

      @Override
      public List<Resource> listByOrganization(OrgId organization) {
        OrgData data = data(organization);
        return data == null ? List.of() : data.resources.rows.values().stream()
            .sorted(StoreOrder.RESOURCES)
            .toList();
      }

      @Override
      public void update(Resource resource) {
        OrgData data = ofProjectOrThrow(resource.ref().project());
        synchronized (data) {
          checkArgument(data.resources.rows.containsKey(resource.ref()), "resource %s does not exist", resource.ref());
          write(data, data.resources, resource.ref(), resource);
        }
      }

      @Override
      public boolean delete(ResourceRef ref) {
        Optional<OrgData> found = ofProject(ref.project());
        if (found.isEmpty()) {
          return false;
        }
        OrgData data = found.get();
        synchronized (data) {
          if (write(data, data.resources, ref, null) == null) {
            return false;
          }
          deleteRows(data, data.rules, data.rulesByResource.get(ref), key -> key);
          deleteRows(data, data.roleRules, data.roleRulesByResource.get(ref), key -> key);
          return true;
        }
      }

      @Override
      public void upsertRule(ResourceRule rule) {
        OrgData data = ofProjectOrThrow(rule.project());
        synchronized (data) {
          checkArgument(data.projects.rows.containsKey(rule.project()), "project %s does not exist", rule.project());
          rule.ref().ifPresent(ref ->
              checkArgument(data.resources.rows.containsKey(ref), "resource %s does not exist", ref));
          write(data, data.rules, rule.key(), rule);
        }
      }

      @Override
      public boolean deleteRule(ResourceRule rule) {
        ResourceRule key = rule.key();
        return ofProject(rule.project()).map(d -> write(d, d.rules, key, null) != null).orElse(false);
      }

      @Override
      public List<ResourceRule> listRulesByOrganization(OrgId organization) {
        OrgData data = data(organization);
        return data == null ? List.of() : data.rules.rows.values().stream().sorted(StoreOrder.RULES).toList();
      }

      @Override
      public Set<String> kindsInUse() {
        return namesInUse(d -> Stream.concat(d.resources.rows.keySet().stream().map(ResourceRef::kind),
            d.rules.rows.keySet().stream().map(ResourceRule::kind)));
      }

      @Override
      public int deleteRulesByMember(OrgId organization, UserId user) {
        return deleteOfUser(organization, user, d -> d.rulesByUser, d -> d.rules, key -> key);
      }
    }
  }
}
