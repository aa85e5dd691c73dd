package dev.warden.role;

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
import dev.warden.audit.AuditEntry;
import dev.warden.audit.AuditQuery;
import dev.warden.invite.InviteRequest;
import dev.warden.invite.IssuedInvite;
import dev.warden.matrix.Capability;
import dev.warden.matrix.PermissionMatrix;
import dev.warden.memory.InMemoryStore;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.UserId;
import dev.warden.project.Project;
import dev.warden.project.ProjectRole;
import dev.warden.project.Visibility;
import dev.warden.project.VisibleProject;
import dev.warden.resource.AccessLevel;
import dev.warden.resource.ResourceRef;
import dev.warden.report.AccessEntry;
import dev.warden.report.AccessHolder;
import dev.warden.report.AccessSource;
import dev.warden.report.AccessReview;
import dev.warden.report.RegistryRole;
import dev.warden.testing.FakeClock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Roles (issue 16), every scenario under both resolution rules. Cast in Acme Corp (least-privilege
 * preset: only Owners manage billing, new projects private): alice Owner, bob Admin, erin and frank
 * Members; the private Warehouse project and the open Web project (default role Member).
 */
class RolesTest {
  private final FakeClock clock = FakeClock.create();
  private final AccessPolicy policy = AccessPolicy.builder()
      .store(InMemoryStore.create())
      .matrix(PermissionMatrix.leastPrivilege())
      .clock(clock)
      .build();

  private final Principal alice = Principal.user(UserId.of("alice"), "alice@acme.com");
  private final Principal bob = Principal.user(UserId.of("bob"), "bob@acme.com");
  private final Principal erin = Principal.user(UserId.of("erin"), "erin@acme.com");
  private final Principal frank = Principal.user(UserId.of("frank"), "frank@acme.com");

  private OrgId acme;
  private Project warehouse;
  private Project web;

  private void setUp(ResolutionRule rule) {
    acme = policy.organizations().create(alice, "Acme Corp").id();
    join(policy, alice, acme, bob, OrgLevel.ADMIN);
    join(policy, alice, acme, erin, OrgLevel.MEMBER);
    join(policy, alice, acme, frank, OrgLevel.MEMBER);
    warehouse = project(policy, alice, acme, "Warehouse", Visibility.PRIVATE);
    web = project(policy, alice, acme, "Web", Visibility.OPEN);
    policy.roles().switchResolution(alice, acme, rule);
  }

  @ParameterizedTest
  @EnumSource(ResolutionRule.class)
  void financeManagesBillingWithoutBeingAnAdmin(ResolutionRule rule) {
    setUp(rule);
    Role finance = policy.roles().create(alice, acme, "Finance");
    assertThat(policy.check(erin, Capability.MANAGE_BILLING, acme).reason()).isEqualTo(Reason.LEVEL_TOO_LOW);

    policy.roles().grantCapability(alice, finance.id(), Capability.MANAGE_BILLING);
    policy.roles().addMember(alice, finance.id(), erin.userId());

    Decision billing = policy.check(erin, Capability.MANAGE_BILLING, acme);
    assertThat(billing.allowed()).isTrue();
    assertThat(billing.reason()).isEqualTo(Reason.ROLE_CAPABILITY);
    assertThat(policy.explain(erin, Capability.MANAGE_BILLING, acme).steps()).anyMatch(s -> s.contains("role Finance"));
    assertThat(policy.check(erin, Capability.MANAGE_MEMBERS, acme).allowed()).isFalse();
    assertThat(policy.check(frank, Capability.MANAGE_BILLING, acme).allowed()).isFalse();
    assertThat(policy.whoCan(alice, Capability.MANAGE_BILLING, acme, PageRequest.first(10)).items())
        .extracting(AccessHolder::user).contains(erin.userId()).doesNotContain(frank.userId());
    // bob is an Admin but does not hold MANAGE_BILLING under least privilege: he cannot hand it out.
    assertRefused(() -> policy.roles().addMember(bob, finance.id(), frank.userId()), RuleViolationException.class,
        ErrorCode.LEVEL_ABOVE_OWN);
  }

