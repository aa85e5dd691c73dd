package dev.warden.project;

import static dev.warden.testing.OrgFixtures.join;
import static dev.warden.testing.OrgFixtures.project;
import static dev.warden.testing.WardenAssertions.assertRefused;
import static dev.warden.testing.WardenAssertions.thrown;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.warden.AccessPolicy;
import dev.warden.Decision;
import dev.warden.ErrorCode;
import dev.warden.NotFoundException;
import dev.warden.Page;
import dev.warden.PageRequest;
import dev.warden.PermissionDeniedException;
import dev.warden.Principal;
import dev.warden.Reason;
import dev.warden.RuleViolationException;
import dev.warden.WardenException;
import dev.warden.invite.InviteRequest;
import dev.warden.invite.IssuedInvite;
import dev.warden.matrix.Capability;
import dev.warden.matrix.Capability.Scope;
import dev.warden.matrix.PermissionMatrix;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.UserId;
import dev.warden.report.AccessHolder;
import dev.warden.report.Explanation;
import dev.warden.testing.FakeClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SPEC §2.3 (effective project role, hidden projects) and §5 with the "Projects" part of §15:
 * visibility, default role, grants, tokens, deletion, {@code visibleProjects}, {@code whoCan} and
 * {@code explain}.
 */
class ProjectRulesTest {
  private static final Duration HOUR = Duration.ofHours(1);
  private static final Duration NANO = Duration.ofNanos(1);
  private static final ProjectId MISSING = ProjectId.of("prj_does_not_exist");

  private final FakeClock clock = FakeClock.create();

  private final Principal alice = Principal.user(UserId.of("alice"), "alice@acme.com"); // Owner
  private final Principal bob = Principal.user(UserId.of("bob"), "bob@acme.com"); // Admin
  private final Principal carol = Principal.user(UserId.of("carol"), "carol@acme.com"); // Member
  private final Principal dave = Principal.user(UserId.of("dave"), "dave@acme.com"); // Member
  private final Principal erin = Principal.user(UserId.of("erin"), "erin@acme.com"); // not a member

  private AccessPolicy policy;
  private OrgId org;
  private Project defaultProject;
  /** Open, default role Member. */
  private Project open;
  /** Private, no grants. */
  private Project secret;

  @BeforeEach
  void setUp() {
    setUp(PermissionMatrix.posthog());
  }

  private void setUp(PermissionMatrix matrix) {
    policy = AccessPolicy.builder().clock(clock).matrix(matrix).build();
    org = policy.organizations().create(alice, "Acme Corp").id();
    join(policy, alice, org, bob, OrgLevel.ADMIN);
    join(policy, alice, org, carol, OrgLevel.MEMBER);
    join(policy, alice, org, dave, OrgLevel.MEMBER);
    defaultProject = policy.visibleProjects(alice, org).get(0).project();
    open = project(policy, alice, org, "Production", Visibility.OPEN);
    secret = project(policy, alice, org, "Secret", Visibility.PRIVATE);
  }

  private static List<Capability> projectCapabilities() {
    return PermissionMatrix.posthog().capabilities().stream().filter(c -> c.scope() == Scope.PROJECT).toList();
  }

  /** Asserts the principal's decisions on every project capability match {@code role}'s matrix row. */
  private void assertEffectiveRole(Principal who, ProjectId project, ProjectRole role, Reason source) {
    PermissionMatrix matrix = policy.matrix();
    for (Capability c : projectCapabilities()) {
      Decision expected = matrix.allows(role, c) ? Decision.allow(source) : Decision.deny(Reason.ROLE_TOO_LOW);
      assertThat(policy.check(who, c, project)).as("%s on %s", who.userId(), c).isSameAs(expected);
    }
  }

  private void assertHidden(Principal who, ProjectId project) {
    for (Capability c : projectCapabilities()) {
      assertThat(policy.check(who, c, project)).as("%s", c).isSameAs(Decision.notFound());
    }
    assertThat(policy.visibleProjects(who, org)).extracting(v -> v.project().id()).doesNotContain(project);
  }

  // ================================================================================ §2.3 effective role

  @Test
  void effectiveRole_nonMember_notFoundEverywhere() {
    assertThat(policy.check(erin, Capability.VIEW_DATA, defaultProject.id())).isSameAs(Decision.notFound());
    assertThat(policy.check(erin, Capability.VIEW_DATA, open.id())).isSameAs(Decision.notFound());
    assertThat(policy.check(erin, Capability.VIEW_ORGANIZATION, org)).isSameAs(Decision.notFound());
  }

  @Test
  void effectiveRole_membershipExpires_notFoundFromExpiryInstantEvenWithGrant() {
    Instant end = clock.instant().plus(HOUR);
    policy.grants().grant(alice, secret.id(), carol.userId(), ProjectRole.ADMIN);
    policy.members().setExpiry(alice, org, carol.userId(), end);

    clock.set(end.minus(NANO));
    assertEffectiveRole(carol, secret.id(), ProjectRole.ADMIN, Reason.EXPLICIT_GRANT);
    assertEffectiveRole(carol, open.id(), ProjectRole.MEMBER, Reason.DEFAULT_ROLE);
    clock.set(end);
    for (Capability c : projectCapabilities()) {
      assertThat(policy.check(carol, c, secret.id())).isSameAs(Decision.notFound());
      assertThat(policy.check(carol, c, open.id())).isSameAs(Decision.notFound());
    }
    assertRefused(() -> policy.visibleProjects(carol, org), NotFoundException.class, ErrorCode.NOT_FOUND);
  }

  @Test
  void effectiveRole_orgOwnerAndAdmin_implicitAdminOnOpenAndPrivate() {
    for (Principal p : List.of(alice, bob)) {
      assertEffectiveRole(p, secret.id(), ProjectRole.ADMIN, Reason.ORG_ADMIN);
      assertEffectiveRole(p, open.id(), ProjectRole.ADMIN, Reason.ORG_ADMIN);
    }
  }

  @Test
  void effectiveRole_orgAdminOnOpenProjectWithViewerDefault_stillAdmin() {
    policy.projects().setDefaultRole(alice, open.id(), ProjectRole.VIEWER);

    assertEffectiveRole(bob, open.id(), ProjectRole.ADMIN, Reason.ORG_ADMIN);
  }

