package dev.warden.hardening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.common.testing.NullPointerTester;
import dev.warden.AccessPolicy;
import dev.warden.Decision;
import dev.warden.ErrorCode;
import dev.warden.Limits;
import dev.warden.NotFoundException;
import dev.warden.PageRequest;
import dev.warden.PermissionDeniedException;
import dev.warden.Principal;
import dev.warden.RuleViolationException;
import dev.warden.WardenException;
import dev.warden.apikey.ApiKey;
import dev.warden.apikey.ApiKeyId;
import dev.warden.apikey.ApiScope;
import dev.warden.apikey.ApiKeyRequest;
import dev.warden.audit.AuditCursor;
import dev.warden.audit.AuditEntry;
import dev.warden.audit.AuditQuery;
import dev.warden.bulk.OrganizationImport;
import dev.warden.invite.InviteId;
import dev.warden.invite.InviteRequest;
import dev.warden.invite.IssuedInvite;
import dev.warden.matrix.Capability;
import dev.warden.matrix.PermissionMatrix;
import dev.warden.organization.EmailAddress;
import dev.warden.organization.Membership;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.Organization;
import dev.warden.organization.OrganizationSettings;
import dev.warden.organization.UserId;
import dev.warden.project.Project;
import dev.warden.project.ProjectGrant;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import dev.warden.resource.AccessLevel;
import dev.warden.resource.ResourceRef;
import dev.warden.spi.AuditSink;
import dev.warden.spi.Notifier;
import dev.warden.spi.Store;
import dev.warden.testing.FakeClock;
import dev.warden.testing.OrgFixtures;
import java.io.StringWriter;
import java.io.Writer;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input table of issue 12's outside test campaign, run through the public API against every
 * store: each row must get the same answer everywhere (memory, H2, PostgreSQL), be a specific
 * exception (never a raw {@link DateTimeException} or {@link ArithmeticException}, never a store
 * error), and change nothing. Shipped in core's test-jar; each store's test extends it.
 */
public abstract class BadInputContract {
  /** On a microsecond, like every instant a store keeps. */
  protected static final Instant T = FakeClock.START;

  protected FakeClock clock;
  protected Store store;
  protected AccessPolicy policy;
  protected Principal alice;
  protected Principal bob;
  protected OrgId org;
  protected ProjectId defaultProject;

  private final List<AccessPolicy> policies = new java.util.ArrayList<>();

  /** A new, empty store; called before every test. */
  protected abstract Store newStore();

  /** Releases what {@link #newStore()} opened; called after every test, once its policies are closed. */
  protected void closeStore() throws Exception {}

  @AfterEach
  void tearDown() throws Exception {
    policies.forEach(AccessPolicy::close);
    policies.clear();
    closeStore();
  }

  @BeforeEach
  void setUpOrganization() {
    clock = FakeClock.at(T);
    store = newStore();
    policy = track(AccessPolicy.builder().store(store).clock(clock).build());
    alice = Principal.user(UserId.of("alice"), "alice@acme.com");
    bob = Principal.user(UserId.of("bob"), "bob@acme.com");
    org = policy.organizations().create(alice, "Acme").id();
    defaultProject = policy.visibleProjects(alice, org).get(0).project().id();
    OrgFixtures.join(policy, alice, org, bob, OrgLevel.MEMBER);
  }

  /** A second policy on the same store, which reads everything back from the store, not from a cache. */
  protected AccessPolicy reopened() {
    return track(AccessPolicy.builder().store(store).clock(clock).build());
  }

  private AccessPolicy track(AccessPolicy p) {
    policies.add(p);
    return p;
  }

  private List<AuditEntry> auditTrail() {
    return policy.audit().query(alice, AuditQuery.organization(org), PageRequest.first(PageRequest.MAX_SIZE)).items();
  }

  // ------------------------------------------------------------------ 1. one identity per string

  /** Lone surrogates (either half, or a pair in the wrong order) and NUL, in the middle of a value. */
  static Stream<String> malformed() {
    return Stream.of("s\uD800x", "s\uDC00x", "s\uDC00\uD800x", "s\uD800", "s\u0000x");
  }

