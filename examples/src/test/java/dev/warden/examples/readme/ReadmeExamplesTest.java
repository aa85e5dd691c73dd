package dev.warden.examples.readme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.AccessPolicy;
import dev.warden.AuthMethod;
import dev.warden.Decision;
import dev.warden.ErrorCode;
import dev.warden.Page;
import dev.warden.PageRequest;
import dev.warden.PermissionDeniedException;
import dev.warden.Principal;
import dev.warden.ProjectAccess;
import dev.warden.Reason;
import dev.warden.apikey.ApiKeyRequest;
import dev.warden.apikey.IssuedApiKey;
import dev.warden.audit.AuditEntry;
import dev.warden.audit.AuditQuery;
import dev.warden.bulk.ImportItem;
import dev.warden.bulk.ImportRefusal;
import dev.warden.bulk.ImportReport;
import dev.warden.bulk.OrganizationImport;
import dev.warden.invite.InviteRequest;
import dev.warden.invite.IssuedInvite;
import dev.warden.jdbc.JdbcStore;
import dev.warden.matrix.Capability;
import dev.warden.matrix.PermissionMatrix;
import dev.warden.matrix.ResourceKind;
import dev.warden.matrix.TokenFormat;
import dev.warden.memory.InMemoryStore;
import dev.warden.organization.OffboardingReport;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.Organization;
import dev.warden.organization.UserId;
import dev.warden.project.Project;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import dev.warden.project.Visibility;
import dev.warden.report.AccessReview;
import dev.warden.resource.AccessLevel;
import dev.warden.resource.DashboardRestriction;
import dev.warden.resource.ResourceRef;
import dev.warden.role.ResolutionChange;
import dev.warden.role.ResolutionRule;
import dev.warden.role.Role;
import dev.warden.role.RoleMember;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/**
 * Runs the README's Java snippets. Each one sits between {@code tag::}/{@code end::} comments, and
 * {@link ReadmeSnippetsTest} fails when the README's copy differs from the code here; the assertions
 * hold the README to what its comments promise.
 */
class ReadmeExamplesTest {
  private final AccessPolicy policy = AccessPolicy.inMemory();
  private final Principal alice = Principal.user(UserId.of("alice"), "alice@acme.com");
  private final Principal bob = Principal.user(UserId.of("bob"), "bob@acme.com");
  private Organization acme;
  private Project prod;

  /** The state the quick start leaves behind, which the later snippets build on. */
  private void afterQuickStart() {
    acme = policy.organizations().create(alice, "Acme Corp");
    prod = policy.projects().create(alice, acme.id(), "Production");
    IssuedInvite invite = policy.invites().create(alice, acme.id(),
        InviteRequest.to("bob@acme.com").grant(prod.id(), ProjectRole.VIEWER));
    policy.invites().accept(invite.token(), bob, "bob@acme.com");
  }

  @Test
  void quickStart_printsTheDecision_andRequireThrows() {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    try {
      assertThatThrownBy(ReadmeExamplesTest::quickStart).isInstanceOf(PermissionDeniedException.class);
    } finally {
      System.setOut(stdout);
    }
    assertThat(printed.toString(StandardCharsets.UTF_8)).isEqualTo("ALLOW EXPLICIT_GRANT" + System.lineSeparator());
  }

  private static void quickStart() {
    // tag::quick-start[]
    AccessPolicy policy = AccessPolicy.inMemory();                      // or AccessPolicy.builder()...build()
    Principal alice = Principal.user(UserId.of("alice"), "alice@acme.com");
    Principal bob = Principal.user(UserId.of("bob"), "bob@acme.com");

    Organization acme = policy.organizations().create(alice, "Acme Corp");   // alice becomes its Owner
    Project prod = policy.projects().create(alice, acme.id(), "Production");
    IssuedInvite invite = policy.invites().create(alice, acme.id(),
        InviteRequest.to("bob@acme.com").grant(prod.id(), ProjectRole.VIEWER));
    policy.invites().accept(invite.token(), bob, "bob@acme.com");            // the email your app verified

    Decision d = policy.check(bob, Capability.VIEW_DATA, prod.id());         // never throws for a denial
    System.out.println(d.outcome() + " " + d.reason());                     // ALLOW EXPLICIT_GRANT
    policy.require(bob, Capability.CREATE_CONTENT, prod.id());              // throws PermissionDeniedException
    // end::quick-start[]
  }

