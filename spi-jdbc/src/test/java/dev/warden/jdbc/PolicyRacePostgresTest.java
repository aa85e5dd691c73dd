package dev.warden.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import dev.warden.concurrency.PolicyRaceContract;
import dev.warden.spi.Store;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** Runs the policy races on a real PostgreSQL server: one server for the class, a database per test. */
class PolicyRacePostgresTest extends PolicyRaceContract {
  private static EmbeddedPostgresServer server;
  private HikariDataSource database;

  @BeforeAll
  static void startServer() {
    server = EmbeddedPostgresServer.start();
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

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
