package dev.warden.resource;

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
import dev.warden.apikey.ApiKeyRequest;
import dev.warden.audit.AuditEntry;
import dev.warden.audit.AuditQuery;
import dev.warden.matrix.Capability;
import dev.warden.matrix.PermissionMatrix;
import dev.warden.matrix.ResourceKind;
import dev.warden.matrix.Capability.Scope;
import dev.warden.memory.InMemoryStore;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.UserId;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import dev.warden.project.Visibility;
import dev.warden.report.AccessHolder;
import dev.warden.report.Explanation;
import dev.warden.testing.FakeClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.assertj.core.api.SoftAssertions;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SPEC §8 resource-level permissions, every precedence case as an example: member rule, then everyone
 * rule, then kind rule, then the kind's default; capped by the project role; creator and project
 * Admins (org Admins/Owners included) always {@code MANAGER}; {@code NONE} and hidden projects answer
 * {@code NOT_FOUND} like a missing resource; checks through the kinds' level tables; listing; rules
 * management; clean-up when members leave or projects go; {@code whoCan} and {@code explain} (issue 7).
 *
 * <p>Cast (posthog preset): alice Owner, bob Admin, carol / erin / frank Members, dave a Member with
 * a Viewer grant on Production, pam a Member with an Admin grant on Production, olga not a member.
 * Production is open (default role Member), Secret private (nobody but org Admins/Owners).
 */
class ResourcePermissionsTest {
  private static final String INSIGHT = "insight";
  private static final String FLAG = "feature_flag";

  private final FakeClock clock = FakeClock.create();
  private final InMemoryStore store = InMemoryStore.create();

  private final Principal alice = Principal.user(UserId.of("alice"), "alice@acme.com");
  private final Principal bob = Principal.user(UserId.of("bob"), "bob@acme.com");
  private final Principal carol = Principal.user(UserId.of("carol"), "carol@acme.com");
  private final Principal dave = Principal.user(UserId.of("dave"), "dave@acme.com");
  private final Principal erin = Principal.user(UserId.of("erin"), "erin@acme.com");
  private final Principal frank = Principal.user(UserId.of("frank"), "frank@acme.com");
  private final Principal pam = Principal.user(UserId.of("pam"), "pam@acme.com");
  private final Principal olga = Principal.user(UserId.of("olga"), "olga@elsewhere.com");

  private AccessPolicy policy;
  private OrgId org;
  private ProjectId prod;
  private ProjectId secret;
  /** An insight in Production created by erin (a project Member). */
  private ResourceRef insight;
  /** An insight in Secret created by alice. */
  private ResourceRef secretInsight;

  @BeforeEach
  void setUp() {
    policy = AccessPolicy.builder().store(store).clock(clock).build();
    org = policy.organizations().create(alice, "Acme Corp").id();
    join(policy, alice, org, bob, OrgLevel.ADMIN);
    for (Principal p : List.of(carol, dave, erin, frank, pam)) {
      join(policy, alice, org, p, OrgLevel.MEMBER);
    }
    prod = project(policy, alice, org, "Production", Visibility.OPEN).id();
    secret = project(policy, alice, org, "Secret", Visibility.PRIVATE).id();
    policy.grants().grant(alice, prod, dave.userId(), ProjectRole.VIEWER);
    policy.grants().grant(alice, prod, pam.userId(), ProjectRole.ADMIN);
    insight = register(erin, ResourceRef.of(prod, INSIGHT, "ins-1"));
    secretInsight = register(alice, ResourceRef.of(secret, INSIGHT, "ins-secret"));
  }

  // ============================================================================== helpers

  private ResourceRef register(Principal creator, ResourceRef ref) {
    Resource r = policy.resources().register(creator, ref);
    assertThat(r.ref()).isEqualTo(ref);
    assertThat(r.creator()).isEqualTo(creator.userId());
    return ref;
  }

  private static List<Capability> projectCapabilities() {
    return PermissionMatrix.posthog().capabilities().stream().filter(c -> c.scope() == Scope.PROJECT).toList();
  }

  /** The exception {@code call} throws, or null. */
  private static Throwable caught(ThrowingCallable call) {
    try {
      call.call();
      return null;
    } catch (Throwable t) {
      return t;
    }
  }

  /** The level the principal has, NONE when the resource is hidden from them (NOT_FOUND). */
  private AccessLevel levelOf(Principal who, ResourceRef ref) {
    try {
      AccessLevel level = policy.resources().level(who, ref);
      assertThat(level).as("level() never answers NONE; NONE is NOT_FOUND").isNotEqualTo(AccessLevel.NONE);
      return level;
    } catch (NotFoundException e) {
      assertThat(policy.check(who, Capability.VIEW_DATA, ref)).isSameAs(Decision.notFound());
      return AccessLevel.NONE;
    }
  }

  /** Every project capability on the resource answers NOT_FOUND, and reads fail like for a missing one. */
  private void assertHidden(Principal who, ResourceRef ref) {
    for (Capability c : projectCapabilities()) {
      assertThat(policy.check(who, c, ref)).as("%s %s on %s", who.userId(), c, ref).isSameAs(Decision.notFound());
    }
    assertRefused(() -> policy.resources().get(who, ref), NotFoundException.class, ErrorCode.NOT_FOUND);
    assertRefused(() -> policy.resources().level(who, ref), NotFoundException.class, ErrorCode.NOT_FOUND);
  }

  private List<ResourceRule> rulesInStore() {
    return store.inTransaction(tx -> tx.resources().listRulesByOrganization(org));
  }

  private long auditCount() {
    return policy.audit().query(alice, AuditQuery.organization(org), PageRequest.first(1000)).items().size();
  }

  private List<AuditEntry> audit(String action) {
    return policy.audit().query(alice, AuditQuery.organization(org).action(action), PageRequest.first(500)).items();
  }

  // ====================================================================== defaults (no rules)

  @Test
  void defaults_noRules_projectMembersEditViewersViewCreatorAndAdminsManage() {
    assertThat(levelOf(carol, insight)).isEqualTo(AccessLevel.EDITOR); // project Member by default role
    assertThat(levelOf(frank, insight)).isEqualTo(AccessLevel.EDITOR);
    assertThat(levelOf(dave, insight)).isEqualTo(AccessLevel.VIEWER); // project Viewer: a Viewer never edits
    assertThat(levelOf(erin, insight)).isEqualTo(AccessLevel.MANAGER); // creator
    assertThat(levelOf(pam, insight)).isEqualTo(AccessLevel.MANAGER); // project Admin by grant
    assertThat(levelOf(bob, insight)).isEqualTo(AccessLevel.MANAGER); // org Admin
    assertThat(levelOf(alice, insight)).isEqualTo(AccessLevel.MANAGER); // org Owner
    assertThat(levelOf(olga, insight)).isEqualTo(AccessLevel.NONE); // not a member
  }

  @Test
  void defaults_projectDefaultRoleViewer_membersOnlyView() {
    policy.projects().setDefaultRole(alice, prod, ProjectRole.VIEWER);

    assertThat(levelOf(carol, insight)).isEqualTo(AccessLevel.VIEWER);
    assertThat(policy.check(carol, Capability.CREATE_CONTENT, insight)).isSameAs(Decision.deny(Reason.ROLE_TOO_LOW));
    assertThat(levelOf(erin, insight)).as("the creator").isEqualTo(AccessLevel.MANAGER);
  }

