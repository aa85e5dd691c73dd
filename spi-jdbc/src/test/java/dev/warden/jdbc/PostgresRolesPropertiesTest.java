package dev.warden.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import dev.warden.role.RolesPropertiesContract;
import dev.warden.spi.Store;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Runs the properties of roles (issue 16) on a real PostgreSQL server: one database for the class, and
 * a new store and policy on it for every try, which builds an organization, projects and roles with ids
 * of their own (as {@link MembershipStatefulPostgresTest} does). The earlier tries' organizations stay
 * in the database, so a query that strays outside its organization meets their data.
 *
 * <p>The stores poll: with {@link ChangeFeed#LISTEN_NOTIFY}, every try would open a listening
 * connection and reload its organization on the notices of its own writes, for twice the run time,
 * and the change feed is not what these properties are about. A third of the in-memory tries (220 in
 * about 35 seconds on two busy cores): each try makes some fifty writes, and each write is checked
 * against a full reload of the organization ({@code warden.verifySnapshots}, which the parent POM sets
 * for every test run).
 */
class PostgresRolesPropertiesTest extends RolesPropertiesContract {
  private static HikariDataSource database;

  @BeforeContainer
  static void newDatabase() {
    database = EmbeddedPostgresServer.shared().newDatabase();
  }

  @AfterContainer
  static void closeDatabase() {
    database.close();
  }

  @Override
  protected Store newStore() {
    return JdbcStore.postgres(database, ChangeFeed.POLLING);
  }

  @Override
  protected void closeStore(Store closing) {
    ((JdbcStore) closing).close();
  }

  @Override
  public int tries(int declared) {
    return declared / 3;
  }
}