  @ParameterizedTest
  @EnumSource(ResolutionRule.class)
  void dataTeamSeesThePrivateWarehouse(ResolutionRule rule) {
    setUp(rule);
    Role data = policy.roles().create(bob, acme, "Data");
    policy.roles().grant(bob, data.id(), warehouse.id(), ProjectRole.VIEWER);
    assertThat(policy.check(erin, Capability.VIEW_DATA, warehouse.id()).reason()).isEqualTo(Reason.NOT_FOUND);

    policy.roles().addMember(bob, data.id(), erin.userId(), clock.instant().plus(Duration.ofDays(7)));

    Decision view = policy.check(erin, Capability.VIEW_DATA, warehouse.id());
    assertThat(view.allowed()).isTrue();
    assertThat(view.reason()).isEqualTo(Reason.ROLE_GRANT);
    assertThat(policy.check(erin, Capability.CREATE_CONTENT, warehouse.id()).reason()).isEqualTo(Reason.ROLE_TOO_LOW);
    assertThat(policy.explain(erin, Capability.VIEW_DATA, warehouse.id()).steps()).contains("role Data gives VIEWER");
    assertThat(policy.visibleProjects(erin, acme, PageRequest.first(10)).items()).extracting(VisibleProject::role)
        .containsExactly(ProjectRole.VIEWER, ProjectRole.MEMBER);
    assertThat(policy.whoCan(bob, Capability.VIEW_DATA, warehouse.id(), PageRequest.first(10)).items())
        .extracting(AccessHolder::user, AccessHolder::reason)
        .contains(org.assertj.core.api.Assertions.tuple(erin.userId(), Reason.ROLE_GRANT));
    assertThat(policy.check(frank, Capability.VIEW_DATA, warehouse.id()).reason()).isEqualTo(Reason.NOT_FOUND);

    clock.advance(Duration.ofDays(7));
    assertThat(policy.check(erin, Capability.VIEW_DATA, warehouse.id()).reason()).isEqualTo(Reason.NOT_FOUND);
  }

  @ParameterizedTest
  @EnumSource(ResolutionRule.class)
  void ownGrantAndRoleGrantCombineByTheRule(ResolutionRule rule) {
    setUp(rule);
    Role editors = policy.roles().create(bob, acme, "Editors");
    policy.roles().grant(bob, editors.id(), web.id(), ProjectRole.ADMIN);
    policy.grants().grant(bob, web.id(), erin.userId(), ProjectRole.VIEWER);
    // Without a role, the explicit Viewer beats the default Member under both rules.
    assertThat(policy.check(erin, Capability.CREATE_CONTENT, web.id()).reason()).isEqualTo(Reason.ROLE_TOO_LOW);

    policy.roles().addMember(bob, editors.id(), erin.userId());

    Decision manage = policy.check(erin, Capability.MANAGE_PROJECT_SETTINGS, web.id());
    if (rule == ResolutionRule.HIGHEST_WINS) {
      assertThat(manage.reason()).isEqualTo(Reason.ROLE_GRANT);
    } else {
      assertThat(manage.reason()).isEqualTo(Reason.ROLE_TOO_LOW);
      assertThat(policy.check(erin, Capability.VIEW_DATA, web.id()).reason()).isEqualTo(Reason.EXPLICIT_GRANT);
    }
    // frank, only in the role, gets the role's Admin under both rules.
    policy.roles().addMember(bob, editors.id(), frank.userId());
    assertThat(policy.check(frank, Capability.MANAGE_PROJECT_SETTINGS, web.id()).reason()).isEqualTo(Reason.ROLE_GRANT);
  }

