package dev.warden.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.AccessPolicy;
import dev.warden.Principal;
import dev.warden.invite.InviteRequest;
import dev.warden.jdbc.Dialect;
import dev.warden.jdbc.JdbcStore;
import dev.warden.organization.OrgId;
import dev.warden.project.Project;
import dev.warden.project.ProjectRole;
import dev.warden.project.Visibility;
import dev.warden.spi.Store;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What the starter must do for a Boot application with its own Flyway migration, run against H2 and
 * PostgreSQL by the subclasses (one application context, and one database, per subclass): both
 * migrations applied in the right order, the policy on the JDBC store, method security answering 200,
 * 403 and 404 over HTTP with problem details, and meters and health in Actuator.
 */
abstract class StarterScenarios {
  private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {};

  @Autowired AccessPolicy policy;
  @Autowired Store store;
  @Autowired JdbcTemplate jdbc;
  @Autowired TestRestTemplate http;

  private final Principal alice = Principal.user("alice").withEmail("alice@acme.com");
  private final Principal bob = Principal.user("bob").withEmail("bob@acme.com");
  private Project prod;
  private Project staging;

  abstract Dialect dialect();

  /** Alice owns an organization with a private Production (Bob: Viewer) and a Staging Bob cannot see. */
  @BeforeEach
  void organization() {
    OrgId org = policy.organizations().create(alice, "Acme " + UUID.randomUUID()).id();
    prod = policy.projects().create(alice, org, "Production");
    staging = policy.projects().create(alice, org, "Staging");
    policy.projects().setVisibility(alice, staging.id(), Visibility.PRIVATE);
    policy.invites().accept(policy.invites().create(alice, org, InviteRequest.to("bob@acme.com")
        .grant(prod.id(), ProjectRole.VIEWER)).token(), bob, "bob@acme.com");
  }

  @Test
  void applicationsOwnV1_runsFirst_thenWardensMigrationsInTheirOwnHistory() {
    assertThat(jdbc.queryForObject("SELECT body FROM app_note WHERE id = 1", String.class))
        .isEqualTo("from the application's V1");
    assertThat(jdbc.queryForList("SELECT \"version\" FROM \"flyway_schema_history\""
        + " WHERE \"success\" AND \"version\" IS NOT NULL", String.class))
        .containsExactly("1");
    // Warden found the application's tables already there and baselined at 0 before its own V1: it ran second.
    assertThat(jdbc.queryForList("SELECT \"type\" || ' ' || \"version\" FROM \"warden_schema_history\""
        + " WHERE \"version\" IS NOT NULL ORDER BY \"installed_rank\"", String.class))
        .startsWith("BASELINE 0", "SQL 1", "SQL 2");
  }

  @Test
  void policy_isOnTheJdbcStoreOfTheApplicationsDataSource() {
    assertThat(store).isInstanceOfSatisfying(JdbcStore.class, s -> assertThat(s.dialect()).isEqualTo(dialect()));
  }

  @Test
  void preAuthorize_allowed_200() {
    ResponseEntity<Map<String, Object>> r = get("bob", "/projects/" + prod.id() + "/data");

    assertThat(r.getStatusCode()).isEqualTo(HttpStatus.OK);
    assertThat(r.getBody()).containsEntry("events", 42);
  }

