package dev.warden.bulk;

import static dev.warden.testing.WardenAssertions.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.warden.AccessPolicy;
import dev.warden.Decision;
import dev.warden.ErrorCode;
import dev.warden.NotFoundException;
import dev.warden.PermissionDeniedException;
import dev.warden.Principal;
import dev.warden.Reason;
import dev.warden.audit.AuditEntry;
import dev.warden.audit.AuditQuery;
import dev.warden.audit.Change;
import dev.warden.matrix.Capability;
import dev.warden.matrix.PermissionMatrix;
import dev.warden.organization.EmailAddress;
import dev.warden.organization.Membership;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrgLevel;
import dev.warden.project.Project;
import dev.warden.project.ProjectGrant;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import dev.warden.project.Visibility;
import dev.warden.project.VisibleProject;
import dev.warden.resource.AccessLevel;
import dev.warden.resource.ResourceRef;
import dev.warden.resource.ResourceRule;
import dev.warden.spi.MemberJoined;
import dev.warden.spi.Store;
import dev.warden.testing.FakeClock;
import dev.warden.testing.OrgFixtures;
import dev.warden.organization.UserId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bulk import (issue 14) through the public API, on every store: an accepted import writes everything
 * and the checks, lists, audit log and a fresh policy on the same store all see it; each rule of the
 * single operations refuses its item with the same code; every refusal is reported at once; a refused
 * import changes nothing; authorization is refused like any mutation. Shipped in core's test-jar; each
 * store's test extends it. {@link ImportEquivalenceContract} adds the property that an import is
 * accepted exactly when the same items, one by one, would be.
 */
public abstract class ImportContract {
  protected static final Instant T = FakeClock.START;

  protected FakeClock clock;
  protected Store store;
  protected AccessPolicy policy;
  protected final List<MemberJoined> notified = new ArrayList<>();
  protected Principal alice;
  protected Principal bob;
  protected Principal carol;
  protected OrgId org;
  protected ProjectId defaultProject;
  protected ProjectId secret;
  private final List<AccessPolicy> policies = new ArrayList<>();

  /** A new, empty store; called before every test and by {@link #reset}. */
  protected abstract Store newStore();

  /** Releases what {@link #newStore()} opened; called once the policies over it are closed. */
  protected void closeStore() throws Exception {}

  @BeforeEach
  void setUpOrganization() {
    reset(PermissionMatrix.posthog());
  }

  @AfterEach
  void tearDown() throws Exception {
    closeAll();
  }

  private void closeAll() throws Exception {
    policies.forEach(AccessPolicy::close);
    policies.clear();
    if (store != null) {
      closeStore();
    }
  }