  @Test
  void effectiveRole_explicitGrantLowerThanDefaultOnOpenProject_grantWins() {
    policy.grants().grant(alice, open.id(), carol.userId(), ProjectRole.VIEWER);

    assertEffectiveRole(carol, open.id(), ProjectRole.VIEWER, Reason.EXPLICIT_GRANT);
    assertThat(policy.check(carol, Capability.CREATE_CONTENT, open.id())).isSameAs(Decision.deny(Reason.ROLE_TOO_LOW));
    assertEffectiveRole(dave, open.id(), ProjectRole.MEMBER, Reason.DEFAULT_ROLE);
  }

  @Test
  void effectiveRole_explicitGrantHigherThanDefault_grantWins() {
    policy.grants().grant(alice, open.id(), carol.userId(), ProjectRole.ADMIN);

    assertEffectiveRole(carol, open.id(), ProjectRole.ADMIN, Reason.EXPLICIT_GRANT);
  }

  @Test
  void effectiveRole_openProjectWithoutGrant_defaultRoleMember() {
    assertThat(open.defaultRole()).isEqualTo(ProjectRole.MEMBER);
    assertEffectiveRole(carol, open.id(), ProjectRole.MEMBER, Reason.DEFAULT_ROLE);
    assertEffectiveRole(carol, defaultProject.id(), ProjectRole.MEMBER, Reason.DEFAULT_ROLE);
  }

  @Test
  void effectiveRole_openProjectDefaultChanged_newDefaultOnNextCheck() {
    policy.projects().setDefaultRole(alice, open.id(), ProjectRole.VIEWER);
    assertEffectiveRole(carol, open.id(), ProjectRole.VIEWER, Reason.DEFAULT_ROLE);

    policy.projects().setDefaultRole(alice, open.id(), ProjectRole.ADMIN);
    assertEffectiveRole(carol, open.id(), ProjectRole.ADMIN, Reason.DEFAULT_ROLE);
  }

  @Test
  void effectiveRole_privateProjectWithoutGrant_hidden() {
    assertHidden(carol, secret.id());
  }

  @Test
  void effectiveRole_privateProjectWithGrant_grantRole() {
    policy.grants().grant(bob, secret.id(), carol.userId(), ProjectRole.MEMBER);

    assertEffectiveRole(carol, secret.id(), ProjectRole.MEMBER, Reason.EXPLICIT_GRANT);
    assertHidden(dave, secret.id());
  }

  @Test
  void effectiveRole_grantOfOrgAdmin_inertWhileAdminThenAppliesAfterDemotion() {
    policy.grants().grant(alice, secret.id(), bob.userId(), ProjectRole.VIEWER);
    assertEffectiveRole(bob, secret.id(), ProjectRole.ADMIN, Reason.ORG_ADMIN);

    policy.members().changeLevel(alice, org, bob.userId(), OrgLevel.MEMBER);

    assertEffectiveRole(bob, secret.id(), ProjectRole.VIEWER, Reason.EXPLICIT_GRANT);
    assertThat(policy.grants().list(alice, secret.id())).extracting(ProjectGrant::user).containsExactly(bob.userId());
  }

  @Test
  void effectiveRole_memberWithGrantPromotedToAdmin_implicitAdminAndGrantKept() {
    policy.grants().grant(alice, secret.id(), carol.userId(), ProjectRole.VIEWER);

    policy.members().changeLevel(alice, org, carol.userId(), OrgLevel.ADMIN);
    assertEffectiveRole(carol, secret.id(), ProjectRole.ADMIN, Reason.ORG_ADMIN);

    policy.members().changeLevel(alice, org, carol.userId(), OrgLevel.MEMBER);
    assertEffectiveRole(carol, secret.id(), ProjectRole.VIEWER, Reason.EXPLICIT_GRANT);
  }

  @Test
  void effectiveRole_grantExpiresOnOpenProject_defaultRoleFromExpiryInstant() {
    Instant end = clock.instant().plus(HOUR);
    policy.grants().grant(alice, open.id(), carol.userId(), ProjectRole.VIEWER, end);

    clock.set(end.minus(NANO));
    assertEffectiveRole(carol, open.id(), ProjectRole.VIEWER, Reason.EXPLICIT_GRANT);
    clock.set(end);
    assertEffectiveRole(carol, open.id(), ProjectRole.MEMBER, Reason.DEFAULT_ROLE);
  }

  @Test
  void effectiveRole_grantExpiresOnPrivateProject_hiddenFromExpiryInstant() {
    Instant end = clock.instant().plus(HOUR);
    policy.grants().grant(alice, secret.id(), carol.userId(), ProjectRole.ADMIN, end);

    clock.set(end.minus(NANO));
    assertEffectiveRole(carol, secret.id(), ProjectRole.ADMIN, Reason.EXPLICIT_GRANT);
    clock.set(end);
    assertHidden(carol, secret.id());
  }

  @Test
  void effectiveRole_projectOfAnotherOrganization_notFound() {
    OrgId other = policy.organizations().create(erin, "Other Corp").id();
    Project foreign = policy.visibleProjects(erin, other).get(0).project();

    assertThat(policy.check(carol, Capability.VIEW_DATA, foreign.id())).isSameAs(Decision.notFound());
    assertThat(policy.check(alice, Capability.VIEW_DATA, foreign.id())).isSameAs(Decision.notFound());
    assertThat(policy.visibleProjects(carol, org)).extracting(v -> v.project().id()).doesNotContain(foreign.id());
  }

  @Test
  void effectiveRole_grantsInOtherOrganization_neverApplyHere() {
    OrgId other = policy.organizations().create(erin, "Other Corp").id();
    Project foreign = policy.projects().create(erin, other, "Foreign");
    policy.projects().setVisibility(erin, foreign.id(), Visibility.PRIVATE);
    IssuedInvite invite = policy.invites().create(erin, other, InviteRequest.to("carol@acme.com").grant(foreign.id(), ProjectRole.ADMIN));
    policy.invites().accept(invite.token(), carol, "carol@acme.com");
    assertEffectiveRole(carol, foreign.id(), ProjectRole.ADMIN, Reason.EXPLICIT_GRANT);

    assertHidden(carol, secret.id());
    assertEffectiveRole(carol, open.id(), ProjectRole.MEMBER, Reason.DEFAULT_ROLE);
  }

