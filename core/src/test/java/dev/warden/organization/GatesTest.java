package dev.warden.organization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.AccessPolicy;
import dev.warden.AuthMethod;
import dev.warden.Decision;
import dev.warden.ErrorCode;
import dev.warden.PageRequest;
import dev.warden.PermissionDeniedException;
import dev.warden.Principal;
import dev.warden.Reason;
import dev.warden.WardenException;
import dev.warden.apikey.ApiKeyRequest;
import dev.warden.apikey.IssuedApiKey;
import dev.warden.audit.AuditEntry;
import dev.warden.audit.AuditQuery;
import dev.warden.invite.InviteRequest;
import dev.warden.invite.IssuedInvite;
import dev.warden.matrix.Capability;
import dev.warden.matrix.PermissionMatrix;
import dev.warden.project.Project;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import dev.warden.project.Visibility;
import dev.warden.report.Explanation;
import dev.warden.testing.FakeClock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The organization gates of SPEC §2.4 (issue 6): MFA, SSO, the Member-cell overrides, API keys of
 * Members, recent authentication for sensitive mutations, and SSO enforcement on invite acceptance.
 * Every gate is checked through {@code check} and through {@code explain}.
 */
class GatesTest {
  private FakeClock clock;
  private AccessPolicy policy;
  /** The Owner; passes every gate (SSO, MFA, no authentication time = just now). */
  private Principal alice;
  /** An Admin, SSO + MFA. */
  private Principal carol;
  /** A Member whose email is in acme.com, signed in with a password, no MFA. */
  private Principal bob;
  private OrgId org;
  private ProjectId defaultProject;

  @BeforeEach
  void setUp() {
    setUp(PermissionMatrix.posthog());
  }

  private void setUp(PermissionMatrix matrix) {
    clock = FakeClock.create();
    policy = AccessPolicy.builder().clock(clock).matrix(matrix).build();
    alice = Principal.user(UserId.of("alice"), "alice@owner.io").via(AuthMethod.SSO).withMfa(true);
    org = policy.organizations().create(alice, "Acme Corp").id();
    defaultProject = policy.visibleProjects(alice, org).get(0).project().id();
    carol = join("carol", "carol@acme.com", OrgLevel.ADMIN).via(AuthMethod.SSO).withMfa(true);
    bob = join("bob", "bob@acme.com", OrgLevel.MEMBER);
  }

  /** Invites and accepts {@code user} at {@code level}; returns a password principal with that email. */
  private Principal join(String user, String email, OrgLevel level) {
    IssuedInvite invite = policy.invites().create(alice, org, InviteRequest.to(email).level(level));
    Principal p = Principal.user(UserId.of(user), email);
    policy.invites().accept(invite.token(), p.via(AuthMethod.SSO), email);
    return p;
  }

  private OrganizationSettings settings() {
    return policy.organizations().get(alice, org).settings();
  }

  private void updateSettings(Function<OrganizationSettings, OrganizationSettings> change) {
    policy.organizations().updateSettings(alice, org, change.apply(settings()));
  }

  private static void assertStepMentions(Explanation explanation, String text) {
    assertThat(explanation.steps())
        .as("explain steps of %s", explanation)
        .anyMatch(s -> s.toLowerCase(Locale.ROOT).contains(text.toLowerCase(Locale.ROOT)));
  }

  private static void assertRefused(ThrowingCallable call, ErrorCode code) {
    assertThatThrownBy(call).isInstanceOf(WardenException.class)
        .satisfies(e -> assertThat(((WardenException) e).code()).isEqualTo(code));
  }

  // ------------------------------------------------------------------------------------------ MFA

  @Test
  void require2fa_principalWithoutMfa_deniedMfaRequired_inCheckAndExplain() {
    updateSettings(s -> s.withRequire2fa(true));

    assertThat(policy.check(bob, Capability.VIEW_ORGANIZATION, org)).isEqualTo(Decision.deny(Reason.MFA_REQUIRED));
    assertThat(policy.check(bob, Capability.VIEW_DATA, defaultProject)).isEqualTo(Decision.deny(Reason.MFA_REQUIRED));
    // Even the Owner, and even for a capability the level holds.
    Principal aliceNoMfa = alice.withMfa(false);
    assertThat(policy.check(aliceNoMfa, Capability.DELETE_ORGANIZATION, org)).isEqualTo(Decision.deny(Reason.MFA_REQUIRED));

    Explanation orgExplained = policy.explain(bob, Capability.VIEW_ORGANIZATION, org);
    assertThat(orgExplained.decision()).isEqualTo(Decision.deny(Reason.MFA_REQUIRED));
    assertStepMentions(orgExplained, "MFA");
    Explanation projectExplained = policy.explain(bob, Capability.VIEW_DATA, defaultProject);
    assertThat(projectExplained.decision()).isEqualTo(Decision.deny(Reason.MFA_REQUIRED));
    assertStepMentions(projectExplained, "MFA");
  }

