package dev.warden.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.AccessPolicy;
import dev.warden.Decision;
import dev.warden.Principal;
import dev.warden.jdbc.Dialect;
import dev.warden.jdbc.JdbcStore;
import dev.warden.matrix.Capability;
import dev.warden.matrix.PermissionMatrix;
import dev.warden.memory.InMemoryStore;
import dev.warden.observe.WardenListener;
import dev.warden.organization.OrgId;
import dev.warden.spi.Store;
import dev.warden.spring.actuate.WardenHealthIndicator;
import dev.warden.spring.actuate.WardenMetrics;
import dev.warden.spring.security.PrincipalResolver;
import dev.warden.spring.security.WardenSecurity;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;

/**
 * The auto-configuration's choices, each in a small context without a web server: which store, which
 * properties, what replaces what, and Warden's migrations with and without {@code warden.jdbc.migrate}.
 */
class WardenAutoConfigurationTest {
  /** The starter's auto-configurations and the Boot ones they order themselves around, without a database. */
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
          SimpleMetricsExportAutoConfiguration.class,
          dev.warden.spring.actuate.WardenObservabilityAutoConfiguration.class, WardenAutoConfiguration.class,
          dev.warden.spring.security.WardenSecurityAutoConfiguration.class));

  /** The same with Boot's data source and Flyway (H2 is on the test classpath). */
  private final ApplicationContextRunner jdbcRunner = runner
      .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, FlywayAutoConfiguration.class));

  private static String h2Url() {
    return "spring.datasource.url=jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
  }

  @Test
  void noDataSource_inMemoryStore() {
    runner.run(context -> {
      assertThat(context).hasSingleBean(AccessPolicy.class);
      assertThat(context.getBean(Store.class)).isInstanceOf(InMemoryStore.class);
      assertThat(context).hasSingleBean(WardenSecurity.class).hasBean("warden");
      assertThat(context).hasSingleBean(WardenMetrics.class).hasSingleBean(PrincipalResolver.class);
    });
  }

  @Test
  void h2DataSource_jdbcStoreOnIt_polling() {
    jdbcRunner.withPropertyValues(h2Url()).run(context -> {
      JdbcStore store = context.getBean(JdbcStore.class);
      assertThat(store.dialect()).isEqualTo(Dialect.H2);
      assertThat(store.changeFeed()).isEqualTo(dev.warden.jdbc.ChangeFeed.POLLING);
      AccessPolicy policy = context.getBean(AccessPolicy.class);
      OrgId org = policy.organizations().create(Principal.user("alice").withEmail("alice@acme.com"), "Acme").id();
      assertThat(policy.check(Principal.user("alice").withEmail("alice@acme.com"), Capability.MANAGE_BILLING, org).allowed()).isTrue();
    });
  }

  @Test
  void properties_matrixAndInviteValidity() {
    runner.withPropertyValues("warden.matrix=least-privilege", "warden.invite-validity=2h", "warden.staleness-bound=250ms")
        .run(context -> {
          AccessPolicy policy = context.getBean(AccessPolicy.class);
          assertThat(policy.matrix()).isEqualTo(PermissionMatrix.leastPrivilege());
          WardenProperties properties = context.getBean(WardenProperties.class);
          assertThat(properties.getInviteValidity()).hasHours(2);
          assertThat(properties.getStalenessBound()).hasMillis(250);
        });
  }

  @Test
  void badProperty_failsStartup() {
    runner.withPropertyValues("warden.invite-validity=0s").run(context ->
        assertThat(context).hasFailed().getFailure().hasRootCauseMessage("inviteValidity must be positive, but was PT0S"));
  }

  @Test
  void ownStoreAndPolicyBeans_replaceTheAutoConfiguredOnes() {
    jdbcRunner.withPropertyValues(h2Url()).withUserConfiguration(OwnStore.class).run(context -> {
      assertThat(context.getBean(Store.class)).isSameAs(OwnStore.STORE);
      assertThat(context).doesNotHaveBean(JdbcStore.class);
    });
  }

  @Test
  void listenerBeans_allHearDecisions_besideTheMeters() {
    runner.withUserConfiguration(TwoListeners.class).run(context -> {
      AccessPolicy policy = context.getBean(AccessPolicy.class);
      policy.check(Principal.user("alice").withEmail("alice@acme.com"), Capability.VIEW_ORGANIZATION, OrgId.of("org_missing"));
      assertThat(TwoListeners.heard).containsExactly("first NOT_FOUND", "second NOT_FOUND");
    });
  }

  @Test
  void customPrincipalResolver_isUsedByTheWardenBean() {
    runner.withUserConfiguration(OwnResolver.class).run(context -> {
      var auth = UsernamePasswordAuthenticationToken.authenticated("login-name", "n/a", List.of());
      org.springframework.security.core.context.SecurityContextHolder.getContext().setAuthentication(auth);
      try {
        assertThat(context.getBean(WardenSecurity.class).currentPrincipal().userId().value()).isEqualTo("u-login-name");
      } finally {
        org.springframework.security.core.context.SecurityContextHolder.clearContext();
      }
    });
  }

  @Test
  void migrateFalse_freshDatabase_refusesToStart() {
    jdbcRunner.withPropertyValues(h2Url(), "warden.jdbc.migrate=false").run(context ->
        assertThat(context).hasFailed().getFailure().rootCause().hasMessageContaining("Validate failed"));
  }

  @Test
  void migrateFalse_schemaMigratedByThePipeline_startsWithoutMigrating() {
    JdbcDataSource h2 = new JdbcDataSource();
    String url = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    h2.setURL(url);
    h2.setUser("sa");
    // The pipeline migrates in the order the starter does: the application's own first, then Warden's.
    Flyway.configure().dataSource(h2).locations("classpath:db/migration").load().migrate();
    JdbcStore.migrate(h2, Dialect.H2);
    jdbcRunner.withPropertyValues("spring.datasource.url=" + url, "warden.jdbc.migrate=false").run(context -> {
      assertThat(context).hasNotFailed().hasSingleBean(JdbcStore.class);
      assertThat(context.getBean(AccessPolicy.class).organizations().create(Principal.user("alice").withEmail("alice@acme.com"), "Acme")).isNotNull();
    });
  }

  /**
   * Why the store waits for database initialization: in the other order, Boot's Flyway (the version
   * Boot manages) finds Warden's tables in a schema without its history table and refuses.
   */
  @Test
  void wardenFirst_thenBootsFlyway_refuses() {
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    JdbcStore.migrate(h2, Dialect.H2);

    Flyway applicationFlyway = Flyway.configure().dataSource(h2).locations("classpath:db/migration").load();

    org.assertj.core.api.Assertions.assertThatThrownBy(applicationFlyway::migrate)
        .isInstanceOf(FlywayException.class).hasMessageContaining("non-empty schema");
  }

  @Test
  void healthIndicator_registeredWithActuator() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(
            org.springframework.boot.actuate.autoconfigure.health.HealthContributorAutoConfiguration.class,
            dev.warden.spring.actuate.WardenObservabilityAutoConfiguration.class, WardenAutoConfiguration.class,
            dev.warden.spring.actuate.WardenHealthAutoConfiguration.class))
        .run(context -> {
          WardenHealthIndicator health = context.getBean("wardenHealthIndicator", WardenHealthIndicator.class);
          assertThat(health.health().getStatus().getCode()).isEqualTo("UP");
        });
  }

  @Test
  void ownPolicyBean_noStoreIsCreatedMigratedOrReportedOn() {
    jdbcRunner.withConfiguration(AutoConfigurations.of(
            org.springframework.boot.actuate.autoconfigure.health.HealthContributorAutoConfiguration.class,
            dev.warden.spring.actuate.WardenHealthAutoConfiguration.class))
        .withPropertyValues(h2Url()).withUserConfiguration(OwnPolicy.class).run(context -> {
          assertThat(context.getBean(AccessPolicy.class)).isSameAs(OwnPolicy.POLICY);
          assertThat(context).doesNotHaveBean(Store.class).doesNotHaveBean(WardenHealthIndicator.class);
          javax.sql.DataSource dataSource = context.getBean(javax.sql.DataSource.class);
          try (java.sql.Connection c = dataSource.getConnection();
              java.sql.ResultSet tables = c.getMetaData().getTables(null, null, "WARDEN_%", null)) {
            assertThat(tables.next()).as("Warden's migrations ran on the application's database").isFalse();
          }
        });
  }

  @Test
  void changeFeedListenNotify_onH2_polls() {
    jdbcRunner.withPropertyValues(h2Url(), "warden.change-feed=listen-notify").run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context.getBean(JdbcStore.class).listening()).isFalse();
    });
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnPolicy {
    static final AccessPolicy POLICY = AccessPolicy.inMemory();

    @Bean
    AccessPolicy accessPolicy() {
      return POLICY;
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnStore {
    static final Store STORE = InMemoryStore.create();

    @Bean
    Store store() {
      return STORE;
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnResolver {
    @Bean
    PrincipalResolver principalResolver() {
      return authentication -> Principal.user("u-" + authentication.getName());
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class TwoListeners {
    static final List<String> heard = new ArrayList<>();

    @Bean
    @org.springframework.core.annotation.Order(1)
    WardenListener first() {
      return new WardenListener() {
        @Override
        public void decision(Capability capability, Decision decision) {
          heard.add("first " + decision.outcome());
        }
      };
    }

    @Bean
    @org.springframework.core.annotation.Order(2)
    WardenListener second() {
      return new WardenListener() {
        @Override
        public void decision(Capability capability, Decision decision) {
          heard.add("second " + decision.outcome());
        }
      };
    }
  }
}