  // ================================================================================ hidden = missing

  @Test
  void hidden_check_sameDecisionInstanceAsMissingProject() {
    for (Capability c : projectCapabilities()) {
      assertThat(policy.check(carol, c, secret.id())).isSameAs(policy.check(carol, c, MISSING));
      assertThat(policy.check(erin, c, secret.id())).isSameAs(policy.check(erin, c, MISSING));
    }
  }

  @Test
  void hidden_everyOperation_sameExceptionAndMessageAsMissingProject() {
    Map<String, Function<ProjectId, ThrowingCallable>> operations = new LinkedHashMap<>();
    operations.put("require", id -> () -> policy.require(carol, Capability.VIEW_DATA, id));
    operations.put("get", id -> () -> policy.projects().get(carol, id));
    operations.put("rename", id -> () -> policy.projects().rename(carol, id, "Mine"));
    operations.put("setDefaultRole", id -> () -> policy.projects().setDefaultRole(carol, id, ProjectRole.ADMIN));
    operations.put("setVisibility", id -> () -> policy.projects().setVisibility(carol, id, Visibility.OPEN));
    operations.put("delete", id -> () -> policy.projects().delete(carol, id));
    operations.put("rotateToken", id -> () -> policy.projects().rotateToken(carol, id));
    operations.put("grant", id -> () -> policy.grants().grant(carol, id, dave.userId(), ProjectRole.VIEWER));
    operations.put("revoke", id -> () -> policy.grants().revoke(carol, id, dave.userId()));
    operations.put("listGrants", id -> () -> policy.grants().list(carol, id));
    operations.put("nonMemberGet", id -> () -> policy.projects().get(erin, id));

    for (Map.Entry<String, Function<ProjectId, ThrowingCallable>> op : operations.entrySet()) {
      Throwable hidden = thrown(op.getValue().apply(secret.id()));
      Throwable missing = thrown(op.getValue().apply(MISSING));

      assertThat(hidden).as(op.getKey()).isInstanceOf(NotFoundException.class);
      assertThat(((WardenException) hidden).code()).as(op.getKey()).isEqualTo(ErrorCode.NOT_FOUND);
      assertThat(hidden.getClass()).as(op.getKey()).isEqualTo(missing.getClass());
      assertThat(((WardenException) missing).code()).as(op.getKey()).isEqualTo(ErrorCode.NOT_FOUND);
      assertThat(hidden.getMessage()).as(op.getKey()).isEqualTo(missing.getMessage())
          .doesNotContain(secret.id().value()).doesNotContain("Secret");
    }
    assertThat(policy.projects().get(alice, secret.id()).name()).isEqualTo("Secret");
    assertThat(policy.projects().get(alice, secret.id()).visibility()).isEqualTo(Visibility.PRIVATE);
  }

  @Test
  void hidden_explain_sameAnswerAsMissingProject() {
    // SPEC §2.3: a hidden project gets "the same answer and the same message" as a missing one;
    // Explanation's Javadoc: "Steps never reveal whether a hidden project exists."
    Explanation hidden = policy.explain(carol, Capability.VIEW_DATA, secret.id());
    Explanation missing = policy.explain(carol, Capability.VIEW_DATA, MISSING);

    assertThat(hidden.decision()).isSameAs(missing.decision()).isSameAs(Decision.notFound());
    assertThat(withoutId(hidden, secret.id())).isEqualTo(withoutId(missing, MISSING));
    assertThat(String.join("\n", hidden.steps())).doesNotContain("Secret").doesNotContain("MEMBER");
  }

  @Test
  void hidden_explainForNonMember_sameAnswerAsMissingProject() {
    Explanation existing = policy.explain(erin, Capability.VIEW_DATA, open.id());
    Explanation missing = policy.explain(erin, Capability.VIEW_DATA, MISSING);

    assertThat(existing.decision()).isSameAs(missing.decision()).isSameAs(Decision.notFound());
    assertThat(withoutId(existing, open.id())).isEqualTo(withoutId(missing, MISSING));
  }

  @Test
  void hidden_explainAfterGrantExpired_sameAnswerAsMissingProject() {
    policy.grants().grant(alice, secret.id(), carol.userId(), ProjectRole.VIEWER, clock.instant().plus(HOUR));
    clock.advance(HOUR);

    Explanation hidden = policy.explain(carol, Capability.VIEW_DATA, secret.id());

    assertThat(hidden.decision()).isSameAs(Decision.notFound());
    assertThat(withoutId(hidden, secret.id())).isEqualTo(withoutId(policy.explain(carol, Capability.VIEW_DATA, MISSING), MISSING));
  }

  /** The steps with the asked-for project id replaced, since each explanation names the id it was asked about. */
  private static List<String> withoutId(Explanation e, ProjectId id) {
    return e.steps().stream().map(s -> s.replace(id.value(), "<id>")).toList();
  }

  @Test
  void hidden_visibleProjects_absent() {
    assertThat(policy.visibleProjects(carol, org)).extracting(v -> v.project().id())
        .containsExactly(defaultProject.id(), open.id());
  }

  // ================================================================================ visibility

  @Test
  void setVisibility_orgAdmin_takesEffectOnNextCheck() {
    assertThat(policy.check(carol, Capability.VIEW_DATA, open.id())).isSameAs(Decision.allow(Reason.DEFAULT_ROLE));

    Project privateNow = policy.projects().setVisibility(bob, open.id(), Visibility.PRIVATE);

    assertThat(privateNow.visibility()).isEqualTo(Visibility.PRIVATE);
    assertHidden(carol, open.id());
    assertEffectiveRole(bob, open.id(), ProjectRole.ADMIN, Reason.ORG_ADMIN);

    policy.projects().setVisibility(bob, open.id(), Visibility.OPEN);

    assertThat(policy.check(carol, Capability.VIEW_DATA, open.id())).isSameAs(Decision.allow(Reason.DEFAULT_ROLE));
  }

