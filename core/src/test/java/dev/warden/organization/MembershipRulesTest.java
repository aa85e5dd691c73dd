package dev.warden.organization;

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
import dev.warden.invite.InviteRequest;
import dev.warden.invite.IssuedInvite;
import dev.warden.matrix.Capability;
import dev.warden.matrix.PermissionMatrix;
import dev.warden.memory.InMemoryStore;
import dev.warden.project.Project;
import dev.warden.project.ProjectGrant;
import dev.warden.project.ProjectRole;
import dev.warden.project.Visibility;
import dev.warden.project.VisibleProject;
import dev.warden.report.SweepReport;
import dev.warden.spi.MemberJoined;
import dev.warden.spi.MembershipRepository;
import dev.warden.spi.Notifier;
import dev.warden.spi.ProjectRepository;
import dev.warden.spi.Store;
import dev.warden.testing.FakeClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * SPEC §3 and the "Levels and ownership" and "Notifications" parts of §15: creating, renaming and
 * deleting organizations, level changes in their documented check order, ownership, leaving and
 * removal, expiring memberships and member-joined notifications.
 */
class MembershipRulesTest {
  private static final Duration HOUR = Duration.ofHours(1);
  private static final Duration NANO = Duration.ofNanos(1);

  private final FakeClock clock = FakeClock.create();
  private final List<MemberJoined> notified = new CopyOnWriteArrayList<>();
  private final Notifier recording = notified::add;

  private final Principal alice = Principal.user(UserId.of("alice"), "alice@acme.com");
  private final Principal bob = Principal.user(UserId.of("bob"), "bob@acme.com");
  private final Principal carol = Principal.user(UserId.of("carol"), "carol@acme.com");
  private final Principal dave = Principal.user(UserId.of("dave"), "dave@acme.com");
  private final Principal erin = Principal.user(UserId.of("erin"), "erin@acme.com");

  private AccessPolicy policy(PermissionMatrix matrix) {
    return AccessPolicy.builder().clock(clock).matrix(matrix).notifier(recording).build();
  }

  /** An organization of alice (Owner) with bob (Admin), carol and dave (Members); notifications so far cleared. */
  private OrgId acme(AccessPolicy policy) {
    OrgId org = policy.organizations().create(alice, "Acme Corp").id();
    join(policy, alice, org, bob, OrgLevel.ADMIN);
    join(policy, alice, org, carol, OrgLevel.MEMBER);
    join(policy, alice, org, dave, OrgLevel.MEMBER);
    notified.clear();
    return org;
  }

  private Membership member(AccessPolicy policy, OrgId org, Principal who) {
    return policy.members().get(alice, org, who.userId());
  }

  private static OrgLevel level(AccessPolicy policy, OrgId org, Principal who) {
    return policy.members().get(who, org, who.userId()).level();
  }

  private static Project defaultProject(AccessPolicy policy, Principal owner, OrgId org) {
    return policy.visibleProjects(owner, org).get(0).project();
  }

  // ================================================================================ create

