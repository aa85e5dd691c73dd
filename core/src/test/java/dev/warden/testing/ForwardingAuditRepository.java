package dev.warden.testing;

import dev.warden.spi.ForwardingTransaction;

import dev.warden.audit.AuditCursor;
import dev.warden.audit.AuditEntry;
import dev.warden.audit.AuditQuery;
import dev.warden.spi.AuditRepository;
import java.util.List;
import java.util.Optional;

/**
 * An audit repository that forwards every call to another one; tests override the call they want to
 * observe or break (a failing append, a counted query), usually from a {@link ForwardingTransaction}.
 */
public class ForwardingAuditRepository implements AuditRepository {
  private final AuditRepository delegate;

  public ForwardingAuditRepository(AuditRepository delegate) {
    this.delegate = delegate;
  }

  @Override
  public void append(AuditEntry entry) {
    delegate.append(entry);
  }

  @Override
  public List<AuditEntry> query(AuditQuery query, Optional<AuditCursor> after, int limit) {
    return delegate.query(query, after, limit);
  }
}
