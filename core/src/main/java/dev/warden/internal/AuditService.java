package dev.warden.internal;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.ErrorCode;
import dev.warden.Page;
import dev.warden.PageRequest;
import dev.warden.PermissionDeniedException;
import dev.warden.Principal;
import dev.warden.audit.AuditCursor;
import dev.warden.audit.AuditEntry;
import dev.warden.audit.AuditLog;
import dev.warden.audit.AuditQuery;
import dev.warden.audit.Change;
import dev.warden.matrix.Capability;
import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** Implements {@link AuditLog}: authorized queries and streaming exports. Not API. */
public final class AuditService implements AuditLog {
  private static final int EXPORT_PAGE = 500;
  /** The CSV columns, in order. */
  public static final String CSV_HEADER = "id,at,organization,project,actor_kind,actor_user,actor_key,action,target,changes";

  private final Engine engine;
  private final Reads reads;

  public AuditService(Engine engine, Reads reads) {
    this.engine = engine;
    this.reads = reads;
  }

  @Override
  public Page<AuditEntry> query(Principal actor, AuditQuery query, PageRequest page) {
    checkNotNull(actor, "actor");
    checkNotNull(query, "query");
    checkNotNull(page, "page");
    authorize(actor, query);
    Optional<AuditCursor> after = page.cursor().map(AuditCursor::parse);
    return fetch(query, after, page.size());
  }

  private Page<AuditEntry> fetch(AuditQuery query, Optional<AuditCursor> after, int size) {
    List<AuditEntry> entries = engine.store().inTransaction(tx -> tx.audit().query(query, after, size + 1));
    if (entries.size() <= size) {
      return new Page<>(entries, Optional.empty());
    }
    List<AuditEntry> items = entries.subList(0, size);
    return new Page<>(items, Optional.of(AuditCursor.of(items.get(size - 1)).toString()));
  }

  private void authorize(Principal actor, AuditQuery query) {
    checkNotNull(actor, "actor");
    checkNotNull(query, "query");
    if (query.organization().isPresent()) {
      reads.org(actor, query.organization().get(), Capability.VIEW_AUDIT_LOG);
    } else if (query.project().isPresent()) {
      reads.project(actor, query.project().get(), Capability.VIEW_PROJECT_AUDIT_LOG);
    } else if (!query.actorUser().orElseThrow().equals(actor.userId().value())) {
      throw new PermissionDeniedException(ErrorCode.PERMISSION_DENIED,
          "an audit query without organization or project may only read one's own entries");
    }
  }

  @Override
  public void exportJsonLines(Principal actor, AuditQuery query, Writer out) throws IOException {
    checkNotNull(actor, "actor");
    checkNotNull(query, "query");
    checkNotNull(out, "out");
    export(actor, query, out, null, AuditService::jsonLine);
  }

  @Override
  public void exportCsv(Principal actor, AuditQuery query, Writer out) throws IOException {
    checkNotNull(actor, "actor");
    checkNotNull(query, "query");
    export(actor, query, out, CSV_HEADER, AuditService::csvLine);
  }

  private void export(Principal actor, AuditQuery query, Writer out, String header,
      java.util.function.Function<AuditEntry, String> line) throws IOException {
    checkNotNull(out, "out");
    authorize(actor, query);
    if (header != null) {
      out.write(header);
      out.write("\r\n");
    }
    Optional<AuditCursor> after = Optional.empty();
    while (true) {
      Page<AuditEntry> page = fetch(query, after, EXPORT_PAGE);
      for (AuditEntry e : page.items()) {
        out.write(line.apply(e));
        out.write(header == null ? "\n" : "\r\n");
      }
      if (page.nextCursor().isEmpty()) {
        break;
      }
      after = page.nextCursor().map(AuditCursor::parse);
    }
    out.flush();
  }

  /** One entry as a JSON object on one line. */
  public static String jsonLine(AuditEntry e) {
    return "{\"id\":" + Json.quote(e.id())
        + ",\"at\":" + Json.quote(e.at().toString())
        + ",\"organization\":" + Json.quote(e.organization().map(Object::toString).orElse(null))
        + ",\"project\":" + Json.quote(e.project().map(Object::toString).orElse(null))
        + ",\"actor\":{\"kind\":" + Json.quote(e.actor().kind().name())
        + ",\"user\":" + Json.quote(e.actor().user().orElse(null))
        + ",\"apiKey\":" + Json.quote(e.actor().apiKey().orElse(null)) + "}"
        + ",\"action\":" + Json.quote(e.action())
        + ",\"target\":" + Json.quote(e.target().orElse(null))
        + ",\"changes\":" + changesJson(e.changes()) + "}";
  }

  /** The changes as a JSON array of {@code {"field","before","after"}} objects. */
  public static String changesJson(List<Change> changes) {
    return changes.stream()
        .map(c -> "{\"field\":" + Json.quote(c.field()) + ",\"before\":" + Json.quote(c.before().orElse(null))
            + ",\"after\":" + Json.quote(c.after().orElse(null)) + "}")
        .collect(Collectors.joining(",", "[", "]"));
  }

  /** One entry as a CSV record (RFC 4180); the changes column holds {@link #changesJson}. */
  public static String csvLine(AuditEntry e) {
    return String.join(",", csv(e.id()), csv(e.at().toString()),
        csv(e.organization().map(Object::toString).orElse("")), csv(e.project().map(Object::toString).orElse("")),
        csv(e.actor().kind().name()), csv(e.actor().user().orElse("")), csv(e.actor().apiKey().orElse("")),
        csv(e.action()), csv(e.target().orElse("")), csv(changesJson(e.changes())));
  }

  private static String csv(String value) {
    boolean quote = value.indexOf(',') >= 0 || value.indexOf('"') >= 0 || value.indexOf('\n') >= 0
        || value.indexOf('\r') >= 0;
    return quote ? "\"" + value.replace("\"", "\"\"") + "\"" : value;
  }
}
