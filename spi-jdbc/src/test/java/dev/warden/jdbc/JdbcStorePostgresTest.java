package dev.warden.jdbc;

import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Runs the store contract on a real PostgreSQL server: one server for the class, a database per test. */
class JdbcStorePostgresTest extends JdbcStoreContract {
  private static EmbeddedPostgresServer server;

  @BeforeAll
  static void startServer() {
    server = EmbeddedPostgresServer.start();
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  @Override
  protected DataSource newDatabase() {
    return server.newDatabase();
  }

  @Override
  protected Dialect dialect() {
    return Dialect.POSTGRES;
  }
}
