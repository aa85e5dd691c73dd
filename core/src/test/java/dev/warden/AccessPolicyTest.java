package dev.warden;

import static dev.warden.testing.OrgFixtures.join;
import static dev.warden.testing.OrgFixtures.project;
import static dev.warden.testing.WardenAssertions.assertRefused;
import static dev.warden.testing.WardenAssertions.thrown;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.warden.invite.InviteRequest;
import dev.warden.invite.IssuedInvite;
import dev.warden.matrix.Capability;
import dev.warden.matrix.PermissionMatrix;
import dev.warden.memory.InMemoryStore;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.UserId;
import dev.warden.project.Project;
import dev.warden.project.ProjectId;
import dev.warden.project.Visibility;
import dev.warden.report.AccessHolder;
import dev.warden.report.Explanation;
import dev.warden.spi.Store;
import dev.warden.spi.Transaction;
import dev.warden.testing.FakeClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link AccessPolicy}'s checks (SPEC §2.4, §11): decisions and their shared instances, {@code require},
 * programming errors, and failing closed when deciding fails.
 */
class AccessPolicyTest {
  private static final OrgId MISSING_ORG = OrgId.of("org_does_not_exist");
  private static final ProjectId MISSING_PROJECT = ProjectId.of("prj_does_not_exist");

  private final FakeClock clock = FakeClock.create();
  private final FlakyStore store = new FlakyStore(false);

  private final Principal alice = Principal.user(UserId.of("alice"), "alice@acme.com"); // Owner
  private final Principal bob = Principal.user(UserId.of("bob"), "bob@acme.com"); // Admin
  private final Principal carol = Principal.user(UserId.of("carol"), "carol@acme.com"); // Member
  private final Principal erin = Principal.user(UserId.of("erin"), "erin@acme.com"); // not a member

  private AccessPolicy policy;
  private OrgId org;
  private Project open;
  private Project secret;

  @BeforeEach
  void setUp() {
    policy = AccessPolicy.builder().store(store).clock(clock).build();
    org = policy.organizations().create(alice, "Acme Corp").id();
    join(policy, alice, org, bob, OrgLevel.ADMIN);
    join(policy, alice, org, carol, OrgLevel.MEMBER);
    open = policy.projects().create(alice, org, "Production");
    secret = project(policy, alice, org, "Secret", Visibility.PRIVATE);
  }

  // ================================================================================ check

  @Test
  void checkOrg_memberLevels_allowOrDenyByMatrix() {
    assertThat(policy.check(carol, Capability.VIEW_ORGANIZATION, org)).isSameAs(Decision.allow(Reason.ORG_LEVEL));
    assertThat(policy.check(carol, Capability.INVITE_MEMBERS, org)).isSameAs(Decision.allow(Reason.ORG_LEVEL));
    assertThat(policy.check(carol, Capability.CREATE_PROJECT, org)).isSameAs(Decision.deny(Reason.LEVEL_TOO_LOW));
    assertThat(policy.check(bob, Capability.CREATE_PROJECT, org)).isSameAs(Decision.allow(Reason.ORG_LEVEL));
    assertThat(policy.check(bob, Capability.DELETE_ORGANIZATION, org)).isSameAs(Decision.deny(Reason.LEVEL_TOO_LOW));
    assertThat(policy.check(alice, Capability.DELETE_ORGANIZATION, org)).isSameAs(Decision.allow(Reason.ORG_LEVEL));
    assertThat(policy.check(alice, Capability.LEAVE_ORGANIZATION, org)).isSameAs(Decision.deny(Reason.LEVEL_TOO_LOW));
  }

  @Test
  void checkOrg_nonMemberOrMissingOrganization_notFound() {
    assertThat(policy.check(erin, Capability.VIEW_ORGANIZATION, org)).isSameAs(Decision.notFound());
    assertThat(policy.check(alice, Capability.VIEW_ORGANIZATION, MISSING_ORG)).isSameAs(Decision.notFound());
  }

