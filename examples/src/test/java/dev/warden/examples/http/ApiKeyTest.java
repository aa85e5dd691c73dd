package dev.warden.examples.http;

import static dev.warden.examples.http.HttpTestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.examples.http.HttpTestClient.Reply;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A personal API key acts as its user narrowed by its scopes and limits: what the user may do ∩ what
 * the scopes cover ∩ the projects it is limited to.
 */
class ApiKeyTest extends ServiceFixture {
  String acme;
  String development;
  String production;

  @BeforeEach
  void engineer() {
    acme = createOrganization("cto", "Acme Corp");
    development = (String) createProject("cto", acme, "Development").get("id");
    production = (String) createProject("cto", acme, "Production").get("id");
    join("cto", acme, "engineer", "MEMBER", development, "MEMBER", production, "VIEWER");
  }

  private String createKey(String user, String body) {
    Reply created = client.as(user).post("/me/api-keys", body).expect(201);
    String value = created.string("value");
    assertThat(value).startsWith("phx_");
    assertThat(created.object("key").get("key")).isEqualTo("phx_…" + value.substring(value.length() - 4));
    return value;
  }

  @Test
  void readOnlyKey_readsData_butCannotCreateContentTheUserCould() {
    String key = createKey("engineer", json("label", "CI export", "scopes", List.of("query:read")));

    client.withKey(key).get("/projects/" + development + "/data").expect(200);
    Reply denied = client.withKey(key).post("/projects/" + development + "/insights", json("name", "From CI"))
        .expectError(403, "PERMISSION_DENIED");
    assertThat(denied.string("reason")).isEqualTo("API_KEY_SCOPE");
    client.as("engineer").post("/projects/" + development + "/insights", json("name", "By hand")).expect(201);
  }

  @Test
  void allScopesKey_stillCannotExceedItsUser() {
    String key = createKey("engineer", json("label", "Everything", "scopes", List.of("*")));

    client.withKey(key).post("/projects/" + development + "/insights", json("name", "From CI")).expect(201);
    Reply denied = client.withKey(key).post("/projects/" + production + "/insights", json("name", "From CI"))
        .expectError(403, "PERMISSION_DENIED");
    assertThat(denied.string("reason")).isEqualTo("ROLE_TOO_LOW");
  }

  @Test
  void keyLimitedToOneProject_seesNoOther() {
    String key = createKey("engineer", json("label", "Dev only", "scopes", List.of("query:read"),
        "projects", List.of(development)));

    client.withKey(key).get("/projects/" + development + "/data").expect(200);
    String missing = client.withKey(key).get("/projects/prj_doesnotexist/data").expect(404).body();
    assertThat(client.withKey(key).get("/projects/" + production + "/data").expect(404).body()).isEqualTo(missing);
  }

  @Test
  void keyPrincipal_isItsUser_viaApiKey_andCannotManageKeys() {
    String key = createKey("engineer", json("label", "CI", "scopes", List.of("query:read")));

    Map<String, Object> me = client.withKey(key).get("/me").expect(200).json();
    assertThat(me).containsEntry("user", "engineer").containsEntry("method", "API_KEY");
    client.withKey(key).post("/me/api-keys", json("label", "Sneaky", "scopes", List.of("*")))
        .expectError(403, "PERMISSION_DENIED");
    client.withKey(key).post("/invites/accept", json("token", "inv_whatever")).expectError(403, "PERMISSION_DENIED");
  }

  @Test
  void listedKeysAreMasked_andARevokedKeyIsUnknown() {
    String key = createKey("engineer", json("label", "CI", "scopes", List.of("query:read")));

    Reply listed = client.as("engineer").get("/me/api-keys").expect(200);
    assertThat(listed.body()).doesNotContain(key);
    String id = (String) listed.list("keys").get(0).get("id");

    client.as("engineer").delete("/me/api-keys/" + id).expect(204);

    client.withKey(key).get("/projects/" + development + "/data").expectError(401, "UNAUTHENTICATED");
    assertThat(client.as("engineer").get("/me/api-keys").expect(200).list("keys")).isEmpty();
  }

  @Test
  void rolledKey_replacesTheValue() {
    String key = createKey("engineer", json("label", "CI", "scopes", List.of("query:read")));
    String id = (String) client.as("engineer").get("/me/api-keys").expect(200).list("keys").get(0).get("id");

    String rolled = client.as("engineer").post("/me/api-keys/" + id + "/roll", "").expect(200).string("value");

    client.withKey(key).get("/projects/" + development + "/data").expectError(401, "UNAUTHENTICATED");
    client.withKey(rolled).get("/projects/" + development + "/data").expect(200);
  }

  @Test
  void unknownMalformedOrOddlyPresentedKeys_areAnswered401() {
    Reply unknown = client.withKey("phx_" + "A".repeat(43)).get("/me").expectError(401, "UNAUTHENTICATED");
    assertThat(unknown.headers().firstValue("WWW-Authenticate")).contains("Bearer");
    client.withKey("nonsense").get("/me").expectError(401, "UNAUTHENTICATED");
    client.withHeaders("Authorization", "Basic ZW5naW5lZXI6cHc=").get("/me").expectError(401, "UNAUTHENTICATED");
  }

  @Test
  void badKeyRequests_areAnswered400_andCreateNothing() {
    client.as("engineer").post("/me/api-keys", json("label", "CI", "scopes", List.of("warp:drive")))
        .expectError(400, "BAD_REQUEST");
    client.as("engineer").post("/me/api-keys", json("label", "CI", "scopes", List.of()))
        .expectError(400, "BAD_REQUEST");
    client.as("engineer").post("/me/api-keys", json("label", "CI", "scopes", "query:read"))
        .expectError(400, "BAD_REQUEST");

    assertThat(client.as("engineer").get("/me/api-keys").expect(200).list("keys")).isEmpty();
  }
}
