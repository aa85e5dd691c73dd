package dev.warden.invite;

import static dev.warden.testing.InterceptingStore.intercepting;
import static dev.warden.testing.OrgFixtures.join;
import static dev.warden.testing.OrgFixtures.project;
import static dev.warden.testing.WardenAssertions.assertRefused;
import static dev.warden.testing.WardenAssertions.thrown;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.AccessPolicy;
import dev.warden.Decision;
import dev.warden.ErrorCode;
import dev.warden.NotFoundException;
import dev.warden.PermissionDeniedException;
import dev.warden.Principal;
import dev.warden.Reason;
import dev.warden.RuleViolationException;
import dev.warden.WardenException;
import dev.warden.matrix.Capability;
import dev.warden.matrix.PermissionMatrix;
import dev.warden.memory.InMemoryStore;
import dev.warden.organization.Membership;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.EmailAddress;
import dev.warden.organization.UserId;
import dev.warden.project.Project;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import dev.warden.project.Visibility;
import dev.warden.spi.InviteRepository;
import dev.warden.spi.Store;
import dev.warden.testing.FakeClock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** SPEC §4 and the "Invites" part of §15: creating, replacing, accepting, listing and revoking invites. */
class InviteLifecycleTest {
  private static final Duration THREE_DAYS = Duration.ofDays(3);
  private static final Duration NANO = Duration.ofNanos(1);

  private final FakeClock clock = FakeClock.create();
  private final ExecutorService executor = Executors.newFixedThreadPool(2);

  private final Principal alice = Principal.user(UserId.of("alice"), "alice@acme.com");
  private final Principal bob = Principal.user(UserId.of("bob"), "bob@acme.com");
  private final Principal carol = Principal.user(UserId.of("carol"), "carol@acme.com");
  private final Principal erin = Principal.user(UserId.of("erin"), "erin@acme.com");
  private final Principal frank = Principal.user(UserId.of("frank"), "frank@acme.com");

  @AfterEach
  void stopExecutor() {
    executor.shutdownNow();
  }

  private AccessPolicy policy(PermissionMatrix matrix) {
    return AccessPolicy.builder().clock(clock).matrix(matrix).build();
  }

  /** alice (Owner), bob (Admin), carol (Member). */
  private OrgId acme(AccessPolicy policy) {
    OrgId org = policy.organizations().create(alice, "Acme Corp").id();
    join(policy, alice, org, bob, OrgLevel.ADMIN);
    join(policy, alice, org, carol, OrgLevel.MEMBER);
    return org;
  }

  // ================================================================================ create