  @Test
  void defaults_projectDefaultRoleAdmin_everyMemberManages() {
    policy.projects().setDefaultRole(alice, prod, ProjectRole.ADMIN);

    assertThat(levelOf(carol, insight)).isEqualTo(AccessLevel.MANAGER);
    assertThat(policy.check(carol, Capability.MANAGE_PROJECT_ACCESS, insight))
        .isSameAs(Decision.allow(Reason.RESOURCE_MANAGER));
  }

  // =========================================================== creator and project Admins: MANAGER

  @Test
  void managers_creatorAndProjectAdmins_manageWhateverTheRulesSay() {
    policy.resources().setKindRule(alice, prod, INSIGHT, AccessLevel.NONE);
    policy.resources().setEveryoneRule(alice, insight, AccessLevel.NONE);
    for (Principal p : List.of(erin, pam, bob, alice)) {
      policy.resources().setMemberRule(alice, insight, p.userId(), AccessLevel.NONE);
    }

    for (Principal p : List.of(erin, pam, bob, alice)) {
      assertThat(levelOf(p, insight)).as("%s", p.userId()).isEqualTo(AccessLevel.MANAGER);
      assertThat(policy.check(p, Capability.VIEW_DATA, insight)).isSameAs(Decision.allow(Reason.RESOURCE_MANAGER));
      assertThat(policy.check(p, Capability.CREATE_CONTENT, insight)).isSameAs(Decision.allow(Reason.RESOURCE_MANAGER));
    }
    assertHidden(carol, insight);
  }

  @Test
  void managers_orgAdminsAndOwners_manageResourcesOfPrivateProjects() {
    ResourceRef adminsOwn = register(bob, ResourceRef.of(secret, INSIGHT, "by-bob"));

    assertThat(levelOf(alice, adminsOwn)).isEqualTo(AccessLevel.MANAGER);
    assertThat(levelOf(bob, secretInsight)).isEqualTo(AccessLevel.MANAGER);
    assertThat(policy.check(bob, Capability.MANAGE_PROJECT_ACCESS, secretInsight))
        .isSameAs(Decision.allow(Reason.RESOURCE_MANAGER));
  }

  @Test
  void managers_orgAdminDemotedToMember_losesManagerAndFallsBackToRules() {
    ResourceRef ref = register(alice, ResourceRef.of(prod, INSIGHT, "by-alice"));
    policy.resources().setEveryoneRule(alice, ref, AccessLevel.VIEWER);
    assertThat(levelOf(bob, ref)).isEqualTo(AccessLevel.MANAGER);

    policy.members().changeLevel(alice, org, bob.userId(), OrgLevel.MEMBER);

    assertThat(levelOf(bob, ref)).isEqualTo(AccessLevel.VIEWER);
  }

  @Test
  void managers_creatorLaterDemotedToProjectViewer_keepsManagerButTheRoleStillCapsChecks() {
    // §8 "the creator ... always ha[s] MANAGER"; the project role still bounds every check (§2.2).
    policy.grants().grant(alice, prod, erin.userId(), ProjectRole.VIEWER);

    assertThat(levelOf(erin, insight)).isEqualTo(AccessLevel.MANAGER);
    assertThat(policy.check(erin, Capability.VIEW_DATA, insight)).isSameAs(Decision.allow(Reason.RESOURCE_MANAGER));
    assertThat(policy.check(erin, Capability.CREATE_CONTENT, insight)).isSameAs(Decision.deny(Reason.ROLE_TOO_LOW));
  }

  @Test
  void managers_creatorWhoLosesTheProject_seesNothing() {
    ResourceRef ref = register(carol, ResourceRef.of(prod, INSIGHT, "by-carol"));

    policy.projects().setVisibility(alice, prod, Visibility.PRIVATE);

    assertHidden(carol, ref);
  }

  // ===================================================================================== precedence

  @Test
  void precedence_memberRuleBeatsEveryoneRule_higher() {
    policy.resources().setEveryoneRule(alice, insight, AccessLevel.VIEWER);
    policy.resources().setMemberRule(alice, insight, carol.userId(), AccessLevel.EDITOR);

    assertThat(levelOf(carol, insight)).isEqualTo(AccessLevel.EDITOR);
    assertThat(levelOf(frank, insight)).isEqualTo(AccessLevel.VIEWER);
  }

  @Test
  void precedence_memberRuleBeatsEveryoneRule_evenWhenLower() {
    policy.resources().setEveryoneRule(alice, insight, AccessLevel.EDITOR);
    policy.resources().setMemberRule(alice, insight, carol.userId(), AccessLevel.VIEWER);
    policy.resources().setMemberRule(alice, insight, frank.userId(), AccessLevel.NONE);

    assertThat(levelOf(carol, insight)).isEqualTo(AccessLevel.VIEWER);
    assertHidden(frank, insight);
  }

  @Test
  void precedence_memberRuleBeatsKindRule() {
    policy.resources().setKindRule(alice, prod, INSIGHT, AccessLevel.NONE);
    policy.resources().setMemberRule(alice, insight, carol.userId(), AccessLevel.EDITOR);

    assertThat(levelOf(carol, insight)).isEqualTo(AccessLevel.EDITOR);
    assertHidden(frank, insight);
  }

  @Test
  void precedence_everyoneRuleBeatsKindRule_higherAndLower() {
    ResourceRef other = register(erin, ResourceRef.of(prod, INSIGHT, "ins-2"));
    policy.resources().setKindRule(alice, prod, INSIGHT, AccessLevel.VIEWER);
    policy.resources().setEveryoneRule(alice, insight, AccessLevel.EDITOR);
    policy.resources().setEveryoneRule(alice, other, AccessLevel.NONE);

    assertThat(levelOf(carol, insight)).isEqualTo(AccessLevel.EDITOR);
    assertHidden(carol, other);
  }

  @Test
  void precedence_kindRuleBeatsDefault_forEveryResourceOfTheKindInThatProjectOnly() {
    // "all feature flags in Production: viewer" [§8]
    ResourceRef flag = register(erin, ResourceRef.of(prod, FLAG, "new-checkout"));
    ResourceRef secretFlag = register(alice, ResourceRef.of(secret, FLAG, "secret-flag"));
    policy.grants().grant(alice, secret, carol.userId(), ProjectRole.MEMBER);

    policy.resources().setKindRule(alice, prod, FLAG, AccessLevel.VIEWER);
    ResourceRef laterFlag = register(erin, ResourceRef.of(prod, FLAG, "dark-mode"));

    assertThat(levelOf(carol, flag)).isEqualTo(AccessLevel.VIEWER);
    assertThat(levelOf(carol, laterFlag)).as("registered after the rule").isEqualTo(AccessLevel.VIEWER);
    assertThat(levelOf(carol, insight)).as("another kind").isEqualTo(AccessLevel.EDITOR);
    assertThat(levelOf(carol, secretFlag)).as("another project").isEqualTo(AccessLevel.EDITOR);
    assertThat(levelOf(erin, flag)).as("the creator").isEqualTo(AccessLevel.MANAGER);
    assertThat(levelOf(pam, flag)).as("a project Admin").isEqualTo(AccessLevel.MANAGER);
  }

  @Test
  void precedence_kindRuleCleared_defaultAgain() {
    policy.resources().setKindRule(alice, prod, INSIGHT, AccessLevel.VIEWER);
    policy.resources().clearKindRule(alice, prod, INSIGHT);

    assertThat(levelOf(carol, insight)).isEqualTo(AccessLevel.EDITOR);
  }

