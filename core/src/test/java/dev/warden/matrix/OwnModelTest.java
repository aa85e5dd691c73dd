package dev.warden.matrix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.AccessPolicy;
import dev.warden.Decision;
import dev.warden.Principal;
import dev.warden.Reason;
import dev.warden.apikey.ApiKeyRequest;
import dev.warden.apikey.ApiScope;
import dev.warden.apikey.IssuedApiKey;
import dev.warden.invite.InviteRequest;
import dev.warden.memory.InMemoryStore;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.UserId;
import dev.warden.project.Project;
import dev.warden.project.ProjectRole;
import dev.warden.resource.AccessLevel;
import dev.warden.resource.ResourceRef;
import dev.warden.testing.FakeClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A host's own permission model (issue 15): capabilities, resource kinds, scopes and token prefixes
 * defined without touching Warden, validated at build, enforced by checks, and a store holding data the
 * model cannot describe refused when the policy is built.
 */
class OwnModelTest {
  static final Capability APPROVE = Capability.resource("invoice", "invoice.approve");
  static final Capability VIEW_INVOICE = Capability.resource("invoice", "invoice.view");
  static final Capability EXPORT = Capability.project("invoice.export");
  static final Capability MANAGE_PAYOUTS = Capability.organization("payouts.manage");

  static final PermissionMatrix INVOICING = PermissionMatrix.lifecycle().toBuilder()
      .capability(VIEW_INVOICE, "invoice:read", "See an invoice")
      .capability(APPROVE, "invoice:write", "Approve an invoice for payment")
      .capability(EXPORT, "invoice:read", "Export a workspace's invoices")
      .capability(MANAGE_PAYOUTS, "payout:write", "Change where payouts go")
      .kind(ResourceKind.named("invoice").defaultLevel(AccessLevel.VIEWER)
          .requires(AccessLevel.VIEWER, VIEW_INVOICE, Capability.VIEW_DATA)
          .requires(AccessLevel.EDITOR, APPROVE))
      .grant(ProjectRole.VIEWER, VIEW_INVOICE)
      .grant(ProjectRole.MEMBER, VIEW_INVOICE, APPROVE)
      .grant(ProjectRole.ADMIN, VIEW_INVOICE, APPROVE, EXPORT)
      .grant(OrgLevel.OWNER, MANAGE_PAYOUTS)
      .build();

  private final FakeClock clock = FakeClock.create();
  private final InMemoryStore store = InMemoryStore.create();
  private final Principal owner = Principal.user(UserId.of("olga"), "olga@books.io");
  private final Principal accountant = Principal.user(UserId.of("ann"), "ann@books.io");
  private AccessPolicy policy;
  private OrgId org;
  private Project workspace;

  @BeforeEach
  void setUp() {
    policy = AccessPolicy.builder().matrix(INVOICING).store(store).clock(clock).build();
    org = policy.organizations().create(owner, "Books").id();
    workspace = policy.projects().create(owner, org, "EU");
    policy.invites().accept(policy.invites().create(owner, org, InviteRequest.to("ann@books.io")
        .grant(workspace.id(), ProjectRole.MEMBER)).token(), accountant, "ann@books.io");
  }

