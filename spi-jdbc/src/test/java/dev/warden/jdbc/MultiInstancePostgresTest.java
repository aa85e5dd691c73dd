package dev.warden.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.warden.AccessPolicy;
import dev.warden.Decision;
import dev.warden.ErrorCode;
import dev.warden.NotFoundException;
import dev.warden.Principal;
import dev.warden.ProjectAccess;
import dev.warden.Reason;
import dev.warden.StorageException;
import dev.warden.audit.AuditQuery;
import dev.warden.invite.InviteRequest;
import dev.warden.invite.IssuedInvite;
import dev.warden.matrix.Capability;
import dev.warden.organization.EmailAddress;
import dev.warden.organization.Membership;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.UserId;
import dev.warden.project.Project;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import dev.warden.project.Visibility;
import dev.warden.spi.Transaction;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several application instances on one PostgreSQL database (SPEC §13, §14): each instance is its own
 * {@link JdbcStore} and {@link AccessPolicy}, as separate processes would have. A change made through
 * one is seen by the others within the staleness bound (by polling), much sooner with
 * {@code LISTEN/NOTIFY}, and at once by a consistent check. With the database stopped, checks fail
 * closed once their snapshot is older than the bound, mutations fail, and nothing is lost or half
 * written. The measured delays are logged ({@code cross-instance delay …}).
 */
class MultiInstancePostgresTest {
  private static final Logger LOG = LoggerFactory.getLogger(MultiInstancePostgresTest.class);
  private static final Principal ALICE = Principal.user(UserId.of("alice"), "alice@acme.com");
  private static final Principal BOB = Principal.user(UserId.of("bob"), "bob@acme.com");

  /** The bound the polling tests configure, and what they allow on top of it. */
  private static final Duration BOUND = Duration.ofMillis(500);
  private static final Duration WITHIN = Duration.ofSeconds(2);

  /** A bound so long that only a notification can explain a change seen within {@link #WITHIN}. */
  private static final Duration LONG_BOUND = Duration.ofSeconds(60);

  private static EmbeddedPostgresServer postgres;
  private final List<AutoCloseable> instances = new ArrayList<>();
  private HikariDataSource dataSource;

  @BeforeAll
  static void startServer() {
    postgres = EmbeddedPostgresServer.startRestartable();
  }

  @AfterAll
  static void stopServer() throws IOException {
    postgres.close();
  }

  @BeforeEach
  void newDatabase() {
    // A short connection timeout, so that checks against a stopped server fail in half a second, not ten.
    dataSource = postgres.newDatabase(500);
  }

  @AfterEach
  void closeEverything() throws Exception {
    for (int i = instances.size() - 1; i >= 0; i--) {
      instances.get(i).close();
    }
    dataSource.close();
  }

  /** One application instance: its own store (and listener) and policy on the shared database. */
  private record Instance(JdbcStore store, AccessPolicy policy) {}

  private Instance instance(ChangeFeed feed, Duration bound) {
    JdbcStore store = JdbcStore.postgres(dataSource, feed);
    instances.add(store);
    AccessPolicy policy = AccessPolicy.builder().store(store).stalenessBound(bound).build();
    instances.add(policy);
    return new Instance(store, policy);
  }

  /** Acme with a private project on which Bob, a Member, holds an explicit Viewer grant. */
  private record Acme(OrgId org, ProjectId prod) {}

  private static Acme acme(AccessPolicy policy) {
    OrgId org = policy.organizations().create(ALICE, "Acme").id();
    Project prod = policy.projects().create(ALICE, org, "Production");
    policy.projects().setVisibility(ALICE, prod.id(), Visibility.PRIVATE);
    IssuedInvite invite = policy.invites().create(ALICE, org,
        InviteRequest.to("bob@acme.com").grant(prod.id(), ProjectRole.VIEWER));
    policy.invites().accept(invite.token(), BOB, "bob@acme.com");
    return new Acme(org, prod.id());
  }

