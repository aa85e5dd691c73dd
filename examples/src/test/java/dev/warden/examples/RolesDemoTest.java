package dev.warden.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.examples.roles.RolesDemo;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Runs {@link RolesDemo} and checks the lines a reader relies on. */
class RolesDemoTest {

  @Test
  void rolesDemo_finance_managesBillingWithoutBeingAnAdmin_andOnlyWhoHoldsItHandsItOut() {
    assertThat(section("Finance manages billing")).contains(
        "admin adds the accountant to Finance (an Admin without MANAGE_BILLING): refused LEVEL_ABOVE_OWN",
        "accountant MANAGE_BILLING Acme Corp ALLOW (ROLE_CAPABILITY)",
        "accountant MANAGE_MEMBERS Acme Corp DENY (LEVEL_TOO_LOW)");
  }

  @Test
  void rolesDemo_dataTeam_seesThePrivateWarehouse_othersDoNot_andExplainNamesTheRole() {
    assertThat(section("The Data team sees the private Warehouse")).contains(
        "analyst CREATE_CONTENT Warehouse ALLOW (ROLE_GRANT)",
        "contractor VIEW_DATA Warehouse ALLOW (ROLE_GRANT)",
        "accountant VIEW_DATA Warehouse NOT_FOUND",
        "why the analyst may: [active member at level MEMBER, role Data team gives MEMBER, "
            + "project role MEMBER holds CREATE_CONTENT]");
  }

  @Test
  void rolesDemo_previewMatchesTheSwitch() {
    assertThat(section("Highest wins, then most specific")).containsSubsequence(
        "analyst CREATE_CONTENT Web ALLOW (ROLE_GRANT)",
        "preview: analyst on Web: MEMBER -> VIEWER",
        "the CTO switches Acme Corp to MOST_SPECIFIC",
        "analyst CREATE_CONTENT Web DENY (ROLE_TOO_LOW)",
        "analyst CREATE_CONTENT Warehouse ALLOW (ROLE_GRANT)");
  }

  @Test
  void rolesDemo_anExpiredPlaceInARoleGrantsNothing_andTheRegistryListsRoles() {
    List<String> lines = section("2026-02-04T09:00:00Z: the contractor's place in the Data team ends");
    assertThat(lines).contains("contractor VIEW_DATA Warehouse NOT_FOUND");
    assertThat(lines).containsSubsequence("## Roles", "### Finance", "- accountant@acme.com", "### Data team",
        "- analyst@acme.com");
    assertThat(lines.subList(lines.indexOf("### Data team"), lines.size())).doesNotContain("- contractor@agency.com");
  }

  @Test
  void rolesDemo_printsTheSameOnEveryRun() {
    assertThat(run()).isEqualTo(run());
  }

  private static List<String> run() {
    return DemoTranscript.run(RolesDemo::run);
  }

  private static List<String> section(String titleStart) {
    return DemoTranscript.section(run(), titleStart);
  }
}
