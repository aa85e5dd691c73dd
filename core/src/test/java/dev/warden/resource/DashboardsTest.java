package dev.warden.resource;

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
import dev.warden.matrix.Capability;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.UserId;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import dev.warden.project.Visibility;
import dev.warden.report.AccessHolder;
import dev.warden.testing.FakeClock;
import java.time.Duration;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Dashboards per [003] "granular dashboard permissions" and SPEC §8: the restriction level ("everyone
 * in the project can edit", the default, or "only collaborators can edit"), collaborators at "can edit"
 * with PostHog's error cases, and "everyone who can see the project can view every dashboard" (issue 7).
 *
 * <p>Cast (posthog preset): alice Owner, bob Admin, carol (creator of the dashboards), dan, erin Members,
 * vic a Member with a Viewer grant on Production, pam a Member with an Admin grant on Production, frank
 * a Member without access to the private project Secret, olga not a member. carol and dan have Member
 * grants on Secret.
 */
class DashboardsTest {
  private final FakeClock clock = FakeClock.create();

  private final Principal alice = Principal.user(UserId.of("alice"), "alice@acme.com");
  private final Principal bob = Principal.user(UserId.of("bob"), "bob@acme.com");
  private final Principal carol = Principal.user(UserId.of("carol"), "carol@acme.com");
  private final Principal dan = Principal.user(UserId.of("dan"), "dan@acme.com");
  private final Principal erin = Principal.user(UserId.of("erin"), "erin@acme.com");
  private final Principal frank = Principal.user(UserId.of("frank"), "frank@acme.com");
  private final Principal pam = Principal.user(UserId.of("pam"), "pam@acme.com");
  private final Principal vic = Principal.user(UserId.of("vic"), "vic@acme.com");
  private final Principal olga = Principal.user(UserId.of("olga"), "olga@elsewhere.com");

  private AccessPolicy policy;
  private OrgId org;
  private ProjectId prod;
  private ProjectId secret;
  /** "Weekly KPIs" in Production, by carol. */
  private ResourceRef kpis;
  /** A dashboard in Secret, by carol. */
  private ResourceRef secretBoard;

  @BeforeEach
  void setUp() {
    policy = AccessPolicy.builder().clock(clock).build();
    org = policy.organizations().create(alice, "Acme Corp").id();
    join(policy, alice, org, bob, OrgLevel.ADMIN);
    for (Principal p : List.of(carol, dan, erin, frank, pam, vic)) {
      join(policy, alice, org, p, OrgLevel.MEMBER);
    }
    prod = project(policy, alice, org, "Production", Visibility.OPEN).id();
    secret = project(policy, alice, org, "Secret", Visibility.PRIVATE).id();
    policy.grants().grant(alice, prod, vic.userId(), ProjectRole.VIEWER);
    policy.grants().grant(alice, prod, pam.userId(), ProjectRole.ADMIN);
    policy.grants().grant(alice, secret, carol.userId(), ProjectRole.MEMBER);
    policy.grants().grant(alice, secret, dan.userId(), ProjectRole.MEMBER);
    kpis = policy.resources().register(carol, ResourceRef.dashboard(prod, "weekly-kpis")).ref();
    secretBoard = policy.resources().register(carol, ResourceRef.dashboard(secret, "board")).ref();
  }

  private void restrict(ResourceRef dashboard) {
    policy.resources().restrictDashboard(carol, dashboard, DashboardRestriction.ONLY_COLLABORATORS_CAN_EDIT);
  }

  private boolean canEdit(Principal who, ResourceRef dashboard) {
    return policy.check(who, Capability.CREATE_CONTENT, dashboard).allowed();
  }

  private List<AuditEntry> audit(String action) {
    return policy.audit().query(alice, AuditQuery.organization(org).action(action), PageRequest.first(100)).items();
  }

  // ============================================================================== restriction level

  @Test
  void newDashboard_everyoneInTheProjectCanEdit() {
    assertThat(policy.resources().restriction(dan, kpis)).isEqualTo(DashboardRestriction.EVERYONE_CAN_EDIT);
    assertThat(policy.resources().level(dan, kpis)).isEqualTo(AccessLevel.EDITOR);
    assertThat(policy.check(dan, Capability.CREATE_CONTENT, kpis)).isSameAs(Decision.allow(Reason.RESOURCE_DEFAULT));
    assertThat(policy.resources().level(vic, kpis)).as("a project Viewer only views").isEqualTo(AccessLevel.VIEWER);
    assertThat(policy.resources().collaborators(dan, kpis)).isEmpty();
  }

  @Test
  void restricted_onlyCreatorAdminsAndCollaboratorsEdit_everyoneElseViews() {
    restrict(kpis);

    for (Principal p : List.of(dan, erin, frank, vic)) {
      assertThat(policy.resources().restriction(p, kpis)).isEqualTo(DashboardRestriction.ONLY_COLLABORATORS_CAN_EDIT);
      assertThat(policy.resources().level(p, kpis)).as("%s", p.userId()).isEqualTo(AccessLevel.VIEWER);
      assertThat(policy.check(p, Capability.VIEW_DATA, kpis).allowed()).isTrue();
      assertThat(canEdit(p, kpis)).isFalse();
    }
    assertThat(policy.check(dan, Capability.CREATE_CONTENT, kpis)).isSameAs(Decision.deny(Reason.RESOURCE_LEVEL_TOO_LOW));
    for (Principal p : List.of(carol, pam, bob, alice)) {
      assertThat(policy.resources().level(p, kpis)).as("%s", p.userId()).isEqualTo(AccessLevel.MANAGER);
      assertThat(canEdit(p, kpis)).isTrue();
    }
  }

  @Test
  void restrict_needsManager() {
    for (Principal p : List.of(dan, vic)) {
      assertRefused(() -> policy.resources().restrictDashboard(p, kpis, DashboardRestriction.ONLY_COLLABORATORS_CAN_EDIT),
          PermissionDeniedException.class, ErrorCode.PERMISSION_DENIED);
    }
    assertRefused(() -> policy.resources().restrictDashboard(frank, secretBoard,
        DashboardRestriction.ONLY_COLLABORATORS_CAN_EDIT), NotFoundException.class, ErrorCode.NOT_FOUND);
    assertRefused(() -> policy.resources().restrictDashboard(olga, kpis,
        DashboardRestriction.ONLY_COLLABORATORS_CAN_EDIT), NotFoundException.class, ErrorCode.NOT_FOUND);
    assertThat(policy.resources().restriction(dan, kpis)).isEqualTo(DashboardRestriction.EVERYONE_CAN_EDIT);

    policy.resources().restrictDashboard(pam, kpis, DashboardRestriction.ONLY_COLLABORATORS_CAN_EDIT);
    assertThat(policy.resources().restriction(dan, kpis)).isEqualTo(DashboardRestriction.ONLY_COLLABORATORS_CAN_EDIT);
    policy.resources().restrictDashboard(bob, kpis, DashboardRestriction.EVERYONE_CAN_EDIT);
    assertThat(policy.resources().restriction(dan, kpis)).isEqualTo(DashboardRestriction.EVERYONE_CAN_EDIT);
  }

  @Test
  void restrict_backToEveryoneCanEdit_everyoneEditsAgain_collaboratorsKeptButMoot() {
    restrict(kpis);
    policy.resources().addCollaborator(carol, kpis, dan.userId());

    policy.resources().restrictDashboard(carol, kpis, DashboardRestriction.EVERYONE_CAN_EDIT);

    assertThat(canEdit(erin, kpis)).isTrue();
    assertThat(canEdit(dan, kpis)).isTrue();
    assertThat(policy.resources().collaborators(erin, kpis)).containsExactly(dan.userId());
    restrict(kpis);
    assertThat(canEdit(erin, kpis)).isFalse();
    assertThat(canEdit(dan, kpis)).as("still a collaborator").isTrue();
  }

  @Test
  void restrict_sameLevelTwice_noChangeNoSecondAuditEntry() {
    restrict(kpis);
    restrict(kpis);
    policy.resources().restrictDashboard(carol, kpis, DashboardRestriction.EVERYONE_CAN_EDIT);
    policy.resources().restrictDashboard(carol, kpis, DashboardRestriction.EVERYONE_CAN_EDIT);

    assertThat(audit("resource.rule_changed")).hasSize(2);
    assertThat(policy.resources().restriction(dan, kpis)).isEqualTo(DashboardRestriction.EVERYONE_CAN_EDIT);
  }

  @Test
  void restrict_notADashboard_programmingError() {
    ResourceRef insight = policy.resources().register(carol, ResourceRef.of(prod, "insight", "i1")).ref();

    assertThatThrownBy(() -> policy.resources().restrictDashboard(carol, insight,
        DashboardRestriction.ONLY_COLLABORATORS_CAN_EDIT)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> policy.resources().addCollaborator(carol, insight, dan.userId()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> policy.resources().restriction(carol, insight)).isInstanceOf(IllegalArgumentException.class);
  }

  // =================================================================================== collaborators

  @Test
  void addCollaborator_canEditTheRestrictedDashboard_othersStillView() {
    restrict(kpis);

    policy.resources().addCollaborator(carol, kpis, dan.userId());

    assertThat(policy.resources().collaborators(erin, kpis)).containsExactly(dan.userId());
    assertThat(policy.resources().level(dan, kpis)).isEqualTo(AccessLevel.EDITOR);
    assertThat(policy.check(dan, Capability.CREATE_CONTENT, kpis)).isSameAs(Decision.allow(Reason.RESOURCE_RULE));
    assertThat(policy.check(dan, Capability.DELETE_ANY_DASHBOARD, kpis)).isSameAs(Decision.deny(Reason.ROLE_TOO_LOW));
    assertThat(canEdit(erin, kpis)).isFalse();
    assertThat(policy.whoCan(Capability.CREATE_CONTENT, kpis)).extracting(AccessHolder::user, AccessHolder::reason)
        .containsExactly(
            tuple(alice.userId(), Reason.RESOURCE_MANAGER),
            tuple(bob.userId(), Reason.RESOURCE_MANAGER),
            tuple(carol.userId(), Reason.RESOURCE_MANAGER),
            tuple(dan.userId(), Reason.RESOURCE_RULE),
            tuple(pam.userId(), Reason.RESOURCE_MANAGER));
  }

  @Test
  void addCollaborator_byAnAdminOrByAnotherCollaborator() {
    restrict(kpis);
    policy.resources().addCollaborator(bob, kpis, dan.userId());

    policy.resources().addCollaborator(dan, kpis, erin.userId()); // a collaborator can edit, so may add

    assertThat(policy.resources().collaborators(frank, kpis)).containsExactly(dan.userId(), erin.userId());
    assertThat(canEdit(erin, kpis)).isTrue();
  }

  @Test
  void addCollaborator_twice_staysOneCollaborator() {
    restrict(kpis);
    policy.resources().addCollaborator(carol, kpis, dan.userId());
    policy.resources().addCollaborator(carol, kpis, dan.userId());

    assertThat(policy.resources().collaborators(carol, kpis)).containsExactly(dan.userId());
  }

  @Test
  void addCollaborator_unrestrictedDashboard_resourceNotRestricted() {
    assertRefused(() -> policy.resources().addCollaborator(carol, kpis, dan.userId()),
        RuleViolationException.class, ErrorCode.RESOURCE_NOT_RESTRICTED);
    assertRefused(() -> policy.resources().addCollaborator(erin, kpis, dan.userId()), // erin can edit it
        RuleViolationException.class, ErrorCode.RESOURCE_NOT_RESTRICTED);
    // checked before the target: even someone without project access gets RESOURCE_NOT_RESTRICTED
    assertRefused(() -> policy.resources().addCollaborator(carol, secretBoard, frank.userId()),
        RuleViolationException.class, ErrorCode.RESOURCE_NOT_RESTRICTED);
    assertThat(policy.resources().collaborators(carol, kpis)).isEmpty();
  }

  @Test
  void addCollaborator_someoneWithoutProjectAccess_noProjectAccess() {
    restrict(secretBoard);
    policy.members().setExpiry(alice, org, dan.userId(), clock.instant().plus(Duration.ofHours(1)));
    clock.advance(Duration.ofHours(1)); // dan's membership expired (not swept)

    for (UserId target : List.of(frank.userId(), olga.userId(), dan.userId(), UserId.of("nobody"))) {
      assertRefused(() -> policy.resources().addCollaborator(carol, secretBoard, target),
          RuleViolationException.class, ErrorCode.NO_PROJECT_ACCESS);
    }
    assertThat(policy.resources().collaborators(carol, secretBoard)).isEmpty();
  }

  @Test
  void addCollaborator_someoneWithInherentRights_alreadyHasAccess() {
    restrict(kpis);

    for (Principal p : List.of(bob, alice, pam)) { // org Admin, org Owner, project Admin by grant
      assertRefused(() -> policy.resources().addCollaborator(carol, kpis, p.userId()),
          RuleViolationException.class, ErrorCode.ALREADY_HAS_ACCESS);
    }
    assertRefused(() -> policy.resources().addCollaborator(bob, kpis, carol.userId()), // the creator
        RuleViolationException.class, ErrorCode.ALREADY_HAS_ACCESS);
    assertThat(policy.resources().collaborators(carol, kpis)).isEmpty();
  }

  @Test
  void addCollaborator_bySomeoneWhoCannotEdit_permissionDenied() {
    restrict(kpis);

    assertRefused(() -> policy.resources().addCollaborator(dan, kpis, erin.userId()),
        PermissionDeniedException.class, ErrorCode.PERMISSION_DENIED);
    assertRefused(() -> policy.resources().addCollaborator(vic, kpis, erin.userId()),
        PermissionDeniedException.class, ErrorCode.PERMISSION_DENIED);
    // checked first: a bad target does not change the answer
    assertRefused(() -> policy.resources().addCollaborator(dan, kpis, olga.userId()),
        PermissionDeniedException.class, ErrorCode.PERMISSION_DENIED);
    assertRefused(() -> policy.resources().addCollaborator(dan, kpis, dan.userId()),
        PermissionDeniedException.class, ErrorCode.PERMISSION_DENIED);
    assertThat(policy.resources().collaborators(carol, kpis)).isEmpty();
    assertThat(audit("resource.rule_changed.denied")).hasSize(4);
  }

  @Test
  void addCollaborator_viewerOnUnrestrictedDashboard_permissionDeniedBeforeNotRestricted() {
    assertRefused(() -> policy.resources().addCollaborator(vic, kpis, erin.userId()),
        PermissionDeniedException.class, ErrorCode.PERMISSION_DENIED);
  }

  @Test
  void addCollaborator_actorWhoCannotSeeTheProject_notFound() {
    restrict(secretBoard);

    assertRefused(() -> policy.resources().addCollaborator(frank, secretBoard, dan.userId()),
        NotFoundException.class, ErrorCode.NOT_FOUND);
    assertRefused(() -> policy.resources().addCollaborator(olga, secretBoard, dan.userId()),
        NotFoundException.class, ErrorCode.NOT_FOUND);
    assertThat(audit("resource.rule_changed.denied")).as("NOT_FOUND attempts are not recorded").isEmpty();
  }

  @Test
  void addCollaborator_projectViewer_isAcceptedButAViewerNeverEdits() {
    restrict(kpis);

    policy.resources().addCollaborator(carol, kpis, vic.userId());

    assertThat(policy.resources().collaborators(carol, kpis)).containsExactly(vic.userId());
    assertThat(policy.resources().level(vic, kpis)).isEqualTo(AccessLevel.VIEWER);
    assertThat(policy.check(vic, Capability.CREATE_CONTENT, kpis)).isSameAs(Decision.deny(Reason.ROLE_TOO_LOW));
  }

  @Test
  void addCollaborator_isAudited() {
    restrict(kpis);
    policy.resources().addCollaborator(carol, kpis, dan.userId());

    List<AuditEntry> entries = audit("resource.rule_changed");
    assertThat(entries).hasSize(2);
    assertThat(entries.get(0).target()).hasValueSatisfying(t -> assertThat(t).contains("weekly-kpis").contains("dan"));
    assertThat(entries.get(0).changes()).singleElement().satisfies(c -> {
      assertThat(c.field()).isEqualTo("level");
      assertThat(c.before()).isEmpty();
      assertThat(c.after()).contains("EDITOR");
    });
  }

  @Test
  void removeCollaborator_backToViewing() {
    restrict(kpis);
    policy.resources().addCollaborator(carol, kpis, dan.userId());
    policy.resources().addCollaborator(carol, kpis, erin.userId());

    assertRefused(() -> policy.resources().removeCollaborator(frank, kpis, dan.userId()),
        PermissionDeniedException.class, ErrorCode.PERMISSION_DENIED);
    policy.resources().removeCollaborator(erin, kpis, dan.userId()); // erin can edit

    assertThat(policy.resources().collaborators(carol, kpis)).containsExactly(erin.userId());
    assertThat(canEdit(dan, kpis)).isFalse();
    assertThat(policy.resources().level(dan, kpis)).isEqualTo(AccessLevel.VIEWER);
    assertRefused(() -> policy.resources().removeCollaborator(carol, kpis, dan.userId()),
        NotFoundException.class, ErrorCode.NOT_FOUND);
  }

  @Test
  void collaborator_removedFromTheOrganization_isNoCollaboratorWhenBack() {
    restrict(kpis);
    policy.resources().addCollaborator(carol, kpis, dan.userId());

    policy.members().remove(alice, org, dan.userId());

    assertThat(policy.resources().collaborators(carol, kpis)).isEmpty();
    join(policy, alice, org, dan, OrgLevel.MEMBER);
    assertThat(canEdit(dan, kpis)).isFalse();
  }

  @Test
  void collaborator_losingProjectAccess_losesTheDashboard() {
    restrict(secretBoard);
    policy.resources().addCollaborator(carol, secretBoard, dan.userId());
    assertThat(canEdit(dan, secretBoard)).isTrue();

    policy.grants().revoke(alice, secret, dan.userId());

    assertThat(policy.check(dan, Capability.VIEW_DATA, secretBoard)).isSameAs(Decision.notFound());
  }

  // =================================================== everyone who sees the project views every dashboard

  @Test
  void everyoneWhoSeesTheProject_viewsEveryDashboard_evenWithNoneRules() {
    ResourceRef hiddenByEveryoneRule = policy.resources().register(carol, ResourceRef.dashboard(prod, "a")).ref();
    ResourceRef hiddenByMemberRule = policy.resources().register(carol, ResourceRef.dashboard(prod, "b")).ref();
    ResourceRef hiddenByKindRule = policy.resources().register(carol, ResourceRef.dashboard(prod, "c")).ref();
    policy.resources().setEveryoneRule(carol, hiddenByEveryoneRule, AccessLevel.NONE);
    policy.resources().setMemberRule(carol, hiddenByMemberRule, dan.userId(), AccessLevel.NONE);
    policy.resources().setMemberRule(carol, hiddenByMemberRule, vic.userId(), AccessLevel.NONE);
    policy.resources().setKindRule(alice, prod, ResourceRef.DASHBOARD, AccessLevel.NONE);

    for (Principal p : List.of(dan, erin, frank, vic)) {
      for (ResourceRef d : List.of(kpis, hiddenByEveryoneRule, hiddenByMemberRule, hiddenByKindRule)) {
        assertThat(policy.resources().level(p, d)).as("%s on %s", p.userId(), d).isEqualTo(AccessLevel.VIEWER);
        assertThat(policy.check(p, Capability.VIEW_DATA, d).allowed()).isTrue();
      }
      assertThat(policy.resources().list(p, prod, ResourceRef.DASHBOARD, AccessLevel.VIEWER, PageRequest.first(10))
          .items()).hasSize(4);
    }
  }

  @Test
  void dashboardsOfAHiddenProject_notFound_likeMissingOnes() {
    ResourceRef missing = ResourceRef.dashboard(secret, "missing");

    for (Principal p : List.of(frank, erin, olga)) {
      assertThat(policy.check(p, Capability.VIEW_DATA, secretBoard)).isSameAs(Decision.notFound());
      assertThatThrownBy(() -> policy.resources().restriction(p, secretBoard)).isInstanceOf(NotFoundException.class)
          .hasMessage(messageOf(() -> policy.resources().restriction(p, missing)));
      assertThatThrownBy(() -> policy.resources().collaborators(p, secretBoard)).isInstanceOf(NotFoundException.class)
          .hasMessage(messageOf(() -> policy.resources().collaborators(p, missing)));
    }
    assertThat(policy.resources().level(dan, secretBoard)).isEqualTo(AccessLevel.EDITOR);
  }

  private static String messageOf(ThrowingCallable call) {
    try {
      call.call();
    } catch (Throwable t) {
      assertThat(t).isInstanceOf(NotFoundException.class);
      return t.getMessage();
    }
    throw new AssertionError("expected NOT_FOUND");
  }

  @Test
  void restrictedDashboard_viewersInThePrivateProjectStillView() {
    policy.grants().grant(alice, secret, erin.userId(), ProjectRole.VIEWER);
    restrict(secretBoard);

    assertThat(policy.resources().level(erin, secretBoard)).isEqualTo(AccessLevel.VIEWER);
    assertThat(policy.resources().level(dan, secretBoard)).isEqualTo(AccessLevel.VIEWER);
    assertThat(policy.check(frank, Capability.VIEW_DATA, secretBoard)).isSameAs(Decision.notFound());
  }
}
