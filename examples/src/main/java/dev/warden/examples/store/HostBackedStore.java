package dev.warden.examples.store;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import dev.warden.audit.Actor;
import dev.warden.audit.AuditCursor;
import dev.warden.audit.AuditEntry;
import dev.warden.audit.AuditQuery;
import dev.warden.audit.Change;
import dev.warden.examples.store.HostAuditTable.EventRow;
import dev.warden.examples.store.HostAuditTable.FieldRow;
import dev.warden.memory.InMemoryStore;
import dev.warden.organization.OrgId;
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
import dev.warden.spi.Store;
import dev.warden.spi.Transaction;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A {@link Store} a host writes to keep Warden's audit log in its own {@link HostAuditTable}, the
 * compliance log its auditors already read, and everything else in another store (here Warden's
 * {@link InMemoryStore}): the "extended through SPI adapters" path. Plug it in like any store and run
 * the contract suite against it:
 *
 * <pre>{@code
 * HostAuditTable table = …;   // the host's own table
 * AccessPolicy policy = AccessPolicy.builder().store(HostBackedStore.over(InMemoryStore.create(), table)).build();
 * class HostBackedStoreTest extends StoreContract { protected Store newStore() { … } }
 * }</pre>
 *
 * <p><b>What moves.</b> Only the {@link AuditRepository}, because nothing cascades into it or out of it:
 * entries name an organization and a project as plain values, outlive both, and are never updated. A
 * repository whose rows other repositories validate or cascade against (projects: grants, resources and
 * their rules hang off them) would drag those along, and the adapter would end up re-implementing the
 * delegate's integrity rules. Warden's rows are marked {@code source = 'warden'}; queries read only
 * those, so the host's own events in the same table are neither returned nor touched.
 *
 * <p><b>Transactions.</b> Each {@link #inTransaction} runs inside one delegate transaction, so the
 * delegate's organization locks serialize host-table writes exactly as they serialize its own. Every
 * host-table write records its inverse; if {@code work} throws, the inverses run (newest first) before
 * the delegate's transaction ends and releases its locks, so a failed transaction leaves no row behind.
 * Reads see uncommitted rows of other transactions, as they do in the in-memory store. A delegate that
 * can fail after {@code work} returned (a database failing to commit), or that runs {@code work} again
 * (JdbcStore retries serialization failures), gets the earlier attempt's rows undone; after a failed
 * commit that happens once the locks are gone, so it is best effort. A host whose table lives in the same
 * database as Warden's would rather share one JDBC transaction.
 *
 * <p>This class is thread-safe.
 */
public final class HostBackedStore implements Store {
  /** The {@code source} of the rows this store writes and reads. */
  public static final String SOURCE = "warden";

  private final Store delegate;
  private final HostAuditTable table;

  private HostBackedStore(Store delegate, HostAuditTable table) {
    this.delegate = checkNotNull(delegate, "delegate");
    this.table = checkNotNull(table, "table");
  }

  /** A store keeping the audit log in {@code table} and everything else in {@code delegate}. */
  public static HostBackedStore over(Store delegate, HostAuditTable table) {
    return new HostBackedStore(delegate, table);
  }

  @Override
  public <T> T inTransaction(Function<Transaction, T> work) {
    checkNotNull(work, "work");
    List<HostTransaction> finished = new ArrayList<>(1);
    try {
      return delegate.inTransaction(tx -> {
        // Called again: the delegate retries (JdbcStore does after a serialization failure), so the
        // previous attempt did not commit; undo its rows before doing the work again.
        finished.forEach(HostTransaction::rollback);
        finished.clear();
        HostTransaction host = new HostTransaction(tx);
        try {
          T result = work.apply(host);
          host.close();
          finished.add(host);
          return result;
        } catch (RuntimeException | Error e) {
          host.rollback(); // before the delegate releases its locks
          throw e;
        }
      });
    } catch (RuntimeException | Error e) {
      // The work succeeded but the delegate failed to commit (never the in-memory store; possible over
      // JDBC): undo the host rows too. The locks are gone by now, so this is best effort.
      finished.forEach(HostTransaction::rollback);
      throw e;
    }
  }

  /** Whatever the delegate says: audit entries are not part of the snapshots a policy caches. */
  @Override
  public boolean shared() {
    return delegate.shared();
  }

  @Override
  public boolean subscribe(Consumer<OrgId> listener) {
    return delegate.subscribe(listener);
  }

  // ------------------------------------------------------------------------------------------ mapping

  private static EventRow row(AuditEntry e) {
    Actor actor = e.actor();
    String actorType = switch (actor.kind()) {
      case USER -> "user";
      case API_KEY -> "api_token";
      case SYSTEM -> "system";
    };
    List<FieldRow> fields = e.changes().stream()
        .map(c -> new FieldRow(c.field(), c.before().orElse(null), c.after().orElse(null)))
        .toList();
    return new EventRow(e.id(), SOURCE, e.organization().map(OrgId::value).orElse(null),
        e.project().map(ProjectId::value).orElse(null), actorType, actor.user().orElse(null),
        actor.apiKey().orElse(null), e.action(), e.target().orElse(null), fields, e.at());
  }

  private static AuditEntry entry(EventRow r) {
    Actor.Kind kind = switch (r.actorType()) {
      case "user" -> Actor.Kind.USER;
      case "api_token" -> Actor.Kind.API_KEY;
      case "system" -> Actor.Kind.SYSTEM;
      default -> throw new IllegalStateException("unknown actor_type in event " + r.eventId());
    };
    List<Change> changes = r.fields().stream()
        .map(f -> new Change(f.field(), Optional.ofNullable(f.oldValue()), Optional.ofNullable(f.newValue())))
        .toList();
    return new AuditEntry(r.eventId(), Optional.ofNullable(r.tenantId()).map(OrgId::of),
        Optional.ofNullable(r.workspaceId()).map(ProjectId::of),
        new Actor(kind, Optional.ofNullable(r.actorId()), Optional.ofNullable(r.credentialId())), r.eventType(),
        Optional.ofNullable(r.subject()), changes, r.recordedAt());
  }

  /**
   * The {@code where} clause of a query on the host's columns, as it would be written in SQL: Warden's
   * rows only, the query's conditions ({@link AuditQuery#matches}), and strictly after the cursor.
   */
  private static Predicate<EventRow> where(AuditQuery q, Optional<AuditCursor> after) {
    Predicate<EventRow> where = r -> SOURCE.equals(r.source());
    if (q.organization().isPresent()) {
      String tenant = q.organization().get().value();
      where = where.and(r -> tenant.equals(r.tenantId()));
    }
    if (q.project().isPresent()) {
      String workspace = q.project().get().value();
      where = where.and(r -> workspace.equals(r.workspaceId()));
    }
    if (q.actorUser().isPresent()) {
      String actor = q.actorUser().get();
      where = where.and(r -> actor.equals(r.actorId()));
    }
    if (q.action().isPresent()) {
      String action = q.action().get();
      where = where.and(r -> action.equals(r.eventType()));
    }
    if (q.from().isPresent()) {
      where = where.and(r -> !r.recordedAt().isBefore(q.from().get()));
    }
    if (q.to().isPresent()) {
      where = where.and(r -> r.recordedAt().isBefore(q.to().get()));
    }
    if (after.isPresent()) {
      AuditCursor c = after.get();
      where = where.and(r -> r.recordedAt().isBefore(c.at())
          || (r.recordedAt().equals(c.at()) && r.eventId().compareTo(c.id()) < 0));
    }
    return where;
  }

  // ------------------------------------------------------------------------------------------ one transaction

  /** The delegate's transaction with the audit log routed to the host table, and an undo log. */
  private final class HostTransaction implements Transaction {
    private final Transaction tx;
    private final Deque<Runnable> undo = new ArrayDeque<>();
    private final Thread owner = Thread.currentThread();
    private final Audit audit = new Audit();
    private boolean open = true;

    HostTransaction(Transaction tx) {
      this.tx = tx;
    }

    void close() {
      open = false;
    }

    void rollback() {
      open = false;
      while (!undo.isEmpty()) {
        undo.pop().run();
      }
    }

    private void checkOpen() {
      checkState(open && Thread.currentThread() == owner, "transaction is closed or used from another thread");
    }

    @Override
    public OrganizationRepository organizations() {
      return tx.organizations();
    }

    @Override
    public MembershipRepository memberships() {
      return tx.memberships();
    }

    @Override
    public ProjectRepository projects() {
      return tx.projects();
    }

    @Override
    public GrantRepository grants() {
      return tx.grants();
    }

    @Override
    public InviteRepository invites() {
      return tx.invites();
    }

    @Override
    public ApiKeyRepository apiKeys() {
      return tx.apiKeys();
    }

    @Override
    public ResourceRepository resources() {
      return tx.resources();
    }

    @Override
    public RoleRepository roles() {
      return tx.roles();
    }

    @Override
    public AuditRepository audit() {
      return audit;
    }

    private final class Audit implements AuditRepository {
      @Override
      public void append(AuditEntry entry) {
        checkOpen();
        EventRow row = row(checkNotNull(entry, "entry"));
        table.insert(row); // a duplicate id throws before anything is written
        undo.push(() -> table.delete(row.eventId()));
      }

      @Override
      public List<AuditEntry> query(AuditQuery query, Optional<AuditCursor> after, int limit) {
        checkOpen();
        checkNotNull(query, "query");
        checkNotNull(after, "after");
        checkArgument(limit > 0, "limit must be positive, but was %s", limit);
        return table.newestFirst(where(query, after), limit).stream().map(HostBackedStore::entry).toList();
      }
    }
  }
}
