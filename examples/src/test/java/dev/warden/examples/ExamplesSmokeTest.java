package dev.warden.examples;

import static dev.warden.examples.DemoTranscript.line;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.examples.onboarding.OnboardingDemo;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Runs every example's main code and checks the lines a reader relies on. */
class ExamplesSmokeTest {

  @Test
  void onboardingDemo_newEngineer_viewsProductionButCreatesThereOnlyAfterUpgrade() {
    assertThat(section("New engineer joins")).containsSubsequence(
        "engineer CREATE_CONTENT Development ALLOW (EXPLICIT_GRANT)",
        "engineer VIEW_DATA Production ALLOW (EXPLICIT_GRANT)",
        "engineer CREATE_CONTENT Production DENY (ROLE_TOO_LOW)",
        "engineer CREATE_CONTENT Production ALLOW (EXPLICIT_GRANT)");
  }

  @Test
  void onboardingDemo_executive_onlyViewsProduction() {
    assertThat(section("Executive needs visibility")).contains(
        "exec VIEW_DATA Production ALLOW (EXPLICIT_GRANT)",
        "exec CREATE_CONTENT Production DENY (ROLE_TOO_LOW)");
  }

  @Test
  void onboardingDemo_privateProduction_hiddenFromMemberWithoutGrant_visibleToOrgAdmin() {
    List<String> lines = section("Production goes private");
    assertThat(lines).contains(
        "contractor VIEW_DATA Production NOT_FOUND",
        "lead VIEW_DATA Production ALLOW (ORG_ADMIN)");
    assertThat(line(lines, "contractor sees")).contains("Staging").doesNotContain("Production");
    assertThat(line(lines, "lead sees")).contains("Production (ADMIN)");
  }

  @Test
  void onboardingDemo_contractor_losesAccessAtTheExpiryInstant() {
    assertThat(section("2026-02-04T08:59:59Z")).contains("contractor CREATE_CONTENT Staging ALLOW (EXPLICIT_GRANT)");
    assertThat(section("2026-02-04T09:00:00Z")).contains(
        "contractor CREATE_CONTENT Staging NOT_FOUND",
        "contractor VIEW_ORGANIZATION Acme Corp NOT_FOUND",
        "- membership expired at 2026-02-04T09:00:00Z");
  }

  @Test
  void onboardingDemo_ownershipTransfer_makesTheLeadOwnerAndTheCtoAdmin() {
    List<String> lines = section("Ownership transfer");
    assertThat(lines).contains(
        "lead TRANSFER_OWNERSHIP Acme Corp ALLOW (ORG_LEVEL)",
        "cto TRANSFER_OWNERSHIP Acme Corp DENY (LEVEL_TOO_LOW)");
    assertThat(line(lines, "members:")).contains("cto ADMIN", "lead OWNER");
  }

  @Test
  void onboardingDemo_printsTheSameOnEveryRun() {
    assertThat(run()).isEqualTo(run());
  }

  /** The demo's output, with each line trimmed and runs of spaces (the alignment) collapsed. */
  private static List<String> run() {
    return DemoTranscript.run(OnboardingDemo::run);
  }

  /** The lines under the one section header ("== title ==") that starts with {@code titleStart}. */
  private static List<String> section(String titleStart) {
    return DemoTranscript.section(run(), titleStart);
  }
}
