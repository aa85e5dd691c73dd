package dev.warden.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import dev.warden.hardening.BadInputContract;
import dev.warden.spi.Store;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Runs the bad-input table (issue 12) against a real PostgreSQL server, a new database per test. */
class BadInputPostgresTest extends BadInputContract {
  private static EmbeddedPostgresServer server;
  private HikariDataSource database;
  private JdbcStore jdbcStore;

  @BeforeAll
  static void startServer() {
    server = EmbeddedPostgresServer.start();
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  @Override
  protected Store newStore() {
    database = server.newDatabase();
    jdbcStore = JdbcStore.postgres(database);
    return jdbcStore;
  }

  @Override
  protected void closeStore() {
    jdbcStore.close();
    database.close();
  }
}
