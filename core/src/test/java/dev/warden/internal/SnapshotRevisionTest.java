package dev.warden.internal;

import static dev.warden.testing.InterceptingStore.intercepting;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.AccessPolicy;
import dev.warden.PermissionDeniedException;
import dev.warden.Principal;
import dev.warden.apikey.ApiKeyRequest;
import dev.warden.invite.InviteRequest;
import dev.warden.invite.IssuedInvite;
import dev.warden.matrix.Capability;
import dev.warden.memory.InMemoryStore;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.UserId;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import dev.warden.spi.MembershipRepository;
import dev.warden.spi.Store;
import dev.warden.spi.Transaction;
import dev.warden.testing.FakeClock;
import dev.warden.testing.OrgFixtures;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: the revision counts changes to what checks read. Writes that only touch invites, API keys
 * or the audit log leave it alone, so another instance on the same store keeps its snapshot instead of
 * reloading the whole organization; a snapshot write still makes it reload.
 */
class SnapshotRevisionTest {
  private final FakeClock clock = FakeClock.create();
  private final Principal alice = Principal.user(UserId.of("alice"), "alice@acme.com");
  private final Principal bob = Principal.user(UserId.of("bob"), "bob@acme.com");
  private final AtomicInteger loads = new AtomicInteger();

  /** One in-memory store, seen as shared by two instances; the second's full loads are counted. */
  private final InMemoryStore memory = InMemoryStore.create();
  private final AccessPolicy first = policy(shared(memory));
  private final AccessPolicy second = policy(shared(counting(memory)));

  @AfterEach
  void close() {
    first.close();
    second.close();
  }

  @Test
  void inviteAndAuditOnlyWrites_leaveRevision_otherInstanceDoesNotReload() {
    OrgId org = first.organizations().create(alice, "Acme Corp").id();
    OrgFixtures.join(first, alice, org, bob, OrgLevel.MEMBER);
    assertThat(second.checkConsistent(bob, Capability.VIEW_ORGANIZATION, org).allowed()).isTrue();
    long revision = revision(org);
    int loadsBefore = loads.get();

    IssuedInvite invite = first.invites().create(alice, org, InviteRequest.to("carol@acme.com"));
    first.invites().revoke(alice, org, invite.invite().id());
    first.invites().create(alice, org, InviteRequest.to("dave@acme.com"));
    first.reports().recordReview(alice, org, "quarterly");
    first.apiKeys().create(alice, ApiKeyRequest.labeled("ci").scopes("*").limitToOrganizations(org));
    // Refused: only a member.level_changed.denied entry is written.
    assertThatThrownBy(() -> first.members().changeLevel(bob, org, alice.userId(), OrgLevel.MEMBER))
        .isInstanceOf(PermissionDeniedException.class);

    assertThat(revision(org)).isEqualTo(revision);
    assertThat(second.checkConsistent(bob, Capability.VIEW_ORGANIZATION, org).allowed()).isTrue();
    assertThat(loads.get()).isEqualTo(loadsBefore);
  }

  @Test
  void snapshotWrite_bumpsRevision_otherInstanceReloads() {
    OrgId org = first.organizations().create(alice, "Acme Corp").id();
    OrgFixtures.join(first, alice, org, bob, OrgLevel.MEMBER);
    ProjectId web = first.projects().create(alice, org, "Web").id();
    assertThat(second.checkConsistent(bob, Capability.VIEW_DATA, web).allowed()).isTrue();
    long revision = revision(org);
    int loadsBefore = loads.get();

    first.grants().grant(alice, web, bob.userId(), ProjectRole.VIEWER);

    assertThat(revision(org)).isEqualTo(revision + 1);
    assertThat(second.checkConsistent(bob, Capability.CREATE_CONTENT, web).allowed()).isFalse();
    assertThat(loads.get()).isEqualTo(loadsBefore + 1);
  }

  private long revision(OrgId org) {
    return memory.inTransaction(tx -> tx.organizations().revision(org)).getAsLong();
  }

  private AccessPolicy policy(Store store) {
    return AccessPolicy.builder().store(store).clock(clock).stalenessBound(Duration.ofHours(1)).build();
  }

  private Store counting(Store store) {
    return intercepting(store, (type, method, args, proceed) -> {
      if (type == MembershipRepository.class && method.getName().equals("listByOrganization")) {
        loads.incrementAndGet(); // every full load of an organization lists its members once
      }
      return proceed.get();
    });
  }

  /** {@code store}, declared shared: an instance revalidates its snapshots against the revisions. */
  private static Store shared(Store store) {
    return new Store() {
      @Override
      public <T> T inTransaction(Function<Transaction, T> work) {
        return store.inTransaction(work);
      }

      @Override
      public boolean shared() {
        return true;
      }
    };
  }
}
