package dev.warden.examples.http;

import static dev.warden.examples.http.HttpTestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code POST /capture} resolves the project token; rotating it rejects the old one at once. */
class ProjectTokenTest extends ServiceFixture {
  String acme;
  String production;
  String token;

  @BeforeEach
  void production() {
    acme = createOrganization("cto", "Acme Corp");
    var project = createProject("cto", acme, "Production");
    production = (String) project.get("id");
    token = (String) project.get("token");
    assertThat(token).startsWith("phc_");
  }

  @Test
  void capture_withTheCurrentToken_isAcceptedForItsProject() {
    var reply = client.anonymous().post("/capture", json("token", token, "event", "$pageview")).expect(202);

    assertThat(reply.string("project")).isEqualTo(production);
    assertThat(reply.body()).doesNotContain(token);
  }

  @Test
  void rotatedToken_isRejected_andTheNewOneAccepted() {
    String rotated = client.as("cto").post("/projects/" + production + "/rotate-token", "").expect(200).string("token");
    assertThat(rotated).startsWith("phc_").isNotEqualTo(token);

    client.anonymous().post("/capture", json("token", token, "event", "$pageview")).expectError(401, "UNAUTHENTICATED");
    client.anonymous().post("/capture", json("token", rotated, "event", "$pageview")).expect(202);
    assertThat(client.as("cto").get("/projects/" + production).expect(200).string("token")).isEqualTo(rotated);
  }

  @Test
  void rotation_needsProjectAdmin_andAMemberWithoutItChangesNothing() {
    join("cto", acme, "bob", "MEMBER");

    client.as("bob").post("/projects/" + production + "/rotate-token", "").expectError(403, "PERMISSION_DENIED");

    client.anonymous().post("/capture", json("token", token, "event", "$pageview")).expect(202);
  }

  @Test
  void unknownOrMissingToken_isRefused() {
    client.anonymous().post("/capture", json("token", "phc_nope", "event", "$pageview")).expectError(401, "UNAUTHENTICATED");
    client.anonymous().post("/capture", json("token", "not-a-token", "event", "$pageview")).expectError(401, "UNAUTHENTICATED");
    client.anonymous().post("/capture", json("event", "$pageview")).expectError(400, "BAD_REQUEST");
  }
}
