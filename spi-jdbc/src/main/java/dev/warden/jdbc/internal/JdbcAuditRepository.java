package dev.warden.jdbc.internal;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.audit.Actor;
import dev.warden.audit.AuditCursor;
import dev.warden.audit.AuditEntry;
import dev.warden.audit.AuditQuery;
import dev.warden.audit.Change;
import dev.warden.organization.OrgId;
import dev.warden.project.ProjectId;
import dev.warden.spi.AuditRepository;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code warden_audit_entry}: appended, never updated; no foreign key, so entries outlive their
 * organization. Each entry's changes are rows of {@code warden_audit_change}, in order; values the
 * database cannot hold as they are go through {@link StoredText}. A query is one statement for the
 * entries (the {@link AuditQuery} conditions, the cursor as {@code (occurred_at, id) < (cursor)},
 * {@code ORDER BY occurred_at DESC, id DESC}, and a row limit) and one for their changes.
 *
 * <p>Entries of the same microsecond are ordered by id in the database's collation; the cursor
 * condition uses the same comparison, so pages never skip or repeat an entry. Warden's own ids
 * (lower-case hex after a common prefix) sort the same in every collation and in Java.
 */
final class JdbcAuditRepository implements AuditRepository {
  private static final String COLUMNS =
      "id, org_id, project_id, actor_kind, actor_user, actor_key, action, target, occurred_at";

  private static final String INSERT_CHANGE_INTO =
      "INSERT INTO warden_audit_change (entry_id, seq, field, before_value, after_value, escaped)";

  static final String INSERT_CHANGE = INSERT_CHANGE_INTO + " VALUES (?, ?, ?, ?, ?, ?)";

  /** How many entry ids go into one {@code IN (…)} list when reading changes. */

  private final JdbcTransaction tx;

  JdbcAuditRepository(JdbcTransaction tx) {
    this.tx = tx;
  }

  @Override
  public void append(AuditEntry entry) {
    checkNotNull(entry, "entry");
    tx.jdbc().update("appending an audit entry",
        "INSERT INTO warden_audit_entry (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", entryRow(entry));
    tx.jdbc().batch("appending an audit entry", INSERT_CHANGE, changeRows(entry.id(), entry.changes()));
  }

  /** {@link #append}s as multi-row statements: the entries, then all their changes. */
  @Override
  public void appendAll(List<AuditEntry> entries) {
    checkNotNull(entries, "entries");
    List<Object[]> changes = new ArrayList<>();
    tx.jdbc().insertRows("appending audit entries", "INSERT INTO warden_audit_entry (" + COLUMNS + ")", "", 9,
        entries.stream().map(e -> {
          changes.addAll(changeRows(checkNotNull(e, "entry").id(), e.changes()));
          return entryRow(e);
        }).toList());
    tx.jdbc().insertRows("appending audit entries", INSERT_CHANGE_INTO, "", 6, changes);
  }

  private static Object[] entryRow(AuditEntry entry) {
    Actor actor = entry.actor();
    return new Object[] {entry.id(), Jdbc.text(entry.organization().map(OrgId::value)),
        Jdbc.text(entry.project().map(ProjectId::value)), actor.kind().name(), Jdbc.text(actor.user()),
        Jdbc.text(actor.apiKey()), entry.action(), Jdbc.text(entry.target()), entry.at()};
  }

  /** The {@link #INSERT_CHANGE} parameters for {@code changes}, in order. */
  static List<Object[]> changeRows(String entryId, List<Change> changes) {
    List<Object[]> rows = new ArrayList<>(changes.size());
    for (Change c : changes) {
      boolean escaped = StoredText.needsEscaping(c.field())
          || c.before().filter(StoredText::needsEscaping).isPresent()
          || c.after().filter(StoredText::needsEscaping).isPresent();
      Function<String, String> text = escaped ? StoredText::escape : Function.identity();
      rows.add(new Object[] {entryId, rows.size(), text.apply(c.field()), Jdbc.text(c.before().map(text)),
          Jdbc.text(c.after().map(text)), escaped});
    }
    return rows;
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
    List<AuditEntry> entries =
        tx.jdbc().list("querying the audit log", sql.toString(), JdbcAuditRepository::entry, params.toArray());
    return withChanges(entries);
  }

  /**
   * {@code entries} (read without their changes) with their changes. A second statement is safe here
   * where it would not be for keys: an entry and its changes are committed together and never change.
   */
  private List<AuditEntry> withChanges(List<AuditEntry> entries) {
    Map<String, List<Change>> changes = new HashMap<>();
    tx.jdbc().listIn("reading audit changes",
        "SELECT entry_id, field, before_value, after_value, escaped FROM warden_audit_change WHERE entry_id",
        " ORDER BY entry_id, seq", entries.stream().map(AuditEntry::id).toList(),
        rs -> changes.computeIfAbsent(rs.getString("entry_id"), id -> new ArrayList<>()).add(change(rs)));
    return entries.stream()
        .map(e -> new AuditEntry(e.id(), e.organization(), e.project(), e.actor(), e.action(), e.target(),
            changes.getOrDefault(e.id(), List.of()), e.at()))
        .toList();
  }

  private static Change change(ResultSet rs) throws SQLException {
    Function<String, String> text = rs.getBoolean("escaped") ? StoredText::unescape : Function.identity();
    return new Change(text.apply(rs.getString("field")), Jdbc.optionalText(rs, "before_value").map(text),
        Jdbc.optionalText(rs, "after_value").map(text));
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
        List.of(), // read by withChanges, from their own table
        Jdbc.instant(rs, "occurred_at"));
  }
}
