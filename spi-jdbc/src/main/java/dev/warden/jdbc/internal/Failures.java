package dev.warden.jdbc.internal;

import dev.warden.ErrorCode;
import dev.warden.StorageException;
import dev.warden.jdbc.Dialect;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;

/**
 * Turns {@link SQLException}s into {@link StorageException}s, and tells which failures a transaction
 * should be retried after. Messages name the operation and the SQLState, never a value.
 */
final class Failures {

  /** Serialization failure (PostgreSQL, CockroachDB, H2) and deadlock (PostgreSQL). */
  private static final Set<String> RETRY_POSTGRES = Set.of("40001", "40P01");

  /** Deadlock ({@code DEADLOCK_1}) and concurrent update ({@code CONCURRENT_UPDATE_1}) in H2. */
  private static final Set<String> RETRY_H2 = Set.of("40001", "90131");

  /**
   * PostgreSQL: the server is shutting down or starting, or has no free connection slot. Class 08
   * (connection exception) is handled for every dialect.
   */
  private static final Set<String> UNAVAILABLE_POSTGRES = Set.of("57P01", "57P02", "57P03", "53300");

  /** H2: connection broken, database closed, database called at shutdown. */
  private static final Set<String> UNAVAILABLE_H2 = Set.of("90067", "90098", "90121");

  /** Lock wait timed out: PostgreSQL {@code lock_not_available}, H2 {@code LOCK_TIMEOUT_1}. */
  private static final Set<String> LOCK_TIMEOUT = Set.of("55P03", "HYT00");

  private Failures() {}

  /** The exception to throw for {@code e}, raised while {@code doing} something. */
  static StorageException translate(SQLException e, Dialect dialect, String doing) {
    ErrorCode code = code(e, dialect);
    return new StorageException(code, "database failure while " + doing + " (SQLState " + e.getSQLState() + ")", e);
  }

  /** Whether {@code e} is a transient conflict after which the whole transaction should run again. */
  /** Whether {@code e} is a store failure caused by a unique violation (SQLState 23505 on PostgreSQL and H2). */
  static boolean uniqueViolation(Throwable e) {
    return e instanceof StorageException && e.getCause() instanceof SQLException sql
        && "23505".equals(sql.getSQLState());
  }

  static boolean retryable(Throwable e, Dialect dialect) {
    return e instanceof StorageException && e.getCause() instanceof SQLException sql && retryable(sql, dialect);
  }

  private static boolean retryable(SQLException e, Dialect dialect) {
    String state = e.getSQLState();
    return state != null && (dialect == Dialect.H2 ? RETRY_H2 : RETRY_POSTGRES).contains(state);
  }

  private static ErrorCode code(SQLException e, Dialect dialect) {
    if (unavailable(e, dialect)) {
      return ErrorCode.STORE_UNAVAILABLE;
    }
    String state = e.getSQLState();
    if (retryable(e, dialect) || (state != null && LOCK_TIMEOUT.contains(state))) {
      return ErrorCode.CONCURRENT_MODIFICATION;
    }
    return ErrorCode.INTERNAL_ERROR;
  }

  /** Whether {@code e} says the database cannot be reached (as opposed to refusing a statement). */
  static boolean unavailable(SQLException e, Dialect dialect) {
    if (e instanceof SQLTransientConnectionException || e instanceof SQLNonTransientConnectionException
        || e instanceof SQLRecoverableException) {
      return true;
    }
    String state = e.getSQLState();
    if (state == null) {
      return false;
    }
    return state.startsWith("08")
        || (dialect == Dialect.H2 ? UNAVAILABLE_H2 : UNAVAILABLE_POSTGRES).contains(state);
  }
}
