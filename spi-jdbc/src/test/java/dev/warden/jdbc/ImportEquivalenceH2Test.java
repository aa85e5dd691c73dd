package dev.warden.jdbc;

import dev.warden.bulk.ImportEquivalenceContract;
import dev.warden.spi.Store;

/** Runs the import-equals-single-operations property (issue 14) against H2, one database per property. */
class ImportEquivalenceH2Test extends ImportEquivalenceContract {
  private H2TestDatabase database;

  @Override
  protected Store newStore() {
    database = H2TestDatabase.create();
    return JdbcStore.create(database, Dialect.H2);
  }

  @Override
  protected void closeStore(Store store) {
    ((JdbcStore) store).close();
    database.close();
  }
}
