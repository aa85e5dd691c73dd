package dev.warden.memory;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import dev.warden.apikey.ApiKey;
import dev.warden.apikey.ApiKeyId;
import dev.warden.audit.AuditCursor;
import dev.warden.audit.AuditEntry;
import dev.warden.audit.AuditQuery;
import dev.warden.invite.Invite;
import dev.warden.invite.InviteId;
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
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * The embedded default store: everything in memory, nothing persisted. Transactions keep an undo log,
 * so a transaction that throws leaves no trace; locking an organization takes a per-organization mutex
 * held until the transaction ends.
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

  /** Everything stored for one organization. Mutated only under the organization's lock. */
  private static final class OrgData {
    volatile Organization organization;
    volatile long revision;
    final Map<UserId, Membership> members = new ConcurrentHashMap<>();
    final Map<ProjectId, Project> projects = new ConcurrentHashMap<>();
    final Map<ProjectId, Map<UserId, ProjectGrant>> grants = new ConcurrentHashMap<>();
    final Map<InviteId, Invite> invites = new ConcurrentHashMap<>();
    final Map<InviteId, String> inviteHashes = new ConcurrentHashMap<>();
    final Map<ResourceRef, Resource> resources = new ConcurrentHashMap<>();
    /** Rules keyed by the rule at level NONE, so one rule exists per project, kind, resource and user. */
    final Map<ResourceRule, ResourceRule> rules = new ConcurrentHashMap<>();

    OrgData(Organization organization) {
      this.organization = organization;
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
        checkState(locks.get(id).isHeldByCurrentThread(), "organization %s must be locked first", id);
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
        for (Membership m : List.copyOf(data.members.values())) {
          unindexMember(m);
        }
        for (Project p : List.copyOf(data.projects.values())) {
          remove(projectOrg, p.id());
          remove(projectByToken, p.token());
        }
        for (Map.Entry<InviteId, String> e : Map.copyOf(data.inviteHashes).entrySet()) {
          remove(inviteOrg, e.getKey());
          remove(inviteByHash, e.getValue());
        }
        remove(orgs, id);
        return true;
      }

    }

    private final class Members implements MembershipRepository {

      @Override
      public Optional<Membership> find(OrgId organization, UserId user) {
        OrgData data = data(organization);
        return Optional.ofNullable(data == null ? null : data.members.get(checkNotNull(user, "user")));
      }

      @Override
      public List<Membership> listByOrganization(OrgId organization) {
        OrgData data = data(organization);
        if (data == null) {
          return List.of();
        }
        return data.members.values().stream().sorted(StoreOrder.MEMBERS).toList();
      }

      @Override
      public List<Membership> listByUser(UserId user) {
        checkOpen();
        return orgsByUser.getOrDefault(checkNotNull(user, "user"), Set.of()).stream()
            .map(orgs::get)
            .filter(d -> d != null && d.members.containsKey(user))
            .map(d -> d.members.get(user))
            .sorted(StoreOrder.MEMBERSHIPS_OF_A_USER)
            .toList();
      }

      @Override
      public void insert(Membership membership) {
        OrgData data = existing(membership.organization());
        checkArgument(!data.members.containsKey(membership.user()), "user %s is already a member of %s",
            membership.user(), membership.organization());
        put(data.members, membership.user(), membership);
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
        // Atomic even for callers that do not lock the organization: compare, count and write under
        // the organization's membership monitor, so two concurrent demotions cannot both see two Owners.
        synchronized (data.members) {
          if (!current.equals(data.members.get(current.user()))) {
            return false;
          }
          if (current.level() == OrgLevel.OWNER && next.level() != OrgLevel.OWNER && owners(data) < 2) {
            return false;
          }
          put(data.members, next.user(), next);
          return true;
        }
      }

      @Override
      public boolean delete(OrgId organization, UserId user) {
        OrgData data = data(organization);
        if (data == null) {
          return false;
        }
        synchronized (data.members) {
          Membership m = data.members.get(checkNotNull(user, "user"));
          if (m == null || m.level() == OrgLevel.OWNER) {
            return false;
          }
          remove(data.members, user);
          unindexMember(m);
          return true;
        }
      }

      private long owners(OrgData data) {
        return data.members.values().stream().filter(m -> m.level() == OrgLevel.OWNER).count();
      }

    }

    private final class Projects implements ProjectRepository {

      @Override
      public void insert(Project project) {
        OrgData data = existing(project.organization());
        checkArgument(!projectOrg.containsKey(project.id()), "project %s exists", project.id());
        checkArgument(!projectByToken.containsKey(project.token()), "project token must be unique");
        put(data.projects, project.id(), project);
        put(projectOrg, project.id(), project.organization());
        put(projectByToken, project.token(), project.id());
      }

      @Override
      public Optional<Project> find(ProjectId id) {
        return ofProject(id).map(d -> d.projects.get(id));
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
        return data == null ? List.of() : data.projects.values().stream().sorted(StoreOrder.PROJECTS).toList();
      }

      @Override
      public void update(Project project) {
        OrgData data = ofProject(project.id())
            .filter(d -> d.organization.id().equals(project.organization()))
            .orElseThrow(() -> new IllegalArgumentException("project " + project.id() + " does not exist"));
        Project old = data.projects.get(project.id());
        if (!old.token().equals(project.token())) {
          checkArgument(!projectByToken.containsKey(project.token()), "project token must be unique");
          remove(projectByToken, old.token());
          put(projectByToken, project.token(), project.id());
        }
        put(data.projects, project.id(), project);
      }

      @Override
      public boolean delete(ProjectId id) {
        Optional<OrgData> data = ofProject(id);
        if (data.isEmpty()) {
          return false;
        }
        Project old = remove(data.get().projects, id);
        remove(data.get().grants, id);
        for (ResourceRef ref : List.copyOf(data.get().resources.keySet())) {
          if (ref.project().equals(id)) {
            remove(data.get().resources, ref);
          }
        }
        for (ResourceRule key : List.copyOf(data.get().rules.keySet())) {
          if (key.project().equals(id)) {
            remove(data.get().rules, key);
          }
        }
        remove(projectOrg, id);
        remove(projectByToken, old.token());
        return true;
      }

    }

    private final class Grants implements GrantRepository {

      @Override
      public Optional<ProjectGrant> find(ProjectId project, UserId user) {
        checkNotNull(user, "user");
        return ofProject(project)
            .map(d -> d.grants.getOrDefault(project, Map.of()).get(user));
      }

      @Override
      public List<ProjectGrant> listByOrganization(OrgId organization) {
        OrgData data = data(organization);
        if (data == null) {
          return List.of();
        }
        List<ProjectGrant> all = new ArrayList<>();
        for (Project p : projectRepo.listByOrganization(organization)) {
          data.grants.getOrDefault(p.id(), Map.of()).values().stream()
              .sorted(StoreOrder.GRANTS)
              .forEach(all::add);
        }
        return all;
      }

      @Override
      public void upsert(ProjectGrant grant) {
        OrgData data = ofProject(grant.project())
            .orElseThrow(() -> new IllegalArgumentException("project " + grant.project() + " does not exist"));
        Map<UserId, ProjectGrant> grants = data.grants.get(grant.project());
        if (grants == null) {
          grants = new ConcurrentHashMap<>();
          put(data.grants, grant.project(), grants);
        }
        put(grants, grant.user(), grant);
      }

      @Override
      public boolean delete(ProjectId project, UserId user) {
        checkNotNull(user, "user");
        Optional<OrgData> data = ofProject(project);
        Map<UserId, ProjectGrant> grants = data.map(d -> d.grants.get(project)).orElse(null);
        return grants != null && remove(grants, user) != null;
      }

      @Override
      public int deleteByMember(OrgId organization, UserId user) {
        checkNotNull(user, "user");
        OrgData data = data(organization);
        if (data == null) {
          return 0;
        }
        int count = 0;
        for (Map<UserId, ProjectGrant> grants : data.grants.values()) {
          if (remove(grants, user) != null) {
            count++;
          }
        }
        return count;
      }

    }

    private final class Invites implements InviteRepository {

      @Override
      public void insertReplacingUnused(Invite invite, String tokenHash) {
        checkNotNull(tokenHash, "tokenHash");
        OrgData data = existing(invite.organization());
        checkArgument(!inviteOrg.containsKey(invite.id()), "invite %s exists", invite.id());
        checkArgument(!inviteByHash.containsKey(tokenHash), "invite token hash must be unique");
        deleteUnused(invite.organization(), invite.email());
        put(data.invites, invite.id(), invite);
        put(data.inviteHashes, invite.id(), tokenHash);
        put(inviteOrg, invite.id(), invite.organization());
        put(inviteByHash, tokenHash, invite.id());
      }

      @Override
      public Optional<Invite> find(InviteId id) {
        checkOpen();
        OrgId org = inviteOrg.get(checkNotNull(id, "invite"));
        OrgData data = org == null ? null : orgs.get(org);
        return Optional.ofNullable(data == null ? null : data.invites.get(id));
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
        return data.invites.values().stream()
            .filter(i -> i.acceptedAt().isEmpty())
            .sorted(StoreOrder.INVITES)
            .toList();
      }

      @Override
      public boolean consume(InviteId id, Instant at) {
        checkNotNull(at, "at");
        OrgId org = inviteOrg.get(checkNotNull(id, "invite"));
        OrgData data = org == null ? null : orgs.get(org);
        if (data == null) {
          return false;
        }
        // Atomic even without the organization lock: compute() runs under the map's bin lock.
        boolean[] won = new boolean[1];
        Invite before = data.invites.get(id);
        data.invites.computeIfPresent(id, (k, invite) -> {
          if (invite.acceptedAt().isPresent()) {
            return invite;
          }
          won[0] = true;
          return invite.accepted(at);
        });
        if (won[0]) {
          undo.push(() -> data.invites.put(id, before));
        }
        return won[0];
      }

      @Override
      public boolean delete(InviteId id) {
        OrgId org = inviteOrg.get(checkNotNull(id, "invite"));
        OrgData data = org == null ? null : orgs.get(org);
        if (data == null || remove(data.invites, id) == null) {
          return false;
        }
        String hash = remove(data.inviteHashes, id);
        remove(inviteOrg, id);
        remove(inviteByHash, hash);
        return true;
      }

      @Override
      public int deleteUnused(OrgId organization, EmailAddress email) {
        checkNotNull(email, "email");
        int count = 0;
        for (Invite invite : listUnused(organization)) {
          if (invite.email().equals(email) && delete(invite.id())) {
            count++;
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
      public List<ApiKey> listByUser(UserId user) {
        checkOpen();
        checkNotNull(user, "user");
        return keysByUser.getOrDefault(user, Set.of()).stream()
            .map(keys::get)
            .filter(java.util.Objects::nonNull)
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
  
    private final class Resources implements ResourceRepository {
      private OrgData ofProjectOrThrow(ProjectId project) {
        return ofProject(project)
            .orElseThrow(() -> new IllegalArgumentException("project " + project + " does not exist"));
      }

      @Override
      public void insert(Resource resource) {
        OrgData data = ofProjectOrThrow(resource.ref().project());
        checkArgument(!data.resources.containsKey(resource.ref()), "resource %s exists", resource.ref());
        put(data.resources, resource.ref(), resource);
      }

      @Override
      public Optional<Resource> find(ResourceRef ref) {
        return ofProject(ref.project()).map(d -> d.resources.get(ref));
      }

      @Override
      public List<Resource> listByOrganization(OrgId organization) {
        OrgData data = data(organization);
        return data == null ? List.of() : data.resources.values().stream()
            .sorted(StoreOrder.RESOURCES)
            .toList();
      }

      @Override
      public void update(Resource resource) {
        OrgData data = ofProjectOrThrow(resource.ref().project());
        checkArgument(data.resources.containsKey(resource.ref()), "resource %s does not exist", resource.ref());
        put(data.resources, resource.ref(), resource);
      }

      @Override
      public boolean delete(ResourceRef ref) {
        Optional<OrgData> data = ofProject(ref.project());
        if (data.isEmpty() || remove(data.get().resources, ref) == null) {
          return false;
        }
        for (ResourceRule key : List.copyOf(data.get().rules.keySet())) {
          if (key.ref().filter(ref::equals).isPresent()) {
            remove(data.get().rules, key);
          }
        }
        return true;
      }

      @Override
      public void upsertRule(ResourceRule rule) {
        OrgData data = ofProjectOrThrow(rule.project());
        rule.ref().ifPresent(ref -> checkArgument(data.resources.containsKey(ref), "resource %s does not exist", ref));
        put(data.rules, rule.withLevel(AccessLevel.NONE), rule);
      }

      @Override
      public boolean deleteRule(ResourceRule rule) {
        return ofProject(rule.project()).map(d -> remove(d.rules, rule.withLevel(AccessLevel.NONE)) != null).orElse(false);
      }

      @Override
      public List<ResourceRule> listRulesByOrganization(OrgId organization) {
        OrgData data = data(organization);
        return data == null ? List.of() : data.rules.values().stream().sorted(StoreOrder.RULES).toList();
      }

      @Override
      public int deleteRulesByMember(OrgId organization, UserId user) {
        OrgData data = data(organization);
        if (data == null) {
          return 0;
        }
        int count = 0;
        for (ResourceRule key : List.copyOf(data.rules.keySet())) {
          if (key.user().filter(user::equals).isPresent()) {
            remove(data.rules, key);
            count++;
          }
        }
        return count;
      }
    }
  }
}
