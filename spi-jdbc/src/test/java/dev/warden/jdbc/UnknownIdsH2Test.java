package dev.warden.jdbc;

import javax.sql.DataSource;

/** Unknown ids answered from memory, on H2. */
class UnknownIdsH2Test extends UnknownIdsContract {

  @Override
  protected DataSource newDatabase() {
    return H2TestDatabase.create();
  }

  @Override
  protected JdbcStore store(DataSource database) {
    return JdbcStore.h2(database);
  }
}