  @Test
  void precedence_memberRuleCleared_fallsBackToEveryoneRule_thenKindRule_thenDefault() {
    policy.resources().setKindRule(alice, prod, INSIGHT, AccessLevel.NONE);
    policy.resources().setEveryoneRule(alice, insight, AccessLevel.VIEWER);
    policy.resources().setMemberRule(alice, insight, carol.userId(), AccessLevel.EDITOR);
    assertThat(levelOf(carol, insight)).isEqualTo(AccessLevel.EDITOR);

    policy.resources().clearMemberRule(alice, insight, carol.userId());
    assertThat(levelOf(carol, insight)).isEqualTo(AccessLevel.VIEWER);

    policy.resources().clearEveryoneRule(alice, insight);
    assertThat(levelOf(carol, insight)).isEqualTo(AccessLevel.NONE);

    policy.resources().clearKindRule(alice, prod, INSIGHT);
    assertThat(levelOf(carol, insight)).isEqualTo(AccessLevel.EDITOR);
  }

  @Test
  void precedence_memberRuleCanMakeAProjectMemberManager() {
    policy.resources().setMemberRule(alice, insight, carol.userId(), AccessLevel.MANAGER);

    assertThat(levelOf(carol, insight)).isEqualTo(AccessLevel.MANAGER);
    // §8 "MANAGER may change the object's rules"
    policy.resources().setEveryoneRule(carol, insight, AccessLevel.VIEWER);
    assertThat(levelOf(frank, insight)).isEqualTo(AccessLevel.VIEWER);
  }

  // ========================================================================= cap by project role

  @Test
  void cap_projectViewer_neverAboveViewer_whateverTheRule() {
    policy.resources().setMemberRule(alice, insight, dave.userId(), AccessLevel.MANAGER);
    assertThat(levelOf(dave, insight)).as("member rule MANAGER").isEqualTo(AccessLevel.VIEWER);

    policy.resources().clearMemberRule(alice, insight, dave.userId());
    policy.resources().setEveryoneRule(alice, insight, AccessLevel.EDITOR);
    assertThat(levelOf(dave, insight)).as("everyone rule EDITOR").isEqualTo(AccessLevel.VIEWER);

    policy.resources().clearEveryoneRule(alice, insight);
    policy.resources().setKindRule(alice, prod, INSIGHT, AccessLevel.MANAGER);
    assertThat(levelOf(dave, insight)).as("kind rule MANAGER").isEqualTo(AccessLevel.VIEWER);
    assertThat(policy.check(dave, Capability.CREATE_CONTENT, insight)).isSameAs(Decision.deny(Reason.ROLE_TOO_LOW));
    assertThat(levelOf(carol, insight)).isEqualTo(AccessLevel.MANAGER);
  }

  @Test
  void cap_neverRaises_viewerWithNoneRuleIsHidden() {
    policy.resources().setMemberRule(alice, insight, dave.userId(), AccessLevel.NONE);

    assertHidden(dave, insight);
  }

  @Test
  void cap_expiredGrant_fallsBackToTheDefaultRole() {
    policy.grants().grant(alice, prod, dave.userId(), ProjectRole.VIEWER, clock.instant().plus(Duration.ofHours(1)));
    policy.resources().setMemberRule(alice, insight, dave.userId(), AccessLevel.EDITOR);
    assertThat(levelOf(dave, insight)).isEqualTo(AccessLevel.VIEWER);

    clock.advance(Duration.ofHours(1));

    assertThat(levelOf(dave, insight)).as("now a project Member by the default role").isEqualTo(AccessLevel.EDITOR);
  }

  // ======================================================================== NONE hides, hidden projects

  @Test
  void none_hidesTheResource_exactlyLikeAMissingOne() {
    ResourceRef missing = ResourceRef.of(prod, INSIGHT, "never-registered");
    policy.resources().setMemberRule(alice, insight, carol.userId(), AccessLevel.NONE);

    assertHidden(carol, insight);
    assertHidden(carol, missing);
    assertThat(thrown(() -> policy.resources().get(carol, insight))).hasMessage(
        thrown(() -> policy.resources().get(carol, missing)).getMessage());
    assertThat(policy.explain(carol, Capability.VIEW_DATA, insight).steps())
        .isEqualTo(policy.explain(carol, Capability.VIEW_DATA, missing).steps());
    assertThat(policy.resources().list(carol, prod, INSIGHT, AccessLevel.VIEWER, PageRequest.first(10)).items())
        .isEmpty();
    assertRefused(() -> policy.resources().setEveryoneRule(carol, insight, AccessLevel.EDITOR),
        NotFoundException.class, ErrorCode.NOT_FOUND);
    assertThat(thrown(() -> policy.resources().setEveryoneRule(carol, insight, AccessLevel.EDITOR))).hasMessage(
        thrown(() -> policy.resources().setEveryoneRule(carol, missing, AccessLevel.EDITOR)).getMessage());
    assertThat(policy.whoCan(Capability.VIEW_DATA, insight)).extracting(AccessHolder::user)
        .doesNotContain(carol.userId());
  }

  @Test
  void hiddenProject_itsResourcesAnswerExactlyLikeMissingOnes() {
    ResourceRef unregisteredInSecret = ResourceRef.of(secret, INSIGHT, "nothing-here");
    ResourceRef inMissingProject = ResourceRef.of(ProjectId.of("prj_does_not_exist"), INSIGHT, "ins-secret");

    for (Principal p : List.of(frank, carol, olga)) {
      assertHidden(p, secretInsight);
      for (Capability c : projectCapabilities()) {
        assertThat(policy.check(p, c, secretInsight)).isSameAs(policy.check(p, c, inMissingProject));
        assertThat(policy.check(p, c, secretInsight)).isSameAs(policy.check(p, c, unregisteredInSecret));
        assertThat(policy.explain(p, c, secretInsight).steps())
            .isEqualTo(policy.explain(p, c, inMissingProject).steps())
            .isEqualTo(policy.explain(p, c, unregisteredInSecret).steps());
      }
      for (ResourceRef missing : List.of(unregisteredInSecret, inMissingProject)) {
        assertSameRefusal(() -> policy.resources().get(p, secretInsight), () -> policy.resources().get(p, missing));
        assertSameRefusal(() -> policy.resources().level(p, secretInsight), () -> policy.resources().level(p, missing));
        assertSameRefusal(() -> policy.resources().rules(p, secretInsight), () -> policy.resources().rules(p, missing));
        assertSameRefusal(() -> policy.resources().remove(p, secretInsight), () -> policy.resources().remove(p, missing));
        assertSameRefusal(() -> policy.resources().setEveryoneRule(p, secretInsight, AccessLevel.EDITOR),
            () -> policy.resources().setEveryoneRule(p, missing, AccessLevel.EDITOR));
        assertSameRefusal(() -> policy.resources().setMemberRule(p, secretInsight, p.userId(), AccessLevel.EDITOR),
            () -> policy.resources().setMemberRule(p, missing, p.userId(), AccessLevel.EDITOR));
      }
      assertSameRefusal(() -> policy.resources().list(p, secret, INSIGHT, AccessLevel.VIEWER, PageRequest.first(5)),
          () -> policy.resources().list(p, inMissingProject.project(), INSIGHT, AccessLevel.VIEWER, PageRequest.first(5)));
      assertSameRefusal(() -> policy.resources().register(p, ResourceRef.of(secret, INSIGHT, "new")),
          () -> policy.resources().register(p, ResourceRef.of(inMissingProject.project(), INSIGHT, "new")));
      assertSameRefusal(() -> policy.resources().setKindRule(p, secret, INSIGHT, AccessLevel.NONE),
          () -> policy.resources().setKindRule(p, inMissingProject.project(), INSIGHT, AccessLevel.NONE));
    }
  }

