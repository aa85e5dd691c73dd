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
import dev.warden.memory.InMemoryStore;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.UserId;
import dev.warden.project.Project;
import dev.warden.project.ProjectRole;
import dev.warden.project.Visibility;
import dev.warden.project.VisibleProject;
import dev.warden.report.AccessEntry;
import dev.warden.report.AccessHolder;
import dev.warden.report.AccessSource;
import dev.warden.role.ResolutionRule;
import dev.warden.testing.FakeClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Shares (issue 16): "give this contractor one dashboard while the project stays closed to them", under
 * both resolution rules. Cast in Acme Corp (PostHog preset): alice Owner, bob Admin, carol a contractor
 * (Member), erin a Member; the private Warehouse project holds the dashboards Revenue and Churn.
 */
class SharesTest {
  private final FakeClock clock = FakeClock.create();
  private final AccessPolicy policy = AccessPolicy.builder().store(InMemoryStore.create()).clock(clock).build();

  private final Principal alice = Principal.user(UserId.of("alice"), "alice@acme.com");
  private final Principal bob = Principal.user(UserId.of("bob"), "bob@acme.com");
  private final Principal carol = Principal.user(UserId.of("carol"), "carol@contractor.io");
  private final Principal erin = Principal.user(UserId.of("erin"), "erin@acme.com");

  private OrgId acme;
  private Project warehouse;
  private ResourceRef revenue;
  private ResourceRef churn;

  private void setUp(ResolutionRule rule) {
    acme = policy.organizations().create(alice, "Acme Corp").id();
    join(policy, alice, acme, bob, OrgLevel.ADMIN);
    join(policy, alice, acme, carol, OrgLevel.MEMBER);
    join(policy, alice, acme, erin, OrgLevel.MEMBER);
    warehouse = project(policy, alice, acme, "Warehouse", Visibility.PRIVATE);
    revenue = policy.resources().register(bob, ResourceRef.of(warehouse.id(), ResourceRef.DASHBOARD, "revenue")).ref();
    churn = policy.resources().register(bob, ResourceRef.of(warehouse.id(), ResourceRef.DASHBOARD, "churn")).ref();
    policy.roles().switchResolution(alice, acme, rule);
  }

  @ParameterizedTest
  @EnumSource(ResolutionRule.class)
  void contractorGetsOneDashboard_whileTheProjectStaysClosed(ResolutionRule rule) {
    setUp(rule);
    assertThat(policy.check(carol, Capability.VIEW_DATA, revenue)).isSameAs(Decision.notFound());

    policy.resources().share(bob, revenue, carol.userId(), AccessLevel.VIEWER);

    assertThat(policy.check(carol, Capability.VIEW_DATA, revenue)).isSameAs(Decision.allow(Reason.RESOURCE_SHARE));
    assertThat(policy.explain(carol, Capability.VIEW_DATA, revenue).steps())
        .anyMatch(s -> s.contains("shared with them at VIEWER"));
    assertThat(policy.resources().get(carol, revenue).ref()).isEqualTo(revenue);
    assertThat(policy.resources().level(carol, revenue)).isEqualTo(AccessLevel.VIEWER);
    // A VIEWER share acts as a project Viewer: it does not edit.
    assertThat(policy.check(carol, Capability.CREATE_CONTENT, revenue)).isSameAs(Decision.deny(Reason.ROLE_TOO_LOW));
    // The project, its listings and its other resources stay hidden, exactly like missing ones.
    assertThat(policy.check(carol, Capability.VIEW_DATA, warehouse.id())).isSameAs(Decision.notFound());
    assertThat(policy.check(carol, Capability.VIEW_DATA, churn)).isSameAs(Decision.notFound());
    assertThat(policy.visibleProjects(carol, acme, PageRequest.first(10)).items()).extracting(v -> v.project().name())
        .doesNotContain("Warehouse");
    assertRefused(() -> policy.resources().list(carol, warehouse.id(), ResourceRef.DASHBOARD, AccessLevel.VIEWER,
        PageRequest.first(10)), NotFoundException.class, ErrorCode.NOT_FOUND);
    // Nobody else gains anything.
    assertThat(policy.check(erin, Capability.VIEW_DATA, revenue)).isSameAs(Decision.notFound());

    policy.resources().share(bob, revenue, carol.userId(), AccessLevel.EDITOR);

    assertThat(policy.check(carol, Capability.CREATE_CONTENT, revenue)).isSameAs(Decision.allow(Reason.RESOURCE_SHARE));
    assertThat(policy.check(carol, Capability.MANAGE_PROJECT_SETTINGS, revenue).allowed()).isFalse();
    assertThat(policy.check(carol, Capability.VIEW_DATA, warehouse.id())).isSameAs(Decision.notFound());
  }

