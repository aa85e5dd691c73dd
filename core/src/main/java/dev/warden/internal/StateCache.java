package dev.warden.internal;

import dev.warden.internal.OrgState.ProjectState;
import dev.warden.observe.StoreFailure;
import dev.warden.observe.WardenListener;
import dev.warden.organization.Membership;
import dev.warden.organization.OrgId;
import dev.warden.organization.UserId;
import dev.warden.project.Project;
import dev.warden.project.ProjectId;
import dev.warden.role.Role;
import dev.warden.role.RoleId;
import dev.warden.spi.Store;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The published snapshot of every organization the policy has touched, and which organization each
 * project and each role belongs to. Reads are lock-free map lookups; a newer revision always replaces an
 * older one.
 *
 * <p>For a {@linkplain Store#shared() shared} store, every snapshot carries the instant its revision
 * was last confirmed. A background refresher confirms (or reloads) snapshots older than half the
 * staleness bound, and the store's change feed marks changed organizations stale at once. A read that
 * finds a snapshot older than the bound revalidates it synchronously; if that fails, the store error
 * propagates and checks fail closed.
 *
 * <p>The cache also keeps an index of every organization id (with the revision it last saw) and every
 * project and role id, loaded on first use. For a shared store the same refresher confirms it within
 * the bound: one query for all revisions, and the project and role ids of the organizations whose
 * revision moved (creating a project or a role bumps its organization's revision); a store that is not
 * shared changes only through this policy, which keeps the index current as it publishes. An id the
 * index lacks is answered from memory, as fast as a hidden one, so random ids cannot make the store work
 * and timing does not tell hidden from missing (issue 12). A stale index is refreshed once,
 * synchronously, by whichever read finds it stale. Thread-safe. Not API.
 */
public final class StateCache implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StateCache.class);

  private final Store store;
  private final boolean shared;
  private final long boundNanos;
  /** Every organization id the index knows, with its cached snapshot if any. */
  private final Map<OrgId, Slot> orgs = new ConcurrentHashMap<>();
  /** Every project id, straight to its organization's slot: a check resolves a project in one lookup. */
  private final Map<ProjectId, Slot> projectSlots = new ConcurrentHashMap<>();
  /** Every role id, straight to its organization's slot: a role read needs no store query. */
  private final Map<RoleId, Slot> roleSlots = new ConcurrentHashMap<>();
  /** When ({@link System#nanoTime()}) the index was last confirmed; valid once {@link #indexed}. */
  private volatile long indexConfirmedAt;
  private volatile boolean indexed;
  private final Object indexLock = new Object();
  private final ScheduledExecutorService refresher;
  private final WardenListener listener;

  /**
   * One organization: the revision the index last saw it at and its published snapshot (null until
   * loaded). A slot lives as long as the organization is known, so the index of project ids does not
   * change when a new revision is published.
   */
  private static final class Slot {
    final OrgId org;
    volatile long indexedRevision;
    volatile Entry entry;

    Slot(OrgId org, long indexedRevision) {
      this.org = org;
      this.indexedRevision = indexedRevision;
    }
  }

  /** A snapshot and when ({@link System#nanoTime()}) its revision was last confirmed. */
  private record Entry(OrgState state, long confirmedAt) {}

  /**
   * What a check of one user on one project reads, resolved by {@link #resolve}: the organization's
   * slot, the snapshot it was resolved against, the project's state, the user's membership and their
   * reach on the project (each null if none). Immutable, so a holder may share it between threads
   * without locking.
   */
  public static final class Resolved {
    private final Slot slot;
    private final OrgState state;
    private final ProjectState project;
    private final Membership member;
    private final OrgState.Reach reach;

    private Resolved(Slot slot, OrgState state, ProjectState project, UserId user) {
      this.slot = slot;
      this.state = state;
      this.project = project;
      this.member = state.members().get(user);
      this.reach = project.reach().get(user);
    }

    public OrgState state() {
      return state;
    }

    public ProjectState project() {
      return project;
    }

    /** The user's membership in {@link #state()}, active or not; null if none. */
    public Membership member() {
      return member;
    }

    /** The user's reach on {@link #project()} ({@link ProjectState#reach()}); null if none. */
    OrgState.Reach reach() {
      return reach;
    }
  }

  public StateCache(Store store, Duration stalenessBound, WardenListener listener) {
    this.store = store;
    this.listener = listener;
    this.shared = store.shared();
    // A bound too long to count in nanoseconds (about 292 years) saturates instead of overflowing.
    this.boundNanos = stalenessBound.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0 ? Long.MAX_VALUE
        : stalenessBound.toNanos();
    if (shared) {
      refresher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "warden-snapshot-refresher");
        t.setDaemon(true);
        return t;
      });
      long period = Math.max(1, boundNanos / 4);
      refresher.scheduleWithFixedDelay(this::refresh, period, period, TimeUnit.NANOSECONDS);
      store.subscribe(this::markStale);
    } else {
      refresher = null;
    }
  }

  /** The snapshot of {@code org}, loading or revalidating it as needed; null if it does not exist. */
  public OrgState get(OrgId org) {
    Slot slot = orgs.get(org);
    if (slot == null) {
      confirmIndex();
      slot = orgs.get(org);
      if (slot == null) {
        return null;
      }
    }
    return get(slot);
  }

  private OrgState get(Slot slot) {
    Entry e = slot.entry;
    if (e != null && (!shared || System.nanoTime() - e.confirmedAt <= boundNanos)) {
      return e.state;
    }
    return e == null ? load(slot.org) : revalidate(slot.org, e);
  }

  /** The snapshot of {@code org} after confirming its revision with the store. */
  public OrgState getConsistent(OrgId org) {
    Slot slot = orgs.get(org);
    Entry e = slot == null ? null : slot.entry;
    return e == null ? load(org) : revalidate(org, e);
  }

  /**
   * The snapshot of the organization owning {@code project}; null if the project does not exist. On
   * a shared store an unknown project is answered from the index, within the bound.
   */
  public OrgState forProject(ProjectId project) {
    return indexed(projectSlots, project);
  }

  /**
   * What a check of {@code user} on {@code project} reads, as {@link #forProject} finds it: {@code last}
   * itself while its snapshot is still the one published (and, on a shared store, confirmed within the
   * bound), so a host that checks the same pair again skips every lookup by id; otherwise resolved
   * afresh. Null when the project is unknown (that answer is never kept, so a project created later is
   * found).
   */
  public Resolved resolve(ProjectId project, UserId user, Resolved last) {
    if (last != null && get(last.slot) == last.state) {
      return last;
    }
    Slot slot = slotOf(projectSlots, project);
    OrgState state = slot == null ? null : get(slot);
    ProjectState p = state == null ? null : state.projects().get(project);
    return p == null ? null : new Resolved(slot, state, p, user);
  }

  /** Like {@link #forProject} after confirming with the store (an unknown project costs a query). */
  public OrgState forProjectConsistent(ProjectId project) {
    Slot slot = projectSlots.get(project);
    OrgId org = slot != null ? slot.org : lookUp(project);
    return org == null ? null : getConsistent(org);
  }

  /**
   * The organization owning {@code project}, looked up in the store when the index lacks it (for
   * mutations, which go to the store anyway: a project created elsewhere moments ago is found); null
   * if there is none.
   */
  public OrgId organizationOf(ProjectId project) {
    Slot slot = projectSlots.get(project);
    return slot != null ? slot.org : lookUp(project);
  }

  /**
   * The snapshot of the organization owning {@code role}; null if the role does not exist. Answered
   * from the index like {@link #forProject}.
   */
  public OrgState forRole(RoleId role) {
    return indexed(roleSlots, role);
  }

  /** The snapshot of the organization {@code index} maps {@code id} to, confirming the index on a miss. */
  private <K> OrgState indexed(Map<K, Slot> index, K id) {
    Slot slot = slotOf(index, id);
    return slot == null ? null : get(slot);
  }

  /** The slot {@code index} maps {@code id} to, confirming the index on a miss; null if none. */
  private <K> Slot slotOf(Map<K, Slot> index, K id) {
    Slot slot = index.get(id);
    if (slot == null) {
      confirmIndex();
      slot = index.get(id);
    }
    return slot;
  }

  /** The organization owning {@code role}, looked up in the store when the index lacks it (for mutations). */
  public OrgId organizationOf(RoleId role) {
    Slot slot = roleSlots.get(role);
    return slot != null ? slot.org
        : store.inTransaction(tx -> tx.roles().find(role)).map(Role::organization).orElse(null);
  }

  private OrgId lookUp(ProjectId project) {
    Optional<Project> found = store.inTransaction(tx -> tx.projects().find(project));
    return found.map(Project::organization).orElse(null);
  }

  /**
   * Makes sure the index is loaded and, for a shared store, confirmed within the bound. A store that is
   * not shared changes only through this policy, which keeps the index current as it publishes.
   */
  private void confirmIndex() {
    if (!indexed || (shared && System.nanoTime() - indexConfirmedAt > boundNanos)) {
      refreshIndex(boundNanos);
    }
  }

  /**
   * Brings the index up to date unless it was confirmed within {@code maxAgeNanos}; one caller at a
   * time, so concurrent readers of a stale index wait for one refresh instead of each querying.
   * A store failure propagates (checks fail closed).
   */
  private void refreshIndex(long maxAgeNanos) {
    synchronized (indexLock) {
      long started = System.nanoTime();
      if (indexed && started - indexConfirmedAt <= maxAgeNanos) {
        return;
      }
      Set<OrgId> before = Set.copyOf(orgs.keySet());
      boolean full = !indexed;
      record Found(Map<OrgId, Long> revisions, Map<ProjectId, OrgId> projects, Map<RoleId, OrgId> roles) {}
      Found found = store.inTransaction(tx -> {
        Map<OrgId, Long> revisions = tx.organizations().allRevisions();
        List<OrgId> moved = new ArrayList<>();
        revisions.forEach((org, revision) -> {
          Slot slot = orgs.get(org);
          if (full || slot == null || slot.indexedRevision != revision) {
            moved.add(org);
          }
        });
        return new Found(revisions, tx.projects().idsByOrganization(moved), tx.roles().idsByOrganization(moved));
      });
      found.revisions().forEach((org, revision) -> {
        Slot slot = slot(org);
        slot.indexedRevision = Math.max(slot.indexedRevision, revision);
      });
      found.projects().forEach((project, org) -> projectSlots.put(project, slot(org)));
      found.roles().forEach((role, org) -> roleSlots.put(role, slot(org)));
      for (OrgId org : before) {
        if (!found.revisions().containsKey(org)) {
          evict(org); // deleted elsewhere
        }
      }
      indexConfirmedAt = started;
      indexed = true;
    }
  }

  /** The slot of {@code org}, made if the index did not know it. */
  private Slot slot(OrgId org) {
    return orgs.computeIfAbsent(org, id -> new Slot(id, -1));
  }

  /** Forgets a deleted organization: its snapshot, and its projects and roles in the index. */
  public void evict(OrgId org) {
    Slot slot = orgs.remove(org);
    if (slot != null) {
      slot.entry = null;
      projectSlots.values().removeIf(s -> s == slot);
      roleSlots.values().removeIf(s -> s == slot);
    }
  }

  /** The cached snapshot if it is at {@code revision}, else null. */
  OrgState cachedAt(OrgId org, long revision) {
    Slot slot = orgs.get(org);
    Entry e = slot == null ? null : slot.entry;
    return e != null && e.state.revision() == revision ? e.state : null;
  }

  private OrgState revalidate(OrgId org, Entry e) {
    long started = System.nanoTime();
    OptionalLong revision = store.inTransaction(tx -> tx.organizations().revision(org));
    if (revision.isEmpty()) {
      evict(org);
      return null;
    }
    listener.snapshotRevalidated(System.nanoTime() - started);
    if (revision.getAsLong() == e.state.revision()) {
      confirm(org, e, started);
      return e.state;
    }
    return load(org);
  }

  /** Marks {@code e} confirmed at {@code at}, unless another entry replaced it meanwhile. */
  private void confirm(OrgId org, Entry e, long at) {
    Slot slot = orgs.get(org);
    if (slot != null) {
      synchronized (slot) {
        if (slot.entry == e) {
          slot.entry = new Entry(e.state, at);
        }
      }
    }
  }

  private OrgState load(OrgId org) {
    long started = System.nanoTime();
    OrgState loaded = store.inTransaction(tx -> {
      OptionalLong revision = tx.organizations().lock(org);
      return revision.isEmpty() ? null : OrgState.load(tx, org, revision.getAsLong()).orElse(null);
    });
    if (loaded == null) {
      evict(org);
      return null;
    }
    listener.snapshotLoaded(System.nanoTime() - started);
    publish(loaded, null, null, started);
    return loaded;
  }

  /**
   * Publishes {@code state} unless a newer revision is already published. {@code base} is the
   * snapshot it was replayed from by {@code draft} (both null for a full load): if {@code base} is the
   * published snapshot, only the projects and roles the draft created and deleted move in the index;
   * otherwise every project and role of {@code state} is indexed.
   */
  public void publish(OrgState state, OrgState base, OrgState.Draft draft) {
    publish(state, base, draft, System.nanoTime());
  }

  private void publish(OrgState state, OrgState base, OrgState.Draft draft, long confirmedAt) {
    Slot slot = slot(state.id());
    synchronized (slot) {
      Entry old = slot.entry;
      if (old != null && state.revision() < old.state.revision()) {
        return;
      }
      slot.entry = new Entry(state, confirmedAt);
      slot.indexedRevision = Math.max(slot.indexedRevision, state.revision());
      if (base != null && old != null && old.state == base) {
        move(projectSlots, slot, draft.projectMoves());
        move(roleSlots, slot, draft.roleMoves());
      } else {
        reindex(projectSlots, slot, state.projects().keySet(), old == null ? Set.of() : old.state.projects().keySet());
        reindex(roleSlots, slot, state.roles().keySet(), old == null ? Set.of() : old.state.roles().keySet());
      }
    }
  }

  /** Points the ids a replay created at {@code slot} and drops those it deleted. */
  private static <K> void move(Map<K, Slot> index, Slot slot, OrgState.Moves<K> moves) {
    moves.created().forEach(k -> index.put(k, slot));
    moves.deleted().forEach(k -> index.remove(k, slot));
  }

  /** Points every id of the new snapshot at {@code slot} and drops those only the old one had. */
  private static <K> void reindex(Map<K, Slot> index, Slot slot, Set<K> now, Set<K> before) {
    now.forEach(k -> index.put(k, slot));
    before.forEach(k -> {
      if (!now.contains(k)) {
        index.remove(k, slot);
      }
    });
  }

  /** Forces the next read of {@code org} to revalidate (a change feed said it changed). */
  private void markStale(OrgId org) {
    Slot slot = orgs.get(org);
    if (slot != null) {
      synchronized (slot) {
        Entry e = slot.entry;
        if (e != null) {
          slot.entry = new Entry(e.state, Long.MIN_VALUE / 2);
        }
      }
    }
  }

  /**
   * Confirms the index if it is older than half the bound, then confirms or reloads every snapshot
   * older than half the bound, in one revision query.
   */
  private void refresh() {
    try {
      refreshIndex(boundNanos / 2);
    } catch (RuntimeException ex) {
      LOG.warn("could not refresh the index of ids; unknown ids are looked up once it is older than the bound", ex);
    }
    try {
      long now = System.nanoTime();
      List<OrgId> due = new ArrayList<>();
      orgs.forEach((org, slot) -> {
        Entry e = slot.entry;
        if (e != null && now - e.confirmedAt > boundNanos / 2) {
          due.add(org);
        }
      });
      if (due.isEmpty()) {
        return;
      }
      Map<OrgId, Long> revisions = store.inTransaction(tx -> tx.organizations().revisions(due));
      for (OrgId org : due) {
        Slot slot = orgs.get(org);
        Entry e = slot == null ? null : slot.entry;
        Long revision = revisions.get(org);
        if (e == null) {
          continue;
        }
        if (revision == null) {
          evict(org);
        } else if (revision == e.state.revision()) {
          confirm(org, e, now);
        } else {
          load(org);
        }
      }
    } catch (RuntimeException ex) {
      LOG.warn("could not refresh cached snapshots; checks fail closed once they are older than the bound", ex);
      listener.storeFailed(StoreFailure.REFRESH);
    }
  }

  @Override
  public void close() {
    if (refresher != null) {
      refresher.shutdownNow();
    }
  }
}
