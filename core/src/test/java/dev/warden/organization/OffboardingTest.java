package dev.warden.organization;

import static dev.warden.testing.OrgFixtures.join;
import static dev.warden.testing.OrgFixtures.project;
import static dev.warden.testing.WardenAssertions.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.warden.AccessPolicy;
import dev.warden.Decision;
import dev.warden.ErrorCode;
import dev.warden.NotFoundException;
import dev.warden.PageRequest;
import dev.warden.PermissionDeniedException;
import dev.warden.Principal;
import dev.warden.Reason;
import dev.warden.RuleViolationException;
import dev.warden.WardenException;
import dev.warden.apikey.ApiKey;
import dev.warden.apikey.ApiKeyId;
import dev.warden.apikey.ApiKeyRequest;
import dev.warden.apikey.IssuedApiKey;
import dev.warden.audit.AuditEntry;
import dev.warden.audit.AuditQuery;
import dev.warden.audit.Change;
import dev.warden.invite.InviteRequest;
import dev.warden.invite.IssuedInvite;
import dev.warden.matrix.Capability;
import dev.warden.matrix.PermissionMatrix;
import dev.warden.memory.InMemoryStore;
import dev.warden.project.ProjectGrant;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import dev.warden.project.Visibility;
import dev.warden.resource.AccessLevel;
import dev.warden.resource.DashboardRestriction;
import dev.warden.resource.Resource;
import dev.warden.resource.ResourceRef;
import dev.warden.resource.ResourceRule;
import dev.warden.spi.AuditRepository;
import dev.warden.spi.Store;
import dev.warden.spi.Transaction;
import dev.warden.testing.FakeClock;
import dev.warden.testing.ForwardingAuditRepository;
import dev.warden.spi.ForwardingTransaction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SPEC §7 offboarding, following the guide's checklist [004]: one atomic operation that removes the
 * membership (with grants and resource rules), revokes the keys that reach only this organization and
 * narrows the others (never widening them), transfers the user's resources, audits every step and
 * reports what it did, reminding the host of the chat channels (issue 7).
 *
 * <p>Cast (posthog preset) in Acme Corp: alice Owner, bob Admin, carol the contractor to offboard,
 * dave her successor, erin a Member. carol also owns her agency's own organization, so some of her keys
 * reach beyond Acme.
 */
class OffboardingTest {
  private final FakeClock clock = FakeClock.create();
  private final FailingStore store = new FailingStore(InMemoryStore.create());

  private final Principal alice = Principal.user(UserId.of("alice"), "alice@acme.com");
  private final Principal bob = Principal.user(UserId.of("bob"), "bob@acme.com");
  private final Principal carol = Principal.user(UserId.of("carol"), "carol@agency.com");
  private final Principal dave = Principal.user(UserId.of("dave"), "dave@acme.com");
  private final Principal erin = Principal.user(UserId.of("erin"), "erin@acme.com");
  private final Principal olga = Principal.user(UserId.of("olga"), "olga@elsewhere.com");

  private AccessPolicy policy;
  private OrgId acme;
  private OrgId agency;
  private ProjectId prod;
  private ProjectId secret;
  private ProjectId agencyProject;

  /** Keys of carol, by label. */
  private final Map<String, IssuedApiKey> keys = new LinkedHashMap<>();
  private ResourceRef carolsDashboard;
  private ResourceRef carolsSecretInsight;
  private ResourceRef alicesInsight;
  private ResourceRef alicesBoard;
  private ResourceRef carolsAgencyInsight;