  @Test
  void setVisibility_privateToOpen_membersGetDefaultRole() {
    policy.projects().setVisibility(alice, secret.id(), Visibility.OPEN);

    assertEffectiveRole(carol, secret.id(), ProjectRole.MEMBER, Reason.DEFAULT_ROLE);
  }

  @Test
  void setVisibility_projectAdminWhoIsOrgMember_permissionDeniedAndUnchanged() {
    policy.grants().grant(alice, open.id(), carol.userId(), ProjectRole.ADMIN);
    policy.grants().grant(alice, secret.id(), carol.userId(), ProjectRole.ADMIN);

    assertRefused(() -> policy.projects().setVisibility(carol, open.id(), Visibility.PRIVATE),
        PermissionDeniedException.class, ErrorCode.PERMISSION_DENIED);
    assertRefused(() -> policy.projects().setVisibility(carol, secret.id(), Visibility.OPEN),
        PermissionDeniedException.class, ErrorCode.PERMISSION_DENIED);

    assertThat(policy.projects().get(alice, open.id()).visibility()).isEqualTo(Visibility.OPEN);
    assertThat(policy.projects().get(alice, secret.id()).visibility()).isEqualTo(Visibility.PRIVATE);
    assertThat(policy.check(dave, Capability.VIEW_DATA, open.id()).allowed()).isTrue();
  }

  @Test
  void setVisibility_memberOnVisibleProject_permissionDenied() {
    assertRefused(() -> policy.projects().setVisibility(carol, open.id(), Visibility.PRIVATE),
        PermissionDeniedException.class, ErrorCode.PERMISSION_DENIED);
  }

  @Test
  void setVisibility_sameValue_noOp() {
    Project before = policy.projects().get(alice, secret.id());

    Project after = policy.projects().setVisibility(alice, secret.id(), Visibility.PRIVATE);

    assertThat(after).isEqualTo(before);
    assertThat(policy.projects().get(alice, secret.id())).isEqualTo(before);
  }

  @Test
  void setVisibility_adminUnderLeastPrivilege_allowed() {
    setUp(PermissionMatrix.leastPrivilege());
    assertThat(defaultProject.visibility()).isEqualTo(Visibility.PRIVATE);

    policy.projects().setVisibility(bob, defaultProject.id(), Visibility.OPEN);

    assertEffectiveRole(carol, defaultProject.id(), ProjectRole.MEMBER, Reason.DEFAULT_ROLE);
  }

  // ================================================================================ create, settings, delete

  @Test
  void create_adminUnderPosthog_openWithMemberDefaultAndWdtToken() {
    clock.advance(HOUR);

    Project p = policy.projects().create(bob, org, "  Analytics  ");

    assertThat(p.name()).isEqualTo("Analytics");
    assertThat(p.organization()).isEqualTo(org);
    assertThat(p.visibility()).isEqualTo(Visibility.OPEN);
    assertThat(p.defaultRole()).isEqualTo(ProjectRole.MEMBER);
    assertThat(p.token()).startsWith("wdt_").hasSizeGreaterThan(20);
    assertThat(p.createdAt()).isEqualTo(clock.instant());
    assertThat(policy.resolveProjectToken(p.token())).contains(p);
  }

  @Test
  void create_underLeastPrivilege_private() {
    setUp(PermissionMatrix.leastPrivilege());

    Project p = policy.projects().create(bob, org, "Analytics");

    assertThat(p.visibility()).isEqualTo(Visibility.PRIVATE);
    assertHidden(carol, p.id());
  }

  @Test
  void create_memberUnderPosthog_permissionDeniedAndNoProject() {
    assertRefused(() -> policy.projects().create(carol, org, "Mine"), PermissionDeniedException.class, ErrorCode.PERMISSION_DENIED);

    assertThat(policy.visibleProjects(alice, org)).extracting(v -> v.project().name())
        .containsExactly("Default Project", "Production", "Secret");
  }

  @Test
  void create_nonMember_notFound() {
    assertRefused(() -> policy.projects().create(erin, org, "Mine"), NotFoundException.class, ErrorCode.NOT_FOUND);
  }

