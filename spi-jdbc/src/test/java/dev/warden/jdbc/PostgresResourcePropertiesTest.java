package dev.warden.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import dev.warden.properties.ResourcePropertiesContract;
import dev.warden.spi.Store;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Runs the properties of resource-level permissions (SPEC §8) on a real PostgreSQL server: the random
 * organizations, and the stateful chains of membership and resource operations with every invariant
 * checked after each step. Every store gets a database of its own: the chains sweep expired access
 * ({@code sweepExpired()} sweeps every organization of the store) and count what the sweep removed, so
 * the earlier tries' organizations must not share it. The stores poll, as in
 * {@link PostgresRolesPropertiesTest}. A quarter of the in-memory tries: a database per try costs about
 * 0.3 s.
 */
class PostgresResourcePropertiesTest extends ResourcePropertiesContract {
  private final Map<Store, HikariDataSource> databases = new IdentityHashMap<>();

  @Override
  protected Store newStore() {
    HikariDataSource database = EmbeddedPostgresServer.shared().newDatabase();
    JdbcStore store = JdbcStore.postgres(database, ChangeFeed.POLLING);
    databases.put(store, database);
    return store;
  }

  @Override
  public int tries(int declared) {
    return declared / 4;
  }

  @Override
  protected void closeStore(Store closing) {
    ((JdbcStore) closing).close();
    databases.remove(closing).close();
  }
}
