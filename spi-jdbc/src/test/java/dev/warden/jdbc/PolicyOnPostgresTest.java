package dev.warden.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.warden.AccessPolicy;
import dev.warden.Decision;
import dev.warden.ErrorCode;
import dev.warden.Principal;
import dev.warden.Reason;
import dev.warden.WardenException;
import dev.warden.invite.InviteRequest;
import dev.warden.invite.IssuedInvite;
import dev.warden.matrix.Capability;
import dev.warden.organization.Membership;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.Organization;
import dev.warden.organization.UserId;
import dev.warden.project.Project;
import dev.warden.project.ProjectRole;
import dev.warden.project.Visibility;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The whole engine on real PostgreSQL: the spec's snippet, and a race the database has to settle. */
class PolicyOnPostgresTest {
  private static final Principal ALICE = Principal.user(UserId.of("alice"), "alice@acme.com");
  private static final Principal BOB = Principal.user(UserId.of("bob"), "bob@acme.com");

  private static EmbeddedPostgresServer postgres;
  private final List<AccessPolicy> policies = new ArrayList<>();
  private HikariDataSource dataSource;

  @BeforeAll
  static void startServer() {
    postgres = EmbeddedPostgresServer.start();
  }

  @AfterAll
  static void stopServer() throws Exception {
    postgres.close();
  }

  @BeforeEach
  void newDatabase() {
    dataSource = postgres.newDatabase();
  }

  @AfterEach
  void closeDatabase() {
    policies.forEach(AccessPolicy::close);
    dataSource.close();
  }

  /** A policy over its own store on the test database, as one application instance would have. */
  private AccessPolicy newPolicy() {
    AccessPolicy policy = AccessPolicy.builder().store(JdbcStore.postgres(dataSource)).build();
    policies.add(policy);
    return policy;
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
}
