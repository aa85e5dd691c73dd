package dev.warden.examples.http;

import static dev.warden.examples.http.HttpTestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Time-bound access, judged by the clock injected into the service: expiry is exclusive, no sweep. */
class ExpiringAccessTest extends ServiceFixture {
  static final Instant CONTRACT_ENDS = START.plus(Duration.ofDays(30));
  String acme;
  String staging;

  @BeforeEach
  void contractor() {
    acme = createOrganization("cto", "Acme Corp");
    staging = (String) createProject("cto", acme, "Staging").get("id");
    client.as("cto").patch("/projects/" + staging, json("visibility", "PRIVATE")).expect(200);
    join("cto", acme, "contractor", "MEMBER", staging, "MEMBER");
  }

  @Test
  void expiredMembership_losesEverythingAtTheInstant() {
    client.as("cto").patch("/organizations/" + acme + "/members/contractor", json("expiresAt", CONTRACT_ENDS.toString()))
        .expect(200);

    clock.set(CONTRACT_ENDS.minusSeconds(1));
    client.as("contractor").get("/projects/" + staging + "/data").expect(200);
    client.as("contractor").get("/organizations/" + acme).expect(200);

    clock.set(CONTRACT_ENDS);
    String missing = client.as("contractor").get("/projects/prj_doesnotexist/data").expect(404).body();
    assertThat(client.as("contractor").get("/projects/" + staging + "/data").expect(404).body()).isEqualTo(missing);
    client.as("contractor").get("/organizations/" + acme).expectError(404, "NOT_FOUND");
    client.as("contractor").get("/organizations/" + acme + "/projects").expectError(404, "NOT_FOUND");
    assertThat(client.as("contractor").get("/organizations").expect(200).list("organizations")).isEmpty();
  }

  @Test
  void expiredGrant_losesThatProjectOnly() {
    client.as("cto").put("/projects/" + staging + "/grants/contractor",
        json("role", "MEMBER", "expiresAt", CONTRACT_ENDS.toString())).expect(200);

    clock.set(CONTRACT_ENDS);

    client.as("contractor").get("/projects/" + staging + "/data").expectError(404, "NOT_FOUND");
    client.as("contractor").get("/organizations/" + acme).expect(200);
  }

  @Test
  void expiryInThePast_isRefused409_andChangesNothing() {
    clock.set(START.plus(Duration.ofDays(1)));

    client.as("cto").patch("/organizations/" + acme + "/members/contractor", json("expiresAt", START.toString()))
        .expectError(409, "EXPIRY_IN_PAST");

    assertThat(client.as("cto").get("/organizations/" + acme + "/members").expect(200).list("members").stream()
        .filter(m -> m.get("user").equals("contractor")).findFirst().orElseThrow().get("expiresAt"))
        .isEqualTo(Json.NULL);
  }

  @Test
  void clearingTheExpiry_keepsAccessPastTheOldDate() {
    client.as("cto").patch("/organizations/" + acme + "/members/contractor", json("expiresAt", CONTRACT_ENDS.toString()))
        .expect(200);
    client.as("cto").patch("/organizations/" + acme + "/members/contractor", "{\"expiresAt\": null}").expect(200);

    clock.set(CONTRACT_ENDS.plus(Duration.ofDays(1)));

    client.as("contractor").get("/projects/" + staging + "/data").expect(200);
  }
}
