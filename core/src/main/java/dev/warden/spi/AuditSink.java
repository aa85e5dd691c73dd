package dev.warden.spi;

import dev.warden.audit.AuditEntry;

/**
 * Forwards committed audit entries to the host (e.g. its SIEM). Called after commit, on the thread
 * that made the change; an exception is logged and never undoes the change or loses the stored entry.
 */
public interface AuditSink {
  /** A sink that drops everything; the default. */
  AuditSink NONE = entry -> {};

  void accept(AuditEntry entry);
}
