package dev.warden.jdbc.internal;

import static com.google.common.base.Preconditions.checkState;

import dev.warden.jdbc.Dialect;
import dev.warden.organization.OrgId;
import dev.warden.spi.ApiKeyRepository;
import dev.warden.spi.AuditRepository;
import dev.warden.spi.GrantRepository;
import dev.warden.spi.InviteRepository;
import dev.warden.spi.MembershipRepository;
import dev.warden.spi.OrganizationRepository;
import dev.warden.spi.ProjectRepository;
import dev.warden.spi.ResourceRepository;
import dev.warden.spi.RoleRepository;
import dev.warden.spi.Transaction;
import java.sql.Connection;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * One database transaction and its repositories. Usable only on the thread that runs the
 * {@code inTransaction} callback, and only until the callback returns.
 */
final class JdbcTransaction implements Transaction {
  private final Jdbc jdbc;
  private final Thread owner = Thread.currentThread();
  /** Organizations this transaction has locked, with the revision it last saw or wrote. */
  private final Map<OrgId, Long> locked = new HashMap<>();
  private final JdbcOrganizationRepository organizations;
  private final JdbcMembershipRepository memberships;
  private final JdbcProjectRepository projects;
  private final JdbcGrantRepository grants;
  private final JdbcInviteRepository invites;
  private final JdbcApiKeyRepository apiKeys;
  private final JdbcResourceRepository resources;
  private final JdbcRoleRepository roles;
  private final JdbcAuditRepository audit;
  private final boolean notifyChanges;
  private boolean open = true;

  /**
   * @param notifyChanges whether a revision bump also sends {@code NOTIFY} (PostgreSQL), delivered to
   *     listeners when the transaction commits
   */
  JdbcTransaction(Connection connection, Dialect dialect, boolean notifyChanges) {
    this.jdbc = new Jdbc(connection, dialect);
    this.notifyChanges = notifyChanges;
    this.organizations = new JdbcOrganizationRepository(this);
    this.memberships = new JdbcMembershipRepository(this);
    this.projects = new JdbcProjectRepository(this);
    this.grants = new JdbcGrantRepository(this);
    this.invites = new JdbcInviteRepository(this);
    this.apiKeys = new JdbcApiKeyRepository(this);
    this.resources = new JdbcResourceRepository(this);
    this.roles = new JdbcRoleRepository(this);
    this.audit = new JdbcAuditRepository(this);
  }

  /** The statement runner, after checking the transaction is still usable from this thread. */
  Jdbc jdbc() {
    checkState(open && Thread.currentThread() == owner, "transaction is closed or used from another thread");
    return jdbc;
  }

  /**
   * Locks the organization's row until the transaction ends and returns its revision; empty (and no
   * lock) if it does not exist. Locking twice is harmless: the database lock is re-entrant within a
   * transaction.
   */
  OptionalLong lock(OrgId id) {
    OptionalLong revision = jdbc().first("locking organization " + id,
            "SELECT revision FROM warden_organization WHERE id = ? FOR UPDATE", rs -> rs.getLong(1), id.value())
        .map(OptionalLong::of).orElse(OptionalLong.empty());
    if (revision.isPresent()) {
      locked.put(id, revision.getAsLong());
    } else {
      locked.remove(id);
    }
    return revision;
  }

  /** The revision last seen under this transaction's lock on {@code id}; null if not locked. */
  Long lockedRevision(OrgId id) {
    return locked.get(id);
  }

  void lockedRevision(OrgId id, long revision) {
    locked.put(id, revision);
  }

  /** Whether revision bumps send {@code NOTIFY}. */
  boolean notifiesChanges() {
    return notifyChanges;
  }

  void forget(OrgId id) {
    locked.remove(id);
  }

  void close() {
    open = false;
  }

  @Override
  public OrganizationRepository organizations() {
    return organizations;
  }

  @Override
  public MembershipRepository memberships() {
    return memberships;
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
    return invites;
  }

  @Override
  public ApiKeyRepository apiKeys() {
    return apiKeys;
  }

  @Override
  public ResourceRepository resources() {
    return resources;
  }

  @Override
  public RoleRepository roles() {
    return roles;
  }

  @Override
  public AuditRepository audit() {
    return audit;
  }
}
