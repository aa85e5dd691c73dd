package dev.warden.examples.http;

import static dev.warden.examples.http.HttpTestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.examples.http.HttpTestClient.Reply;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The "Common Scenarios" of PostHog's user-management guide [004], end to end over HTTP: a new
 * engineer, a product manager, an executive and a contractor. Acme Corp has the Default Project and
 * Development, Staging and Production, all open; the CTO owns it.
 */
class UserManagementScenariosTest extends ServiceFixture {
  String acme;
  String defaultProject;
  String development;
  String staging;
  String production;

  @BeforeEach
  void acmeCorp() {
    acme = createOrganization("cto", "Acme Corp");
    defaultProject = visibleProjectId("cto", acme, "Default Project");
    development = (String) createProject("cto", acme, "Development").get("id");
    staging = (String) createProject("cto", acme, "Staging").get("id");
    production = (String) createProject("cto", acme, "Production").get("id");
  }

  @Test
  void newEngineer_memberOnDevelopmentAndStaging_viewerOnProduction_upgradedAfterOnboarding() {
    Map<String, Object> joined = join("cto", acme, "engineer", "MEMBER",
        development, "MEMBER", staging, "MEMBER", production, "VIEWER");
    assertThat(joined).containsEntry("level", "MEMBER").containsEntry("invitedBy", "cto");

    var engineer = client.as("engineer");
    engineer.post("/projects/" + development + "/insights", json("name", "Signups")).expect(201);
    engineer.post("/projects/" + staging + "/insights", json("name", "Signups")).expect(201);
    engineer.get("/projects/" + production + "/data").expect(200);
    Reply denied = engineer.post("/projects/" + production + "/insights", json("name", "Revenue"))
        .expectError(403, "PERMISSION_DENIED");
    assertThat(denied.string("reason")).isEqualTo("ROLE_TOO_LOW");
    assertThat(role("engineer", production)).isEqualTo("VIEWER");
    engineer.post("/organizations/" + acme + "/projects", json("name", "Mine")).expectError(403, "PERMISSION_DENIED");

    // "Upgrade to Member for Production after onboarding"
    client.as("cto").put("/projects/" + production + "/grants/engineer", json("role", "MEMBER")).expect(200);

    assertThat(role("engineer", production)).isEqualTo("MEMBER");
    engineer.post("/projects/" + production + "/insights", json("name", "Revenue")).expect(201);
    assertThat(engineer.get("/projects/" + production + "/data").expect(200).list("insights"))
        .extracting(i -> i.get("name")).containsExactly("Revenue");
  }

  @Test
  void productManager_memberOnAllProjects_createsInsightsInEach() {
    join("cto", acme, "pm", "MEMBER",
        defaultProject, "MEMBER", development, "MEMBER", staging, "MEMBER", production, "MEMBER");

    for (String project : List.of(defaultProject, development, staging, production)) {
      client.as("pm").post("/projects/" + project + "/insights", json("name", "Activation funnel")).expect(201);
      assertThat(role("pm", project)).isEqualTo("MEMBER");
    }
    assertThat(client.as("cto").get("/projects/" + production + "/grants").expect(200).list("grants"))
        .extracting(g -> g.get("user") + " " + g.get("role")).containsExactly("pm MEMBER");
  }

  @Test
  void executive_viewerOnProduction_seesItsDataButCreatesNothingThere() {
    join("cto", acme, "exec", "MEMBER", production, "VIEWER");

    var exec = client.as("exec");
    exec.get("/projects/" + production + "/data").expect(200);
    Reply denied = exec.post("/projects/" + production + "/insights", json("name", "Board deck")).expectError(403, "PERMISSION_DENIED");
    assertThat(denied.string("reason")).isEqualTo("ROLE_TOO_LOW");
    assertThat(role("exec", production)).isEqualTo("VIEWER");
    exec.get("/organizations/" + acme + "/members").expect(200);
    exec.patch("/organizations/" + acme + "/members/cto", json("level", "MEMBER")).expectError(403, "PERMISSION_DENIED");
  }

  @Test
  void contractor_onlyOnStaging_documented_losesAccessWhenTheEngagementEnds_thenRemoved() {
    client.as("cto").patch("/projects/" + production, json("visibility", "PRIVATE")).expect(200);
    client.as("cto").patch("/projects/" + development, json("visibility", "PRIVATE")).expect(200);
    join("cto", acme, "contractor", "MEMBER", staging, "MEMBER");
    Instant engagementEnds = START.plus(Duration.ofDays(30));

    // "Set reminder for access expiration date" and "Document scope in access registry"
    client.as("cto").patch("/organizations/" + acme + "/members/contractor",
        json("expiresAt", engagementEnds.toString())).expect(200);
    client.as("cto").patch("/organizations/" + acme + "/members/contractor",
        json("note", "Contractor, Agency Ltd: Staging analytics")).expect(200);
    Map<String, Object> registry = client.as("cto").get("/organizations/" + acme + "/members").expect(200)
        .list("members").stream().filter(m -> m.get("user").equals("contractor")).findFirst().orElseThrow();
    assertThat(registry).containsEntry("expiresAt", engagementEnds.toString())
        .containsEntry("note", "Contractor, Agency Ltd: Staging analytics");

    // "Grant access only to specific project": Staging by grant; Production and Development are private.
    assertThat(visibleProjectNames("contractor", acme)).containsExactly("Default Project", "Staging");
    String missing = client.as("contractor").get("/projects/prj_doesnotexist/data").expectError(404, "NOT_FOUND").body();
    assertThat(client.as("contractor").get("/projects/" + production + "/data").expect(404).body()).isEqualTo(missing);

    clock.set(engagementEnds.minusSeconds(1));
    client.as("contractor").post("/projects/" + staging + "/insights", json("name", "Last one")).expect(201);

    clock.set(engagementEnds);
    assertThat(client.as("contractor").get("/projects/" + staging + "/data").expect(404).body()).isEqualTo(missing);
    client.as("contractor").get("/organizations/" + acme).expectError(404, "NOT_FOUND");
    assertThat(client.as("cto").get("/organizations/" + acme + "/members").expect(200).list("members"))
        .extracting(m -> m.get("user")).doesNotContain("contractor");

    // "Remove promptly when engagement ends": the expired membership and its grant go.
    client.as("cto").delete("/organizations/" + acme + "/members/contractor").expect(204);
    assertThat(client.as("cto").get("/projects/" + staging + "/grants").expect(200).list("grants")).isEmpty();
  }

  /** The caller's effective role on a project, from the list of visible projects. */
  private String role(String user, String project) {
    return client.as(user).get("/organizations/" + acme + "/projects").expect(200).list("projects").stream()
        .filter(p -> p.get("id").equals(project))
        .map(p -> (String) p.get("role"))
        .findFirst()
        .orElseThrow(() -> new AssertionError(user + " does not see " + project));
  }
}