  @Test
  void require2fa_principalWithMfa_allowed() {
    updateSettings(s -> s.withRequire2fa(true));
    Principal bobMfa = bob.withMfa(true);

    assertThat(policy.check(bobMfa, Capability.VIEW_ORGANIZATION, org)).isEqualTo(Decision.allow(Reason.ORG_LEVEL));
    assertThat(policy.check(bobMfa, Capability.VIEW_DATA, defaultProject)).isEqualTo(Decision.allow(Reason.DEFAULT_ROLE));
    assertThat(policy.check(bobMfa, Capability.MANAGE_ORG_SETTINGS, org)).isEqualTo(Decision.deny(Reason.LEVEL_TOO_LOW));
  }

  @Test
  void require2fa_off_mfaNotNeeded() {
    assertThat(settings().require2fa()).isFalse();
    assertThat(policy.check(bob, Capability.VIEW_ORGANIZATION, org)).isEqualTo(Decision.allow(Reason.ORG_LEVEL));
  }

  @Test
  void require2fa_nonMember_stillNotFound() {
    updateSettings(s -> s.withRequire2fa(true));
    Principal stranger = Principal.user("mallory");

    assertThat(policy.check(stranger, Capability.VIEW_ORGANIZATION, org)).isEqualTo(Decision.notFound());
    assertThat(policy.check(stranger, Capability.VIEW_DATA, defaultProject)).isEqualTo(Decision.notFound());
  }

  @Test
  void require2fa_appliesToMutations() {
    updateSettings(s -> s.withRequire2fa(true));

    assertRefused(() -> policy.invites().create(bob, org, InviteRequest.to("x@example.com")), ErrorCode.MFA_REQUIRED);
    assertThat(policy.invites().listPending(alice, org)).isEmpty();

    policy.invites().create(bob.withMfa(true), org, InviteRequest.to("x@example.com"));
    assertThat(policy.invites().listPending(alice, org)).hasSize(1);
  }

  // ------------------------------------------------------------------------------------------ SSO

  @Test
  void ssoEnforced_passwordPrincipalInDomain_deniedSsoRequired_inCheckAndExplain() {
    updateSettings(s -> s.withSsoEnforcedDomains(Set.of("acme.com")));

    assertThat(policy.check(bob, Capability.VIEW_ORGANIZATION, org)).isEqualTo(Decision.deny(Reason.SSO_REQUIRED));
    assertThat(policy.check(bob, Capability.VIEW_DATA, defaultProject)).isEqualTo(Decision.deny(Reason.SSO_REQUIRED));

    Explanation orgExplained = policy.explain(bob, Capability.VIEW_ORGANIZATION, org);
    assertThat(orgExplained.decision()).isEqualTo(Decision.deny(Reason.SSO_REQUIRED));
    assertStepMentions(orgExplained, "SSO");
    Explanation projectExplained = policy.explain(bob, Capability.VIEW_DATA, defaultProject);
    assertThat(projectExplained.decision()).isEqualTo(Decision.deny(Reason.SSO_REQUIRED));
    assertStepMentions(projectExplained, "SSO");
  }

  @Test
  void ssoEnforced_ssoPrincipalInDomain_allowed() {
    updateSettings(s -> s.withSsoEnforcedDomains(Set.of("acme.com")));
    Principal bobSso = bob.via(AuthMethod.SSO);

    assertThat(policy.check(bobSso, Capability.VIEW_ORGANIZATION, org)).isEqualTo(Decision.allow(Reason.ORG_LEVEL));
    assertThat(policy.check(bobSso, Capability.VIEW_DATA, defaultProject)).isEqualTo(Decision.allow(Reason.DEFAULT_ROLE));
  }

