package dev.warden.jdbc;

import dev.warden.concurrency.PolicyRaceContract;
import dev.warden.spi.Store;
import org.junit.jupiter.api.AfterEach;

/** Runs the policy races on H2 in memory, a new database per test. */
class PolicyRaceH2Test extends PolicyRaceContract {
  private H2TestDatabase database;

  @Override
  protected Store newStore() {
    database = H2TestDatabase.create();
    return JdbcStore.h2(database);
  }

  @AfterEach
  void dropDatabase() {
    database.close();
  }
}