  @ParameterizedTest
  @EnumSource(ResolutionRule.class)
  void previewListsExactlyWhatSwitchingChanges_andTheSwitchIsAudited(ResolutionRule rule) {
    setUp(rule);
    ResolutionRule other = rule == ResolutionRule.HIGHEST_WINS ? ResolutionRule.MOST_SPECIFIC : ResolutionRule.HIGHEST_WINS;
    Role editors = policy.roles().create(bob, acme, "Editors");
    policy.roles().grant(bob, editors.id(), web.id(), ProjectRole.ADMIN);
    policy.roles().grant(bob, editors.id(), warehouse.id(), ProjectRole.VIEWER);
    policy.grants().grant(bob, web.id(), erin.userId(), ProjectRole.VIEWER);
    policy.grants().grant(bob, warehouse.id(), erin.userId(), ProjectRole.MEMBER);
    policy.roles().addMember(bob, editors.id(), erin.userId());
    policy.roles().addMember(bob, editors.id(), frank.userId());
    assertThat(policy.roles().previewResolutionChange(alice, acme, rule)).isEmpty();

    List<ResolutionChange> preview = policy.roles().previewResolutionChange(alice, acme, other);

    ProjectRole highest = ProjectRole.ADMIN;
    ProjectRole own = ProjectRole.VIEWER;
    assertThat(preview).containsExactly(new ResolutionChange(erin.userId(), web.id(),
        Optional.of(rule == ResolutionRule.HIGHEST_WINS ? highest : own),
        Optional.of(other == ResolutionRule.HIGHEST_WINS ? highest : own), editors.id()));
    assertThat(policy.check(erin, Capability.MANAGE_PROJECT_SETTINGS, web.id()).allowed())
        .isEqualTo(rule == ResolutionRule.HIGHEST_WINS);

    policy.roles().switchResolution(alice, acme, other);

    assertThat(policy.check(erin, Capability.MANAGE_PROJECT_SETTINGS, web.id()).allowed())
        .isEqualTo(other == ResolutionRule.HIGHEST_WINS);
    assertThat(policy.roles().previewResolutionChange(alice, acme, rule)).hasSize(1);
    AuditEntry switched = policy.audit().query(alice, AuditQuery.organization(acme).action("organization.resolution_changed"),
        PageRequest.first(10)).items().get(0);
    assertThat(switched.changes()).anySatisfy(c -> {
      assertThat(c.field()).isEqualTo("resolution");
      assertThat(c.before()).isEqualTo(Optional.of(rule.name()));
      assertThat(c.after()).isEqualTo(Optional.of(other.name()));
    });
  }

  @ParameterizedTest
  @EnumSource(ResolutionRule.class)
  void nobodyHandsOutMoreThanTheyHold(ResolutionRule rule) {
    setUp(rule);
    Role leads = policy.roles().create(alice, acme, "Leads");
    policy.roles().grantCapability(alice, leads.id(), Capability.MANAGE_ROLES);
    policy.roles().addMember(alice, leads.id(), erin.userId());
    Role admins = policy.roles().create(erin, acme, "Web admins");
    policy.roles().grant(alice, admins.id(), web.id(), ProjectRole.ADMIN);

    assertRefused(() -> policy.roles().grantCapability(erin, admins.id(), Capability.DELETE_PROJECT),
        RuleViolationException.class, ErrorCode.LEVEL_ABOVE_OWN);
    assertRefused(() -> policy.roles().addMember(erin, admins.id(), frank.userId()), RuleViolationException.class,
        ErrorCode.ROLE_ABOVE_OWN);
    assertRefused(() -> policy.roles().grantCapability(alice, admins.id(), Capability.TRANSFER_OWNERSHIP),
        RuleViolationException.class, ErrorCode.CAPABILITY_NOT_DELEGABLE);
    assertRefused(() -> policy.roles().create(frank, acme, "Mine"), PermissionDeniedException.class,
        ErrorCode.PERMISSION_DENIED);
    assertRefused(() -> policy.roles().rename(alice, admins.id(), "Leads"), RuleViolationException.class,
        ErrorCode.ALREADY_EXISTS);
    assertThat(policy.roles().members(frank, admins.id())).isEmpty();
    // A level on a resource is handed out only by someone who has it there.
    Role boards = policy.roles().create(erin, acme, "Boards");
    ResourceRef board = ResourceRef.dashboard(web.id(), "ops");
    policy.resources().register(bob, board);
    policy.roles().setResourceLevel(bob, boards.id(), board, AccessLevel.MANAGER);
    assertRefused(() -> policy.roles().addMember(erin, boards.id(), frank.userId()), RuleViolationException.class,
        ErrorCode.ROLE_ABOVE_OWN);
    assertRefused(() -> policy.roles().setResourceLevel(erin, boards.id(), board, AccessLevel.VIEWER),
        PermissionDeniedException.class, ErrorCode.PERMISSION_DENIED);
    policy.roles().addMember(bob, boards.id(), frank.userId());
    assertThat(policy.resources().level(frank, board)).isEqualTo(AccessLevel.MANAGER);
  }