  @Test
  void ssoEnforced_matchesTheEmailDomainOnly() {
    Principal lookalike = join("eve", "eve@notacme.com", OrgLevel.MEMBER);
    Principal localPart = join("dave", "acme.com@example.org", OrgLevel.MEMBER);
    Principal elsewhere = join("frank", "frank@contractor.io", OrgLevel.MEMBER);
    Principal shouting = join("gina", "GINA@ACME.COM", OrgLevel.MEMBER);
    // Configured with odd case and spaces: normalized like emails.
    updateSettings(s -> s.withSsoEnforcedDomains(Set.of(" ACME.com ")));

    assertThat(settings().ssoEnforcedDomains()).containsExactly("acme.com");
    assertThat(policy.check(lookalike, Capability.VIEW_ORGANIZATION, org)).isEqualTo(Decision.allow(Reason.ORG_LEVEL));
    assertThat(policy.check(localPart, Capability.VIEW_ORGANIZATION, org)).isEqualTo(Decision.allow(Reason.ORG_LEVEL));
    assertThat(policy.check(elsewhere, Capability.VIEW_ORGANIZATION, org)).isEqualTo(Decision.allow(Reason.ORG_LEVEL));
    assertThat(policy.check(shouting, Capability.VIEW_ORGANIZATION, org)).isEqualTo(Decision.deny(Reason.SSO_REQUIRED));
    assertThat(policy.check(bob, Capability.VIEW_ORGANIZATION, org)).isEqualTo(Decision.deny(Reason.SSO_REQUIRED));
  }

  /**
   * SPEC §2.4: "principal whose email is in such a domain". §9 does not make the email part of a
   * principal; the user's email is known from their membership (one account per email, §15), so a
   * host that builds {@code Principal.user(id)} without the email must not bypass SSO enforcement.
   */
  @Test
  void ssoEnforced_principalWithoutEmail_usesTheMembersEmail() {
    updateSettings(s -> s.withSsoEnforcedDomains(Set.of("acme.com")));
    Principal bobWithoutEmail = Principal.user("bob");

    assertThat(policy.check(bobWithoutEmail, Capability.VIEW_ORGANIZATION, org))
        .isEqualTo(Decision.deny(Reason.SSO_REQUIRED));
  }

  @Test
  void ssoEnforced_appliesToMutations() {
    updateSettings(s -> s.withSsoEnforcedDomains(Set.of("acme.com")));

    assertRefused(() -> policy.invites().create(bob, org, InviteRequest.to("x@example.com")), ErrorCode.SSO_REQUIRED);
    policy.invites().create(bob.via(AuthMethod.SSO), org, InviteRequest.to("x@example.com"));
    assertThat(policy.invites().listPending(alice, org)).hasSize(1);
  }

  // ------------------------------------------------------------------------------------------ invites + SSO

  @Test
  void acceptInvite_ssoEnforcedDomain_refusedWithoutSso_acceptedWithSso() {
    updateSettings(s -> s.withSsoEnforcedDomains(Set.of("acme.com")));
    IssuedInvite invite = policy.invites().create(alice, org, InviteRequest.to("dan@acme.com"));
    Principal dan = Principal.user(UserId.of("dan"), "dan@acme.com");

    assertThatThrownBy(() -> policy.invites().accept(invite.token(), dan, "dan@acme.com"))
        .isInstanceOf(PermissionDeniedException.class)
        .satisfies(e -> assertThat(((WardenException) e).code()).isEqualTo(ErrorCode.SSO_REQUIRED));
    assertThat(policy.check(dan.via(AuthMethod.SSO), Capability.VIEW_ORGANIZATION, org)).isEqualTo(Decision.notFound());
    assertThat(policy.invites().listPending(alice, org)).extracting(i -> i.id()).containsExactly(invite.id());

    Membership joined = policy.invites().accept(invite.token(), dan.via(AuthMethod.SSO), "dan@acme.com");
    assertThat(joined.user()).isEqualTo(UserId.of("dan"));
    assertThat(policy.check(dan.via(AuthMethod.SSO), Capability.VIEW_ORGANIZATION, org))
        .isEqualTo(Decision.allow(Reason.ORG_LEVEL));
  }

  @Test
  void acceptInvite_ssoEnforcedDomain_decidedByTheInvitesEmail() {
    updateSettings(s -> s.withSsoEnforcedDomains(Set.of("acme.com")));
    IssuedInvite invite = policy.invites().create(alice, org, InviteRequest.to("dan@acme.com"));
    // The principal claims another address; the verified email the host passes is what counts.
    Principal dan = Principal.user(UserId.of("dan"), "dan@private.io");

    assertRefused(() -> policy.invites().accept(invite.token(), dan, "dan@acme.com"), ErrorCode.SSO_REQUIRED);
  }