  @BeforeEach
  void setUp() {
    policy = AccessPolicy.builder().store(store).clock(clock).build();
    acme = policy.organizations().create(alice, "Acme Corp").id();
    join(policy, alice, acme, bob, OrgLevel.ADMIN);
    join(policy, alice, acme, carol, OrgLevel.MEMBER);
    join(policy, alice, acme, dave, OrgLevel.MEMBER);
    join(policy, alice, acme, erin, OrgLevel.MEMBER);
    prod = project(policy, alice, acme, "Production", Visibility.OPEN).id();
    secret = project(policy, alice, acme, "Secret", Visibility.PRIVATE).id();
    policy.grants().grant(alice, secret, carol.userId(), ProjectRole.MEMBER);

    agency = policy.organizations().create(carol, "Carol's Agency").id();
    agencyProject = policy.visibleProjects(carol, agency).get(0).project().id();

    key("unlimited", ApiKeyRequest.labeled("unlimited").scopes("*"));
    key("acme only", ApiKeyRequest.labeled("acme only").scopes("*").limitToOrganizations(acme));
    key("both orgs", ApiKeyRequest.labeled("both orgs").scopes("*").limitToOrganizations(acme, agency));
    key("both orgs, acme project", ApiKeyRequest.labeled("both orgs, acme project").scopes("*")
        .limitToOrganizations(acme, agency).limitToProjects(prod));
    key("mixed projects", ApiKeyRequest.labeled("mixed projects").scopes("*").limitToProjects(prod, agencyProject));
    key("agency only", ApiKeyRequest.labeled("agency only").scopes("*").limitToOrganizations(agency));
    key("acme project", ApiKeyRequest.labeled("acme project").scopes("*").limitToProjects(prod));

    carolsDashboard = policy.resources().register(carol, ResourceRef.dashboard(prod, "contractor-kpis")).ref();
    carolsSecretInsight = policy.resources().register(carol, ResourceRef.of(secret, "insight", "secret-funnel")).ref();
    alicesInsight = policy.resources().register(alice, ResourceRef.of(prod, "insight", "revenue")).ref();
    alicesBoard = policy.resources().register(alice, ResourceRef.dashboard(prod, "exec")).ref();
    carolsAgencyInsight = policy.resources().register(carol, ResourceRef.of(agencyProject, "insight", "own")).ref();
    policy.resources().setMemberRule(alice, alicesInsight, carol.userId(), AccessLevel.EDITOR);
    policy.resources().restrictDashboard(alice, alicesBoard, DashboardRestriction.ONLY_COLLABORATORS_CAN_EDIT);
    policy.resources().addCollaborator(alice, alicesBoard, carol.userId());
    policy.resources().addCollaborator(alice, alicesBoard, erin.userId());
    clock.advance(Duration.ofMinutes(5));
  }

  private void key(String label, ApiKeyRequest request) {
    keys.put(label, policy.apiKeys().create(carol, request));
  }

  private ApiKeyId keyId(String label) {
    return keys.get(label).key().id();
  }

  private List<ResourceRule> rules() {
    return store.inTransaction(tx -> tx.resources().listRulesByOrganization(acme));
  }

  private List<Resource> resources(OrgId org) {
    return store.inTransaction(tx -> tx.resources().listByOrganization(org));
  }

  /** Acme's audit entries, oldest first. */
  private List<AuditEntry> audit() {
    List<AuditEntry> entries = new ArrayList<>(
        policy.audit().query(alice, AuditQuery.organization(acme), PageRequest.first(1000)).items());
    java.util.Collections.reverse(entries);
    return entries;
  }

  /** Everything offboarding may touch, as the store and the public API show it. */
  private Map<String, Object> observe() {
    Map<String, Object> o = new LinkedHashMap<>();
    // first, so that the last-used instants they refresh are the same in every observation
    for (Map.Entry<String, IssuedApiKey> k : keys.entrySet()) {
      o.put("key " + k.getKey() + " authenticates", policy.apiKeys().authenticate(k.getValue().value()).isPresent());
    }
    o.put("memberships", store.inTransaction(tx -> tx.memberships().listByOrganization(acme)));
    o.put("grants", store.inTransaction(tx -> tx.grants().listByOrganization(acme)));
    o.put("rules", rules());
    o.put("resources", resources(acme));
    o.put("agency resources", resources(agency));
    o.put("keys", store.inTransaction(tx -> tx.apiKeys().listByUser(carol.userId())));
    o.put("audit", audit());
    o.put("carol sees", policy.visibleProjects(carol, acme));
    o.put("carol on her dashboard", policy.check(carol, Capability.CREATE_CONTENT, carolsDashboard));
    o.put("dave on carol's dashboard", policy.check(dave, Capability.MANAGE_PROJECT_ACCESS, carolsDashboard));
    return o;
  }

  // ============================================================================== the happy path

