package dev.warden.examples;

import static dev.warden.examples.DemoTranscript.line;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.AccessPolicy;
import dev.warden.Principal;
import dev.warden.apikey.ApiKeyRequest;
import dev.warden.examples.invoicing.InvoicingDemo;
import dev.warden.examples.invoicing.InvoicingModel;
import dev.warden.matrix.Capability;
import dev.warden.matrix.PermissionMatrix;
import dev.warden.matrix.TokenFormat;
import dev.warden.memory.InMemoryStore;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.Organization;
import dev.warden.organization.UserId;
import dev.warden.project.Project;
import dev.warden.project.ProjectRole;
import dev.warden.project.Visibility;
import dev.warden.resource.AccessLevel;
import dev.warden.resource.ResourceRef;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Runs {@link InvoicingDemo} and checks the lines a reader relies on, and the model it runs on. */
class InvoicingDemoTest {

  @Test
  void invoicing_model_isTheHostsOwn_withWardensLifecycleUnderneath() {
    PermissionMatrix m = InvoicingModel.matrix();
    assertThat(m.resourceKinds()).containsOnlyKeys("invoice", "report");
    assertThat(m.capability("invoice.approve")).containsSame(InvoicingModel.APPROVE_INVOICE);
    assertThat(m.capability("MANAGE_FEATURE_FLAGS")).isEmpty();
    assertThat(m.capabilities(ProjectRole.VIEWER))
        .containsExactlyInAnyOrder(Capability.VIEW_DATA, InvoicingModel.VIEW_INVOICE, InvoicingModel.VIEW_REPORT);
    assertThat(m.capabilities(ProjectRole.MEMBER))
        .contains(InvoicingModel.APPROVE_INVOICE, InvoicingModel.PUBLISH_REPORT, InvoicingModel.EXPORT_INVOICES);
    assertThat(m.allows(OrgLevel.MEMBER, InvoicingModel.MANAGE_BILLING)).isFalse();
    assertThat(m.allows(OrgLevel.ADMIN, InvoicingModel.MANAGE_BILLING)).isTrue();
    assertThat(m.resourceKind("invoice").required(InvoicingModel.APPROVE_INVOICE)).isEqualTo(AccessLevel.EDITOR);
    assertThat(m.resourceKind("report").minimumLevel()).isEqualTo(AccessLevel.VIEWER);
    assertThat(m.scopeObjects()).contains("invoice", "report", "billing", "workspace").doesNotContain("query", "insight");
    assertThat(m.newProjectVisibility()).isEqualTo(Visibility.PRIVATE);
    assertThat(m.tokenFormat()).isEqualTo(TokenFormat.warden());
  }