  @Test
  void capabilities_internedByNameScopeAndKind() {
    assertThat(Capability.resource("invoice", "invoice.approve")).isSameAs(APPROVE);
    assertThat(Capability.project("VIEW_DATA")).isSameAs(Capability.VIEW_DATA);
    assertThat(Capability.project("invoice.approve")).isNotSameAs(APPROVE);
    assertThat(APPROVE.kind()).contains("invoice");
    assertThat(APPROVE.appliesTo("invoice")).isTrue();
    assertThat(APPROVE.appliesTo("report")).isFalse();
    assertThat(Capability.VIEW_DATA.appliesTo("report")).isTrue();
    assertThat(Capability.VIEW_ORGANIZATION.ordinal()).isZero();
    assertThat(Capability.VIEW_PROJECT_AUDIT_LOG.ordinal()).isEqualTo(22);
    assertThatThrownBy(() -> Capability.project("9lives")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'9lives'");
    assertThatThrownBy(() -> Capability.resource("Bad Kind", "x")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'Bad Kind'");
  }

  @Test
  void model_answersByNameWithItsScopesKindsAndDescriptions() {
    assertThat(INVOICING.capability("invoice.approve")).containsSame(APPROVE);
    assertThat(INVOICING.capability("MANAGE_BILLING")).isEmpty();
    assertThat(INVOICING.apiScope(APPROVE)).isEqualTo(ApiScope.parse("invoice:write"));
    assertThat(INVOICING.description(EXPORT)).isEqualTo("Export a workspace's invoices");
    assertThat(INVOICING.scopeObjects()).contains("invoice", "payout", "organization");
    assertThat(INVOICING.resourceKinds()).containsOnlyKeys("invoice");
    assertThat(INVOICING.capabilities(ProjectRole.VIEWER)).containsExactly(Capability.VIEW_DATA, VIEW_INVOICE);
    assertThat(INVOICING.capabilities(OrgLevel.ADMIN)).doesNotContain(MANAGE_PAYOUTS);
    assertThat(INVOICING.toBuilder().build()).isEqualTo(INVOICING);
    assertThatThrownBy(() -> INVOICING.apiScope(Capability.MANAGE_BILLING))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("MANAGE_BILLING");
  }

  @Test
  void checks_useTheHostsCapabilitiesKindsAndLevels() {
    ResourceRef invoice = ResourceRef.of(workspace.id(), "invoice", "inv-1");
    policy.resources().register(owner, invoice);
    Principal auditor = join("aud", ProjectRole.VIEWER);

    // The kind's default is VIEWER, below the EDITOR approving needs, until a kind rule raises it.
    assertThat(policy.check(accountant, APPROVE, invoice)).isEqualTo(Decision.deny(Reason.RESOURCE_LEVEL_TOO_LOW));
    assertThat(policy.whoCan(APPROVE, invoice)).extracting(h -> h.user().value()).containsExactly("olga");
    policy.resources().setKindRule(owner, workspace.id(), "invoice", AccessLevel.EDITOR);
    assertThat(policy.check(accountant, APPROVE, invoice)).isEqualTo(Decision.allow(Reason.RESOURCE_RULE));
    assertThat(policy.check(auditor, VIEW_INVOICE, invoice)).isEqualTo(Decision.allow(Reason.RESOURCE_RULE));
    assertThat(policy.check(auditor, APPROVE, invoice)).isEqualTo(Decision.deny(Reason.ROLE_TOO_LOW));
    assertThat(policy.check(accountant, EXPORT, workspace.id())).isEqualTo(Decision.deny(Reason.ROLE_TOO_LOW));
    assertThat(policy.check(owner, EXPORT, workspace.id())).isEqualTo(Decision.allow(Reason.ORG_ADMIN));
    assertThat(policy.check(owner, MANAGE_PAYOUTS, org).allowed()).isTrue();
    assertThat(policy.check(accountant, MANAGE_PAYOUTS, org)).isEqualTo(Decision.deny(Reason.LEVEL_TOO_LOW));
    assertThat(policy.explain(accountant, APPROVE, invoice).decision())
        .isEqualTo(policy.check(accountant, APPROVE, invoice));
    assertThat(policy.whoCan(APPROVE, invoice)).extracting(h -> h.user().value()).containsExactly("ann", "olga");
  }

  @Test
  void kindDefaultBelowTheRequiredLevel_denies_untilARuleRaisesIt() {
    PermissionMatrix strict = INVOICING.toBuilder()
        .kind(INVOICING.resourceKind("invoice").requires(AccessLevel.MANAGER, APPROVE)).build();
    AccessPolicy p = AccessPolicy.builder().matrix(strict).clock(clock).build();
    OrgId o = p.organizations().create(owner, "Strict").id();
    Project w = p.projects().create(owner, o, "W");
    p.invites().accept(p.invites().create(owner, o, InviteRequest.to("ann@books.io")
        .grant(w.id(), ProjectRole.MEMBER)).token(), accountant, "ann@books.io");
    ResourceRef invoice = ResourceRef.of(w.id(), "invoice", "inv-2");
    p.resources().register(owner, invoice);

    assertThat(p.check(accountant, APPROVE, invoice)).isEqualTo(Decision.deny(Reason.RESOURCE_LEVEL_TOO_LOW));
    p.resources().setMemberRule(owner, invoice, accountant.userId(), AccessLevel.MANAGER);
    assertThat(p.check(accountant, APPROVE, invoice)).isEqualTo(Decision.allow(Reason.RESOURCE_RULE));
  }

  @Test
  void wrongTargets_areProgrammingErrorsNamingWhatIsWrong() {
    ResourceRef report = ResourceRef.of(workspace.id(), "report", "r-1");
    ResourceRef invoice = ResourceRef.of(workspace.id(), "invoice", "inv-1");
    assertThatThrownBy(() -> policy.check(accountant, APPROVE, workspace.id()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invoice.approve")
        .hasMessageContaining("ResourceRef of kind invoice");
    assertThatThrownBy(() -> policy.check(accountant, APPROVE, org))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invoice.approve");
    assertThatThrownBy(() -> policy.check(accountant, Capability.MANAGE_FEATURE_FLAGS, workspace.id()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("MANAGE_FEATURE_FLAGS").hasMessageContaining("not part of this permission model");
    assertThatThrownBy(() -> policy.check(accountant, Capability.VIEW_DATA, report))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'report'");
    assertThatThrownBy(() -> policy.resources().register(owner, report))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'report'");
    assertThatThrownBy(() -> policy.whoCan(MANAGE_PAYOUTS, invoice))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("payouts.manage");
  }

  @Test
  void build_listsEveryProblemOfAHostModel() {
    Capability orphan = Capability.resource("receipt", "receipt.sign");
    Capability twin = Capability.organization("invoice.export");
    PermissionMatrix.Builder b = INVOICING.toBuilder()
        .capability(orphan, "receipt:write", "Sign a receipt")
        .capability(twin, "invoice:write", "Clashes with the project capability of the same name")
        .grant(ProjectRole.MEMBER, Capability.project("never.declared"));

    assertThatThrownBy(b::build).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("receipt.sign is checked on resource kind receipt, which is not declared")
        .hasMessageContaining("two capabilities are named invoice.export")
        .hasMessageContaining("MEMBER holds undeclared capability never.declared")
        .hasMessageContaining("OWNER must hold every organization capability, but lacks invoice.export")
        .hasMessageContaining("project ADMIN must hold every project capability, but lacks receipt.sign");
    assertThatThrownBy(() -> PermissionMatrix.builder().capability(APPROVE, "*", "everything"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not '*'");
  }

  @Test
  void resourceKinds_refuseAFloorThatLetsViewersEdit_andCapabilitiesOfOtherKinds() {
    assertThatThrownBy(() -> ResourceKind.named("invoice").minimumLevel(AccessLevel.EDITOR))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("minimumLevel");
    assertThatThrownBy(() -> ResourceKind.named("report").requires(AccessLevel.VIEWER, APPROVE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invoice.approve");
    assertThatThrownBy(() -> ResourceKind.named("invoice").requires(AccessLevel.NONE, APPROVE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least VIEWER");
    assertThat(ResourceKind.named("invoice").required(APPROVE)).isEqualTo(AccessLevel.MANAGER);
  }

  @Test
  void apiKeys_scopesAreTheModelsObjects() {
    IssuedApiKey key = policy.apiKeys().create(accountant, ApiKeyRequest.labeled("ci").scopes("invoice:read"));
    Principal viaKey = policy.apiKeys().authenticate(key.value()).orElseThrow();
    ResourceRef invoice = ResourceRef.of(workspace.id(), "invoice", "inv-1");
    policy.resources().register(owner, invoice);

    assertThat(policy.check(viaKey, VIEW_INVOICE, invoice).allowed()).isTrue();
    assertThat(policy.check(viaKey, APPROVE, invoice)).isEqualTo(Decision.deny(Reason.API_KEY_SCOPE));
    assertThatThrownBy(() -> policy.apiKeys().create(accountant, ApiKeyRequest.labeled("x").scopes("feature_flag:read")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'feature_flag:read'");
  }

  @Test
  void tokenFormat_wardensByDefault_posthogsOnRequest_andOldKeysKeepWorking() {
    IssuedApiKey wardenKey = policy.apiKeys().create(accountant, ApiKeyRequest.labeled("w").scopes("*"));
    assertThat(wardenKey.value()).startsWith("wdk_");
    assertThat(workspace.token()).startsWith("wdt_");
    assertThat(PermissionMatrix.posthog().tokenFormat()).isEqualTo(TokenFormat.warden());

    AccessPolicy posthogFormat = AccessPolicy.builder().store(store).clock(clock)
        .matrix(INVOICING.toBuilder().tokenFormat(TokenFormat.posthog()).build()).build();
    IssuedApiKey phx = posthogFormat.apiKeys().create(accountant, ApiKeyRequest.labeled("p").scopes("*"));
    assertThat(phx.value()).matches("phx_[A-Za-z0-9_-]{43}");
    assertThat(posthogFormat.projects().create(owner, org, "US").token()).startsWith("phc_");
    assertThat(posthogFormat.apiKeys().authenticate(wardenKey.value())).isPresent();

    // Switching back: the phx_ key is still found by its hash; the project token still resolves.
    assertThat(policy.apiKeys().authenticate(phx.value())).map(Principal::userId).contains(accountant.userId());
    assertThat(policy.resolveProjectToken(workspace.token())).map(Project::id).contains(workspace.id());
    assertThatThrownBy(() -> new TokenFormat("wdk_", "wdk_")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TokenFormat("WDK_", "wdt_")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'WDK_'");
  }

  @Test
  void build_refusesAStoreHoldingKindsOrScopesTheModelLacks_namingThem() {
    policy.resources().register(owner, ResourceRef.of(workspace.id(), "invoice", "inv-1"));
    policy.apiKeys().create(accountant, ApiKeyRequest.labeled("k").scopes("payout:write"));

    assertThatThrownBy(() -> AccessPolicy.builder().store(store).matrix(PermissionMatrix.posthog()).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("resource kinds [invoice]")
        .hasMessageContaining("api key scope objects [payout]");
    assertThat(AccessPolicy.builder().store(store).matrix(INVOICING).build().check(accountant, VIEW_INVOICE,
        ResourceRef.of(workspace.id(), "invoice", "inv-1"))).isEqualTo(Decision.allow(Reason.RESOURCE_DEFAULT));
  }

  /** Roles (issue 16) hold capabilities and name kinds in their rules: both are checked like the rest. */
  @Test
  void build_refusesAStoreWhoseRolesHoldCapabilitiesOrKindsTheModelLacks() {
    dev.warden.role.Role payouts = policy.roles().create(owner, org, "Payouts");
    policy.roles().grantCapability(owner, payouts.id(), MANAGE_PAYOUTS);
    policy.roles().setKindLevel(owner, payouts.id(), workspace.id(), "invoice", AccessLevel.EDITOR);

    assertThatThrownBy(() -> AccessPolicy.builder().store(store).matrix(PermissionMatrix.lifecycle()).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("resource kinds [invoice]")
        .hasMessageContaining("role capabilities [payouts.manage]");
    policy.roles().revokeCapability(owner, payouts.id(), MANAGE_PAYOUTS);
    policy.roles().clearKindLevel(owner, payouts.id(), workspace.id(), "invoice");
    assertThat(AccessPolicy.builder().store(store).matrix(PermissionMatrix.lifecycle()).build()).isNotNull();
  }

  private Principal join(String name, ProjectRole role) {
    Principal p = Principal.user(UserId.of(name), name + "@books.io");
    policy.invites().accept(policy.invites().create(owner, org, InviteRequest.to(name + "@books.io")
        .grant(workspace.id(), role)).token(), p, name + "@books.io");
    return p;
  }
}
