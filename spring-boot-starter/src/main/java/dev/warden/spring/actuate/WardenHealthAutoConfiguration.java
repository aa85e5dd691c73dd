package dev.warden.spring.actuate;

import dev.warden.spi.Store;
import dev.warden.spring.WardenAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Registers the {@code warden} health indicator when Actuator is present
 * ({@code management.health.warden.enabled}) and there is a {@link Store} bean: the auto-configured one or
 * the application's own. An application that declares only its own {@code AccessPolicy} gets none, since
 * there is no store to report on. Runs after {@link WardenAutoConfiguration}, which creates the store.
 */
@AutoConfiguration(after = WardenAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnEnabledHealthIndicator("warden")
public class WardenHealthAutoConfiguration {
  @Bean
  @ConditionalOnBean(Store.class)
  @ConditionalOnMissingBean(name = "wardenHealthIndicator")
  WardenHealthIndicator wardenHealthIndicator(Store store) {
    return new WardenHealthIndicator(store);
  }
}
