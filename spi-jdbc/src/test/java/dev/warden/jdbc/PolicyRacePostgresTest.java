package dev.warden.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import dev.warden.concurrency.PolicyRaceContract;
import dev.warden.spi.Store;
import org.junit.jupiter.api.AfterEach;

/** Runs the policy races on a real PostgreSQL server: one server for the class, a database per test. */
class PolicyRacePostgresTest extends PolicyRaceContract {
  private static final EmbeddedPostgresServer server = EmbeddedPostgresServer.shared();
  private HikariDataSource database;

  @Override
  protected Store newStore() {
    database = server.newDatabase();
    return JdbcStore.postgres(database);
  }

  @AfterEach
  void closeDatabase() {
    database.close();
  }
}