  @Test
  void offboard_removesTheMembershipWithGrantsAndResourceRules() {
    OffboardingReport report = policy.members().offboard(bob, acme, carol.userId(), dave.userId());

    assertThat(report.organization()).isEqualTo(acme);
    assertThat(report.user()).isEqualTo(carol.userId());
    assertThat(report.transferredTo()).isEqualTo(dave.userId());
    assertThat(report.grantsRemoved()).isEqualTo(1);
    assertThat(report.resourceRulesRemoved()).isEqualTo(2);
    assertThat(policy.members().list(alice, acme)).extracting(Membership::user).doesNotContain(carol.userId());
    assertThat(policy.check(carol, Capability.VIEW_ORGANIZATION, acme)).isSameAs(Decision.notFound());
    assertThat(policy.check(carol, Capability.VIEW_DATA, prod)).isSameAs(Decision.notFound());
    List<ProjectGrant> grants = store.inTransaction(tx -> tx.grants().listByOrganization(acme));
    assertThat(grants).extracting(ProjectGrant::user).doesNotContain(carol.userId());
    assertThat(rules()).noneMatch(r -> r.user().filter(carol.userId()::equals).isPresent());
    assertThat(policy.resources().collaborators(alice, alicesBoard)).containsExactly(erin.userId());
    assertThat(policy.check(carol, Capability.VIEW_ORGANIZATION, agency)).as("her own organization is untouched")
        .isSameAs(Decision.allow(Reason.ORG_LEVEL));
  }

  @Test
  void offboard_revokesKeysReachingOnlyThisOrganization_narrowsTheOthers_neverWidens() {
    OffboardingReport report = policy.members().offboard(bob, acme, carol.userId(), dave.userId());

    assertThat(report.keysRevoked()).containsExactly(
        keyId("acme only"), keyId("both orgs, acme project"), keyId("acme project"));
    assertThat(report.keysNarrowed()).containsExactly(keyId("unlimited"), keyId("both orgs"), keyId("mixed projects"));
    List<ApiKey> left = policy.apiKeys().list(carol);
    assertThat(left).extracting(ApiKey::label, ApiKey::organizations, ApiKey::projects).containsExactly(
        tuple("unlimited", Set.of(agency), Set.of()),
        tuple("both orgs", Set.of(agency), Set.of()),
        tuple("mixed projects", Set.of(agency), Set.of(agencyProject)),
        tuple("agency only", Set.of(agency), Set.of()));
    for (String revoked : List.of("acme only", "both orgs, acme project", "acme project")) {
      assertThat(policy.apiKeys().authenticate(keys.get(revoked).value())).as(revoked).isEmpty();
    }
    Principal narrowed = policy.apiKeys().authenticate(keys.get("mixed projects").value()).orElseThrow();
    assertThat(policy.check(narrowed, Capability.VIEW_DATA, agencyProject).allowed()).isTrue();
    assertThat(policy.check(narrowed, Capability.VIEW_DATA, prod)).isSameAs(Decision.notFound());
  }

  /**
   * Issue 12, defect 11: a key with no organization limit is limited to the user's other organizations
   * at offboarding, so it does not come back when the user is invited back.
   */
  @Test
  void offboard_unlimitedKey_narrowedToTheOtherOrganizations_staysOutWhenTheUserRejoins() {
    policy.members().offboard(bob, acme, carol.userId(), dave.userId());
    join(policy, alice, acme, carol, OrgLevel.MEMBER);
    assertThat(policy.check(carol, Capability.VIEW_DATA, prod).allowed()).as("carol herself is back").isTrue();

    Principal unlimited = policy.apiKeys().authenticate(keys.get("unlimited").value()).orElseThrow();
    assertThat(policy.check(unlimited, Capability.VIEW_DATA, prod)).isSameAs(Decision.notFound());
    assertThat(policy.check(unlimited, Capability.VIEW_ORGANIZATION, acme)).isSameAs(Decision.notFound());
    assertThat(policy.check(unlimited, Capability.VIEW_DATA, agencyProject).allowed()).isTrue();
    for (IssuedApiKey k : keys.values()) {
      policy.apiKeys().authenticate(k.value()).ifPresent(p -> assertThat(policy.check(p, Capability.VIEW_DATA, prod))
          .as(k.key().label()).isSameAs(Decision.notFound()));
    }
    AuditEntry narrowing = audit().stream()
        .filter(e -> e.action().equals("api_key.narrowed") && e.target().equals(Optional.of(keyId("unlimited").toString())))
        .findFirst().orElseThrow();
    assertThat(narrowing.changes()).contains(Change.of("organizations", Set.of(), Set.of(agency)));
  }