  /**
   * A new store with Acme: alice Owner, bob Admin, carol Member; the open "Default Project" and the
   * private project "Secret", on which carol has no grant.
   */
  protected void reset(PermissionMatrix matrix) {
    try {
      closeAll();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    clock = FakeClock.at(T);
    store = newStore();
    notified.clear();
    policy = track(AccessPolicy.builder().store(store).clock(clock).matrix(matrix).notifier(notified::add).build());
    alice = user("alice");
    bob = user("bob");
    carol = user("carol");
    org = policy.organizations().create(alice, "Acme").id();
    defaultProject = policy.visibleProjects(alice, org).get(0).project().id();
    OrgFixtures.join(policy, alice, org, bob, OrgLevel.ADMIN);
    OrgFixtures.join(policy, alice, org, carol, OrgLevel.MEMBER);
    secret = OrgFixtures.project(policy, alice, org, "Secret", Visibility.PRIVATE).id();
    notified.clear();
  }

  /** A second policy on the same store, which reads everything back from the store. */
  protected AccessPolicy reopened() {
    return track(AccessPolicy.builder().store(store).clock(clock).matrix(policy.matrix()).build());
  }

  private AccessPolicy track(AccessPolicy p) {
    policies.add(p);
    return p;
  }

  protected static Principal user(String id) {
    return Principal.user(UserId.of(id), id + "@acme.com");
  }

  private static UserId id(String user) {
    return UserId.of(user);
  }

  private static ImportItem.Member member(String user, OrgLevel level) {
    return ImportItem.Member.of(id(user), user + "@acme.com", level);
  }

  private ImportReport importAs(Principal actor, OrganizationImport.Builder data) {
    return policy.organizations().importInto(actor, org, data.build());
  }

  /** Each refusal as (list, index, code). */
  private static List<org.assertj.core.groups.Tuple> refusals(ImportReport report) {
    return report.refusals().stream().map(r -> tuple(r.list(), r.index(), r.code())).toList();
  }

  // ------------------------------------------------------------------------------ success

  @Test
  void importInto_validData_writesEverything_andEveryReaderSeesIt() {
    ProjectId web = ProjectId.of("web");
    ProjectId app = ProjectId.of("app");
    ResourceRef board = ResourceRef.dashboard(web, "board");
    Instant in30Days = T.plus(Duration.ofDays(30));
    ImportReport report = importAs(alice, OrganizationImport.builder()
        .member(member("dan", OrgLevel.MEMBER).withNote(" Consultant ").withExpiresAt(in30Days))
        .member(member("erin", OrgLevel.ADMIN))
        .member(id("frank"), "Frank@Acme.com", OrgLevel.MEMBER)
        .project(web, "Web", Visibility.PRIVATE, ProjectRole.MEMBER)
        .project(app, "App", Visibility.OPEN, ProjectRole.VIEWER)
        .grant(web, id("dan"), ProjectRole.VIEWER)
        .grant(web, id("frank"), ProjectRole.MEMBER, in30Days)
        .grant(app, id("frank"), ProjectRole.ADMIN)
        .grant(secret, id("dan"), ProjectRole.MEMBER)
        .grant(defaultProject, carol.userId(), ProjectRole.VIEWER)
        .resource(board, id("frank"))
        .rule(ResourceRule.forKind(app, "insight", AccessLevel.VIEWER))
        .rule(ResourceRule.forEveryone(board, AccessLevel.VIEWER))
        .rule(ResourceRule.forMember(board, id("dan"), AccessLevel.EDITOR)));

    assertThat(report.accepted()).isTrue();
    assertThat(report.refusals()).isEmpty();
    assertThat(List.of(report.members(), report.projects(), report.grants(), report.resources(), report.rules()))
        .containsExactly(3, 2, 5, 1, 3);
    for (AccessPolicy p : List.of(policy, reopened())) {
      Principal dan = Principal.user("dan");
      Principal frank = Principal.user("frank");
      assertThat(p.check(dan, Capability.VIEW_DATA, web).allowed()).isTrue();
      assertThat(p.check(dan, Capability.CREATE_CONTENT, web).outcome()).isEqualTo(Decision.Outcome.DENY);
      assertThat(p.check(frank, Capability.CREATE_CONTENT, web).allowed()).isTrue();
      assertThat(p.check(carol, Capability.VIEW_DATA, web).outcome()).isEqualTo(Decision.Outcome.NOT_FOUND);
      assertThat(p.check(Principal.user("erin"), Capability.MANAGE_PROJECT_ACCESS, web).allowed()).isTrue();
      assertThat(p.check(carol, Capability.VIEW_DATA, app).allowed()).isTrue();
      assertThat(p.check(carol, Capability.CREATE_CONTENT, app).outcome()).isEqualTo(Decision.Outcome.DENY);
      assertThat(p.check(frank, Capability.MANAGE_PROJECT_SETTINGS, app).allowed()).isTrue();
      assertThat(p.check(dan, Capability.VIEW_DATA, secret).allowed()).isTrue();
      assertThat(p.check(carol, Capability.CREATE_CONTENT, defaultProject).outcome()).isEqualTo(Decision.Outcome.DENY);
      assertThat(p.check(dan, Capability.VIEW_DATA, board).allowed()).isTrue();
      assertThat(p.check(frank, Capability.MANAGE_PROJECT_ACCESS, board).outcome()).isEqualTo(Decision.Outcome.DENY);
      assertThat(p.resources().level(frank, board)).isEqualTo(AccessLevel.MANAGER); // its creator
      assertThat(p.resources().level(dan, board)).isEqualTo(AccessLevel.VIEWER); // capped by the Viewer role

      Membership danMembership = p.members().get(alice, org, id("dan"));
      assertThat(danMembership.note()).contains("Consultant");
      assertThat(danMembership.expiresAt()).contains(in30Days);
      assertThat(danMembership.email()).contains(EmailAddress.of("dan@acme.com"));
      assertThat(danMembership.invitedBy()).contains(alice.userId());
      assertThat(danMembership.joinedAt()).isEqualTo(T);
      assertThat(p.members().get(alice, org, id("frank")).email()).contains(EmailAddress.of("frank@acme.com"));
      assertThat(p.members().list(alice, org)).extracting(Membership::user)
          .containsExactly(id("alice"), id("bob"), id("carol"), id("dan"), id("erin"), id("frank"));
      assertThat(p.visibleProjects(dan, org)).extracting(v -> v.project().id())
          .containsExactlyInAnyOrder(defaultProject, secret, web, app);
      assertThat(p.visibleProjects(dan, org)).filteredOn(v -> v.project().id().equals(web))
          .extracting(VisibleProject::role).containsExactly(ProjectRole.VIEWER);
      Project imported = p.projects().get(alice, web);
      assertThat(imported.name()).isEqualTo("Web");
      assertThat(imported.token()).startsWith("wdt_");
      assertThat(p.resolveProjectToken(imported.token())).contains(imported);
      assertThat(p.grants().list(alice, web)).extracting(ProjectGrant::user, ProjectGrant::role,
              ProjectGrant::expiresAt, ProjectGrant::grantedBy)
          .containsExactly(tuple(id("dan"), ProjectRole.VIEWER, Optional.empty(), alice.userId()),
              tuple(id("frank"), ProjectRole.MEMBER, Optional.of(in30Days), alice.userId()));
      assertThat(p.resources().rules(alice, board)).containsExactly(
          ResourceRule.forEveryone(board, AccessLevel.VIEWER), ResourceRule.forMember(board, id("dan"), AccessLevel.EDITOR));
    }
    assertThat(notified).isEmpty(); // imported members join without invites or notifications

    List<AuditEntry> audit = audit(org);
    AuditEntry summary = only(audit, "organization.imported");
    assertThat(summary.actor().user()).contains(alice.userId().value());
    assertThat(summary.target()).contains(org.value());
    assertThat(summary.changes()).extracting(Change::field, c -> c.after().orElseThrow())
        .containsExactly(tuple("members", "3"), tuple("projects", "2"), tuple("grants", "5"), tuple("resources", "1"),
            tuple("rules", "3"));
    assertThat(audit).filteredOn(e -> e.action().equals("member.imported")).extracting(e -> e.target().orElseThrow())
        .containsExactlyInAnyOrder("dan", "erin", "frank");
    assertThat(audit).filteredOn(e -> e.action().equals("member.imported") && e.target().orElseThrow().equals("dan"))
        .flatExtracting(AuditEntry::changes).extracting(Change::field, c -> c.after().orElseThrow())
        .containsExactly(tuple("email", "dan@acme.com"), tuple("level", "MEMBER"), tuple("note", "Consultant"),
            tuple("expiresAt", in30Days.toString()));
    assertThat(audit).filteredOn(e -> e.action().equals("project.imported")).extracting(e -> e.project().orElseThrow())
        .containsExactlyInAnyOrder(web, app);
  }

  @Test
  void importInto_empty_isAccepted_andChangesNothing() {
    Snapshot before = snapshot(org);
    ImportReport report = importAs(carol, OrganizationImport.builder());
    assertThat(report.accepted()).isTrue();
    assertThat(report.members() + report.projects() + report.grants() + report.resources() + report.rules()).isZero();
    assertThat(snapshot(org)).isEqualTo(before);
  }

  @Test
  void importInto_aMemberWhoseMembershipExpiredUnswept_replacesIt_withItsStaleGrants() {
    Instant end = T.plus(Duration.ofHours(1));
    policy.members().setExpiry(alice, org, carol.userId(), end);
    policy.grants().grant(alice, secret, carol.userId(), ProjectRole.ADMIN);
    clock.advance(Duration.ofHours(2));

    ImportReport report = importAs(alice, OrganizationImport.builder().member(member("carol", OrgLevel.MEMBER))
        .grant(defaultProject, carol.userId(), ProjectRole.VIEWER));

    assertThat(report.accepted()).isTrue();
    assertThat(policy.members().get(alice, org, carol.userId()).expiresAt()).isEmpty();
    assertThat(policy.check(carol, Capability.VIEW_DATA, secret).outcome()).isEqualTo(Decision.Outcome.NOT_FOUND);
    assertThat(policy.grants().list(alice, secret)).isEmpty();
    assertThat(reopened().check(carol, Capability.CREATE_CONTENT, defaultProject).outcome())
        .isEqualTo(Decision.Outcome.DENY);
    assertThat(audit(org)).extracting(AuditEntry::action).contains("member.expired");
  }

  @Test
  void importInto_thousandsOfItems_areWrittenInBulk() {
    OrganizationImport.Builder data = OrganizationImport.builder();
    int members = 2_500;
    int projects = 120;
    for (int i = 0; i < members; i++) {
      data.member(member("u" + i, i % 50 == 0 ? OrgLevel.ADMIN : OrgLevel.MEMBER));
    }
    for (int i = 0; i < projects; i++) {
      data.project(ProjectId.of("bulk-p" + i), "Project " + i, i % 2 == 0 ? Visibility.OPEN : Visibility.PRIVATE,
          ProjectRole.MEMBER);
    }
    int grants = 0;
    for (int i = 0; i < members; i++) {
      for (int k = 0; k < 2; k++) {
        data.grant(ProjectId.of("bulk-p" + ((i + k * 7) % projects)), id("u" + i), ProjectRole.values()[(i + k) % 3]);
        grants++;
      }
    }
    ImportReport report = importAs(alice, data);

    assertThat(report.accepted()).isTrue();
    assertThat(report.grants()).isEqualTo(grants);
    AccessPolicy fresh = reopened();
    for (AccessPolicy p : List.of(policy, fresh)) {
      assertThat(p.members().list(alice, org)).hasSize(members + 3);
      assertThat(p.visibleProjects(alice, org)).hasSize(projects + 2);
      // u1 has Member on bulk-p1 (private) and Admin on bulk-p8; u3 nothing on bulk-p5 (private).
      assertThat(p.check(Principal.user("u1"), Capability.CREATE_CONTENT, ProjectId.of("bulk-p1")).allowed()).isTrue();
      assertThat(p.check(Principal.user("u1"), Capability.MANAGE_PROJECT_ACCESS, ProjectId.of("bulk-p8")).allowed())
          .isTrue();
      assertThat(p.check(Principal.user("u3"), Capability.VIEW_DATA, ProjectId.of("bulk-p5")).outcome())
          .isEqualTo(Decision.Outcome.NOT_FOUND);
    }
    assertThat(fresh.grants().list(alice, ProjectId.of("bulk-p1"))).hasSize(policy.grants().list(alice,
        ProjectId.of("bulk-p1")).size());
  }

  // ------------------------------------------------------------------------------ refusals, kind by kind

  @Test
  void members_eachBrokenRule_isReported_withTheCodeOfTheSingleOperation() {
    ImportReport report = importAs(alice, OrganizationImport.builder()
        .member(member("carol", OrgLevel.ADMIN))                                              // 0 already a member
        .member(ImportItem.Member.of(id("zoe"), "bob@acme.com", OrgLevel.MEMBER))             // 1 bob's email
        .member(member("gina", OrgLevel.OWNER))                                               // 2 single ownership
        .member(member("hank", OrgLevel.MEMBER).withExpiresAt(T.minusSeconds(1)))             // 3 expiry in the past
        .member(member("hal", OrgLevel.MEMBER).withExpiresAt(T))                              // 4 expiry now
        .member(member("ivan", OrgLevel.MEMBER))                                              // 5 fine
        .member(member("ivan", OrgLevel.ADMIN))                                               // 6 listed twice
        .member(ImportItem.Member.of(id("jo"), "ivan@acme.com", OrgLevel.MEMBER)));           // 7 email listed twice

    assertThat(report.accepted()).isFalse();
    assertThat(refusals(report)).containsExactly(
        tuple("members", 0, ErrorCode.ALREADY_MEMBER),
        tuple("members", 1, ErrorCode.ALREADY_MEMBER),
        tuple("members", 2, ErrorCode.SINGLE_OWNERSHIP),
        tuple("members", 3, ErrorCode.EXPIRY_IN_PAST),
        tuple("members", 4, ErrorCode.EXPIRY_IN_PAST),
        tuple("members", 6, ErrorCode.ALREADY_MEMBER),
        tuple("members", 7, ErrorCode.ALREADY_MEMBER));
    assertThat(report.refusals().get(0).item()).isEqualTo(member("carol", OrgLevel.ADMIN));
    assertThat(report.refusals().get(0).message()).contains("carol");
    assertThat(report.members()).isZero();

    ImportReport byAdmin = importAs(bob, OrganizationImport.builder().member(member("kim", OrgLevel.OWNER)));
    assertThat(refusals(byAdmin)).containsExactly(tuple("members", 0, ErrorCode.LEVEL_ABOVE_OWN));
  }

  @Test
  void members_underMultipleOwnership_anOwnerMayImportOwners_whoNeverExpire() {
    reset(PermissionMatrix.leastPrivilege());
    ImportReport report = importAs(alice, OrganizationImport.builder()
        .member(member("olga", OrgLevel.OWNER).withExpiresAt(T.plus(Duration.ofDays(1))))
        .member(member("otto", OrgLevel.OWNER)));
    assertThat(refusals(report)).containsExactly(tuple("members", 0, ErrorCode.OWNER_CANNOT_EXPIRE));

    assertThat(importAs(alice, OrganizationImport.builder().member(member("otto", OrgLevel.OWNER))).accepted()).isTrue();
    assertThat(policy.members().get(alice, org, id("otto")).level()).isEqualTo(OrgLevel.OWNER);
  }

  @Test
  void projects_idsAlreadyInUse_anywhere_areRefused() {
    Principal zed = user("zed");
    OrgId globex = policy.organizations().create(zed, "Globex").id();
    ProjectId globexProject = policy.visibleProjects(zed, globex).get(0).project().id();

    ImportReport report = importAs(alice, OrganizationImport.builder()
        .project(ProjectId.of("web"), "Web", Visibility.OPEN, ProjectRole.MEMBER)
        .project(ProjectId.of("web"), "Web again", Visibility.OPEN, ProjectRole.MEMBER)
        .project(defaultProject, "Default", Visibility.OPEN, ProjectRole.MEMBER)
        .project(globexProject, "Globex's", Visibility.OPEN, ProjectRole.MEMBER));

    assertThat(refusals(report)).containsExactly(
        tuple("projects", 1, ErrorCode.ALREADY_EXISTS),
        tuple("projects", 2, ErrorCode.ALREADY_EXISTS),
        tuple("projects", 3, ErrorCode.ALREADY_EXISTS));
    // A project of another organization is refused with the same message as one of this organization.
    assertThat(report.refusals().get(2).message()).isEqualTo(report.refusals().get(0).message()
        .replace("web", globexProject.value()));
    assertThat(policy.check(zed, Capability.VIEW_DATA, globexProject).allowed()).isTrue();
  }

  @Test
  void projects_aDefaultRoleTheActorMayNotSet_isPermissionDenied_andAuditedAsDenied() {
    policy.organizations().updateSettings(alice, org, s -> s.withMembersCanCreateProjects(true));
    ImportReport report = importAs(carol, OrganizationImport.builder()
        .project(ProjectId.of("open"), "Open", Visibility.OPEN, ProjectRole.MEMBER)
        .project(ProjectId.of("viewers"), "Viewers", Visibility.OPEN, ProjectRole.VIEWER));

    assertThat(refusals(report)).containsExactly(tuple("projects", 1, ErrorCode.PERMISSION_DENIED));
    assertThat(audit(org)).filteredOn(e -> e.action().equals("organization.imported.denied"))
        .extracting(e -> e.actor().user().orElseThrow()).containsExactly("carol");
    assertThat(importAs(carol, OrganizationImport.builder()
        .project(ProjectId.of("open"), "Open", Visibility.OPEN, ProjectRole.MEMBER)).accepted()).isTrue();
  }

  @Test
  void grants_eachBrokenRule_isReported() {
    ImportReport report = importAs(alice, OrganizationImport.builder()
        .member(member("dan", OrgLevel.MEMBER))
        .grant(ProjectId.of("nowhere"), id("dan"), ProjectRole.VIEWER)                   // 0 unknown project
        .grant(secret, alice.userId(), ProjectRole.VIEWER)                               // 1 own grant
        .grant(secret, id("stranger"), ProjectRole.VIEWER)                               // 2 not a member
        .grant(secret, id("dan"), ProjectRole.VIEWER, T)                                 // 3 expiry now
        .grant(secret, id("dan"), ProjectRole.MEMBER)                                    // 4 fine
        .grant(secret, id("dan"), ProjectRole.ADMIN)                                     // 5 listed twice
        .grant(secret, carol.userId(), ProjectRole.ADMIN));                              // 6 fine

    assertThat(refusals(report)).containsExactly(
        tuple("grants", 0, ErrorCode.NOT_FOUND),
        tuple("grants", 1, ErrorCode.CANNOT_CHANGE_OWN_GRANT),
        tuple("grants", 2, ErrorCode.NOT_A_MEMBER),
        tuple("grants", 3, ErrorCode.EXPIRY_IN_PAST),
        tuple("grants", 5, ErrorCode.ALREADY_EXISTS));
  }

  @Test
  void grants_onProjectsTheActorCannotManage_areRefusedAsTheSingleGrantWould() {
    ImportReport report = importAs(carol, OrganizationImport.builder()
        .grant(secret, bob.userId(), ProjectRole.VIEWER)                 // hidden from carol: like a missing one
        .grant(defaultProject, bob.userId(), ProjectRole.VIEWER));       // visible, but carol is a project Member

    assertThat(refusals(report)).containsExactly(
        tuple("grants", 0, ErrorCode.NOT_FOUND),
        tuple("grants", 1, ErrorCode.PERMISSION_DENIED));
    // The hidden project is refused with the very message of a missing one.
    assertThat(report.refusals().get(0).message())
        .isEqualTo(importAs(carol, OrganizationImport.builder().grant(ProjectId.of("nowhere"), bob.userId(),
            ProjectRole.VIEWER)).refusals().get(0).message());
  }

  @Test
  void grants_aboveTheActorsOwnRole_areRoleAboveOwn() {
    // A matrix in which a project Member manages access, so a Member can grant, but only up to Member.
    reset(PermissionMatrix.posthog().toBuilder().grant(ProjectRole.MEMBER, Capability.MANAGE_PROJECT_ACCESS).build());
    ImportReport report = importAs(carol, OrganizationImport.builder()
        .grant(defaultProject, bob.userId(), ProjectRole.MEMBER)
        .grant(defaultProject, bob.userId(), ProjectRole.ADMIN));
    assertThat(refusals(report)).containsExactly(tuple("grants", 1, ErrorCode.ROLE_ABOVE_OWN));
  }

  @Test
  void resources_eachBrokenRule_isReported() {
    ResourceRef existing = ResourceRef.dashboard(defaultProject, "existing");
    policy.resources().register(carol, existing);
    ImportReport report = importAs(alice, OrganizationImport.builder()
        .resource(existing, carol.userId())                                               // 0 registered already
        .resource(ResourceRef.dashboard(defaultProject, "new"), carol.userId())           // 1 fine
        .resource(ResourceRef.dashboard(defaultProject, "new"), bob.userId())             // 2 listed twice
        .resource(ResourceRef.dashboard(defaultProject, "x"), id("stranger"))             // 3 creator not a member
        .resource(ResourceRef.dashboard(secret, "y"), carol.userId())                     // 4 carol cannot see Secret
        .resource(ResourceRef.dashboard(ProjectId.of("nowhere"), "z"), bob.userId()));    // 5 unknown project

    assertThat(refusals(report)).containsExactly(
        tuple("resources", 0, ErrorCode.RESOURCE_ALREADY_REGISTERED),
        tuple("resources", 2, ErrorCode.RESOURCE_ALREADY_REGISTERED),
        tuple("resources", 3, ErrorCode.NOT_A_MEMBER),
        tuple("resources", 4, ErrorCode.NO_PROJECT_ACCESS),
        tuple("resources", 5, ErrorCode.NOT_FOUND));
  }

  @Test
  void rules_eachBrokenRule_isReported() {
    ResourceRef board = ResourceRef.dashboard(secret, "board");
    ImportReport report = importAs(alice, OrganizationImport.builder()
        .resource(board, bob.userId())
        .rule(ResourceRule.forEveryone(ResourceRef.dashboard(secret, "missing"), AccessLevel.VIEWER))   // 0
        .rule(ResourceRule.forMember(board, carol.userId(), AccessLevel.EDITOR))                          // 1
        .rule(ResourceRule.forKind(secret, "insight", AccessLevel.VIEWER))                                // 2 fine
        .rule(ResourceRule.forKind(secret, "insight", AccessLevel.EDITOR))                                // 3 twice
        .rule(ResourceRule.forKind(ProjectId.of("nowhere"), "insight", AccessLevel.EDITOR)));             // 4

    assertThat(refusals(report)).containsExactly(
        tuple("rules", 0, ErrorCode.NOT_FOUND),
        tuple("rules", 1, ErrorCode.NO_PROJECT_ACCESS),
        tuple("rules", 3, ErrorCode.ALREADY_EXISTS),
        tuple("rules", 4, ErrorCode.NOT_FOUND));
  }

  /** A share, like {@code resources().share}, needs an active member but no access to the project (issue 16). */
  @Test
  void rules_aShareOpensOneResourceOfAHiddenProject_toAnActiveMemberOnly() {
    ResourceRef board = ResourceRef.dashboard(secret, "board");
    ImportReport refused = importAs(alice, OrganizationImport.builder()
        .resource(board, bob.userId())
        .rule(ResourceRule.share(board, carol.userId(), AccessLevel.EDITOR))                  // 0 fine
        .rule(ResourceRule.share(board, id("stranger"), AccessLevel.VIEWER))                  // 1 not a member
        .rule(ResourceRule.share(board, carol.userId(), AccessLevel.VIEWER)));                // 2 same key as 0
    assertThat(refusals(refused)).containsExactly(
        tuple("rules", 1, ErrorCode.NOT_A_MEMBER),
        tuple("rules", 2, ErrorCode.ALREADY_EXISTS));

    ImportReport report = importAs(alice, OrganizationImport.builder()
        .resource(board, bob.userId())
        .rule(ResourceRule.share(board, carol.userId(), AccessLevel.EDITOR)));

    assertThat(report.accepted()).isTrue();
    for (AccessPolicy p : List.of(policy, reopened())) {
      assertThat(p.check(carol, Capability.CREATE_CONTENT, board)).isSameAs(Decision.allow(Reason.RESOURCE_SHARE));
      assertThat(p.check(carol, Capability.VIEW_DATA, secret)).isSameAs(Decision.notFound());
    }
  }

  @Test
  void refusals_inEveryList_areReportedTogether_andNothingIsWritten() {
    ResourceRef board = ResourceRef.dashboard(defaultProject, "board");
    policy.resources().register(carol, board);
    Snapshot before = snapshot(org);

    ImportReport report = importAs(alice, OrganizationImport.builder()
        .member(member("dan", OrgLevel.MEMBER))
        .member(member("bob", OrgLevel.MEMBER))
        .project(ProjectId.of("web"), "Web", Visibility.PRIVATE, ProjectRole.MEMBER)
        .project(secret, "Secret again", Visibility.PRIVATE, ProjectRole.MEMBER)
        .grant(ProjectId.of("web"), id("dan"), ProjectRole.ADMIN)
        .grant(ProjectId.of("web"), id("nobody"), ProjectRole.ADMIN)
        .resource(ResourceRef.dashboard(ProjectId.of("web"), "b"), id("dan"))
        .resource(board, id("dan"))
        .rule(ResourceRule.forKind(ProjectId.of("web"), "insight", AccessLevel.VIEWER))
        .rule(ResourceRule.forMember(board, id("nobody"), AccessLevel.VIEWER)));

    assertThat(refusals(report)).containsExactly(
        tuple("members", 1, ErrorCode.ALREADY_MEMBER),
        tuple("projects", 1, ErrorCode.ALREADY_EXISTS),
        tuple("grants", 1, ErrorCode.NOT_A_MEMBER),
        tuple("resources", 1, ErrorCode.RESOURCE_ALREADY_REGISTERED),
        tuple("rules", 1, ErrorCode.NO_PROJECT_ACCESS));
    assertThat(report.refusals()).extracting(ImportRefusal::toString)
        .allSatisfy(s -> assertThat(s).matches("(members|projects|grants|resources|rules)\\[1\\] .+: [A-Z_]+ .+"));
    assertThat(snapshot(org)).isEqualTo(before);
    AccessPolicy fresh = reopened();
    assertThat(fresh.check(Principal.user("dan"), Capability.VIEW_DATA, defaultProject).outcome())
        .isEqualTo(Decision.Outcome.NOT_FOUND);
    assertThat(fresh.check(alice, Capability.VIEW_DATA, ProjectId.of("web")).outcome())
        .isEqualTo(Decision.Outcome.NOT_FOUND);
    assertThat(policy.check(alice, Capability.VIEW_DATA, ProjectId.of("web")).outcome())
        .isEqualTo(Decision.Outcome.NOT_FOUND);
  }

  // ------------------------------------------------------------------------------ authorization

  @Test
  void authorization_aNonMember_getsNotFound_andNothingIsRecorded() {
    Snapshot before = snapshot(org);
    assertRefused(() -> importAs(user("mallory"), OrganizationImport.builder().member(member("eve", OrgLevel.MEMBER))),
        NotFoundException.class, ErrorCode.NOT_FOUND);
    assertRefused(() -> policy.organizations().importInto(alice, OrgId.of("org_missing"),
        OrganizationImport.builder().build()), NotFoundException.class, ErrorCode.NOT_FOUND);
    assertThat(snapshot(org)).isEqualTo(before);
  }

  @Test
  void authorization_aMissingCapability_isPermissionDenied_andAuditedAsDenied() {
    reset(PermissionMatrix.leastPrivilege()); // Members may not invite
    Snapshot before = snapshot(org);
    assertRefused(() -> importAs(carol, OrganizationImport.builder().member(member("eve", OrgLevel.MEMBER))),
        PermissionDeniedException.class, ErrorCode.PERMISSION_DENIED);
    assertThat(snapshot(org).state()).isEqualTo(before.state());
    assertThat(audit(org)).filteredOn(AuditEntry::denied).extracting(AuditEntry::action, e -> e.actor().user())
        .containsExactly(tuple("organization.imported.denied", Optional.of("carol")));
  }

  @Test
  void authorization_followsTheSingleOperations() {
    // posthog: Members invite, but only MANAGE_MEMBERS gives notes; only Admins create or hide projects.
    assertThat(importAs(carol, OrganizationImport.builder().member(member("eve", OrgLevel.MEMBER))).accepted()).isTrue();
    assertRefused(() -> importAs(carol, OrganizationImport.builder().member(member("fay", OrgLevel.MEMBER).withNote("x"))),
        PermissionDeniedException.class, ErrorCode.PERMISSION_DENIED);
    assertRefused(() -> importAs(carol, OrganizationImport.builder()
            .project(ProjectId.of("p"), "P", Visibility.OPEN, ProjectRole.MEMBER)),
        PermissionDeniedException.class, ErrorCode.PERMISSION_DENIED);
    policy.organizations().updateSettings(alice, org, s -> s.withMembersCanCreateProjects(true));
    assertRefused(() -> importAs(carol, OrganizationImport.builder()
            .project(ProjectId.of("p"), "P", Visibility.PRIVATE, ProjectRole.MEMBER)),
        PermissionDeniedException.class, ErrorCode.PERMISSION_DENIED);
    // An expiry is a sensitive change: it needs a recent authentication, as setExpiry does.
    Principal stale = bob.authenticatedAt(clock.instant().minus(Duration.ofHours(3)));
    assertRefused(() -> importAs(stale, OrganizationImport.builder()
            .member(member("gil", OrgLevel.MEMBER).withExpiresAt(T.plus(Duration.ofDays(1))))),
        PermissionDeniedException.class, ErrorCode.REAUTHENTICATION_REQUIRED);
    assertThat(importAs(stale, OrganizationImport.builder().member(member("gil", OrgLevel.MEMBER))).accepted()).isTrue();
  }

  @Test
  void authorization_theOrganizationsGatesApply() {
    policy.organizations().updateSettings(alice, org, s -> s.withRequire2fa(true));
    assertRefused(() -> importAs(bob, OrganizationImport.builder()
            .grant(defaultProject, carol.userId(), ProjectRole.VIEWER)),
        PermissionDeniedException.class, ErrorCode.MFA_REQUIRED);
    assertThat(importAs(bob.withMfa(true), OrganizationImport.builder()
        .grant(defaultProject, carol.userId(), ProjectRole.VIEWER)).accepted()).isTrue();
  }

  // ------------------------------------------------------------------------------ helpers

  /** The organization as its store holds it, and its audit log. */
  protected record Snapshot(String state, List<String> audit) {}

  /** What the store holds for {@code organization}, through the SPI, and its audit entries. */
  protected Snapshot snapshot(OrgId organization) {
    String state = store.inTransaction(tx -> String.join("\n",
        String.valueOf(tx.organizations().find(organization)),
        String.valueOf(tx.organizations().revision(organization)),
        String.valueOf(tx.memberships().listByOrganization(organization)),
        tx.projects().listByOrganization(organization).stream().map(p -> p + p.token()).collect(Collectors.joining()),
        String.valueOf(tx.grants().listByOrganization(organization)),
        String.valueOf(tx.resources().listByOrganization(organization)),
        String.valueOf(tx.resources().listRulesByOrganization(organization))));
    return new Snapshot(state, audit(organization).stream().map(AuditEntry::toString).toList());
  }

  /** Every audit entry of {@code organization}, newest first. */
  protected List<AuditEntry> audit(OrgId organization) {
    return store.inTransaction(tx -> tx.audit().query(AuditQuery.organization(organization), Optional.empty(), 1_000_000));
  }

  private static AuditEntry only(List<AuditEntry> entries, String action) {
    List<AuditEntry> matching = entries.stream().filter(e -> e.action().equals(action)).toList();
    assertThat(matching).hasSize(1);
    return matching.get(0);
  }
}
