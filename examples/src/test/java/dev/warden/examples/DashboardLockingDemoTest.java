package dev.warden.examples;

import static dev.warden.examples.DemoTranscript.line;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.examples.dashboards.DashboardLockingDemo;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Runs {@link DashboardLockingDemo} and checks the lines a reader relies on. */
class DashboardLockingDemoTest {

  @Test
  void dashboardLocking_byDefault_everyoneInTheProjectEdits_viewersOnlyView() {
    List<String> lines = section("The PM builds \"Weekly KPIs\"");
    assertThat(lines).contains(
        "restriction: EVERYONE_CAN_EDIT",
        "access levels on Weekly KPIs: pm=MANAGER lead=MANAGER analyst=EDITOR designer=VIEWER intern=EDITOR",
        "analyst CREATE_CONTENT Weekly KPIs ALLOW (RESOURCE_DEFAULT)",
        "designer CREATE_CONTENT Weekly KPIs DENY (ROLE_TOO_LOW)");
  }

  @Test
  void dashboardLocking_locked_othersOnlyView_managersStillEdit() {
    List<String> lines = section("The PM locks it");
    assertThat(lines).contains(
        "restriction: ONLY_COLLABORATORS_CAN_EDIT",
        "access levels on Weekly KPIs: pm=MANAGER lead=MANAGER analyst=VIEWER designer=VIEWER intern=VIEWER",
        "analyst CREATE_CONTENT Weekly KPIs DENY (RESOURCE_LEVEL_TOO_LOW)",
        "analyst VIEW_DATA Weekly KPIs ALLOW (RESOURCE_RULE)",
        "lead CREATE_CONTENT Weekly KPIs ALLOW (RESOURCE_MANAGER)",
        "explain analyst CREATE_CONTENT on Weekly KPIs: DENY (RESOURCE_LEVEL_TOO_LOW)",
        "- access level VIEWER is below EDITOR");
  }

  @Test
  void dashboardLocking_collaborator_editsWhileOthersStillView() {
    List<String> lines = section("The PM adds the analyst");
    assertThat(lines).containsSubsequence(
        "collaborators: analyst",
        "analyst CREATE_CONTENT Weekly KPIs ALLOW (RESOURCE_RULE)",
        "intern CREATE_CONTENT Weekly KPIs DENY (RESOURCE_LEVEL_TOO_LOW)");
    assertThat(line(lines, "who can edit Weekly KPIs:"))
        .contains("analyst (RESOURCE_RULE)", "pm (RESOURCE_MANAGER)", "lead (RESOURCE_MANAGER)")
        .doesNotContain("intern", "designer");
  }

  @Test
  void dashboardLocking_refusals_carryPostHogsErrorCodes() {
    List<String> lines = section("What Warden refuses");
    assertThat(lines).contains(
        "intern adds designer to Weekly KPIs (intern cannot edit it): refused PERMISSION_DENIED",
        "pm adds analyst to Release Notes (not restricted): refused RESOURCE_NOT_RESTRICTED",
        "cto adds intern to Budget (intern cannot see Finance): refused NO_PROJECT_ACCESS",
        "pm adds lead to Weekly KPIs (an Admin already manages it): refused ALREADY_HAS_ACCESS",
        "analyst locks Weekly KPIs for everyone (only its managers may): refused PERMISSION_DENIED",
        "intern VIEW_DATA Budget NOT_FOUND");
  }

  @Test
  void dashboardLocking_unlocked_everyoneEditsAgain() {
    assertThat(section("The PM unlocks it")).contains(
        "restriction: EVERYONE_CAN_EDIT",
        "intern CREATE_CONTENT Weekly KPIs ALLOW (RESOURCE_DEFAULT)",
        "designer CREATE_CONTENT Weekly KPIs DENY (ROLE_TOO_LOW)");
  }

  @Test
  void dashboardLocking_printsTheSameOnEveryRun() {
    assertThat(run()).isEqualTo(run());
  }

  /** The demo's output, with each line trimmed and runs of spaces (the alignment) collapsed. */
  private static List<String> run() {
    return DemoTranscript.run(DashboardLockingDemo::run);
  }

  /** The lines under the one section header ("== title ==") that starts with {@code titleStart}. */
  private static List<String> section(String titleStart) {
    return DemoTranscript.section(run(), titleStart);
  }
}