  @Test
  void revocationThroughOne_isDeniedByTheOther_withinTheBound_byPollingAlone() {
    Instance a = instance(ChangeFeed.POLLING, BOUND);
    Instance b = instance(ChangeFeed.POLLING, BOUND);
    Acme acme = acme(a.policy());
    // A new project is known to b within the bound (its index of ids may predate it).
    assertThat(awaitDecision(b.policy(), BOB, Capability.VIEW_DATA, acme.prod(),
        d -> d.equals(Decision.allow(Reason.EXPLICIT_GRANT)))).isLessThanOrEqualTo(WITHIN.toMillis());

    List<Long> delays = revokeAndRegrant(a, b, acme, 5);

    assertThat(delays).allSatisfy(d -> assertThat(d).isLessThanOrEqualTo(WITHIN.toMillis()));
    log("polling only, bound " + BOUND.toMillis() + " ms", delays);
  }

  @Test
  void revocationThroughOne_isDeniedByTheOther_withinMilliseconds_withListenNotify() {
    Instance a = instance(ChangeFeed.LISTEN_NOTIFY, LONG_BOUND);
    Instance b = instance(ChangeFeed.LISTEN_NOTIFY, LONG_BOUND);
    await("instance b listens", b.store()::listening);
    Acme acme = acme(a.policy());
    assertThat(b.policy().check(BOB, Capability.VIEW_DATA, acme.prod())).isEqualTo(Decision.allow(Reason.EXPLICIT_GRANT));

    List<Long> delays = revokeAndRegrant(a, b, acme, 10);

    // Far inside the 60 s bound: only the notification can have told instance b.
    assertThat(delays).allSatisfy(d -> assertThat(d).isLessThanOrEqualTo(WITHIN.toMillis()));
    log("LISTEN/NOTIFY, bound " + LONG_BOUND.toSeconds() + " s", delays);
  }

