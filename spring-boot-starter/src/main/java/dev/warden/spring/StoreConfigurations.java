package dev.warden.spring;

import dev.warden.AccessPolicy;
import dev.warden.jdbc.ChangeFeed;
import dev.warden.jdbc.Dialect;
import dev.warden.jdbc.JdbcStore;
import dev.warden.jdbc.SchemaMode;
import dev.warden.memory.InMemoryStore;
import dev.warden.spi.Store;
import java.util.Objects;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The store configurations {@link WardenAutoConfiguration} imports, in order. A holder rather than a
 * configuration, so that Spring processes them in the import's order, not as member classes.
 */
final class StoreConfigurations {
  private StoreConfigurations() {}

  /** A {@link JdbcStore} on the application's data source, created after the database is initialized. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnSingleCandidate(DataSource.class)
  static class Jdbc {
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean({Store.class, AccessPolicy.class})
    @DependsOnDatabaseInitialization
    JdbcStore wardenStore(DataSource dataSource, WardenProperties properties) {
      Dialect dialect = dialectOf(dataSource);
      // H2 has no LISTEN/NOTIFY: it always polls, whatever warden.change-feed says.
      ChangeFeed feed = dialect == Dialect.H2 ? ChangeFeed.POLLING
          : Objects.requireNonNullElse(properties.getChangeFeed(), ChangeFeed.LISTEN_NOTIFY);
      return JdbcStore.create(dataSource, dialect, feed,
          properties.getJdbc().isMigrate() ? SchemaMode.MIGRATE : SchemaMode.VALIDATE);
    }

    /** PostgreSQL (and engines that answer as PostgreSQL) or H2. @throws IllegalStateException otherwise */
    static Dialect dialectOf(DataSource dataSource) {
      try {
        return Dialect.of(dataSource);
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException(e.getMessage() + "; declare a dev.warden.spi.Store bean "
            + "(InMemoryStore.create() or your own) instead", e);
      }
    }
  }

  /** An {@link InMemoryStore} when there is no data source (or no single one). */
  @Configuration(proxyBeanMethods = false)
  static class InMemory {
    @Bean
    @ConditionalOnMissingBean({Store.class, AccessPolicy.class})
    Store wardenStore() {
      return InMemoryStore.create();
    }
  }
}
