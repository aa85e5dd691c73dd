package dev.warden.jdbc.internal;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.audit.Actor;
import dev.warden.audit.AuditCursor;
import dev.warden.audit.AuditEntry;
import dev.warden.audit.AuditQuery;
import dev.warden.organization.OrgId;
import dev.warden.project.ProjectId;
import dev.warden.spi.AuditRepository;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code warden_audit_entry}: appended, never updated; no foreign key, so entries outlive their
 * organization. A query is one statement: the {@link AuditQuery} conditions, the cursor as
 * {@code (occurred_at, id) < (cursor)}, {@code ORDER BY occurred_at DESC, id DESC}, and a row limit.
 *
 * <p>Entries of the same microsecond are ordered by id in the database's collation; the cursor
 * condition uses the same comparison, so pages never skip or repeat an entry. Warden's own ids
 * (lower-case hex after a common prefix) sort the same in every collation and in Java.
 */
final class JdbcAuditRepository implements AuditRepository {
  private static final String COLUMNS =
      "id, org_id, project_id, actor_kind, actor_user, actor_key, action, target, changes, occurred_at";

  private final JdbcTransaction tx;

  JdbcAuditRepository(JdbcTransaction tx) {
    this.tx = tx;
  }

  @Override
  public void append(AuditEntry entry) {
    checkNotNull(entry, "entry");
    Actor actor = entry.actor();
    tx.jdbc().update("appending an audit entry",
        "INSERT INTO warden_audit_entry (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        entry.id(), Jdbc.text(entry.organization().map(OrgId::value)), Jdbc.text(entry.project().map(ProjectId::value)),
        actor.kind().name(), Jdbc.text(actor.user()), Jdbc.text(actor.apiKey()), entry.action(),
        Jdbc.text(entry.target()), JsonText.changes(entry.changes()), entry.at());
  }

  @Override
  public List<AuditEntry> query(AuditQuery query, Optional<AuditCursor> after, int limit) {
    checkNotNull(query, "query");
    checkNotNull(after, "after");
    checkArgument(limit > 0, "limit must be positive, but was %s", limit);
    StringBuilder sql = new StringBuilder("SELECT ").append(COLUMNS).append(" FROM warden_audit_entry WHERE 1 = 1");
    List<Object> params = new ArrayList<>();
    query.organization().ifPresent(org -> condition(sql, params, "org_id = ?", org.value()));
    query.project().ifPresent(project -> condition(sql, params, "project_id = ?", project.value()));
    query.actorUser().ifPresent(user -> condition(sql, params, "actor_user = ?", user));
    query.action().ifPresent(action -> condition(sql, params, "action = ?", action));
    query.from().ifPresent(from -> {
      if (exact(from)) {
        condition(sql, params, "occurred_at >= ?", from);
      } else {
        condition(sql, params, "occurred_at > ?", from); // bound as its microsecond, which is before it
      }
    });
    query.to().ifPresent(to -> {
      if (exact(to)) {
        condition(sql, params, "occurred_at < ?", to);
      } else {
        condition(sql, params, "occurred_at <= ?", to);
      }
    });
    after.ifPresent(cursor -> {
      if (exact(cursor.at())) {
        // Spelled out rather than as a row comparison, which not every engine plans onto the index.
        sql.append(" AND (occurred_at < ? OR (occurred_at = ? AND id < ?))");
        params.add(cursor.at());
        params.add(cursor.at());
        params.add(cursor.id());
      } else {
        // A cursor between two microseconds (not one this store handed out): everything stored at or
        // before its microsecond is older, whatever the id.
        condition(sql, params, "occurred_at <= ?", cursor.at());
      }
    });
    sql.append(" ORDER BY occurred_at DESC, id DESC FETCH FIRST ? ROWS ONLY");
    params.add(limit);
    return tx.jdbc().list("querying the audit log", sql.toString(), JdbcAuditRepository::entry, params.toArray());
  }

  private static void condition(StringBuilder sql, List<Object> params, String condition, Object param) {
    sql.append(" AND ").append(condition);
    params.add(param);
  }

  /** Whether {@code t} is on a microsecond, the precision the database keeps. */
  private static boolean exact(Instant t) {
    return Jdbc.micros(t).equals(t);
  }

  private static AuditEntry entry(ResultSet rs) throws SQLException {
    return new AuditEntry(
        rs.getString("id"),
        Jdbc.optionalText(rs, "org_id").map(OrgId::of),
        Jdbc.optionalText(rs, "project_id").map(ProjectId::of),
        new Actor(Actor.Kind.valueOf(rs.getString("actor_kind")), Jdbc.optionalText(rs, "actor_user"),
            Jdbc.optionalText(rs, "actor_key")),
        rs.getString("action"),
        Jdbc.optionalText(rs, "target"),
        JsonText.parseChanges(rs.getString("changes")),
        Jdbc.instant(rs, "occurred_at"));
  }
}