  @Test
  void create_invalidName_illegalArgument() {
    assertThatThrownBy(() -> policy.projects().create(alice, org, " ")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("project name");
    assertThatThrownBy(() -> policy.projects().create(alice, org, "p".repeat(65))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void create_twoProjects_distinctTokens() {
    Project a = policy.projects().create(alice, org, "A");
    Project b = policy.projects().create(alice, org, "B");

    assertThat(a.token()).isNotEqualTo(b.token());
    assertThat(a.toString()).doesNotContain(a.token());
  }

  @Test
  void rename_projectAdminByGrant_renamed() {
    policy.grants().grant(alice, secret.id(), carol.userId(), ProjectRole.ADMIN);

    policy.projects().rename(carol, secret.id(), "Top Secret");

    assertThat(policy.projects().get(alice, secret.id()).name()).isEqualTo("Top Secret");
  }

  @Test
  void rename_projectMember_permissionDeniedAndNameKept() {
    assertRefused(() -> policy.projects().rename(carol, open.id(), "Mine"), PermissionDeniedException.class, ErrorCode.PERMISSION_DENIED);

    assertThat(policy.projects().get(carol, open.id()).name()).isEqualTo("Production");
  }

  @Test
  void setDefaultRole_projectAdminByGrant_allowed() {
    policy.grants().grant(alice, open.id(), carol.userId(), ProjectRole.ADMIN);

    Project p = policy.projects().setDefaultRole(carol, open.id(), ProjectRole.VIEWER);

    assertThat(p.defaultRole()).isEqualTo(ProjectRole.VIEWER);
    assertEffectiveRole(dave, open.id(), ProjectRole.VIEWER, Reason.DEFAULT_ROLE);
  }

  @Test
  void setDefaultRole_projectMember_permissionDeniedAndDefaultKept() {
    assertRefused(() -> policy.projects().setDefaultRole(carol, open.id(), ProjectRole.ADMIN),
        PermissionDeniedException.class, ErrorCode.PERMISSION_DENIED);

    assertEffectiveRole(carol, open.id(), ProjectRole.MEMBER, Reason.DEFAULT_ROLE);
  }

  @Test
  void setDefaultRole_privateProject_appliesOnceOpened() {
    policy.projects().setDefaultRole(alice, secret.id(), ProjectRole.VIEWER);
    assertHidden(carol, secret.id());

    policy.projects().setVisibility(alice, secret.id(), Visibility.OPEN);

    assertEffectiveRole(carol, secret.id(), ProjectRole.VIEWER, Reason.DEFAULT_ROLE);
  }

  @Test
  void delete_orgAdmin_projectGrantsAndTokenGone() {
    policy.grants().grant(alice, secret.id(), carol.userId(), ProjectRole.MEMBER);

    policy.projects().delete(bob, secret.id());

    assertThat(policy.check(alice, Capability.VIEW_DATA, secret.id())).isSameAs(Decision.notFound());
    assertThat(policy.check(carol, Capability.VIEW_DATA, secret.id())).isSameAs(Decision.notFound());
    assertThat(policy.resolveProjectToken(secret.token())).isEmpty();
    assertThat(policy.visibleProjects(alice, org)).extracting(v -> v.project().id()).doesNotContain(secret.id());
    assertRefused(() -> policy.projects().get(alice, secret.id()), NotFoundException.class, ErrorCode.NOT_FOUND);
    assertRefused(() -> policy.grants().list(alice, secret.id()), NotFoundException.class, ErrorCode.NOT_FOUND);
  }

  @Test
  void delete_projectAdminByGrantWhoIsOrgMember_permissionDenied() {
    policy.grants().grant(alice, open.id(), carol.userId(), ProjectRole.ADMIN);

    assertRefused(() -> policy.projects().delete(carol, open.id()), PermissionDeniedException.class, ErrorCode.PERMISSION_DENIED);
    assertThat(policy.check(carol, Capability.VIEW_DATA, open.id()).allowed()).isTrue();
  }

  @Test
  void delete_adminUnderLeastPrivilege_permissionDenied() {
    setUp(PermissionMatrix.leastPrivilege());

    assertRefused(() -> policy.projects().delete(bob, secret.id()), PermissionDeniedException.class, ErrorCode.PERMISSION_DENIED);
    assertThat(policy.check(bob, Capability.VIEW_DATA, secret.id()).allowed()).isTrue();
    policy.projects().delete(alice, secret.id());
    assertThat(policy.check(bob, Capability.VIEW_DATA, secret.id())).isSameAs(Decision.notFound());
  }

  @Test
  void deleteOrganization_tokensResolveToNothingAndInvitesNotFound() {
    IssuedInvite invite = policy.invites().create(alice, org, InviteRequest.to("erin@acme.com").grant(open.id(), ProjectRole.VIEWER));

    policy.organizations().delete(alice, org);

    for (Project p : List.of(defaultProject, open, secret)) {
      assertThat(policy.resolveProjectToken(p.token())).isEmpty();
      assertThat(policy.check(alice, Capability.VIEW_DATA, p.id())).isSameAs(Decision.notFound());
    }
    assertRefused(() -> policy.invites().accept(invite.token(), erin, "erin@acme.com"),
        NotFoundException.class, ErrorCode.INVITE_NOT_FOUND);
  }

  // ================================================================================ grants

  @Test
  void grant_projectAdminGrantsMember_effectiveAndListed() {
    policy.grants().grant(alice, secret.id(), carol.userId(), ProjectRole.ADMIN);
    clock.advance(HOUR);

    ProjectGrant g = policy.grants().grant(carol, secret.id(), dave.userId(), ProjectRole.VIEWER);

    assertThat(g).isEqualTo(new ProjectGrant(secret.id(), dave.userId(), ProjectRole.VIEWER, Optional.empty(),
        carol.userId(), clock.instant()));
    assertEffectiveRole(dave, secret.id(), ProjectRole.VIEWER, Reason.EXPLICIT_GRANT);
    assertThat(policy.grants().list(carol, secret.id())).extracting(ProjectGrant::user)
        .containsExactly(carol.userId(), dave.userId());
  }

  @Test
  void grant_withoutManageProjectAccess_permissionDeniedAndNoGrant() {
    assertRefused(() -> policy.grants().grant(carol, open.id(), dave.userId(), ProjectRole.VIEWER),
        PermissionDeniedException.class, ErrorCode.PERMISSION_DENIED);

    assertThat(policy.grants().list(alice, open.id())).isEmpty();
  }

  @Test
  void grant_toSelf_cannotChangeOwnGrant() {
    policy.grants().grant(alice, secret.id(), carol.userId(), ProjectRole.ADMIN);

    assertRefused(() -> policy.grants().grant(carol, secret.id(), carol.userId(), ProjectRole.VIEWER),
        RuleViolationException.class, ErrorCode.CANNOT_CHANGE_OWN_GRANT);
    assertRefused(() -> policy.grants().grant(bob, secret.id(), bob.userId(), ProjectRole.VIEWER),
        RuleViolationException.class, ErrorCode.CANNOT_CHANGE_OWN_GRANT);

    assertThat(policy.grants().list(alice, secret.id())).singleElement()
        .satisfies(g -> assertThat(g.role()).isEqualTo(ProjectRole.ADMIN));
  }

  @Test
  void grant_toNonMember_notAMember() {
    assertRefused(() -> policy.grants().grant(alice, secret.id(), erin.userId(), ProjectRole.VIEWER),
        RuleViolationException.class, ErrorCode.NOT_A_MEMBER);

    assertThat(policy.grants().list(alice, secret.id())).isEmpty();
  }

  @Test
  void grant_toExpiredMember_notAMember() {
    policy.members().setExpiry(alice, org, carol.userId(), clock.instant().plus(HOUR));
    clock.advance(HOUR);

    assertRefused(() -> policy.grants().grant(alice, secret.id(), carol.userId(), ProjectRole.VIEWER),
        RuleViolationException.class, ErrorCode.NOT_A_MEMBER);
  }

  @Test
  void grant_roleAboveOwn_roleAboveOwn() {
    // Only a custom matrix lets a role below Admin manage access, so only there can a grant exceed it.
    setUp(PermissionMatrix.posthog().toBuilder().grant(ProjectRole.MEMBER, Capability.MANAGE_PROJECT_ACCESS).build());

    assertRefused(() -> policy.grants().grant(carol, open.id(), dave.userId(), ProjectRole.ADMIN),
        RuleViolationException.class, ErrorCode.ROLE_ABOVE_OWN);
    assertThat(policy.grants().list(alice, open.id())).isEmpty();

    policy.grants().grant(carol, open.id(), dave.userId(), ProjectRole.MEMBER);
    assertThat(policy.grants().list(alice, open.id())).extracting(ProjectGrant::user).containsExactly(dave.userId());
  }

  @Test
  void grant_nonMemberAboveOwnRole_notAMemberCheckedBeforeRoleAboveOwn() {
    setUp(PermissionMatrix.posthog().toBuilder().grant(ProjectRole.MEMBER, Capability.MANAGE_PROJECT_ACCESS).build());

    assertRefused(() -> policy.grants().grant(carol, open.id(), erin.userId(), ProjectRole.ADMIN),
        RuleViolationException.class, ErrorCode.NOT_A_MEMBER);
  }

  @Test
  void grant_expiryAtOrBeforeNow_expiryInPastAndNoGrant() {
    assertRefused(() -> policy.grants().grant(alice, secret.id(), carol.userId(), ProjectRole.VIEWER, clock.instant()),
        RuleViolationException.class, ErrorCode.EXPIRY_IN_PAST);
    assertRefused(() -> policy.grants().grant(alice, secret.id(), carol.userId(), ProjectRole.VIEWER, clock.instant().minus(HOUR)),
        RuleViolationException.class, ErrorCode.EXPIRY_IN_PAST);

    assertThat(policy.grants().list(alice, secret.id())).isEmpty();
    assertHidden(carol, secret.id());
  }

  @Test
  void grant_again_replacesRoleAndExpiry() {
    Instant end = clock.instant().plus(HOUR);
    policy.grants().grant(alice, secret.id(), carol.userId(), ProjectRole.VIEWER, end);

    policy.grants().grant(bob, secret.id(), carol.userId(), ProjectRole.MEMBER);

    assertThat(policy.grants().list(alice, secret.id())).singleElement().satisfies(g -> {
      assertThat(g.role()).isEqualTo(ProjectRole.MEMBER);
      assertThat(g.expiresAt()).isEmpty();
      assertThat(g.grantedBy()).isEqualTo(bob.userId());
    });
    clock.set(end);
    assertEffectiveRole(carol, secret.id(), ProjectRole.MEMBER, Reason.EXPLICIT_GRANT);
  }

  @Test
  void grant_againWithExpiry_addsExpiry() {
    policy.grants().grant(alice, secret.id(), carol.userId(), ProjectRole.MEMBER);
    Instant end = clock.instant().plus(HOUR);

    policy.grants().grant(alice, secret.id(), carol.userId(), ProjectRole.MEMBER, end);

    clock.set(end);
    assertHidden(carol, secret.id());
  }

  @Test
  void revoke_existingGrant_accessFallsBackOnNextCheck() {
    policy.grants().grant(alice, open.id(), carol.userId(), ProjectRole.ADMIN);
    policy.grants().grant(alice, secret.id(), carol.userId(), ProjectRole.ADMIN);

    policy.grants().revoke(bob, open.id(), carol.userId());
    policy.grants().revoke(bob, secret.id(), carol.userId());

    assertEffectiveRole(carol, open.id(), ProjectRole.MEMBER, Reason.DEFAULT_ROLE);
    assertHidden(carol, secret.id());
  }

  @Test
  void revoke_noGrant_grantNotFound() {
    assertRefused(() -> policy.grants().revoke(alice, secret.id(), carol.userId()), NotFoundException.class, ErrorCode.GRANT_NOT_FOUND);
    assertRefused(() -> policy.grants().revoke(alice, secret.id(), erin.userId()), NotFoundException.class, ErrorCode.GRANT_NOT_FOUND);
  }

  @Test
  void revoke_ownGrant_cannotChangeOwnGrant() {
    policy.grants().grant(alice, secret.id(), carol.userId(), ProjectRole.ADMIN);

    assertRefused(() -> policy.grants().revoke(carol, secret.id(), carol.userId()),
        RuleViolationException.class, ErrorCode.CANNOT_CHANGE_OWN_GRANT);
    assertEffectiveRole(carol, secret.id(), ProjectRole.ADMIN, Reason.EXPLICIT_GRANT);
  }

  @Test
  void revoke_withoutManageProjectAccess_permissionDeniedAndGrantKept() {
    policy.grants().grant(alice, open.id(), dave.userId(), ProjectRole.VIEWER);

    assertRefused(() -> policy.grants().revoke(carol, open.id(), dave.userId()),
        PermissionDeniedException.class, ErrorCode.PERMISSION_DENIED);
    assertEffectiveRole(dave, open.id(), ProjectRole.VIEWER, Reason.EXPLICIT_GRANT);
  }

  @Test
  void listGrants_withoutManageProjectAccess_permissionDenied() {
    assertRefused(() -> policy.grants().list(carol, open.id()), PermissionDeniedException.class, ErrorCode.PERMISSION_DENIED);
  }

  // ================================================================================ token

  @Test
  void rotateToken_projectAdmin_newWdtTokenAndOldResolvesToNothing() {
    policy.grants().grant(alice, open.id(), carol.userId(), ProjectRole.ADMIN);
    String old = open.token();
    assertThat(policy.resolveProjectToken(old)).map(Project::id).contains(open.id());

    Project rotated = policy.projects().rotateToken(carol, open.id());

    assertThat(rotated.token()).startsWith("wdt_").isNotEqualTo(old);
    assertThat(policy.resolveProjectToken(old)).isEmpty();
    assertThat(policy.projects().resolveProjectToken(old)).isEmpty();
    assertThat(policy.resolveProjectToken(rotated.token())).contains(rotated);
    assertThat(policy.projects().get(alice, open.id()).token()).isEqualTo(rotated.token());
  }

  @Test
  void rotateToken_projectMember_permissionDeniedAndTokenKept() {
    assertRefused(() -> policy.projects().rotateToken(carol, open.id()), PermissionDeniedException.class, ErrorCode.PERMISSION_DENIED);

    assertThat(policy.resolveProjectToken(open.token())).map(Project::id).contains(open.id());
  }

  @Test
  void resolveProjectToken_unknownOrMalformed_empty() {
    assertThat(policy.resolveProjectToken("phc_unknown")).isEmpty();
    assertThat(policy.resolveProjectToken("not-a-token")).isEmpty();
    assertThat(policy.resolveProjectToken("")).isEmpty();
    assertThatThrownBy(() -> policy.resolveProjectToken(null)).isInstanceOf(NullPointerException.class);
  }

  // ================================================================================ visibleProjects

  @Test
  void visibleProjects_member_creationOrderWithRoleAndSource() {
    policy.grants().grant(alice, secret.id(), carol.userId(), ProjectRole.VIEWER);
    Project hiddenFromCarol = policy.projects().setVisibility(alice, policy.projects().create(alice, org, "Hidden").id(),
        Visibility.PRIVATE);
    Project viewers = policy.projects().create(alice, org, "Viewers");
    policy.projects().setDefaultRole(alice, viewers.id(), ProjectRole.VIEWER);

    List<VisibleProject> visible = policy.visibleProjects(carol, org);

    assertThat(visible).extracting(v -> v.project().id(), VisibleProject::role, VisibleProject::source).containsExactly(
        tuple(defaultProject.id(), ProjectRole.MEMBER, Reason.DEFAULT_ROLE),
        tuple(open.id(), ProjectRole.MEMBER, Reason.DEFAULT_ROLE),
        tuple(secret.id(), ProjectRole.VIEWER, Reason.EXPLICIT_GRANT),
        tuple(viewers.id(), ProjectRole.VIEWER, Reason.DEFAULT_ROLE));
    assertThat(visible).extracting(v -> v.project().id()).doesNotContain(hiddenFromCarol.id());
    assertThat(policy.visibleProjects(bob, org)).extracting(VisibleProject::source).containsOnly(Reason.ORG_ADMIN);
    assertThat(policy.visibleProjects(bob, org)).hasSize(5);
  }

  @Test
  void visibleProjects_viaPrincipalOrUserId_sameList() {
    assertThat(policy.visibleProjects(carol, org)).isEqualTo(policy.visibleProjects(carol.userId(), org));
  }

  @Test
  void visibleProjects_nonMember_notFound() {
    assertRefused(() -> policy.visibleProjects(erin, org), NotFoundException.class, ErrorCode.NOT_FOUND);
  }

  @Test
  void visibleProjectsPaged_frozenClock_allPagesInCreationOrderWithoutSkipsOrRepeats() {
    for (int i = 0; i < 9; i++) {
      Project p = policy.projects().create(alice, org, "P" + i);
      if (i % 3 == 1) {
        policy.projects().setVisibility(alice, p.id(), Visibility.PRIVATE); // hidden from carol
      }
    }
    List<Project> expected = policy.visibleProjects(carol, org).stream().map(VisibleProject::project).toList();

    List<Project> paged = collectPages(carol, 2);

    assertThat(expected).hasSize(8);
    assertThat(paged).isEqualTo(expected);
  }

  @Test
  void visibleProjectsPaged_advancingClock_allPagesInCreationOrder() {
    List<ProjectId> created = new ArrayList<>(List.of(defaultProject.id(), open.id(), secret.id()));
    for (int i = 0; i < 5; i++) {
      clock.advance(Duration.ofSeconds(1));
      created.add(policy.projects().create(alice, org, "P" + i).id());
    }

    assertThat(collectPages(alice, 3)).extracting(Project::id).isEqualTo(created);
    assertThat(collectPages(alice, 1)).extracting(Project::id).isEqualTo(created);
    assertThat(collectPages(alice, 1000)).extracting(Project::id).isEqualTo(created);
  }

  @Test
  void visibleProjectsPaged_exactlyFullLastPage_noNextCursor() {
    Page<VisibleProject> first = policy.visibleProjects(alice, org, PageRequest.first(3));

    assertThat(first.items()).hasSize(3);
    assertThat(first.nextCursor()).isEmpty();

    Page<VisibleProject> half = policy.visibleProjects(alice, org, PageRequest.first(2));
    assertThat(half.nextCursor()).isPresent();
    Page<VisibleProject> rest = policy.visibleProjects(alice, org, PageRequest.after(half.nextCursor().get(), 2));
    assertThat(rest.items()).extracting(v -> v.project().id()).containsExactly(secret.id());
    assertThat(rest.nextCursor()).isEmpty();
  }

  @Test
  void visibleProjectsPaged_projectsChangeBetweenPages_remainingProjectsNeitherSkippedNorRepeated() {
    List<Project> extra = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      extra.add(policy.projects().create(alice, org, "P" + i));
    }
    Page<VisibleProject> first = policy.visibleProjects(alice, org, PageRequest.first(3));
    assertThat(first.items()).extracting(v -> v.project().id()).containsExactly(defaultProject.id(), open.id(), secret.id());

    policy.projects().delete(alice, open.id());
    Project added = policy.projects().create(alice, org, "Late");
    Page<VisibleProject> second = policy.visibleProjects(alice, org, PageRequest.after(first.nextCursor().orElseThrow(), 3));
    Page<VisibleProject> third = policy.visibleProjects(alice, org, PageRequest.after(second.nextCursor().orElseThrow(), 3));

    assertThat(second.items()).extracting(v -> v.project().id()).containsExactly(extra.get(0).id(), extra.get(1).id(), extra.get(2).id());
    assertThat(third.items()).extracting(v -> v.project().id()).containsExactly(extra.get(3).id(), added.id());
    assertThat(third.nextCursor()).isEmpty();
  }

  @Test
  void pageRequest_invalid_illegalArgument() {
    assertThatThrownBy(() -> PageRequest.first(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
    assertThatThrownBy(() -> PageRequest.first(PageRequest.MAX_SIZE + 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PageRequest.after(" ", 10)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> policy.visibleProjects(alice, org, PageRequest.after("garbage", 10)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("garbage");
  }

  private List<Project> collectPages(Principal who, int size) {
    List<Project> all = new ArrayList<>();
    Page<VisibleProject> page = policy.visibleProjects(who, org, PageRequest.first(size));
    int pages = 1;
    while (true) {
      assertThat(page.items()).hasSizeLessThanOrEqualTo(size).isNotEmpty();
      page.items().forEach(v -> all.add(v.project()));
      if (page.nextCursor().isEmpty()) {
        break;
      }
      assertThat(page.items()).hasSize(size);
      page = policy.visibleProjects(who, org, PageRequest.after(page.nextCursor().get(), size));
      assertThat(++pages).isLessThan(100);
    }
    assertThat(all).doesNotHaveDuplicates();
    return all;
  }

  // ================================================================================ whoCan, explain

  @Test
  void whoCan_manageAccessOnPrivateProject_adminsAndGranteeInUserIdOrder() {
    policy.grants().grant(alice, secret.id(), dave.userId(), ProjectRole.ADMIN);
    policy.grants().grant(alice, secret.id(), carol.userId(), ProjectRole.VIEWER);

    List<AccessHolder> holders = policy.whoCan(Capability.MANAGE_PROJECT_ACCESS, secret.id());

    assertThat(holders).containsExactly(
        new AccessHolder(alice.userId(), OrgLevel.OWNER, Optional.of(ProjectRole.ADMIN), Reason.ORG_ADMIN),
        new AccessHolder(bob.userId(), OrgLevel.ADMIN, Optional.of(ProjectRole.ADMIN), Reason.ORG_ADMIN),
        new AccessHolder(dave.userId(), OrgLevel.MEMBER, Optional.of(ProjectRole.ADMIN), Reason.EXPLICIT_GRANT));
  }

  @Test
  void whoCan_viewDataOnOpenProject_defaultRoleMembersIncludedExpiredExcluded() {
    policy.grants().grant(alice, open.id(), carol.userId(), ProjectRole.VIEWER);
    policy.members().setExpiry(alice, org, dave.userId(), clock.instant().plus(HOUR));
    clock.advance(HOUR);

    List<AccessHolder> holders = policy.whoCan(Capability.VIEW_DATA, open.id());

    assertThat(holders).extracting(AccessHolder::user, AccessHolder::role, AccessHolder::reason).containsExactly(
        tuple(alice.userId(), Optional.of(ProjectRole.ADMIN), Reason.ORG_ADMIN),
        tuple(bob.userId(), Optional.of(ProjectRole.ADMIN), Reason.ORG_ADMIN),
        tuple(carol.userId(), Optional.of(ProjectRole.VIEWER), Reason.EXPLICIT_GRANT));
  }

  @Test
  void whoCan_createContentWithViewerGrant_granteeLeftOut() {
    policy.grants().grant(alice, open.id(), carol.userId(), ProjectRole.VIEWER);

    assertThat(policy.whoCan(Capability.CREATE_CONTENT, open.id())).extracting(AccessHolder::user)
        .containsExactly(alice.userId(), bob.userId(), dave.userId());
  }

  @Test
  void whoCan_orgCapabilityOnProjectOrMissingProject_refused() {
    assertThatThrownBy(() -> policy.whoCan(Capability.INVITE_MEMBERS, open.id())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("INVITE_MEMBERS");
    assertRefused(() -> policy.whoCan(Capability.VIEW_DATA, MISSING), NotFoundException.class, ErrorCode.NOT_FOUND);
  }

  @Test
  void explain_variousCases_decisionEqualsCheckWithSteps() {
    policy.grants().grant(alice, open.id(), carol.userId(), ProjectRole.VIEWER, clock.instant().plus(HOUR));
    List<Object[]> cases = List.of(
        new Object[] {alice, Capability.MANAGE_PROJECT_ACCESS, secret.id()},
        new Object[] {carol, Capability.CREATE_CONTENT, open.id()},
        new Object[] {carol, Capability.VIEW_DATA, open.id()},
        new Object[] {dave, Capability.CREATE_CONTENT, open.id()},
        new Object[] {dave, Capability.VIEW_DATA, secret.id()},
        new Object[] {erin, Capability.VIEW_DATA, open.id()});

    for (Object[] c : cases) {
      Principal who = (Principal) c[0];
      Capability capability = (Capability) c[1];
      ProjectId project = (ProjectId) c[2];
      Explanation e = policy.explain(who, capability, project);
      assertThat(e.decision()).as("%s %s", who.userId(), capability).isSameAs(policy.check(who, capability, project));
      assertThat(e.steps()).isNotEmpty();
    }
  }

  @Test
  void explain_grantThenDefault_stepsNameGrantExpiryAndDefault() {
    Instant end = clock.instant().plus(HOUR);
    policy.grants().grant(alice, open.id(), carol.userId(), ProjectRole.VIEWER, end);

    Explanation withGrant = policy.explain(carol, Capability.CREATE_CONTENT, open.id());
    clock.set(end);
    Explanation afterExpiry = policy.explain(carol, Capability.CREATE_CONTENT, open.id());

    assertThat(withGrant.decision()).isSameAs(Decision.deny(Reason.ROLE_TOO_LOW));
    assertThat(String.join("\n", withGrant.steps())).contains("grant").contains("VIEWER");
    assertThat(afterExpiry.decision()).isSameAs(Decision.allow(Reason.DEFAULT_ROLE));
    assertThat(String.join("\n", afterExpiry.steps())).contains("expired").contains("default");
  }

  @Test
  void explain_orgCapability_decisionEqualsCheck() {
    Explanation e = policy.explain(carol, Capability.CREATE_PROJECT, org);

    assertThat(e.decision()).isSameAs(Decision.deny(Reason.LEVEL_TOO_LOW));
    assertThat(String.join("\n", e.steps())).contains("MEMBER");
    assertThat(policy.explain(erin, Capability.VIEW_ORGANIZATION, org).decision()).isSameAs(Decision.notFound());
  }
}
