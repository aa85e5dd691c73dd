package dev.warden.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import dev.warden.bulk.ImportContract;
import dev.warden.spi.Store;

/** Runs the bulk import contract (issue 14) against a real PostgreSQL server, a new database per test. */
class ImportPostgresTest extends ImportContract {
  private static final EmbeddedPostgresServer server = EmbeddedPostgresServer.shared();
  private HikariDataSource database;
  private JdbcStore jdbcStore;

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