  @ParameterizedTest
  @EnumSource(ResolutionRule.class)
  void removalEndsRoleMemberships_andDeletingARoleEndsItsAccess(ResolutionRule rule) {
    setUp(rule);
    Role data = policy.roles().create(bob, acme, "Data");
    policy.roles().grant(bob, data.id(), warehouse.id(), ProjectRole.MEMBER);
    policy.roles().addMember(bob, data.id(), erin.userId());
    policy.roles().addMember(bob, data.id(), frank.userId());

    policy.members().remove(alice, acme, erin.userId());
    join(policy, alice, acme, erin, OrgLevel.MEMBER);

    assertThat(policy.roles().members(bob, data.id())).extracting(RoleMember::user).containsExactly(frank.userId());
    assertThat(policy.check(erin, Capability.VIEW_DATA, warehouse.id()).reason()).isEqualTo(Reason.NOT_FOUND);
    assertThat(policy.check(frank, Capability.VIEW_DATA, warehouse.id()).allowed()).isTrue();

    policy.roles().delete(bob, data.id());

    assertThat(policy.check(frank, Capability.VIEW_DATA, warehouse.id()).reason()).isEqualTo(Reason.NOT_FOUND);
    assertThat(policy.roles().list(frank, acme)).isEmpty();
    assertThatThrownBy(() -> policy.roles().members(bob, data.id())).isInstanceOf(NotFoundException.class);
  }

  @ParameterizedTest
  @EnumSource(ResolutionRule.class)
  void everyRoleChangeIsAudited(ResolutionRule rule) {
    setUp(rule);
    Role data = policy.roles().create(bob, acme, "Data");
    policy.roles().rename(bob, data.id(), "Data team");
    policy.roles().grant(bob, data.id(), warehouse.id(), ProjectRole.VIEWER);
    policy.roles().addMember(bob, data.id(), erin.userId());
    policy.roles().removeMember(bob, data.id(), erin.userId());
    policy.roles().revoke(bob, data.id(), warehouse.id());
    policy.roles().delete(bob, data.id());

    List<String> actions = policy.audit().query(alice, AuditQuery.organization(acme), PageRequest.first(100)).items()
        .stream().map(AuditEntry::action).filter(a -> a.startsWith("role.")).toList();
    assertThat(actions).containsExactly("role.deleted", "role.access_changed", "role.member_removed",
        "role.member_added", "role.access_changed", "role.renamed", "role.created");
  }

