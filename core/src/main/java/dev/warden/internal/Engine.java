package dev.warden.internal;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.ErrorCode;
import dev.warden.PermissionDeniedException;
import dev.warden.Principal;
import dev.warden.WardenException;
import dev.warden.audit.Actor;
import dev.warden.audit.AuditEntry;
import dev.warden.spi.AuditSink;
import dev.warden.organization.OrgId;
import dev.warden.organization.Organization;
import dev.warden.observe.StoreFailure;
import dev.warden.observe.WardenListener;
import dev.warden.project.ProjectId;
import dev.warden.role.RoleId;
import dev.warden.spi.Notifier;
import dev.warden.spi.Store;
import dev.warden.spi.Transaction;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs mutations: locks the organization, decides on its snapshot, applies {@link Write}s to the store,
 * and, if a snapshot write took effect, bumps the revision, replays those writes on the snapshot and
 * publishes the result before returning; then runs after-commit actions. An organization not cached at
 * its current revision is loaded whole first; a new one starts from an empty snapshot. With the system property {@code warden.verifySnapshots=true} (the core tests set it), every
 * replayed snapshot is also checked against a full load. Thread-safe. Not API.
 */
public final class Engine {
  private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
  /**
   * Whether every replayed snapshot is checked against a full load in the same transaction (an
   * {@link IllegalStateException} if they differ). For tests: it makes every mutation O(organization).
   */
  private static final boolean VERIFY_SNAPSHOTS = Boolean.getBoolean("warden.verifySnapshots");

  private final Store store;
  private final Decider decider;
  private final StateCache cache;
  private final Notifier notifier;
  private final Clock clock;
  private final Duration inviteValidity;
  private final AuditSink sink;
  private final WardenListener listener;

  public Engine(Store store, Decider decider, Notifier notifier, AuditSink sink, Clock clock,
      Duration inviteValidity, Duration stalenessBound, WardenListener listener) {
    this.store = store;
    this.sink = sink;
    this.decider = decider;
    this.listener = GuardedListener.of(listener);
    this.cache = new StateCache(store, stalenessBound, this.listener);
    this.notifier = notifier;
    this.clock = clock;
    this.inviteValidity = inviteValidity;
  }

  public Store store() {
    return store;
  }

  public Decider decider() {
    return decider;
  }

  public StateCache cache() {
    return cache;
  }

  public Notifier notifier() {
    return notifier;
  }

  public Clock clock() {
    return clock;
  }

  /**
   * The instant of a change, straight from the clock: expiries are judged to the nanosecond. (JDBC
   * stores keep microseconds; {@code Clock.systemUTC()} ticks in microseconds on common platforms.)
   */
  public Instant now() {
    return clock.instant();
  }

  public Duration inviteValidity() {
    return inviteValidity;
  }

  public AuditSink auditSink() {
    return sink;
  }

  public WardenListener listener() {
    return listener;
  }

  /**
   * Runs {@code operation} and tells the listener how long it took and how it ended. A failing
   * listener is logged; it never changes the outcome.
   */
  public <T> T observed(String action, Supplier<T> operation) {
    long started = System.nanoTime();
    T value;
    try {
      value = operation.get();
    } catch (RuntimeException e) {
      ErrorCode code = e instanceof WardenException w ? w.code() : ErrorCode.INTERNAL_ERROR;
      listener.mutationFailed(action, System.nanoTime() - started, code);
      if (code == ErrorCode.STORE_UNAVAILABLE || code == ErrorCode.CONCURRENT_MODIFICATION) {
        listener.storeFailed(StoreFailure.MUTATION);
      }
      throw e;
    }
    listener.mutationSucceeded(action, System.nanoTime() - started);
    return value;
  }

  /**
   * Runs {@code work} on an existing organization. If the actor is refused on a target it can see
   * ({@code PERMISSION_DENIED} and the gate denials), nothing changes but an {@code <action>.denied}
   * audit entry, written in a transaction of its own.
   *
   * @param action the audit action of the change, e.g. {@code member.level_changed}
   * @param target what the change is about, for the denied entry; may be null
   * @throws dev.warden.NotFoundException if the organization is gone
   */
  public <T> T mutate(OrgId org, Principal actor, String action, Object target, Function<Mutation, T> work) {
    checkNotNull(actor, "actor");
    try {
      return observed(action, () -> run(org, actor, null, work));
    } catch (PermissionDeniedException e) {
      // Only attempts on targets the actor can see: recording NOT_FOUND ones would tell, in the
      // actor's own audit trail, a hidden target from a missing one.
      recordDenied(org, actor, action, target);
      throw e;
    }
  }

  /** Runs {@code work} on an existing organization as the system (no principal). */
  public <T> T mutateAsSystem(OrgId org, Function<Mutation, T> work) {
    return observed("expired.swept", () -> run(org, null, null, work));
  }

