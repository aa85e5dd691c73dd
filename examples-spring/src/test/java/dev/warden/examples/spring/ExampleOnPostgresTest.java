package dev.warden.examples.spring;

import dev.warden.spring.testing.PostgresTestConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;

/** {@link ExampleScenarios} on an embedded PostgreSQL server of its own (LISTEN/NOTIFY change feed). */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "spring.main.banner-mode=off")
@Import(PostgresTestConfiguration.class)
@DirtiesContext
class ExampleOnPostgresTest extends ExampleScenarios {}
