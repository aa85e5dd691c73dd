package dev.warden.jdbc.internal;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;
import static com.google.common.collect.ImmutableSet.toImmutableSet;

import com.google.common.collect.ImmutableSet;
import dev.warden.organization.OrgId;
import dev.warden.organization.Organization;
import dev.warden.organization.OrganizationSettings;
import dev.warden.role.ResolutionRule;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * {@code warden_organization}: organizations, their settings and revision counters; the SSO-enforced
 * domains are in {@code warden_organization_sso_domain}, one row per domain in the settings' order.
 */
final class JdbcOrganizationRepository implements dev.warden.spi.OrganizationRepository {
  /** How many ids go into one {@code IN (…)} list when reading revisions in bulk. */

  /** The settings columns, in the order {@link #organization} reads and {@link #insert} writes them. */
  private static final String SETTINGS = "member_joined_notifications, require_2fa, members_can_invite,"
      + " members_can_create_projects, members_can_use_api_keys, recent_authentication, resolution";

  static final String INSERT_SSO_DOMAIN =
      "INSERT INTO warden_organization_sso_domain (org_id, seq, domain) VALUES (?, ?, ?)";

  private final JdbcTransaction tx;

  JdbcOrganizationRepository(JdbcTransaction tx) {
    this.tx = tx;
  }

  @Override
  public void insert(Organization organization) {
    checkNotNull(organization, "organization");
    OrganizationSettings s = organization.settings();
    tx.jdbc().update("inserting organization " + organization.id(),
        "INSERT INTO warden_organization (id, name, created_at, " + SETTINGS + ", revision)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
        organization.id().value(), organization.name(), organization.createdAt(), s.memberJoinedNotifications(),
        s.require2fa(), bool(s.membersCanInvite()), bool(s.membersCanCreateProjects()),
        s.membersCanUsePersonalApiKeys(), s.recentAuthentication().toString(), s.resolution().name());
    insertSsoDomains(organization);
  }

  @Override
  public Optional<Organization> find(OrgId id) {
    checkNotNull(id, "organization");
    // One statement, so the domains are those of the row read, even while another transaction changes them.
    record Row(Organization organization, Optional<String> domain) {}
    List<Row> rows = tx.jdbc().list("reading organization " + id,
        "SELECT o.id, o.name, o.created_at, " + prefixed("o.", SETTINGS) + ", d.domain"
            + " FROM warden_organization o LEFT JOIN warden_organization_sso_domain d ON d.org_id = o.id"
            + " WHERE o.id = ? ORDER BY d.seq",
        rs -> new Row(organization(rs), Jdbc.optionalText(rs, "domain")), id.value());
    if (rows.isEmpty()) {
      return Optional.empty();
    }
    Organization org = rows.get(0).organization();
    Set<String> domains = rows.stream().flatMap(r -> r.domain().stream()).collect(toImmutableSet());
    return Optional.of(org.withSettings(org.settings().withSsoEnforcedDomains(domains)));
  }

  private static String prefixed(String prefix, String columns) {
    return prefix + columns.replace(", ", ", " + prefix);
  }

  @Override
  public List<OrgId> listIds() {
    record Row(OrgId id, Instant createdAt) {}
    List<Row> rows = tx.jdbc().list("listing organizations", "SELECT id, created_at FROM warden_organization",
        rs -> new Row(OrgId.of(rs.getString("id")), Jdbc.instant(rs, "created_at")));
    // Sorted here, not in SQL: the database's collation may order ids differently from Java.
    return rows.stream()
        .sorted(Comparator.comparing(Row::createdAt).thenComparing(r -> r.id().value()))
        .map(Row::id)
        .toList();
  }

  @Override
  public OptionalLong lock(OrgId id) {
    checkNotNull(id, "organization");
    return tx.lock(id);
  }

  @Override
  public long bumpRevision(OrgId id) {
    checkNotNull(id, "organization");
    Long current = tx.lockedRevision(id);
    checkState(current != null, "organization %s must be locked first", id);
    long next = current + 1;
    // Compare-and-set on the revision read under the lock: a mismatch would mean the lock did not hold.
    int updated = tx.jdbc().update("bumping the revision of organization " + id,
        "UPDATE warden_organization SET revision = ? WHERE id = ? AND revision = ?", next, id.value(), current);
    checkState(updated == 1, "organization %s is gone or its revision moved while locked", id);
    if (tx.notifiesChanges()) {
      // Queued by the server and delivered to every LISTENing session when (and only if) this transaction
      // commits; several bumps of one organization in a transaction are delivered once.
      tx.jdbc().first("notifying the change of organization " + id, "SELECT pg_notify(?, ?)", rs -> Boolean.TRUE,
          ChangeListener.CHANNEL, id.value());
    }
    tx.lockedRevision(id, next);
    return next;
  }

