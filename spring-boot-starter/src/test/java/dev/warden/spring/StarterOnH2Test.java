package dev.warden.spring;

import dev.warden.jdbc.Dialect;
import dev.warden.spring.app.TestApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.test.annotation.DirtiesContext;

/** {@link StarterScenarios} on a fresh in-memory H2 database, over HTTP on a random port. */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
    "spring.datasource.url=jdbc:h2:mem:starter-h2;DB_CLOSE_DELAY=-1",
    "management.endpoints.web.exposure.include=health,metrics",
    "management.endpoint.health.show-details=always"})
@DirtiesContext
class StarterOnH2Test extends StarterScenarios {
  @Override
  Dialect dialect() {
    return Dialect.H2;
  }
}
