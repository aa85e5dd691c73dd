package dev.warden.audit;

import dev.warden.Page;
import dev.warden.PageRequest;
import dev.warden.Principal;
import java.io.IOException;
import java.io.Writer;

/**
 * Reads the audit log. Obtain it from {@code AccessPolicy.audit()}. Organization queries need
 * {@code VIEW_AUDIT_LOG}; project queries {@code VIEW_PROJECT_AUDIT_LOG}. Thread-safe.
 */
public interface AuditLog {

  /** One page of matching entries, newest first. */
  Page<AuditEntry> query(Principal actor, AuditQuery query, PageRequest page);

  /**
   * Streams every matching entry, newest first, as JSON Lines (one object per line) to {@code out},
   * page by page: the whole log is never held in memory.
   */
  void exportJsonLines(Principal actor, AuditQuery query, Writer out) throws IOException;

  /** Like {@link #exportJsonLines} as CSV (RFC 4180, header row first). */
  void exportCsv(Principal actor, AuditQuery query, Writer out) throws IOException;
}
