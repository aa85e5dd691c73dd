package dev.warden.jdbc;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.jdbc.internal.SchemaMigration;
import dev.warden.jdbc.internal.TransactionRunner;
import dev.warden.spi.Store;
import dev.warden.spi.Transaction;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * A {@link Store} on PostgreSQL or H2 over JDBC.
 *
 * <pre>{@code
 * AccessPolicy policy = AccessPolicy.builder()
 *     .store(JdbcStore.postgres(dataSource))
 *     .build();
 * }</pre>
 *
 * <p><b>Schema.</b> Creating a store migrates the schema with Flyway before it returns: the tables
 * ({@code warden_…}) go into the connection's default schema, and Flyway records this library's
 * migrations in {@code warden_schema_history}, apart from any history the host keeps there. A schema that
 * is already current is left alone, so creating a store on every start is cheap. The database user
 * needs the right to create tables the first time and after upgrades.
 *
 * <p><b>Transactions.</b> Each {@link #inTransaction} borrows one connection from the data source, runs
 * at {@code READ COMMITTED} without auto-commit, and commits or rolls back. Locking an organization is a
 * row lock ({@code SELECT … FOR UPDATE}) held until the end of the transaction. A transaction that fails
 * with a serialization failure or a deadlock is rolled back and run again, a few times, before the store
 * gives up with {@link dev.warden.ErrorCode#CONCURRENT_MODIFICATION}; so {@code work} may run more than
 * once, and must not have effects outside the transaction. Other database errors become a
 * {@link dev.warden.StorageException} that keeps the {@link java.sql.SQLException} as its cause:
 * {@link dev.warden.ErrorCode#STORE_UNAVAILABLE} when the database cannot be reached,
 * {@link dev.warden.ErrorCode#INTERNAL_ERROR} otherwise.
 *
 * <p><b>Time.</b> The database keeps instants to the microsecond; the store truncates every instant it
 * writes to microseconds, and compares memberships on their truncated values, so an instant with
 * nanoseconds reads back truncated.
 *
 * <p><b>Secrets.</b> The store holds invite token hashes, never tokens. It logs no values. Database error
 * messages can quote the offending values; with PostgreSQL, set the driver's
 * {@code logServerErrorDetail=false} to keep them out of exception messages.
 *
 * <p>This class is thread-safe.
 */
public final class JdbcStore implements Store {
  private final Dialect dialect;
  private final TransactionRunner runner;

  private JdbcStore(DataSource dataSource, Dialect dialect) {
    this.dialect = dialect;
    SchemaMigration.migrate(dataSource, dialect);
    this.runner = new TransactionRunner(dataSource, dialect);
  }

  /**
   * A store on PostgreSQL, after migrating its schema.
   *
   * @throws IllegalArgumentException if the data source does not lead to PostgreSQL
   * @throws dev.warden.StorageException if the database cannot be reached or migrated
   */
  public static JdbcStore postgres(DataSource dataSource) {
    return create(dataSource, Dialect.POSTGRES);
  }

  /**
   * A store on H2, after migrating its schema. For an in-memory database, keep it alive for as long as
   * the store is used (a pool that holds a connection, or {@code DB_CLOSE_DELAY=-1} in the URL).
   *
   * @throws IllegalArgumentException if the data source does not lead to H2
   * @throws dev.warden.StorageException if the database cannot be reached or migrated
   */
  public static JdbcStore h2(DataSource dataSource) {
    return create(dataSource, Dialect.H2);
  }

  /**
   * A store on the database behind {@code dataSource}, spoken to in {@code dialect}, after migrating its
   * schema.
   *
   * @throws IllegalArgumentException if the database is not the one {@code dialect} names
   * @throws dev.warden.StorageException if the database cannot be reached or migrated
   */
  public static JdbcStore create(DataSource dataSource, Dialect dialect) {
    checkNotNull(dataSource, "dataSource");
    checkNotNull(dialect, "dialect");
    return new JdbcStore(dataSource, dialect);
  }

  /** The dialect this store speaks. */
  public Dialect dialect() {
    return dialect;
  }

  @Override
  public <T> T inTransaction(Function<Transaction, T> work) {
    return runner.run(work);
  }

  /** Always {@code true}: other processes, or other stores in this one, may change the database. */
  @Override
  public boolean shared() {
    return true;
  }

  @Override
  public String toString() {
    return "JdbcStore[" + dialect + "]";
  }
}
