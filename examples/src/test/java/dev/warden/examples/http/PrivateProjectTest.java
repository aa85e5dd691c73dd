package dev.warden.examples.http;

import static dev.warden.examples.http.HttpTestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A private project answers a member without access exactly as a project id that does not exist, on
 * every endpoint, and answers an organization Admin as usual.
 */
class PrivateProjectTest extends ServiceFixture {
  String acme;
  String finance;

  @BeforeEach
  void privateFinance() {
    acme = createOrganization("cto", "Acme Corp");
    finance = (String) createProject("cto", acme, "Finance").get("id");
    join("cto", acme, "bob", "MEMBER");
    join("cto", acme, "lead", "ADMIN");
    Map<String, Object> changed = client.as("cto").patch("/projects/" + finance, json("visibility", "PRIVATE"))
        .expect(200).json();
    assertThat(changed).containsEntry("visibility", "PRIVATE");
  }

  @Test
  void memberWithoutGrant_gets404_withTheBodyOfAProjectThatDoesNotExist() {
    var bob = client.as("bob");
    String missing = bob.get("/projects/prj_doesnotexist").expectError(404, "NOT_FOUND").body();

    assertThat(bob.get("/projects/" + finance).expect(404).body()).isEqualTo(missing);
    assertThat(bob.get("/projects/" + finance + "/data").expect(404).body()).isEqualTo(missing);
    assertThat(bob.get("/projects/prj_doesnotexist/data").expect(404).body()).isEqualTo(missing);
    assertThat(bob.post("/projects/" + finance + "/insights", json("name", "x")).expect(404).body()).isEqualTo(missing);
    assertThat(bob.patch("/projects/" + finance, json("visibility", "OPEN")).expect(404).body()).isEqualTo(missing);
    assertThat(bob.patch("/projects/prj_doesnotexist", json("visibility", "OPEN")).expect(404).body()).isEqualTo(missing);
    assertThat(bob.post("/projects/" + finance + "/rotate-token", "").expect(404).body()).isEqualTo(missing);
    assertThat(visibleProjectNames("bob", acme)).containsExactly("Default Project");
  }

  @Test
  void orgAdmin_gets200_asImplicitProjectAdmin() {
    var lead = client.as("lead");
    lead.get("/projects/" + finance).expect(200);
    lead.get("/projects/" + finance + "/data").expect(200);
    lead.post("/projects/" + finance + "/insights", json("name", "Runway")).expect(201);
    Map<String, Object> listed = lead.get("/organizations/" + acme + "/projects").expect(200).list("projects").stream()
        .filter(p -> p.get("id").equals(finance)).findFirst().orElseThrow();
    assertThat(listed).containsEntry("role", "ADMIN").containsEntry("roleSource", "ORG_ADMIN");
  }

  @Test
  void memberWhoSeesAnOpenProject_isDenied403_toMakeItPrivate() {
    String defaultProject = visibleProjectId("bob", acme, "Default Project");

    client.as("bob").patch("/projects/" + defaultProject, json("visibility", "PRIVATE")).expectError(403, "PERMISSION_DENIED");

    assertThat(client.as("bob").get("/projects/" + defaultProject).expect(200).string("visibility")).isEqualTo("OPEN");
  }

  @Test
  void explicitGrant_opensThePrivateProjectToThatMemberOnly() {
    client.as("cto").put("/projects/" + finance + "/grants/bob", json("role", "VIEWER")).expect(200);
    join("cto", acme, "carol", "MEMBER");

    client.as("bob").get("/projects/" + finance + "/data").expect(200);
    client.as("carol").get("/projects/" + finance + "/data").expectError(404, "NOT_FOUND");
  }

  @Test
  void makingItOpenAgain_showsItToEveryMember() {
    client.as("lead").patch("/projects/" + finance, json("visibility", "open")).expect(200);

    client.as("bob").get("/projects/" + finance + "/data").expect(200);
    assertThat(visibleProjectNames("bob", acme)).containsExactly("Default Project", "Finance");
  }
}