  @ParameterizedTest
  @EnumSource(ResolutionRule.class)
  void registryAndReviewListRolesAndTheirMembers(ResolutionRule rule) {
    setUp(rule);
    Role data = policy.roles().create(bob, acme, "Data");
    policy.roles().grant(bob, data.id(), warehouse.id(), ProjectRole.VIEWER);
    policy.roles().addMember(bob, data.id(), frank.userId());
    policy.roles().addMember(bob, data.id(), erin.userId(), clock.instant().plus(Duration.ofDays(10)));
    Role finance = policy.roles().create(bob, acme, "Finance");
    policy.roles().addMember(bob, finance.id(), erin.userId(), clock.instant().plus(Duration.ofDays(1)));
    clock.advance(Duration.ofDays(2));

    String registry = policy.reports().registry(alice, acme).toMarkdown();
    AccessReview review = policy.reports().review(alice, acme, Duration.ofDays(30), Duration.ofDays(90));

    assertThat(registry).endsWith("""
        ## Roles
        ### Data
        - erin@acme.com (expires 2026-01-15)
        - frank@acme.com
        ### Finance
        """);
    assertThat(review.roles()).extracting(RegistryRole::name).containsExactly("Data", "Finance");
    assertThat(review.expiredRoleMemberships()).extracting(RoleMember::role, RoleMember::user)
        .containsExactly(org.assertj.core.api.Assertions.tuple(finance.id(), erin.userId()));
    assertThat(review.expiringRoleMemberships()).extracting(RoleMember::role, RoleMember::user)
        .containsExactly(org.assertj.core.api.Assertions.tuple(data.id(), erin.userId()));
    // A registry without roles keeps the guide's five sections only.
    policy.roles().delete(bob, data.id());
    policy.roles().delete(bob, finance.id());
    assertThat(policy.reports().registry(alice, acme).toMarkdown()).doesNotContain("## Roles");
  }

  @ParameterizedTest
  @EnumSource(ResolutionRule.class)
  void invitesCarryRoles_joinedOnAccept_deletedRolesSkipped(ResolutionRule rule) {
    setUp(rule);
    Role data = policy.roles().create(bob, acme, "Data");
    policy.roles().grant(bob, data.id(), warehouse.id(), ProjectRole.VIEWER);
    Role gone = policy.roles().create(bob, acme, "Gone");
    Role finance = policy.roles().create(alice, acme, "Finance");
    policy.roles().grantCapability(alice, finance.id(), Capability.MANAGE_BILLING);
    Principal gina = Principal.user(UserId.of("gina"), "gina@acme.com");

    assertRefused(() -> policy.invites().create(erin, acme, InviteRequest.to("gina@acme.com").role(data.id())),
        PermissionDeniedException.class, ErrorCode.PERMISSION_DENIED);
    assertRefused(() -> policy.invites().create(bob, acme, InviteRequest.to("gina@acme.com").role(finance.id())),
        RuleViolationException.class, ErrorCode.LEVEL_ABOVE_OWN);
    IssuedInvite invite = policy.invites().create(bob, acme,
        InviteRequest.to("gina@acme.com").role(data.id()).role(gone.id()));
    assertThat(invite.invite().roles()).containsExactly(data.id(), gone.id());
    policy.roles().delete(bob, gone.id());
    policy.invites().accept(invite.token(), gina, "gina@acme.com");

    assertThat(policy.check(gina, Capability.VIEW_DATA, warehouse.id()).reason()).isEqualTo(Reason.ROLE_GRANT);
    assertThat(policy.roles().members(bob, data.id())).extracting(RoleMember::user, RoleMember::addedBy)
        .containsExactly(org.assertj.core.api.Assertions.tuple(gina.userId(), bob.userId()));
  }