  @ParameterizedTest
  @MethodSource("malformed")
  void ids_withMalformedText_areRefusedNamingTheArgument(String bad) {
    List<Function<String, ?>> ids = List.of(UserId::of, OrgId::of, ProjectId::of, InviteId::of, ApiKeyId::of,
        id -> ResourceRef.of(defaultProject, "insight", id));
    for (Function<String, ?> id : ids) {
      assertThatThrownBy(() -> id.apply(bad)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(" id ");
    }
    assertThatThrownBy(() -> Principal.user(bad)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("user id");
  }

  @ParameterizedTest
  @MethodSource("malformed")
  void emails_withMalformedText_areRefused_soNoTwoRecipientsMerge(String bad) {
    assertThatThrownBy(() -> InviteRequest.to(bad + "@acme.com")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("email");
    assertThatThrownBy(() -> bob.withEmail(bad + "@acme.com")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("email");
    IssuedInvite invite = policy.invites().create(alice, org, InviteRequest.to("s@acme.com"));
    Principal mallory = Principal.user("mallory");
    assertThatThrownBy(() -> policy.invites().accept(invite.token(), mallory, bad + "@acme.com"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("email");
    assertThat(policy.invites().listPending(alice, org)).extracting(i -> i.email().value()).containsExactly("s@acme.com");
  }

  @ParameterizedTest
  @MethodSource("malformed")
  void namesNotesAndLabels_withMalformedText_areRefused_andChangeNothing(String bad) {
    List<AuditEntry> before = auditTrail();
    assertThatThrownBy(() -> policy.organizations().create(alice, "Acme " + bad))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("organization name");
    assertThatThrownBy(() -> policy.organizations().rename(alice, org, "Acme " + bad))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("organization name");
    assertThatThrownBy(() -> policy.projects().create(alice, org, "Prod " + bad))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("project name");
    assertThatThrownBy(() -> policy.projects().rename(alice, defaultProject, "Prod " + bad))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("project name");
    assertThatThrownBy(() -> policy.members().setNote(alice, org, bob.userId(), "CTO " + bad))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("note");
    assertThatThrownBy(() -> policy.reports().recordReview(alice, org, "Q1 " + bad))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("note");
    assertThatThrownBy(() -> ApiKeyRequest.labeled("CI " + bad))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("label");
    assertThat(auditTrail()).isEqualTo(before);
    assertThat(reopened().organizations().get(alice, org).name()).isEqualTo("Acme");
    assertThat(reopened().members().get(alice, org, bob.userId()).note()).isEmpty();
  }

  @Test
  void wellFormedText_outsideTheBasicPlane_isKeptExactly_onEveryStore() {
    String name = "\u00c9quipe \ud83d\ude00 \u65e5\u672c";
    policy.organizations().rename(alice, org, name);
    policy.members().setNote(alice, org, bob.userId(), "CTO \ud83d\ude80 \u00e9");
    Principal emoji = Principal.user(UserId.of("u\ud83d\ude00"), "\u00e9mile\ud83d\ude00@acme.com");
    OrgFixtures.join(policy, alice, org, emoji, OrgLevel.MEMBER);
    AccessPolicy fresh = reopened();
    assertThat(fresh.organizations().get(alice, org).name()).isEqualTo(name);
    assertThat(fresh.members().get(alice, org, bob.userId()).note()).contains("CTO \ud83d\ude80 \u00e9");
    assertThat(fresh.members().get(alice, org, emoji.userId()).email())
        .contains(EmailAddress.of("\u00e9mile\ud83d\ude00@acme.com"));
    assertThat(fresh.check(emoji, Capability.VIEW_ORGANIZATION, org).allowed()).isTrue();
    assertThat(fresh.check(Principal.user("u?"), Capability.VIEW_ORGANIZATION, org).allowed()).isFalse();
  }

  // ------------------------------------------------------------------ 2. limits only the database knew

  @Test
  void email_longerThan320Characters_isRefusedByTheValueType_and320AreKept() {
    String domain = "@" + "d".repeat(60) + ".com"; // 65 characters
    String longest = "a".repeat(Limits.MAX_EMAIL_LENGTH - domain.length()) + domain;
    assertThatThrownBy(() -> InviteRequest.to("a" + longest)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("email").hasMessageContaining("320");
    policy.invites().create(alice, org, InviteRequest.to(longest));
    assertThat(reopened().invites().listPending(alice, org)).extracting(i -> i.email().value()).containsExactly(longest);
  }

  // ------------------------------------------------------------------ 3. extreme instants and durations

  static Stream<Instant> unsupportedInstants() {
    return Stream.of(Instant.MAX, Instant.parse("+294277-01-01T00:00:00Z"), Instant.parse("+10000-01-01T00:00:00Z"),
        Instant.MIN);
  }

  @ParameterizedTest
  @MethodSource("unsupportedInstants")
  void expiry_outsideTheSupportedRange_isRefusedNamingTheArgument_andChangesNothing(Instant expiry) {
    List<AuditEntry> before = auditTrail();
    assertThatThrownBy(() -> policy.grants().grant(alice, defaultProject, bob.userId(), ProjectRole.VIEWER, expiry))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expiresAt");
    assertThatThrownBy(() -> policy.members().setExpiry(alice, org, bob.userId(), expiry))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expiresAt");
    assertThat(auditTrail()).isEqualTo(before);
    assertThat(reopened().members().get(alice, org, bob.userId()).expiresAt()).isEmpty();
  }

  @Test
  void expiry_atTheLastSupportedInstant_isKeptExactly() {
    ProjectGrant grant = policy.grants().grant(alice, defaultProject, bob.userId(), ProjectRole.VIEWER, Limits.MAX_INSTANT);
    assertThat(grant.expiresAt()).contains(Instant.parse("9999-12-31T23:59:59.999999Z"));
    policy.members().setExpiry(alice, org, bob.userId(), Limits.MAX_INSTANT);
    AccessPolicy fresh = reopened();
    assertThat(fresh.grants().list(alice, defaultProject)).extracting(ProjectGrant::expiresAt)
        .containsExactly(Optional.of(Limits.MAX_INSTANT));
    assertThat(fresh.members().get(alice, org, bob.userId()).expiresAt()).contains(Limits.MAX_INSTANT);
  }

  @Test
  void auditQuery_betweenInstantMinAndMax_isClampedToTheSupportedRange() {
    List<AuditEntry> all = auditTrail();
    assertThat(all).isNotEmpty();
    AuditQuery everything = AuditQuery.organization(org).between(Instant.MIN, Instant.MAX);
    assertThat(everything.from()).contains(Limits.MIN_INSTANT);
    assertThat(everything.to()).contains(Limits.MAX_INSTANT);
    assertThat(policy.audit().query(alice, everything, PageRequest.first(PageRequest.MAX_SIZE)).items()).isEqualTo(all);
    assertThat(policy.audit().query(alice, AuditQuery.organization(org).between(Instant.MIN, T),
        PageRequest.first(10)).items()).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("unsupportedInstants")
  void auditCursor_outsideTheSupportedRange_isMalformed(Instant at) {
    PageRequest page = PageRequest.after(at + "|aud_x", 10);
    assertThatThrownBy(() -> policy.audit().query(alice, AuditQuery.organization(org), page))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cursor");
    assertThatThrownBy(() -> new AuditCursor(at, "aud_x")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at");
    assertThatThrownBy(() -> policy.visibleProjects(alice, org, page)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cursor");
  }

  @ParameterizedTest
  @MethodSource("unsupportedInstants")
  void authenticatedAt_outsideTheSupportedRange_isRefused(Instant at) {
    assertThatThrownBy(() -> alice.authenticatedAt(at)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("authenticatedAt");
  }

  @Test
  void recentAuthentication_withTheLongestWindowAndEarliestInstant_neitherOverflowsNorThrowsRaw() {
    OrganizationSettings settings = policy.organizations().get(alice, org).settings()
        .withRecentAuthentication(Duration.ofSeconds(Long.MAX_VALUE, 999_999_999));
    policy.organizations().updateSettings(alice, org, settings);
    Membership changed = policy.members().changeLevel(alice.authenticatedAt(Limits.MIN_INSTANT), org, bob.userId(),
        OrgLevel.ADMIN);
    assertThat(changed.level()).isEqualTo(OrgLevel.ADMIN);
    Throwable late = catchThrowable(() -> policy.members().changeLevel(alice.authenticatedAt(Limits.MAX_INSTANT), org,
        bob.userId(), OrgLevel.MEMBER));
    assertThat(late).as("an authentication time far in the future is not recent (defect 10), and no raw JDK exception")
        .isInstanceOf(PermissionDeniedException.class)
        .extracting(e -> ((WardenException) e).code()).isEqualTo(ErrorCode.REAUTHENTICATION_REQUIRED);
  }

  @Test
  void review_withTheLongestDurations_saturates() {
    policy.grants().grant(alice, defaultProject, bob.userId(), ProjectRole.VIEWER, T.plus(Duration.ofDays(365 * 3000L)));
    Duration forever = Duration.ofSeconds(Long.MAX_VALUE, 999_999_999);
    var review = policy.reports().review(alice, org, forever, forever);
    assertThat(review.expiringGrants()).extracting(ProjectGrant::user).containsExactly(bob.userId());
  }

  @Test
  void stalenessBoundAndInviteValidity_ofTheLongestDuration_saturate() {
    Duration forever = Duration.ofSeconds(Long.MAX_VALUE, 999_999_999);
    AccessPolicy patient = track(AccessPolicy.builder().store(store).clock(clock).stalenessBound(forever)
        .inviteValidity(forever).build());
    assertThat(patient.check(bob, Capability.VIEW_ORGANIZATION, org).allowed()).isTrue();
    IssuedInvite invite = patient.invites().create(alice, org, InviteRequest.to("carol@acme.com"));
    assertThat(invite.invite().expiresAt()).isEqualTo(Limits.MAX_INSTANT);
    Membership carol = patient.invites().accept(invite.token(), Principal.user("carol"), "carol@acme.com");
    assertThat(carol.level()).isEqualTo(OrgLevel.MEMBER);
  }

  // ------------------------------------------------------------------ 4. an expiry of "now" after truncation

  @Test
  void expiry_thatTruncatesToNow_isExpiryInPast_andTheNextMicrosecondIsKept() {
    for (Instant expiry : List.of(T.plusNanos(1), T.plusNanos(999))) {
      assertThatThrownBy(() -> policy.grants().grant(alice, defaultProject, bob.userId(), ProjectRole.VIEWER, expiry))
          .isInstanceOfSatisfying(RuleViolationException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.EXPIRY_IN_PAST));
      assertThatThrownBy(() -> policy.members().setExpiry(alice, org, bob.userId(), expiry))
          .isInstanceOfSatisfying(RuleViolationException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.EXPIRY_IN_PAST));
    }
    assertThat(reopened().grants().list(alice, defaultProject)).isEmpty();
    policy.grants().grant(alice, defaultProject, bob.userId(), ProjectRole.VIEWER, T.plusNanos(1_000));
    policy.members().setExpiry(alice, org, bob.userId(), T.plusNanos(1_999));
    AccessPolicy fresh = reopened();
    assertThat(fresh.grants().list(alice, defaultProject).get(0).expiresAt()).contains(T.plusNanos(1_000));
    assertThat(fresh.members().get(alice, org, bob.userId()).expiresAt()).contains(T.plusNanos(1_000));
  }

  // ------------------------------------------------------------------ 5. nulls

  @Test
  void nullNoteAndNullReviewNote_areRefused_andChangeNothing() {
    List<AuditEntry> before = auditTrail();
    policy.members().setNote(alice, org, bob.userId(), "CTO");
    List<AuditEntry> withNote = auditTrail();
    assertThat(withNote).hasSize(before.size() + 1);
    assertThatThrownBy(() -> policy.members().setNote(alice, org, bob.userId(), null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("note");
    assertThatThrownBy(() -> policy.reports().recordReview(alice, org, null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("note");
    assertThat(auditTrail()).isEqualTo(withNote);
    assertThat(reopened().members().get(alice, org, bob.userId()).note()).contains("CTO");
  }

  @Test
  void nullIds_areNullPointerExceptions_andBlankIdsIllegalArguments() {
    List<Function<String, ?>> ids = List.of(UserId::of, OrgId::of, ProjectId::of, InviteId::of, ApiKeyId::of,
        EmailAddress::of, id -> ResourceRef.of(defaultProject, "insight", id), id -> ResourceRef.of(defaultProject, id, "x"));
    for (Function<String, ?> id : ids) {
      assertThatThrownBy(() -> id.apply(null)).isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> id.apply(" ")).isInstanceOf(IllegalArgumentException.class);
    }
  }

  /** Every public method of the policy and of each facade throws NullPointerException for any null argument. */
  @Test
  void everyPublicMethodOfEveryFacade_refusesEachNullArgument() throws Exception {
    NullPointerTester tester = nullPointerTester();
    List<Object> facades = List.of(policy, policy.organizations(), policy.members(), policy.invites(), policy.projects(),
        policy.grants(), policy.resources(), policy.apiKeys(), policy.audit(), policy.reports(), AccessPolicy.builder());
    for (Object facade : facades) {
      tester.testAllPublicInstanceMethods(facade);
    }
    tester.testAllPublicStaticMethods(AccessPolicy.class);
    tester.testAllPublicStaticMethods(Principal.class);
    tester.testAllPublicInstanceMethods(alice);
    // The calls above changed nothing: every refusal came before any work.
    assertThat(reopened().members().list(alice, org)).extracting(m -> m.user().value()).containsExactly("alice", "bob");
  }

  private NullPointerTester nullPointerTester() {
    Organization acme = policy.organizations().get(alice, org);
    Project project = policy.projects().get(alice, defaultProject);
    return new NullPointerTester()
        .setDefault(Principal.class, bob)
        .setDefault(OrgId.class, org)
        .setDefault(UserId.class, alice.userId())
        .setDefault(ProjectId.class, project.id())
        .setDefault(String.class, "value")
        .setDefault(ResourceRef.class, ResourceRef.of(project.id(), "insight", "i1"))
        .setDefault(InviteId.class, InviteId.of("inv_none"))
        .setDefault(OrganizationImport.class, OrganizationImport.builder().build())
        .setDefault(ApiKeyId.class, ApiKeyId.of("key_none"))
        .setDefault(ApiKey.class, new ApiKey(ApiKeyId.of("key_none"), bob.userId(), "CI", Set.of(ApiScope.ALL), Set.of(),
            Set.of(), "abcd", T, Optional.empty(), Optional.empty()))
        .setDefault(InviteRequest.class, InviteRequest.to("dave@acme.com"))
        .setDefault(ApiKeyRequest.class, ApiKeyRequest.labeled("CI").scopes("query:read"))
        .setDefault(AuditQuery.class, AuditQuery.organization(org))
        .setDefault(PageRequest.class, PageRequest.first(10))
        .setDefault(OrganizationSettings.class, acme.settings())
        .setDefault(Writer.class, new StringWriter())
        .setDefault(Duration.class, Duration.ofDays(1))
        .setDefault(Instant.class, T.plus(Duration.ofDays(1)))
        .setDefault(Clock.class, clock)
        .setDefault(Store.class, store)
        .setDefault(PermissionMatrix.class, PermissionMatrix.posthog())
        .setDefault(Notifier.class, Notifier.NONE)
        .setDefault(AuditSink.class, AuditSink.NONE);
  }

  // ---------------------------------- 6, 10, 11: the campaign's other findings, on every store too

  /** Defect 6: registering over a resource the caller cannot see answers like a missing resource. */
  @Test
  void register_overAResourceHiddenFromTheCaller_answersLikeAMissingOne_andChangesNothing() {
    ResourceRef hidden = ResourceRef.of(defaultProject, "insight", "hid");
    policy.resources().register(alice, hidden);
    policy.resources().setMemberRule(alice, hidden, bob.userId(), AccessLevel.NONE);
    ResourceRef missing = ResourceRef.of(defaultProject, "insight", "never-registered");

    Throwable onHidden = catchThrowable(() -> policy.resources().register(bob, hidden));
    Throwable onMissing = catchThrowable(() -> policy.resources().get(bob, missing));

    assertThat(onHidden).isInstanceOf(NotFoundException.class).hasSameClassAs(onMissing)
        .hasMessage(onMissing.getMessage());
    assertThat(reopened().resources().get(alice, hidden).creator()).isEqualTo(alice.userId());
  }

  /** Defect 10: an authentication time far in the future is not a recent authentication. */
  @Test
  void recentAuthentication_inTheFarFuture_isNotRecent_andChangesNothing() {
    Principal fromTheFuture = alice.authenticatedAt(T.plus(Duration.ofDays(3650)));

    assertThatThrownBy(() -> policy.members().changeLevel(fromTheFuture, org, bob.userId(), OrgLevel.ADMIN))
        .isInstanceOf(PermissionDeniedException.class)
        .extracting(e -> ((WardenException) e).code()).isEqualTo(ErrorCode.REAUTHENTICATION_REQUIRED);
    assertThat(reopened().members().get(alice, org, bob.userId()).level()).isEqualTo(OrgLevel.MEMBER);
  }

  /** Defect 11: after offboarding, no key that existed before reaches the organization, even after a rejoin. */
  @Test
  void offboarding_leavesNoEarlierKeyReachingTheOrganization_evenAfterTheUserRejoins() {
    String unlimited = policy.apiKeys().create(bob, ApiKeyRequest.labeled("laptop").scopes("*")).value();
    policy.members().offboard(alice, org, bob.userId(), alice.userId());
    OrgFixtures.join(policy, alice, org, bob, OrgLevel.MEMBER);

    AccessPolicy fresh = reopened();
    Decision.Outcome outcome = fresh.apiKeys().authenticate(unlimited)
        .map(key -> fresh.check(key, Capability.VIEW_DATA, defaultProject).outcome())
        .orElse(Decision.Outcome.NOT_FOUND);
    assertThat(outcome).isEqualTo(Decision.Outcome.NOT_FOUND);
    assertThat(fresh.check(bob, Capability.VIEW_DATA, defaultProject).outcome()).isEqualTo(Decision.Outcome.ALLOW);
  }
}