  private static void assertSameRefusal(ThrowingCallable hidden, ThrowingCallable missing) {
    Throwable h = thrown(hidden);
    Throwable m = thrown(missing);
    assertThat(h).isInstanceOf(NotFoundException.class);
    assertThat(h.getClass()).isEqualTo(m.getClass());
    assertThat(((WardenException) h).code()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(((WardenException) m).code()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(h).hasMessage(m.getMessage());
  }

  @Test
  void hiddenProject_grantMakesItsResourcesVisible_revokeHidesThemAgain() {
    policy.grants().grant(alice, secret, frank.userId(), ProjectRole.MEMBER);
    assertThat(levelOf(frank, secretInsight)).isEqualTo(AccessLevel.EDITOR);

    policy.grants().revoke(alice, secret, frank.userId());

    assertHidden(frank, secretInsight);
  }

  @Test
  void hiddenProject_expiredMember_seesNoResourceAnymore() {
    Instant end = clock.instant().plus(Duration.ofHours(2));
    policy.members().setExpiry(alice, org, carol.userId(), end);
    assertThat(levelOf(carol, insight)).isEqualTo(AccessLevel.EDITOR);

    clock.set(end);

    assertHidden(carol, insight);
  }

  // ========================================================================= checks via the kinds' tables

  @Test
  void resourceKinds_everyPosthogKindMapsEveryProjectCapabilityAsSpec8Says() {
    Map<Capability, AccessLevel> expected = new LinkedHashMap<>();
    expected.put(Capability.VIEW_DATA, AccessLevel.VIEWER);
    expected.put(Capability.CREATE_CONTENT, AccessLevel.EDITOR);
    expected.put(Capability.USE_FEATURE_FLAGS, AccessLevel.VIEWER);
    expected.put(Capability.MANAGE_FEATURE_FLAGS, AccessLevel.EDITOR);
    expected.put(Capability.DELETE_ANY_DASHBOARD, AccessLevel.MANAGER);
    expected.put(Capability.MANAGE_PROJECT_SETTINGS, AccessLevel.MANAGER);
    expected.put(Capability.MANAGE_PROJECT_ACCESS, AccessLevel.MANAGER);
    expected.put(Capability.MANAGE_DATA_RETENTION, AccessLevel.MANAGER);
    expected.put(Capability.ROTATE_PROJECT_TOKEN, AccessLevel.MANAGER);
    expected.put(Capability.VIEW_PROJECT_AUDIT_LOG, AccessLevel.MANAGER);

    assertThat(PermissionMatrix.posthog().resourceKinds()).containsKeys("dashboard", "insight", "feature_flag", "notebook");
    for (ResourceKind kind : PermissionMatrix.posthog().resourceKinds().values()) {
      for (Capability c : projectCapabilities()) {
        assertThat(kind.required(c)).as("%s on %s", c, kind.name()).isEqualTo(expected.get(c));
      }
      assertThat(kind.defaultLevel()).isEqualTo(AccessLevel.EDITOR);
      assertThat(kind.minimumLevel()).isEqualTo(kind.name().equals("dashboard") ? AccessLevel.VIEWER : AccessLevel.NONE);
    }
    assertThatThrownBy(() -> policy.check(carol, Capability.VIEW_ORGANIZATION, insight))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("VIEW_ORGANIZATION");
  }

  @Test
  void check_levelMustReachTheTable_andTheProjectRoleMustHoldTheCapability() {
    // carol: project Member, default EDITOR
    assertThat(policy.check(carol, Capability.VIEW_DATA, insight)).isSameAs(Decision.allow(Reason.RESOURCE_DEFAULT));
    assertThat(policy.check(carol, Capability.CREATE_CONTENT, insight)).isSameAs(Decision.allow(Reason.RESOURCE_DEFAULT));
    assertThat(policy.check(carol, Capability.USE_FEATURE_FLAGS, insight)).isSameAs(Decision.allow(Reason.RESOURCE_DEFAULT));
    assertThat(policy.check(carol, Capability.MANAGE_FEATURE_FLAGS, insight)).isSameAs(Decision.deny(Reason.ROLE_TOO_LOW));
    assertThat(policy.check(carol, Capability.MANAGE_PROJECT_ACCESS, insight)).isSameAs(Decision.deny(Reason.ROLE_TOO_LOW));

    policy.resources().setEveryoneRule(alice, insight, AccessLevel.VIEWER);
    assertThat(policy.check(carol, Capability.VIEW_DATA, insight)).isSameAs(Decision.allow(Reason.RESOURCE_RULE));
    assertThat(policy.check(carol, Capability.CREATE_CONTENT, insight))
        .isSameAs(Decision.deny(Reason.RESOURCE_LEVEL_TOO_LOW));
    assertThat(policy.check(carol, Capability.USE_FEATURE_FLAGS, insight)).isSameAs(Decision.allow(Reason.RESOURCE_RULE));

    // dave: project Viewer
    assertThat(policy.check(dave, Capability.VIEW_DATA, insight)).isSameAs(Decision.allow(Reason.RESOURCE_RULE));
    assertThat(policy.check(dave, Capability.CREATE_CONTENT, insight)).isSameAs(Decision.deny(Reason.ROLE_TOO_LOW));

    // pam: project Admin by grant, and MANAGER
    for (Capability c : projectCapabilities()) {
      assertThat(policy.check(pam, c, insight)).as("%s", c).isSameAs(Decision.allow(Reason.RESOURCE_MANAGER));
    }
  }

  @Test
  void check_managerRuleOnAProjectMember_stillBoundedByTheRole() {
    policy.resources().setMemberRule(alice, insight, carol.userId(), AccessLevel.MANAGER);

    assertThat(policy.check(carol, Capability.CREATE_CONTENT, insight)).isSameAs(Decision.allow(Reason.RESOURCE_RULE));
    assertThat(policy.check(carol, Capability.MANAGE_PROJECT_ACCESS, insight)).isSameAs(Decision.deny(Reason.ROLE_TOO_LOW));
    assertThat(policy.check(carol, Capability.DELETE_ANY_DASHBOARD, insight)).isSameAs(Decision.deny(Reason.ROLE_TOO_LOW));
  }

  @Test
  void check_projectAdminByDefaultRole_managesDespiteAnEditorRule() {
    policy.projects().setDefaultRole(alice, prod, ProjectRole.ADMIN); // role holds everything
    policy.resources().setMemberRule(alice, insight, carol.userId(), AccessLevel.EDITOR);

    // carol is a project Admin by the default role: Admins always manage (§8), so the rule is moot
    assertThat(policy.check(carol, Capability.MANAGE_PROJECT_SETTINGS, insight))
        .isSameAs(Decision.allow(Reason.RESOURCE_MANAGER));
  }

  @Test
  void check_organizationCapabilityOnAResource_isAProgrammingError() {
    assertThatThrownBy(() -> policy.check(carol, Capability.VIEW_ORGANIZATION, insight))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("VIEW_ORGANIZATION");
    assertThatThrownBy(() -> policy.explain(carol, Capability.CREATE_PROJECT, insight))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> policy.whoCan(Capability.CREATE_PROJECT, insight))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> policy.check(carol, Capability.VIEW_DATA, (ResourceRef) null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void require_throwsByOutcome() {
    policy.resources().setEveryoneRule(alice, insight, AccessLevel.VIEWER);

    policy.require(carol, Capability.VIEW_DATA, insight);
    assertRefused(() -> policy.require(carol, Capability.CREATE_CONTENT, insight),
        PermissionDeniedException.class, ErrorCode.PERMISSION_DENIED);
    assertRefused(() -> policy.require(frank, Capability.VIEW_DATA, secretInsight),
        NotFoundException.class, ErrorCode.NOT_FOUND);
  }

  @Test
  void check_apiKeyPrincipal_narrowedByScopesAndProjectLimits() {
    String readOnly = policy.apiKeys().create(carol, ApiKeyRequest.labeled("read").scopes("query:read")).value();
    policy.grants().grant(alice, secret, carol.userId(), ProjectRole.MEMBER);
    String secretOnly = policy.apiKeys().create(carol,
        ApiKeyRequest.labeled("secret only").scopes("*").limitToProjects(secret)).value();
    Principal reader = policy.apiKeys().authenticate(readOnly).orElseThrow();
    Principal limited = policy.apiKeys().authenticate(secretOnly).orElseThrow();

    assertThat(policy.check(reader, Capability.VIEW_DATA, insight)).isSameAs(Decision.allow(Reason.RESOURCE_DEFAULT));
    assertThat(policy.check(reader, Capability.CREATE_CONTENT, insight)).isSameAs(Decision.deny(Reason.API_KEY_SCOPE));
    assertThat(policy.check(limited, Capability.VIEW_DATA, insight)).isSameAs(Decision.notFound());
    assertThat(policy.check(limited, Capability.CREATE_CONTENT, secretInsight))
        .isSameAs(Decision.allow(Reason.RESOURCE_DEFAULT));
  }

  @Test
  void reads_apiKeyLimitedToAnotherProject_cannotReadTheResourceOrItsRules() {
    policy.resources().setMemberRule(alice, insight, carol.userId(), AccessLevel.MANAGER);
    policy.grants().grant(alice, secret, carol.userId(), ProjectRole.MEMBER);
    String secretOnly = policy.apiKeys().create(carol,
        ApiKeyRequest.labeled("secret only").scopes("*").limitToProjects(secret)).value();
    Principal limited = policy.apiKeys().authenticate(secretOnly).orElseThrow();

    assertRefused(() -> policy.resources().get(limited, insight), NotFoundException.class, ErrorCode.NOT_FOUND);
    assertRefused(() -> policy.resources().level(limited, insight), NotFoundException.class, ErrorCode.NOT_FOUND);
    assertRefused(() -> policy.resources().list(limited, prod, INSIGHT, AccessLevel.VIEWER, PageRequest.first(5)),
        NotFoundException.class, ErrorCode.NOT_FOUND);
    assertRefused(() -> policy.resources().setEveryoneRule(limited, insight, AccessLevel.VIEWER),
        NotFoundException.class, ErrorCode.NOT_FOUND);
    // §9 a key acts as its user narrowed by its project limits; §8 hidden resources answer NOT_FOUND
    assertRefused(() -> policy.resources().rules(limited, insight), NotFoundException.class, ErrorCode.NOT_FOUND);
  }

  @Test
  void reads_organizationRequiresMfa_resourceReadsRefusedLikeChecks() {
    policy.organizations().updateSettings(alice, org,
        policy.organizations().get(alice, org).settings().withRequire2fa(true));

    assertThat(policy.check(carol, Capability.VIEW_DATA, insight)).isSameAs(Decision.deny(Reason.MFA_REQUIRED));
    assertRefused(() -> policy.projects().get(carol, prod), PermissionDeniedException.class, ErrorCode.MFA_REQUIRED);
    Principal withMfa = carol.withMfa(true);
    assertThat(policy.resources().get(withMfa, insight).ref()).isEqualTo(insight);
    // §2.4 gates apply to every read of the organization's content, as projects().get shows
    SoftAssertions.assertSoftly(soft -> {
      soft.assertThat(caught(() -> policy.resources().get(carol, insight)))
          .as("resources().get without MFA").isInstanceOf(PermissionDeniedException.class);
      soft.assertThat(caught(() -> policy.resources().level(carol, insight)))
          .as("resources().level without MFA").isInstanceOf(PermissionDeniedException.class);
      soft.assertThat(caught(() -> policy.resources().list(carol, prod, INSIGHT, AccessLevel.VIEWER,
          PageRequest.first(5)))).as("resources().list without MFA").isInstanceOf(PermissionDeniedException.class);
    });
  }

  // ============================================================================================ list

  @Test
  void list_pagesInCreationOrder_withoutSkipsOrRepeats_andSkipsHiddenOnes() {
    List<ResourceRef> all = new ArrayList<>();
    all.add(insight);
    for (int i = 0; i < 22; i++) {
      clock.advance(Duration.ofSeconds(1));
      // ids deliberately out of lexical order, so creation order is what counts
      all.add(register(erin, ResourceRef.of(prod, INSIGHT, "z" + (100 - i))));
    }
    register(erin, ResourceRef.of(prod, FLAG, "a-flag")); // another kind: never listed
    List<ResourceRef> hidden = List.of(all.get(3), all.get(10), all.get(22));
    for (ResourceRef h : hidden) {
      policy.resources().setMemberRule(alice, h, carol.userId(), AccessLevel.NONE);
    }
    List<ResourceRef> expected = all.stream().filter(r -> !hidden.contains(r)).toList();

    List<ResourceRef> seen = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    Page<VisibleResource> page = policy.resources().list(carol, prod, INSIGHT, AccessLevel.VIEWER, PageRequest.first(5));
    while (true) {
      sizes.add(page.items().size());
      page.items().forEach(v -> seen.add(v.resource().ref()));
      assertThat(page.items()).allSatisfy(v -> assertThat(v.level()).isEqualTo(AccessLevel.EDITOR));
      if (page.nextCursor().isEmpty()) {
        break;
      }
      page = policy.resources().list(carol, prod, INSIGHT, AccessLevel.VIEWER,
          PageRequest.after(page.nextCursor().get(), 5));
    }

    assertThat(seen).containsExactlyElementsOf(expected);
    assertThat(sizes).containsExactly(5, 5, 5, 5);
  }

  @Test
  void list_walksOnlyTheProjectsKind_amongOtherKindsAndProjectsRegisteredInBetween() {
    ProjectId staging = project(policy, alice, org, "Staging", Visibility.OPEN).id();
    List<ResourceRef> expected = new ArrayList<>(List.of(insight));
    for (int i = 0; i < 7; i++) {
      clock.advance(Duration.ofSeconds(1));
      register(erin, ResourceRef.of(prod, FLAG, "flag-" + i)); // a kind sorting before
      register(erin, ResourceRef.of(prod, "notebook", "nb-" + i)); // and one after
      register(erin, ResourceRef.of(staging, INSIGHT, "st-" + i)); // the kind, in another project
      expected.add(register(erin, ResourceRef.of(prod, INSIGHT, "p-" + (9 - i))));
    }
    policy.resources().remove(alice, expected.remove(3));

    List<ResourceRef> seen = new ArrayList<>();
    Page<VisibleResource> page =
        policy.resources().list(carol, prod, INSIGHT, AccessLevel.VIEWER, PageRequest.first(3));
    seen.addAll(page.items().stream().map(v -> v.resource().ref()).toList());
    for (int pages = 1; page.nextCursor().isPresent() && pages < 10; pages++) { // 3 pages; a loop fails
      page = policy.resources().list(carol, prod, INSIGHT, AccessLevel.VIEWER,
          PageRequest.after(page.nextCursor().get(), 3));
      page.items().forEach(v -> seen.add(v.resource().ref()));
    }

    assertThat(seen).containsExactlyElementsOf(expected);
    policy.projects().delete(alice, staging);
    assertThatThrownBy(() -> policy.resources().list(carol, staging, INSIGHT, AccessLevel.VIEWER, PageRequest.first(3)))
        .isInstanceOf(NotFoundException.class);
    assertThat(policy.resources().list(carol, prod, INSIGHT, AccessLevel.VIEWER, PageRequest.first(20)).items())
        .as("deleting another project leaves this one's list").hasSize(expected.size());
  }

  @Test
  void list_registeredInOneInstant_allOnceEach_andNoEmptyTrailingPage() {
    for (int i = 0; i < 9; i++) {
      register(erin, ResourceRef.of(prod, INSIGHT, "same-" + (char) ('k' - i)));
    }
    // 10 insights with the clock standing still; pages of 5: exactly two pages
    Set<ResourceRef> seen = new HashSet<>();
    Page<VisibleResource> first = policy.resources().list(carol, prod, INSIGHT, AccessLevel.VIEWER, PageRequest.first(5));
    first.items().forEach(v -> assertThat(seen.add(v.resource().ref())).isTrue());
    assertThat(first.nextCursor()).isPresent();
    Page<VisibleResource> second = policy.resources().list(carol, prod, INSIGHT, AccessLevel.VIEWER,
        PageRequest.after(first.nextCursor().get(), 5));
    second.items().forEach(v -> assertThat(seen.add(v.resource().ref())).as("repeated %s", v).isTrue());

    assertThat(second.nextCursor()).isEmpty();
    assertThat(seen).hasSize(10);
  }

  @Test
  void list_resourceAddedBetweenPages_appearsLaterWithoutRepeating() {
    for (int i = 0; i < 5; i++) {
      clock.advance(Duration.ofSeconds(1));
      register(erin, ResourceRef.of(prod, INSIGHT, "ins-b" + i));
    }
    Page<VisibleResource> first = policy.resources().list(carol, prod, INSIGHT, AccessLevel.VIEWER, PageRequest.first(3));
    clock.advance(Duration.ofSeconds(1));
    ResourceRef late = register(erin, ResourceRef.of(prod, INSIGHT, "late"));

    List<ResourceRef> seen = new ArrayList<>(first.items().stream().map(v -> v.resource().ref()).toList());
    Page<VisibleResource> page = first;
    while (page.nextCursor().isPresent()) {
      page = policy.resources().list(carol, prod, INSIGHT, AccessLevel.VIEWER, PageRequest.after(page.nextCursor().get(), 3));
      page.items().forEach(v -> seen.add(v.resource().ref()));
    }

    assertThat(seen).doesNotHaveDuplicates().hasSize(7).endsWith(late);
  }

  @Test
  void list_atLeastFiltersByLevel() {
    ResourceRef viewOnly = register(erin, ResourceRef.of(prod, INSIGHT, "view-only"));
    ResourceRef mine = register(carol, ResourceRef.of(prod, INSIGHT, "mine"));
    policy.resources().setEveryoneRule(alice, viewOnly, AccessLevel.VIEWER);

    assertThat(policy.resources().list(carol, prod, INSIGHT, AccessLevel.EDITOR, PageRequest.first(10)).items())
        .extracting(v -> v.resource().ref(), VisibleResource::level)
        .containsExactly(tuple(insight, AccessLevel.EDITOR), tuple(mine, AccessLevel.MANAGER));
    assertThat(policy.resources().list(carol, prod, INSIGHT, AccessLevel.MANAGER, PageRequest.first(10)).items())
        .extracting(v -> v.resource().ref()).containsExactly(mine);
    assertThat(policy.resources().list(dave, prod, INSIGHT, AccessLevel.EDITOR, PageRequest.first(10)).items())
        .as("a Viewer never edits").isEmpty();
    assertThat(policy.resources().list(dave, prod, INSIGHT, AccessLevel.VIEWER, PageRequest.first(10)).items())
        .hasSize(3);
    assertThatThrownBy(() -> policy.resources().list(carol, prod, INSIGHT, AccessLevel.NONE, PageRequest.first(10)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // ======================================================================= registering twice

  /**
   * Issue 12, defect 6: registering over a resource the caller cannot see answers exactly what every
   * other call on it answers, the {@code NOT_FOUND} of an unregistered one.
   */
  @Test
  void register_resourceHiddenFromTheCaller_refusedLikeAMissingOne() {
    policy.resources().setMemberRule(alice, insight, carol.userId(), AccessLevel.NONE);
    ResourceRef missing = ResourceRef.of(prod, INSIGHT, "never-registered");
    long entriesBefore = auditCount();

    Throwable onHidden = thrown(() -> policy.resources().register(carol, insight));
    Throwable getHidden = thrown(() -> policy.resources().get(carol, insight));
    Throwable getMissing = thrown(() -> policy.resources().get(carol, missing));

    assertThat(onHidden).isInstanceOf(NotFoundException.class);
    for (Throwable other : List.of(getHidden, getMissing)) {
      assertThat(onHidden).hasSameClassAs(other).hasMessage(other.getMessage());
      assertThat(((WardenException) onHidden).code()).isEqualTo(((WardenException) other).code());
    }
    assertThat(onHidden.getMessage()).doesNotContain(insight.id());
    assertThat(auditCount()).isEqualTo(entriesBefore);
    assertThat(policy.resources().get(alice, insight).creator()).isEqualTo(erin.userId());
  }

  /** Issue 12, defect 6: registering a visible resource again is a rule violation with its own code. */
  @Test
  void register_resourceTheCallerCanSee_refusedAlreadyRegistered() {
    long entriesBefore = auditCount();

    for (Principal p : List.of(carol, erin, bob)) {
      assertRefused(() -> policy.resources().register(p, insight), RuleViolationException.class,
          ErrorCode.RESOURCE_ALREADY_REGISTERED);
    }
    assertThat(auditCount()).isEqualTo(entriesBefore);
    assertThat(policy.resources().get(alice, insight).creator()).isEqualTo(erin.userId());
  }

  // ======================================================================= rules: who may change them

  @Test
  void rules_kindRuleNeedsManageProjectAccess() {
    assertRefused(() -> policy.resources().setKindRule(carol, prod, INSIGHT, AccessLevel.VIEWER),
        PermissionDeniedException.class, ErrorCode.PERMISSION_DENIED);
    assertRefused(() -> policy.resources().setKindRule(erin, prod, INSIGHT, AccessLevel.VIEWER),
        PermissionDeniedException.class, ErrorCode.PERMISSION_DENIED); // a creator is no project Admin
    assertRefused(() -> policy.resources().setKindRule(frank, secret, INSIGHT, AccessLevel.VIEWER),
        NotFoundException.class, ErrorCode.NOT_FOUND);
    assertThat(rulesInStore()).isEmpty();

    policy.resources().setKindRule(pam, prod, INSIGHT, AccessLevel.VIEWER); // project Admin by grant
    policy.resources().setKindRule(bob, prod, FLAG, AccessLevel.VIEWER); // org Admin

    assertThat(rulesInStore()).containsExactlyInAnyOrder(
        ResourceRule.forKind(prod, INSIGHT, AccessLevel.VIEWER), ResourceRule.forKind(prod, FLAG, AccessLevel.VIEWER));
  }

  @Test
  void rules_objectRulesNeedManager() {
    for (Principal p : List.of(carol, dave, frank)) { // editors and viewers
      assertRefused(() -> policy.resources().setEveryoneRule(p, insight, AccessLevel.VIEWER),
          PermissionDeniedException.class, ErrorCode.PERMISSION_DENIED);
      assertRefused(() -> policy.resources().setMemberRule(p, insight, carol.userId(), AccessLevel.VIEWER),
          PermissionDeniedException.class, ErrorCode.PERMISSION_DENIED);
      assertRefused(() -> policy.resources().rules(p, insight), PermissionDeniedException.class,
          ErrorCode.PERMISSION_DENIED);
      assertRefused(() -> policy.resources().remove(p, insight), PermissionDeniedException.class,
          ErrorCode.PERMISSION_DENIED);
    }
    assertThat(rulesInStore()).isEmpty();

    policy.resources().setEveryoneRule(erin, insight, AccessLevel.VIEWER); // creator
    policy.resources().setMemberRule(pam, insight, carol.userId(), AccessLevel.EDITOR); // project Admin
    policy.resources().setMemberRule(bob, insight, frank.userId(), AccessLevel.NONE); // org Admin

    assertThat(policy.resources().rules(erin, insight)).containsExactly(
        ResourceRule.forEveryone(insight, AccessLevel.VIEWER),
        ResourceRule.forMember(insight, carol.userId(), AccessLevel.EDITOR),
        ResourceRule.forMember(insight, frank.userId(), AccessLevel.NONE));
  }

  @Test
  void rules_listIncludeTheKindRule_thenEveryone_thenMembersInUserIdOrder() {
    policy.resources().setMemberRule(alice, insight, frank.userId(), AccessLevel.VIEWER);
    policy.resources().setMemberRule(alice, insight, carol.userId(), AccessLevel.VIEWER);
    policy.resources().setEveryoneRule(alice, insight, AccessLevel.EDITOR);
    policy.resources().setKindRule(alice, prod, INSIGHT, AccessLevel.NONE);

    assertThat(policy.resources().rules(pam, insight)).containsExactly(
        ResourceRule.forKind(prod, INSIGHT, AccessLevel.NONE),
        ResourceRule.forEveryone(insight, AccessLevel.EDITOR),
        ResourceRule.forMember(insight, carol.userId(), AccessLevel.VIEWER),
        ResourceRule.forMember(insight, frank.userId(), AccessLevel.VIEWER));
  }

  @Test
  void rules_memberRuleForSomeoneWhoCannotSeeTheProject_refused() {
    policy.grants().grant(alice, secret, carol.userId(), ProjectRole.MEMBER);
    for (UserId target : List.of(frank.userId(), olga.userId(), UserId.of("nobody"))) {
      assertRefused(() -> policy.resources().setMemberRule(alice, secretInsight, target, AccessLevel.VIEWER),
          RuleViolationException.class, ErrorCode.NO_PROJECT_ACCESS);
    }
    policy.resources().setMemberRule(alice, secretInsight, carol.userId(), AccessLevel.VIEWER);

    assertThat(rulesInStore()).containsExactly(ResourceRule.forMember(secretInsight, carol.userId(), AccessLevel.VIEWER));
  }

  @Test
  void rules_clearingARuleThatDoesNotExist_notFound() {
    assertRefused(() -> policy.resources().clearKindRule(alice, prod, INSIGHT), NotFoundException.class,
        ErrorCode.NOT_FOUND);
    assertRefused(() -> policy.resources().clearEveryoneRule(alice, insight), NotFoundException.class,
        ErrorCode.NOT_FOUND);
    assertRefused(() -> policy.resources().clearMemberRule(alice, insight, carol.userId()), NotFoundException.class,
        ErrorCode.NOT_FOUND);
  }

  @Test
  void rules_changesAreAudited_noOpsAreNot_deniedAttemptsAre() {
    policy.resources().setEveryoneRule(erin, insight, AccessLevel.VIEWER);
    policy.resources().setEveryoneRule(erin, insight, AccessLevel.VIEWER); // same level: no change
    policy.resources().setMemberRule(erin, insight, carol.userId(), AccessLevel.EDITOR);
    policy.resources().clearMemberRule(erin, insight, carol.userId());
    assertThatThrownBy(() -> policy.resources().setEveryoneRule(carol, insight, AccessLevel.EDITOR))
        .isInstanceOf(PermissionDeniedException.class);

    List<AuditEntry> changes = audit("resource.rule_changed");
    assertThat(changes).hasSize(3);
    assertThat(changes).allSatisfy(e -> {
      assertThat(e.actor().user()).contains("erin");
      assertThat(e.project()).contains(prod);
    });
    // newest first
    assertThat(changes.get(0).changes()).singleElement().satisfies(c -> {
      assertThat(c.before()).contains("EDITOR");
      assertThat(c.after()).isEmpty();
    });
    assertThat(changes.get(2).changes()).singleElement().satisfies(c -> {
      assertThat(c.before()).isEmpty();
      assertThat(c.after()).contains("VIEWER");
    });
    assertThat(audit("resource.rule_changed.denied")).singleElement()
        .satisfies(e -> assertThat(e.actor().user()).contains("carol"));
    assertThat(audit("resource.registered")).hasSize(2);
  }

  // ====================================================================== registration and removal

  @Test
  void register_needsCreateContentOnAVisibleProject() {
    assertRefused(() -> policy.resources().register(dave, ResourceRef.of(prod, INSIGHT, "by-viewer")),
        PermissionDeniedException.class, ErrorCode.PERMISSION_DENIED);
    assertRefused(() -> policy.resources().register(olga, ResourceRef.of(prod, INSIGHT, "by-outsider")),
        NotFoundException.class, ErrorCode.NOT_FOUND);
    assertHidden(alice, ResourceRef.of(prod, INSIGHT, "by-viewer"));

    Resource r = policy.resources().register(carol, ResourceRef.of(prod, INSIGHT, "by-carol"));
    assertThat(r.createdAt()).isEqualTo(clock.instant());
    assertThat(policy.resources().get(frank, r.ref())).isEqualTo(r);
  }

  @Test
  void remove_needsManager_andTakesTheRulesAlong() {
    policy.resources().setEveryoneRule(erin, insight, AccessLevel.NONE);
    policy.resources().setMemberRule(erin, insight, carol.userId(), AccessLevel.EDITOR);
    assertRefused(() -> policy.resources().remove(carol, insight), PermissionDeniedException.class,
        ErrorCode.PERMISSION_DENIED);

    policy.resources().remove(erin, insight);

    assertHidden(alice, insight);
    assertThat(rulesInStore()).isEmpty();
    // registering the same id again starts from the defaults, not the old rules
    register(carol, insight);
    assertThat(levelOf(frank, insight)).isEqualTo(AccessLevel.EDITOR);
    assertThat(levelOf(erin, insight)).isEqualTo(AccessLevel.EDITOR);
  }

  // ============================================================== members leaving, projects deleted

  @Test
  void removingAMember_removesTheirResourceRules() {
    ResourceRef other = register(erin, ResourceRef.of(prod, INSIGHT, "ins-2"));
    policy.resources().setMemberRule(alice, insight, carol.userId(), AccessLevel.MANAGER);
    policy.resources().setMemberRule(alice, other, carol.userId(), AccessLevel.NONE);
    policy.resources().setMemberRule(alice, other, frank.userId(), AccessLevel.VIEWER);
    policy.resources().setEveryoneRule(alice, other, AccessLevel.EDITOR);

    policy.members().remove(bob, org, carol.userId());

    assertThat(rulesInStore()).containsExactlyInAnyOrder(
        ResourceRule.forMember(other, frank.userId(), AccessLevel.VIEWER),
        ResourceRule.forEveryone(other, AccessLevel.EDITOR));
    join(policy, alice, org, carol, OrgLevel.MEMBER); // back again: the old rules are gone
    assertThat(levelOf(carol, insight)).isEqualTo(AccessLevel.EDITOR);
    assertThat(levelOf(carol, other)).isEqualTo(AccessLevel.EDITOR);
  }

  @Test
  void leaving_removesTheLeaversResourceRules() {
    policy.resources().setMemberRule(alice, insight, carol.userId(), AccessLevel.MANAGER);

    policy.members().leave(carol, org);

    assertThat(rulesInStore()).isEmpty();
  }

  @Test
  void sweepingAnExpiredMember_removesTheirResourceRules() {
    policy.resources().setMemberRule(alice, insight, carol.userId(), AccessLevel.MANAGER);
    policy.members().setExpiry(alice, org, carol.userId(), clock.instant().plus(Duration.ofHours(1)));
    clock.advance(Duration.ofHours(1));

    policy.sweepExpired();

    assertThat(rulesInStore()).isEmpty();
  }

  @Test
  void rejoiningOverAnExpiredMembership_dropsTheStaleResourceRules() {
    policy.resources().setMemberRule(alice, insight, carol.userId(), AccessLevel.MANAGER);
    policy.members().setExpiry(alice, org, carol.userId(), clock.instant().plus(Duration.ofHours(1)));
    clock.advance(Duration.ofHours(1));

    join(policy, alice, org, carol, OrgLevel.MEMBER); // §15 accepting over an expired, unswept membership replaces it

    assertThat(rulesInStore()).isEmpty();
    assertThat(levelOf(carol, insight)).isEqualTo(AccessLevel.EDITOR);
  }

  @Test
  void deletingAProject_removesItsResourcesAndRules_andTheyAnswerNotFound() {
    ResourceRef flag = register(erin, ResourceRef.of(prod, FLAG, "f1"));
    policy.resources().setKindRule(alice, prod, FLAG, AccessLevel.VIEWER);
    policy.resources().setEveryoneRule(alice, insight, AccessLevel.VIEWER);
    policy.resources().setMemberRule(alice, flag, carol.userId(), AccessLevel.EDITOR);
    policy.resources().setEveryoneRule(alice, secretInsight, AccessLevel.VIEWER);

    policy.projects().delete(alice, prod);

    assertThat(rulesInStore()).containsExactly(ResourceRule.forEveryone(secretInsight, AccessLevel.VIEWER));
    List<Resource> left = store.inTransaction(tx -> tx.resources().listByOrganization(org));
    assertThat(left).extracting(Resource::ref).containsExactly(secretInsight);
    for (Principal p : List.of(alice, erin, carol)) {
      assertHidden(p, insight);
      assertHidden(p, flag);
    }
    assertRefused(() -> policy.whoCan(Capability.VIEW_DATA, insight), NotFoundException.class, ErrorCode.NOT_FOUND);
  }

  // ============================================================================ whoCan and explain

  @Test
  void whoCan_listsHoldersInUserIdOrderWithTheirReason() {
    policy.resources().setEveryoneRule(erin, insight, AccessLevel.VIEWER);
    policy.resources().setMemberRule(erin, insight, frank.userId(), AccessLevel.EDITOR);
    policy.resources().setMemberRule(erin, insight, carol.userId(), AccessLevel.NONE);

    assertThat(policy.whoCan(Capability.CREATE_CONTENT, insight))
        .extracting(AccessHolder::user, AccessHolder::level, AccessHolder::role, AccessHolder::reason)
        .containsExactly(
            tuple(alice.userId(), OrgLevel.OWNER, Optional.of(ProjectRole.ADMIN), Reason.RESOURCE_MANAGER),
            tuple(bob.userId(), OrgLevel.ADMIN, Optional.of(ProjectRole.ADMIN), Reason.RESOURCE_MANAGER),
            tuple(erin.userId(), OrgLevel.MEMBER, Optional.of(ProjectRole.MEMBER), Reason.RESOURCE_MANAGER),
            tuple(frank.userId(), OrgLevel.MEMBER, Optional.of(ProjectRole.MEMBER), Reason.RESOURCE_RULE),
            tuple(pam.userId(), OrgLevel.MEMBER, Optional.of(ProjectRole.ADMIN), Reason.RESOURCE_MANAGER));
    assertThat(policy.whoCan(Capability.VIEW_DATA, insight)).extracting(AccessHolder::user).containsExactly(
        alice.userId(), bob.userId(), dave.userId(), erin.userId(), frank.userId(), pam.userId());
    assertThat(policy.whoCan(Capability.MANAGE_PROJECT_ACCESS, secretInsight)).extracting(AccessHolder::user)
        .containsExactly(alice.userId(), bob.userId());
  }

  @Test
  void whoCan_agreesWithCheckForEveryCapability() {
    policy.resources().setKindRule(alice, prod, INSIGHT, AccessLevel.VIEWER);
    policy.resources().setMemberRule(alice, insight, carol.userId(), AccessLevel.EDITOR);
    policy.resources().setMemberRule(alice, insight, dave.userId(), AccessLevel.NONE);
    policy.members().setExpiry(alice, org, frank.userId(), clock.instant().plus(Duration.ofHours(1)));
    clock.advance(Duration.ofHours(1)); // frank expired, not swept

    for (Capability c : projectCapabilities()) {
      List<UserId> allowed = new ArrayList<>();
      for (Principal p : List.of(alice, bob, carol, dave, erin, frank, pam, olga)) {
        if (policy.check(p, c, insight).allowed()) {
          allowed.add(p.userId());
        }
      }
      assertThat(policy.whoCan(c, insight)).as("%s", c).extracting(AccessHolder::user)
          .containsExactlyElementsOf(allowed);
    }
  }

  @Test
  void whoCan_unknownResource_notFound() {
    assertRefused(() -> policy.whoCan(Capability.VIEW_DATA, ResourceRef.of(prod, INSIGHT, "nope")),
        NotFoundException.class, ErrorCode.NOT_FOUND);
  }

  @Test
  void explain_givesTheStepsAndTheSameDecisionAsCheck() {
    policy.resources().setEveryoneRule(erin, insight, AccessLevel.VIEWER);

    Explanation denied = policy.explain(carol, Capability.CREATE_CONTENT, insight);
    assertThat(denied.decision()).isSameAs(Decision.deny(Reason.RESOURCE_LEVEL_TOO_LOW));
    assertThat(denied.steps()).contains(
        "open project, default role MEMBER",
        "project role MEMBER holds CREATE_CONTENT",
        "resource rule gives VIEWER (role MEMBER)",
        "access level VIEWER is below EDITOR");

    Explanation manager = policy.explain(erin, Capability.CREATE_CONTENT, insight);
    assertThat(manager.decision()).isSameAs(Decision.allow(Reason.RESOURCE_MANAGER));
    assertThat(manager.steps()).anySatisfy(s -> assertThat(s).startsWith("creator or project Admin manages"));

    Explanation byRule = policy.explain(frank, Capability.VIEW_DATA, ResourceRef.of(prod, INSIGHT, "ins-1"));
    assertThat(byRule.decision()).isSameAs(Decision.allow(Reason.RESOURCE_RULE));
    assertThat(byRule.steps()).contains("access level VIEWER reaches VIEWER");

    for (Principal p : List.of(alice, bob, carol, dave, erin, frank, pam, olga)) {
      for (Capability c : projectCapabilities()) {
        assertThat(policy.explain(p, c, insight).decision()).as("%s %s", p.userId(), c)
            .isSameAs(policy.check(p, c, insight));
      }
    }
  }

  @Test
  void explain_hiddenOrNone_oneStepThatNamesNothing() {
    policy.resources().setMemberRule(alice, insight, carol.userId(), AccessLevel.NONE);

    assertThat(policy.explain(carol, Capability.VIEW_DATA, insight).steps())
        .containsExactly("no resource with this id is visible to carol");
    assertThat(policy.explain(frank, Capability.VIEW_DATA, secretInsight).steps())
        .containsExactly("no resource with this id is visible to frank");
  }
}
