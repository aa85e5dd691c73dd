package dev.warden.jdbc;

import javax.sql.DataSource;

/** Unknown ids answered from memory, on PostgreSQL (polling, so the bound is what is tested). */
class UnknownIdsPostgresTest extends UnknownIdsContract {
  private static final EmbeddedPostgresServer server = EmbeddedPostgresServer.shared();

  @Override
  protected DataSource newDatabase() {
    return server.newDatabase();
  }

  @Override
  protected JdbcStore store(DataSource database) {
    return JdbcStore.postgres(database, ChangeFeed.POLLING);
  }
}
