package dev.warden.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * The README's curl walkthrough and more, over real HTTP against the running service: run on H2 and on
 * PostgreSQL by the subclasses (one application context and one database per subclass). Each test
 * starts from an organization of its own.
 */
abstract class ExampleScenarios {
  private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {};

  @Autowired TestRestTemplate http;

  private String org;
  private String prod;

  /** Alice's organization with a private Production; Bob joined by invite, with no grant there yet. */
  @BeforeEach
  void walkthroughSetUp() {
    org = (String) call("alice", HttpMethod.POST, "/organizations", Map.of("name", "Acme Corp")).getBody().get("id");
    prod = (String) call("alice", HttpMethod.POST, "/organizations/" + org + "/projects", Map.of("name", "Production"))
        .getBody().get("id");
    assertThat(call("alice", HttpMethod.PATCH, "/projects/" + prod, Map.of("visibility", "PRIVATE")).getStatusCode())
        .isEqualTo(HttpStatus.OK);
    String token = (String) call("alice", HttpMethod.POST, "/organizations/" + org + "/invites",
        Map.of("email", "bob@acme.com")).getBody().get("token");
    assertThat(call("bob", HttpMethod.POST, "/invites/accept", Map.of("token", token)).getStatusCode())
        .isEqualTo(HttpStatus.OK);
  }

