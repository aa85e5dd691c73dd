package dev.warden.spring;

import dev.warden.ErrorCode;
import dev.warden.StorageException;
import dev.warden.jdbc.ChangeFeed;
import dev.warden.jdbc.Dialect;
import dev.warden.jdbc.JdbcStore;
import dev.warden.jdbc.SchemaMode;
import dev.warden.memory.InMemoryStore;
import dev.warden.spi.Store;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
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
    @ConditionalOnMissingBean(Store.class)
    @DependsOnDatabaseInitialization
    JdbcStore wardenStore(DataSource dataSource, WardenProperties properties) {
      Dialect dialect = dialectOf(dataSource);
      ChangeFeed feed = properties.getChangeFeed() != null ? properties.getChangeFeed()
          : dialect == Dialect.POSTGRES ? ChangeFeed.LISTEN_NOTIFY : ChangeFeed.POLLING;
      return JdbcStore.create(dataSource, dialect, feed,
          properties.getJdbc().isMigrate() ? SchemaMode.MIGRATE : SchemaMode.VALIDATE);
    }

    /** PostgreSQL (and engines that answer as PostgreSQL) or H2. @throws IllegalStateException otherwise */
    static Dialect dialectOf(DataSource dataSource) {
      String product;
      try (Connection connection = dataSource.getConnection()) {
        product = connection.getMetaData().getDatabaseProductName();
      } catch (SQLException e) {
        throw new StorageException(ErrorCode.STORE_UNAVAILABLE,
            "could not get a database connection (SQLState " + e.getSQLState() + ")", e);
      }
      return switch (product == null ? "" : product.toLowerCase(Locale.ROOT)) {
        case "postgresql" -> Dialect.POSTGRES;
        case "h2" -> Dialect.H2;
        default -> throw new IllegalStateException("Warden's JDBC store supports PostgreSQL and H2, but the "
            + "application's DataSource leads to " + product + "; declare a dev.warden.spi.Store bean "
            + "(InMemoryStore.create() or your own) instead");
      };
    }
  }

  /** An {@link InMemoryStore} when there is no data source (or no single one). */
  @Configuration(proxyBeanMethods = false)
  static class InMemory {
    @Bean
    @ConditionalOnMissingBean(Store.class)
    Store wardenStore() {
      return InMemoryStore.create();
    }
  }
}