  @Test
  void offboard_userWithNoOtherOrganization_everyKeyReachingHereRevoked() {
    IssuedApiKey unlimited = policy.apiKeys().create(erin, ApiKeyRequest.labeled("cli").scopes("*"));
    IssuedApiKey projectOnly = policy.apiKeys().create(erin, ApiKeyRequest.labeled("prod")
        .scopes("query:read").limitToProjects(prod));

    OffboardingReport report = policy.members().offboard(alice, acme, erin.userId(), dave.userId());

    assertThat(report.keysRevoked()).containsExactly(unlimited.key().id(), projectOnly.key().id());
    assertThat(report.keysNarrowed()).isEmpty();
    assertThat(policy.apiKeys().list(erin)).isEmpty();
    assertThat(policy.apiKeys().authenticate(unlimited.value())).isEmpty();
  }

  @Test
  void offboard_revokedKeyPrincipalsResolvedBefore_stopAtOnce() {
    // §13 "A revocation is visible to the very next check on the same AccessPolicy"
    Principal resolvedBefore = policy.apiKeys().authenticate(keys.get("both orgs, acme project").value()).orElseThrow();
    assertThat(policy.check(resolvedBefore, Capability.VIEW_ORGANIZATION, agency).allowed()).isTrue();

    policy.members().offboard(bob, acme, carol.userId(), dave.userId());

    assertThat(policy.check(resolvedBefore, Capability.VIEW_ORGANIZATION, agency))
        .as("a key offboarding revoked").isSameAs(Decision.notFound());
  }

  @Test
  void offboard_transfersTheUsersResourcesInThisOrganizationToTheSuccessor() {
    OffboardingReport report = policy.members().offboard(bob, acme, carol.userId(), dave.userId());

    assertThat(report.resourcesTransferred()).isEqualTo(2);
    assertThat(resources(acme)).extracting(Resource::ref, Resource::creator).containsExactlyInAnyOrder(
        tuple(carolsDashboard, dave.userId()),
        tuple(carolsSecretInsight, dave.userId()),
        tuple(alicesInsight, alice.userId()),
        tuple(alicesBoard, alice.userId()));
    assertThat(resources(agency)).extracting(Resource::creator).containsExactly(carol.userId());
    assertThat(policy.resources().level(dave, carolsDashboard)).isEqualTo(AccessLevel.MANAGER);
    assertThat(policy.check(dave, Capability.VIEW_DATA, carolsDashboard)).isSameAs(Decision.allow(Reason.RESOURCE_MANAGER));
    assertThat(policy.resources().get(alice, carolsDashboard).createdAt())
        .as("only the creator changes").isEqualTo(FakeClock.START);
  }

  @Test
  void offboard_reportListsEachStep_endingWithTheChatReminder() {
    OffboardingReport report = policy.members().offboard(bob, acme, carol.userId(), dave.userId());

    List<String> steps = report.steps();
    assertThat(steps).hasSize(5);
    assertThat(steps.get(0)).contains("Removed carol", acme.toString(), "1 project grants", "2 resource rules");
    assertThat(steps.get(1)).contains("Revoked API keys", keyId("acme only").toString(), keyId("both orgs").toString());
    assertThat(steps.get(2)).contains("Transferred 2 resources to dave");
    assertThat(steps.get(3)).contains("audit log");
    assertThat(steps.get(4)).isEqualTo(OffboardingReport.CHAT_REMINDER).containsIgnoringCase("chat")
        .contains("host");
    assertThat(String.join("\n", steps)).doesNotContain(keys.get("acme only").value());
  }

