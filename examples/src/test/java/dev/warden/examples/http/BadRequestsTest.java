package dev.warden.examples.http;

import static dev.warden.examples.http.HttpTestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.examples.http.HttpTestClient.Reply;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Malformed requests, unknown ids and refused rules get a clear 4xx with a JSON error body and change
 * nothing; nothing answers with a stack trace.
 */
class BadRequestsTest extends ServiceFixture {
  String acme;
  String staging;

  @BeforeEach
  void acme() {
    acme = createOrganization("cto", "Acme Corp");
    staging = (String) createProject("cto", acme, "Staging").get("id");
    join("cto", acme, "bob", "MEMBER", staging, "VIEWER");
  }

  /** Everything a refused request could have changed, as the CTO sees it. */
  private String state() {
    var cto = client.as("cto");
    return String.join("\n",
        cto.get("/organizations").expect(200).body(),
        cto.get("/organizations/" + acme + "/members").expect(200).body(),
        cto.get("/organizations/" + acme + "/projects").expect(200).body(),
        cto.get("/organizations/" + acme + "/invites").expect(200).body(),
        cto.get("/projects/" + staging + "/grants").expect(200).body());
  }

  @Test
  void malformedJson_isAnswered400_andChangesNothing() {
    String before = state();
    var cto = client.as("cto");

    Reply reply = cto.post("/organizations", "{\"name\": \"Acme 2\"").expectError(400, "BAD_REQUEST");
    assertThat(reply.string("message")).startsWith("malformed JSON at offset");
    cto.post("/organizations", "").expectError(400, "BAD_REQUEST");
    cto.post("/organizations", "[\"Acme 2\"]").expectError(400, "BAD_REQUEST");
    cto.post("/organizations", "{\"name\": \"a\", \"name\": \"b\"}").expectError(400, "BAD_REQUEST");
    cto.post("/organizations", "{\"name\": \"Acme 2\"} trailing").expectError(400, "BAD_REQUEST");
    cto.post("/organizations/" + acme + "/projects", "{\"name\": 42}").expectError(400, "BAD_REQUEST");
    cto.patch("/projects/" + staging, "{\"visiblity\": \"PRIVATE\"}").expectError(400, "BAD_REQUEST");
    cto.patch("/projects/" + staging, json("visibility", "SECRET")).expectError(400, "BAD_REQUEST");
    cto.patch("/projects/" + staging, json("visibility", "PRIVATE", "name", "Renamed")).expectError(400, "BAD_REQUEST");
    cto.patch("/organizations/" + acme + "/members/bob", json("level", "SUPERUSER")).expectError(400, "BAD_REQUEST");
    cto.patch("/organizations/" + acme + "/members/bob", json("expiresAt", "next tuesday")).expectError(400, "BAD_REQUEST");
    cto.patch("/organizations/" + acme + "/members/bob", "{}").expectError(400, "BAD_REQUEST");
    cto.post("/organizations/" + acme + "/invites", json("email", "not-an-email")).expectError(400, "BAD_REQUEST");
    cto.post("/organizations/" + acme + "/invites",
        json("email", "dan@acme.com", "grants", List.of(Json.object("project", staging)))).expectError(400, "BAD_REQUEST");
    cto.post("/organizations/" + acme + "/projects", json("name", " ")).expectError(400, "BAD_REQUEST");
    cto.get("/organizations/" + acme + "/projects?limit=0").expectError(400, "BAD_REQUEST");
    cto.get("/organizations/" + acme + "/projects?cursor=garbage").expectError(400, "BAD_REQUEST");

    assertThat(state()).isEqualTo(before);
  }