  /** Inserts {@code organization} and runs {@code work} on it, in one transaction. */
  public <T> T create(Organization organization, Principal actor, Function<Mutation, T> work) {
    return observed("organization.created", () -> run(organization.id(), actor, organization, work));
  }

  /**
   * Records a refused attempt in a transaction of its own; {@code org} null for attempts outside any
   * organization (API key management), skipped for an organization that does not exist. Never throws.
   */
  void recordDenied(OrgId org, Principal actor, String action, Object target) {
    try {
      AuditEntry entry = new AuditEntry(Ids.next("aud"), Optional.ofNullable(org), Optional.empty(), Actor.of(actor),
          action + ".denied", Optional.ofNullable(target).map(String::valueOf), List.of(), now());
      boolean written = store.inTransaction(tx -> {
        if (org != null && tx.organizations().revision(org).isEmpty()) {
          return false;
        }
        Writes.outsideOrganizations(tx).apply(new Write.AppendAudit(entry));
        return true;
      });
      if (written) {
        afterCommit(org, entry);
      }
    } catch (RuntimeException e) {
      LOG.warn("could not record a denied {} attempt in organization {}", action, org, e);
    }
  }

  /** Forwards committed entries written outside an organization's mutation; a failing sink is logged. */
  void forward(List<AuditEntry> entries) {
    entries.forEach(entry -> afterCommit(null, entry));
  }

  private void afterCommit(OrgId org, AuditEntry entry) {
    try {
      sink.accept(entry);
    } catch (RuntimeException e) {
      LOG.warn("audit sink failed for organization {}; the entry is stored", org, e);
    }
  }

  /** The organization owning {@code project}. @throws dev.warden.NotFoundException if there is none */
  public OrgId organizationOf(ProjectId project) {
    return found(cache.organizationOf(checkNotNull(project, "project")), "project");
  }

  /** The organization owning {@code role}. @throws dev.warden.NotFoundException if there is none */
  public OrgId organizationOf(RoleId role) {
    return found(cache.organizationOf(checkNotNull(role, "role")), "role");
  }

  private static OrgId found(OrgId org, String what) {
    if (org == null) {
      throw Errors.notFound(what);
    }
    return org;
  }

  private record Outcome<T>(T value, OrgState after, OrgState.Draft draft, OrgState base, List<Runnable> afterCommit) {}

  /**
   * Runs {@code work}; a null {@code actor} is the system itself (used by sweeps only). Whether the
   * snapshot changed is derived from the writes applied: only snapshot writes that took effect make a
   * new revision; a write that deleted the organization drops its snapshot.
   */
  private <T> T run(OrgId org, Principal actor, Organization creating, Function<Mutation, T> work) {
    Outcome<T> outcome = store.inTransaction(tx -> {
      Mutation m;
      if (creating != null) {
        m = new Mutation(decider, tx, org, OrgState.empty(creating), actor, now(), sink);
        m.apply(new Write.CreateOrganization(creating));
        tx.organizations().lock(org);
      } else {
        OptionalLong revision = tx.organizations().lock(org);
        if (revision.isEmpty()) {
          throw Errors.notFound("organization");
        }
        OrgState before = cache.cachedAt(org, revision.getAsLong());
        if (before == null) {
          before = OrgState.load(tx, org, revision.getAsLong()).orElseThrow(() -> Errors.notFound("organization"));
        }
        m = new Mutation(decider, tx, org, before, actor, now(), sink);
      }
      T value = work.apply(m);
      if (m.snapshotWrites().isEmpty()) {
        return new Outcome<>(value, null, null, null, m.afterCommitActions());
      }
      OrgState.Draft draft = m.state().replay(m.snapshotWrites());
      if (draft.deleted()) {
        return new Outcome<>(value, null, draft, null, m.afterCommitActions());
      }
      OrgState after = draft.build(tx.organizations().bumpRevision(org));
      if (VERIFY_SNAPSHOTS) {
        verify(tx, after);
      }
      return new Outcome<>(value, after, draft, creating == null ? m.state() : null, m.afterCommitActions());
    });
    if (outcome.draft() != null && outcome.draft().deleted()) {
      cache.evict(org);
    } else if (outcome.after() != null) {
      cache.publish(outcome.after(), outcome.base(), outcome.draft());
    }
    for (Runnable action : outcome.afterCommit()) {
      try {
        action.run();
      } catch (RuntimeException e) {
        LOG.warn("after-commit action failed for organization {}; the change stands", org, e);
      }
    }
    return outcome.value();
  }

  /** @throws IllegalStateException if {@code replayed} differs from a full load of its organization */
  private static void verify(Transaction tx, OrgState replayed) {
    OrgState loaded = OrgState.load(tx, replayed.id(), replayed.revision()).orElseThrow();
    replayed.differenceFrom(loaded).ifPresent(what -> {
      throw new IllegalStateException("the replayed snapshot of organization " + replayed.id() + " at revision "
          + replayed.revision() + " differs from a full load in its " + what);
    });
  }
}
