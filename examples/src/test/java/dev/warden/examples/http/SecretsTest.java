package dev.warden.examples.http;

import static dev.warden.examples.http.HttpTestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Invite tokens and API key values appear in the response that creates them and nowhere else: not in
 * lists, not in other responses, not in the log. The build sends the log, down to DEBUG, to the file
 * named by {@code org.slf4j.simpleLogger.logFile}; without it slf4j-simple writes to standard error,
 * which the test captures too.
 */
class SecretsTest extends ServiceFixture {

  @Test
  void tokensAndKeys_areShownOnce_andNeverLogged() throws IOException {
    PrintStream stderr = System.err;
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
    String inviteToken;
    String keyValue;
    StringBuilder otherResponses = new StringBuilder();
    try {
      String acme = createOrganization("cto", "Acme Corp");
      inviteToken = client.as("cto").post("/organizations/" + acme + "/invites", json("email", "dan@acme.com"))
          .expect(201).string("token");
      otherResponses.append(client.as("cto").get("/organizations/" + acme + "/invites").expect(200).body());
      otherResponses.append(client.as("dan").post("/invites/accept", json("token", inviteToken)).expect(200).body());
      otherResponses.append(client.as("dan").post("/invites/accept", json("token", inviteToken)).expect(409).body());
      otherResponses.append(client.as("dan").post("/invites/accept", json("token", inviteToken + "x")).expect(404).body());

      keyValue = client.as("dan").post("/me/api-keys", json("label", "CI", "scopes", List.of("query:read")))
          .expect(201).string("value");
      otherResponses.append(client.as("dan").get("/me/api-keys").expect(200).body());
      otherResponses.append(client.withKey(keyValue).get("/me").expect(200).body());
      otherResponses.append(client.withKey(keyValue + "x").get("/me").expect(401).body());
      otherResponses.append(client.withKey(keyValue).post("/organizations", "{broken").expect(400).body());
    } finally {
      System.setErr(stderr);
    }

    assertThat(otherResponses.toString()).doesNotContain(inviteToken).doesNotContain(keyValue);
    assertThat(log.toString(StandardCharsets.UTF_8)).doesNotContain(inviteToken).doesNotContain(keyValue);
    String logFile = System.getProperty("org.slf4j.simpleLogger.logFile", "System.err");
    if (!logFile.equals("System.err") && !logFile.equals("System.out")) {
      String logged = Files.readString(Path.of(logFile), StandardCharsets.UTF_8);
      assertThat(logged).as("the test log").contains("POST /invites/accept -> 200")
          .doesNotContain(inviteToken).doesNotContain(keyValue);
    }
  }
}