  @Test
  void offboard_writesOneAuditEntryPerStep() {
    int before = audit().size();

    policy.members().offboard(bob, acme, carol.userId(), dave.userId());

    List<AuditEntry> entries = audit().subList(before, audit().size());
    assertThat(entries).extracting(AuditEntry::action, e -> e.target().orElse("")).containsExactly(
        tuple("member.removed", "carol"),
        tuple("api_key.narrowed", keyId("unlimited").toString()),
        tuple("api_key.revoked", keyId("acme only").toString()),
        tuple("api_key.narrowed", keyId("both orgs").toString()),
        tuple("api_key.revoked", keyId("both orgs, acme project").toString()),
        tuple("api_key.narrowed", keyId("mixed projects").toString()),
        tuple("api_key.revoked", keyId("acme project").toString()),
        tuple("resources.transferred", "carol"));
    assertThat(entries).allSatisfy(e -> {
      assertThat(e.actor().user()).contains("bob");
      assertThat(e.at()).isEqualTo(clock.instant());
      assertThat(e.organization()).contains(acme);
    });
    assertThat(entries.get(0).changes()).contains(Change.of("grants", 1, 0), Change.of("resourceRules", 2, 0));
    assertThat(entries.get(entries.size() - 1).changes())
        .containsExactly(Change.of("creator", "carol", "dave"), Change.of("resources", null, 2));
    assertThat(entries).allSatisfy(e -> assertThat(e.toString()).doesNotContain(keys.get("acme only").value()));
  }

  @Test
  void offboard_anAdmin_byAnAdmin() {
    Principal other = Principal.user(UserId.of("zed"), "zed@acme.com");
    join(policy, alice, acme, other, OrgLevel.ADMIN);

    policy.members().offboard(bob, acme, other.userId(), dave.userId());

    assertThat(policy.check(other, Capability.VIEW_ORGANIZATION, acme)).isSameAs(Decision.notFound());
  }

  // ========================================================================= refusals change nothing

  @Test
  void offboard_owner_refused() {
    Map<String, Object> before = observe();

    assertRefused(() -> policy.members().offboard(bob, acme, alice.userId(), dave.userId()),
        RuleViolationException.class, ErrorCode.OWNER_CANNOT_BE_REMOVED);

    assertThat(observe()).isEqualTo(before);
  }

  @Test
  void offboard_oneOfSeveralOwners_refusedUntilDemoted() {
    AccessPolicy lp = AccessPolicy.builder().matrix(PermissionMatrix.leastPrivilege()).clock(clock).build();
    OrgId org = lp.organizations().create(alice, "Acme Corp").id();
    IssuedInvite invite = lp.invites().create(alice, org, InviteRequest.to("bob@acme.com").level(OrgLevel.OWNER));
    lp.invites().accept(invite.token(), bob, "bob@acme.com");
    IssuedInvite other = lp.invites().create(alice, org, InviteRequest.to("dave@acme.com"));
    lp.invites().accept(other.token(), dave, "dave@acme.com");

    assertRefused(() -> lp.members().offboard(alice, org, bob.userId(), dave.userId()),
        RuleViolationException.class, ErrorCode.OWNER_CANNOT_BE_REMOVED);
    lp.members().changeLevel(alice, org, bob.userId(), OrgLevel.ADMIN);
    lp.members().offboard(alice, org, bob.userId(), dave.userId());

    assertThat(lp.check(bob, Capability.VIEW_ORGANIZATION, org)).isSameAs(Decision.notFound());
  }

  @Test
  void offboard_transferToMustBeAnActiveMember() {
    policy.members().setExpiry(alice, acme, erin.userId(), clock.instant().plus(Duration.ofHours(1)));
    clock.advance(Duration.ofHours(1));
    Map<String, Object> before = observe();

    assertRefused(() -> policy.members().offboard(bob, acme, carol.userId(), olga.userId()),
        RuleViolationException.class, ErrorCode.NOT_A_MEMBER);
    assertRefused(() -> policy.members().offboard(bob, acme, carol.userId(), erin.userId()),
        RuleViolationException.class, ErrorCode.NOT_A_MEMBER);
    assertThatThrownBy(() -> policy.members().offboard(bob, acme, carol.userId(), carol.userId()))
        .isInstanceOf(IllegalArgumentException.class);

    assertThat(observe()).isEqualTo(before);
  }

