package dev.warden.examples.http;

import static dev.warden.examples.http.HttpTestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.examples.http.HttpTestClient.Reply;
import dev.warden.examples.http.WardenHttpService.Options;
import dev.warden.examples.http.WardenHttpService.Storage;
import dev.warden.testing.FakeClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Starts a fresh service per test on an ephemeral 127.0.0.1 port, on its own H2 database (or the
 * in-memory store), with a clock the test moves. Helpers do the setup steps over HTTP too.
 */
abstract class ServiceFixture {
  static final Instant START = Instant.parse("2026-01-05T09:00:00Z");

  final FakeClock clock = FakeClock.at(START);
  WardenHttpService service;
  HttpTestClient client;

  /** The store the service runs on; subclasses may pick the in-memory one. */
  Storage storage() {
    return Storage.H2;
  }

  @BeforeEach
  void startService() {
    service = WardenHttpService.start(Options.defaults()
        .port(0)
        .storage(storage())
        .jdbcUrl("jdbc:h2:mem:warden-test-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1")
        .clock(clock));
    client = new HttpTestClient(service.uri());
  }

  @AfterEach
  void stopService() {
    if (service != null) {
      service.close();
    }
  }

  /** {@code owner} creates an organization; returns its id. */
  String createOrganization(String owner, String name) {
    return client.as(owner).post("/organizations", json("name", name)).expect(201).string("id");
  }

  /** {@code actor} creates a project; returns its JSON. */
  Map<String, Object> createProject(String actor, String org, String name) {
    return client.as(actor).post("/organizations/" + org + "/projects", json("name", name)).expect(201).json();
  }

  /** The id of the project named {@code name} among those {@code user} sees. */
  String visibleProjectId(String user, String org, String name) {
    return client.as(user).get("/organizations/" + org + "/projects").expect(200).list("projects").stream()
        .filter(p -> p.get("name").equals(name))
        .map(p -> (String) p.get("id"))
        .findFirst()
        .orElseThrow(() -> new AssertionError(user + " does not see " + name));
  }

  /** The names of the projects {@code user} sees, in the service's order. */
  List<String> visibleProjectNames(String user, String org) {
    List<String> names = new ArrayList<>();
    client.as(user).get("/organizations/" + org + "/projects").expect(200).list("projects")
        .forEach(p -> names.add((String) p.get("name")));
    return names;
  }

  /**
   * {@code inviter} invites {@code user}@acme.com at {@code level} with {@code grants} (project id, role,
   * project id, role, …); the user accepts. Returns the membership JSON.
   */
  Map<String, Object> join(String inviter, String org, String user, String level, String... grants) {
    List<Object> grantList = new ArrayList<>();
    for (int i = 0; i < grants.length; i += 2) {
      grantList.add(Json.object("project", grants[i], "role", grants[i + 1]));
    }
    Reply invite = client.as(inviter).post("/organizations/" + org + "/invites",
        json("email", user + "@acme.com", "level", level, "grants", grantList)).expect(201);
    String token = invite.string("token");
    assertThat(token).startsWith("inv_");
    return client.as(user).post("/invites/accept", json("token", token)).expect(200).json();
  }
}