  @Test
  void preAuthorize_denied_403WithCodeAndReason() {
    ResponseEntity<Map<String, Object>> r = post("bob", "/projects/" + prod.id() + "/insights");

    assertThat(r.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
    assertThat(r.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
    assertThat(r.getBody()).containsEntry("status", 403).containsEntry("code", "PERMISSION_DENIED")
        .containsEntry("reason", "ROLE_TOO_LOW");
  }

  @Test
  void preAuthorize_hiddenProject_404_exactlyLikeAMissingOne() {
    ResponseEntity<Map<String, Object>> hidden = get("bob", "/projects/" + staging.id() + "/data");
    ResponseEntity<Map<String, Object>> missing = get("bob", "/projects/prj_nope/data");

    assertThat(hidden.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
    assertThat(hidden.getBody()).containsEntry("code", "NOT_FOUND");
    assertThat(withoutInstance(hidden.getBody())).isEqualTo(withoutInstance(missing.getBody()));
    assertThat(missing.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
  }

  @Test
  void hasPermission_followsGrants() {
    assertThat(post("bob", "/projects/" + staging.id() + "/insights").getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
    policy.grants().grant(alice, staging.id(), bob.userId(), ProjectRole.MEMBER);

    assertThat(post("bob", "/projects/" + staging.id() + "/insights").getStatusCode()).isEqualTo(HttpStatus.CREATED);
  }

  @Test
  void anonymous_401() {
    assertThat(http.getForEntity("/projects/" + prod.id() + "/data", String.class).getStatusCode())
        .isEqualTo(HttpStatus.UNAUTHORIZED);
  }

  /** Past a permitAll URL rule, Warden itself refuses anonymous callers, through both expressions. */
  @Test
  void anonymous_pastAPermitAllRule_401_fromCanAndFromHasPermission() {
    assertThat(http.getForEntity("/open/projects/" + prod.id() + "/data", String.class).getStatusCode())
        .isEqualTo(HttpStatus.UNAUTHORIZED);
    assertThat(http.postForEntity("/open/projects/" + prod.id() + "/insights", null, String.class).getStatusCode())
        .isEqualTo(HttpStatus.UNAUTHORIZED);
    assertThat(get("bob", "/open/projects/" + prod.id() + "/data").getStatusCode()).isEqualTo(HttpStatus.OK);
  }

  @Test
  void actuatorMetrics_countDecisionsByOutcomeAndReason_withoutUserIds() {
    get("bob", "/projects/" + prod.id() + "/data");
    post("bob", "/projects/" + prod.id() + "/insights");

    Map<String, Object> denied = http.exchange("/actuator/metrics/warden.decisions?tag=outcome:DENY&tag=reason:ROLE_TOO_LOW",
        HttpMethod.GET, null, JSON).getBody();
    assertThat(count(denied)).isGreaterThanOrEqualTo(1.0);
    assertThat(denied.toString()).contains("capability").doesNotContain("bob", "alice", prod.id().value());
    Map<String, Object> mutations = http.exchange("/actuator/metrics/warden.mutations?tag=action:member.joined",
        HttpMethod.GET, null, JSON).getBody();
    assertThat(count(mutations)).isGreaterThanOrEqualTo(1.0);
  }

  @Test
  void actuatorHealth_showsTheStore() throws InterruptedException {
    Map<String, Object> warden = wardenHealth();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    // PostgreSQL: the LISTEN connection comes up on its own thread shortly after startup.
    while (dialect() == Dialect.POSTGRES && !Boolean.TRUE.equals(details(warden).get("listening"))
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
      warden = wardenHealth();
    }

    assertThat(warden).containsEntry("status", "UP");
    assertThat(details(warden)).containsEntry("store", "JdbcStore").containsEntry("dialect", dialect().name());
    if (dialect() == Dialect.POSTGRES) {
      assertThat(details(warden)).containsEntry("changeFeed", "LISTEN_NOTIFY").containsEntry("listening", true);
    }
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> wardenHealth() {
    Map<String, Object> health = http.exchange("/actuator/health", HttpMethod.GET, null, JSON).getBody();
    return (Map<String, Object>) ((Map<String, Object>) health.get("components")).get("warden");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> details(Map<String, Object> component) {
    return (Map<String, Object>) component.get("details");
  }

  @SuppressWarnings("unchecked")
  private static double count(Map<String, Object> metric) {
    var measurements = (java.util.List<Map<String, Object>>) metric.get("measurements");
    return ((Number) measurements.get(0).get("value")).doubleValue();
  }

  private ResponseEntity<Map<String, Object>> get(String user, String path) {
    return http.withBasicAuth(user, "pw").exchange(path, HttpMethod.GET, null, JSON);
  }

  private ResponseEntity<Map<String, Object>> post(String user, String path) {
    return http.withBasicAuth(user, "pw").exchange(path, HttpMethod.POST, null, JSON);
  }

  private static Map<String, Object> withoutInstance(Map<String, Object> body) {
    Map<String, Object> copy = new HashMap<>(body);
    copy.remove("instance");
    return copy;
  }
}