  @Test
  void offboard_needsRemoveMembersAndARecentAuthentication() {
    Map<String, Object> before = observe();

    assertRefused(() -> policy.members().offboard(erin, acme, carol.userId(), dave.userId()),
        PermissionDeniedException.class, ErrorCode.PERMISSION_DENIED);
    assertRefused(() -> policy.members().offboard(olga, acme, carol.userId(), dave.userId()),
        NotFoundException.class, ErrorCode.NOT_FOUND);
    assertRefused(() -> policy.members().offboard(bob.authenticatedAt(clock.instant().minus(Duration.ofHours(3))), acme,
        carol.userId(), dave.userId()), PermissionDeniedException.class, ErrorCode.REAUTHENTICATION_REQUIRED);
    assertThatThrownBy(() -> policy.members().offboard(bob, acme, bob.userId(), dave.userId()))
        .isInstanceOf(WardenException.class);
    assertRefused(() -> policy.members().offboard(bob, acme, olga.userId(), dave.userId()),
        RuleViolationException.class, ErrorCode.NOT_A_MEMBER);

    Map<String, Object> after = observe();
    List<AuditEntry> denied = ((List<?>) after.get("audit")).stream().map(AuditEntry.class::cast)
        .filter(AuditEntry::denied).toList();
    assertThat(denied).extracting(AuditEntry::action).containsOnly("member.offboarded.denied");
    after.put("audit", ((List<?>) after.get("audit")).stream().map(AuditEntry.class::cast)
        .filter(e -> !e.denied()).toList());
    assertThat(after).isEqualTo(before);
  }

  @Test
  void offboard_leastPrivilegeAdmin_lacksRemoveMembers() {
    AccessPolicy lp = AccessPolicy.builder().matrix(PermissionMatrix.leastPrivilege()).clock(clock).build();
    OrgId org = lp.organizations().create(alice, "Acme Corp").id();
    for (Principal p : List.of(bob, carol, dave)) {
      String email = p.email().orElseThrow().value();
      IssuedInvite invite = lp.invites().create(alice, org,
          InviteRequest.to(email).level(p == bob ? OrgLevel.ADMIN : OrgLevel.MEMBER));
      lp.invites().accept(invite.token(), p, email);
    }

    assertRefused(() -> lp.members().offboard(bob, org, carol.userId(), dave.userId()),
        PermissionDeniedException.class, ErrorCode.PERMISSION_DENIED);
    assertThat(lp.members().offboard(alice, org, carol.userId(), dave.userId()).user()).isEqualTo(carol.userId());
  }

  // ================================================================================== atomicity

  /**
   * Either all of it happens or nothing does (§7, §11): a store failure while writing the audit entry of
   * any step, the last included, leaves memberships, grants, rules, resources, keys, the audit log and
   * every check as they were; afterwards the same offboarding succeeds.
   */
  @ParameterizedTest
  @ValueSource(strings = {"member.removed", "api_key.revoked", "api_key.narrowed", "resources.transferred"})
  void offboard_failingStep_changesNothing(String failingAction) {
    Map<String, Object> before = observe();
    store.failOn(failingAction);

    assertThatThrownBy(() -> policy.members().offboard(bob, acme, carol.userId(), dave.userId()))
        .isInstanceOf(RuntimeException.class).hasMessageContaining("injected");

    assertThat(store.failed()).isTrue();
    store.failOn(null);
    assertThat(observe()).isEqualTo(before);
    OffboardingReport report = policy.members().offboard(bob, acme, carol.userId(), dave.userId());
    assertThat(report.keysRevoked()).hasSize(3);
    assertThat(report.resourcesTransferred()).isEqualTo(2);
  }

  /** A store whose audit append fails for one action, once armed. */
  private static final class FailingStore implements Store {
    private final Store delegate;
    private volatile String failOn;
    private volatile boolean failed;

    FailingStore(Store delegate) {
      this.delegate = delegate;
    }

    void failOn(String action) {
      failOn = action;
      failed = false;
    }

    boolean failed() {
      return failed;
    }

    @Override
    public <T> T inTransaction(Function<Transaction, T> work) {
      return delegate.inTransaction(tx -> work.apply(new ForwardingTransaction(tx) {
        @Override
        public AuditRepository audit() {
          return new ForwardingAuditRepository(tx.audit()) {
            @Override
            public void append(AuditEntry entry) {
              if (entry.action().equals(failOn)) {
                failed = true;
                throw new IllegalStateException("injected: audit append of " + entry.action() + " failed");
              }
              super.append(entry);
            }
          };
        }
      }));
    }
  }
}
