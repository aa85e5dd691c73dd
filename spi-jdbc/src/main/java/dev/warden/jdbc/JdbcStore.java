package dev.warden.jdbc;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import dev.warden.jdbc.internal.ChangeListener;
import dev.warden.jdbc.internal.SchemaMigration;
import dev.warden.jdbc.internal.TransactionRunner;
import dev.warden.organization.OrgId;
import dev.warden.spi.Store;
import dev.warden.spi.Transaction;
import java.util.function.Consumer;
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
 * needs the right to create tables the first time and after upgrades. To migrate elsewhere (a
 * deployment pipeline), call {@link #migrate} there and create the store with
 * {@link SchemaMode#VALIDATE}, which changes nothing and refuses a schema that is not current.
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
 * <p><b>Several instances.</b> Every policy caches per-organization snapshots and revalidates them
 * against the organization's revision within its staleness bound, so instances sharing one database
 * see each other's changes within that bound. On PostgreSQL the store also sends {@code NOTIFY} with
 * every change and, once a policy subscribes, listens on one connection of the data source held for the
 * store's lifetime (size the pool for it), so others usually see a change within milliseconds; see
 * {@link ChangeFeed}. {@link #close()} stops listening and returns that connection.
 *
 * <p><b>Time.</b> The database keeps instants to the microsecond; the store truncates every instant it
 * writes to microseconds, and compares memberships on their truncated values, so an instant with
 * nanoseconds reads back truncated.
 *
 * <p><b>Secrets.</b> The store holds the SHA-256 hashes of invite tokens and API key values, never the
 * secrets themselves. It logs no values. Database error
 * messages can quote the offending values; with PostgreSQL, set the driver's
 * {@code logServerErrorDetail=false} to keep them out of exception messages.
 *
 * <p>This class is thread-safe.
 */
public final class JdbcStore implements Store, AutoCloseable {
  private final DataSource dataSource;
  private final Dialect dialect;
  private final ChangeFeed changeFeed;
  private final TransactionRunner runner;
  private final Object lifecycle = new Object();
  private ChangeListener listener; // guarded by lifecycle
  private boolean closed; // guarded by lifecycle

  private JdbcStore(DataSource dataSource, Dialect dialect, ChangeFeed changeFeed, SchemaMode schema) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.changeFeed = changeFeed;
    if (schema == SchemaMode.MIGRATE) {
      SchemaMigration.migrate(dataSource, dialect);
    } else {
      SchemaMigration.validate(dataSource, dialect);
    }
    if (changeFeed == ChangeFeed.LISTEN_NOTIFY) {
      ChangeListener.probe(dataSource);
    }
    this.runner = new TransactionRunner(dataSource, dialect, changeFeed == ChangeFeed.LISTEN_NOTIFY);
  }

  /**
   * A store on PostgreSQL with {@link ChangeFeed#LISTEN_NOTIFY}, after migrating its schema.
   *
   * @throws IllegalArgumentException if the data source does not lead to PostgreSQL, or the database
   *     lacks {@code LISTEN/NOTIFY} (use {@link #postgres(DataSource, ChangeFeed)} with
   *     {@link ChangeFeed#POLLING} there)
   * @throws dev.warden.StorageException if the database cannot be reached or migrated
   */
  public static JdbcStore postgres(DataSource dataSource) {
    return create(dataSource, Dialect.POSTGRES, ChangeFeed.LISTEN_NOTIFY);
  }

  /**
   * A store on PostgreSQL (or an engine that speaks its protocol) with the given change feed, after
   * migrating its schema.
   *
   * @throws IllegalArgumentException if the data source does not lead to PostgreSQL, or
   *     {@code changeFeed} is {@link ChangeFeed#LISTEN_NOTIFY} and the database lacks it
   * @throws dev.warden.StorageException if the database cannot be reached or migrated
   */
  public static JdbcStore postgres(DataSource dataSource, ChangeFeed changeFeed) {
    return create(dataSource, Dialect.POSTGRES, changeFeed);
  }

  /**
   * A store on H2 ({@link ChangeFeed#POLLING}), after migrating its schema. For an in-memory database,
   * keep it alive for as long as the store is used (a pool that holds a connection, or
   * {@code DB_CLOSE_DELAY=-1} in the URL).
   *
   * @throws IllegalArgumentException if the data source does not lead to H2
   * @throws dev.warden.StorageException if the database cannot be reached or migrated
   */
  public static JdbcStore h2(DataSource dataSource) {
    return create(dataSource, Dialect.H2, ChangeFeed.POLLING);
  }

  /**
   * A store on the database behind {@code dataSource}, spoken to in {@code dialect}, with the dialect's
   * default change feed ({@link ChangeFeed#LISTEN_NOTIFY} for PostgreSQL), after migrating its schema.
   *
   * @throws IllegalArgumentException if the database is not the one {@code dialect} names
   * @throws dev.warden.StorageException if the database cannot be reached or migrated
   */
  public static JdbcStore create(DataSource dataSource, Dialect dialect) {
    checkNotNull(dialect, "dialect");
    return create(dataSource, dialect, dialect == Dialect.POSTGRES ? ChangeFeed.LISTEN_NOTIFY : ChangeFeed.POLLING);
  }

  /**
   * A store on the database behind {@code dataSource}, spoken to in {@code dialect}, learning of other
   * instances' changes through {@code changeFeed}, after migrating its schema.
   *
   * @throws IllegalArgumentException if the database is not the one {@code dialect} names, or
   *     {@code changeFeed} is {@link ChangeFeed#LISTEN_NOTIFY} and the database (H2, CockroachDB) lacks it
   * @throws dev.warden.StorageException if the database cannot be reached or migrated
   */
  public static JdbcStore create(DataSource dataSource, Dialect dialect, ChangeFeed changeFeed) {
    return create(dataSource, dialect, changeFeed, SchemaMode.MIGRATE);
  }

  /**
   * A store on the database behind {@code dataSource}, spoken to in {@code dialect}, learning of other
   * instances' changes through {@code changeFeed}, after migrating ({@link SchemaMode#MIGRATE}) or
   * validating ({@link SchemaMode#VALIDATE}) its schema.
   *
   * @throws IllegalArgumentException if the database is not the one {@code dialect} names, or
   *     {@code changeFeed} is {@link ChangeFeed#LISTEN_NOTIFY} and the database (H2, CockroachDB) lacks it
   * @throws dev.warden.StorageException if the database cannot be reached or migrated, or (with
   *     {@link SchemaMode#VALIDATE}) the schema is not current
   */
  public static JdbcStore create(DataSource dataSource, Dialect dialect, ChangeFeed changeFeed, SchemaMode schema) {
    checkNotNull(dataSource, "dataSource");
    checkNotNull(dialect, "dialect");
    checkNotNull(changeFeed, "changeFeed");
    checkNotNull(schema, "schema");
    checkArgument(changeFeed == ChangeFeed.POLLING || dialect == Dialect.POSTGRES,
        "change feed %s needs PostgreSQL, but the dialect is %s", changeFeed, dialect);
    return new JdbcStore(dataSource, dialect, changeFeed, schema);
  }

  /**
   * Applies Warden's pending migrations to the database behind {@code dataSource} without creating a
   * store: for a deployment pipeline, when the application creates its store with
   * {@link SchemaMode#VALIDATE}. Does nothing if the schema is current.
   *
   * @throws IllegalArgumentException if the database is not the one {@code dialect} names
   * @throws dev.warden.StorageException if the database cannot be reached or migrated
   */
  public static void migrate(DataSource dataSource, Dialect dialect) {
    SchemaMigration.migrate(dataSource, dialect);
  }

  /** The dialect this store speaks. */
  public Dialect dialect() {
    return dialect;
  }

  /** How this store learns of other instances' changes. */
  public ChangeFeed changeFeed() {
    return changeFeed;
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

  /**
   * With {@link ChangeFeed#LISTEN_NOTIFY}, starts listening (on the first call) and returns {@code true};
   * {@code listener} then hears of every organization whose revision any instance commits, this one
   * included, on the listener's thread. With {@link ChangeFeed#POLLING}, returns {@code false}. Best
   * effort: while the listening connection is down, changes are found only by polling.
   *
   * @throws IllegalStateException if the store is closed
   */
  @Override
  public boolean subscribe(Consumer<OrgId> listener) {
    checkNotNull(listener, "listener");
    if (changeFeed != ChangeFeed.LISTEN_NOTIFY) {
      return false;
    }
    synchronized (lifecycle) {
      checkState(!closed, "the store is closed");
      if (this.listener == null) {
        this.listener = new ChangeListener(dataSource);
      }
      this.listener.subscribe(listener);
    }
    return true;
  }

  /**
   * Whether the store currently listens for notifications: {@code true} once a policy subscribed to a
   * {@link ChangeFeed#LISTEN_NOTIFY} store and while its listening connection is up (for health checks;
   * while it is down, changes are found by polling within the staleness bound).
   */
  public boolean listening() {
    synchronized (lifecycle) {
      return listener != null && listener.listening();
    }
  }

  /**
   * Stops listening for notifications and returns the listening connection to the data source; does
   * nothing more, and nothing at all the second time. Transactions keep working (the data source is
   * the host's to close); policies on this store fall back to polling.
   */
  @Override
  public void close() {
    ChangeListener stopping;
    synchronized (lifecycle) {
      closed = true;
      stopping = listener;
      listener = null;
    }
    if (stopping != null) {
      stopping.close();
    }
  }

  @Override
  public String toString() {
    return "JdbcStore[" + dialect + ", " + changeFeed + "]";
  }
}