  @ParameterizedTest
  @EnumSource(ResolutionRule.class)
  void whoHasAccess_namesEveryMembersSource(ResolutionRule rule) {
    setUp(rule);
    Role data = policy.roles().create(bob, acme, "Data");
    policy.roles().grant(bob, data.id(), warehouse.id(), ProjectRole.ADMIN);
    policy.roles().addMember(bob, data.id(), erin.userId());
    policy.grants().grant(bob, warehouse.id(), frank.userId(), ProjectRole.MEMBER);
    ResourceRef board = ResourceRef.dashboard(warehouse.id(), "revenue");
    policy.resources().register(frank, board);
    policy.resources().setEveryoneRule(alice, board, AccessLevel.VIEWER);

    List<AccessEntry> project = policy.whoHasAccess(alice, warehouse.id(), PageRequest.first(10)).items();
    List<AccessEntry> resource = policy.whoHasAccess(alice, board, PageRequest.first(10)).items();

    assertThat(project).extracting(AccessEntry::user, AccessEntry::projectRole, AccessEntry::source, AccessEntry::via)
        .containsExactly(
            tuple(alice.userId(), ProjectRole.ADMIN, AccessSource.ORGANIZATION_OWNER, Optional.empty()),
            tuple(bob.userId(), ProjectRole.ADMIN, AccessSource.ORGANIZATION_ADMIN, Optional.empty()),
            tuple(erin.userId(), ProjectRole.ADMIN, AccessSource.ROLE_RULE, Optional.of(data.id())),
            tuple(frank.userId(), ProjectRole.MEMBER, AccessSource.OWN_RULE, Optional.empty()));
    assertThat(resource).extracting(AccessEntry::user, AccessEntry::accessLevel, AccessEntry::source, AccessEntry::via)
        .containsExactly(
            tuple(alice.userId(), Optional.of(AccessLevel.MANAGER), AccessSource.ORGANIZATION_OWNER, Optional.empty()),
            tuple(bob.userId(), Optional.of(AccessLevel.MANAGER), AccessSource.ORGANIZATION_ADMIN, Optional.empty()),
            tuple(erin.userId(), Optional.of(AccessLevel.MANAGER), AccessSource.PROJECT_ADMIN, Optional.of(data.id())),
            tuple(frank.userId(), Optional.of(AccessLevel.MANAGER), AccessSource.CREATOR, Optional.empty()));
    // Paginated: one per page, in user-id order.
    assertThat(policy.whoHasAccess(alice, warehouse.id(), PageRequest.after("bob", 1)).items())
        .extracting(AccessEntry::user).containsExactly(erin.userId());
    // Sources of the open project: its default role for everyone without a rule.
    assertThat(policy.whoHasAccess(alice, web.id(), PageRequest.first(10)).items())
        .filteredOn(e -> e.user().equals(frank.userId()))
        .extracting(AccessEntry::source).containsExactly(AccessSource.PROJECT_DEFAULT);
    assertRefused(() -> policy.whoHasAccess(frank, warehouse.id(), PageRequest.first(10)),
        PermissionDeniedException.class, ErrorCode.PERMISSION_DENIED);
  }

