package dev.warden.jdbc.internal;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import dev.warden.organization.OrgId;
import dev.warden.organization.Organization;
import dev.warden.organization.OrganizationSettings;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** {@code warden_organization}: organizations, their settings and revision counters. */
final class JdbcOrganizationRepository implements dev.warden.spi.OrganizationRepository {
  /** How many ids go into one {@code IN (…)} list when reading revisions in bulk. */
  private static final int IN_LIST = 100;

  private final JdbcTransaction tx;

  JdbcOrganizationRepository(JdbcTransaction tx) {
    this.tx = tx;
  }

  @Override
  public void insert(Organization organization) {
    checkNotNull(organization, "organization");
    tx.jdbc().update("inserting organization " + organization.id(),
        "INSERT INTO warden_organization (id, name, created_at, member_joined_notifications, revision)"
            + " VALUES (?, ?, ?, ?, 0)",
        organization.id().value(), organization.name(), organization.createdAt(),
        organization.settings().memberJoinedNotifications());
  }

  @Override
  public Optional<Organization> find(OrgId id) {
    checkNotNull(id, "organization");
    return tx.jdbc().first("reading organization " + id,
        "SELECT id, name, created_at, member_joined_notifications FROM warden_organization WHERE id = ?",
        JdbcOrganizationRepository::organization, id.value());
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
    for (int from = 0; from < ids.size(); from += IN_LIST) {
      List<OrgId> chunk = ids.subList(from, Math.min(ids.size(), from + IN_LIST));
      String sql = "SELECT id, revision FROM warden_organization WHERE id IN ("
          + String.join(", ", Collections.nCopies(chunk.size(), "?")) + ")";
      Object[] params = chunk.stream().map(OrgId::value).toArray();
      tx.jdbc().list("reading revisions", sql, rs -> {
        revisions.put(OrgId.of(rs.getString("id")), rs.getLong("revision"));
        return null;
      }, params);
    }
    return revisions;
  }

  @Override
  public void update(Organization organization) {
    checkNotNull(organization, "organization");
    int updated = tx.jdbc().update("updating organization " + organization.id(),
        "UPDATE warden_organization SET name = ?, member_joined_notifications = ? WHERE id = ?",
        organization.name(), organization.settings().memberJoinedNotifications(), organization.id().value());
    checkArgument(updated == 1, "organization %s does not exist", organization.id());
  }

  @Override
  public boolean delete(OrgId id) {
    checkNotNull(id, "organization");
    // Memberships, projects, grants, invites and invite grants go with it (ON DELETE CASCADE).
    int deleted = tx.jdbc().update("deleting organization " + id, "DELETE FROM warden_organization WHERE id = ?",
        id.value());
    tx.forget(id);
    return deleted > 0;
  }

  private static Organization organization(ResultSet rs) throws SQLException {
    return new Organization(OrgId.of(rs.getString("id")), rs.getString("name"), Jdbc.instant(rs, "created_at"),
        new OrganizationSettings(rs.getBoolean("member_joined_notifications")));
  }
}
