package dev.warden.spring;

import dev.warden.AccessPolicy;
import dev.warden.jdbc.JdbcStore;
import dev.warden.matrix.PermissionMatrix;
import dev.warden.observe.WardenListener;
import dev.warden.spi.AuditSink;
import dev.warden.spi.Notifier;
import dev.warden.spi.Store;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * Auto-configures an {@link AccessPolicy} bean on a {@link JdbcStore} over the application's
 * {@link DataSource} (PostgreSQL or H2, detected from the connection), or on an {@link dev.warden.memory.InMemoryStore}
 * when there is none. Declare your own {@link Store} or {@link AccessPolicy} bean to replace either.
 *
 * <p><b>Migrations.</b> The store bean is {@link org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization @DependsOnDatabaseInitialization},
 * so the application's own Flyway or Liquibase migrations (and {@code spring.sql.init} scripts) run first
 * and Warden's run after them, in their own history table ({@code warden_schema_history}). In the other
 * order Boot's Flyway would find a non-empty schema without its history table and refuse to start.
 */
@AutoConfiguration(after = DataSourceAutoConfiguration.class, afterName = {
    "org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration",
    "org.springframework.boot.autoconfigure.liquibase.LiquibaseAutoConfiguration"})
@EnableConfigurationProperties(WardenProperties.class)
// In this order: the JDBC store when there is a data source, else the in-memory one.
@Import({StoreConfigurations.Jdbc.class, StoreConfigurations.InMemory.class})
public class WardenAutoConfiguration {

  /**
   * The policy. Listeners are every {@link WardenListener} bean (the starter's Micrometer meters among
   * them); the clock, notifier, audit sink and matrix are taken from beans of those types if there are
   * any, else from the properties and Warden's defaults.
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  AccessPolicy accessPolicy(Store store, WardenProperties properties, ObjectProvider<WardenListener> listeners,
      ObjectProvider<PermissionMatrix> matrix, ObjectProvider<Clock> clock, ObjectProvider<Notifier> notifier,
      ObjectProvider<AuditSink> auditSink, ObjectProvider<AccessPolicyCustomizer> customizers) {
    AccessPolicy.Builder builder = AccessPolicy.builder()
        .store(store)
        .matrix(matrix.getIfUnique(properties.getMatrix()::build))
        .stalenessBound(properties.getStalenessBound())
        .inviteValidity(properties.getInviteValidity())
        .listener(CompositeListener.of(listeners.orderedStream().toList()));
    clock.ifUnique(builder::clock);
    notifier.ifUnique(builder::notifier);
    auditSink.ifUnique(builder::auditSink);
    customizers.orderedStream().forEach(c -> c.customize(builder));
    return builder.build();
  }
}