  @ParameterizedTest
  @EnumSource(ResolutionRule.class)
  void everyoneButTheContractorsEditsDashboards(ResolutionRule rule) {
    setUp(rule);
    Role contractors = policy.roles().create(bob, acme, "Contractors");
    policy.roles().setKindLevel(bob, contractors.id(), web.id(), ResourceRef.DASHBOARD, AccessLevel.VIEWER);
    policy.roles().addMember(bob, contractors.id(), frank.userId());
    ResourceRef board = ResourceRef.dashboard(web.id(), "traffic");
    policy.resources().register(bob, board);

    // The kind's default (EDITOR) for everyone else; the role's kind rule beats it for its members.
    assertThat(policy.resources().level(erin, board)).isEqualTo(AccessLevel.EDITOR);
    assertThat(policy.resources().level(frank, board)).isEqualTo(AccessLevel.VIEWER);
    assertThat(policy.check(frank, Capability.CREATE_CONTENT, board).reason()).isEqualTo(Reason.RESOURCE_LEVEL_TOO_LOW);
    assertThat(policy.check(erin, Capability.CREATE_CONTENT, board).allowed()).isTrue();
    assertThat(policy.whoHasAccess(bob, board, PageRequest.first(10)).items())
        .filteredOn(e -> e.user().equals(frank.userId()))
        .extracting(AccessEntry::source, AccessEntry::via)
        .containsExactly(tuple(AccessSource.ROLE_RULE, Optional.of(contractors.id())));
    // A rule on the dashboard beats the role's rule on its kind, under both rules.
    policy.resources().setMemberRule(bob, board, frank.userId(), AccessLevel.EDITOR);
    assertThat(policy.resources().level(frank, board)).isEqualTo(AccessLevel.EDITOR);
    policy.resources().clearMemberRule(bob, board, frank.userId());
    policy.roles().clearKindLevel(bob, contractors.id(), web.id(), ResourceRef.DASHBOARD);
    assertThat(policy.resources().level(frank, board)).isEqualTo(AccessLevel.EDITOR);
    assertThat(policy.roles().rules(bob, contractors.id())).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(ResolutionRule.class)
  void ownRuleAndRoleRuleOnAResourceCombineByTheRule(ResolutionRule rule) {
    setUp(rule);
    Role editors = policy.roles().create(bob, acme, "Editors");
    policy.roles().addMember(bob, editors.id(), erin.userId());
    ResourceRef board = ResourceRef.dashboard(web.id(), "sales");
    policy.resources().register(bob, board);
    policy.resources().setMemberRule(bob, board, erin.userId(), AccessLevel.VIEWER);
    policy.roles().setResourceLevel(bob, editors.id(), board, AccessLevel.EDITOR);

    AccessLevel highest = AccessLevel.EDITOR;
    AccessLevel own = AccessLevel.VIEWER;
    ResolutionRule other = rule == ResolutionRule.HIGHEST_WINS ? ResolutionRule.MOST_SPECIFIC : ResolutionRule.HIGHEST_WINS;
    assertThat(policy.resources().level(erin, board)).isEqualTo(rule == ResolutionRule.HIGHEST_WINS ? highest : own);
    assertThat(policy.roles().previewResourceLevelChanges(alice, acme, rule)).isEmpty();
    assertThat(policy.roles().previewResourceLevelChanges(alice, acme, other)).containsExactly(new ResourceLevelChange(
        erin.userId(), board, rule == ResolutionRule.HIGHEST_WINS ? highest : own,
        other == ResolutionRule.HIGHEST_WINS ? highest : own, editors.id()));
    policy.roles().switchResolution(alice, acme, other);
    assertThat(policy.resources().level(erin, board)).isEqualTo(other == ResolutionRule.HIGHEST_WINS ? highest : own);
    assertThat(policy.roles().rules(bob, editors.id())).containsExactly(
        RoleRule.forResource(editors.id(), board, AccessLevel.EDITOR));
    // Deleting the dashboard takes the role's rule with it.
    policy.resources().remove(bob, board);
    assertThat(policy.roles().rules(bob, editors.id())).isEmpty();
    assertRefused(() -> policy.roles().setResourceLevel(frank, editors.id(), board, AccessLevel.EDITOR),
        PermissionDeniedException.class, ErrorCode.PERMISSION_DENIED);
  }

  @ParameterizedTest
  @EnumSource(ResolutionRule.class)
  void aRoleOfAnotherOrganizationLooksMissing(ResolutionRule rule) {
    setUp(rule);
    Role data = policy.roles().create(bob, acme, "Data");
    Principal olga = Principal.user(UserId.of("olga"), "olga@elsewhere.com");
    policy.organizations().create(olga, "Elsewhere");

    Throwable hidden = org.assertj.core.api.Assertions.catchThrowable(() -> policy.roles().rename(olga, data.id(), "x"));
    Throwable missing = org.assertj.core.api.Assertions.catchThrowable(
        () -> policy.roles().rename(olga, RoleId.of("rol_missing"), "x"));
    assertThat(hidden).isInstanceOf(NotFoundException.class).hasMessage(missing.getMessage());
  }
}
