package dev.warden.jdbc.internal;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.ErrorCode;
import dev.warden.StorageException;
import dev.warden.jdbc.Dialect;
import dev.warden.organization.OrgId;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens on PostgreSQL's {@value #CHANNEL} channel and tells subscribers the id of every organization
 * whose revision another transaction committed (each revision bump sends {@code pg_notify}).
 *
 * <p>One daemon thread holds one connection of the host's data source for as long as the listener runs,
 * unwraps the driver's {@link PGConnection} and polls it for notifications every
 * {@value #POLL_MILLIS} ms. When the connection fails (database restarted, network cut) the thread
 * logs once, waits (100 ms, doubling to {@value #MAX_BACKOFF_MILLIS} ms) and reconnects; notifications
 * sent meanwhile are lost, which is why a policy keeps polling revisions within its staleness bound.
 * This is an optimization, never the only way a change is seen.
 *
 * <p>Loaded only for PostgreSQL, so H2 users need not have the PostgreSQL driver. Thread-safe.
 */
public final class ChangeListener implements AutoCloseable {
  /** The channel revision bumps notify on; the payload is the organization id. */
  public static final String CHANNEL = "warden_changes";

  private static final Logger LOG = LoggerFactory.getLogger(ChangeListener.class);

  /** How long one poll waits for a notification; bounds how long {@link #close} takes. */
  private static final int POLL_MILLIS = 200;

  /** How often an idle connection is checked, so a silently dropped one is noticed. */
  private static final long CHECK_IDLE_NANOS = TimeUnit.SECONDS.toNanos(5);

  private static final long FIRST_BACKOFF_MILLIS = 100;
  private static final long MAX_BACKOFF_MILLIS = 2_000;

  private final DataSource dataSource;
  private final List<Consumer<OrgId>> subscribers = new CopyOnWriteArrayList<>();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile boolean listening;

  /** Starts listening on a connection of {@code dataSource}, in the background. */
  public ChangeListener(DataSource dataSource) {
    this.dataSource = checkNotNull(dataSource, "dataSource");
    this.thread = new Thread(this::run, "warden-change-listener");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Checks that the database behind {@code dataSource} accepts {@code LISTEN} and {@code pg_notify}
   * (PostgreSQL does; CockroachDB, for one, does not).
   *
   * @throws IllegalArgumentException if it does not
   * @throws StorageException if it cannot be reached
   */
  public static void probe(DataSource dataSource) {
    try (Connection connection = dataSource.getConnection(); Statement s = connection.createStatement()) {
      s.execute("LISTEN warden_probe");
      s.execute("UNLISTEN warden_probe");
      s.execute("SELECT pg_notify('warden_probe', '')");
    } catch (SQLException e) {
      if (Failures.unavailable(e, Dialect.POSTGRES)) {
        throw new StorageException(ErrorCode.STORE_UNAVAILABLE,
            "could not reach the database to check LISTEN/NOTIFY (SQLState " + e.getSQLState() + ")", e);
      }
      throw new IllegalArgumentException("the database does not support LISTEN/NOTIFY (SQLState " + e.getSQLState()
          + "); create the store with ChangeFeed.POLLING", e);
    }
  }

  /** Adds a subscriber; it is called on the listener's thread and must return quickly. */
  public void subscribe(Consumer<OrgId> subscriber) {
    subscribers.add(checkNotNull(subscriber, "subscriber"));
  }

  /** Whether the listener currently holds a connection with {@code LISTEN} in effect (for tests). */
  public boolean listening() {
    return listening;
  }

  /** Stops the thread and releases its connection; waits for both, a fraction of a second. */
  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    long backoff = FIRST_BACKOFF_MILLIS;
    boolean failing = false;
    while (running) {
      try (Connection connection = dataSource.getConnection()) {
        if (!connection.isWrapperFor(PGConnection.class)) {
          LOG.warn("the data source does not lead to the org.postgresql driver; change notifications are off"
              + " and snapshots are revalidated by polling only");
          return;
        }
        PGConnection pg = connection.unwrap(PGConnection.class);
        if (!connection.getAutoCommit()) {
          // LISTEN inside an open transaction would take effect only at its commit.
          connection.setAutoCommit(true);
        }
        try (Statement s = connection.createStatement()) {
          s.execute("LISTEN " + CHANNEL);
        }
        listening = true;
        if (failing) {
          LOG.info("listening for changes again; changes made while disconnected are found by polling");
          failing = false;
        }
        backoff = FIRST_BACKOFF_MILLIS;
        try {
          poll(connection, pg);
        } finally {
          listening = false;
        }
        unlisten(connection);
      } catch (SQLException | RuntimeException e) {
        listening = false;
        if (!running) {
          return;
        }
        if (!failing) {
          LOG.warn("change notifications interrupted (SQLState {}); retrying, and polling meanwhile",
              e instanceof SQLException sql ? sql.getSQLState() : e.getClass().getSimpleName());
          LOG.debug("change notification failure", e);
          failing = true;
        }
        sleep(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
      } catch (LinkageError e) {
        LOG.warn("the PostgreSQL driver's notification API is missing ({}); change notifications are off", e.toString());
        return;
      }
    }
  }

  /** Delivers notifications until stopped; throws when the connection fails. */
  private void poll(Connection connection, PGConnection pg) throws SQLException {
    long lastActivity = System.nanoTime();
    while (running) {
      PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
      if (notifications != null && notifications.length > 0) {
        lastActivity = System.nanoTime();
        for (PGNotification n : notifications) {
          if (CHANNEL.equals(n.getName())) {
            deliver(n.getParameter());
          }
        }
      } else if (System.nanoTime() - lastActivity > CHECK_IDLE_NANOS) {
        // getNotifications only reads what arrives; a connection dropped without a FIN looks idle.
        if (!connection.isValid(2)) {
          throw new SQLException("the listening connection is no longer valid", "08006");
        }
        lastActivity = System.nanoTime();
      }
    }
  }

  private void deliver(String payload) {
    OrgId org;
    try {
      org = OrgId.of(payload);
    } catch (IllegalArgumentException e) {
      LOG.debug("ignoring a notification that names no organization");
      return;
    }
    for (Consumer<OrgId> subscriber : subscribers) {
      try {
        subscriber.accept(org);
      } catch (RuntimeException e) {
        LOG.warn("a change subscriber failed", e);
      }
    }
  }

  /** Leaves the connection as it was borrowed, so the pool can hand it out again. */
  private static void unlisten(Connection connection) {
    try (Statement s = connection.createStatement()) {
      s.execute("UNLISTEN *");
    } catch (SQLException e) {
      LOG.debug("could not UNLISTEN before returning the connection (SQLState {})", e.getSQLState());
    }
  }

  private void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      // close() interrupts; the loop checks running.
    }
  }
}
