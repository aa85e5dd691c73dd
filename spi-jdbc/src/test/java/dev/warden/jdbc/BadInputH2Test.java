package dev.warden.jdbc;

import dev.warden.hardening.BadInputContract;
import dev.warden.spi.Store;

/** Runs the bad-input table (issue 12) against H2, a new database per test. */
class BadInputH2Test extends BadInputContract {
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
