package dev.warden.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import dev.warden.bulk.ImportEquivalenceContract;
import dev.warden.spi.Store;

/**
 * Runs the import-equals-single-operations property (issue 14) against a real PostgreSQL server, one
 * database per property.
 */
class ImportEquivalencePostgresTest extends ImportEquivalenceContract {
  private static final EmbeddedPostgresServer server = EmbeddedPostgresServer.shared();
  private HikariDataSource database;

  @Override
  protected Store newStore() {
    database = server.newDatabase();
    return JdbcStore.postgres(database);
  }

  @Override
  protected void closeStore(Store store) {
    ((JdbcStore) store).close();
    database.close();
  }
}