  @ParameterizedTest
  @EnumSource(ResolutionRule.class)
  void managersSeeShares_inRules_whoHasAccess_whoCan_andTheAuditLog(ResolutionRule rule) {
    setUp(rule);
    policy.resources().share(bob, revenue, carol.userId(), AccessLevel.EDITOR);

    assertThat(policy.resources().rules(bob, revenue))
        .contains(ResourceRule.share(revenue, carol.userId(), AccessLevel.EDITOR));
    assertThat(policy.whoHasAccess(bob, revenue, PageRequest.first(10)).items())
        .extracting(AccessEntry::user, AccessEntry::source, AccessEntry::projectRole, AccessEntry::accessLevel)
        .contains(tuple(carol.userId(), AccessSource.SHARE, ProjectRole.MEMBER, java.util.Optional.of(AccessLevel.EDITOR)));
    assertThat(policy.whoHasAccess(bob, warehouse.id(), PageRequest.first(10)).items())
        .extracting(AccessEntry::user).doesNotContain(carol.userId());
    assertThat(policy.whoCan(bob, Capability.CREATE_CONTENT, revenue, PageRequest.first(10)).items())
        .extracting(AccessHolder::user, AccessHolder::reason)
        .contains(tuple(carol.userId(), Reason.RESOURCE_SHARE));
    assertThat(policy.whoCan(bob, Capability.VIEW_DATA, churn, PageRequest.first(10)).items())
        .extracting(AccessHolder::user).doesNotContain(carol.userId());
    // whoHasAccess pages through guests and project members alike, in user-id order.
    assertThat(policy.whoHasAccess(bob, revenue, PageRequest.first(1)).items()).extracting(AccessEntry::user)
        .containsExactly(alice.userId());
    List<AuditEntry> shared = policy.audit().query(alice, AuditQuery.organization(acme).action("resource.shared"),
        PageRequest.first(10)).items();
    assertThat(shared).hasSize(1);
    assertThat(shared.get(0).changes()).extracting(c -> c.field() + ":" + c.before().orElse("-") + "->" + c.after().orElse("-"))
        .containsExactly("level:-->EDITOR", "shared:false->true");
  }

  @ParameterizedTest
  @EnumSource(ResolutionRule.class)
  void unshareAndRemoval_closeTheResourceAgain(ResolutionRule rule) {
    setUp(rule);
    policy.resources().share(bob, revenue, carol.userId(), AccessLevel.VIEWER);
    policy.resources().unshare(bob, revenue, carol.userId());
    assertThat(policy.check(carol, Capability.VIEW_DATA, revenue)).isSameAs(Decision.notFound());
    assertRefused(() -> policy.resources().unshare(bob, revenue, carol.userId()), NotFoundException.class,
        ErrorCode.NOT_FOUND);

    policy.resources().share(bob, revenue, carol.userId(), AccessLevel.VIEWER);
    policy.members().remove(alice, acme, carol.userId());
    join(policy, alice, acme, carol, OrgLevel.MEMBER);
    assertThat(policy.check(carol, Capability.VIEW_DATA, revenue)).isSameAs(Decision.notFound());
  }

  @ParameterizedTest
  @EnumSource(ResolutionRule.class)
  void onlyManagersShare_viewerOrEditor_withActiveMembers(ResolutionRule rule) {
    setUp(rule);
    assertThatThrownBy(() -> policy.resources().share(bob, revenue, carol.userId(), AccessLevel.MANAGER))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("VIEWER or EDITOR");
    assertThatThrownBy(() -> policy.resources().share(bob, revenue, carol.userId(), AccessLevel.NONE))
        .isInstanceOf(IllegalArgumentException.class);
    assertRefused(() -> policy.resources().share(bob, revenue, UserId.of("mallory"), AccessLevel.VIEWER),
        RuleViolationException.class, ErrorCode.NOT_A_MEMBER);
    // erin sees nothing of the Warehouse: sharing from there looks like a missing resource.
    assertRefused(() -> policy.resources().share(erin, revenue, carol.userId(), AccessLevel.VIEWER),
        NotFoundException.class, ErrorCode.NOT_FOUND);
    // A guest, even an editing one, does not manage the resource, so cannot share it on.
    policy.resources().share(bob, revenue, carol.userId(), AccessLevel.EDITOR);
    assertRefused(() -> policy.resources().share(carol, revenue, erin.userId(), AccessLevel.VIEWER),
        PermissionDeniedException.class, ErrorCode.PERMISSION_DENIED);
    assertRefused(() -> policy.resources().share(carol, churn, erin.userId(), AccessLevel.VIEWER),
        NotFoundException.class, ErrorCode.NOT_FOUND);
    // Nor, editing, does she touch who else edits: collaborators are access rules.
    policy.grants().grant(bob, warehouse.id(), erin.userId(), ProjectRole.MEMBER);
    policy.resources().restrictDashboard(bob, revenue, DashboardRestriction.ONLY_COLLABORATORS_CAN_EDIT);
    assertThat(policy.check(carol, Capability.CREATE_CONTENT, revenue)).isSameAs(Decision.allow(Reason.RESOURCE_SHARE));
    assertRefused(() -> policy.resources().addCollaborator(carol, revenue, erin.userId()),
        PermissionDeniedException.class, ErrorCode.PERMISSION_DENIED);
    policy.grants().revoke(bob, warehouse.id(), erin.userId());
    assertThat(policy.check(erin, Capability.VIEW_DATA, revenue)).isSameAs(Decision.notFound());
  }