  @Test
  void walkthrough_hiddenThenGrantedThenDenied() {
    ResponseEntity<Map<String, Object>> hidden = call("bob", HttpMethod.GET, "/projects/" + prod + "/data", null);
    ResponseEntity<Map<String, Object>> missing = call("bob", HttpMethod.GET, "/projects/prj_nope/data", null);
    assertThat(hidden.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
    assertThat(hidden.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
    assertThat(hidden.getBody()).containsEntry("code", "NOT_FOUND").containsEntry("detail", "project not found");
    assertThat(without(hidden.getBody(), "instance")).isEqualTo(without(missing.getBody(), "instance"));

    assertThat(call("alice", HttpMethod.PUT, "/projects/" + prod + "/grants/bob", Map.of("role", "VIEWER"))
        .getStatusCode()).isEqualTo(HttpStatus.OK);
    assertThat(call("bob", HttpMethod.GET, "/projects/" + prod + "/data", null).getStatusCode()).isEqualTo(HttpStatus.OK);

    ResponseEntity<Map<String, Object>> denied = call("bob", HttpMethod.POST, "/projects/" + prod + "/insights",
        Map.of("name", "Revenue"));
    assertThat(denied.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
    assertThat(denied.getBody()).containsEntry("code", "PERMISSION_DENIED").containsEntry("reason", "ROLE_TOO_LOW");
  }

  @Test
  @SuppressWarnings("unchecked")
  void walkthrough_defaultProject_insightsAndApiKeys() {
    List<Map<String, Object>> projects = (List<Map<String, Object>>) call("bob", HttpMethod.GET,
        "/organizations/" + org + "/projects", null).getBody().get("projects");
    String def = (String) projects.get(0).get("id");
    assertThat(projects).hasSize(1); // Production stays hidden

    ResponseEntity<Map<String, Object>> created = call("bob", HttpMethod.POST, "/projects/" + def + "/insights",
        Map.of("name", "Signups"));
    assertThat(created.getStatusCode()).isEqualTo(HttpStatus.CREATED);
    List<Map<String, Object>> insights = (List<Map<String, Object>>) call("bob", HttpMethod.GET,
        "/projects/" + def + "/data", null).getBody().get("insights");
    assertThat(insights).extracting(i -> i.get("name")).containsExactly("Signups");

    String key = (String) call("bob", HttpMethod.POST, "/me/api-keys",
        Map.of("label", "CI", "scopes", List.of("query:read"))).getBody().get("value");
    assertThat(key).startsWith("wdk_");
    assertThat(bearer(key, HttpMethod.GET, "/projects/" + def + "/data", null).getStatusCode()).isEqualTo(HttpStatus.OK);
    ResponseEntity<Map<String, Object>> scoped = bearer(key, HttpMethod.POST, "/projects/" + def + "/insights",
        Map.of("name", "x"));
    assertThat(scoped.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
    assertThat(scoped.getBody()).containsEntry("reason", "API_KEY_SCOPE");
    assertThat(bearer("wdk_unknown", HttpMethod.GET, "/me", null).getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
    assertThat(http.getForEntity("/me", String.class).getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
  }

  @Test
  void rules_answer409_badInput400() {
    ResponseEntity<Map<String, Object>> lastOwner = call("alice", HttpMethod.PATCH, "/organizations/" + org + "/members/alice",
        Map.of("level", "ADMIN"));
    assertThat(lastOwner.getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
    assertThat(call("alice", HttpMethod.POST, "/organizations", Map.of("name", " ")).getStatusCode())
        .isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(call("alice", HttpMethod.PATCH, "/projects/" + prod, Map.of("visibility", "SECRET")).getStatusCode())
        .isEqualTo(HttpStatus.BAD_REQUEST);
  }

  @Test
  void contractor_expiryEndsAccessWithoutASweep() {
    call("alice", HttpMethod.PUT, "/projects/" + prod + "/grants/bob", Map.of("role", "VIEWER"));
    String soon = java.time.Instant.now().plusSeconds(2).toString();
    assertThat(call("alice", HttpMethod.PATCH, "/organizations/" + org + "/members/bob", Map.of("expiresAt", soon))
        .getStatusCode()).isEqualTo(HttpStatus.OK);
    assertThat(call("bob", HttpMethod.GET, "/projects/" + prod + "/data", null).getStatusCode()).isEqualTo(HttpStatus.OK);

    await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(call("bob", HttpMethod.GET, "/projects/" + prod + "/data", null).getStatusCode())
            .isEqualTo(HttpStatus.NOT_FOUND));
  }

  @Test
  void capture_rotatedTokenIsRefused() {
    String token = (String) call("alice", HttpMethod.GET, "/projects/" + prod, null).getBody().get("token");
    assertThat(call(null, HttpMethod.POST, "/capture", Map.of("token", token, "event", "signed_up")).getStatusCode())
        .isEqualTo(HttpStatus.ACCEPTED);
    call("alice", HttpMethod.POST, "/projects/" + prod + "/rotate-token", null);

    assertThat(call(null, HttpMethod.POST, "/capture", Map.of("token", token, "event", "signed_up")).getStatusCode())
        .isEqualTo(HttpStatus.UNAUTHORIZED);
  }

  @Test
  @SuppressWarnings("unchecked")
  void actuator_decisionCountsAndStoreHealth() {
    call("bob", HttpMethod.GET, "/projects/" + prod + "/data", null); // NOT_FOUND

    Map<String, Object> notFound = call(null, HttpMethod.GET, "/actuator/metrics/warden.decisions?tag=outcome:NOT_FOUND", null)
        .getBody();
    double count = ((Number) ((List<Map<String, Object>>) notFound.get("measurements")).get(0).get("value")).doubleValue();
    assertThat(count).isGreaterThanOrEqualTo(1.0);
    Map<String, Object> health = call(null, HttpMethod.GET, "/actuator/health", null).getBody();
    Map<String, Object> warden = (Map<String, Object>) ((Map<String, Object>) health.get("components")).get("warden");
    assertThat(warden).containsEntry("status", "UP");
    assertThat((Map<String, Object>) warden.get("details")).containsEntry("store", "JdbcStore");
  }

  private ResponseEntity<Map<String, Object>> call(String user, HttpMethod method, String path, Object body) {
    HttpHeaders headers = new HttpHeaders();
    if (user != null) {
      headers.set("X-User-Id", user);
      headers.set("X-User-Email", user + "@acme.com");
    }
    return exchange(method, path, body, headers);
  }

  private ResponseEntity<Map<String, Object>> bearer(String key, HttpMethod method, String path, Object body) {
    HttpHeaders headers = new HttpHeaders();
    headers.setBearerAuth(key);
    return exchange(method, path, body, headers);
  }

  private ResponseEntity<Map<String, Object>> exchange(HttpMethod method, String path, Object body, HttpHeaders headers) {
    if (body != null) {
      headers.setContentType(MediaType.APPLICATION_JSON);
    }
    return http.exchange(path, method, new HttpEntity<>(body, headers), JSON);
  }

  private static Map<String, Object> without(Map<String, Object> body, String key) {
    Map<String, Object> copy = new java.util.HashMap<>(body);
    copy.remove(key);
    return copy;
  }
}
