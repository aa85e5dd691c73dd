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
   * At most {@code limit} entries matching {@code query} ({@link AuditQuery#matches}), newest first
   * ({@code at} descending, then id descending), strictly after {@code after} when given.
   */
  List<AuditEntry> query(AuditQuery query, Optional<AuditCursor> after, int limit);
}
