package dev.warden.jdbc;

import dev.warden.bulk.ImportContract;
import dev.warden.spi.Store;

/** Runs the bulk import contract (issue 14) against H2, a new database per test. */
class ImportH2Test extends ImportContract {
  private H2TestDatabase database;
  private JdbcStore jdbcStore;

  @Override
  protected Store newStore() {
    database = H2TestDatabase.create();
    jdbcStore = JdbcStore.create(database, Dialect.H2);
    return jdbcStore;
  }

  @Override
  protected void closeStore() {
    jdbcStore.close();
    database.close();
  }
}
