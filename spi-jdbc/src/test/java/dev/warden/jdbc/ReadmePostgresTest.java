package dev.warden.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.warden.AccessPolicy;
import dev.warden.Decision;
import dev.warden.Principal;
import dev.warden.matrix.Capability;
import dev.warden.organization.Organization;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Runs the README's PostgreSQL snippet on a real server; the README test (in examples) checks that the
 * README shows exactly the tagged code.
 */
class ReadmePostgresTest {
  private static final EmbeddedPostgresServer postgres = EmbeddedPostgresServer.shared();

  @Test
  void productionSetup_migratesAndDecides() {
    String jdbcUrl = postgres.newDatabaseUrl();
    String user = "postgres";
    String password = "unused by the embedded server";
    // tag::postgres[]
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);                           // e.g. jdbc:postgresql://db.internal:5432/app
    config.setUsername(user);
    config.setPassword(password);                         // from your secret store
    config.setMaximumPoolSize(11);                        // your need + 1 for Warden's LISTEN connection
    config.addDataSourceProperty("logServerErrorDetail", "false"); // keep values out of exception messages
    HikariDataSource dataSource = new HikariDataSource(config);

    JdbcStore store = JdbcStore.postgres(dataSource);     // migrates, checks LISTEN/NOTIFY
    AccessPolicy policy = AccessPolicy.builder()
        .store(store)
        .stalenessBound(Duration.ofSeconds(1))            // the default
        .build();
    // on shutdown: policy.close(); store.close(); dataSource.close();
    // end::postgres[]
    try {
      Principal alice = Principal.user("alice").withEmail("alice@acme.com");
      Organization acme = policy.organizations().create(alice, "Acme Corp");
      assertThat(policy.check(alice, Capability.DELETE_ORGANIZATION, acme.id()).outcome())
          .isEqualTo(Decision.Outcome.ALLOW);
      assertThat(store.shared()).isTrue();
    } finally {
      policy.close();
      store.close();
      dataSource.close();
    }
  }
}
