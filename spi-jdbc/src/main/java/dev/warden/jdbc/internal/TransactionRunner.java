package dev.warden.jdbc.internal;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.ErrorCode;
import dev.warden.StorageException;
import dev.warden.jdbc.Dialect;
import dev.warden.spi.Transaction;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@code Store.inTransaction} callbacks: one connection per attempt, {@code READ COMMITTED}, commit
 * or roll back, and a few attempts when the database reports a serialization failure or a deadlock.
 * Thread-safe.
 */
public final class TransactionRunner {
  private static final Logger LOG = LoggerFactory.getLogger(TransactionRunner.class);

  /** Attempts per transaction, the first included. */
  static final int MAX_ATTEMPTS = 5;

  /** Upper bound of the random pause before the second attempt; doubled for each further one. */
  private static final long FIRST_BACKOFF_MILLIS = 4;

  private final DataSource dataSource;
  private final Dialect dialect;
  private final boolean notifyChanges;

  /**
   * A runner borrowing connections from {@code dataSource} and reading its errors as {@code dialect}.
   *
   * @param notifyChanges whether revision bumps send PostgreSQL {@code NOTIFY} (see {@link ChangeListener})
   */
  public TransactionRunner(DataSource dataSource, Dialect dialect, boolean notifyChanges) {
    this.dataSource = checkNotNull(dataSource, "dataSource");
    this.dialect = checkNotNull(dialect, "dialect");
    checkArgument(!notifyChanges || dialect == Dialect.POSTGRES, "only PostgreSQL has NOTIFY, not %s", dialect);
    this.notifyChanges = notifyChanges;
  }

  /**
   * Runs {@code work} in a transaction and commits; rolls back and rethrows if it throws. Runs it again
   * after a serialization failure or a deadlock, up to {@value #MAX_ATTEMPTS} times in all.
   *
   * @throws StorageException if the database fails, or keeps reporting conflicts
   */
  public <T> T run(Function<Transaction, T> work) {
    checkNotNull(work, "work");
    for (int attempt = 1; ; attempt++) {
      try {
        return once(work);
      } catch (StorageException e) {
        if (attempt >= MAX_ATTEMPTS || !Failures.retryable(e, dialect)) {
          throw e;
        }
        LOG.debug("transaction attempt {} of {} conflicted ({}); retrying", attempt, MAX_ATTEMPTS, e.getMessage());
        pause(attempt, e);
      }
    }
  }

  private <T> T once(Function<Transaction, T> work) {
    Connection connection = connect();
    boolean restoreAutoCommit = false;
    int restoreIsolation = -1;
    try {
      try {
        int isolation = connection.getTransactionIsolation();
        if (isolation != Connection.TRANSACTION_READ_COMMITTED) {
          connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
          restoreIsolation = isolation;
        }
        if (connection.getAutoCommit()) {
          connection.setAutoCommit(false);
          restoreAutoCommit = true;
        }
      } catch (SQLException e) {
        throw Failures.translate(e, dialect, "starting a transaction");
      }
      JdbcTransaction tx = new JdbcTransaction(connection, dialect, notifyChanges);
      T result;
      try {
        result = work.apply(tx);
      } catch (RuntimeException | Error e) {
        tx.close();
        rollback(connection, e);
        throw e;
      }
      tx.close();
      try {
        connection.commit();
      } catch (SQLException e) {
        StorageException failure = Failures.translate(e, dialect, "committing");
        rollback(connection, failure);
        throw failure;
      }
      return result;
    } finally {
      release(connection, restoreAutoCommit, restoreIsolation);
    }
  }

  private Connection connect() {
    try {
      Connection connection = dataSource.getConnection();
      if (connection == null) {
        throw new StorageException(ErrorCode.STORE_UNAVAILABLE, "the data source returned no connection", null);
      }
      return connection;
    } catch (SQLException e) {
      // Whatever the SQLState: without a connection, the store is unavailable.
      throw new StorageException(ErrorCode.STORE_UNAVAILABLE,
          "could not get a database connection (SQLState " + e.getSQLState() + ")", e);
    }
  }

  private static void rollback(Connection connection, Throwable failure) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      failure.addSuppressed(e);
    }
  }

  private static void release(Connection connection, boolean restoreAutoCommit, int restoreIsolation) {
    try {
      try {
        if (restoreAutoCommit) {
          connection.setAutoCommit(true);
        }
        if (restoreIsolation != -1) {
          connection.setTransactionIsolation(restoreIsolation);
        }
      } finally {
        connection.close();
      }
    } catch (SQLException e) {
      // The transaction is over either way; a pool discards a connection it cannot reset.
      LOG.debug("could not reset or close a connection (SQLState {})", e.getSQLState());
    }
  }

  private static void pause(int attempt, StorageException failure) {
    long bound = FIRST_BACKOFF_MILLIS << (attempt - 1);
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(bound + 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failure;
    }
  }
}
