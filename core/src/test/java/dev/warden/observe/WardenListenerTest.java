package dev.warden.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.AccessPolicy;
import dev.warden.Decision;
import dev.warden.ErrorCode;
import dev.warden.PermissionDeniedException;
import dev.warden.Principal;
import dev.warden.Reason;
import dev.warden.StorageException;
import dev.warden.apikey.ApiKeyRequest;
import dev.warden.invite.InviteRequest;
import dev.warden.invite.IssuedInvite;
import dev.warden.matrix.Capability;
import dev.warden.memory.InMemoryStore;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.UserId;
import dev.warden.project.Project;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import dev.warden.project.Visibility;
import dev.warden.spi.Store;
import dev.warden.testing.Allocations;
import dev.warden.testing.InterceptingStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WardenListenerTest {
  private final Principal alice = Principal.user(UserId.of("alice"), "alice@acme.com");
  private final Principal bob = Principal.user(UserId.of("bob"), "bob@acme.com");
  private final Recorder recorder = new Recorder();
  private final InMemoryStore store = InMemoryStore.create();
  private AccessPolicy policy;
  private OrgId acme;
  private Project prod;

  @BeforeEach
  void setUp() {
    policy = AccessPolicy.builder().store(store).listener(recorder).build();
    acme = policy.organizations().create(alice, "Acme Corp").id();
    prod = policy.projects().create(alice, acme, "Production");
    IssuedInvite invite = policy.invites().create(alice, acme,
        InviteRequest.to("bob@acme.com").level(OrgLevel.MEMBER).grant(prod.id(), ProjectRole.VIEWER));
    policy.invites().accept(invite.token(), bob, "bob@acme.com");
    recorder.events.clear();
  }

  @Test
  void check_reportsCapabilityOutcomeAndReason() {
    policy.check(bob, Capability.VIEW_DATA, prod.id());
    policy.check(bob, Capability.CREATE_CONTENT, prod.id());
    policy.check(bob, Capability.VIEW_DATA, ProjectId.of("prj_missing"));
    policy.checkConsistent(bob, Capability.TRANSFER_OWNERSHIP, acme);

    assertThat(recorder.events).containsExactly(
        "decision VIEW_DATA ALLOW EXPLICIT_GRANT",
        "decision CREATE_CONTENT DENY ROLE_TOO_LOW",
        "decision VIEW_DATA NOT_FOUND NOT_FOUND",
        "snapshot revalidated",
        "decision TRANSFER_OWNERSHIP DENY LEVEL_TOO_LOW");
  }

  @Test
  void require_reportsItsDecisionOnce() {
    assertThatThrownBy(() -> policy.require(bob, Capability.CREATE_CONTENT, prod.id()))
        .isInstanceOf(PermissionDeniedException.class);

    assertThat(recorder.events).containsExactly("decision CREATE_CONTENT DENY ROLE_TOO_LOW");
  }

  @Test
  void mutations_reportActionAndOutcome() {
    policy.projects().setVisibility(alice, prod.id(), Visibility.PRIVATE);
    assertThatThrownBy(() -> policy.projects().create(bob, acme, "Shadow IT"))
        .isInstanceOf(PermissionDeniedException.class);
    policy.apiKeys().create(alice, ApiKeyRequest.labeled("CI").scopes("query:read"));
    policy.organizations().create(bob, "Bob's Org");

    assertThat(recorder.events).containsExactly(
        "mutation project.visibility_changed ok",
        "mutation project.created failed PERMISSION_DENIED",
        "mutation api_key.created ok",
        "mutation organization.created ok");
    assertThat(recorder.nanos).allMatch(n -> n >= 0);
  }

  @Test
  void callbacks_carryNoUserIdsOrEmails() {
    policy.check(bob, Capability.VIEW_DATA, prod.id());
    policy.grants().grant(alice, prod.id(), bob.userId(), ProjectRole.MEMBER);

    assertThat(String.join("\n", recorder.events)).doesNotContain("bob", "alice", prod.id().value(), acme.value());
  }

  @Test
  void secondPolicyOnTheStore_reportsTheSnapshotLoad() {
    AccessPolicy other = AccessPolicy.builder().store(store).listener(recorder).build();

    other.check(bob, Capability.VIEW_DATA, prod.id());

    assertThat(recorder.events).containsExactly("snapshot loaded", "decision VIEW_DATA ALLOW EXPLICIT_GRANT");
  }

  @Test
  void storeFailure_reportedFromChecksAndMutations() {
    AtomicBoolean down = new AtomicBoolean();
    Store failing = InterceptingStore.intercepting(store, (repository, method, args, proceed) -> {
      if (down.get()) {
        throw new StorageException(ErrorCode.STORE_UNAVAILABLE, "database is down", null);
      }
      return proceed.get();
    });
    AccessPolicy cold = AccessPolicy.builder().store(failing).listener(recorder).build();
    AccessPolicy warm = AccessPolicy.builder().store(failing).listener(recorder).build();
    warm.check(bob, Capability.VIEW_DATA, prod.id());
    recorder.events.clear();
    down.set(true);

    Decision d = cold.check(bob, Capability.VIEW_DATA, prod.id());
    assertThatThrownBy(() -> warm.projects().rename(alice, prod.id(), "Prod")).isInstanceOf(StorageException.class);

    assertThat(d).isSameAs(Decision.deny(Reason.STORE_UNAVAILABLE));
    assertThat(recorder.events).containsExactly(
        "store failed CHECK",
        "decision VIEW_DATA DENY STORE_UNAVAILABLE",
        "mutation project.renamed failed STORE_UNAVAILABLE",
        "store failed MUTATION");
  }

  @Test
  void failingListener_changesNothing() {
    WardenListener broken = new WardenListener() {
      @Override
      public void decision(Capability capability, Decision decision) {
        throw new IllegalStateException("listener bug");
      }

      @Override
      public void mutationSucceeded(String action, long nanos) {
        throw new IllegalStateException("listener bug");
      }
    };
    AccessPolicy p = AccessPolicy.builder().store(store).listener(broken).build();

    assertThat(p.check(bob, Capability.VIEW_DATA, prod.id())).isSameAs(Decision.allow(Reason.EXPLICIT_GRANT));
    assertThat(p.projects().rename(alice, prod.id(), "Prod").name()).isEqualTo("Prod");
  }

  /**
   * The check path stays allocation-free with a listener that allocates nothing itself (counters), as
   * the Micrometer binding does. Measured with the JVM's per-thread allocation counter after warm-up.
   */
  @Test
  void check_withCountingListener_allocatesNothing() {
    LongAdder[] counts = new LongAdder[Decision.Outcome.values().length];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = new LongAdder();
    }
    WardenListener counting = new WardenListener() {
      @Override
      public void decision(Capability capability, Decision decision) {
        counts[decision.outcome().ordinal()].increment();
      }
    };
    AccessPolicy p = AccessPolicy.builder().store(store).listener(counting).build();
    ProjectId project = prod.id();
    p.check(bob, Capability.VIEW_DATA, project); // loads the snapshot

    long allocated = Allocations.ofWarm(() -> {
      for (int i = 0; i < 20_000; i++) {
        p.check(bob, Capability.VIEW_DATA, project);
        p.check(bob, Capability.CREATE_CONTENT, project);
      }
    });

    assertThat(allocated).as("bytes allocated by 40,000 warm checks").isZero();
    assertThat(counts[Decision.Outcome.ALLOW.ordinal()].sum()).isGreaterThanOrEqualTo(20_000);
  }

  /** Records every callback as a line without its duration. */
  private static final class Recorder implements WardenListener {
    final List<String> events = new ArrayList<>();
    final List<Long> nanos = new ArrayList<>();

    @Override
    public synchronized void decision(Capability capability, Decision decision) {
      events.add("decision " + capability + " " + decision.outcome() + " " + decision.reason());
    }

    @Override
    public synchronized void mutationSucceeded(String action, long nanos) {
      events.add("mutation " + action + " ok");
      this.nanos.add(nanos);
    }

    @Override
    public synchronized void mutationFailed(String action, long nanos, ErrorCode code) {
      events.add("mutation " + action + " failed " + code);
      this.nanos.add(nanos);
    }

    @Override
    public synchronized void snapshotLoaded(long nanos) {
      events.add("snapshot loaded");
    }

    @Override
    public synchronized void snapshotRevalidated(long nanos) {
      events.add("snapshot revalidated");
    }

    @Override
    public synchronized void storeFailed(StoreFailure where) {
      events.add("store failed " + where);
    }
  }
}
