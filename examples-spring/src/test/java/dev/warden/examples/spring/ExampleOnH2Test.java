package dev.warden.examples.spring;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.test.annotation.DirtiesContext;

/** {@link ExampleScenarios} on the example's own configuration: in-memory H2, on a random port. */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "spring.main.banner-mode=off")
@DirtiesContext
class ExampleOnH2Test extends ExampleScenarios {}
