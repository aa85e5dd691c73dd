package dev.warden.concurrency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.AccessPolicy;
import dev.warden.ErrorCode;
import dev.warden.PageRequest;
import dev.warden.audit.AuditQuery;
import dev.warden.organization.Organization;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.IntStream;
import dev.warden.Principal;
import dev.warden.WardenException;
import dev.warden.invite.InviteRequest;
import dev.warden.organization.Membership;
import dev.warden.organization.OrgId;
import dev.warden.organization.UserId;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import dev.warden.spi.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Races on one {@link AccessPolicy} that every store must settle alike, shipped in core's test-jar and
 * run by the in-memory store, H2 and PostgreSQL: the answer a loser gets must be the one the spec's
 * order of checks gives after the winner's whole transaction, never after half of it (issue 12).
 * Implement {@link #newStore()}; each test gets a fresh store, and each round a new organization in it.
 */
public abstract class PolicyRaceContract {
  protected static final int THREADS = 8;
  private static final long TIMEOUT_SECONDS = 60;

  private ExecutorService pool;
  private Store store;
  private final List<AutoCloseable> toClose = new ArrayList<>();

  /** A new, empty store; called before every test. */
  protected abstract Store newStore();

  /** How many times each race is run, each on a new organization. */
  protected int rounds() {
    return 30;
  }

  @BeforeEach
  void startPool() {
    pool = Executors.newFixedThreadPool(THREADS);
    store = newStore();
  }

  @AfterEach
  void stopPool() throws Exception {
    pool.shutdownNow();
    assertThat(pool.awaitTermination(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("pool stopped").isTrue();
    for (AutoCloseable c : toClose) {
      c.close();
    }
    if (store instanceof AutoCloseable c) {
      c.close();
    }
  }

  /** A new policy on the test's store, closed after the test. */
  protected AccessPolicy newPolicy() {
    AccessPolicy policy = AccessPolicy.builder().store(store).build();
    toClose.add(policy);
    return policy;
  }

  protected static Principal user(String id) {
    return Principal.user(UserId.of(id), id + "@acme.test");
  }

  /**
   * Issue 12, defect 8: eight threads accept one invite for the same user. One joins; every other
   * sees the invite used ({@code INVITE_ALREADY_USED} comes before {@code ALREADY_MEMBER} in §4's order),
   * never the membership without the consumed invite.
   */
  @Test
  void accept_sameInviteBySameUserOnEightThreads_losersSeeTheInviteUsed() throws Exception {
    Principal alice = user("alice");
    Principal bob = user("bob");
    for (int round = 0; round < rounds(); round++) {
      AccessPolicy policy = newPolicy();
      OrgId org = policy.organizations().create(alice, "Acme").id();
      ProjectId prod = policy.projects().create(alice, org, "Production").id();
      String token = policy.invites().create(alice, org,
          InviteRequest.to("bob@acme.test").grant(prod, ProjectRole.VIEWER)).token();

      List<Object> results = race(i -> () -> policy.invites().accept(token, bob, "bob@acme.test"));

      assertThat(results).as("round %s", round).filteredOn(r -> r instanceof Membership).hasSize(1);
      assertThat(results).as("round %s", round).filteredOn(r -> !(r instanceof Membership))
          .hasSize(THREADS - 1)
          .containsOnly(ErrorCode.INVITE_ALREADY_USED);
      assertThat(policy.members().list(alice, org)).extracting(Membership::user)
          .containsExactly(alice.userId(), bob.userId());
      assertThat(policy.grants().list(alice, prod)).singleElement()
          .satisfies(g -> assertThat(g.user()).isEqualTo(bob.userId()));
      assertThat(policy.invites().listPending(alice, org)).isEmpty();
    }
  }

  /**
   * Issue 12, defect 9: eight admins each add a different SSO domain at the same moment, through the
   * settings change that applies to the current settings under the organization's lock. None is lost.
   */
  @Test
  void updateSettings_eightConcurrentChanges_noneLost() throws Exception {
    Principal alice = user("alice");
    for (int round = 0; round < rounds(); round++) {
      AccessPolicy policy = newPolicy();
      OrgId org = policy.organizations().create(alice, "Acme").id();

      List<Object> results = race(i -> () -> policy.organizations().updateSettings(alice, org, s -> {
        Set<String> domains = new LinkedHashSet<>(s.ssoEnforcedDomains());
        domains.add("d" + i + ".example");
        return s.withSsoEnforcedDomains(domains);
      }));

      assertThat(results).as("round %s", round).allMatch(r -> r instanceof Organization);
      assertThat(policy.organizations().get(alice, org).settings().ssoEnforcedDomains()).as("round %s", round)
          .containsExactlyInAnyOrder(IntStream.range(0, THREADS).mapToObj(i -> "d" + i + ".example").toArray(String[]::new));
      assertThat(policy.audit().query(alice, AuditQuery.organization(org).action("settings.changed"),
          PageRequest.first(100)).items()).as("round %s", round).hasSize(THREADS);
    }
  }

  /**
   * Runs {@value #THREADS} tasks released together by a start gate; returns, in task order, each
   * task's value or the {@link ErrorCode} of the {@link WardenException} it threw.
   */
  protected List<Object> race(IntFunction<Callable<?>> tasks) throws InterruptedException {
    CountDownLatch ready = new CountDownLatch(THREADS);
    CountDownLatch gate = new CountDownLatch(1);
    List<Future<?>> futures = new ArrayList<>();
    for (int i = 0; i < THREADS; i++) {
      Callable<?> task = tasks.apply(i);
      futures.add(pool.submit(() -> {
        ready.countDown();
        gate.await();
        return task.call();
      }));
    }
    assertThat(ready.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("threads ready").isTrue();
    gate.countDown();
    List<Object> results = new ArrayList<>();
    for (Future<?> f : futures) {
      try {
        results.add(f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof WardenException w)) {
          throw new AssertionError("a racing task failed unexpectedly", e.getCause());
        }
        results.add(w.code());
      } catch (TimeoutException e) {
        throw new AssertionError("a racing task did not finish within " + TIMEOUT_SECONDS + " s", e);
      }
    }
    return results;
  }
}