  @Test
  void projectAccess_answersAsCheck_andSeesTheNextChange() {
    afterQuickStart();
    // tag::project-access[]
    ProjectAccess access = policy.access(bob, prod.id());       // hold it for a request or a session
    Decision before = access.check(Capability.VIEW_DATA);       // ALLOW EXPLICIT_GRANT, as check(...) answers
    policy.members().remove(alice, acme.id(), bob.userId());
    Decision after = access.check(Capability.VIEW_DATA);        // NOT_FOUND: the next check sees the change
    // end::project-access[]
    assertThat(before).isEqualTo(Decision.allow(Reason.EXPLICIT_GRANT));
    assertThat(after).isEqualTo(Decision.notFound()).isEqualTo(policy.check(bob, Capability.VIEW_DATA, prod.id()));
  }

  @Test
  void ownModel_definesCapabilitiesKindsAndGrants_andChecksThem() {
    // tag::own-model[]
    Capability approve = Capability.resource("invoice", "invoice.approve");      // checked on invoices only
    Capability billing = Capability.organization("billing.manage");
    PermissionMatrix invoicing = PermissionMatrix.lifecycle().toBuilder()        // Warden's own capabilities
        .capability(approve, "invoice:write", "Approve an invoice for payment")  // API key scope, description
        .capability(billing, "billing:write", "Change the subscription")
        .kind(ResourceKind.named("invoice").requires(AccessLevel.EDITOR, approve)) // unlisted: MANAGER
        .grant(ProjectRole.MEMBER, approve).grant(ProjectRole.ADMIN, approve)    // accountants approve
        .grant(OrgLevel.OWNER, billing)
        .build();                                                                // throws, listing every problem
    AccessPolicy policy = AccessPolicy.builder().matrix(invoicing).build();

    Organization books = policy.organizations().create(alice, "Books");
    Project eu = policy.projects().create(alice, books.id(), "EU");
    ResourceRef invoice = ResourceRef.of(eu.id(), "invoice", "inv-1");
    policy.resources().register(alice, invoice);
    Decision d = policy.check(alice, approve, invoice);                          // ALLOW (RESOURCE_MANAGER)
    // end::own-model[]
    assertThat(d).isEqualTo(Decision.allow(Reason.RESOURCE_MANAGER));
    assertThat(policy.check(alice, billing, books.id()).allowed()).isTrue();
    assertThat(Capability.resource("invoice", "invoice.approve")).isSameAs(approve);
    assertThat(invoicing.capability("invoice.approve")).containsSame(approve);
    assertThat(invoicing.apiScopes()).containsKey(approve);
    assertThat(invoicing.resourceKind("invoice").required(Capability.VIEW_DATA)).isEqualTo(AccessLevel.VIEWER);
    assertThat(invoicing.resourceKind("invoice").required(Capability.CREATE_CONTENT)).isEqualTo(AccessLevel.EDITOR);
    assertThat(invoicing.resourceKind("invoice").required(Capability.MANAGE_PROJECT_SETTINGS)).isEqualTo(AccessLevel.MANAGER);
    assertThatThrownBy(() -> policy.check(alice, approve, eu.id()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a ResourceRef of kind invoice");
    assertThatThrownBy(() -> policy.check(alice, Capability.MANAGE_FEATURE_FLAGS, eu.id()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not part of this permission model");
    // Without the project Admin holding approve, build() refuses the model and says why.
    assertThatThrownBy(() -> invoicing.toBuilder().revoke(ProjectRole.ADMIN, approve).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ADMIN must hold every capability MEMBER holds, but lacks [invoice.approve]")
        .hasMessageContaining("project ADMIN must hold every project capability, but lacks invoice.approve");
  }

  @Test
  void roles_giveAGroupAccess_andTheResolutionRuleIsPreviewedBeforeTheSwitch() {
    afterQuickStart();
    // tag::roles[]
    Project warehouse = policy.projects().create(alice, acme.id(), "Warehouse");
    policy.projects().setVisibility(alice, warehouse.id(), Visibility.PRIVATE);
    Role data = policy.roles().create(alice, acme.id(), "Data team");
    policy.roles().grant(alice, data.id(), warehouse.id(), ProjectRole.MEMBER);   // private projects too
    policy.roles().grant(alice, data.id(), prod.id(), ProjectRole.MEMBER);
    policy.roles().grantCapability(alice, data.id(), Capability.VIEW_AUDIT_LOG);  // without being an Admin
    policy.roles().addMember(alice, data.id(), bob.userId());                     // or until an instant

    policy.check(bob, Capability.CREATE_CONTENT, warehouse.id());   // ALLOW ROLE_GRANT
    policy.check(bob, Capability.CREATE_CONTENT, prod.id());        // ALLOW ROLE_GRANT: the highest wins
    List<ResolutionChange> preview = policy.roles()                 // bob on Production: MEMBER -> VIEWER
        .previewResolutionChange(alice, acme.id(), ResolutionRule.MOST_SPECIFIC);
    policy.roles().switchResolution(alice, acme.id(), ResolutionRule.MOST_SPECIFIC);   // audited
    policy.check(bob, Capability.CREATE_CONTENT, prod.id());        // DENY ROLE_TOO_LOW: his own grant decides
    // end::roles[]
    assertThat(policy.check(bob, Capability.CREATE_CONTENT, warehouse.id())).isEqualTo(Decision.allow(Reason.ROLE_GRANT));
    assertThat(policy.check(bob, Capability.VIEW_AUDIT_LOG, acme.id())).isEqualTo(Decision.allow(Reason.ROLE_CAPABILITY));
    assertThat(preview).containsExactly(new ResolutionChange(bob.userId(), prod.id(), Optional.of(ProjectRole.MEMBER),
        Optional.of(ProjectRole.VIEWER), data.id()));
    assertThat(policy.check(bob, Capability.CREATE_CONTENT, prod.id())).isEqualTo(Decision.deny(Reason.ROLE_TOO_LOW));
    assertThat(policy.roles().members(alice, data.id())).extracting(RoleMember::user).containsExactly(bob.userId());
  }

  @Test
  void ownModel_tokenPrefixes_wardensByDefault_posthogsOnRequest_oldKeysStillWork() {
    InMemoryStore store = InMemoryStore.create();
    AccessPolicy phx = AccessPolicy.builder().store(store)
        .matrix(PermissionMatrix.posthog().toBuilder().tokenFormat(TokenFormat.posthog()).build()).build();
    Organization org = phx.organizations().create(alice, "Acme Corp");
    String old = phx.apiKeys().create(alice, ApiKeyRequest.labeled("old").scopes("query:read")).value();
    assertThat(old).startsWith("phx_");
    assertThat(phx.visibleProjects(alice, org.id()).get(0).project().token()).startsWith("phc_");

    AccessPolicy wdk = AccessPolicy.builder().store(store).build();   // the same store, Warden's prefixes
    assertThat(wdk.apiKeys().create(alice, ApiKeyRequest.labeled("new").scopes("query:read")).value())
        .startsWith("wdk_");
    assertThat(wdk.apiKeys().authenticate(old)).isPresent();
    Project created = wdk.projects().create(alice, org.id(), "Web");
    assertThat(created.token()).startsWith("wdt_");
  }

  @Test
  void ownModel_aStoreHoldingKindsTheModelLacks_isRefusedAtBuild() {
    InMemoryStore store = InMemoryStore.create();
    AccessPolicy posthog = AccessPolicy.builder().store(store).build();
    Organization org = posthog.organizations().create(alice, "Acme Corp");
    Project web = posthog.projects().create(alice, org.id(), "Web");
    posthog.resources().register(alice, ResourceRef.dashboard(web.id(), "kpis"));
    assertThatThrownBy(() -> AccessPolicy.builder().store(store).matrix(PermissionMatrix.lifecycle()).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("resource kinds [dashboard]");
  }

  @Test
  void principals_carryTheHostsAuthentication() {
    Instant sessionStart = Instant.now().minus(Duration.ofMinutes(5));
    // tag::principal[]
    Principal alice = Principal.user(UserId.of("alice"), "alice@acme.com")
        .via(AuthMethod.SSO)            // PASSWORD (default), SSO; API_KEY principals come from apiKeys()
        .withMfa(true)                  // default false
        .authenticatedAt(sessionStart); // default: the host vouches the user just authenticated
    // end::principal[]
    assertThat(alice.method()).isEqualTo(AuthMethod.SSO);
    assertThat(alice.mfa()).isTrue();
    assertThat(alice.authenticatedAtInstant()).contains(sessionStart);
    assertThat(Principal.user(UserId.of("bob"), "bob@acme.com").method()).isEqualTo(AuthMethod.PASSWORD);
  }

  @Test
  void apiKeys_decideAsTheirOwnerWithinScopesAndLimits() {
    afterQuickStart();
    // tag::api-keys[]
    IssuedApiKey issued = policy.apiKeys().create(alice,
        ApiKeyRequest.labeled("CI export").scopes("query:read", "feature_flag:write").limitToProjects(prod.id()));
    String value = issued.value();                       // wdk_… shown once; only its SHA-256 is stored
    Principal ci = policy.apiKeys().authenticate(value).orElseThrow();   // empty for unknown/revoked/malformed
    policy.check(ci, Capability.VIEW_DATA, prod.id());    // = alice's decision ∩ scopes ∩ limits
    // end::api-keys[]
    assertThat(value).startsWith("wdk_");
    assertThat(policy.check(ci, Capability.VIEW_DATA, prod.id()).outcome()).isEqualTo(Decision.Outcome.ALLOW);
    assertThat(policy.check(ci, Capability.CREATE_CONTENT, prod.id()).reason()).isEqualTo(Reason.API_KEY_SCOPE);
    assertThat(policy.apiKeys().authenticate("wdk_unknown")).isEmpty();
    assertThat(policy.apiKeys().list(alice)).singleElement().satisfies(k -> assertThat(k.masked()).startsWith("…"));
  }

  @Test
  void auditLog_queriesAndExports() throws Exception {
    afterQuickStart();
    Instant from = Instant.now().minus(Duration.ofHours(1));
    policy.members().changeLevel(alice, acme.id(), bob.userId(), OrgLevel.ADMIN);
    Instant to = Instant.now().plus(Duration.ofHours(1));
    StringWriter writer = new StringWriter();
    // tag::audit[]
    Page<AuditEntry> page = policy.audit().query(alice,
        AuditQuery.organization(acme.id()).action("member.level_changed").between(from, to), PageRequest.first(50));
    policy.audit().exportCsv(alice, AuditQuery.organization(acme.id()), writer);   // or exportJsonLines
    // end::audit[]
    assertThat(page.items()).singleElement().extracting(AuditEntry::action).isEqualTo("member.level_changed");
    assertThat(writer.toString()).contains("organization.created", "member.joined", "member.level_changed");
  }

  @Test
  void resources_areCheckedLikeProjects() {
    afterQuickStart();
    // tag::resources[]
    policy.grants().grant(alice, prod.id(), bob.userId(), ProjectRole.MEMBER);   // bob may create content
    ResourceRef board = ResourceRef.dashboard(prod.id(), "weekly-kpis");
    policy.resources().register(alice, board);                            // CREATE_CONTENT on the project
    policy.check(bob, Capability.VIEW_DATA, board);                       // ALLOW (RESOURCE_DEFAULT)
    policy.resources().restrictDashboard(alice, board, DashboardRestriction.ONLY_COLLABORATORS_CAN_EDIT);
    policy.check(bob, Capability.CREATE_CONTENT, board);                  // DENY (RESOURCE_LEVEL_TOO_LOW)
    policy.resources().addCollaborator(alice, board, bob.userId());       // bob can edit again
    policy.resources().setKindRule(alice, prod.id(), "feature_flag", AccessLevel.VIEWER); // "all flags: viewer"
    // end::resources[]
    ResourceRef board2 = ResourceRef.dashboard(prod.id(), "weekly-kpis");
    assertThat(policy.check(bob, Capability.CREATE_CONTENT, board2)).isEqualTo(Decision.allow(Reason.RESOURCE_RULE));
    policy.resources().removeCollaborator(alice, board2, bob.userId());
    assertThat(policy.check(bob, Capability.VIEW_DATA, board2)).isEqualTo(Decision.allow(Reason.RESOURCE_RULE));
    assertThat(policy.check(bob, Capability.CREATE_CONTENT, board2)).isEqualTo(Decision.deny(Reason.RESOURCE_LEVEL_TOO_LOW));
    ResourceRef flag = ResourceRef.of(prod.id(), "feature_flag", "beta");
    policy.resources().register(alice, flag);
    assertThat(policy.check(bob, Capability.USE_FEATURE_FLAGS, flag).outcome()).isEqualTo(Decision.Outcome.ALLOW);
    assertThat(policy.check(bob, Capability.CREATE_CONTENT, flag)).isEqualTo(Decision.deny(Reason.RESOURCE_LEVEL_TOO_LOW));
  }

  @Test
  void shares_openOneResource_whileItsProjectStaysClosed() {
    afterQuickStart();
    Principal carol = Principal.user(UserId.of("carol"), "carol@contractor.io");
    IssuedInvite invite = policy.invites().create(alice, acme.id(), InviteRequest.to("carol@contractor.io"));
    policy.invites().accept(invite.token(), carol, "carol@contractor.io");
    // tag::shares[]
    Project finance = policy.projects().create(alice, acme.id(), "Finance");
    policy.projects().setVisibility(alice, finance.id(), Visibility.PRIVATE);
    ResourceRef revenue = ResourceRef.dashboard(finance.id(), "revenue");
    policy.resources().register(alice, revenue);
    policy.resources().share(alice, revenue, carol.userId(), AccessLevel.VIEWER);   // the contractor
    policy.check(carol, Capability.VIEW_DATA, revenue);       // ALLOW (RESOURCE_SHARE)
    policy.check(carol, Capability.VIEW_DATA, finance.id());  // NOT_FOUND: the project stays closed
    // end::shares[]
    assertThat(policy.check(carol, Capability.VIEW_DATA, revenue)).isEqualTo(Decision.allow(Reason.RESOURCE_SHARE));
    assertThat(policy.check(carol, Capability.VIEW_DATA, finance.id())).isSameAs(Decision.notFound());
    assertThat(policy.check(carol, Capability.CREATE_CONTENT, revenue)).isEqualTo(Decision.deny(Reason.ROLE_TOO_LOW));
  }

  @Test
  void resources_unrestrictedDashboard_isViewableByDefault() {
    afterQuickStart();
    policy.grants().grant(alice, prod.id(), bob.userId(), ProjectRole.MEMBER);
    ResourceRef board = ResourceRef.dashboard(prod.id(), "weekly-kpis");
    policy.resources().register(alice, board);
    assertThat(policy.check(bob, Capability.VIEW_DATA, board)).isEqualTo(Decision.allow(Reason.RESOURCE_DEFAULT));
  }

  @Test
  void reports_registryAndReview() {
    afterQuickStart();
    // tag::reports[]
    String registry = policy.reports().registry(alice, acme.id()).toMarkdown();   // the guide's format
    AccessReview review = policy.reports().review(alice, acme.id(), Duration.ofDays(30), Duration.ofDays(90));
    policy.reports().recordReview(alice, acme.id(), "Q3 review");                 // audited
    // end::reports[]
    assertThat(registry).contains("alice@acme.com", "bob@acme.com");
    assertThat(review).isNotNull();
    assertThat(policy.audit().query(alice, AuditQuery.organization(acme.id()).action("access_review.recorded"),
        PageRequest.first(10)).items()).hasSize(1);
  }

  @Test
  void bulkImport_loadsExistingUsersAndProjects() {
    afterQuickStart();
    // tag::bulk-import[]
    OrganizationImport existing = OrganizationImport.builder()
        .member(ImportItem.Member.of(UserId.of("carol"), "carol@acme.com", OrgLevel.ADMIN).withNote("CTO"))
        .member(UserId.of("dave"), "dave@agency.io", OrgLevel.MEMBER)
        .project(ProjectId.of("web"), "Web", Visibility.PRIVATE, ProjectRole.MEMBER)   // your own project ids
        .grant(ProjectId.of("web"), UserId.of("dave"), ProjectRole.VIEWER, Instant.parse("2030-01-01T00:00:00Z"))
        .build();
    ImportReport report = policy.organizations().importInto(alice, acme.id(), existing);
    if (!report.accepted()) {
      report.refusals().forEach(System.out::println);   // each refused item, its ErrorCode and why
    }
    // end::bulk-import[]
    assertThat(report.accepted()).isTrue();
    assertThat(report.members()).isEqualTo(2);
    assertThat(policy.check(Principal.user("dave"), Capability.VIEW_DATA, ProjectId.of("web")).allowed()).isTrue();
    assertThat(policy.check(bob, Capability.VIEW_DATA, ProjectId.of("web")).outcome())
        .isEqualTo(Decision.Outcome.NOT_FOUND);
    assertThat(policy.reports().registry(alice, acme.id()).toMarkdown()).contains("carol@acme.com (CTO)");

    ImportReport refused = policy.organizations().importInto(alice, acme.id(), OrganizationImport.builder()
        .member(UserId.of("bob"), "bob@acme.com", OrgLevel.MEMBER)
        .grant(ProjectId.of("web"), UserId.of("erin"), ProjectRole.VIEWER).build());
    assertThat(refused.refusals()).extracting(ImportRefusal::code)
        .containsExactly(ErrorCode.ALREADY_MEMBER, ErrorCode.NOT_A_MEMBER);
  }

  @Test
  void offboarding_removesTheMemberInOneTransaction() {
    afterQuickStart();
    UserId contractor = bob.userId();
    // tag::offboarding[]
    OffboardingReport report = policy.members().offboard(alice, acme.id(), contractor, alice.userId());
    report.steps().forEach(System.out::println);
    // end::offboarding[]
    assertThat(report.steps()).last().isEqualTo(OffboardingReport.CHAT_REMINDER);
    assertThat(policy.check(bob, Capability.VIEW_ORGANIZATION, acme.id()).outcome()).isEqualTo(Decision.Outcome.NOT_FOUND);
  }

  @Test
  void h2_zeroSetup() {
    // tag::h2[]
    JdbcDataSource h2 = new org.h2.jdbcx.JdbcDataSource();
    h2.setURL("jdbc:h2:mem:warden;DB_CLOSE_DELAY=-1");   // or jdbc:h2:./data/warden for a file
    JdbcStore store = JdbcStore.h2(h2);                   // creates the warden_* tables
    AccessPolicy policy = AccessPolicy.builder().store(store).build();
    // end::h2[]
    try {
      Organization org = policy.organizations().create(alice, "Acme Corp");
      assertThat(policy.check(alice, Capability.DELETE_ORGANIZATION, org.id()).outcome())
          .isEqualTo(Decision.Outcome.ALLOW);
    } finally {
      policy.close();
      store.close();
    }
  }
}