  @Test
  void checkProject_roles_allowDenyOrNotFound() {
    assertThat(policy.check(carol, Capability.CREATE_CONTENT, open.id())).isSameAs(Decision.allow(Reason.DEFAULT_ROLE));
    assertThat(policy.check(carol, Capability.MANAGE_PROJECT_SETTINGS, open.id())).isSameAs(Decision.deny(Reason.ROLE_TOO_LOW));
    assertThat(policy.check(carol, Capability.VIEW_DATA, secret.id())).isSameAs(Decision.notFound());
    assertThat(policy.check(bob, Capability.MANAGE_PROJECT_SETTINGS, secret.id())).isSameAs(Decision.allow(Reason.ORG_ADMIN));
    assertThat(policy.check(erin, Capability.VIEW_DATA, open.id())).isSameAs(Decision.notFound());
    assertThat(policy.check(alice, Capability.VIEW_DATA, MISSING_PROJECT)).isSameAs(Decision.notFound());
  }

  @Test
  void check_revocation_visibleToVeryNextCheck() {
    assertThat(policy.check(carol, Capability.VIEW_DATA, open.id()).allowed()).isTrue();

    policy.members().remove(alice, org, carol.userId());

    assertThat(policy.check(carol, Capability.VIEW_DATA, open.id())).isSameAs(Decision.notFound());
    assertThat(policy.check(carol, Capability.VIEW_ORGANIZATION, org)).isSameAs(Decision.notFound());
  }

  @Test
  void check_sameOutcome_sameDecisionInstance() {
    Decision first = policy.check(carol, Capability.VIEW_DATA, open.id());
    Decision second = policy.check(carol, Capability.CREATE_CONTENT, open.id());

    assertThat(first).isSameAs(second).isSameAs(Decision.allow(Reason.DEFAULT_ROLE));
    assertThat(policy.check(erin, Capability.VIEW_ORGANIZATION, org)).isSameAs(policy.check(carol, Capability.VIEW_DATA, secret.id()));
    assertThat(policy.check(carol, Capability.CREATE_PROJECT, org)).isSameAs(policy.check(carol, Capability.DELETE_PROJECT, org));
  }

  @ParameterizedTest
  @EnumSource(Reason.class)
  void decisionFactories_sameReason_sameInstance(Reason reason) {
    assertThat(Decision.allow(reason)).isSameAs(Decision.allow(reason));
    assertThat(Decision.deny(reason)).isSameAs(Decision.deny(reason));
    assertThat(Decision.allow(reason)).isNotSameAs(Decision.deny(reason)).isNotEqualTo(Decision.deny(reason));
    assertThat(Decision.allow(reason).outcome()).isEqualTo(Decision.Outcome.ALLOW);
    assertThat(Decision.deny(reason).outcome()).isEqualTo(Decision.Outcome.DENY);
    assertThat(Decision.allow(reason).reason()).isEqualTo(reason);
    assertThat(Decision.allow(reason).allowed()).isTrue();
    assertThat(Decision.deny(reason).allowed()).isFalse();
  }

  @Test
  void decisionNotFound_shared_notAllowedWithNotFoundReason() {
    assertThat(Decision.notFound()).isSameAs(Decision.notFound());
    assertThat(Decision.notFound().outcome()).isEqualTo(Decision.Outcome.NOT_FOUND);
    assertThat(Decision.notFound().reason()).isEqualTo(Reason.NOT_FOUND);
    assertThat(Decision.notFound().allowed()).isFalse();
    assertThat(Decision.notFound().toString()).isEqualTo("NOT_FOUND(NOT_FOUND)");
  }

  // ================================================================================ require

  @Test
  void require_allowed_returnsNormally() {
    policy.require(carol, Capability.VIEW_ORGANIZATION, org);
    policy.require(carol, Capability.CREATE_CONTENT, open.id());
    policy.require(bob, Capability.ROTATE_PROJECT_TOKEN, secret.id());
  }