  @Test
  void create_memberUnderPosthog_pendingInviteAsMemberForThreeDays() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);

    IssuedInvite issued = policy.invites().create(carol, org, InviteRequest.to("  Erin@ACME.com "));

    Invite invite = issued.invite();
    assertThat(invite.email().value()).isEqualTo("erin@acme.com");
    assertThat(invite.level()).isEqualTo(OrgLevel.MEMBER);
    assertThat(invite.organization()).isEqualTo(org);
    assertThat(invite.invitedBy()).isEqualTo(carol.userId());
    assertThat(invite.createdAt()).isEqualTo(clock.instant());
    assertThat(invite.expiresAt()).isEqualTo(clock.instant().plus(THREE_DAYS));
    assertThat(invite.acceptedAt()).isEmpty();
    assertThat(invite.grants()).isEmpty();
    assertThat(policy.invites().listPending(carol, org)).containsExactly(invite);
  }

  @Test
  void create_memberUnderLeastPrivilege_permissionDeniedAndNothingPending() {
    AccessPolicy policy = policy(PermissionMatrix.leastPrivilege());
    OrgId org = acme(policy);

    assertRefused(() -> policy.invites().create(carol, org, InviteRequest.to("erin@acme.com")),
        PermissionDeniedException.class, ErrorCode.PERMISSION_DENIED);
    assertThat(policy.invites().listPending(alice, org)).isEmpty();
  }

  @Test
  void create_permissionCheckedFirst_permissionDeniedBeforeLevelAboveOwn() {
    AccessPolicy policy = policy(PermissionMatrix.leastPrivilege());
    OrgId org = acme(policy);

    assertRefused(() -> policy.invites().create(carol, org, InviteRequest.to("erin@acme.com").level(OrgLevel.OWNER)),
        PermissionDeniedException.class, ErrorCode.PERMISSION_DENIED);
  }

  @Test
  void create_nonMember_notFound() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);

    assertRefused(() -> policy.invites().create(erin, org, InviteRequest.to("frank@acme.com")),
        NotFoundException.class, ErrorCode.NOT_FOUND);
  }

  @Test
  void create_memberInvitesAdmin_levelAboveOwn() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);

    assertRefused(() -> policy.invites().create(carol, org, InviteRequest.to("erin@acme.com").level(OrgLevel.ADMIN)),
        RuleViolationException.class, ErrorCode.LEVEL_ABOVE_OWN);
    assertThat(policy.invites().listPending(alice, org)).isEmpty();
  }

  @Test
  void create_adminInvitesOwnerUnderSingle_levelAboveOwnBeforeSingleOwnership() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);

    assertRefused(() -> policy.invites().create(bob, org, InviteRequest.to("erin@acme.com").level(OrgLevel.OWNER)),
        RuleViolationException.class, ErrorCode.LEVEL_ABOVE_OWN);
  }

  @Test
  void create_adminInvitesOwnerUnderMultiple_levelAboveOwn() {
    AccessPolicy policy = policy(PermissionMatrix.leastPrivilege());
    OrgId org = acme(policy);

    assertRefused(() -> policy.invites().create(bob, org, InviteRequest.to("erin@acme.com").level(OrgLevel.OWNER)),
        RuleViolationException.class, ErrorCode.LEVEL_ABOVE_OWN);
  }

  @Test
  void create_ownerInvitesOwnerUnderSingle_singleOwnership() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);

    assertRefused(() -> policy.invites().create(alice, org, InviteRequest.to("erin@acme.com").level(OrgLevel.OWNER)),
        RuleViolationException.class, ErrorCode.SINGLE_OWNERSHIP);
    assertThat(policy.invites().listPending(alice, org)).isEmpty();
  }

  @Test
  void create_ownerInvitesExistingMemberAsOwnerUnderSingle_singleOwnershipBeforeAlreadyMember() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);

    assertRefused(() -> policy.invites().create(alice, org, InviteRequest.to("carol@acme.com").level(OrgLevel.OWNER)),
        RuleViolationException.class, ErrorCode.SINGLE_OWNERSHIP);
  }

  @Test
  void create_ownerInvitesOwnerUnderMultiple_acceptedAsOwner() {
    AccessPolicy policy = policy(PermissionMatrix.leastPrivilege());
    OrgId org = acme(policy);

    IssuedInvite invite = policy.invites().create(alice, org, InviteRequest.to("erin@acme.com").level(OrgLevel.OWNER));
    Membership joined = policy.invites().accept(invite.token(), erin, "erin@acme.com");

    assertThat(joined.level()).isEqualTo(OrgLevel.OWNER);
    assertThat(policy.check(erin, Capability.DELETE_ORGANIZATION, org).allowed()).isTrue();
  }

  @Test
  void create_emailOfActiveMember_alreadyMember() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);

    assertRefused(() -> policy.invites().create(bob, org, InviteRequest.to("carol@acme.com")),
        RuleViolationException.class, ErrorCode.ALREADY_MEMBER);
    assertRefused(() -> policy.invites().create(bob, org, InviteRequest.to(" CAROL@Acme.com ")),
        RuleViolationException.class, ErrorCode.ALREADY_MEMBER);
    assertRefused(() -> policy.invites().create(bob, org, InviteRequest.to("alice@acme.com")),
        RuleViolationException.class, ErrorCode.ALREADY_MEMBER);
    assertThat(policy.invites().listPending(alice, org)).isEmpty();
  }

  /**
   * Issue 12 ("membership email"): the creator's membership must carry an email, or inviting the
   * creator's own address would not be recognized; a creator without one is refused.
   */
  @Test
  void createOrganization_creatorWithoutEmail_refused_soTheOwnersAddressIsAlwaysKnown() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    Principal noEmail = Principal.user(UserId.of("founder"));

    assertThatThrownBy(() -> policy.organizations().create(noEmail, "Acme Corp"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("creator").hasMessageContaining("email");
    assertThat(policy.organizations().list(noEmail)).isEmpty();

    Principal founder = noEmail.withEmail("founder@acme.com");
    OrgId org = policy.organizations().create(founder, "Acme Corp").id();
    assertThat(policy.members().get(founder, org, founder.userId()).email()).contains(EmailAddress.of("founder@acme.com"));
    assertRefused(() -> policy.invites().create(founder, org, InviteRequest.to("Founder@acme.com")),
        RuleViolationException.class, ErrorCode.ALREADY_MEMBER);
  }

  @Test
  void create_alreadyMemberCheckedBeforeGrants_alreadyMember() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);

    assertRefused(() -> policy.invites().create(alice, org,
            InviteRequest.to("carol@acme.com").grant(ProjectId.of("prj_missing"), ProjectRole.VIEWER)),
        RuleViolationException.class, ErrorCode.ALREADY_MEMBER);
  }

  @Test
  void create_emailOfExpiredMember_allowedAndRejoins() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);
    policy.members().setExpiry(alice, org, carol.userId(), clock.instant().plus(Duration.ofHours(1)));
    clock.advance(Duration.ofHours(1));

    IssuedInvite invite = policy.invites().create(alice, org, InviteRequest.to("carol@acme.com"));
    Membership rejoined = policy.invites().accept(invite.token(), carol, "carol@acme.com");

    assertThat(rejoined.expiresAt()).isEmpty();
    assertThat(policy.check(carol, Capability.VIEW_ORGANIZATION, org).allowed()).isTrue();
  }

  @Test
  void create_grantOnUnknownProject_notFound() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);

    assertRefused(() -> policy.invites().create(alice, org,
            InviteRequest.to("erin@acme.com").grant(ProjectId.of("prj_missing"), ProjectRole.VIEWER)),
        NotFoundException.class, ErrorCode.NOT_FOUND);
    assertThat(policy.invites().listPending(alice, org)).isEmpty();
  }

  @Test
  void create_grantOnProjectOfOtherOrganization_notFound() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);
    OrgId other = policy.organizations().create(alice, "Other Corp").id();
    Project foreign = policy.visibleProjects(alice, other).get(0).project();

    assertRefused(() -> policy.invites().create(alice, org,
            InviteRequest.to("erin@acme.com").grant(foreign.id(), ProjectRole.VIEWER)),
        NotFoundException.class, ErrorCode.NOT_FOUND);
  }

  @Test
  void create_grantOnProjectHiddenFromInviter_notFoundSameAsUnknown() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);
    Project secret = project(policy, alice, org, "Secret", Visibility.PRIVATE);

    Throwable hidden = thrown(() -> policy.invites().create(carol, org,
        InviteRequest.to("erin@acme.com").grant(secret.id(), ProjectRole.VIEWER)));
    Throwable missing = thrown(() -> policy.invites().create(carol, org,
        InviteRequest.to("erin@acme.com").grant(ProjectId.of("prj_missing"), ProjectRole.VIEWER)));

    assertThat(hidden).isInstanceOf(NotFoundException.class);
    assertThat(((WardenException) hidden).code()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(hidden.getMessage()).isEqualTo(missing.getMessage());
    assertThat(hidden.getMessage()).doesNotContain(secret.id().value()).doesNotContain("Secret");
  }

  @Test
  void create_grantWithoutManageProjectAccess_permissionDenied() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);
    Project open = policy.projects().create(alice, org, "Production");

    assertRefused(() -> policy.invites().create(carol, org,
            InviteRequest.to("erin@acme.com").grant(open.id(), ProjectRole.VIEWER)),
        PermissionDeniedException.class, ErrorCode.PERMISSION_DENIED);
    assertThat(policy.invites().listPending(alice, org)).isEmpty();
  }

  @Test
  void create_grantAboveInvitersRole_roleAboveOwn() {
    // Only a custom matrix lets a role below Admin manage access, so only there can a grant exceed it.
    PermissionMatrix membersManageAccess = PermissionMatrix.posthog().toBuilder()
        .grant(ProjectRole.MEMBER, Capability.MANAGE_PROJECT_ACCESS).build();
    AccessPolicy policy = policy(membersManageAccess);
    OrgId org = acme(policy);
    Project open = policy.projects().create(alice, org, "Production");

    assertRefused(() -> policy.invites().create(carol, org,
            InviteRequest.to("erin@acme.com").grant(open.id(), ProjectRole.ADMIN)),
        RuleViolationException.class, ErrorCode.ROLE_ABOVE_OWN);
    assertThat(policy.invites().listPending(alice, org)).isEmpty();

    IssuedInvite ok = policy.invites().create(carol, org, InviteRequest.to("erin@acme.com").grant(open.id(), ProjectRole.MEMBER));
    assertThat(ok.invite().grants()).containsExactly(new InviteGrant(open.id(), ProjectRole.MEMBER));
  }

  @Test
  void create_memberWithProjectAdminGrant_mayInviteWithAnyRoleThere() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);
    Project secret = project(policy, alice, org, "Secret", Visibility.PRIVATE);
    policy.grants().grant(alice, secret.id(), carol.userId(), ProjectRole.ADMIN);

    IssuedInvite invite = policy.invites().create(carol, org, InviteRequest.to("erin@acme.com").grant(secret.id(), ProjectRole.ADMIN));
    policy.invites().accept(invite.token(), erin, "erin@acme.com");

    assertThat(policy.check(erin, Capability.MANAGE_PROJECT_ACCESS, secret.id())).isEqualTo(Decision.allow(Reason.EXPLICIT_GRANT));
  }

  @Test
  void create_orgAdmin_anyProjectAnyRole() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);
    Project secret = project(policy, alice, org, "Secret", Visibility.PRIVATE);
    Project open = policy.projects().create(alice, org, "Production");

    IssuedInvite invite = policy.invites().create(bob, org, InviteRequest.to("erin@acme.com")
        .grant(secret.id(), ProjectRole.ADMIN).grant(open.id(), ProjectRole.VIEWER));

    assertThat(invite.invite().grants()).containsExactly(
        new InviteGrant(secret.id(), ProjectRole.ADMIN), new InviteGrant(open.id(), ProjectRole.VIEWER));
  }

  @Test
  void create_sameEmailAgain_replacesPendingInvite() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);
    IssuedInvite first = policy.invites().create(alice, org, InviteRequest.to("erin@acme.com"));

    IssuedInvite second = policy.invites().create(bob, org, InviteRequest.to("ERIN@acme.com").level(OrgLevel.ADMIN));

    assertThat(policy.invites().listPending(alice, org)).containsExactly(second.invite());
    assertRefused(() -> policy.invites().accept(first.token(), erin, "erin@acme.com"),
        NotFoundException.class, ErrorCode.INVITE_NOT_FOUND);
    assertThat(policy.invites().accept(second.token(), erin, "erin@acme.com").level()).isEqualTo(OrgLevel.ADMIN);
  }

  @Test
  void create_sameEmailAfterExpiry_replacesExpiredInvite() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);
    IssuedInvite first = policy.invites().create(alice, org, InviteRequest.to("erin@acme.com"));
    clock.advance(THREE_DAYS);

    IssuedInvite second = policy.invites().create(alice, org, InviteRequest.to("erin@acme.com"));

    assertRefused(() -> policy.invites().accept(first.token(), erin, "erin@acme.com"),
        NotFoundException.class, ErrorCode.INVITE_NOT_FOUND);
    assertThat(policy.invites().accept(second.token(), erin, "erin@acme.com").user()).isEqualTo(erin.userId());
  }

  @Test
  void create_sameEmailInAnotherOrganization_bothPending() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);
    OrgId other = policy.organizations().create(alice, "Other Corp").id();

    IssuedInvite here = policy.invites().create(alice, org, InviteRequest.to("erin@acme.com"));
    IssuedInvite there = policy.invites().create(alice, other, InviteRequest.to("erin@acme.com"));

    assertThat(policy.invites().listPending(alice, org)).containsExactly(here.invite());
    assertThat(policy.invites().listPending(alice, other)).containsExactly(there.invite());
    policy.invites().accept(here.token(), erin, "erin@acme.com");
    policy.invites().accept(there.token(), erin, "erin@acme.com");
    assertThat(policy.organizations().list(erin)).hasSize(2);
  }

  @Test
  void create_malformedEmail_illegalArgument() {
    assertThatThrownBy(() -> InviteRequest.to("erin@localhost")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("erin@localhost");
    assertThatThrownBy(() -> InviteRequest.to("erin.acme.com")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> InviteRequest.to("a@b@acme.com")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> InviteRequest.to("@acme.com")).isInstanceOf(IllegalArgumentException.class);
  }

  // ================================================================================ token

  @Test
  void token_issued_randomAtLeast128BitsAndDistinct() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);

    String first = policy.invites().create(alice, org, InviteRequest.to("erin@acme.com")).token();
    String second = policy.invites().create(alice, org, InviteRequest.to("frank@acme.com")).token();

    assertThat(first).isNotEqualTo(second);
    String random = first.substring(first.indexOf('_') + 1);
    assertThat(Base64.getUrlDecoder().decode(random).length * 8).isGreaterThanOrEqualTo(128);
  }

  @Test
  void token_toStringOfIssuedInviteAndInvite_neverContainsToken() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);

    IssuedInvite issued = policy.invites().create(alice, org, InviteRequest.to("erin@acme.com"));

    assertThat(issued.toString()).doesNotContain(issued.token()).contains("redacted");
    assertThat(issued.invite().toString()).doesNotContain(issued.token());
    assertThat(policy.invites().listPending(alice, org).toString()).doesNotContain(issued.token());
  }

  @Test
  void token_refusedAccepts_messagesNeverContainToken() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);
    IssuedInvite issued = policy.invites().create(alice, org, InviteRequest.to("erin@acme.com"));

    Throwable wrongRecipient = thrown(() -> policy.invites().accept(issued.token(), frank, "frank@acme.com"));
    Throwable unknown = thrown(() -> policy.invites().accept(issued.token() + "x", erin, "erin@acme.com"));

    assertThat(wrongRecipient.getMessage()).doesNotContain(issued.token());
    assertThat(unknown.getMessage()).doesNotContain(issued.token());
  }

  @Test
  void token_stored_onlyAsHash() {
    List<String> storedHashes = new CopyOnWriteArrayList<>();
    List<Object> storedInvites = new CopyOnWriteArrayList<>();
    Store recording = intercepting(InMemoryStore.create(), (type, method, args, proceed) -> {
      if (type == InviteRepository.class && method.getName().equals("insertReplacingUnused")) {
        storedInvites.add(args[0]);
        storedHashes.add((String) args[1]);
      }
      return proceed.get();
    });
    AccessPolicy policy = AccessPolicy.builder().store(recording).clock(clock).build();
    OrgId org = policy.organizations().create(alice, "Acme Corp").id();

    IssuedInvite issued = policy.invites().create(alice, org, InviteRequest.to("erin@acme.com"));

    assertThat(storedHashes).hasSize(1);
    assertThat(storedHashes.get(0)).isNotEqualTo(issued.token()).doesNotContain(issued.token().substring(4));
    assertThat(storedHashes.get(0)).hasSizeGreaterThanOrEqualTo(64);
    assertThat(storedInvites.get(0).toString()).doesNotContain(issued.token());
    assertThat(policy.invites().accept(issued.token(), erin, "erin@acme.com").user()).isEqualTo(erin.userId());
  }

  // ================================================================================ expiry

  @Test
  void accept_justBeforeThreeDays_accepted() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);
    IssuedInvite invite = policy.invites().create(alice, org, InviteRequest.to("erin@acme.com"));
    clock.advance(THREE_DAYS.minus(NANO));

    // Warden keeps microseconds (what databases store): joinedAt is the clock truncated to them.
    assertThat(policy.invites().accept(invite.token(), erin, "erin@acme.com").joinedAt())
        .isEqualTo(clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS));
  }

  @Test
  void accept_atExactlyThreeDays_inviteExpired() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);
    IssuedInvite invite = policy.invites().create(alice, org, InviteRequest.to("erin@acme.com"));
    clock.advance(THREE_DAYS);

    assertRefused(() -> policy.invites().accept(invite.token(), erin, "erin@acme.com"),
        RuleViolationException.class, ErrorCode.INVITE_EXPIRED);
    assertThat(policy.check(erin, Capability.VIEW_ORGANIZATION, org)).isEqualTo(Decision.notFound());
    assertThat(policy.invites().listPending(alice, org)).isEmpty();
  }

  @Test
  void listPending_atExpiry_expiredInviteLeftOut() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);
    IssuedInvite invite = policy.invites().create(alice, org, InviteRequest.to("erin@acme.com"));

    clock.advance(THREE_DAYS.minus(NANO));
    assertThat(policy.invites().listPending(alice, org)).containsExactly(invite.invite());
    clock.advance(NANO);
    assertThat(policy.invites().listPending(alice, org)).isEmpty();
  }

  @Test
  void accept_customValidity_expiresAfterIt() {
    AccessPolicy policy = AccessPolicy.builder().clock(clock).inviteValidity(Duration.ofHours(2)).build();
    OrgId org = policy.organizations().create(alice, "Acme Corp").id();
    IssuedInvite invite = policy.invites().create(alice, org, InviteRequest.to("erin@acme.com"));
    clock.advance(Duration.ofHours(2));

    assertThat(invite.invite().expiresAt()).isEqualTo(FakeClock.START.plus(Duration.ofHours(2)));
    assertRefused(() -> policy.invites().accept(invite.token(), erin, "erin@acme.com"),
        RuleViolationException.class, ErrorCode.INVITE_EXPIRED);
  }

  // ================================================================================ accept

  @Test
  void accept_valid_membershipAtLevelWithGrantsAndInviteConsumed() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);
    Project secret = project(policy, alice, org, "Secret", Visibility.PRIVATE);
    Project open = policy.projects().create(alice, org, "Production");
    IssuedInvite invite = policy.invites().create(bob, org, InviteRequest.to("erin@acme.com")
        .grant(secret.id(), ProjectRole.MEMBER).grant(open.id(), ProjectRole.VIEWER));
    clock.advance(Duration.ofHours(5));

    Membership joined = policy.invites().accept(invite.token(), erin, " Erin@Acme.COM ");

    assertThat(joined.organization()).isEqualTo(org);
    assertThat(joined.user()).isEqualTo(erin.userId());
    assertThat(joined.level()).isEqualTo(OrgLevel.MEMBER);
    assertThat(joined.email().orElseThrow().value()).isEqualTo("erin@acme.com");
    assertThat(joined.invitedBy()).contains(bob.userId());
    assertThat(joined.joinedAt()).isEqualTo(clock.instant());
    assertThat(joined.expiresAt()).isEmpty();
    assertThat(policy.check(erin, Capability.CREATE_CONTENT, secret.id())).isEqualTo(Decision.allow(Reason.EXPLICIT_GRANT));
    assertThat(policy.check(erin, Capability.CREATE_CONTENT, open.id())).isEqualTo(Decision.deny(Reason.ROLE_TOO_LOW));
    assertThat(policy.grants().list(alice, secret.id())).singleElement().satisfies(g -> {
      assertThat(g.user()).isEqualTo(erin.userId());
      assertThat(g.role()).isEqualTo(ProjectRole.MEMBER);
      assertThat(g.expiresAt()).isEmpty(); // invite grants carry no expiry
    });
    assertThat(policy.invites().listPending(alice, org)).isEmpty();
  }

  @Test
  void accept_unknownToken_inviteNotFound() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    acme(policy);

    assertRefused(() -> policy.invites().accept("inv_nonsense", erin, "erin@acme.com"),
        NotFoundException.class, ErrorCode.INVITE_NOT_FOUND);
  }

  @Test
  void accept_otherEmail_wrongRecipientAndInviteStillPending() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);
    IssuedInvite invite = policy.invites().create(alice, org, InviteRequest.to("erin@acme.com"));

    assertRefused(() -> policy.invites().accept(invite.token(), frank, "frank@acme.com"),
        RuleViolationException.class, ErrorCode.INVITE_WRONG_RECIPIENT);
    assertRefused(() -> policy.invites().accept(invite.token(), erin, "frank@acme.com"),
        RuleViolationException.class, ErrorCode.INVITE_WRONG_RECIPIENT);

    assertThat(policy.check(frank, Capability.VIEW_ORGANIZATION, org)).isEqualTo(Decision.notFound());
    assertThat(policy.invites().listPending(alice, org)).containsExactly(invite.invite());
  }

  @Test
  void accept_wrongEmailAndExpired_wrongRecipientCheckedFirst() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);
    IssuedInvite invite = policy.invites().create(alice, org, InviteRequest.to("erin@acme.com"));
    clock.advance(THREE_DAYS);

    assertRefused(() -> policy.invites().accept(invite.token(), frank, "frank@acme.com"),
        RuleViolationException.class, ErrorCode.INVITE_WRONG_RECIPIENT);
  }

  @Test
  void accept_usedAndExpired_expiredCheckedBeforeUsed() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);
    IssuedInvite invite = policy.invites().create(alice, org, InviteRequest.to("erin@acme.com"));
    policy.invites().accept(invite.token(), erin, "erin@acme.com");
    clock.advance(THREE_DAYS);

    assertRefused(() -> policy.invites().accept(invite.token(), erin, "erin@acme.com"),
        RuleViolationException.class, ErrorCode.INVITE_EXPIRED);
  }

  @Test
  void accept_twiceBySameUser_alreadyUsedCheckedBeforeAlreadyMember() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);
    IssuedInvite invite = policy.invites().create(alice, org, InviteRequest.to("erin@acme.com"));
    policy.invites().accept(invite.token(), erin, "erin@acme.com");

    assertRefused(() -> policy.invites().accept(invite.token(), erin, "erin@acme.com"),
        RuleViolationException.class, ErrorCode.INVITE_ALREADY_USED);
  }

  @Test
  void accept_usedInviteByAnotherUser_alreadyUsed() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);
    IssuedInvite invite = policy.invites().create(alice, org, InviteRequest.to("erin@acme.com"));
    policy.invites().accept(invite.token(), erin, "erin@acme.com");

    assertRefused(() -> policy.invites().accept(invite.token(), frank, "erin@acme.com"),
        RuleViolationException.class, ErrorCode.INVITE_ALREADY_USED);
    assertThat(policy.check(frank, Capability.VIEW_ORGANIZATION, org)).isEqualTo(Decision.notFound());
  }

  @Test
  void accept_usedTokenAfterNewInviteForSameEmail_stillAlreadyUsed() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);
    IssuedInvite used = policy.invites().create(alice, org, InviteRequest.to("erin@acme.com"));
    policy.invites().accept(used.token(), erin, "erin@acme.com");
    policy.members().leave(erin, org);

    policy.invites().create(alice, org, InviteRequest.to("erin@acme.com"));

    assertRefused(() -> policy.invites().accept(used.token(), erin, "erin@acme.com"),
        RuleViolationException.class, ErrorCode.INVITE_ALREADY_USED);
  }

  @Test
  void accept_acceptingUserAlreadyMember_alreadyMemberAndInviteStillPending() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);
    IssuedInvite invite = policy.invites().create(alice, org, InviteRequest.to("carol.other@acme.com").level(OrgLevel.ADMIN));

    assertRefused(() -> policy.invites().accept(invite.token(), carol, "carol.other@acme.com"),
        RuleViolationException.class, ErrorCode.ALREADY_MEMBER);

    assertThat(policy.members().get(alice, org, carol.userId()).level()).isEqualTo(OrgLevel.MEMBER);
    assertThat(policy.invites().listPending(alice, org)).containsExactly(invite.invite());
    Principal other = Principal.user(UserId.of("carol2"), "carol.other@acme.com");
    assertThat(policy.invites().accept(invite.token(), other, "carol.other@acme.com").level()).isEqualTo(OrgLevel.ADMIN);
  }

  @Test
  void accept_overExpiredUnsweptMembership_replacesItAndItsStaleGrants() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);
    Project secret = project(policy, alice, org, "Secret", Visibility.PRIVATE);
    Project other = project(policy, alice, org, "Other", Visibility.PRIVATE);
    policy.grants().grant(alice, secret.id(), carol.userId(), ProjectRole.ADMIN);
    policy.members().setExpiry(alice, org, carol.userId(), clock.instant().plus(Duration.ofHours(1)));
    clock.advance(Duration.ofDays(1));
    IssuedInvite invite = policy.invites().create(bob, org, InviteRequest.to("carol@acme.com").grant(other.id(), ProjectRole.VIEWER));

    Membership rejoined = policy.invites().accept(invite.token(), carol, "carol@acme.com");

    assertThat(rejoined.expiresAt()).isEmpty();
    assertThat(rejoined.joinedAt()).isEqualTo(clock.instant());
    assertThat(rejoined.invitedBy()).contains(bob.userId());
    assertThat(policy.check(carol, Capability.VIEW_DATA, secret.id())).isEqualTo(Decision.notFound());
    assertThat(policy.grants().list(alice, secret.id())).isEmpty();
    assertThat(policy.check(carol, Capability.VIEW_DATA, other.id())).isEqualTo(Decision.allow(Reason.EXPLICIT_GRANT));
  }

  @Test
  void accept_grantOnProjectDeletedMeanwhile_skippedAndOthersApplied() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);
    Project doomed = project(policy, alice, org, "Doomed", Visibility.PRIVATE);
    Project kept = project(policy, alice, org, "Kept", Visibility.PRIVATE);
    IssuedInvite invite = policy.invites().create(alice, org, InviteRequest.to("erin@acme.com")
        .grant(doomed.id(), ProjectRole.MEMBER).grant(kept.id(), ProjectRole.VIEWER));
    policy.projects().delete(alice, doomed.id());

    Membership joined = policy.invites().accept(invite.token(), erin, "erin@acme.com");

    assertThat(joined.user()).isEqualTo(erin.userId());
    assertThat(policy.check(erin, Capability.VIEW_DATA, doomed.id())).isEqualTo(Decision.notFound());
    assertThat(policy.check(erin, Capability.VIEW_DATA, kept.id())).isEqualTo(Decision.allow(Reason.EXPLICIT_GRANT));
    assertThat(policy.visibleProjects(erin, org)).extracting(v -> v.project().id())
        .contains(kept.id()).doesNotContain(doomed.id());
  }

  @Test
  void accept_organizationDeleted_inviteNotFound() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);
    IssuedInvite invite = policy.invites().create(alice, org, InviteRequest.to("erin@acme.com"));
    policy.organizations().delete(alice, org);

    assertRefused(() -> policy.invites().accept(invite.token(), erin, "erin@acme.com"),
        NotFoundException.class, ErrorCode.INVITE_NOT_FOUND);
    assertThat(policy.organizations().list(erin)).isEmpty();
  }

  @Test
  void accept_inviteSentByMemberRemovedSince_stillValid() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);
    IssuedInvite invite = policy.invites().create(carol, org, InviteRequest.to("erin@acme.com"));
    policy.members().remove(alice, org, carol.userId());

    Membership joined = policy.invites().accept(invite.token(), erin, "erin@acme.com");

    assertThat(joined.invitedBy()).contains(carol.userId());
    assertThat(policy.check(erin, Capability.VIEW_ORGANIZATION, org).allowed()).isTrue();
  }

  @Test
  void accept_noLevelGiven_joinsAsMember() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);
    IssuedInvite invite = policy.invites().create(alice, org, InviteRequest.to("erin@acme.com"));

    assertThat(policy.invites().accept(invite.token(), erin, "erin@acme.com").level()).isEqualTo(OrgLevel.MEMBER);
    assertThat(policy.check(erin, Capability.CREATE_PROJECT, org)).isEqualTo(Decision.deny(Reason.LEVEL_TOO_LOW));
  }

  @Test
  void accept_concurrentlyByTwoUsers_exactlyOneSucceeds() throws Exception {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);
    for (int round = 0; round < 20; round++) {
      String email = "guest" + round + "@acme.com";
      IssuedInvite invite = policy.invites().create(alice, org, InviteRequest.to(email));
      Principal first = Principal.user(UserId.of("first" + round), email);
      Principal second = Principal.user(UserId.of("second" + round), email);
      CountDownLatch start = new CountDownLatch(1);
      Callable<Object> a = () -> acceptOrError(policy, start, invite.token(), first, email);
      Callable<Object> b = () -> acceptOrError(policy, start, invite.token(), second, email);
      Future<Object> fa = executor.submit(a);
      Future<Object> fb = executor.submit(b);
      start.countDown();
      List<Object> results = List.of(fa.get(10, TimeUnit.SECONDS), fb.get(10, TimeUnit.SECONDS));

      assertThat(results).filteredOn(r -> r instanceof Membership).hasSize(1);
      assertThat(results).filteredOn(r -> r instanceof ErrorCode).containsExactly(ErrorCode.INVITE_ALREADY_USED);
      long joined = policy.members().list(alice, org).stream()
          .filter(m -> m.user().equals(first.userId()) || m.user().equals(second.userId())).count();
      assertThat(joined).isEqualTo(1);
    }
  }

  private static Object acceptOrError(AccessPolicy policy, CountDownLatch start, String token, Principal who, String email)
      throws InterruptedException {
    start.await();
    try {
      return policy.invites().accept(token, who, email);
    } catch (WardenException e) {
      return e.code();
    }
  }

  @Test
  void accept_nullArguments_nullPointer() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());

    assertThatThrownBy(() -> policy.invites().accept(null, erin, "erin@acme.com")).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> policy.invites().accept("inv_x", null, "erin@acme.com")).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> policy.invites().accept("inv_x", erin, null)).isInstanceOf(NullPointerException.class);
  }

  // ================================================================================ list, revoke

  @Test
  void listPending_anyMember_creationOrderWithoutUsedOrRevoked() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);
    IssuedInvite erinInvite = policy.invites().create(alice, org, InviteRequest.to("erin@acme.com"));
    clock.advance(Duration.ofMinutes(1));
    IssuedInvite frankInvite = policy.invites().create(alice, org, InviteRequest.to("frank@acme.com"));
    clock.advance(Duration.ofMinutes(1));
    IssuedInvite ginaInvite = policy.invites().create(alice, org, InviteRequest.to("gina@acme.com"));
    clock.advance(Duration.ofMinutes(1));
    IssuedInvite hankInvite = policy.invites().create(alice, org, InviteRequest.to("hank@acme.com"));

    policy.invites().accept(frankInvite.token(), frank, "frank@acme.com");
    policy.invites().revoke(alice, org, hankInvite.id());

    assertThat(policy.invites().listPending(carol, org)).containsExactly(erinInvite.invite(), ginaInvite.invite());
  }

  @Test
  void listPending_memberWhoCannotSeeProject_grantsOnHiddenProjectLeftOut() {
    // SPEC §2.3: a hidden project "is absent from every list"; §11: messages never reveal whether a
    // hidden object exists. A Member may list pending invites, so the invites must not name it.
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);
    Project secret = project(policy, alice, org, "Secret", Visibility.PRIVATE);
    Project open = policy.projects().create(alice, org, "Production");
    policy.invites().create(alice, org, InviteRequest.to("erin@acme.com")
        .grant(secret.id(), ProjectRole.ADMIN).grant(open.id(), ProjectRole.VIEWER));

    List<Invite> seenByCarol = policy.invites().listPending(carol, org);

    assertThat(seenByCarol).hasSize(1);
    assertThat(seenByCarol.get(0).grants()).extracting(InviteGrant::project)
        .contains(open.id())
        .doesNotContain(secret.id());
    assertThat(policy.invites().listPending(alice, org).get(0).grants()).extracting(InviteGrant::project)
        .containsExactly(secret.id(), open.id());
  }

  @Test
  void listPending_nonMember_notFound() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);

    assertRefused(() -> policy.invites().listPending(erin, org), NotFoundException.class, ErrorCode.NOT_FOUND);
  }

  @Test
  void revoke_admin_tokenAnswersInviteNotFound() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);
    IssuedInvite invite = policy.invites().create(carol, org, InviteRequest.to("erin@acme.com"));

    policy.invites().revoke(bob, org, invite.id());

    assertThat(policy.invites().listPending(alice, org)).isEmpty();
    assertRefused(() -> policy.invites().accept(invite.token(), erin, "erin@acme.com"),
        NotFoundException.class, ErrorCode.INVITE_NOT_FOUND);
  }

  @Test
  void revoke_memberUnderPosthog_permissionDeniedAndInviteStillPending() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);
    IssuedInvite invite = policy.invites().create(carol, org, InviteRequest.to("erin@acme.com"));

    assertRefused(() -> policy.invites().revoke(carol, org, invite.id()),
        PermissionDeniedException.class, ErrorCode.PERMISSION_DENIED);
    assertThat(policy.invites().listPending(alice, org)).containsExactly(invite.invite());
  }

  @Test
  void revoke_unknownInvite_inviteNotFound() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);

    assertRefused(() -> policy.invites().revoke(alice, org, InviteId.of("inv_missing")),
        NotFoundException.class, ErrorCode.INVITE_NOT_FOUND);
  }

  @Test
  void revoke_twice_secondInviteNotFound() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);
    IssuedInvite invite = policy.invites().create(alice, org, InviteRequest.to("erin@acme.com"));
    policy.invites().revoke(alice, org, invite.id());

    assertRefused(() -> policy.invites().revoke(alice, org, invite.id()), NotFoundException.class, ErrorCode.INVITE_NOT_FOUND);
  }

  @Test
  void revoke_acceptedInvite_inviteNotFoundAndMembershipKept() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);
    IssuedInvite invite = policy.invites().create(alice, org, InviteRequest.to("erin@acme.com"));
    policy.invites().accept(invite.token(), erin, "erin@acme.com");

    assertRefused(() -> policy.invites().revoke(alice, org, invite.id()), NotFoundException.class, ErrorCode.INVITE_NOT_FOUND);
    assertThat(policy.check(erin, Capability.VIEW_ORGANIZATION, org).allowed()).isTrue();
  }

  @Test
  void revoke_expiredInvite_inviteNotFound() {
    // SPEC §15: "Revoking an invite with none pending is INVITE_NOT_FOUND"; an expired invite is not pending.
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);
    IssuedInvite invite = policy.invites().create(alice, org, InviteRequest.to("erin@acme.com"));
    clock.advance(THREE_DAYS);

    assertRefused(() -> policy.invites().revoke(alice, org, invite.id()), NotFoundException.class, ErrorCode.INVITE_NOT_FOUND);
  }

  @Test
  void revoke_inviteOfAnotherOrganization_inviteNotFoundAndInviteKept() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);
    OrgId other = policy.organizations().create(alice, "Other Corp").id();
    IssuedInvite invite = policy.invites().create(alice, other, InviteRequest.to("erin@acme.com"));

    assertRefused(() -> policy.invites().revoke(alice, org, invite.id()), NotFoundException.class, ErrorCode.INVITE_NOT_FOUND);
    assertThat(policy.invites().listPending(alice, other)).containsExactly(invite.invite());
  }
}
