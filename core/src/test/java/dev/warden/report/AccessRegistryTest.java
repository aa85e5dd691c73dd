package dev.warden.report;

import static dev.warden.testing.WardenAssertions.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.warden.AccessPolicy;
import dev.warden.ErrorCode;
import dev.warden.NotFoundException;
import dev.warden.PageRequest;
import dev.warden.PermissionDeniedException;
import dev.warden.Principal;
import dev.warden.apikey.ApiKey;
import dev.warden.apikey.ApiKeyRequest;
import dev.warden.apikey.IssuedApiKey;
import dev.warden.audit.AuditEntry;
import dev.warden.audit.AuditQuery;
import dev.warden.audit.Change;
import dev.warden.invite.InviteRequest;
import dev.warden.invite.IssuedInvite;
import dev.warden.matrix.PermissionMatrix;
import dev.warden.organization.Membership;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.UserId;
import dev.warden.project.ProjectGrant;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import dev.warden.project.Visibility;
import dev.warden.testing.FakeClock;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * SPEC §6 access reports (issue 7): the access registry of the user-management guide [004] as data and
 * as Markdown (a golden file reproduces the guide's example exactly), and the access review with
 * recording a review.
 */
class AccessRegistryTest {
  private static final Duration DAY = Duration.ofDays(1);
  private static final Duration HOUR = Duration.ofHours(1);

  private FakeClock clock = FakeClock.create();
  private AccessPolicy policy;
  private OrgId org;
  private Principal owner;

  // ================================================================================== helpers

  private OrgId newOrg(PermissionMatrix matrix, Principal creator, String name) {
    policy = AccessPolicy.builder().matrix(matrix).clock(clock).build();
    owner = creator;
    org = policy.organizations().create(creator, name).id();
    return org;
  }

  private Principal user(String id, String email) {
    return Principal.user(UserId.of(id), email);
  }

  /** Invites {@code who} (with their email) at {@code level} with {@code grants}; they accept. */
  private Principal join(Principal who, OrgLevel level, Object... grants) {
    String email = who.email().orElseThrow().value();
    InviteRequest request = InviteRequest.to(email).level(level);
    for (int i = 0; i < grants.length; i += 2) {
      request = request.grant((ProjectId) grants[i], (ProjectRole) grants[i + 1]);
    }
    IssuedInvite invite = policy.invites().create(owner, org, request);
    policy.invites().accept(invite.token(), who, email);
    return who;
  }

  private void note(Principal who, String note) {
    policy.members().setNote(owner, org, who.userId(), note);
  }

  private ProjectId project(String name) {
    return policy.projects().create(owner, org, name).id();
  }

  private static String golden(String name) throws IOException {
    try (InputStream in = AccessRegistryTest.class.getResourceAsStream(name)) {
      assertThat(in).as("test resource %s", name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private List<String> lines() {
    return policy.reports().registry(owner, org).toMarkdown().lines().toList();
  }

  // ================================================================================ golden file

  /**
   * [004] "Maintain access documentation": the example registry, reproduced byte for byte from the
   * equivalent organization built through the public API. Two Owners need multiple ownership, hence
   * {@code leastPrivilege()}; the CEO and CMO are Members whose highest project role is Viewer; the
   * consultant's membership expires on 2024-06-01, so the clock stands before that date.
   */
  @Test
  void registry_guideExample_reproducedExactly() throws IOException {
    clock = FakeClock.at(Instant.parse("2024-03-04T09:00:00Z"));
    Principal jane = user("jane", "jane@example.com");
    newOrg(PermissionMatrix.leastPrivilege(), jane, "PostHog");
    ProjectId production = project("Production");
    ProjectId marketingSite = project("Marketing Site");
    Principal john = join(user("john", "john@example.com"), OrgLevel.OWNER);
    Principal alice = join(user("alice", "alice@example.com"), OrgLevel.ADMIN);
    Principal bob = join(user("bob", "bob@example.com"), OrgLevel.ADMIN);
    Principal charlie = join(user("charlie", "charlie@example.com"), OrgLevel.MEMBER, production, ProjectRole.MEMBER);
    Principal diana = join(user("diana", "diana@example.com"), OrgLevel.MEMBER, production, ProjectRole.MEMBER,
        marketingSite, ProjectRole.VIEWER);
    Principal evan = join(user("evan", "evan@example.com"), OrgLevel.MEMBER, production, ProjectRole.MEMBER);
    Principal ceo = join(user("ceo", "ceo@example.com"), OrgLevel.MEMBER, production, ProjectRole.VIEWER);
    Principal cmo = join(user("cmo", "cmo@example.com"), OrgLevel.MEMBER, production, ProjectRole.VIEWER,
        marketingSite, ProjectRole.VIEWER);
    Principal consultant = join(user("consultant", "consultant@agency.com"), OrgLevel.MEMBER,
        marketingSite, ProjectRole.VIEWER);
    policy.members().setExpiry(jane, org, consultant.userId(), Instant.parse("2024-06-01T00:00:00Z"));
    note(jane, "CTO");
    note(john, "VP Engineering");
    note(alice, "Engineering Manager");
    note(bob, "Product Lead");
    note(charlie, "Senior Engineer");
    note(diana, "Product Manager");
    note(evan, "Data Analyst");
    note(ceo, "CEO");
    note(cmo, "CMO");
    note(consultant, "Marketing Consultant");

    AccessRegistry registry = policy.reports().registry(jane, org);

    assertThat(registry.toMarkdown()).isEqualTo(golden("access-registry-golden.md"));
    assertThat(registry.organization()).isEqualTo("PostHog");
    assertThat(registry.owners()).extracting(RegistryEntry::user).containsExactly(jane.userId(), john.userId());
    assertThat(registry.viewers()).extracting(RegistryEntry::note)
        .containsExactly(Optional.of("CEO"), Optional.of("CMO"));
    assertThat(registry.external()).singleElement().satisfies(e -> {
      assertThat(e.email()).hasValueSatisfying(m -> assertThat(m.value()).isEqualTo("consultant@agency.com"));
      assertThat(e.expiresAt()).contains(Instant.parse("2024-06-01T00:00:00Z"));
    });
    // the same registry for another manager of members, and on every call
    assertThat(policy.reports().registry(alice, org)).isEqualTo(registry);
    assertThat(policy.reports().registry(jane, org).toMarkdown()).isEqualTo(registry.toMarkdown());
  }

  // ============================================================================ registry: format

  @Test
  void registry_onlyTheOwner_everySectionPrintedEvenWhenEmpty() {
    newOrg(PermissionMatrix.posthog(), user("alice", "alice@acme.com"), "Acme Corp");

    assertThat(policy.reports().registry(owner, org).toMarkdown()).isEqualTo("""
        # Acme Corp Access Registry
        ## Owners
        - alice@acme.com
        ## Admins
        ## Members
        ## Viewers
        ## External Access
        """);
  }

  @Test
  void registry_linesWithAndWithoutNotesAndExpiries() {
    newOrg(PermissionMatrix.posthog(), user("alice", "alice@acme.com"), "Acme Corp");
    Principal noted = join(user("bob", "bob@acme.com"), OrgLevel.MEMBER);
    note(noted, "Senior Engineer");
    join(user("carol", "carol@acme.com"), OrgLevel.MEMBER);
    Principal temp = join(user("dan", "dan@agency.com"), OrgLevel.MEMBER);
    policy.members().setExpiry(owner, org, temp.userId(), Instant.parse("2026-06-30T23:59:59Z"));
    Principal notedTemp = join(user("erin", "erin@agency.com"), OrgLevel.MEMBER);
    note(notedTemp, "Designer");
    policy.members().setExpiry(owner, org, notedTemp.userId(), Instant.parse("2026-07-01T00:00:00Z"));

    assertThat(lines()).containsExactly(
        "# Acme Corp Access Registry",
        "## Owners",
        "- alice@acme.com",
        "## Admins",
        "## Members",
        "- bob@acme.com (Senior Engineer)",
        "- carol@acme.com",
        "## Viewers",
        "## External Access",
        "- dan@agency.com (expires 2026-06-30)",
        "- erin@agency.com (Designer, expires 2026-07-01)");
  }

  @Test
  void registry_sectionsOrderedByEmail_notByJoinOrderOrUserId() {
    newOrg(PermissionMatrix.posthog(), user("u5", "mia@acme.com"), "Acme Corp");
    join(user("u1", "zoe@acme.com"), OrgLevel.ADMIN);
    join(user("u9", "adam@acme.com"), OrgLevel.ADMIN);
    join(user("u2", "yann@acme.com"), OrgLevel.MEMBER);
    join(user("u8", "bea@acme.com"), OrgLevel.MEMBER);
    join(user("u3", "carl@acme.com"), OrgLevel.MEMBER);

    AccessRegistry registry = policy.reports().registry(owner, org);

    assertThat(registry.admins()).extracting(RegistryEntry::name).containsExactly("adam@acme.com", "zoe@acme.com");
    assertThat(registry.members()).extracting(RegistryEntry::name)
        .containsExactly("bea@acme.com", "carl@acme.com", "yann@acme.com");
  }

  /** A membership a store kept from before creators needed an email has none: listed by user id. */
  @Test
  void registry_memberWithoutKnownEmail_listedByUserId() {
    dev.warden.memory.InMemoryStore store = dev.warden.memory.InMemoryStore.create();
    owner = Principal.user(UserId.of("founder"), "founder@acme.com");
    org = AccessPolicy.builder().store(store).clock(clock).build().organizations().create(owner, "Acme Corp").id();
    store.inTransaction(tx -> {
      tx.organizations().lock(org);
      tx.memberships().insert(new Membership(org, UserId.of("legacy"), java.util.Optional.empty(), OrgLevel.MEMBER,
          java.util.Optional.empty(), java.util.Optional.empty(), clock.instant(), java.util.Optional.empty()));
      return tx.organizations().bumpRevision(org);
    });
    policy = AccessPolicy.builder().store(store).clock(clock).build();

    assertThat(policy.reports().registry(owner, org).members()).singleElement().satisfies(e -> {
      assertThat(e.email()).isEmpty();
      assertThat(e.name()).isEqualTo("legacy");
    });
    assertThat(lines()).contains("- legacy");
  }

  @Test
  void registry_headerFollowsTheOrganizationsName() {
    newOrg(PermissionMatrix.posthog(), user("alice", "alice@acme.com"), "Acme Corp");
    policy.organizations().rename(owner, org, "Acme Inc");

    assertThat(lines().get(0)).isEqualTo("# Acme Inc Access Registry");
  }

  // ======================================================================= registry: sections

  @Test
  void registry_externalAccess_anyoneWithAnExpiry_whateverTheirLevel() {
    newOrg(PermissionMatrix.posthog(), user("alice", "alice@acme.com"), "Acme Corp");
    Principal admin = join(user("bob", "bob@agency.com"), OrgLevel.ADMIN);
    policy.members().setExpiry(owner, org, admin.userId(), clock.instant().plus(Duration.ofDays(30)));

    AccessRegistry registry = policy.reports().registry(owner, org);

    assertThat(registry.admins()).isEmpty();
    assertThat(registry.external()).extracting(RegistryEntry::user).containsExactly(admin.userId());
  }

  @Test
  void registry_expiredMembers_notListed_evenBeforeTheSweep() {
    newOrg(PermissionMatrix.posthog(), user("alice", "alice@acme.com"), "Acme Corp");
    Principal temp = join(user("bob", "bob@agency.com"), OrgLevel.MEMBER);
    policy.members().setExpiry(owner, org, temp.userId(), clock.instant().plus(HOUR));
    assertThat(policy.reports().registry(owner, org).external()).hasSize(1);

    clock.advance(HOUR);

    assertThat(policy.reports().registry(owner, org).external()).isEmpty();
    assertThat(lines()).doesNotContain("- bob@agency.com");
  }

  @Test
  void registry_viewers_areMembersWhoseHighestProjectRoleIsViewer() {
    newOrg(PermissionMatrix.leastPrivilege(), user("alice", "alice@acme.com"), "Acme Corp");
    ProjectId a = project("A");
    ProjectId b = project("B");
    join(user("v1", "viewer-only@acme.com"), OrgLevel.MEMBER, a, ProjectRole.VIEWER);
    join(user("v2", "viewer-twice@acme.com"), OrgLevel.MEMBER, a, ProjectRole.VIEWER, b, ProjectRole.VIEWER);
    join(user("m1", "viewer-and-member@acme.com"), OrgLevel.MEMBER, a, ProjectRole.VIEWER, b, ProjectRole.MEMBER);
    join(user("m2", "no-project@acme.com"), OrgLevel.MEMBER);
    Principal lapsed = join(user("v3", "lapsed-member@acme.com"), OrgLevel.MEMBER, a, ProjectRole.VIEWER);
    policy.grants().grant(owner, b, lapsed.userId(), ProjectRole.MEMBER, clock.instant().plus(HOUR));
    Principal adminWithViewerGrant = join(user("a1", "admin@acme.com"), OrgLevel.ADMIN);
    policy.grants().grant(owner, a, adminWithViewerGrant.userId(), ProjectRole.VIEWER);
    clock.advance(HOUR); // lapsed-member's Member grant on B has expired

    AccessRegistry registry = policy.reports().registry(owner, org);

    assertThat(registry.viewers()).extracting(RegistryEntry::name)
        .containsExactly("lapsed-member@acme.com", "viewer-only@acme.com", "viewer-twice@acme.com");
    assertThat(registry.members()).extracting(RegistryEntry::name)
        .containsExactly("no-project@acme.com", "viewer-and-member@acme.com");
    assertThat(registry.admins()).extracting(RegistryEntry::name).containsExactly("admin@acme.com");
  }

  @Test
  void registry_viewers_byTheDefaultRoleOfAnOpenProject() {
    newOrg(PermissionMatrix.posthog(), user("alice", "alice@acme.com"), "Acme Corp");
    ProjectId defaultProject = policy.visibleProjects(owner, org).get(0).project().id();
    join(user("bob", "bob@acme.com"), OrgLevel.MEMBER);
    assertThat(policy.reports().registry(owner, org).members()).hasSize(1);

    policy.projects().setDefaultRole(owner, defaultProject, ProjectRole.VIEWER);

    assertThat(policy.reports().registry(owner, org).viewers()).extracting(RegistryEntry::name)
        .containsExactly("bob@acme.com");
    policy.projects().setVisibility(owner, defaultProject, Visibility.PRIVATE);
    assertThat(policy.reports().registry(owner, org).members()).extracting(RegistryEntry::name)
        .containsExactly("bob@acme.com");
  }

  /**
   * Issue 14: the registry counts open projects by default role instead of deciding every member on
   * every project; a Viewer grant on each open project with default Member (and on nothing else) still
   * makes a Viewer, and an expired one gives the default back.
   */
  @Test
  void registry_viewerGrantOnEveryOpenProject_isAViewer_untilItExpires() {
    newOrg(PermissionMatrix.posthog(), user("alice", "alice@acme.com"), "Acme Corp");
    ProjectId defaultProject = policy.visibleProjects(owner, org).get(0).project().id();
    ProjectId second = project("Second");
    Principal bob = join(user("bob", "bob@acme.com"), OrgLevel.MEMBER, defaultProject, ProjectRole.VIEWER);
    policy.grants().grant(owner, second, bob.userId(), ProjectRole.VIEWER, clock.instant().plus(HOUR));
    Principal carol = join(user("carol", "carol@acme.com"), OrgLevel.MEMBER, defaultProject, ProjectRole.VIEWER);

    AccessRegistry registry = policy.reports().registry(owner, org);
    assertThat(registry.viewers()).extracting(RegistryEntry::user).containsExactly(bob.userId());
    assertThat(registry.members()).extracting(RegistryEntry::user).containsExactly(carol.userId());

    clock.advance(HOUR); // bob's grant on Second has expired: its default role, Member, applies again
    assertThat(policy.reports().registry(owner, org).members()).extracting(RegistryEntry::user)
        .containsExactly(bob.userId(), carol.userId());
  }

  @Test
  void registry_followsChanges_levelsNotesAndRemovals() {
    newOrg(PermissionMatrix.posthog(), user("alice", "alice@acme.com"), "Acme Corp");
    Principal bob = join(user("bob", "bob@acme.com"), OrgLevel.MEMBER);
    Principal carol = join(user("carol", "carol@acme.com"), OrgLevel.MEMBER);
    note(bob, "Engineer");

    policy.members().changeLevel(owner, org, bob.userId(), OrgLevel.ADMIN);
    note(bob, "Engineering Manager");
    policy.members().remove(owner, org, carol.userId());

    assertThat(lines()).containsExactly("# Acme Corp Access Registry", "## Owners", "- alice@acme.com", "## Admins",
        "- bob@acme.com (Engineering Manager)", "## Members", "## Viewers", "## External Access");
    note(bob, "");
    assertThat(lines()).contains("- bob@acme.com");
  }

  // ====================================================================== registry: permissions

  @Test
  void registry_needsManageMembers() {
    newOrg(PermissionMatrix.posthog(), user("alice", "alice@acme.com"), "Acme Corp");
    Principal admin = join(user("bob", "bob@acme.com"), OrgLevel.ADMIN);
    Principal member = join(user("carol", "carol@acme.com"), OrgLevel.MEMBER);
    Principal outsider = user("olga", "olga@elsewhere.com");

    assertThat(policy.reports().registry(admin, org).admins()).hasSize(1);
    assertRefused(() -> policy.reports().registry(member, org), PermissionDeniedException.class,
        ErrorCode.PERMISSION_DENIED);
    assertRefused(() -> policy.reports().registry(outsider, org), NotFoundException.class, ErrorCode.NOT_FOUND);
    assertRefused(() -> policy.reports().registry(admin, OrgId.of("org_missing")), NotFoundException.class,
        ErrorCode.NOT_FOUND);
    assertRefused(() -> policy.reports().review(member, org, DAY, DAY), PermissionDeniedException.class,
        ErrorCode.PERMISSION_DENIED);
    assertRefused(() -> policy.reports().review(outsider, org, DAY, DAY), NotFoundException.class, ErrorCode.NOT_FOUND);
  }

  // ================================================================================ access review

  @Test
  void review_expiredButNotSwept_membershipsAndGrants_goneAfterTheSweep() {
    newOrg(PermissionMatrix.posthog(), user("alice", "alice@acme.com"), "Acme Corp");
    ProjectId prod = project("Production");
    Principal carol = join(user("carol", "carol@acme.com"), OrgLevel.MEMBER);
    Principal dave = join(user("dave", "dave@acme.com"), OrgLevel.MEMBER);
    join(user("erin", "erin@acme.com"), OrgLevel.MEMBER);
    policy.members().setExpiry(owner, org, carol.userId(), clock.instant().plus(HOUR));
    policy.grants().grant(owner, prod, dave.userId(), ProjectRole.ADMIN, clock.instant().plus(Duration.ofHours(2)));
    clock.advance(Duration.ofHours(3));

    AccessReview review = policy.reports().review(owner, org, DAY, DAY);

    assertThat(review.at()).isEqualTo(clock.instant());
    assertThat(review.organization()).isEqualTo(org);
    assertThat(review.expiredMemberships()).extracting(Membership::user).containsExactly(carol.userId());
    assertThat(review.expiredGrants()).extracting(ProjectGrant::user, ProjectGrant::project)
        .containsExactly(tuple(dave.userId(), prod));
    assertThat(review.expiringMemberships()).isEmpty();
    assertThat(review.expiringGrants()).isEmpty();

    policy.sweepExpired();

    AccessReview after = policy.reports().review(owner, org, DAY, DAY);
    assertThat(after.expiredMemberships()).isEmpty();
    assertThat(after.expiredGrants()).isEmpty();
  }

  @Test
  void review_expiringWithinTheWindow() {
    newOrg(PermissionMatrix.posthog(), user("alice", "alice@acme.com"), "Acme Corp");
    ProjectId prod = project("Production");
    Principal soon = join(user("soon", "soon@agency.com"), OrgLevel.MEMBER);
    Principal later = join(user("later", "later@agency.com"), OrgLevel.MEMBER);
    Principal grantee = join(user("grantee", "grantee@acme.com"), OrgLevel.MEMBER);
    Principal other = join(user("other", "other@acme.com"), OrgLevel.MEMBER);
    policy.members().setExpiry(owner, org, soon.userId(), clock.instant().plus(Duration.ofDays(3)));
    policy.members().setExpiry(owner, org, later.userId(), clock.instant().plus(Duration.ofDays(10)));
    policy.grants().grant(owner, prod, grantee.userId(), ProjectRole.VIEWER, clock.instant().plus(Duration.ofDays(2)));
    policy.grants().grant(owner, prod, other.userId(), ProjectRole.VIEWER, clock.instant().plus(Duration.ofDays(8)));

    AccessReview week = policy.reports().review(owner, org, Duration.ofDays(7), DAY);
    AccessReview fortnight = policy.reports().review(owner, org, Duration.ofDays(14), DAY);

    assertThat(week.expiringMemberships()).extracting(Membership::user).containsExactly(soon.userId());
    assertThat(week.expiringGrants()).extracting(ProjectGrant::user).containsExactly(grantee.userId());
    assertThat(fortnight.expiringMemberships()).extracting(Membership::user)
        .containsExactly(later.userId(), soon.userId());
    assertThat(fortnight.expiringGrants()).extracting(ProjectGrant::user)
        .containsExactly(grantee.userId(), other.userId());
    assertThat(week.expiredMemberships()).isEmpty();

    clock.advance(Duration.ofDays(3)); // soon has expired: it moves from expiring to expired
    AccessReview then = policy.reports().review(owner, org, Duration.ofDays(8), DAY);
    assertThat(then.expiredMemberships()).extracting(Membership::user).containsExactly(soon.userId());
    assertThat(then.expiringMemberships()).extracting(Membership::user).containsExactly(later.userId());
    assertThat(then.expiredGrants()).extracting(ProjectGrant::user).containsExactly(grantee.userId());
    assertThat(then.expiringGrants()).extracting(ProjectGrant::user).containsExactly(other.userId());
  }

  @Test
  void review_listsInUserIdThenProjectOrder_asDocumented() {
    newOrg(PermissionMatrix.posthog(), user("alice", "alice@acme.com"), "Acme Corp");
    ProjectId first = project("First");
    ProjectId second = project("Second");
    Principal abe = join(user("abe", "abe@acme.com"), OrgLevel.MEMBER);
    Principal bea = join(user("bea", "bea@acme.com"), OrgLevel.MEMBER);
    Instant end = clock.instant().plus(DAY);
    policy.grants().grant(owner, second, bea.userId(), ProjectRole.VIEWER, end);
    policy.grants().grant(owner, first, bea.userId(), ProjectRole.VIEWER, end);
    policy.grants().grant(owner, second, abe.userId(), ProjectRole.VIEWER, end);
    policy.grants().grant(owner, first, abe.userId(), ProjectRole.VIEWER, end);

    AccessReview review = policy.reports().review(owner, org, Duration.ofDays(7), DAY);

    // AccessReview: "Lists are in user-id (then project) order"
    assertThat(review.expiringGrants()).extracting(ProjectGrant::user, ProjectGrant::project).containsExactly(
        tuple(abe.userId(), first), tuple(abe.userId(), second), tuple(bea.userId(), first), tuple(bea.userId(), second));
  }

  @Test
  void review_membersWithAccessToNoProject() {
    newOrg(PermissionMatrix.leastPrivilege(), user("alice", "alice@acme.com"), "Acme Corp");
    ProjectId prod = project("Production");
    Principal nowhere = join(user("nowhere", "nowhere@acme.com"), OrgLevel.MEMBER);
    join(user("granted", "granted@acme.com"), OrgLevel.MEMBER, prod, ProjectRole.VIEWER);
    join(user("admin", "admin@acme.com"), OrgLevel.ADMIN);
    Principal lapsing = join(user("lapsing", "lapsing@acme.com"), OrgLevel.MEMBER);
    policy.grants().grant(owner, prod, lapsing.userId(), ProjectRole.MEMBER, clock.instant().plus(HOUR));
    assertThat(policy.reports().review(owner, org, DAY, DAY).membersWithoutProjects()).extracting(Membership::user)
        .containsExactly(nowhere.userId());

    clock.advance(HOUR);

    assertThat(policy.reports().review(owner, org, DAY, DAY).membersWithoutProjects()).extracting(Membership::user)
        .containsExactly(lapsing.userId(), nowhere.userId());
  }

  @Test
  void review_apiKeysUnusedForTheWindow() {
    newOrg(PermissionMatrix.posthog(), user("alice", "alice@acme.com"), "Acme Corp");
    Principal carol = join(user("carol", "carol@acme.com"), OrgLevel.MEMBER);
    Principal dave = join(user("dave", "dave@acme.com"), OrgLevel.MEMBER);
    Principal erin = join(user("erin", "erin@acme.com"), OrgLevel.MEMBER);
    OrgId erinsOther = policy.organizations().create(erin, "Erin's side project").id();
    ApiKey idle = policy.apiKeys().create(carol, ApiKeyRequest.labeled("idle").scopes("query:read")).key();
    IssuedApiKey busy = policy.apiKeys().create(dave, ApiKeyRequest.labeled("busy").scopes("query:read"));
    policy.apiKeys().create(erin, ApiKeyRequest.labeled("elsewhere").scopes("query:read")
        .limitToOrganizations(erinsOther));
    ApiKey erinsHere = policy.apiKeys().create(erin, ApiKeyRequest.labeled("here").scopes("query:read")
        .limitToOrganizations(org)).key();
    clock.advance(Duration.ofDays(50));
    assertThat(policy.apiKeys().authenticate(busy.value())).isPresent(); // used 40 days after creation
    clock.advance(Duration.ofDays(10));

    AccessReview review = policy.reports().review(owner, org, DAY, Duration.ofDays(30));

    assertThat(review.unusedApiKeys()).extracting(ApiKey::id).containsExactly(idle.id(), erinsHere.id());
    assertThat(policy.reports().review(owner, org, DAY, Duration.ofDays(5)).unusedApiKeys())
        .extracting(ApiKey::id).containsExactly(idle.id(), busy.key().id(), erinsHere.id());
    assertThat(policy.reports().review(owner, org, DAY, Duration.ofDays(90)).unusedApiKeys()).isEmpty();

    policy.members().remove(owner, org, carol.userId());
    assertThat(policy.reports().review(owner, org, DAY, Duration.ofDays(30)).unusedApiKeys())
        .as("keys of former members are not this organization's business").extracting(ApiKey::id)
        .containsExactly(erinsHere.id());
  }

  @Test
  void review_ownerAndAdminCounts() {
    newOrg(PermissionMatrix.leastPrivilege(), user("alice", "alice@acme.com"), "Acme Corp");
    join(user("bob", "bob@acme.com"), OrgLevel.OWNER);
    join(user("carol", "carol@acme.com"), OrgLevel.ADMIN);
    join(user("dave", "dave@acme.com"), OrgLevel.ADMIN);
    Principal leaving = join(user("erin", "erin@acme.com"), OrgLevel.ADMIN);
    join(user("frank", "frank@acme.com"), OrgLevel.MEMBER);
    policy.members().setExpiry(owner, org, leaving.userId(), clock.instant().plus(HOUR));

    AccessReview before = policy.reports().review(owner, org, DAY, DAY);
    clock.advance(HOUR);
    AccessReview after = policy.reports().review(owner, org, DAY, DAY);

    assertThat(before.owners()).isEqualTo(2);
    assertThat(before.admins()).isEqualTo(3);
    assertThat(after.owners()).isEqualTo(2);
    assertThat(after.admins()).as("an expired Admin holds nothing").isEqualTo(2);
  }

  @Test
  void review_lastReview_emptyUntilRecorded_thenTheLatestRecording() {
    newOrg(PermissionMatrix.posthog(), user("alice", "alice@acme.com"), "Acme Corp");
    Principal admin = join(user("bob", "bob@acme.com"), OrgLevel.ADMIN);
    assertThat(policy.reports().review(owner, org, DAY, DAY).lastReview()).isEmpty();

    clock.advance(DAY);
    Instant first = clock.instant();
    policy.reports().recordReview(owner, org, "Q1 review: removed two leavers");
    assertThat(policy.reports().review(owner, org, DAY, DAY).lastReview()).contains(first);

    clock.advance(Duration.ofDays(90));
    Instant second = clock.instant();
    policy.reports().recordReview(admin, org, "");
    assertThat(policy.reports().review(owner, org, DAY, DAY).lastReview()).contains(second);
  }

  @Test
  void recordReview_isAuditedAsAccessReviewRecorded() {
    newOrg(PermissionMatrix.posthog(), user("alice", "alice@acme.com"), "Acme Corp");
    clock.advance(HOUR);

    policy.reports().recordReview(owner, org, "Quarterly review");

    List<AuditEntry> entries = policy.audit().query(owner, AuditQuery.organization(org).action("access_review.recorded"),
        PageRequest.first(10)).items();
    assertThat(entries).singleElement().satisfies(e -> {
      assertThat(e.actor().user()).contains("alice");
      assertThat(e.at()).isEqualTo(clock.instant());
      assertThat(e.organization()).contains(org);
      assertThat(e.changes()).containsExactly(Change.of("note", null, "Quarterly review"));
    });
  }

  @Test
  void recordReview_needsManageMembers_deniedAttemptRecordedAndNoReviewDate() {
    newOrg(PermissionMatrix.posthog(), user("alice", "alice@acme.com"), "Acme Corp");
    Principal member = join(user("carol", "carol@acme.com"), OrgLevel.MEMBER);

    assertRefused(() -> policy.reports().recordReview(member, org, "looks fine"), PermissionDeniedException.class,
        ErrorCode.PERMISSION_DENIED);
    assertRefused(() -> policy.reports().recordReview(user("olga", "olga@elsewhere.com"), org, "x"),
        NotFoundException.class, ErrorCode.NOT_FOUND);

    assertThat(policy.reports().review(owner, org, DAY, DAY).lastReview()).isEmpty();
    List<AuditEntry> denied = policy.audit().query(owner, AuditQuery.organization(org)
        .action("access_review.recorded.denied"), PageRequest.first(10)).items();
    assertThat(denied).singleElement().satisfies(e -> assertThat(e.actor().user()).contains("carol"));
  }

  @Test
  void review_negativeDurations_programmingError() {
    newOrg(PermissionMatrix.posthog(), user("alice", "alice@acme.com"), "Acme Corp");

    assertThatThrownBy(() -> policy.reports().review(owner, org, Duration.ofDays(-1), DAY))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> policy.reports().review(owner, org, DAY, Duration.ofDays(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> policy.reports().review(owner, org, null, DAY)).isInstanceOf(NullPointerException.class);
  }
}
