package dev.warden.jdbc;

import javax.sql.DataSource;

/** Runs the store contract on H2 in memory, a new database per test. */
class JdbcStoreH2Test extends JdbcStoreContract {

  @Override
  protected DataSource newDatabase() {
    return H2TestDatabase.create();
  }

  @Override
  protected Dialect dialect() {
    return Dialect.H2;
  }
}
