package dev.warden.examples.store;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import dev.warden.examples.store.HostProjectTable.AccessRow;
import dev.warden.examples.store.HostProjectTable.DeletedProject;
import dev.warden.examples.store.HostProjectTable.ProjectRow;
import dev.warden.memory.InMemoryStore;
import dev.warden.organization.OrgId;
import dev.warden.organization.Organization;
import dev.warden.organization.UserId;
import dev.warden.project.Project;
import dev.warden.project.ProjectGrant;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import dev.warden.project.Visibility;
import dev.warden.spi.ApiKeyRepository;
import dev.warden.spi.AuditRepository;
import dev.warden.spi.GrantRepository;
import dev.warden.spi.InviteRepository;
import dev.warden.spi.MembershipRepository;
import dev.warden.spi.OrganizationRepository;
import dev.warden.spi.ProjectRepository;
import dev.warden.spi.Store;
import dev.warden.spi.Transaction;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A {@link Store} a host writes to keep Warden's projects in its own {@link HostProjectTable}, and
 * everything else in another store (here Warden's {@link InMemoryStore}): the "extended through SPI
 * adapters" path. Plug it in like any store and run the contract suite against it:
 *
 * <pre>{@code
 * HostProjectTable table = …;   // the host's own table
 * AccessPolicy policy = AccessPolicy.builder().store(HostBackedStore.over(InMemoryStore.create(), table)).build();
 * class HostBackedStoreTest extends StoreContract { protected Store newStore() { … } }
 * }</pre>
 *
 * <p><b>What moves.</b> {@link ProjectRepository}, and with it {@link GrantRepository}: a grant names a
 * project, and a store validates and cascades grants against <em>its own</em> projects, so the two
 * repositories travel together (the host's {@code project_access} table beside its {@code projects}).
 * The organization repository is wrapped only so that deleting an organization also deletes its rows
 * in the host's tables; memberships, invites, API keys and the audit log stay in the delegate.
 *
 * <p><b>Transactions.</b> Each {@link #inTransaction} runs inside one delegate transaction, so the
 * delegate's organization locks serialize host-table writes exactly as they serialize its own. Every
 * host-table write records its inverse; if {@code work} throws, the inverses run (newest first) before
 * the delegate's transaction ends and releases its locks, so a failed transaction leaves no row behind
 * and nobody acts on a half-undone state. Reads see uncommitted writes of other transactions, as they do
 * in the in-memory store; the engine locks an organization before it reads state it decides on. A
 * delegate that can fail after {@code work} returned (a database failing to commit), or that runs
 * {@code work} again (JdbcStore retries serialization failures), gets the earlier attempt's rows undone;
 * after a failed commit that happens once the locks are gone, so it is best effort. A host whose tables
 * live in the same database as Warden's would rather share one JDBC transaction.
 *
 * <p>This class is thread-safe.
 */
public final class HostBackedStore implements Store {
  private static final Comparator<Project> CREATION_ORDER =
      Comparator.comparing(Project::createdAt).thenComparing(p -> p.id().value());

  private final Store delegate;
  private final HostProjectTable table;

  private HostBackedStore(Store delegate, HostProjectTable table) {
    this.delegate = checkNotNull(delegate, "delegate");
    this.table = checkNotNull(table, "table");
  }

  /** A store keeping projects and grants in {@code table} and everything else in {@code delegate}. */
  public static HostBackedStore over(Store delegate, HostProjectTable table) {
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

  /** Whatever the delegate says: the host table lives in this JVM, beside it. */
  @Override
  public boolean shared() {
    return delegate.shared();
  }

  @Override
  public boolean subscribe(Consumer<OrgId> listener) {
    return delegate.subscribe(listener);
  }

  // ------------------------------------------------------------------------------------------ mapping

  private static ProjectRow row(Project p) {
    return new ProjectRow(p.id().value(), p.organization().value(), p.name(), p.visibility() == Visibility.PRIVATE,
        p.defaultRole().name().toLowerCase(Locale.ROOT), p.token(), p.createdAt());
  }

  private static Project project(ProjectRow r) {
    return new Project(ProjectId.of(r.id()), OrgId.of(r.tenantId()), r.displayName(),
        r.inviteOnly() ? Visibility.PRIVATE : Visibility.OPEN, ProjectRole.valueOf(r.memberRole().toUpperCase(Locale.ROOT)),
        r.apiToken(), r.createdAt());
  }

  private static AccessRow row(ProjectGrant g) {
    return new AccessRow(g.project().value(), g.user().value(), g.role().name().toLowerCase(Locale.ROOT),
        g.expiresAt().orElse(null), g.grantedBy().value(), g.grantedAt());
  }

  private static ProjectGrant grant(AccessRow r) {
    return new ProjectGrant(ProjectId.of(r.projectId()), UserId.of(r.userId()),
        ProjectRole.valueOf(r.role().toUpperCase(Locale.ROOT)), Optional.ofNullable(r.validUntil()),
        UserId.of(r.grantedBy()), r.grantedAt());
  }

  // ------------------------------------------------------------------------------------------ one transaction

  /** The delegate's transaction with projects and grants routed to the host table, and an undo log. */
  private final class HostTransaction implements Transaction {
    private final Transaction tx;
    private final Deque<Runnable> undo = new ArrayDeque<>();
    private final Thread owner = Thread.currentThread();
    private boolean open = true;
    private final Organizations organizations = new Organizations();
    private final Projects projects = new Projects();
    private final Grants grants = new Grants();

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
      return organizations;
    }

    @Override
    public MembershipRepository memberships() {
      return tx.memberships();
    }

    @Override
    public ProjectRepository projects() {
      return projects;
    }

    @Override
    public GrantRepository grants() {
      return grants;
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
    public AuditRepository audit() {
      return tx.audit();
    }

    @Override
    public dev.warden.spi.ResourceRepository resources() {
      return tx.resources();
    }

    // Each write below goes to the table first, then records how to undo it.

    private boolean deleteProjectRows(String id) {
      Optional<DeletedProject> deleted = table.deleteProject(id);
      deleted.ifPresent(d -> undo.push(() -> restore(d)));
      return deleted.isPresent();
    }

    private void restore(DeletedProject deleted) {
      table.insertProject(deleted.project());
      deleted.access().forEach(table::upsertAccess);
    }

    private boolean deleteAccessRow(String projectId, String userId) {
      Optional<AccessRow> old = table.deleteAccess(projectId, userId);
      old.ifPresent(row -> undo.push(() -> table.upsertAccess(row)));
      return old.isPresent();
    }

    /** Delegates everything; deleting an organization also deletes its rows in the host's tables. */
    private final class Organizations implements OrganizationRepository {
      @Override
      public void insert(Organization organization) {
        tx.organizations().insert(organization);
      }

      @Override
      public Optional<Organization> find(OrgId id) {
        return tx.organizations().find(id);
      }

      @Override
      public List<OrgId> listIds() {
        return tx.organizations().listIds();
      }

      @Override
      public OptionalLong lock(OrgId id) {
        return tx.organizations().lock(id);
      }

      @Override
      public long bumpRevision(OrgId id) {
        return tx.organizations().bumpRevision(id);
      }

      @Override
      public OptionalLong revision(OrgId id) {
        return tx.organizations().revision(id);
      }

      @Override
      public Map<OrgId, Long> revisions(List<OrgId> ids) {
        return tx.organizations().revisions(ids);
      }

      @Override
      public void update(Organization organization) {
        tx.organizations().update(organization);
      }

      @Override
      public boolean delete(OrgId id) {
        checkOpen();
        boolean existed = tx.organizations().delete(id);
        if (existed) {
          for (ProjectRow row : table.projectsOfTenant(id.value())) {
            deleteProjectRows(row.id());
          }
        }
        return existed;
      }
    }

    private final class Projects implements ProjectRepository {
      @Override
      public void insert(Project project) {
        checkOpen();
        checkArgument(tx.organizations().find(project.organization()).isPresent(),
            "organization %s does not exist", project.organization());
        table.insertProject(row(project));
        undo.push(() -> table.deleteProject(project.id().value()));
      }

      @Override
      public Optional<Project> find(ProjectId id) {
        checkOpen();
        return table.findProject(checkNotNull(id, "project").value()).map(HostBackedStore::project);
      }

      @Override
      public Optional<Project> findByToken(String token) {
        checkOpen();
        return table.findProjectByToken(checkNotNull(token, "token")).map(HostBackedStore::project);
      }

      @Override
      public List<Project> listByOrganization(OrgId organization) {
        checkOpen();
        return table.projectsOfTenant(checkNotNull(organization, "organization").value()).stream()
            .map(HostBackedStore::project)
            .sorted(CREATION_ORDER)
            .toList();
      }

      @Override
      public void update(Project project) {
        checkOpen();
        ProjectRow old = table.findProject(project.id().value())
            .filter(r -> r.tenantId().equals(project.organization().value()))
            .orElseThrow(() -> new IllegalArgumentException("project " + project.id() + " does not exist"));
        table.updateProject(row(project));
        undo.push(() -> table.updateProject(old));
      }

      @Override
      public boolean delete(ProjectId id) {
        checkOpen();
        return deleteProjectRows(checkNotNull(id, "project").value());
      }
    }

    private final class Grants implements GrantRepository {
      @Override
      public Optional<ProjectGrant> find(ProjectId project, UserId user) {
        checkOpen();
        return table.findAccess(project.value(), checkNotNull(user, "user").value()).map(HostBackedStore::grant);
      }

      @Override
      public List<ProjectGrant> listByOrganization(OrgId organization) {
        List<ProjectGrant> all = new ArrayList<>();
        for (Project p : projects.listByOrganization(organization)) {
          table.accessOfProject(p.id().value()).stream()
              .map(HostBackedStore::grant)
              .sorted(Comparator.comparing(g -> g.user().value()))
              .forEach(all::add);
        }
        return all;
      }

      @Override
      public void upsert(ProjectGrant grant) {
        checkOpen();
        Optional<AccessRow> old = table.upsertAccess(row(grant));
        undo.push(() -> old.ifPresentOrElse(table::upsertAccess,
            () -> table.deleteAccess(grant.project().value(), grant.user().value())));
      }

      @Override
      public boolean delete(ProjectId project, UserId user) {
        checkOpen();
        return deleteAccessRow(checkNotNull(project, "project").value(), checkNotNull(user, "user").value());
      }

      @Override
      public int deleteByMember(OrgId organization, UserId user) {
        checkOpen();
        checkNotNull(user, "user");
        int count = 0;
        for (ProjectRow row : table.projectsOfTenant(checkNotNull(organization, "organization").value())) {
          if (deleteAccessRow(row.id(), user.value())) {
            count++;
          }
        }
        return count;
      }
    }
  }
}
