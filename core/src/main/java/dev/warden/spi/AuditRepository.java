package dev.warden.spi;

import dev.warden.audit.AuditCursor;
import dev.warden.audit.AuditEntry;
import dev.warden.audit.AuditQuery;
import java.util.List;
import java.util.Optional;

/**
 * Stores audit entries. Entries are appended in the transaction of the change they record and are
 * never updated; deleting an organization keeps its entries.
 */
public interface AuditRepository {

  /** Appends an entry; fails if its id exists. */
  void append(AuditEntry entry);

  /**
   * Appends entries in order, as {@link #append} each (a bulk import's entries). The default loops; a
   * store with a cheaper bulk path overrides it.
   */
  default void appendAll(List<AuditEntry> entries) {
    entries.forEach(this::append);
  }

  /**
   * At most {@code limit} entries matching {@code query} ({@link AuditQuery#matches}), newest first
   * ({@code at} descending, then id descending), strictly after {@code after} when given.
   */
  List<AuditEntry> query(AuditQuery query, Optional<AuditCursor> after, int limit);
}