  @Test
  void require_denied_permissionDenied() {
    assertRefused(() -> policy.require(carol, Capability.CREATE_PROJECT, org), PermissionDeniedException.class, ErrorCode.PERMISSION_DENIED);
    assertRefused(() -> policy.require(carol, Capability.ROTATE_PROJECT_TOKEN, open.id()),
        PermissionDeniedException.class, ErrorCode.PERMISSION_DENIED);
  }

  @Test
  void require_hiddenOrMissing_sameNotFoundExceptionAndMessage() {
    Throwable nonMemberOrg = thrown(() -> policy.require(erin, Capability.VIEW_ORGANIZATION, org));
    Throwable missingOrg = thrown(() -> policy.require(erin, Capability.VIEW_ORGANIZATION, MISSING_ORG));
    Throwable hiddenProject = thrown(() -> policy.require(carol, Capability.VIEW_DATA, secret.id()));
    Throwable missingProject = thrown(() -> policy.require(carol, Capability.VIEW_DATA, MISSING_PROJECT));

    assertThat(nonMemberOrg).isInstanceOf(NotFoundException.class);
    assertThat(((WardenException) nonMemberOrg).code()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(nonMemberOrg.getMessage()).isEqualTo(missingOrg.getMessage()).doesNotContain(org.value());
    assertThat(hiddenProject).isInstanceOf(NotFoundException.class);
    assertThat(((WardenException) hiddenProject).code()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(hiddenProject.getMessage()).isEqualTo(missingProject.getMessage()).doesNotContain(secret.id().value());
  }

  // ================================================================================ programming errors

  @Test
  void check_projectCapabilityAgainstOrg_illegalArgumentNamingBoth() {
    assertThatThrownBy(() -> policy.check(alice, Capability.VIEW_DATA, org))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("VIEW_DATA")
        .hasMessageContaining(org.value());
    assertThatThrownBy(() -> policy.require(alice, Capability.VIEW_DATA, org)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> policy.explain(alice, Capability.VIEW_DATA, org)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void check_orgCapabilityAgainstProject_illegalArgumentNamingBoth() {
    assertThatThrownBy(() -> policy.check(alice, Capability.CREATE_PROJECT, open.id()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("CREATE_PROJECT")
        .hasMessageContaining(open.id().value());
    assertThatThrownBy(() -> policy.require(alice, Capability.CREATE_PROJECT, open.id())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> policy.explain(alice, Capability.CREATE_PROJECT, open.id())).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void check_wrongScopeOnMissingTarget_stillIllegalArgument() {
    assertThatThrownBy(() -> policy.check(erin, Capability.VIEW_DATA, MISSING_ORG)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> policy.check(erin, Capability.VIEW_ORGANIZATION, MISSING_PROJECT)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void check_nullArguments_nullPointerNamingArgument() {
    assertThatThrownBy(() -> policy.check(null, Capability.VIEW_ORGANIZATION, org))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("principal");
    assertThatThrownBy(() -> policy.check(alice, null, org))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("capability");
    assertThatThrownBy(() -> policy.check(alice, Capability.VIEW_ORGANIZATION, (OrgId) null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("organization");
    assertThatThrownBy(() -> policy.check(alice, Capability.VIEW_DATA, (ProjectId) null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("project");
    assertThatThrownBy(() -> policy.require(null, Capability.VIEW_DATA, open.id())).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> policy.explain(alice, null, open.id())).isInstanceOf(NullPointerException.class);
  }

  @Test
  void ids_blank_illegalArgumentNamingArgument_null_nullPointerNamingArgument() {
    assertThatThrownBy(() -> OrgId.of(" ")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("organization id");
    assertThatThrownBy(() -> ProjectId.of("")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("project id");
    assertThatThrownBy(() -> UserId.of(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("user id");
  }

  @Test
  void builder_misuse_refused() {
    AccessPolicy.Builder b = AccessPolicy.builder();
    b.build();

    assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> AccessPolicy.builder().store(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> AccessPolicy.builder().clock(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> AccessPolicy.builder().inviteValidity(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void inMemory_defaults_posthogMatrix() {
    AccessPolicy defaults = AccessPolicy.inMemory();

    assertThat(defaults.matrix()).isSameAs(PermissionMatrix.posthog());
    OrgId acme = defaults.organizations().create(alice, "Acme").id();
    assertThat(defaults.check(alice, Capability.VIEW_ORGANIZATION, acme)).isSameAs(Decision.allow(Reason.ORG_LEVEL));
  }

  @Test
  void whoCan_orgCapability_holdersInUserIdOrder() {
    assertThat(policy.whoCan(Capability.CREATE_PROJECT, org)).extracting(AccessHolder::user, AccessHolder::level)
        .containsExactly(
            tuple(alice.userId(), OrgLevel.OWNER),
            tuple(bob.userId(), OrgLevel.ADMIN));
    assertThat(policy.whoCan(Capability.VIEW_ORGANIZATION, org)).extracting(AccessHolder::user)
        .containsExactly(alice.userId(), bob.userId(), carol.userId());
    assertThatThrownBy(() -> policy.whoCan(Capability.VIEW_DATA, org)).isInstanceOf(IllegalArgumentException.class);
  }

  // ================================================================================ fail closed

  @Test
  void check_storeThrowsUnexpectedly_denyInternalError() {
    store.failWith(new IllegalStateException("connection reset"));
    AccessPolicy cold = AccessPolicy.builder().store(store).clock(clock).build(); // nothing cached

    assertThat(cold.check(alice, Capability.VIEW_ORGANIZATION, org)).isSameAs(Decision.deny(Reason.INTERNAL_ERROR));
    assertThat(cold.check(alice, Capability.VIEW_DATA, open.id())).isSameAs(Decision.deny(Reason.INTERNAL_ERROR));
    assertThat(cold.check(erin, Capability.VIEW_DATA, MISSING_PROJECT)).isSameAs(Decision.deny(Reason.INTERNAL_ERROR));
  }

  @Test
  void check_storeUnavailable_denyStoreUnavailable() {
    store.failWith(new StorageException(ErrorCode.STORE_UNAVAILABLE, "database is down", null));
    AccessPolicy cold = AccessPolicy.builder().store(store).clock(clock).build();

    assertThat(cold.check(alice, Capability.VIEW_ORGANIZATION, org)).isSameAs(Decision.deny(Reason.STORE_UNAVAILABLE));
    assertThat(cold.check(alice, Capability.VIEW_DATA, open.id())).isSameAs(Decision.deny(Reason.STORE_UNAVAILABLE));
  }

  @Test
  void check_storageExceptionWithOtherCode_denyInternalError() {
    store.failWith(new StorageException(ErrorCode.CONCURRENT_MODIFICATION, "lost a race", null));
    AccessPolicy cold = AccessPolicy.builder().store(store).clock(clock).build();

    assertThat(cold.check(alice, Capability.VIEW_ORGANIZATION, org)).isSameAs(Decision.deny(Reason.INTERNAL_ERROR));
  }

  @Test
  void require_storeFails_storageExceptionWithCode() {
    store.failWith(new StorageException(ErrorCode.STORE_UNAVAILABLE, "database is down", null));
    AccessPolicy cold = AccessPolicy.builder().store(store).clock(clock).build();

    assertRefused(() -> cold.require(alice, Capability.VIEW_ORGANIZATION, org), StorageException.class, ErrorCode.STORE_UNAVAILABLE);
    store.failWith(new IllegalStateException("bug"));
    assertRefused(() -> cold.require(alice, Capability.VIEW_DATA, open.id()), StorageException.class, ErrorCode.INTERNAL_ERROR);
  }

  @Test
  void explain_storeFails_denyWithFailureStep() {
    store.failWith(new IllegalStateException("connection reset"));
    AccessPolicy cold = AccessPolicy.builder().store(store).clock(clock).build();

    Explanation e = cold.explain(alice, Capability.VIEW_ORGANIZATION, org);

    assertThat(e.decision()).isSameAs(Decision.deny(Reason.INTERNAL_ERROR));
    assertThat(String.join("\n", e.steps())).contains("failed").doesNotContain("connection reset");
  }

  @Test
  void checkConsistent_storeFailsAfterWarmUp_denyStoreUnavailable() {
    assertThat(policy.checkConsistent(carol, Capability.VIEW_DATA, open.id())).isSameAs(Decision.allow(Reason.DEFAULT_ROLE));

    store.failWith(new StorageException(ErrorCode.STORE_UNAVAILABLE, "database is down", null));

    assertThat(policy.checkConsistent(carol, Capability.VIEW_DATA, open.id())).isSameAs(Decision.deny(Reason.STORE_UNAVAILABLE));
    assertThat(policy.checkConsistent(carol, Capability.VIEW_ORGANIZATION, org)).isSameAs(Decision.deny(Reason.STORE_UNAVAILABLE));
    store.failWith(null);
    assertThat(policy.checkConsistent(carol, Capability.VIEW_ORGANIZATION, org)).isSameAs(Decision.allow(Reason.ORG_LEVEL));
  }

  @Test
  void check_sharedStoreUnreachablePastStalenessBound_failsClosed() throws InterruptedException {
    FlakyStore shared = new FlakyStore(true);
    try (AccessPolicy p = AccessPolicy.builder().store(shared).clock(clock).stalenessBound(Duration.ofMillis(100)).build()) {
      OrgId acme = p.organizations().create(alice, "Acme").id();
      assertThat(p.check(alice, Capability.VIEW_ORGANIZATION, acme)).isSameAs(Decision.allow(Reason.ORG_LEVEL));

      shared.failWith(new StorageException(ErrorCode.STORE_UNAVAILABLE, "database is down", null));
      Thread.sleep(250);

      assertThat(p.check(alice, Capability.VIEW_ORGANIZATION, acme)).isSameAs(Decision.deny(Reason.STORE_UNAVAILABLE));
      shared.failWith(null);
      assertThat(p.check(alice, Capability.VIEW_ORGANIZATION, acme)).isSameAs(Decision.allow(Reason.ORG_LEVEL));
    }
  }

  @Test
  void check_bugWhileDeciding_denyInternalError() {
    ExplodingClock exploding = new ExplodingClock(clock);
    AccessPolicy p = AccessPolicy.builder().clock(exploding).build();
    OrgId acme = p.organizations().create(alice, "Acme").id();
    IssuedInvite invite = p.invites().create(alice, acme, InviteRequest.to("carol@acme.com"));
    p.invites().accept(invite.token(), carol, "carol@acme.com");
    p.members().setExpiry(alice, acme, carol.userId(), clock.instant().plus(Duration.ofDays(1)));

    exploding.explode = true;

    // Judging an expiring membership reads the clock, which now throws: deny, never throw.
    assertThat(p.check(carol, Capability.VIEW_ORGANIZATION, acme)).isSameAs(Decision.deny(Reason.INTERNAL_ERROR));
  }

  // ================================================================================ test doubles

  /** An in-memory store that can be told to fail every transaction. */
  private static final class FlakyStore implements Store {
    private final InMemoryStore delegate = InMemoryStore.create();
    private final boolean shared;
    private volatile RuntimeException failure;

    FlakyStore(boolean shared) {
      this.shared = shared;
    }

    /** Every following transaction throws {@code e}; null heals the store. */
    void failWith(RuntimeException e) {
      this.failure = e;
    }

    @Override
    public <T> T inTransaction(Function<Transaction, T> work) {
      RuntimeException e = failure;
      if (e != null) {
        throw e;
      }
      return delegate.inTransaction(work);
    }

    @Override
    public boolean shared() {
      return shared;
    }
  }

  /** A clock that throws once told to, standing in for a bug hit while deciding. */
  private static final class ExplodingClock extends Clock {
    private final Clock delegate;
    private volatile boolean explode;

    ExplodingClock(Clock delegate) {
      this.delegate = delegate;
    }

    @Override
    public Instant instant() {
      if (explode) {
        throw new IllegalStateException("clock exploded");
      }
      return delegate.instant();
    }

    @Override
    public ZoneId getZone() {
      return delegate.getZone();
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }
}