  @ParameterizedTest
  @EnumSource(ResolutionRule.class)
  void whileTheMemberSeesTheProject_aShareIsTheirOwnRule(ResolutionRule rule) {
    setUp(rule);
    policy.resources().share(bob, revenue, carol.userId(), AccessLevel.EDITOR);
    policy.grants().grant(bob, warehouse.id(), carol.userId(), ProjectRole.VIEWER);

    // Now a project Viewer: the Viewer cap applies, the share is her own rule on the dashboard.
    assertThat(policy.check(carol, Capability.VIEW_DATA, revenue)).isSameAs(Decision.allow(Reason.RESOURCE_RULE));
    assertThat(policy.resources().level(carol, revenue)).isEqualTo(AccessLevel.VIEWER);
    assertThat(policy.check(carol, Capability.VIEW_DATA, churn).allowed()).isTrue();

    policy.grants().grant(bob, warehouse.id(), carol.userId(), ProjectRole.MEMBER);
    assertThat(policy.resources().level(carol, revenue)).isEqualTo(AccessLevel.EDITOR);

    // The grant ends; the share still opens that one dashboard.
    policy.grants().revoke(bob, warehouse.id(), carol.userId());
    assertThat(policy.check(carol, Capability.CREATE_CONTENT, revenue)).isSameAs(Decision.allow(Reason.RESOURCE_SHARE));
    assertThat(policy.check(carol, Capability.VIEW_DATA, churn)).isSameAs(Decision.notFound());
  }

  @ParameterizedTest
  @EnumSource(ResolutionRule.class)
  void aPlainMemberRule_doesNotOpenAHiddenProject(ResolutionRule rule) {
    setUp(rule);
    policy.grants().grant(bob, warehouse.id(), carol.userId(), ProjectRole.MEMBER);
    policy.resources().setMemberRule(bob, revenue, carol.userId(), AccessLevel.EDITOR);
    policy.grants().revoke(bob, warehouse.id(), carol.userId());

    // SPEC §8: hidden projects hide their resources; only a share opens one.
    assertThat(policy.check(carol, Capability.VIEW_DATA, revenue)).isSameAs(Decision.notFound());
    assertRefused(() -> policy.resources().unshare(bob, revenue, carol.userId()), NotFoundException.class,
        ErrorCode.NOT_FOUND);
    policy.resources().share(bob, revenue, carol.userId(), AccessLevel.VIEWER);
    assertThat(policy.resources().rules(bob, revenue))
        .contains(ResourceRule.share(revenue, carol.userId(), AccessLevel.VIEWER))
        .doesNotContain(ResourceRule.forMember(revenue, carol.userId(), AccessLevel.EDITOR));
    assertThat(policy.check(carol, Capability.VIEW_DATA, revenue)).isSameAs(Decision.allow(Reason.RESOURCE_SHARE));
  }

  @ParameterizedTest
  @EnumSource(ResolutionRule.class)
  void theAccessReview_listsEveryShare_untilItIsRemoved(ResolutionRule rule) {
    setUp(rule);
    assertThat(policy.reports().review(alice, acme, Duration.ofDays(30), Duration.ofDays(90)).shares()).isEmpty();

    policy.resources().share(bob, churn, erin.userId(), AccessLevel.EDITOR);
    policy.resources().share(bob, revenue, erin.userId(), AccessLevel.VIEWER);
    policy.resources().share(bob, revenue, carol.userId(), AccessLevel.VIEWER);
    policy.resources().setMemberRule(bob, revenue, bob.userId(), AccessLevel.MANAGER); // a rule, not a share

    // By resource (registered at the same instant, so by id: churn, then revenue), then user id.
    assertThat(policy.reports().review(alice, acme, Duration.ofDays(30), Duration.ofDays(90)).shares()).containsExactly(
        ResourceRule.share(churn, erin.userId(), AccessLevel.EDITOR),
        ResourceRule.share(revenue, carol.userId(), AccessLevel.VIEWER),
        ResourceRule.share(revenue, erin.userId(), AccessLevel.VIEWER));

    policy.resources().unshare(bob, revenue, carol.userId());
    policy.members().remove(alice, acme, erin.userId());
    assertThat(policy.reports().review(alice, acme, Duration.ofDays(30), Duration.ofDays(90)).shares()).isEmpty();
  }
}
