package dev.warden.concurrency;

import static dev.warden.testing.OrgFixtures.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.warden.AccessPolicy;
import dev.warden.Decision;
import dev.warden.Decision.Outcome;
import dev.warden.ErrorCode;
import dev.warden.Principal;
import dev.warden.ProjectAccess;
import dev.warden.Reason;
import dev.warden.WardenException;
import dev.warden.invite.InviteRequest;
import dev.warden.matrix.Capability;
import dev.warden.matrix.PermissionMatrix;
import dev.warden.organization.Membership;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.UserId;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import dev.warden.project.Visibility;
import dev.warden.report.AccessHolder;
import dev.warden.testing.FakeClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real threads racing on one {@link AccessPolicy} over the in-memory store (spec §4 "exactly one of
 * two concurrent accepts succeeds", §3 "always at least one Owner", §13 "a revocation is visible to the
 * very next check"). The race of one user accepting one invite on eight threads is in
 * {@link PolicyRaceContract}, which every store runs. Each scenario is repeated {@value #ROUNDS} times on a fresh policy; the threads of a
 * round wait at a start gate so that they really start together.
 */
class ConcurrencyTest {

  private static final int ROUNDS = 50;
  private static final int THREADS = 8;
  private static final long TIMEOUT_SECONDS = 30;

  private static ExecutorService pool;

  private final FakeClock clock = FakeClock.create();
  // The same people in every round; each round gives them a fresh policy.
  private final Principal alice = user("alice");
  private final Principal bob = user("bob");
  private final Principal carol = user("carol");

  @BeforeAll
  static void startPool() {
    pool = Executors.newFixedThreadPool(THREADS);
  }

  @AfterAll
  static void stopPool() throws InterruptedException {
    pool.shutdownNow();
    assertThat(pool.awaitTermination(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("pool stopped").isTrue();
  }

  // ------------------------------------------------------------------------------------- invites

  /**
   * Eight different accounts present the same invite and the same verified email (a host that breaks
   * "one account per email", or a leaked link): the token is still single use.
   */
  @Test
  void accept_sameInviteByEightUsers_exactlyOneJoins() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      AccessPolicy policy = policy(PermissionMatrix.leastPrivilege());
      OrgId org = policy.organizations().create(alice, "Acme").id();
      String token = policy.invites().create(alice, org, InviteRequest.to("bob@acme.test")).token();

      List<Result<Membership>> results = race(THREADS,
          i -> () -> policy.invites().accept(token, user("claimant" + i), "bob@acme.test"));

      assertThat(successes(results)).as("round %s: %s", round, results).hasSize(1);
      assertThat(failureCodes(results)).as("round %s", round)
          .hasSize(THREADS - 1)
          .containsOnly(ErrorCode.INVITE_ALREADY_USED);
      UserId winner = successes(results).get(0).user();
      assertThat(policy.members().list(alice, org)).extracting(Membership::user)
          .containsExactlyInAnyOrder(alice.userId(), winner);
    }
  }

  // ------------------------------------------------------------------------------------ ownership

  /** Two Owners (MULTIPLE) demote each other at the same moment: one wins, an Owner remains. */
  @Test
  void changeLevel_twoOwnersDemoteEachOther_anOwnerRemains() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      AccessPolicy policy = policy(PermissionMatrix.leastPrivilege());
      OrgId org = policy.organizations().create(alice, "Acme").id();
      join(policy, alice, org, bob, OrgLevel.OWNER);

      List<Result<Membership>> results = ConcurrencyTest.<Membership>race(2, i -> i == 0
          ? () -> policy.members().changeLevel(alice, org, bob.userId(), OrgLevel.ADMIN)
          : () -> policy.members().changeLevel(bob, org, alice.userId(), OrgLevel.ADMIN));

      assertThat(owners(policy, org, alice, bob)).as("round %s: %s", round, results).hasSize(1);
      assertThat(successes(results)).as("round %s: %s", round, results).hasSize(1);
      assertThat(failureCodes(results)).as("round %s", round).singleElement()
          .isIn(ErrorCode.LEVEL_ABOVE_OWN, ErrorCode.LAST_OWNER);
    }
  }

  /** Four Owners each try to demote every other Owner at once (12 racing demotions): at least one Owner remains. */
  @Test
  void changeLevel_fourOwnersDemoteEveryoneElse_anOwnerRemains() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      AccessPolicy policy = policy(PermissionMatrix.leastPrivilege());
      List<Principal> owners = List.of(user("o0"), user("o1"), user("o2"), user("o3"));
      OrgId org = policy.organizations().create(owners.get(0), "Acme").id();
      for (Principal o : owners.subList(1, owners.size())) {
        join(policy, owners.get(0), org, o, OrgLevel.OWNER);
      }
      List<Callable<Membership>> tasks = new ArrayList<>();
      for (Principal actor : owners) {
        for (Principal target : owners) {
          if (actor != target) {
            tasks.add(() -> policy.members().changeLevel(actor, org, target.userId(), OrgLevel.ADMIN));
          }
        }
      }

      List<Result<Membership>> results = race(tasks);

      List<UserId> remaining = owners(policy, org, owners.toArray(Principal[]::new));
      assertThat(remaining).as("round %s: Owners left after %s", round, results).isNotEmpty();
      // Demoting someone already demoted is a successful no-op (§15), so compare who, not how many.
      Set<UserId> demoted = successes(results).stream().map(Membership::user).collect(Collectors.toSet());
      Set<UserId> lost = owners.stream().map(Principal::userId).filter(u -> !remaining.contains(u))
          .collect(Collectors.toSet());
      assertThat(demoted).as("round %s: users successfully demoted vs Owners lost", round).isEqualTo(lost);
      assertThat(failureCodes(results)).as("round %s", round)
          .allMatch(c -> c == ErrorCode.LEVEL_ABOVE_OWN || c == ErrorCode.LAST_OWNER);
    }
  }

  /** Under SINGLE, racing transfers to different members still leave exactly one Owner. */
  @Test
  void transferOwnership_racingTransfers_exactlyOneOwner() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      AccessPolicy policy = policy(PermissionMatrix.posthog());
      List<Principal> members = new ArrayList<>();
      OrgId org = policy.organizations().create(alice, "Acme").id();
      for (int i = 0; i < THREADS; i++) {
        Principal m = user("m" + i);
        join(policy, alice, org, m, OrgLevel.ADMIN);
        members.add(m);
      }

      List<Result<Void>> results = race(THREADS, i -> () -> {
        policy.members().transferOwnership(alice, org, members.get(i).userId());
        return null;
      });

      assertThat(successes(results)).as("round %s: %s", round, results).hasSize(1);
      assertThat(failureCodes(results)).as("round %s", round).containsOnly(ErrorCode.PERMISSION_DENIED);
      List<Principal> everyone = new ArrayList<>(members);
      everyone.add(alice);
      assertThat(owners(policy, org, everyone.toArray(Principal[]::new))).as("round %s", round).hasSize(1);
    }
  }

  // ----------------------------------------------------------------------------- grants vs removal

  /** Grants racing a removal: a removed member is left with no grant, whichever order the threads ran in. */
  @Test
  void grantAndRemove_concurrently_noGrantLeftForRemovedMember() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      AccessPolicy policy = policy(PermissionMatrix.leastPrivilege());
      OrgId org = policy.organizations().create(alice, "Acme").id();
      join(policy, alice, org, bob, OrgLevel.MEMBER);
      List<ProjectId> projects = new ArrayList<>();
      for (int i = 0; i < THREADS - 1; i++) {
        projects.add(policy.projects().create(alice, org, "Private " + i).id());
      }
      boolean bobLeaves = round % 2 == 1;

      List<Result<Object>> results = ConcurrencyTest.<Object>race(THREADS, i -> i < projects.size()
          ? () -> policy.grants().grant(alice, projects.get(i), bob.userId(), ProjectRole.MEMBER)
          : () -> {
            if (bobLeaves) {
              policy.members().leave(bob, org);
            } else {
              policy.members().remove(alice, org, bob.userId());
            }
            return null;
          });

      assertThat(results.get(THREADS - 1).error()).as("round %s: the removal itself", round).isNull();
      assertThat(results.subList(0, THREADS - 1)).as("round %s", round)
          .allMatch(r -> r.error() == null || r.code() == ErrorCode.NOT_A_MEMBER);
      for (ProjectId p : projects) {
        assertThat(policy.grants().list(alice, p)).as("round %s: grants on %s after removal", round, p)
            .noneMatch(g -> g.user().equals(bob.userId()));
        assertThat(policy.check(bob, Capability.VIEW_DATA, p)).isEqualTo(Decision.notFound());
        assertThat(policy.whoCan(Capability.VIEW_DATA, p)).extracting(AccessHolder::user)
            .doesNotContain(bob.userId());
      }
      // Back in by a new invite, bob must not find stale grants either.
      join(policy, alice, org, bob, OrgLevel.MEMBER);
      assertThat(policy.visibleProjects(bob, org)).as("round %s: bob's projects after rejoining", round).isEmpty();
    }
  }

  // ---------------------------------------------------------------------- checks during mutations

  /**
   * Checks, lists and whoCan run on six threads while two threads mutate the organization; one of the
   * mutations removes bob. No read ever throws or fails closed, alice (Owner) is always allowed, and no
   * check that started after the removal returned allows bob, nor does the one {@link ProjectAccess} of
   * bob's that all six threads share.
   */
  @Test
  void checks_duringMutations_neverThrowAndNeverAllowRemovedMember() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      AccessPolicy policy = policy(PermissionMatrix.leastPrivilege());
      OrgId org = policy.organizations().create(alice, "Acme").id();
      ProjectId secret = policy.projects().create(alice, org, "Secret").id();
      join(policy, alice, org, bob, OrgLevel.MEMBER);
      join(policy, alice, org, carol, OrgLevel.MEMBER);
      policy.grants().grant(alice, secret, bob.userId(), ProjectRole.ADMIN);
      ProjectAccess bobOnSecret = policy.access(bob, secret);

      AtomicBoolean removing = new AtomicBoolean();
      AtomicBoolean removed = new AtomicBoolean();
      AtomicBoolean writersDone = new AtomicBoolean();
      AtomicLong reads = new AtomicLong();
      ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
      CountDownLatch writersLeft = new CountDownLatch(2);

      List<Callable<Object>> tasks = new ArrayList<>();
      // writer 1: churn on carol and the project, then remove bob, then churn more
      tasks.add(writer(writersLeft, () -> {
        for (int i = 0; i < 10; i++) {
          churn(policy, alice, carol, org, secret, i);
        }
        removing.set(true);
        policy.members().remove(alice, org, bob.userId());
        removed.set(true);
        for (int i = 10; i < 20; i++) {
          churn(policy, alice, carol, org, secret, i);
        }
      }));
      // writer 2: new projects and invites
      tasks.add(writer(writersLeft, () -> {
        for (int i = 0; i < 10; i++) {
          policy.projects().create(alice, org, "P" + i);
          policy.invites().create(alice, org, InviteRequest.to("guest" + i + "@acme.test"));
        }
      }));
      for (int r = 0; r < THREADS - 2; r++) {
        tasks.add(() -> {
          while (!writersDone.get()) {
            read(policy, alice, bob, org, secret, bobOnSecret, removing, removed, violations);
            reads.incrementAndGet();
            Thread.yield(); // 2 cores: leave the writers some room
          }
          read(policy, alice, bob, org, secret, bobOnSecret, removing, removed, violations); // at least once after the removal
          return null;
        });
      }
      Thread closer = new Thread(() -> {
        try {
          writersLeft.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        writersDone.set(true);
      });
      closer.start();

      List<Result<Object>> results = race(tasks);
      closer.join();

      assertThat(results).as("round %s: no task threw", round).allMatch(r -> r.error() == null);
      assertThat(violations).as("round %s after %s reads", round, reads.get()).isEmpty();
      assertThat(policy.check(bob, Capability.VIEW_DATA, secret)).isEqualTo(Decision.notFound());
    }
  }

  /** A task that runs {@code work}, then counts {@code done} down, whether {@code work} returned or threw. */
  private static Callable<Object> writer(CountDownLatch done, Runnable work) {
    return () -> {
      try {
        work.run();
        return null;
      } finally {
        done.countDown();
      }
    };
  }

  private static void churn(AccessPolicy policy, Principal alice, Principal carol, OrgId org, ProjectId p, int i) {
    switch (i % 4) {
      case 0 -> policy.grants().grant(alice, p, carol.userId(), ProjectRole.VIEWER);
      case 1 -> policy.projects().setVisibility(alice, p, i % 8 == 1 ? Visibility.OPEN : Visibility.PRIVATE);
      case 2 -> policy.members().changeLevel(alice, org, carol.userId(), i % 8 == 2 ? OrgLevel.ADMIN : OrgLevel.MEMBER);
      default -> policy.projects().rotateToken(alice, p);
    }
  }

  /**
   * One round of reads. {@code removing} is set just before bob's removal starts and {@code removed}
   * just after it returned: before the first, bob must still be found; after the second, never.
   */
  private static void read(AccessPolicy policy, Principal alice, Principal bob, OrgId org, ProjectId secret,
      ProjectAccess bobOnSecret, AtomicBoolean removing, AtomicBoolean removed, ConcurrentLinkedQueue<String> violations) {
    boolean removalReturned = removed.get(); // read before the check starts
    try {
      for (Decision d : List.of(policy.check(bob, Capability.VIEW_DATA, secret), bobOnSecret.check(Capability.VIEW_DATA))) {
        if (d.reason() == Reason.INTERNAL_ERROR || d.reason() == Reason.STORE_UNAVAILABLE) {
          violations.add("check failed closed: " + d);
        }
        if (removalReturned && d.outcome() != Outcome.NOT_FOUND) {
          violations.add("removed bob got " + d + " on the project after the removal returned");
        }
      }
      Decision owner = policy.check(alice, Capability.MANAGE_PROJECT_ACCESS, secret);
      if (!owner.allowed()) {
        violations.add("the Owner got " + owner);
      }
      Decision inOrg = policy.check(bob, Capability.VIEW_ORGANIZATION, org);
      if (removalReturned && inOrg.outcome() != Outcome.NOT_FOUND) {
        violations.add("removed bob got " + inOrg + " on the organization after the removal returned");
      }
      policy.visibleProjects(alice, org);
      List<UserId> holders = policy.whoCan(Capability.VIEW_DATA, secret).stream().map(AccessHolder::user).toList();
      if (removalReturned && holders.contains(bob.userId())) {
        violations.add("whoCan lists removed bob: " + holders);
      }
      boolean removalStarted = removing.get();
      try {
        policy.visibleProjects(bob, org);
        if (removalReturned) {
          violations.add("visibleProjects answered for removed bob");
        }
      } catch (WardenException e) {
        if (e.code() != ErrorCode.NOT_FOUND || !(removalStarted || removing.get())) {
          violations.add("visibleProjects(bob) threw " + e + " before bob's removal started");
        }
      }
    } catch (RuntimeException e) {
      violations.add("a read threw " + e);
    }
  }

  // ------------------------------------------------------------------------------------- helpers

  private AccessPolicy policy(PermissionMatrix matrix) {
    return AccessPolicy.builder().matrix(matrix).clock(clock).build();
  }

  private static Principal user(String id) {
    return Principal.user(UserId.of(id), id + "@acme.test");
  }

  /** The Owners among {@code candidates}, as the first of them who can still list the members sees it. */
  private static List<UserId> owners(AccessPolicy policy, OrgId org, Principal... candidates) {
    for (Principal p : candidates) {
      try {
        return policy.members().list(p, org).stream()
            .filter(m -> m.level() == OrgLevel.OWNER).map(Membership::user).toList();
      } catch (WardenException e) {
        // not a member any more
      }
    }
    return fail("nobody can list the members of %s", org);
  }

  /** What one racing task ended with. */
  private record Result<T>(T value, Throwable error) {
    ErrorCode code() {
      return error instanceof WardenException w ? w.code() : null;
    }

    @Override
    public String toString() {
      return error == null ? "OK" : error instanceof WardenException w ? w.code().name() : error.toString();
    }
  }

  private interface TaskFactory<T> {
    Callable<T> task(int index);
  }

  private static <T> List<Result<T>> race(int count, TaskFactory<T> factory) throws InterruptedException {
    List<Callable<T>> tasks = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      tasks.add(factory.task(i));
    }
    return race(tasks);
  }

  /**
   * Runs the tasks on the pool, all released together by a start gate once every thread is ready (or,
   * with more tasks than threads, as soon as threads free up); returns their results in task order.
   */
  private static <T> List<Result<T>> race(List<Callable<T>> tasks) throws InterruptedException {
    int ready = Math.min(tasks.size(), THREADS);
    CountDownLatch allReady = new CountDownLatch(ready);
    CountDownLatch gate = new CountDownLatch(1);
    List<Future<T>> futures = new ArrayList<>();
    for (Callable<T> task : tasks) {
      futures.add(pool.submit(() -> {
        allReady.countDown();
        gate.await();
        return task.call();
      }));
    }
    assertThat(allReady.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("threads ready").isTrue();
    gate.countDown();
    List<Result<T>> results = new ArrayList<>();
    for (Future<T> f : futures) {
      try {
        results.add(new Result<>(f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS), null));
      } catch (java.util.concurrent.ExecutionException e) {
        if (!(e.getCause() instanceof WardenException)) {
          throw new AssertionError("a racing task failed unexpectedly", e.getCause());
        }
        results.add(new Result<>(null, e.getCause()));
      } catch (java.util.concurrent.TimeoutException e) {
        throw new AssertionError("a racing task did not finish within " + TIMEOUT_SECONDS + " s (deadlock?)", e);
      }
    }
    return results;
  }

  private static <T> List<T> successes(List<Result<T>> results) {
    return results.stream().filter(r -> r.error() == null).map(Result::value).toList();
  }

  private static List<ErrorCode> failureCodes(List<? extends Result<?>> results) {
    return results.stream().filter(r -> r.error() != null).map(Result::code).toList();
  }

  private static ErrorCode codeOf(Runnable action) {
    try {
      action.run();
      return null;
    } catch (WardenException e) {
      return e.code();
    }
  }
}