  @Test
  void unknownIds_areAnswered4xx_andChangeNothing() {
    String before = state();
    var cto = client.as("cto");

    cto.get("/organizations/org_nope").expectError(404, "NOT_FOUND");
    cto.get("/organizations/org_nope/members").expectError(404, "NOT_FOUND");
    cto.post("/organizations/org_nope/projects", json("name", "Ghost")).expectError(404, "NOT_FOUND");
    cto.get("/projects/prj_nope").expectError(404, "NOT_FOUND");
    cto.put("/projects/prj_nope/grants/bob", json("role", "VIEWER")).expectError(404, "NOT_FOUND");
    cto.delete("/projects/" + staging + "/grants/ghost").expectError(404, "GRANT_NOT_FOUND");
    cto.put("/projects/" + staging + "/grants/ghost", json("role", "VIEWER")).expectError(409, "NOT_A_MEMBER");
    cto.patch("/organizations/" + acme + "/members/ghost", json("level", "ADMIN")).expectError(409, "NOT_A_MEMBER");
    cto.delete("/organizations/" + acme + "/members/ghost").expectError(409, "NOT_A_MEMBER");
    cto.post("/organizations/" + acme + "/invites",
        json("email", "dan@acme.com", "grants", List.of(Json.object("project", "prj_nope", "role", "VIEWER"))))
        .expectError(404, "NOT_FOUND");
    client.as("dan").post("/invites/accept", json("token", "inv_nope")).expectError(404, "INVITE_NOT_FOUND");
    cto.delete("/me/api-keys/key_nope").expectError(404, "NOT_FOUND");
    cto.get("/projects/%0A").expectError(400, "BAD_REQUEST");
    cto.get("/projects/" + "x".repeat(200)).expectError(400, "BAD_REQUEST");

    assertThat(state()).isEqualTo(before);
  }

  @Test
  void refusedRules_areAnswered409_andChangeNothing() {
    var cto = client.as("cto");
    Reply invite = cto.post("/organizations/" + acme + "/invites", json("email", "dan@acme.com")).expect(201);
    String token = invite.string("token");
    String before = state();

    cto.patch("/organizations/" + acme + "/members/cto", json("level", "ADMIN")).expectError(409, "CANNOT_CHANGE_OWN_LEVEL");
    cto.patch("/organizations/" + acme + "/members/bob", json("level", "OWNER")).expectError(409, "SINGLE_OWNERSHIP");
    cto.post("/organizations/" + acme + "/invites", json("email", "bob@acme.com")).expectError(409, "ALREADY_MEMBER");
    client.as("eve", "eve@evil.com").post("/invites/accept", json("token", token)).expectError(409, "INVITE_WRONG_RECIPIENT");
    cto.delete("/organizations/" + acme + "/members/cto").expectError(409, "OWNER_CANNOT_LEAVE");

    assertThat(state()).isEqualTo(before);
    client.as("dan").post("/invites/accept", json("token", token)).expect(200);
    client.as("dan").post("/invites/accept", json("token", token)).expectError(409, "INVITE_ALREADY_USED");
  }

  @Test
  void credentialsRoutesAndSizes_areCheckedBeforeAnything() {
    Reply anonymous = client.anonymous().get("/organizations").expectError(401, "UNAUTHENTICATED");
    assertThat(anonymous.headers().firstValue("WWW-Authenticate")).contains("Bearer");
    client.withHeaders("X-User-Id", "cto", "Authorization", "Bearer phx_x").get("/organizations")
        .expectError(400, "BAD_REQUEST");
    client.withHeaders("X-User-Id", "cto", "X-User-Email", "not-an-email").get("/organizations")
        .expectError(400, "BAD_REQUEST");
    client.withHeaders("X-User-Id", "dan").post("/invites/accept", json("token", "inv_x"))
        .expectError(400, "BAD_REQUEST");

    client.as("cto").get("/nowhere").expectError(404, "NO_ROUTE");
    Reply wrongMethod = client.as("cto").send("DELETE", "/organizations", null).expectError(405, "METHOD_NOT_ALLOWED");
    assertThat(wrongMethod.headers().firstValue("Allow")).contains("POST, GET");
    client.as("cto").post("/organizations", json("name", "x".repeat(70 * 1024))).expectError(413, "PAYLOAD_TOO_LARGE");

    assertThat(client.as("cto").get("/organizations").expect(200).list("organizations")).hasSize(1);
  }
}