  @Test
  void acceptInvite_domainNotEnforced_passwordIsEnough() {
    updateSettings(s -> s.withSsoEnforcedDomains(Set.of("acme.com")));
    IssuedInvite invite = policy.invites().create(alice, org, InviteRequest.to("dan@contractor.io"));

    Membership joined = policy.invites().accept(invite.token(), Principal.user("dan"), "dan@contractor.io");

    assertThat(joined.level()).isEqualTo(OrgLevel.MEMBER);
  }

  // ------------------------------------------------------------------------------------------ Member cells

  /** Every organization and project decision of {@code p}, by capability. */
  private Map<Capability, Decision> decisions(Principal p) {
    Map<Capability, Decision> all = new LinkedHashMap<>();
    for (Capability c : PermissionMatrix.posthog().capabilities()) {
      all.put(c, c.scope() == Capability.Scope.ORGANIZATION
          ? policy.check(p, c, org) : policy.check(p, c, defaultProject));
    }
    return all;
  }

  /** Asserts that {@code change} flips exactly the Member × {@code cell} cell to {@code allowedAfter}. */
  private void assertOverridesOnlyMemberCell(Capability cell, boolean allowedAfter,
      Function<OrganizationSettings, OrganizationSettings> change) {
    Map<Capability, Decision> memberBefore = decisions(bob);
    Map<Capability, Decision> adminBefore = decisions(carol);
    Map<Capability, Decision> ownerBefore = decisions(alice);
    assertThat(memberBefore.get(cell).allowed()).isNotEqualTo(allowedAfter);

    updateSettings(change);

    Map<Capability, Decision> memberAfter = decisions(bob);
    assertThat(memberAfter.get(cell))
        .isEqualTo(allowedAfter ? Decision.allow(Reason.ORG_LEVEL) : Decision.deny(Reason.LEVEL_TOO_LOW));
    memberBefore.remove(cell);
    memberAfter.remove(cell);
    assertThat(memberAfter).isEqualTo(memberBefore);
    assertThat(decisions(carol)).isEqualTo(adminBefore);
    assertThat(decisions(alice)).isEqualTo(ownerBefore);
    assertThat(policy.explain(bob, cell, org).decision())
        .isEqualTo(allowedAfter ? Decision.allow(Reason.ORG_LEVEL) : Decision.deny(Reason.LEVEL_TOO_LOW));
  }

  @Test
  void membersCanInvite_false_removesOnlyTheMemberInviteCell() {
    assertOverridesOnlyMemberCell(Capability.INVITE_MEMBERS, false, s -> s.withMembersCanInvite(false));

    assertRefused(() -> policy.invites().create(bob, org, InviteRequest.to("x@example.com")), ErrorCode.PERMISSION_DENIED);
    policy.invites().create(carol, org, InviteRequest.to("x@example.com"));
  }

  @Test
  void membersCanInvite_true_grantsTheMemberInviteCellUnderLeastPrivilege() {
    setUp(PermissionMatrix.leastPrivilege());
    assertRefused(() -> policy.invites().create(bob, org, InviteRequest.to("x@example.com")), ErrorCode.PERMISSION_DENIED);

    assertOverridesOnlyMemberCell(Capability.INVITE_MEMBERS, true, s -> s.withMembersCanInvite(true));

    policy.invites().create(bob, org, InviteRequest.to("x@example.com"));
    assertThat(policy.invites().listPending(alice, org)).hasSize(1);
  }

  @Test
  void membersCanCreateProjects_true_grantsOnlyTheMemberCreateCell() {
    assertRefused(() -> policy.projects().create(bob, org, "Bob's"), ErrorCode.PERMISSION_DENIED);

    assertOverridesOnlyMemberCell(Capability.CREATE_PROJECT, true, s -> s.withMembersCanCreateProjects(true));

    Project created = policy.projects().create(bob, org, "Bob's");
    assertThat(created.organization()).isEqualTo(org);
  }

