package dev.warden.jdbc;

import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Unknown ids answered from memory, on PostgreSQL (polling, so the bound is what is tested). */
class UnknownIdsPostgresTest extends UnknownIdsContract {
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
  protected JdbcStore store(DataSource database) {
    return JdbcStore.postgres(database, ChangeFeed.POLLING);
  }
}
