package dev.warden.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.warden.AccessPolicy;
import dev.warden.Decision;
import dev.warden.ErrorCode;
import dev.warden.Principal;
import dev.warden.Reason;
import dev.warden.StorageException;
import dev.warden.WardenException;
import dev.warden.invite.InviteRequest;
import dev.warden.invite.IssuedInvite;
import dev.warden.matrix.Capability;
import dev.warden.matrix.PermissionMatrix;
import dev.warden.organization.Membership;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.Organization;
import dev.warden.organization.UserId;
import dev.warden.project.Project;
import dev.warden.project.ProjectGrant;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import dev.warden.project.Visibility;
import dev.warden.spi.Transaction;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whole engine on real PostgreSQL: the spec's snippet, and the races the database has to settle
 * (SPEC §13): real threads, each on its own {@link AccessPolicy} and store (so its own connections), as
 * separate application instances would race. Every outcome must be a success or the rule's own error;
 * a {@link StorageException} (a deadlock or serialization failure that escaped the store's retries)
 * fails the test.
 */
class PolicyOnPostgresTest {
  private static final Principal ALICE = Principal.user(UserId.of("alice"), "alice@acme.com");
  private static final Principal BOB = Principal.user(UserId.of("bob"), "bob@acme.com");
  private static final Principal CAROL = Principal.user(UserId.of("carol"), "carol@acme.com");
  private static final Principal DAN = Principal.user(UserId.of("dan"), "dan@acme.com");

  private static final EmbeddedPostgresServer postgres = EmbeddedPostgresServer.shared();
  private final List<AccessPolicy> policies = new ArrayList<>();
  private final List<JdbcStore> stores = new ArrayList<>();
  private HikariDataSource dataSource;

  @BeforeEach
  void newDatabase() {
    dataSource = postgres.newDatabase();
  }

  @AfterEach
  void closeDatabase() {
    policies.forEach(AccessPolicy::close);
    stores.forEach(JdbcStore::close);
    dataSource.close();
  }

  /** A policy over its own store on the test database, as one application instance would have. */
  private AccessPolicy newPolicy() {
    return newPolicy(PermissionMatrix.posthog());
  }

  private AccessPolicy newPolicy(PermissionMatrix matrix) {
    JdbcStore store = JdbcStore.postgres(dataSource);
    stores.add(store);
    AccessPolicy policy = AccessPolicy.builder().store(store).matrix(matrix).build();
    policies.add(policy);
    return policy;
  }

  /** Reads the database directly, bypassing every policy's cache. */
  private <T> T read(Function<Transaction, T> work) {
    return stores.get(0).inTransaction(work);
  }

  @Test
  void specSnippet_onPostgres() {
    AccessPolicy policy = newPolicy();
    Organization acme = policy.organizations().create(ALICE, "Acme Corp");
    Project prod = policy.projects().create(ALICE, acme.id(), "Production");
    IssuedInvite invite = policy.invites().create(ALICE, acme.id(),
        InviteRequest.to("bob@acme.com").level(OrgLevel.MEMBER).grant(prod.id(), ProjectRole.VIEWER));
    policy.invites().accept(invite.token(), BOB, "bob@acme.com");

    assertThat(policy.check(BOB, Capability.VIEW_DATA, prod.id())).isEqualTo(Decision.allow(Reason.EXPLICIT_GRANT));
    assertThat(policy.check(BOB, Capability.CREATE_CONTENT, prod.id())).isEqualTo(Decision.deny(Reason.ROLE_TOO_LOW));

    policy.projects().setVisibility(ALICE, prod.id(), Visibility.PRIVATE);
    policy.grants().revoke(ALICE, prod.id(), BOB.userId());
    assertThat(policy.check(BOB, Capability.VIEW_DATA, prod.id())).isEqualTo(Decision.notFound());

    Project rotated = policy.projects().rotateToken(ALICE, prod.id());
    assertThat(rotated.token()).isNotEqualTo(prod.token());
    assertThat(policy.projects().resolveProjectToken(prod.token())).isEmpty();
    assertThat(policy.projects().resolveProjectToken(rotated.token())).map(Project::id).contains(prod.id());

    // A second instance on the same database starts from what the first one committed.
    AccessPolicy other = newPolicy();
    assertThat(other.check(BOB, Capability.VIEW_DATA, prod.id())).isEqualTo(Decision.notFound());
    assertThat(other.check(ALICE, Capability.VIEW_DATA, prod.id()).allowed()).isTrue();
    assertThat(other.projects().resolveProjectToken(rotated.token())).map(Project::id).contains(prod.id());
  }

  @Test
  void concurrentAccepts_ofOneInvite_exactlyOneWins() throws Exception {
    AccessPolicy setup = newPolicy();
    Organization acme = setup.organizations().create(ALICE, "Acme Corp");
    Project prod = setup.projects().create(ALICE, acme.id(), "Production");
    IssuedInvite invite = setup.invites().create(ALICE, acme.id(),
        InviteRequest.to("bob@acme.com").grant(prod.id(), ProjectRole.MEMBER));
    List<AccessPolicy> instances = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      instances.add(newPolicy());
    }

    ExecutorService pool = Executors.newFixedThreadPool(instances.size());
    List<Object> outcomes = new ArrayList<>();
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Object>> futures = new ArrayList<>();
      for (AccessPolicy instance : instances) {
        futures.add(pool.submit(() -> {
          start.await();
          try {
            return instance.invites().accept(invite.token(), BOB, "bob@acme.com");
          } catch (WardenException e) {
            return e.code();
          }
        }));
      }
      start.countDown();
      for (Future<Object> f : futures) {
        outcomes.add(f.get(60, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(outcomes).filteredOn(Membership.class::isInstance).hasSize(1);
    assertThat(outcomes).filteredOn(o -> !(o instanceof Membership))
        .hasSize(instances.size() - 1)
        .containsOnly(ErrorCode.INVITE_ALREADY_USED);
    AccessPolicy fresh = newPolicy();
    assertThat(fresh.members().list(ALICE, acme.id())).extracting(Membership::user)
        .containsExactly(ALICE.userId(), BOB.userId());
    assertThat(fresh.check(BOB, Capability.CREATE_CONTENT, prod.id())).isEqualTo(Decision.allow(Reason.EXPLICIT_GRANT));
  }

  @Test
  void concurrentOwnerDemotions_underMultipleOwnership_alwaysLeaveAnOwner() throws Exception {
    PermissionMatrix matrix = PermissionMatrix.leastPrivilege();
    Principal[] owners = {ALICE, BOB, CAROL, DAN};
    List<AccessPolicy> instances = new ArrayList<>();
    for (int i = 0; i < owners.length; i++) {
      instances.add(newPolicy(matrix));
    }
    AccessPolicy setup = instances.get(0);
    for (int round = 0; round < 6; round++) {
      // Even rounds: two Owners demote each other. Odd rounds: four Owners, each demoting the next.
      int n = round % 2 == 0 ? 2 : 4;
      OrgId org = setup.organizations().create(ALICE, "Acme " + round).id();
      for (int i = 1; i < n; i++) {
        join(setup, org, owners[i], OrgLevel.OWNER);
      }
      List<Callable<Object>> demotions = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        AccessPolicy instance = instances.get(i);
        Principal actor = owners[i];
        UserId target = owners[(i + 1) % n].userId();
        demotions.add(() -> instance.members().changeLevel(actor, org, target, OrgLevel.ADMIN));
      }

      List<Object> outcomes = race(demotions);

      long ownersLeft = read((Transaction t) -> t.memberships().listByOrganization(org)).stream()
          .filter(m -> m.level() == OrgLevel.OWNER).count();
      assertThat(ownersLeft).as("round %s: %s", round, outcomes).isGreaterThanOrEqualTo(1);
      // Targets are distinct, so every success demoted one Owner, and only those did.
      assertThat(outcomes.stream().filter(Membership.class::isInstance).count()).isEqualTo(n - ownersLeft);
      assertThat(outcomes).filteredOn(o -> !(o instanceof Membership))
          .allSatisfy(o -> assertThat(o).isIn(ErrorCode.LAST_OWNER, ErrorCode.LEVEL_ABOVE_OWN, ErrorCode.PERMISSION_DENIED));
      if (n == 2) {
        assertThat(ownersLeft).isEqualTo(1);
      }
    }
  }

  @Test
  void grantRacingMemberRemoval_neverLeavesAGrantForARemovedMember() throws Exception {
    AccessPolicy alices = newPolicy();
    AccessPolicy carols = newPolicy();
    OrgId org = alices.organizations().create(ALICE, "Acme").id();
    ProjectId prod = alices.projects().create(ALICE, org, "Production").id();
    alices.projects().setVisibility(ALICE, prod, Visibility.PRIVATE);
    join(alices, org, CAROL, OrgLevel.ADMIN);
    for (int round = 0; round < 8; round++) {
      join(alices, org, BOB, OrgLevel.MEMBER);

      List<Object> outcomes = race(List.of(
          () -> {
            alices.members().remove(ALICE, org, BOB.userId());
            return "removed";
          },
          () -> carols.grants().grant(CAROL, prod, BOB.userId(), ProjectRole.MEMBER)));

      assertThat(outcomes.get(0)).isEqualTo("removed");
      assertThat(outcomes.get(1)).satisfiesAnyOf(o -> assertThat(o).isInstanceOf(ProjectGrant.class),
          o -> assertThat(o).isEqualTo(ErrorCode.NOT_A_MEMBER));
      assertThat(read((Transaction t) -> t.memberships().find(org, BOB.userId()))).isEmpty();
      assertThat(read((Transaction t) -> t.grants().listByOrganization(org))).noneMatch(g -> g.user().equals(BOB.userId()));
      assertThat(carols.checkConsistent(BOB, Capability.VIEW_DATA, prod)).isEqualTo(Decision.notFound());
    }
  }

  @Test
  void grantRacingProjectDeletion_neverLeavesAGrantOnADeletedProject() throws Exception {
    AccessPolicy alices = newPolicy();
    AccessPolicy carols = newPolicy();
    OrgId org = alices.organizations().create(ALICE, "Acme").id();
    join(alices, org, CAROL, OrgLevel.ADMIN);
    join(alices, org, BOB, OrgLevel.MEMBER);
    for (int round = 0; round < 8; round++) {
      ProjectId project = alices.projects().create(ALICE, org, "Temporary " + round).id();
      carols.check(CAROL, Capability.MANAGE_PROJECT_ACCESS, project); // warm carol's snapshot

      List<Object> outcomes = race(List.of(
          () -> {
            alices.projects().delete(ALICE, project);
            return "deleted";
          },
          () -> carols.grants().grant(CAROL, project, BOB.userId(), ProjectRole.VIEWER)));

      assertThat(outcomes.get(0)).isEqualTo("deleted");
      assertThat(outcomes.get(1)).satisfiesAnyOf(o -> assertThat(o).isInstanceOf(ProjectGrant.class),
          o -> assertThat(o).isEqualTo(ErrorCode.NOT_FOUND));
      assertThat(read((Transaction t) -> t.projects().find(project))).isEmpty();
      assertThat(read((Transaction t) -> t.grants().find(project, BOB.userId()))).isEmpty();
      assertThat(read((Transaction t) -> t.grants().listByOrganization(org))).noneMatch(g -> g.project().equals(project));
      assertThat(carols.checkConsistent(BOB, Capability.VIEW_DATA, project)).isEqualTo(Decision.notFound());
    }
  }

  // ------------------------------------------------------------------------------- helpers

  /** Invites {@code who} at {@code level} and accepts, through {@code policy} as Alice. */
  private static void join(AccessPolicy policy, OrgId org, Principal who, OrgLevel level) {
    String email = who.userId().value() + "@acme.com";
    IssuedInvite invite = policy.invites().create(ALICE, org, InviteRequest.to(email).level(level));
    policy.invites().accept(invite.token(), who, email);
  }

  /**
   * Runs the calls on their own threads, released together; returns each result, or the error code of
   * the rule it broke. Any other failure, a {@link StorageException} included, fails the test.
   */
  private static List<Object> race(List<Callable<Object>> calls) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(calls.size());
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Object>> futures = new ArrayList<>();
      for (Callable<Object> call : calls) {
        futures.add(pool.submit(() -> {
          start.await();
          try {
            return call.call();
          } catch (StorageException e) {
            throw new AssertionError("a store failure reached the caller: " + e.code(), e);
          } catch (WardenException e) {
            return e.code();
          }
        }));
      }
      start.countDown();
      List<Object> outcomes = new ArrayList<>();
      for (Future<Object> f : futures) {
        outcomes.add(f.get(60, TimeUnit.SECONDS));
      }
      return outcomes;
    } finally {
      pool.shutdownNow();
    }
  }
}