  @Override
  public OptionalLong revision(OrgId id) {
    checkNotNull(id, "organization");
    return tx.jdbc().first("reading the revision of organization " + id,
            "SELECT revision FROM warden_organization WHERE id = ?", rs -> rs.getLong(1), id.value())
        .map(OptionalLong::of).orElse(OptionalLong.empty());
  }

  @Override
  public Map<OrgId, Long> revisions(List<OrgId> ids) {
    checkNotNull(ids, "ids");
    if (ids.isEmpty()) {
      return Map.of();
    }
    Map<OrgId, Long> revisions = new HashMap<>();
    tx.jdbc().listIn("reading revisions", "SELECT id, revision FROM warden_organization WHERE id", "",
        ids.stream().map(OrgId::value).toList(), rs -> revisions.put(OrgId.of(rs.getString("id")), rs.getLong("revision")));
    return revisions;
  }

  @Override
  public Map<OrgId, Long> allRevisions() {
    Map<OrgId, Long> revisions = new HashMap<>();
    tx.jdbc().list("reading every revision", "SELECT id, revision FROM warden_organization", rs -> {
      revisions.put(OrgId.of(rs.getString("id")), rs.getLong("revision"));
      return null;
    });
    return revisions;
  }

  @Override
  public void update(Organization organization) {
    checkNotNull(organization, "organization");
    OrganizationSettings s = organization.settings();
    int updated = tx.jdbc().update("updating organization " + organization.id(),
        "UPDATE warden_organization SET name = ?, member_joined_notifications = ?, require_2fa = ?,"
            + " members_can_invite = ?, members_can_create_projects = ?, members_can_use_api_keys = ?,"
            + " recent_authentication = ?, resolution = ? WHERE id = ?",
        organization.name(), s.memberJoinedNotifications(), s.require2fa(), bool(s.membersCanInvite()),
        bool(s.membersCanCreateProjects()), s.membersCanUsePersonalApiKeys(), s.recentAuthentication().toString(),
        s.resolution().name(), organization.id().value());
    checkArgument(updated == 1, "organization %s does not exist", organization.id());
    tx.jdbc().update("updating the SSO domains of organization " + organization.id(),
        "DELETE FROM warden_organization_sso_domain WHERE org_id = ?", organization.id().value());
    insertSsoDomains(organization);
  }

  private void insertSsoDomains(Organization organization) {
    tx.jdbc().batch("writing the SSO domains of organization " + organization.id(), INSERT_SSO_DOMAIN,
        Jdbc.listRows(organization.id().value(), organization.settings().ssoEnforcedDomains()));
  }

  @Override
  public boolean delete(OrgId id) {
    checkNotNull(id, "organization");
    // Memberships, projects (with their grants, resources and rules), invites and invite grants, and roles
    // (with their capabilities, members and grants) go with it (ON DELETE CASCADE).
    int deleted = tx.jdbc().update("deleting organization " + id, "DELETE FROM warden_organization WHERE id = ?",
        id.value());
    tx.forget(id);
    return deleted > 0;
  }

  private static Organization organization(ResultSet rs) throws SQLException {
    OrganizationSettings settings = new OrganizationSettings(
        rs.getBoolean("member_joined_notifications"),
        rs.getBoolean("require_2fa"),
        ImmutableSet.of(), // joined in by find
        optionalBoolean(rs, "members_can_invite"),
        optionalBoolean(rs, "members_can_create_projects"),
        rs.getBoolean("members_can_use_api_keys"),
        Duration.parse(rs.getString("recent_authentication")),
        ResolutionRule.valueOf(rs.getString("resolution")));
    return new Organization(OrgId.of(rs.getString("id")), rs.getString("name"), Jdbc.instant(rs, "created_at"),
        settings);
  }

  private static Object bool(Optional<Boolean> value) {
    return value.<Object>map(b -> b).orElse(Jdbc.Null.BOOLEAN);
  }

  private static Optional<Boolean> optionalBoolean(ResultSet rs, String column) throws SQLException {
    boolean value = rs.getBoolean(column);
    return rs.wasNull() ? Optional.empty() : Optional.of(value);
  }
}