  @Test
  void membersCanCreateProjects_false_removesTheMemberCreateCell() {
    setUp(PermissionMatrix.posthog().toBuilder().grant(OrgLevel.MEMBER, Capability.CREATE_PROJECT).build());
    assertThat(policy.check(bob, Capability.CREATE_PROJECT, org)).isEqualTo(Decision.allow(Reason.ORG_LEVEL));

    assertOverridesOnlyMemberCell(Capability.CREATE_PROJECT, false, s -> s.withMembersCanCreateProjects(false));

    assertRefused(() -> policy.projects().create(bob, org, "Bob's"), ErrorCode.PERMISSION_DENIED);
    policy.projects().create(carol, org, "Carol's");
  }

  /**
   * SPEC §6: explain shows "setting gates"; the issue: "Each gate shows up in explain with its own
   * reason". A Member refused INVITE_MEMBERS because of {@code membersCanInvite=false} (the matrix
   * grants it) should see the setting in the steps, not only "level MEMBER lacks INVITE_MEMBERS".
   */
  @Test
  void memberCellOverride_showsTheSettingInExplainSteps() {
    updateSettings(s -> s.withMembersCanInvite(false).withMembersCanCreateProjects(true));

    assertStepMentions(policy.explain(bob, Capability.INVITE_MEMBERS, org), "setting");
    assertStepMentions(policy.explain(bob, Capability.CREATE_PROJECT, org), "setting");
  }

  // ------------------------------------------------------------------------------------------ API keys

  @Test
  void membersCanUsePersonalApiKeys_false_deniesMemberKeys_notAdminOrOwnerKeys() {
    Principal bobKey = key(bob.via(AuthMethod.SSO));
    Principal carolKey = key(carol);
    Principal aliceKey = key(alice);
    assertThat(policy.check(bobKey, Capability.VIEW_ORGANIZATION, org)).isEqualTo(Decision.allow(Reason.ORG_LEVEL));

    updateSettings(s -> s.withMembersCanUsePersonalApiKeys(false));

    assertThat(policy.check(bobKey, Capability.VIEW_ORGANIZATION, org)).isEqualTo(Decision.deny(Reason.API_KEYS_DISABLED));
    assertThat(policy.check(bobKey, Capability.VIEW_DATA, defaultProject)).isEqualTo(Decision.deny(Reason.API_KEYS_DISABLED));
    Explanation explained = policy.explain(bobKey, Capability.VIEW_DATA, defaultProject);
    assertThat(explained.decision()).isEqualTo(Decision.deny(Reason.API_KEYS_DISABLED));
    assertStepMentions(explained, "api key");
    // The user without a key is unaffected; Admin and Owner keys keep working.
    assertThat(policy.check(bob, Capability.VIEW_ORGANIZATION, org)).isEqualTo(Decision.allow(Reason.ORG_LEVEL));
    assertThat(policy.check(carolKey, Capability.VIEW_DATA, defaultProject)).isEqualTo(Decision.allow(Reason.ORG_ADMIN));
    assertThat(policy.check(aliceKey, Capability.VIEW_ORGANIZATION, org)).isEqualTo(Decision.allow(Reason.ORG_LEVEL));

    updateSettings(s -> s.withMembersCanUsePersonalApiKeys(true));
    assertThat(policy.check(bobKey, Capability.VIEW_ORGANIZATION, org)).isEqualTo(Decision.allow(Reason.ORG_LEVEL));
  }

  @Test
  void membersCanUsePersonalApiKeys_false_appliesToMutationsThroughMemberKeys() {
    Principal bobKey = key(bob.via(AuthMethod.SSO));
    updateSettings(s -> s.withMembersCanUsePersonalApiKeys(false));

    assertRefused(() -> policy.invites().create(bobKey, org, InviteRequest.to("x@example.com")), ErrorCode.PERMISSION_DENIED);
    assertThat(policy.invites().listPending(alice, org)).isEmpty();
  }

  private Principal key(Principal user) {
    IssuedApiKey issued = policy.apiKeys().create(user, ApiKeyRequest.labeled("all").scopes("*"));
    return policy.apiKeys().authenticate(issued.value()).orElseThrow();
  }

  // ------------------------------------------------------------------------------------------ hidden projects

  enum Gate { MFA, SSO, API_KEYS }

