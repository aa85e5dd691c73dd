package dev.warden.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.examples.offboarding.ContractorOffboardingDemo;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Runs {@link ContractorOffboardingDemo} and checks the lines a reader relies on. */
class ContractorOffboardingDemoTest {

  @Test
  void contractorOffboarding_registryBefore_listsTheConsultantUnderExternalAccess() {
    List<String> lines = section("Acme Corp engages a marketing consultant");
    assertThat(lines).containsSubsequence(
        "# Acme Corp Access Registry",
        "## Owners",
        "- cto@acme.com (CTO)",
        "- vp@acme.com (VP Engineering)",
        "## Admins",
        "- admin@acme.com (Engineering Manager)",
        "## Members",
        "- lead@acme.com (Marketing Lead)",
        "## Viewers",
        "## External Access",
        "- consultant@agency.com (Marketing Consultant, expires 2026-04-05)");
    assertThat(lines).contains("consultant CREATE_CONTENT campaigns ALLOW (RESOURCE_MANAGER)");
  }

  @Test
  void contractorOffboarding_review_showsTheExpiryAndTheIdleKeys() {
    List<String> lines = section("2026-02-04T09:00:00Z: the quarterly access review");
    assertThat(lines).contains(
        "Owners: 2, Admins: 1",
        "expiring within 90 days: consultant on 2026-04-05T09:00:00Z",
        "API keys unused for 14 days: consultant \"acme export\", consultant \"acme and agency\"",
        "last review: never",
        "review recorded at 2026-02-04T09:00:00Z");
  }

  @Test
  void contractorOffboarding_report_listsEachStepAndTheChatReminder() {
    List<String> lines = section("2026-02-19T09:00:00Z: the engagement ends early");
    assertThat(lines).contains(
        "admin offboards the consultant (leastPrivilege: only Owners remove members): refused PERMISSION_DENIED",
        "cto offboards vp (an Owner must be demoted first): refused OWNER_CANNOT_BE_REMOVED");
    assertThat(lines).containsSubsequence(
        "offboarding report:",
        "1. Removed consultant from organization Acme Corp (1 project grants, 0 resource rules)",
        "2. Revoked API keys [\"acme export\"]; removed this organization from keys [\"acme and agency\"]",
        "3. Transferred 2 resources to lead",
        "4. Recorded each step in the audit log");
    assertThat(lines.get(lines.size() - 1)).startsWith("5. Remove the person from shared chat channels");
  }

  @Test
  void contractorOffboarding_after_accessGoneKeysNarrowedDashboardsHandedOver() {
    List<String> lines = section("After offboarding");
    assertThat(lines).contains(
        "consultant VIEW_DATA campaigns NOT_FOUND",
        "lead CREATE_CONTENT campaigns ALLOW (RESOURCE_MANAGER)",
        "creator of campaigns: lead, of seo: lead",
        "her API keys: \"acme and agency\" limited to Agency Co, \"agency reporting\" limited to Agency Co",
        "consultant in Agency Co: ALLOW (ORG_LEVEL)");
    assertThat(lines).doesNotContain("- consultant@agency.com (Marketing Consultant, expires 2026-04-05)");
    assertThat(lines).containsSubsequence(
        "audit log of the offboarding:",
        "user:admin member.offboarded.denied consultant",
        "user:cto member.removed consultant",
        "user:cto api_key.revoked \"acme export\"",
        "user:cto api_key.narrowed \"acme and agency\"",
        "user:cto resources.transferred consultant");
  }

  @Test
  void contractorOffboarding_printsTheSameOnEveryRun() {
    assertThat(run()).isEqualTo(run());
  }

  /** The demo's output, with each line trimmed and runs of spaces (the alignment) collapsed. */
  private static List<String> run() {
    return DemoTranscript.run(ContractorOffboardingDemo::run);
  }

  /** The lines under the one section header ("== title ==") that starts with {@code titleStart}. */
  private static List<String> section(String titleStart) {
    return DemoTranscript.section(run(), titleStart);
  }
}