  @Test
  void invoicing_model_aStoreWrittenUnderPostHogsModel_isRefusedAtBuild_namingWhatItLacks() {
    InMemoryStore store = InMemoryStore.create();
    AccessPolicy posthog = AccessPolicy.builder().store(store).build();
    Principal alice = Principal.user(UserId.of("alice"), "alice@acme.com");
    Organization acme = posthog.organizations().create(alice, "Acme");
    Project web = posthog.projects().create(alice, acme.id(), "Web");
    posthog.resources().register(alice, ResourceRef.dashboard(web.id(), "kpis"));
    posthog.apiKeys().create(alice, ApiKeyRequest.labeled("ci").scopes("feature_flag:read"));

    assertThatThrownBy(() -> AccessPolicy.builder().store(store).matrix(InvoicingModel.matrix()).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("dashboard").hasMessageContaining("feature_flag");
  }

  @Test
  void invoicing_signUp_mintsWardensTokens_theOwnerHoldsBilling() {
    List<String> lines = section("Northwind signs up");
    assertThat(lines).contains(
        "workspace token of Northwind EU starts with wdt_",
        "cfo billing.manage Northwind ALLOW (ORG_LEVEL)",
        "cfo invoice.export Northwind US ALLOW (ORG_ADMIN)");
  }

  @Test
  void invoicing_invites_accountantExports_auditorDoesNot_otherWorkspaceIsHidden() {
    assertThat(section("The CFO invites an accountant")).containsExactly(
        "accountant billing.manage Northwind DENY (LEVEL_TOO_LOW)",
        "accountant invoice.export Northwind EU ALLOW (EXPLICIT_GRANT)",
        "auditor invoice.export Northwind EU DENY (ROLE_TOO_LOW)",
        "auditor invoice.export Northwind US NOT_FOUND");
  }

  @Test
  void invoicing_resources_accountantApproves_auditorOnlyReads_unknownInvoiceIsNotFound() {
    List<String> lines = section("Invoices arrive in Northwind EU");
    assertThat(lines).containsSubsequence(
        "cfo records invoice inv-1001",
        "cfo records invoice inv-1002",
        "accountant records report vat-2026-q1",
        "auditor records an invoice (Viewers create nothing): refused PERMISSION_DENIED",
        "accountant invoice.approve inv-1001 ALLOW (RESOURCE_DEFAULT)",
        "auditor invoice.view inv-1001 ALLOW (RESOURCE_DEFAULT)",
        "auditor invoice.approve inv-1001 DENY (ROLE_TOO_LOW)",
        "auditor invoice.view inv-9999 NOT_FOUND",
        "auditor report.view vat-2026-q1 ALLOW (RESOURCE_DEFAULT)",
        "auditor report.publish vat-2026-q1 DENY (ROLE_TOO_LOW)",
        "accountant report.publish vat-2026-q1 ALLOW (RESOURCE_MANAGER)");
  }

  @Test
  void invoicing_largeInvoice_onlyTheCfoApproves_explainedStepByStep() {
    List<String> lines = section("Over 10,000 EUR the CFO approves");
    assertThat(lines).containsSubsequence(
        "accountant invoice.view inv-1002 ALLOW (RESOURCE_RULE)",
        "accountant invoice.approve inv-1002 DENY (RESOURCE_LEVEL_TOO_LOW)",
        "explain accountant invoice.approve on inv-1002: DENY (RESOURCE_LEVEL_TOO_LOW)",
        "- project role MEMBER holds invoice.approve",
        "- access level VIEWER is below EDITOR");
    assertThat(line(lines, "who can invoice.approve inv-1001:"))
        .endsWith(": accountant (RESOURCE_DEFAULT), cfo (RESOURCE_MANAGER)");
    assertThat(line(lines, "who can invoice.approve inv-1002:")).endsWith(": cfo (RESOURCE_MANAGER)");
  }

  @Test
  void invoicing_periodClose_aKindRuleFreezesEveryInvoiceUntilCleared() {
    assertThat(section("2026-04-01T09:00:00Z: the CFO closes Q1")).containsExactly(
        "accountant invoice.approve inv-1001 DENY (RESOURCE_LEVEL_TOO_LOW)",
        "accountant invoice.view inv-1001 ALLOW (RESOURCE_RULE)",
        "> the CFO reopens the period",
        "accountant invoice.approve inv-1001 ALLOW (RESOURCE_DEFAULT)");
  }

  @Test
  void invoicing_apiKey_hasWardensPrefix_andOnlyTheModelsScopes() {
    List<String> lines = section("The accountant connects the ERP");
    assertThat(lines).containsSubsequence(
        "the key (shown once) starts with wdk_",
        "accountant (key) invoice.export Northwind EU ALLOW (EXPLICIT_GRANT)",
        "accountant (key) invoice.view inv-1001 ALLOW (RESOURCE_DEFAULT)",
        "accountant (key) invoice.approve inv-1001 DENY (API_KEY_SCOPE)");
    assertThat(line(lines, "a key with PostHog's scope query:read:"))
        .contains("'query:read'", "invoice", "report", "workspace");
  }

  @Test
  void invoicing_printsTheSameOnEveryRun() {
    assertThat(run()).isEqualTo(run());
  }

  /** The demo's output, with each line trimmed and runs of spaces (the alignment) collapsed. */
  private static List<String> run() {
    return DemoTranscript.run(InvoicingDemo::run);
  }

  /** The lines under the one section header ("== title ==") that starts with {@code titleStart}. */
  private static List<String> section(String titleStart) {
    return DemoTranscript.section(run(), titleStart);
  }
}