  /**
   * SPEC §2.3: "every check on [a hidden project] answers NOT_FOUND, the same answer and the same
   * message as for a project id that does not exist"; §11: never reveal whether a hidden object
   * exists. A gate must not turn a hidden project into a DENY.
   */
  @ParameterizedTest
  @EnumSource(Gate.class)
  void gates_onAHiddenProject_answerNotFound_likeAMissingProject(Gate gate) {
    Project secret = policy.projects().create(alice, org, "Secret");
    policy.projects().setVisibility(alice, secret.id(), Visibility.PRIVATE);
    ProjectId missing = ProjectId.of("prj_does_not_exist");
    Principal asker = switch (gate) {
      case MFA -> {
        updateSettings(s -> s.withRequire2fa(true));
        yield bob;
      }
      case SSO -> {
        updateSettings(s -> s.withSsoEnforcedDomains(Set.of("acme.com")));
        yield bob;
      }
      case API_KEYS -> {
        Principal k = key(bob.via(AuthMethod.SSO));
        updateSettings(s -> s.withMembersCanUsePersonalApiKeys(false));
        yield k;
      }
    };

    assertThat(policy.check(asker, Capability.VIEW_DATA, missing)).isEqualTo(Decision.notFound());
    assertThat(policy.check(asker, Capability.VIEW_DATA, secret.id())).isEqualTo(Decision.notFound());
    assertThat(policy.explain(asker, Capability.VIEW_DATA, secret.id()).decision()).isEqualTo(Decision.notFound());
  }

  // ------------------------------------------------------------------------------------------ recent authentication

  /** Runs a sensitive mutation as {@code actor}; each must ask for re-authentication when stale. */
  private List<Consumer<Principal>> sensitiveMutations(Project spare) {
    return List.of(
        a -> policy.members().changeLevel(a, org, bob.userId(), OrgLevel.ADMIN),
        a -> policy.members().setExpiry(a, org, bob.userId(), clock.instant().plus(Duration.ofDays(7))),
        a -> policy.members().clearExpiry(a, org, bob.userId()),
        a -> policy.members().remove(a, org, bob.userId()),
        a -> policy.projects().delete(a, spare.id()),
        a -> policy.apiKeys().create(a, ApiKeyRequest.labeled("ci").scopes("query:read")),
        a -> policy.members().transferOwnership(a, org, carol.userId()),
        // Last: after the transfer above, only the new Owner may delete the organization.
        a -> policy.organizations().delete(a, org));
  }

  @Test
  void sensitiveMutations_authenticatedExactlyTheWindowAgo_reauthenticationRequired() {
    Project spare = policy.projects().create(alice, org, "Spare");
    Principal stale = alice.authenticatedAt(clock.instant().minus(OrganizationSettings.DEFAULT_RECENT_AUTHENTICATION));
    long entriesBefore = auditCount();

    int i = 0;
    for (Consumer<Principal> mutation : sensitiveMutations(spare)) {
      assertThatThrownBy(() -> mutation.accept(stale))
          .as("sensitive mutation #%s", i++)
          .isInstanceOf(PermissionDeniedException.class)
          .satisfies(e -> assertThat(((WardenException) e).code()).isEqualTo(ErrorCode.REAUTHENTICATION_REQUIRED));
    }

    // Nothing changed.
    assertThat(policy.members().get(alice, org, bob.userId()).level()).isEqualTo(OrgLevel.MEMBER);
    assertThat(policy.members().get(alice, org, bob.userId()).expiresAt()).isEmpty();
    assertThat(policy.members().get(alice, org, alice.userId()).level()).isEqualTo(OrgLevel.OWNER);
    assertThat(policy.projects().get(alice, spare.id())).isEqualTo(spare);
    assertThat(policy.apiKeys().list(alice)).isEmpty();
    // Only ".denied" entries were written.
    assertThat(auditEntries().subList(0, (int) (auditCount() - entriesBefore)))
        .allSatisfy(e -> assertThat(e.action()).endsWith(".denied"));
  }

  /** Issue 12, defect 10: an authentication time in the future is not a recent one. */
  @Test
  void sensitiveMutations_authenticatedInTheFuture_reauthenticationRequired() {
    Project spare = policy.projects().create(alice, org, "Spare");
    Principal fromTheFuture = alice.authenticatedAt(clock.instant().plus(Duration.ofDays(3650)));
    Principal justPastTheSkew = alice.authenticatedAt(
        clock.instant().plus(OrganizationSettings.AUTHENTICATION_CLOCK_SKEW).plusMillis(1));

    for (Principal p : List.of(fromTheFuture, justPastTheSkew)) {
      for (Consumer<Principal> mutation : sensitiveMutations(spare)) {
        assertRefused(() -> mutation.accept(p), ErrorCode.REAUTHENTICATION_REQUIRED);
      }
    }
    assertThat(policy.members().get(alice, org, bob.userId()).level()).isEqualTo(OrgLevel.MEMBER);
    assertThat(policy.apiKeys().list(alice)).isEmpty();
  }