  @Test
  void create_anyUser_creatorIsOwnerWithoutExpiry() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());

    Organization org = policy.organizations().create(alice, "Acme Corp");

    Membership owner = policy.members().get(alice, org.id(), alice.userId());
    assertThat(owner.level()).isEqualTo(OrgLevel.OWNER);
    assertThat(owner.expiresAt()).isEmpty();
    assertThat(owner.joinedAt()).isEqualTo(FakeClock.START);
    assertThat(policy.members().list(alice, org.id())).extracting(Membership::user).containsExactly(alice.userId());
    assertThat(policy.check(alice, Capability.DELETE_ORGANIZATION, org.id())).isEqualTo(Decision.allow(Reason.ORG_LEVEL));
  }

  @Test
  void create_anyUser_defaultProjectCreatedWithIt() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());

    Organization org = policy.organizations().create(alice, "Acme Corp");

    List<VisibleProject> projects = policy.visibleProjects(alice, org.id());
    assertThat(projects).hasSize(1);
    assertThat(projects.get(0).project().name()).isEqualTo("Default Project");
    assertThat(projects.get(0).project().organization()).isEqualTo(org.id());
    assertThat(projects.get(0).role()).isEqualTo(ProjectRole.ADMIN);
    assertThat(projects.get(0).source()).isEqualTo(Reason.ORG_ADMIN);
  }

  @Test
  void create_posthog_defaultProjectOpenToMembers() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);
    Project defaultProject = defaultProject(policy, alice, org);

    assertThat(defaultProject.visibility()).isEqualTo(Visibility.OPEN);
    assertThat(policy.visibleProjects(carol, org)).extracting(VisibleProject::project).containsExactly(defaultProject);
    assertThat(policy.check(carol, Capability.CREATE_CONTENT, defaultProject.id())).isEqualTo(Decision.allow(Reason.DEFAULT_ROLE));
  }

  @Test
  void create_leastPrivilege_defaultProjectPrivate() {
    AccessPolicy policy = policy(PermissionMatrix.leastPrivilege());
    OrgId org = acme(policy);
    Project defaultProject = defaultProject(policy, alice, org);

    assertThat(defaultProject.name()).isEqualTo("Default Project");
    assertThat(defaultProject.visibility()).isEqualTo(Visibility.PRIVATE);
    assertThat(policy.visibleProjects(carol, org)).isEmpty();
    assertThat(policy.check(carol, Capability.VIEW_DATA, defaultProject.id())).isEqualTo(Decision.notFound());
    assertThat(policy.check(bob, Capability.VIEW_DATA, defaultProject.id())).isEqualTo(Decision.allow(Reason.ORG_ADMIN));
  }

  @Test
  void create_nameWithSurroundingSpace_stripped() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());

    assertThat(policy.organizations().create(alice, "  Acme Corp \t").name()).isEqualTo("Acme Corp");
    assertThat(policy.organizations().create(alice, "x".repeat(64)).name()).hasSize(64);
  }

  @Test
  void create_blankOrTooLongName_illegalArgumentAndNothingCreated() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());

    assertThatThrownBy(() -> policy.organizations().create(alice, "   "))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("organization name");
    assertThatThrownBy(() -> policy.organizations().create(alice, "x".repeat(65)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("organization name");
    assertThatThrownBy(() -> policy.organizations().create(alice, null)).isInstanceOf(NullPointerException.class);
    assertThat(policy.organizations().list(alice)).isEmpty();
  }

  @Test
  void create_defaultProjectInsertFails_noOrganizationLeft() {
    InMemoryStore memory = InMemoryStore.create();
    Store failing = intercepting(memory, (type, method, args, proceed) -> {
      if (type == ProjectRepository.class && method.getName().equals("insert")) {
        throw new IllegalStateException("disk full");
      }
      return proceed.get();
    });
    AccessPolicy policy = AccessPolicy.builder().store(failing).clock(clock).build();

    assertThatThrownBy(() -> policy.organizations().create(alice, "Acme Corp")).hasMessageContaining("disk full");

    assertThat(policy.organizations().list(alice)).isEmpty();
    List<OrgId> orgIds = memory.inTransaction(tx -> tx.organizations().listIds());
    List<Membership> memberships = memory.inTransaction(tx -> tx.memberships().listByUser(alice.userId()));
    assertThat(orgIds).isEmpty();
    assertThat(memberships).isEmpty();
  }

  @Test
  void create_organization_notifiesNobody() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());

    policy.organizations().create(alice, "Acme Corp");

    assertThat(notified).isEmpty();
  }

  // ================================================================================ rename, delete

  @Test
  void rename_admin_renamedAndStripped() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);

    policy.organizations().rename(bob, org, "  Acme Inc  ");

    assertThat(policy.organizations().get(carol, org).name()).isEqualTo("Acme Inc");
  }

  @Test
  void rename_member_permissionDeniedAndNameUnchanged() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);

    assertRefused(() -> policy.organizations().rename(carol, org, "Carol Corp"),
        PermissionDeniedException.class, ErrorCode.PERMISSION_DENIED);
    assertThat(policy.organizations().get(carol, org).name()).isEqualTo("Acme Corp");
  }

  @Test
  void rename_nonMember_notFoundLikeMissingOrganization() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);

    Throwable hidden = thrown(() -> policy.organizations().rename(erin, org, "Erin Corp"));
    Throwable missing = thrown(() -> policy.organizations().rename(erin, OrgId.of("org_missing"), "Erin Corp"));

    assertThat(hidden).isInstanceOf(NotFoundException.class);
    assertThat(((WardenException) hidden).code()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(hidden.getClass()).isEqualTo(missing.getClass());
    assertThat(hidden.getMessage()).isEqualTo(missing.getMessage());
    assertThat(policy.organizations().get(alice, org).name()).isEqualTo("Acme Corp");
  }

  @Test
  void rename_invalidName_illegalArgumentAndNameUnchanged() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);

    assertThatThrownBy(() -> policy.organizations().rename(alice, org, "")).isInstanceOf(IllegalArgumentException.class);
    assertThat(policy.organizations().get(alice, org).name()).isEqualTo("Acme Corp");
  }

  @Test
  void delete_owner_organizationAndEverythingInItGone() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);
    Project project = policy.projects().create(alice, org, "Production");
    IssuedInvite pending = policy.invites().create(alice, org, InviteRequest.to("erin@acme.com"));

    policy.organizations().delete(alice, org);

    assertThat(policy.check(alice, Capability.VIEW_ORGANIZATION, org)).isEqualTo(Decision.notFound());
    assertThat(policy.check(bob, Capability.VIEW_ORGANIZATION, org)).isEqualTo(Decision.notFound());
    assertThat(policy.check(alice, Capability.VIEW_DATA, project.id())).isEqualTo(Decision.notFound());
    assertThat(policy.organizations().list(alice)).isEmpty();
    assertThat(policy.organizations().list(carol)).isEmpty();
    assertThat(policy.resolveProjectToken(project.token())).isEmpty();
    assertRefused(() -> policy.invites().accept(pending.token(), erin, "erin@acme.com"),
        NotFoundException.class, ErrorCode.INVITE_NOT_FOUND);
    assertRefused(() -> policy.organizations().get(alice, org), NotFoundException.class, ErrorCode.NOT_FOUND);
  }

  @Test
  void delete_admin_permissionDeniedAndOrganizationKept() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);

    assertRefused(() -> policy.organizations().delete(bob, org), PermissionDeniedException.class, ErrorCode.PERMISSION_DENIED);
    assertRefused(() -> policy.organizations().delete(carol, org), PermissionDeniedException.class, ErrorCode.PERMISSION_DENIED);

    assertThat(policy.check(carol, Capability.VIEW_ORGANIZATION, org).allowed()).isTrue();
    assertThat(policy.visibleProjects(alice, org)).hasSize(1);
  }

  @Test
  void delete_ownerUnderMultiple_anyOwnerMayDelete() {
    AccessPolicy policy = policy(PermissionMatrix.leastPrivilege());
    OrgId org = acme(policy);
    policy.members().changeLevel(alice, org, bob.userId(), OrgLevel.OWNER);

    policy.organizations().delete(bob, org);

    assertThat(policy.check(alice, Capability.VIEW_ORGANIZATION, org)).isEqualTo(Decision.notFound());
  }

  // ================================================================================ level changes

  @Test
  void changeLevel_memberActor_permissionDeniedAndTargetUnchanged() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);

    assertRefused(() -> policy.members().changeLevel(carol, org, dave.userId(), OrgLevel.ADMIN),
        PermissionDeniedException.class, ErrorCode.PERMISSION_DENIED);
    assertRefused(() -> policy.members().changeLevel(carol, org, dave.userId(), OrgLevel.MEMBER),
        PermissionDeniedException.class, ErrorCode.PERMISSION_DENIED);

    assertThat(level(policy, org, dave)).isEqualTo(OrgLevel.MEMBER);
  }

  @Test
  void changeLevel_nonMemberActor_notFound() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);

    assertRefused(() -> policy.members().changeLevel(erin, org, dave.userId(), OrgLevel.ADMIN),
        NotFoundException.class, ErrorCode.NOT_FOUND);
  }

  @Test
  void changeLevel_targetNotMember_notAMember() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);

    assertRefused(() -> policy.members().changeLevel(alice, org, erin.userId(), OrgLevel.ADMIN),
        RuleViolationException.class, ErrorCode.NOT_A_MEMBER);
  }

  @Test
  void changeLevel_targetMembershipExpired_notAMember() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);
    policy.members().setExpiry(alice, org, carol.userId(), clock.instant().plus(HOUR));
    clock.advance(HOUR);

    assertRefused(() -> policy.members().changeLevel(alice, org, carol.userId(), OrgLevel.ADMIN),
        RuleViolationException.class, ErrorCode.NOT_A_MEMBER);
    assertThat(policy.check(carol, Capability.VIEW_ORGANIZATION, org)).isEqualTo(Decision.notFound());
  }

  @Test
  void changeLevel_adminChangesOwnLevel_cannotChangeOwnLevel() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);

    assertRefused(() -> policy.members().changeLevel(bob, org, bob.userId(), OrgLevel.MEMBER),
        RuleViolationException.class, ErrorCode.CANNOT_CHANGE_OWN_LEVEL);
    assertThat(level(policy, org, bob)).isEqualTo(OrgLevel.ADMIN);
  }

  @Test
  void changeLevel_adminPromotesSelfToOwner_cannotChangeOwnLevelCheckedBeforeLevelAboveOwn() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);

    assertRefused(() -> policy.members().changeLevel(bob, org, bob.userId(), OrgLevel.OWNER),
        RuleViolationException.class, ErrorCode.CANNOT_CHANGE_OWN_LEVEL);
    assertThat(level(policy, org, bob)).isEqualTo(OrgLevel.ADMIN);
  }

  @Test
  void changeLevel_ownerDemotesSelf_cannotChangeOwnLevel() {
    AccessPolicy policy = policy(PermissionMatrix.leastPrivilege());
    OrgId org = acme(policy);
    policy.members().changeLevel(alice, org, bob.userId(), OrgLevel.OWNER);

    assertRefused(() -> policy.members().changeLevel(alice, org, alice.userId(), OrgLevel.ADMIN),
        RuleViolationException.class, ErrorCode.CANNOT_CHANGE_OWN_LEVEL);
    assertThat(level(policy, org, alice)).isEqualTo(OrgLevel.OWNER);
  }

  @Test
  void changeLevel_adminPromotesToOwner_levelAboveOwn() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);

    // LEVEL_ABOVE_OWN is checked before SINGLE_OWNERSHIP.
    assertRefused(() -> policy.members().changeLevel(bob, org, carol.userId(), OrgLevel.OWNER),
        RuleViolationException.class, ErrorCode.LEVEL_ABOVE_OWN);
    assertThat(level(policy, org, carol)).isEqualTo(OrgLevel.MEMBER);
  }

  @Test
  void changeLevel_adminUnderMultiplePromotesToOwner_levelAboveOwn() {
    AccessPolicy policy = policy(PermissionMatrix.leastPrivilege());
    OrgId org = acme(policy);

    assertRefused(() -> policy.members().changeLevel(bob, org, carol.userId(), OrgLevel.OWNER),
        RuleViolationException.class, ErrorCode.LEVEL_ABOVE_OWN);
    assertThat(level(policy, org, carol)).isEqualTo(OrgLevel.MEMBER);
  }

  @Test
  void changeLevel_adminDemotesOwner_levelAboveOwn() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);

    assertRefused(() -> policy.members().changeLevel(bob, org, alice.userId(), OrgLevel.MEMBER),
        RuleViolationException.class, ErrorCode.LEVEL_ABOVE_OWN);
    assertThat(level(policy, org, alice)).isEqualTo(OrgLevel.OWNER);
  }

  @Test
  void changeLevel_adminPromotesMemberToAdmin_changed() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);

    Membership changed = policy.members().changeLevel(bob, org, carol.userId(), OrgLevel.ADMIN);

    assertThat(changed.level()).isEqualTo(OrgLevel.ADMIN);
    assertThat(level(policy, org, carol)).isEqualTo(OrgLevel.ADMIN);
    assertThat(policy.check(carol, Capability.MANAGE_MEMBERS, org)).isEqualTo(Decision.allow(Reason.ORG_LEVEL));
  }

  @Test
  void changeLevel_adminDemotesOtherAdmin_changedAndVisibleToNextCheck() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);
    policy.members().changeLevel(alice, org, carol.userId(), OrgLevel.ADMIN);
    assertThat(policy.check(carol, Capability.MANAGE_MEMBERS, org).allowed()).isTrue();

    policy.members().changeLevel(bob, org, carol.userId(), OrgLevel.MEMBER);

    assertThat(policy.check(carol, Capability.MANAGE_MEMBERS, org)).isEqualTo(Decision.deny(Reason.LEVEL_TOO_LOW));
  }

  @Test
  void changeLevel_ownerPromotesToOwnerUnderSingle_singleOwnership() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);

    assertRefused(() -> policy.members().changeLevel(alice, org, bob.userId(), OrgLevel.OWNER),
        RuleViolationException.class, ErrorCode.SINGLE_OWNERSHIP);
    assertThat(level(policy, org, bob)).isEqualTo(OrgLevel.ADMIN);
    assertThat(level(policy, org, alice)).isEqualTo(OrgLevel.OWNER);
  }

  @Test
  void changeLevel_ownerPromotesToOwnerUnderMultiple_twoOwners() {
    AccessPolicy policy = policy(PermissionMatrix.leastPrivilege());
    OrgId org = acme(policy);

    policy.members().changeLevel(alice, org, bob.userId(), OrgLevel.OWNER);

    assertThat(policy.members().list(alice, org)).filteredOn(m -> m.level() == OrgLevel.OWNER)
        .extracting(Membership::user).containsExactly(alice.userId(), bob.userId());
    assertThat(policy.check(bob, Capability.DELETE_ORGANIZATION, org).allowed()).isTrue();
  }

  @Test
  void changeLevel_ownerDemotesOtherOwnerUnderMultiple_demoted() {
    AccessPolicy policy = policy(PermissionMatrix.leastPrivilege());
    OrgId org = acme(policy);
    policy.members().changeLevel(alice, org, bob.userId(), OrgLevel.OWNER);

    policy.members().changeLevel(bob, org, alice.userId(), OrgLevel.MEMBER);

    assertThat(level(policy, org, alice)).isEqualTo(OrgLevel.MEMBER);
    assertThat(level(policy, org, bob)).isEqualTo(OrgLevel.OWNER);
  }

  @Test
  void changeLevel_demotedOwnerUnderMultiple_cannotDemoteRemainingOwner() {
    AccessPolicy policy = policy(PermissionMatrix.leastPrivilege());
    OrgId org = acme(policy);
    policy.members().changeLevel(alice, org, bob.userId(), OrgLevel.OWNER);
    policy.members().changeLevel(alice, org, bob.userId(), OrgLevel.ADMIN);

    assertRefused(() -> policy.members().changeLevel(bob, org, alice.userId(), OrgLevel.ADMIN),
        RuleViolationException.class, ErrorCode.LEVEL_ABOVE_OWN);
    assertThat(policy.members().list(alice, org)).filteredOn(m -> m.level() == OrgLevel.OWNER)
        .extracting(Membership::user).containsExactly(alice.userId());
  }

  @Test
  void changeLevel_storeRefusesDemotingLastOwner_lastOwnerAndOwnerKept() {
    // With a consistent store the engine never asks for this (an Owner editing another Owner implies two
    // Owners), so a test store makes the engine's snapshot show a phantom second Owner "zed". The store's
    // own atomic guard then refuses to demote the only real Owner, which must surface as LAST_OWNER.
    UserId zed = UserId.of("zed");
    InMemoryStore memory = InMemoryStore.create();
    // Created through a policy of its own: a new organization's snapshot is built from its writes, so
    // the phantom shows only in the snapshot the phantom policy loads.
    OrgId org = AccessPolicy.builder().store(memory).clock(clock).matrix(PermissionMatrix.leastPrivilege()).build()
        .organizations().create(alice, "Acme Corp").id();
    Store phantomOwner = intercepting(memory, (type, method, args, proceed) -> {
      Object result = proceed.get();
      if (type == MembershipRepository.class && method.getName().equals("listByOrganization")) {
        List<Membership> members = new ArrayList<>(castList(result));
        members.add(new Membership((OrgId) args[0], zed, Optional.empty(), OrgLevel.OWNER, Optional.empty(),
            Optional.empty(), FakeClock.START, Optional.empty()));
        return members;
      }
      return result;
    });
    AccessPolicy policy = AccessPolicy.builder().store(phantomOwner).clock(clock).matrix(PermissionMatrix.leastPrivilege()).build();

    assertRefused(() -> policy.members().changeLevel(Principal.user(zed), org, alice.userId(), OrgLevel.ADMIN),
        RuleViolationException.class, ErrorCode.LAST_OWNER);
    assertThat(level(policy, org, alice)).isEqualTo(OrgLevel.OWNER);
  }

  @Test
  void changeLevel_expiringMemberToOwnerUnderMultiple_ownerCannotExpire() {
    AccessPolicy policy = policy(PermissionMatrix.leastPrivilege());
    OrgId org = acme(policy);
    Instant end = clock.instant().plus(Duration.ofDays(30));
    policy.members().setExpiry(alice, org, carol.userId(), end);

    assertRefused(() -> policy.members().changeLevel(alice, org, carol.userId(), OrgLevel.OWNER),
        RuleViolationException.class, ErrorCode.OWNER_CANNOT_EXPIRE);
    assertThat(member(policy, org, carol).level()).isEqualTo(OrgLevel.MEMBER);
    assertThat(member(policy, org, carol).expiresAt()).contains(end);
  }

  @Test
  void changeLevel_sameLevel_noOpReturnsUnchangedMembership() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);
    Membership before = member(policy, org, carol);

    Membership result = policy.members().changeLevel(bob, org, carol.userId(), OrgLevel.MEMBER);

    assertThat(result).isEqualTo(before);
    assertThat(member(policy, org, carol)).isEqualTo(before);
  }

  @Test
  void changeLevel_ownerToOwnerUnderMultiple_noOp() {
    AccessPolicy policy = policy(PermissionMatrix.leastPrivilege());
    OrgId org = acme(policy);
    Membership bobOwner = policy.members().changeLevel(alice, org, bob.userId(), OrgLevel.OWNER);

    assertThat(policy.members().changeLevel(alice, org, bob.userId(), OrgLevel.OWNER)).isEqualTo(bobOwner);
  }

  @Test
  void changeLevel_nullLevel_nullPointer() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);

    assertThatThrownBy(() -> policy.members().changeLevel(alice, org, carol.userId(), null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("level");
  }

  @Test
  void setNote_adminOnMember_noteStrippedAndClearedByEmpty() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);

    assertThat(policy.members().setNote(bob, org, carol.userId(), "  Marketing Consultant ").note()).contains("Marketing Consultant");
    assertThat(member(policy, org, carol).note()).contains("Marketing Consultant");
    assertThat(policy.members().setNote(bob, org, carol.userId(), "").note()).isEmpty();
  }

  @Test
  void setNote_memberActor_permissionDenied() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);

    assertRefused(() -> policy.members().setNote(carol, org, dave.userId(), "Intern"),
        PermissionDeniedException.class, ErrorCode.PERMISSION_DENIED);
    assertThat(member(policy, org, dave).note()).isEmpty();
  }

  @Test
  void setNote_adminOnOwner_levelAboveOwn() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);

    assertRefused(() -> policy.members().setNote(bob, org, alice.userId(), "Former CTO"),
        RuleViolationException.class, ErrorCode.LEVEL_ABOVE_OWN);
    assertThat(member(policy, org, alice).note()).isEmpty();
  }

  // ================================================================================ transfer

  @Test
  void transferOwnership_single_targetOwnerAndActorAdmin() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);

    policy.members().transferOwnership(alice, org, carol.userId());

    assertThat(level(policy, org, carol)).isEqualTo(OrgLevel.OWNER);
    assertThat(level(policy, org, alice)).isEqualTo(OrgLevel.ADMIN);
    assertThat(policy.members().list(alice, org)).filteredOn(m -> m.level() == OrgLevel.OWNER)
        .extracting(Membership::user).containsExactly(carol.userId());
    assertThat(policy.check(alice, Capability.TRANSFER_OWNERSHIP, org)).isEqualTo(Decision.deny(Reason.LEVEL_TOO_LOW));
    assertThat(policy.check(carol, Capability.TRANSFER_OWNERSHIP, org)).isEqualTo(Decision.allow(Reason.ORG_LEVEL));
  }

  @Test
  void transferOwnership_multiple_targetOwnerAndActorAdmin() {
    AccessPolicy policy = policy(PermissionMatrix.leastPrivilege());
    OrgId org = acme(policy);

    policy.members().transferOwnership(alice, org, bob.userId());

    assertThat(level(policy, org, bob)).isEqualTo(OrgLevel.OWNER);
    assertThat(level(policy, org, alice)).isEqualTo(OrgLevel.ADMIN);
  }

  @Test
  void transferOwnership_multipleToExistingOwner_actorBecomesAdmin() {
    AccessPolicy policy = policy(PermissionMatrix.leastPrivilege());
    OrgId org = acme(policy);
    policy.members().changeLevel(alice, org, bob.userId(), OrgLevel.OWNER);

    policy.members().transferOwnership(alice, org, bob.userId());

    assertThat(level(policy, org, bob)).isEqualTo(OrgLevel.OWNER);
    assertThat(level(policy, org, alice)).isEqualTo(OrgLevel.ADMIN);
  }

  @Test
  void transferOwnership_toSelf_transferToSelfAndUnchanged() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);

    assertRefused(() -> policy.members().transferOwnership(alice, org, alice.userId()),
        RuleViolationException.class, ErrorCode.TRANSFER_TO_SELF);
    assertThat(level(policy, org, alice)).isEqualTo(OrgLevel.OWNER);
  }

  @Test
  void transferOwnership_toNonMember_notAMemberAndUnchanged() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);

    assertRefused(() -> policy.members().transferOwnership(alice, org, erin.userId()),
        RuleViolationException.class, ErrorCode.NOT_A_MEMBER);
    assertThat(level(policy, org, alice)).isEqualTo(OrgLevel.OWNER);
  }

  @Test
  void transferOwnership_toExpiredMember_notAMember() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);
    policy.members().setExpiry(alice, org, carol.userId(), clock.instant().plus(HOUR));
    clock.advance(HOUR);

    assertRefused(() -> policy.members().transferOwnership(alice, org, carol.userId()),
        RuleViolationException.class, ErrorCode.NOT_A_MEMBER);
    assertThat(level(policy, org, alice)).isEqualTo(OrgLevel.OWNER);
  }

  @Test
  void transferOwnership_toMemberWithExpiry_ownerCannotExpire() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);
    policy.members().setExpiry(alice, org, carol.userId(), clock.instant().plus(HOUR));

    assertRefused(() -> policy.members().transferOwnership(alice, org, carol.userId()),
        RuleViolationException.class, ErrorCode.OWNER_CANNOT_EXPIRE);
    assertThat(level(policy, org, alice)).isEqualTo(OrgLevel.OWNER);
    assertThat(level(policy, org, carol)).isEqualTo(OrgLevel.MEMBER);
  }

  @Test
  void transferOwnership_byAdmin_permissionDenied() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);

    assertRefused(() -> policy.members().transferOwnership(bob, org, carol.userId()),
        PermissionDeniedException.class, ErrorCode.PERMISSION_DENIED);
    assertThat(level(policy, org, alice)).isEqualTo(OrgLevel.OWNER);
    assertThat(level(policy, org, carol)).isEqualTo(OrgLevel.MEMBER);
  }

  // ================================================================================ leave, remove

  @Test
  void leave_member_membershipAndGrantsGone() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);
    Project secret = project(policy, alice, org, "Secret", Visibility.PRIVATE);
    policy.grants().grant(alice, secret.id(), carol.userId(), ProjectRole.MEMBER);

    policy.members().leave(carol, org);

    assertThat(policy.check(carol, Capability.VIEW_ORGANIZATION, org)).isEqualTo(Decision.notFound());
    assertThat(policy.members().list(alice, org)).extracting(Membership::user).doesNotContain(carol.userId());
    assertThat(policy.grants().list(alice, secret.id())).extracting(ProjectGrant::user).doesNotContain(carol.userId());
    join(policy, alice, org, carol, OrgLevel.MEMBER);
    assertThat(policy.check(carol, Capability.VIEW_DATA, secret.id())).isEqualTo(Decision.notFound());
  }

  @Test
  void leave_admin_allowed() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);

    policy.members().leave(bob, org);

    assertThat(policy.check(bob, Capability.VIEW_ORGANIZATION, org)).isEqualTo(Decision.notFound());
  }

  @Test
  void leave_owner_ownerCannotLeaveAndStillOwner() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);

    assertRefused(() -> policy.members().leave(alice, org), RuleViolationException.class, ErrorCode.OWNER_CANNOT_LEAVE);
    assertThat(level(policy, org, alice)).isEqualTo(OrgLevel.OWNER);
  }

  @Test
  void leave_oneOfTwoOwnersUnderMultiple_ownerCannotLeave() {
    AccessPolicy policy = policy(PermissionMatrix.leastPrivilege());
    OrgId org = acme(policy);
    policy.members().changeLevel(alice, org, bob.userId(), OrgLevel.OWNER);

    assertRefused(() -> policy.members().leave(bob, org), RuleViolationException.class, ErrorCode.OWNER_CANNOT_LEAVE);
    assertThat(level(policy, org, bob)).isEqualTo(OrgLevel.OWNER);
  }

  @Test
  void leave_formerOwnerAfterTransfer_allowed() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);
    policy.members().transferOwnership(alice, org, bob.userId());

    policy.members().leave(alice, org);

    assertThat(policy.check(alice, Capability.VIEW_ORGANIZATION, org)).isEqualTo(Decision.notFound());
    assertThat(level(policy, org, bob)).isEqualTo(OrgLevel.OWNER);
  }

  @Test
  void leave_nonMember_notFound() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);

    assertRefused(() -> policy.members().leave(erin, org), NotFoundException.class, ErrorCode.NOT_FOUND);
  }

  @Test
  void remove_adminRemovesMember_membershipAndGrantsGone() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);
    Project secret = project(policy, alice, org, "Secret", Visibility.PRIVATE);
    policy.grants().grant(alice, secret.id(), carol.userId(), ProjectRole.VIEWER);

    policy.members().remove(bob, org, carol.userId());

    assertThat(policy.check(carol, Capability.VIEW_ORGANIZATION, org)).isEqualTo(Decision.notFound());
    assertThat(policy.check(carol, Capability.VIEW_DATA, secret.id())).isEqualTo(Decision.notFound());
    assertThat(policy.grants().list(alice, secret.id())).isEmpty();
  }

  @Test
  void remove_adminRemovesOtherAdmin_allowed() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);
    policy.members().changeLevel(alice, org, carol.userId(), OrgLevel.ADMIN);

    policy.members().remove(bob, org, carol.userId());

    assertThat(policy.check(carol, Capability.VIEW_ORGANIZATION, org)).isEqualTo(Decision.notFound());
  }

  @Test
  void remove_ownerByAdmin_ownerCannotBeRemoved() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);

    assertRefused(() -> policy.members().remove(bob, org, alice.userId()),
        RuleViolationException.class, ErrorCode.OWNER_CANNOT_BE_REMOVED);
    assertThat(level(policy, org, alice)).isEqualTo(OrgLevel.OWNER);
  }

  @Test
  void remove_otherOwnerUnderMultiple_ownerCannotBeRemoved() {
    AccessPolicy policy = policy(PermissionMatrix.leastPrivilege());
    OrgId org = acme(policy);
    policy.members().changeLevel(alice, org, bob.userId(), OrgLevel.OWNER);

    assertRefused(() -> policy.members().remove(alice, org, bob.userId()),
        RuleViolationException.class, ErrorCode.OWNER_CANNOT_BE_REMOVED);
    assertThat(level(policy, org, bob)).isEqualTo(OrgLevel.OWNER);
  }

  @Test
  void remove_byMember_permissionDenied() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);

    assertRefused(() -> policy.members().remove(carol, org, dave.userId()),
        PermissionDeniedException.class, ErrorCode.PERMISSION_DENIED);
    assertThat(policy.check(dave, Capability.VIEW_ORGANIZATION, org).allowed()).isTrue();
  }

  @Test
  void remove_byAdminUnderLeastPrivilege_permissionDenied() {
    AccessPolicy policy = policy(PermissionMatrix.leastPrivilege());
    OrgId org = acme(policy);

    assertRefused(() -> policy.members().remove(bob, org, carol.userId()),
        PermissionDeniedException.class, ErrorCode.PERMISSION_DENIED);
    assertThat(policy.check(carol, Capability.VIEW_ORGANIZATION, org).allowed()).isTrue();
  }

  @Test
  void remove_unknownUser_notAMember() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);

    assertRefused(() -> policy.members().remove(alice, org, erin.userId()), RuleViolationException.class, ErrorCode.NOT_A_MEMBER);
  }

  @Test
  void remove_memberRemovesSelf_isLeave() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);
    assertThat(policy.check(carol, Capability.REMOVE_MEMBERS, org).allowed()).isFalse();

    policy.members().remove(carol, org, carol.userId());

    assertThat(policy.check(carol, Capability.VIEW_ORGANIZATION, org)).isEqualTo(Decision.notFound());
  }

  @Test
  void remove_ownerRemovesSelf_ownerCannotLeave() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);

    assertRefused(() -> policy.members().remove(alice, org, alice.userId()),
        RuleViolationException.class, ErrorCode.OWNER_CANNOT_LEAVE);
    assertThat(level(policy, org, alice)).isEqualTo(OrgLevel.OWNER);
  }

  // ================================================================================ expiry

  @Test
  void setExpiry_future_accessEndsExactlyAtExpiry() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);
    Project defaultProject = defaultProject(policy, alice, org);
    Instant end = clock.instant().plus(HOUR);

    Membership m = policy.members().setExpiry(alice, org, carol.userId(), end);

    assertThat(m.expiresAt()).contains(end);
    clock.set(end.minus(NANO));
    assertThat(policy.check(carol, Capability.VIEW_ORGANIZATION, org).allowed()).isTrue();
    assertThat(policy.check(carol, Capability.VIEW_DATA, defaultProject.id()).allowed()).isTrue();
    clock.set(end);
    assertThat(policy.check(carol, Capability.VIEW_ORGANIZATION, org)).isEqualTo(Decision.notFound());
    assertThat(policy.check(carol, Capability.VIEW_DATA, defaultProject.id())).isEqualTo(Decision.notFound());
    assertThat(policy.members().list(alice, org)).extracting(Membership::user).doesNotContain(carol.userId());
    assertThat(policy.organizations().list(carol)).isEmpty();
  }

  @Test
  void setExpiry_atNow_expiryInPastAndUnchanged() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);

    assertRefused(() -> policy.members().setExpiry(alice, org, carol.userId(), clock.instant()),
        RuleViolationException.class, ErrorCode.EXPIRY_IN_PAST);
    assertRefused(() -> policy.members().setExpiry(alice, org, carol.userId(), clock.instant().minus(HOUR)),
        RuleViolationException.class, ErrorCode.EXPIRY_IN_PAST);
    assertThat(member(policy, org, carol).expiresAt()).isEmpty();
  }

  @Test
  void setExpiry_otherOwnerUnderMultiple_ownerCannotExpire() {
    AccessPolicy policy = policy(PermissionMatrix.leastPrivilege());
    OrgId org = acme(policy);
    policy.members().changeLevel(alice, org, bob.userId(), OrgLevel.OWNER);

    assertRefused(() -> policy.members().setExpiry(alice, org, bob.userId(), clock.instant().plus(HOUR)),
        RuleViolationException.class, ErrorCode.OWNER_CANNOT_EXPIRE);
    assertThat(member(policy, org, bob).expiresAt()).isEmpty();
  }

  @Test
  void setExpiry_own_cannotChangeOwnLevel() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);

    assertRefused(() -> policy.members().setExpiry(bob, org, bob.userId(), clock.instant().plus(HOUR)),
        RuleViolationException.class, ErrorCode.CANNOT_CHANGE_OWN_LEVEL);
    assertThat(member(policy, org, bob).expiresAt()).isEmpty();
  }

  @Test
  void setExpiry_ownerByAdmin_levelAboveOwn() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);

    assertRefused(() -> policy.members().setExpiry(bob, org, alice.userId(), clock.instant().plus(HOUR)),
        RuleViolationException.class, ErrorCode.LEVEL_ABOVE_OWN);
  }

  @Test
  void setExpiry_byMember_permissionDenied() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);

    assertRefused(() -> policy.members().setExpiry(carol, org, dave.userId(), clock.instant().plus(HOUR)),
        PermissionDeniedException.class, ErrorCode.PERMISSION_DENIED);
    assertThat(member(policy, org, dave).expiresAt()).isEmpty();
  }

  @Test
  void setExpiry_nonMember_notAMember() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);

    assertRefused(() -> policy.members().setExpiry(alice, org, erin.userId(), clock.instant().plus(HOUR)),
        RuleViolationException.class, ErrorCode.NOT_A_MEMBER);
  }

  @Test
  void clearExpiry_expiringMember_accessContinuesPastFormerExpiry() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);
    policy.members().setExpiry(alice, org, carol.userId(), clock.instant().plus(HOUR));

    Membership cleared = policy.members().clearExpiry(alice, org, carol.userId());

    assertThat(cleared.expiresAt()).isEmpty();
    clock.advance(Duration.ofDays(365));
    assertThat(policy.check(carol, Capability.VIEW_ORGANIZATION, org).allowed()).isTrue();
  }

  @Test
  void sweepExpired_expiredMembershipAndGrant_removedAndCounted() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);
    Project secret = project(policy, alice, org, "Secret", Visibility.PRIVATE);
    policy.grants().grant(alice, secret.id(), carol.userId(), ProjectRole.MEMBER);
    policy.grants().grant(alice, secret.id(), dave.userId(), ProjectRole.VIEWER, clock.instant().plus(HOUR));
    policy.members().setExpiry(alice, org, carol.userId(), clock.instant().plus(HOUR));
    clock.advance(HOUR);
    // Expired access grants nothing before any sweep, and expired grants are still listed.
    assertThat(policy.check(carol, Capability.VIEW_DATA, secret.id())).isEqualTo(Decision.notFound());
    assertThat(policy.check(dave, Capability.VIEW_DATA, secret.id())).isEqualTo(Decision.notFound());
    assertThat(policy.grants().list(alice, secret.id())).extracting(ProjectGrant::user)
        .containsExactly(carol.userId(), dave.userId());

    SweepReport report = policy.sweepExpired();

    assertThat(report).isEqualTo(new SweepReport(1, 1));
    assertThat(policy.grants().list(alice, secret.id())).isEmpty();
    assertThat(policy.check(dave, Capability.VIEW_ORGANIZATION, org).allowed()).isTrue();
    assertThat(policy.sweepExpired()).isEqualTo(new SweepReport(0, 0));
  }

  @Test
  void sweepExpired_nothingExpiredYet_removesNothing() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);
    policy.members().setExpiry(alice, org, carol.userId(), clock.instant().plus(HOUR));
    clock.advance(HOUR.minus(NANO));

    assertThat(policy.sweepExpired()).isEqualTo(new SweepReport(0, 0));
    assertThat(policy.check(carol, Capability.VIEW_ORGANIZATION, org).allowed()).isTrue();
  }

  // ================================================================================ notifications

  @Test
  void accept_joins_everyActiveMemberExceptJoinerNotified() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);
    policy.members().setExpiry(alice, org, dave.userId(), clock.instant().plus(HOUR));
    clock.advance(HOUR); // dave's membership has expired but is not swept

    join(policy, alice, org, erin, OrgLevel.MEMBER);

    assertThat(notified).hasSize(1);
    MemberJoined event = notified.get(0);
    assertThat(event.organization().id()).isEqualTo(org);
    assertThat(event.joined().user()).isEqualTo(erin.userId());
    assertThat(event.recipients()).extracting(Membership::user)
        .containsExactly(alice.userId(), bob.userId(), carol.userId());
  }

  @Test
  void accept_notifierCalled_afterChangeCommitted() {
    AtomicReference<AccessPolicy> ref = new AtomicReference<>();
    AtomicReference<Decision> seenByNotifier = new AtomicReference<>();
    AccessPolicy policy = AccessPolicy.builder().clock(clock)
        .notifier(event -> seenByNotifier.set(ref.get().check(erin, Capability.VIEW_ORGANIZATION, event.organization().id())))
        .build();
    ref.set(policy);
    OrgId org = policy.organizations().create(alice, "Acme Corp").id();

    join(policy, alice, org, erin, OrgLevel.MEMBER);

    assertThat(seenByNotifier.get()).isEqualTo(Decision.allow(Reason.ORG_LEVEL));
  }

  @Test
  void accept_notificationsSwitchedOff_nobodyNotified() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);
    assertThat(policy.organizations().get(alice, org).settings().memberJoinedNotifications()).isTrue();

    policy.organizations().updateSettings(bob, org, OrganizationSettings.defaults().withMemberJoinedNotifications(false));
    join(policy, alice, org, erin, OrgLevel.MEMBER);

    assertThat(notified).isEmpty();
    assertThat(policy.check(erin, Capability.VIEW_ORGANIZATION, org).allowed()).isTrue();
  }

  @Test
  void accept_notificationsSwitchedBackOn_notifiedAgain() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);
    policy.organizations().updateSettings(alice, org, OrganizationSettings.defaults().withMemberJoinedNotifications(false));
    policy.organizations().updateSettings(alice, org, OrganizationSettings.defaults().withMemberJoinedNotifications(true));

    join(policy, alice, org, erin, OrgLevel.MEMBER);

    assertThat(notified).hasSize(1);
  }

  @Test
  void updateSettings_member_permissionDeniedAndSettingKept() {
    AccessPolicy policy = policy(PermissionMatrix.posthog());
    OrgId org = acme(policy);

    assertRefused(() -> policy.organizations().updateSettings(carol, org, OrganizationSettings.defaults().withMemberJoinedNotifications(false)),
        PermissionDeniedException.class, ErrorCode.PERMISSION_DENIED);
    assertThat(policy.organizations().get(carol, org).settings().memberJoinedNotifications()).isTrue();
  }

  @Test
  void accept_notifierThrows_joinStands() {
    AccessPolicy policy = AccessPolicy.builder().clock(clock)
        .notifier(event -> {
          throw new IllegalStateException("mail server down");
        })
        .build();
    OrgId org = policy.organizations().create(alice, "Acme Corp").id();
    IssuedInvite invite = policy.invites().create(alice, org, InviteRequest.to("erin@acme.com"));

    Membership joined = policy.invites().accept(invite.token(), erin, "erin@acme.com");

    assertThat(joined.user()).isEqualTo(erin.userId());
    assertThat(policy.check(erin, Capability.VIEW_ORGANIZATION, org)).isEqualTo(Decision.allow(Reason.ORG_LEVEL));
    assertThat(policy.members().list(alice, org)).extracting(Membership::user).contains(erin.userId());
  }

  // ================================================================================ helpers

  @SuppressWarnings("unchecked")
  private static List<Membership> castList(Object list) {
    return (List<Membership>) list;
  }
}
