package dev.warden.internal;

import dev.warden.observe.StoreFailure;
import dev.warden.observe.WardenListener;
import dev.warden.organization.OrgId;
import dev.warden.project.Project;
import dev.warden.project.ProjectId;
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
 * project belongs to. Reads are lock-free map lookups; a newer revision always replaces an older one.
 *
 * <p>For a {@linkplain Store#shared() shared} store, every snapshot carries the instant its revision
 * was last confirmed. A background refresher confirms (or reloads) snapshots older than half the
 * staleness bound, and the store's change feed marks changed organizations stale at once. A read that
 * finds a snapshot older than the bound revalidates it synchronously; if that fails, the store error
 * propagates and checks fail closed.
 *
 * <p>The cache also keeps an index of every organization id (with the revision it last saw) and every
 * project id, loaded on first use. For a shared store the same refresher confirms it within the bound:
 * one query for all revisions, and the project ids of the organizations whose revision moved (creating
 * a project bumps its organization's revision); a store that is not shared changes only through this
 * policy, which keeps the index current as it publishes. An id the index lacks is answered from memory,
 * as fast as a hidden one, so random ids cannot make the store work and timing does not tell hidden
 * from missing (issue 12). A stale index is refreshed once, synchronously, by whichever read finds it
 * stale.
 * Thread-safe. Not API.
 */
public final class StateCache implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StateCache.class);

  private final Store store;
  private final boolean shared;
  private final long boundNanos;
  private final Map<OrgId, Entry> entries = new ConcurrentHashMap<>();
  private final Map<ProjectId, OrgId> projectOrgs = new ConcurrentHashMap<>();
  /** Every organization id, with the revision the index last saw it at. */
  private final Map<OrgId, Long> knownOrgs = new ConcurrentHashMap<>();
  /** When ({@link System#nanoTime()}) the index was last confirmed; valid once {@link #indexed}. */
  private volatile long indexConfirmedAt;
  private volatile boolean indexed;
  private final Object indexLock = new Object();
  private final ScheduledExecutorService refresher;
  private final WardenListener listener;

  /** A snapshot and when ({@link System#nanoTime()}) its revision was last confirmed. */
  private record Entry(OrgState state, long confirmedAt) {}

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
    Entry e = entries.get(org);
    if (e != null && (!shared || System.nanoTime() - e.confirmedAt <= boundNanos)) {
      return e.state;
    }
    if (e == null && !knownOrgs.containsKey(org)) {
      confirmIndex();
      if (!knownOrgs.containsKey(org)) {
        return null;
      }
    }
    return e == null ? load(org) : revalidate(org, e);
  }

  /** The snapshot of {@code org} after confirming its revision with the store. */
  public OrgState getConsistent(OrgId org) {
    Entry e = entries.get(org);
    return e == null ? load(org) : revalidate(org, e);
  }

  /**
   * The snapshot of the organization owning {@code project}; null if the project does not exist. On
   * a shared store an unknown project is answered from the index, within the bound.
   */
  public OrgState forProject(ProjectId project) {
    OrgId org = projectOrgs.get(project);
    if (org == null) {
      confirmIndex();
      org = projectOrgs.get(project);
    }
    return org == null ? null : get(org);
  }

  /** Like {@link #forProject} after confirming with the store (an unknown project costs a query). */
  public OrgState forProjectConsistent(ProjectId project) {
    OrgId org = projectOrgs.get(project);
    if (org == null) {
      org = lookUp(project);
    }
    return org == null ? null : getConsistent(org);
  }

  /**
   * The organization owning {@code project}, looked up in the store when the index lacks it (for
   * mutations, which go to the store anyway: a project created elsewhere moments ago is found); null
   * if there is none.
   */
  public OrgId organizationOf(ProjectId project) {
    OrgId org = projectOrgs.get(project);
    return org != null ? org : lookUp(project);
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
      Set<OrgId> before = Set.copyOf(knownOrgs.keySet());
      boolean full = !indexed;
      record Found(Map<OrgId, Long> revisions, Map<ProjectId, OrgId> projects) {}
      Found found = store.inTransaction(tx -> {
        Map<OrgId, Long> revisions = tx.organizations().allRevisions();
        List<OrgId> moved = new ArrayList<>();
        revisions.forEach((org, revision) -> {
          if (full || !revision.equals(knownOrgs.get(org))) {
            moved.add(org);
          }
        });
        return new Found(revisions, tx.projects().idsByOrganization(moved));
      });
      projectOrgs.putAll(found.projects());
      knownOrgs.putAll(found.revisions());
      for (OrgId org : before) {
        if (!found.revisions().containsKey(org)) {
          forget(org); // deleted elsewhere
        }
      }
      indexConfirmedAt = started;
      indexed = true;
    }
  }

  /** Drops a deleted organization from the index. */
  private void forget(OrgId org) {
    knownOrgs.remove(org);
    projectOrgs.values().removeIf(org::equals);
  }

  /** The cached snapshot if it is at {@code revision}, else null. */
  OrgState cachedAt(OrgId org, long revision) {
    Entry e = entries.get(org);
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
      entries.replace(org, e, new Entry(e.state, started));
      return e.state;
    }
    return load(org);
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
    publish(loaded, started);
    return loaded;
  }

  /** Publishes {@code state} unless a newer revision is already published. */
  public void publish(OrgState state) {
    publish(state, System.nanoTime());
  }

  private void publish(OrgState state, long confirmedAt) {
    Entry[] previous = new Entry[1];
    Entry next = new Entry(state, confirmedAt);
    Entry winner = entries.compute(state.id(), (id, old) -> {
      previous[0] = old;
      return old == null || state.revision() >= old.state.revision() ? next : old;
    });
    if (winner == next) {
      for (ProjectId p : state.projects().keySet()) {
        projectOrgs.put(p, state.id());
      }
      knownOrgs.merge(state.id(), state.revision(), Math::max);
      if (previous[0] != null) {
        for (ProjectId p : previous[0].state.projects().keySet()) {
          if (!state.projects().containsKey(p)) {
            projectOrgs.remove(p, state.id());
          }
        }
      }
    }
  }

  /** Forgets a deleted organization and its projects. */
  public void evict(OrgId org) {
    Entry old = entries.remove(org);
    if (old != null) {
      for (ProjectId p : old.state.projects().keySet()) {
        projectOrgs.remove(p, org);
      }
    }
    forget(org);
  }

  /** Forces the next read of {@code org} to revalidate (a change feed said it changed). */
  private void markStale(OrgId org) {
    entries.computeIfPresent(org, (id, e) -> new Entry(e.state, Long.MIN_VALUE / 2));
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
      entries.forEach((org, e) -> {
        if (now - e.confirmedAt > boundNanos / 2) {
          due.add(org);
        }
      });
      if (due.isEmpty()) {
        return;
      }
      Map<OrgId, Long> revisions = store.inTransaction(tx -> tx.organizations().revisions(due));
      for (OrgId org : due) {
        Entry e = entries.get(org);
        Long revision = revisions.get(org);
        if (e == null) {
          continue;
        }
        if (revision == null) {
          evict(org);
        } else if (revision == e.state.revision()) {
          entries.replace(org, e, new Entry(e.state, now));
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