  /** Issue 12, defect 10: a clock a little ahead (up to the documented skew) still counts. */
  @Test
  void sensitiveMutations_authenticatedWithinTheClockSkew_allowed() {
    Principal slightlyAhead = alice.authenticatedAt(clock.instant().plus(OrganizationSettings.AUTHENTICATION_CLOCK_SKEW));

    policy.members().changeLevel(slightlyAhead, org, bob.userId(), OrgLevel.ADMIN);

    assertThat(policy.members().get(alice, org, bob.userId()).level()).isEqualTo(OrgLevel.ADMIN);
  }

  @Test
  void sensitiveMutations_leaving_reauthenticationRequired() {
    Principal staleBob = bob.authenticatedAt(clock.instant().minus(Duration.ofHours(3)));

    assertRefused(() -> policy.members().leave(staleBob, org), ErrorCode.REAUTHENTICATION_REQUIRED);
    assertThat(policy.members().get(alice, org, bob.userId()).level()).isEqualTo(OrgLevel.MEMBER);
  }

  @Test
  void sensitiveMutations_justInsideTheWindow_allowed() {
    Project spare = policy.projects().create(alice, org, "Spare");
    Principal fresh = alice.authenticatedAt(
        clock.instant().minus(OrganizationSettings.DEFAULT_RECENT_AUTHENTICATION).plusMillis(1));

    List<Consumer<Principal>> mutations = sensitiveMutations(spare);
    for (Consumer<Principal> mutation : mutations.subList(0, mutations.size() - 1)) {
      mutation.accept(fresh);
    }

    assertThat(policy.check(bob, Capability.VIEW_ORGANIZATION, org)).isEqualTo(Decision.notFound());
    assertThat(policy.check(alice, Capability.VIEW_DATA, spare.id())).isEqualTo(Decision.notFound());
    assertThat(policy.apiKeys().list(alice)).hasSize(1);
    assertThat(policy.check(carol, Capability.TRANSFER_OWNERSHIP, org)).isEqualTo(Decision.allow(Reason.ORG_LEVEL));
    // The organization delete, by the new Owner, just inside the window.
    mutations.get(mutations.size() - 1).accept(carol.authenticatedAt(
        clock.instant().minus(OrganizationSettings.DEFAULT_RECENT_AUTHENTICATION).plusMillis(1)));
    assertThat(policy.check(carol, Capability.VIEW_ORGANIZATION, org)).isEqualTo(Decision.notFound());
  }

  @Test
  void sensitiveMutations_followTheOrganizationsWindow() {
    updateSettings(s -> s.withRecentAuthentication(Duration.ofMinutes(30)));

    Principal stale = alice.authenticatedAt(clock.instant().minus(Duration.ofMinutes(30)));
    assertRefused(() -> policy.members().changeLevel(stale, org, bob.userId(), OrgLevel.ADMIN),
        ErrorCode.REAUTHENTICATION_REQUIRED);

    Principal fresh = alice.authenticatedAt(clock.instant().minus(Duration.ofMinutes(29)));
    policy.members().changeLevel(fresh, org, bob.userId(), OrgLevel.ADMIN);
    assertThat(policy.members().get(alice, org, bob.userId()).level()).isEqualTo(OrgLevel.ADMIN);
  }

  @Test
  void sensitiveMutations_windowCountsFromAuthentication_asTheClockMoves() {
    Principal session = alice.authenticatedAt(clock.instant());
    policy.members().changeLevel(session, org, bob.userId(), OrgLevel.ADMIN);

    clock.advance(Duration.ofHours(2));

    assertRefused(() -> policy.members().changeLevel(session, org, bob.userId(), OrgLevel.MEMBER),
        ErrorCode.REAUTHENTICATION_REQUIRED);
    assertThat(policy.members().get(alice, org, bob.userId()).level()).isEqualTo(OrgLevel.ADMIN);
  }

