package dev.warden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.apikey.ApiKeyRequest;
import dev.warden.apikey.IssuedApiKey;
import dev.warden.internal.StateCache;
import dev.warden.invite.InviteRequest;
import dev.warden.invite.IssuedInvite;
import dev.warden.matrix.Capability;
import dev.warden.memory.InMemoryStore;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.OrganizationSettings;
import dev.warden.organization.UserId;
import dev.warden.project.Project;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import dev.warden.project.Visibility;
import dev.warden.testing.Allocations;
import dev.warden.testing.FakeClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ProjectAccess}: every answer equals {@link AccessPolicy#check(Principal, Capability, ProjectId)}'s
 * at the same moment, however the organization changed since the access last resolved it; a warm check
 * reuses its resolution and allocates nothing. The stateful membership properties compare long-lived
 * accesses with checks after every random step, on memory and PostgreSQL.
 */
class ProjectAccessTest {
  private static final List<Capability> CAPABILITIES =
      List.of(Capability.VIEW_DATA, Capability.CREATE_CONTENT, Capability.MANAGE_PROJECT_SETTINGS);

  private final Principal alice = Principal.user(UserId.of("alice"), "alice@acme.com");
  private final Principal bob = Principal.user(UserId.of("bob"), "bob@acme.com");
  private final FakeClock clock = FakeClock.create();
  private AccessPolicy policy;
  private OrgId acme;
  private ProjectId prod;

  /** Acme, with bob a Member holding Viewer on the private project Production. */
  @BeforeEach
  void setUp() {
    policy = AccessPolicy.builder().store(InMemoryStore.create()).clock(clock).build();
    acme = policy.organizations().create(alice, "Acme Corp").id();
    prod = policy.projects().create(alice, acme, "Production").id();
    policy.projects().setVisibility(alice, prod, Visibility.PRIVATE);
    IssuedInvite invite = policy.invites().create(alice, acme,
        InviteRequest.to("bob@acme.com").level(OrgLevel.MEMBER).grant(prod, ProjectRole.VIEWER));
    policy.invites().accept(invite.token(), bob, "bob@acme.com");
  }

  /** Checks every capability through {@code access} and plainly; asserts they agree; returns VIEW_DATA's. */
  private Decision agreed(ProjectAccess access) {
    for (Capability c : CAPABILITIES) {
      assertThat(access.check(c)).as("%s %s", access, c)
          .isSameAs(policy.check(access.principal(), c, access.project()));
    }
    return access.check(Capability.VIEW_DATA);
  }

  @Test
  void answersAsCheckDoes_forMembersNonMembersHiddenAndMissing() {
    Project open = policy.projects().create(alice, acme, "Open");
    Project secret = policy.projects().create(alice, acme, "Secret");
    policy.projects().setVisibility(alice, secret.id(), Visibility.PRIVATE);
    Principal mallory = Principal.user("mallory");

    assertThat(agreed(policy.access(bob, prod))).isEqualTo(Decision.allow(Reason.EXPLICIT_GRANT));
    assertThat(policy.access(bob, prod).check(Capability.CREATE_CONTENT)).isEqualTo(Decision.deny(Reason.ROLE_TOO_LOW));
    assertThat(agreed(policy.access(bob, open.id()))).isEqualTo(Decision.allow(Reason.DEFAULT_ROLE));
    assertThat(agreed(policy.access(alice, secret.id()))).isEqualTo(Decision.allow(Reason.ORG_ADMIN));
    assertThat(agreed(policy.access(bob, secret.id()))).isEqualTo(Decision.notFound());
    assertThat(agreed(policy.access(bob, ProjectId.of("prj_missing")))).isEqualTo(Decision.notFound());
    assertThat(agreed(policy.access(mallory, prod))).isEqualTo(Decision.notFound());
  }

  @Test
  void followsEveryChange_publishedAfterItsFirstCheck() {
    ProjectAccess access = policy.access(bob, prod);
    assertThat(agreed(access)).isEqualTo(Decision.allow(Reason.EXPLICIT_GRANT));

    policy.grants().revoke(alice, prod, bob.userId());
    assertThat(agreed(access)).isEqualTo(Decision.notFound());

    policy.projects().setVisibility(alice, prod, Visibility.OPEN);
    assertThat(agreed(access)).isEqualTo(Decision.allow(Reason.DEFAULT_ROLE));

    policy.members().changeLevel(alice, acme, bob.userId(), OrgLevel.ADMIN);
    assertThat(agreed(access)).isEqualTo(Decision.allow(Reason.ORG_ADMIN));

    policy.organizations().updateSettings(alice, acme, s -> s.withRequire2fa(true));
    assertThat(agreed(access)).isEqualTo(Decision.deny(Reason.MFA_REQUIRED));

    policy.members().remove(alice.withMfa(true), acme, bob.userId());
    assertThat(agreed(access)).isEqualTo(Decision.notFound());
  }

  @Test
  void deletedProjectAndOrganization_areNotFound() {
    ProjectAccess onProd = policy.access(bob, prod);
    ProjectAccess ownerOnProd = policy.access(alice, prod);
    Project staging = policy.projects().create(alice, acme, "Staging");
    ProjectAccess onStaging = policy.access(alice, staging.id());
    assertThat(agreed(onProd).allowed()).isTrue();
    assertThat(agreed(onStaging).allowed()).isTrue();

    policy.projects().delete(alice, prod);
    assertThat(agreed(onProd)).isEqualTo(Decision.notFound());
    assertThat(agreed(ownerOnProd)).isEqualTo(Decision.notFound());
    assertThat(agreed(onStaging).allowed()).isTrue();

    policy.organizations().delete(alice, acme);
    assertThat(agreed(onStaging)).isEqualTo(Decision.notFound());
    assertThat(resolved(onStaging)).as("nothing kept for a project that is gone").isNull();
  }

  @Test
  void expiries_areJudgedOnEveryCheck_withoutANewSnapshot() {
    policy.grants().grant(alice, prod, bob.userId(), ProjectRole.MEMBER, clock.instant().plus(Duration.ofHours(1)));
    ProjectAccess access = policy.access(bob, prod);
    assertThat(access.check(Capability.CREATE_CONTENT)).isEqualTo(Decision.allow(Reason.EXPLICIT_GRANT));
    StateCache.Resolved before = resolved(access);

    clock.advance(Duration.ofHours(2));
    assertThat(agreed(access)).isEqualTo(Decision.notFound()); // the grant replaced bob's Viewer grant
    assertThat(resolved(access)).as("the same snapshot, still in use").isSameAs(before);

    policy.grants().grant(alice, prod, bob.userId(), ProjectRole.VIEWER);
    policy.members().setExpiry(alice, acme, bob.userId(), clock.instant().plus(Duration.ofMinutes(5)));
    assertThat(agreed(access)).isEqualTo(Decision.allow(Reason.EXPLICIT_GRANT));
    clock.advance(Duration.ofMinutes(6));
    assertThat(agreed(access)).isEqualTo(Decision.notFound());
  }

  @Test
  void apiKeyPrincipal_revokedKeyStopsAtOnce() {
    IssuedApiKey issued = policy.apiKeys().create(bob, ApiKeyRequest.labeled("ci").scopes("query:read"));
    Principal key = policy.apiKeys().authenticate(issued.value()).orElseThrow();
    ProjectAccess access = policy.access(key, prod);
    assertThat(agreed(access)).isEqualTo(Decision.allow(Reason.EXPLICIT_GRANT));
    assertThat(access.check(Capability.CREATE_CONTENT)).isEqualTo(policy.check(key, Capability.CREATE_CONTENT, prod));

    policy.apiKeys().revoke(bob, issued.key().id());
    assertThat(agreed(access)).isEqualTo(Decision.notFound());
  }

  @Test
  void reusesItsResolution_untilTheSnapshotChanges() {
    ProjectAccess access = policy.access(bob, prod);
    assertThat(resolved(access)).as("making one resolves nothing").isNull();
    access.check(Capability.VIEW_DATA);
    StateCache.Resolved first = resolved(access);
    access.check(Capability.CREATE_CONTENT);
    assertThat(resolved(access)).isSameAs(first);

    policy.projects().rename(alice, prod, "Prod");
    access.check(Capability.VIEW_DATA);
    assertThat(resolved(access)).isNotSameAs(first);
    assertThat(resolved(access).project().project().name()).isEqualTo("Prod");
  }

  @Test
  void require_throwsAsThePlainRequireDoes() {
    Project secret = policy.projects().create(alice, acme, "Secret");
    policy.projects().setVisibility(alice, secret.id(), Visibility.PRIVATE);

    policy.access(bob, prod).require(Capability.VIEW_DATA);
    assertThatThrownBy(() -> policy.access(bob, prod).require(Capability.CREATE_CONTENT))
        .isInstanceOf(PermissionDeniedException.class)
        .hasMessage(messageOf(() -> policy.require(bob, Capability.CREATE_CONTENT, prod)));
    assertThatThrownBy(() -> policy.access(bob, secret.id()).require(Capability.VIEW_DATA))
        .isInstanceOf(NotFoundException.class)
        .hasMessage(messageOf(() -> policy.require(bob, Capability.VIEW_DATA, ProjectId.of("prj_missing"))));
  }

  private static StateCache.Resolved resolved(ProjectAccess access) {
    return ((AccessPolicy.PairAccess) access).resolved();
  }

  private static String messageOf(Runnable refused) {
    try {
      refused.run();
    } catch (WardenException e) {
      return e.getMessage();
    }
    throw new AssertionError("expected a refusal");
  }

  @Test
  void programmingErrors_throw() {
    ProjectAccess access = policy.access(bob, prod);
    assertThatThrownBy(() -> access.check(Capability.VIEW_ORGANIZATION)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> access.check(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> policy.access(null, prod)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> policy.access(bob, null)).isInstanceOf(NullPointerException.class);
  }

  /** Measured with the JVM's per-thread allocation counter after warm-up, like the plain check's test. */
  @Test
  void warmChecks_allocateNothing() {
    ProjectAccess access = policy.access(bob, prod);
    ProjectAccess missing = policy.access(bob, ProjectId.of("prj_missing"));

    long allocated = Allocations.ofWarm(() -> {
      for (int i = 0; i < 20_000; i++) {
        access.check(Capability.VIEW_DATA);
        access.check(Capability.CREATE_CONTENT);
        missing.check(Capability.VIEW_DATA);
      }
    });

    assertThat(allocated).as("bytes allocated by 60,000 warm checks").isZero();
  }
}