  @Test
  void memberRemovalThroughOne_hidesEverythingFromTheRemovedMemberOnTheOther_withinTheBound() {
    Instance a = instance(ChangeFeed.POLLING, BOUND);
    Instance b = instance(ChangeFeed.POLLING, BOUND);
    Acme acme = acme(a.policy());
    assertThat(awaitDecision(b.policy(), BOB, Capability.VIEW_DATA, acme.prod(), Decision::allowed))
        .isLessThanOrEqualTo(WITHIN.toMillis());
    assertThat(b.policy().check(BOB, Capability.VIEW_ORGANIZATION, acme.org()).allowed()).isTrue();

    a.policy().members().remove(ALICE, acme.org(), BOB.userId());
    long removed = System.nanoTime();

    long delay = awaitDecision(b.policy(), BOB, Capability.VIEW_DATA, acme.prod(), d -> d.equals(Decision.notFound()));
    assertThat(delay).isLessThanOrEqualTo(WITHIN.toMillis());
    assertThat(b.policy().check(BOB, Capability.VIEW_ORGANIZATION, acme.org())).isEqualTo(Decision.notFound());
    assertThatThrownBy(() -> b.policy().visibleProjects(BOB.userId(), acme.org())).isInstanceOf(NotFoundException.class);
    log("member removal, polling only, bound " + BOUND.toMillis() + " ms",
        List.of(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - removed)));
  }

  @Test
  void projectAccessHeldOnOne_followsRevocationAndDeletionThroughTheOther_withinTheBound() {
    Instance a = instance(ChangeFeed.POLLING, BOUND);
    Instance b = instance(ChangeFeed.POLLING, BOUND);
    Acme acme = acme(a.policy());
    ProjectAccess bobOnProd = b.policy().access(BOB, acme.prod());
    ProjectAccess aliceOnProd = b.policy().access(ALICE, acme.prod());
    assertThat(awaitDecision(() -> bobOnProd.check(Capability.VIEW_DATA), Decision::allowed))
        .isLessThanOrEqualTo(WITHIN.toMillis());

    a.policy().grants().revoke(ALICE, acme.prod(), BOB.userId());
    assertThat(awaitDecision(() -> bobOnProd.check(Capability.VIEW_DATA), d -> d.equals(Decision.notFound())))
        .isLessThanOrEqualTo(WITHIN.toMillis());
    assertThat(aliceOnProd.check(Capability.VIEW_DATA)).isEqualTo(Decision.allow(Reason.ORG_ADMIN));

    a.policy().organizations().delete(ALICE, acme.org());
    assertThat(awaitDecision(() -> aliceOnProd.check(Capability.VIEW_DATA), d -> d.equals(Decision.notFound())))
        .isLessThanOrEqualTo(WITHIN.toMillis());
    assertThat(bobOnProd.check(Capability.VIEW_DATA)).isEqualTo(Decision.notFound());
  }

  @Test
  void consistentCheck_seesAnotherInstancesRevocationAtOnce() {
    Instance a = instance(ChangeFeed.POLLING, LONG_BOUND);
    Instance b = instance(ChangeFeed.POLLING, LONG_BOUND);
    Acme acme = acme(a.policy());
    assertThat(b.policy().check(BOB, Capability.VIEW_DATA, acme.prod())).isEqualTo(Decision.allow(Reason.EXPLICIT_GRANT));

    a.policy().grants().revoke(ALICE, acme.prod(), BOB.userId());

    // A plain check may still answer from b's snapshot (that is what the bound allows) ...
    assertThat(b.policy().check(BOB, Capability.VIEW_DATA, acme.prod())).isEqualTo(Decision.allow(Reason.EXPLICIT_GRANT));
    // ... a consistent one reads the revision first, and the reloaded snapshot serves the next checks.
    assertThat(b.policy().checkConsistent(BOB, Capability.VIEW_DATA, acme.prod())).isEqualTo(Decision.notFound());
    assertThat(b.policy().check(BOB, Capability.VIEW_DATA, acme.prod())).isEqualTo(Decision.notFound());
    assertThat(b.policy().checkConsistent(BOB, Capability.VIEW_ORGANIZATION, acme.org()).allowed()).isTrue();
  }

  @Test
  void databaseStopped_checksFailClosedPastTheBound_mutationsFail_nothingHalfWritten_nothingLost()
      throws Exception {
    Instance a = instance(ChangeFeed.LISTEN_NOTIFY, BOUND);
    Instance b = instance(ChangeFeed.LISTEN_NOTIFY, BOUND);
    Acme acme = acme(a.policy());
    assertThat(awaitDecision(b.policy(), BOB, Capability.VIEW_DATA, acme.prod(),
        d -> d.equals(Decision.allow(Reason.EXPLICIT_GRANT)))).isLessThanOrEqualTo(WITHIN.toMillis());
    await("instance b listens", b.store()::listening);
    List<Membership> membersBefore = a.policy().members().list(ALICE, acme.org());
    int auditBefore = auditEntries(a, acme.org());

    // The server goes down in the middle of a transaction that has already written.
    Instant now = Instant.now();
    Membership carol = new Membership(acme.org(), UserId.of("carol"), Optional.of(EmailAddress.of("carol@acme.com")),
        OrgLevel.ADMIN, Optional.empty(), Optional.empty(), now, Optional.empty());
    assertThatThrownBy(() -> a.store().inTransaction((Transaction t) -> {
      t.organizations().lock(acme.org());
      t.memberships().insert(carol);
      t.organizations().bumpRevision(acme.org());
      stop();
      return t.grants().deleteByMember(acme.org(), BOB.userId());
    })).isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE));

    // Past the bound, no snapshot can be confirmed: every check denies, the Owner's too.
    Thread.sleep(BOUND.toMillis() + 100);
    assertThat(b.policy().check(BOB, Capability.VIEW_DATA, acme.prod())).isEqualTo(Decision.deny(Reason.STORE_UNAVAILABLE));
    assertThat(b.policy().check(ALICE, Capability.MANAGE_MEMBERS, acme.org())).isEqualTo(Decision.deny(Reason.STORE_UNAVAILABLE));
    assertThat(a.policy().check(BOB, Capability.VIEW_DATA, acme.prod())).isEqualTo(Decision.deny(Reason.STORE_UNAVAILABLE));
    assertThat(b.store().listening()).isFalse();
    // Mutations fail with the store's exception.
    assertThatThrownBy(() -> a.policy().grants().revoke(ALICE, acme.prod(), BOB.userId()))
        .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE));
    assertThatThrownBy(() -> b.policy().members().changeLevel(ALICE, acme.org(), BOB.userId(), OrgLevel.ADMIN))
        .isInstanceOf(StorageException.class);

    postgres.restart();

    long recovered = awaitDecision(b.policy(), BOB, Capability.VIEW_DATA, acme.prod(),
        d -> d.equals(Decision.allow(Reason.EXPLICIT_GRANT)));
    LOG.info("checks answered again {} ms after the restart returned", recovered);
    // Everything committed is there; nothing of the interrupted transaction or the refused mutations is.
    assertThat(a.policy().members().list(ALICE, acme.org())).isEqualTo(membersBefore);
    assertThat(a.store().inTransaction((Transaction t) -> t.grants().find(acme.prod(), BOB.userId()))).isPresent();
    assertThat(auditEntries(a, acme.org())).isEqualTo(auditBefore);
    assertThat(b.policy().check(ALICE, Capability.MANAGE_MEMBERS, acme.org()).allowed()).isTrue();
    // The listener reconnects, and the instances are back to hearing each other.
    await("instance b listens again", b.store()::listening);
    a.policy().grants().revoke(ALICE, acme.prod(), BOB.userId());
    assertThat(awaitDecision(b.policy(), BOB, Capability.VIEW_DATA, acme.prod(), d -> d.equals(Decision.notFound())))
        .isLessThanOrEqualTo(WITHIN.toMillis());
  }

  // ------------------------------------------------------------------------------- helpers

  /** Revokes Bob's grant through {@code a} and times until {@code b} denies; then grants it back. */
  private static List<Long> revokeAndRegrant(Instance a, Instance b, Acme acme, int rounds) {
    List<Long> delays = new ArrayList<>();
    for (int i = 0; i < rounds; i++) {
      a.policy().grants().revoke(ALICE, acme.prod(), BOB.userId());
      delays.add(awaitDecision(b.policy(), BOB, Capability.VIEW_DATA, acme.prod(), d -> d.equals(Decision.notFound())));
      a.policy().grants().grant(ALICE, acme.prod(), BOB.userId(), ProjectRole.VIEWER);
      awaitDecision(b.policy(), BOB, Capability.VIEW_DATA, acme.prod(), Decision::allowed);
    }
    return delays;
  }

  /**
   * Checks every millisecond until the decision satisfies {@code until}; returns how long that took in
   * milliseconds. Fails after ten seconds.
   */
  private static long awaitDecision(AccessPolicy policy, Principal who, Capability capability, ProjectId project,
      Predicate<Decision> until) {
    return awaitDecision(() -> policy.check(who, capability, project), until);
  }

  private static long awaitDecision(Supplier<Decision> decision, Predicate<Decision> until) {
    long start = System.nanoTime();
    while (!until.test(decision.get())) {
      if (System.nanoTime() - start > TimeUnit.SECONDS.toNanos(10)) {
        throw new AssertionError("decision did not change within 10 s: " + decision.get());
      }
      sleepMillis(1);
    }
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }

  private static void await(String what, BooleanSupplier condition) {
    long start = System.nanoTime();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - start > TimeUnit.SECONDS.toNanos(15)) {
        throw new AssertionError("timed out waiting until " + what);
      }
      sleepMillis(5);
    }
  }

  private static int auditEntries(Instance instance, OrgId org) {
    return instance.store().inTransaction((Transaction t) ->
        t.audit().query(AuditQuery.organization(org), Optional.empty(), 1_000)).size();
  }

  private static void log(String setup, List<Long> delaysMillis) {
    List<Long> sorted = delaysMillis.stream().sorted().toList();
    LOG.info("cross-instance delay ({}): median {} ms, max {} ms, all {}", setup, sorted.get(sorted.size() / 2),
        sorted.get(sorted.size() - 1), delaysMillis);
  }

  private static void stop() {
    try {
      postgres.stop();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void sleepMillis(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