  @Test
  void nonSensitiveMutations_staleAuthentication_allowed() {
    Principal stale = alice.authenticatedAt(clock.instant().minus(Duration.ofDays(30)));

    policy.organizations().rename(stale, org, "Acme Inc");
    Project p = policy.projects().create(stale, org, "Web");
    policy.projects().rename(stale, p.id(), "Website");
    policy.projects().setDefaultRole(stale, p.id(), ProjectRole.VIEWER);
    policy.projects().rotateToken(stale, p.id());

    assertThat(policy.organizations().get(alice, org).name()).isEqualTo("Acme Inc");
    assertThat(policy.projects().get(alice, p.id()).name()).isEqualTo("Website");
  }

  @Test
  void recentAuthentication_withoutAnAuthenticationTime_isJustNow() {
    Principal vouched = Principal.user(UserId.of("alice"), "alice@owner.io").via(AuthMethod.SSO).withMfa(true);
    clock.advance(Duration.ofDays(365));

    policy.members().changeLevel(vouched, org, bob.userId(), OrgLevel.ADMIN);

    assertThat(policy.members().get(alice, org, bob.userId()).level()).isEqualTo(OrgLevel.ADMIN);
  }

  @Test
  void recentAuthentication_mustBePositive() {
    assertThatThrownBy(() -> OrganizationSettings.defaults().withRecentAuthentication(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("recentAuthentication");
    assertThat(OrganizationSettings.defaults().recentAuthentication()).isEqualTo(Duration.ofHours(2));
  }

  // ------------------------------------------------------------------------------------------ settings

  @Test
  void updateSettings_withoutManageOrgSettings_permissionDenied_auditedAsDenied() {
    OrganizationSettings before = settings();

    assertThatThrownBy(() -> policy.organizations().updateSettings(bob, org, before.withRequire2fa(true)))
        .isInstanceOf(PermissionDeniedException.class)
        .satisfies(e -> assertThat(((WardenException) e).code()).isEqualTo(ErrorCode.PERMISSION_DENIED));

    assertThat(settings()).isEqualTo(before);
    AuditEntry newest = auditEntries().get(0);
    assertThat(newest.action()).isEqualTo("settings.changed.denied");
    assertThat(newest.actor().user()).contains("bob");
    assertThat(newest.organization()).contains(org);
  }

  @Test
  void updateSettings_nonMember_notFound() {
    assertRefused(() -> policy.organizations().updateSettings(Principal.user("mallory"), org,
        OrganizationSettings.defaults().withRequire2fa(true)), ErrorCode.NOT_FOUND);
    assertThat(settings().require2fa()).isFalse();
  }

  @Test
  void updateSettings_byAdmin_appliesAndIsAuditedAsSettingsChanged() {
    OrganizationSettings before = settings();
    OrganizationSettings next = before.withRequire2fa(true).withMembersCanInvite(false);
    Instant at = clock.advance(Duration.ofMinutes(5)).instant();

    policy.organizations().updateSettings(carol, org, next);

    assertThat(settings()).isEqualTo(next);
    AuditEntry newest = auditEntries().get(0);
    assertThat(newest.action()).isEqualTo("settings.changed");
    assertThat(newest.actor().user()).contains("carol");
    assertThat(newest.organization()).contains(org);
    assertThat(newest.at()).isEqualTo(at);
    assertThat(newest.changes()).singleElement().satisfies(c -> {
      assertThat(c.field()).isEqualTo("settings");
      assertThat(c.before()).contains(before.toString());
      assertThat(c.after()).contains(next.toString());
    });
  }

  @Test
  void updateSettings_sameSettings_writesNoEntry() {
    long before = auditCount();
    policy.organizations().updateSettings(carol, org, settings());
    assertThat(auditCount()).isEqualTo(before);
  }

  @Test
  void updateSettings_customMatrixWithoutTheCell_deniesAdmins() {
    setUp(PermissionMatrix.posthog().toBuilder().revoke(OrgLevel.ADMIN, Capability.MANAGE_ORG_SETTINGS).build());

    assertRefused(() -> policy.organizations().updateSettings(carol, org, settings().withRequire2fa(true)),
        ErrorCode.PERMISSION_DENIED);
    policy.organizations().updateSettings(alice, org, settings().withRequire2fa(true));
    assertThat(settings().require2fa()).isTrue();
  }

  private List<AuditEntry> auditEntries() {
    return policy.audit().query(alice, AuditQuery.organization(org), PageRequest.first(1000)).items();
  }

  private long auditCount() {
    return auditEntries().size();
  }
}
