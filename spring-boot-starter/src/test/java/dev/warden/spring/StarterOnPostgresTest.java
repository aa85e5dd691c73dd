package dev.warden.spring;

import dev.warden.jdbc.Dialect;
import dev.warden.spring.app.TestApplication;
import dev.warden.spring.testing.PostgresTestConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.test.annotation.DirtiesContext;

/**
 * {@link StarterScenarios} on a fresh embedded PostgreSQL (one server for the class, stopped with the
 * context), over HTTP on a random port, with the Flyway version Boot manages.
 */
@SpringBootTest(classes = {TestApplication.class, PostgresTestConfiguration.class},
    webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
    "management.endpoints.web.exposure.include=health,metrics",
    "management.endpoint.health.show-details=always"})
@DirtiesContext
class StarterOnPostgresTest extends StarterScenarios {
  @Override
  Dialect dialect() {
    return Dialect.POSTGRES;
  }
}
