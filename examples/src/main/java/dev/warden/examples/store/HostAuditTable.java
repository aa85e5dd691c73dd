package dev.warden.examples.store;

import com.google.common.collect.ImmutableList;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The host application's own compliance log, in its own vocabulary: the table a compliance team already
 * keeps for every system that changes access (billing, the admin console, …) before the host adopted
 * Warden. Stands in for two SQL tables:
 *
 * <pre>
 * create table compliance_events (
 *   event_id      varchar primary key,
 *   source        varchar not null,     -- the system that wrote the row: 'warden', 'billing', …
 *   tenant_id     varchar null,
 *   workspace_id  varchar null,
 *   actor_type    varchar not null,     -- 'user' | 'api_token' | 'system'
 *   actor_id      varchar null,         -- the user, also for 'api_token'
 *   credential_id varchar null,         -- the token, for 'api_token'
 *   event_type    varchar not null,     -- e.g. 'member.invited'
 *   subject       varchar null,
 *   recorded_at   timestamp not null);
 * create index compliance_events_recent on compliance_events (recorded_at desc, event_id desc);
 * create table compliance_event_fields (
 *   event_id  varchar references compliance_events (event_id) on delete cascade,
 *   position  int not null,
 *   field     varchar not null,
 *   old_value varchar null,
 *   new_value varchar null,
 *   primary key (event_id, position));
 * </pre>
 *
 * <p>Every method is atomic (one monitor, like a statement on a database); the primary key is enforced
 * with {@link DuplicateKeyException}. The table knows nothing about Warden: the mapping lives in
 * {@link HostBackedStore}. Thread-safe.
 */
public final class HostAuditTable {

  /**
   * A row of {@code compliance_events} with its {@code compliance_event_fields} rows in position order;
   * the nullable columns are nullable components.
   */
  public record EventRow(String eventId, String source, String tenantId, String workspaceId, String actorType,
      String actorId, String credentialId, String eventType, String subject, List<FieldRow> fields,
      Instant recordedAt) {
    public EventRow {
      Objects.requireNonNull(eventId, "eventId");
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(actorType, "actorType");
      Objects.requireNonNull(eventType, "eventType");
      fields = ImmutableList.copyOf(fields);
      Objects.requireNonNull(recordedAt, "recordedAt");
    }
  }

  /** A row of {@code compliance_event_fields}; {@code oldValue} and {@code newValue} are nullable columns. */
  public record FieldRow(String field, String oldValue, String newValue) {
    public FieldRow {
      Objects.requireNonNull(field, "field");
    }
  }

  /** The primary key was violated; nothing was written. */
  public static final class DuplicateKeyException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    DuplicateKeyException(String constraint) {
      super("duplicate key violates unique constraint " + constraint);
    }
  }

  /** The order of {@code compliance_events_recent}: newest first, then event id descending. */
  private static final Comparator<EventRow> RECENT_FIRST =
      Comparator.comparing(EventRow::recordedAt).thenComparing(EventRow::eventId).reversed();

  private final Map<String, EventRow> byId = new HashMap<>();
  private final TreeMap<EventRow, EventRow> recent = new TreeMap<>(RECENT_FIRST);

  /** {@code insert into compliance_events …} with its field rows; fails on a duplicate event id. */
  public synchronized void insert(EventRow row) {
    if (byId.containsKey(row.eventId())) {
      throw new DuplicateKeyException("compliance_events_pkey");
    }
    byId.put(row.eventId(), row);
    recent.put(row, row);
  }

  /**
   * {@code delete from compliance_events where event_id = ?}; returns the row deleted. The host's
   * application never deletes from this table; on a database, a rolled-back transaction would.
   */
  public synchronized Optional<EventRow> delete(String eventId) {
    EventRow old = byId.remove(eventId);
    if (old != null) {
      recent.remove(old);
    }
    return Optional.ofNullable(old);
  }

  public synchronized Optional<EventRow> find(String eventId) {
    return Optional.ofNullable(byId.get(eventId));
  }

  /**
   * {@code select … where <where> order by recorded_at desc, event_id desc limit <limit>}, walking the
   * {@code compliance_events_recent} index.
   */
  public synchronized List<EventRow> newestFirst(Predicate<EventRow> where, int limit) {
    List<EventRow> rows = new ArrayList<>();
    for (EventRow row : recent.keySet()) {
      if (rows.size() == limit) {
        break;
      }
      if (where.test(row)) {
        rows.add(row);
      }
    }
    return rows;
  }

  /** How many rows there are, from every source; for tests and diagnostics. */
  public synchronized int size() {
    return byId.size();
  }
}
