package dev.warden.examples.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.AccessPolicy;
import dev.warden.Decision;
import dev.warden.ErrorCode;
import dev.warden.PermissionDeniedException;
import dev.warden.Principal;
import dev.warden.Reason;
import dev.warden.examples.store.HostProjectTable.ProjectRow;
import dev.warden.invite.InviteRequest;
import dev.warden.matrix.Capability;
import dev.warden.memory.InMemoryStore;
import dev.warden.organization.Organization;
import dev.warden.organization.UserId;
import dev.warden.project.Project;
import dev.warden.project.ProjectRole;
import dev.warden.project.Visibility;
import dev.warden.project.ProjectId;
import dev.warden.spi.Store;
import dev.warden.spi.StoreContract;
import dev.warden.spi.Transaction;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The host's store passes the whole store contract from core's test-jar, unchanged; the tests below it
 * show a policy running on it, with projects and grants landing in the host's own table.
 */
class HostBackedStoreTest extends StoreContract {
  private HostProjectTable table;

  @Override
  protected Store newStore() {
    table = new HostProjectTable();
    return HostBackedStore.over(InMemoryStore.create(), table);
  }

  private final Principal alice = Principal.user(UserId.of("alice"), "alice@acme.com");
  private final Principal bob = Principal.user(UserId.of("bob"), "bob@acme.com");

  @Test
  void policy_keepsProjectsAndGrantsInTheHostTable() {
    AccessPolicy policy = AccessPolicy.builder().store(store()).build();
    Organization acme = policy.organizations().create(alice, "Acme Corp");
    Project prod = policy.projects().create(alice, acme.id(), "Production");
    policy.invites().accept(
        policy.invites().create(alice, acme.id(), InviteRequest.to("bob@acme.com").grant(prod.id(), ProjectRole.VIEWER))
            .token(), bob, "bob@acme.com");

    assertThat(table.projectsOfTenant(acme.id().value())).extracting(ProjectRow::displayName)
        .containsExactlyInAnyOrder("Default Project", "Production");
    assertThat(table.findAccess(prod.id().value(), "bob")).hasValueSatisfying(row -> assertThat(row.role()).isEqualTo("viewer"));
    assertThat(policy.check(bob, Capability.VIEW_DATA, prod.id())).isEqualTo(Decision.allow(Reason.EXPLICIT_GRANT));
  }

  @Test
  void policy_privateProjectInTheHostTable_isHiddenFromAMemberWithoutGrant() {
    AccessPolicy policy = AccessPolicy.builder().store(store()).build();
    Organization acme = policy.organizations().create(alice, "Acme Corp");
    Project finance = policy.projects().create(alice, acme.id(), "Finance");
    policy.invites().accept(policy.invites().create(alice, acme.id(), InviteRequest.to("bob@acme.com")).token(),
        bob, "bob@acme.com");

    policy.projects().setVisibility(alice, finance.id(), Visibility.PRIVATE);

    assertThat(table.findProject(finance.id().value()).orElseThrow().inviteOnly()).isTrue();
    assertThat(policy.check(bob, Capability.VIEW_DATA, finance.id())).isEqualTo(Decision.notFound());
    assertThat(policy.check(alice, Capability.VIEW_DATA, finance.id()).allowed()).isTrue();
  }

  @Test
  void policy_rotatedTokenInTheHostTable_resolvesNoMore() {
    AccessPolicy policy = AccessPolicy.builder().store(store()).build();
    Organization acme = policy.organizations().create(alice, "Acme Corp");
    Project prod = policy.projects().create(alice, acme.id(), "Production");

    Project rotated = policy.projects().rotateToken(alice, prod.id());

    assertThat(table.findProjectByToken(prod.token())).isEmpty();
    assertThat(table.findProject(prod.id().value()).orElseThrow().apiToken()).isEqualTo(rotated.token());
    assertThat(policy.resolveProjectToken(prod.token())).isEmpty();
    assertThat(policy.resolveProjectToken(rotated.token())).map(Project::id).contains(prod.id());
  }

  @Test
  void policy_refusedMutation_leavesTheHostTableAsItWas() {
    AccessPolicy policy = AccessPolicy.builder().store(store()).build();
    Organization acme = policy.organizations().create(alice, "Acme Corp");
    policy.invites().accept(policy.invites().create(alice, acme.id(), InviteRequest.to("bob@acme.com")).token(),
        bob, "bob@acme.com");
    int before = table.projectCount();

    assertThatThrownBy(() -> policy.projects().create(bob, acme.id(), "Bob's project"))
        .isInstanceOfSatisfying(PermissionDeniedException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_DENIED));

    assertThat(table.projectCount()).isEqualTo(before);
  }

  @Test
  void delegateFailingToCommit_leavesNoHostRow() {
    HostProjectTable host = new HostProjectTable();
    InMemoryStore memory = InMemoryStore.create();
    Store failsAtCommit = new Store() {
      @Override
      public <T> T inTransaction(Function<Transaction, T> work) {
        memory.inTransaction(work);
        throw new IllegalStateException("commit failed");
      }
    };
    Store store = HostBackedStore.over(failsAtCommit, host);

    assertThatThrownBy(() -> store.inTransaction(tx -> {
      tx.organizations().insert(org(ORG, "Acme", T0));
      tx.projects().insert(project(ORG, PROD, "phc_prod", T0));
      return null;
    })).hasMessage("commit failed");

    assertThat(host.projectCount()).isZero();
  }

  @Test
  void delegateRetryingTheWork_keepsOnlyTheLastAttemptsRows() {
    HostProjectTable host = new HostProjectTable();
    InMemoryStore memory = InMemoryStore.create();
    memory.inTransaction(tx -> {
      tx.organizations().insert(org(ORG, "Acme", T0));
      return null;
    });
    Store retries = new Store() {
      @Override
      public <T> T inTransaction(Function<Transaction, T> work) {
        memory.inTransaction(work); // as if this attempt had lost a serialization race at commit
        return memory.inTransaction(work);
      }
    };
    AtomicInteger attempt = new AtomicInteger();
    Store store = HostBackedStore.over(retries, host);

    store.inTransaction(tx -> {
      String token = "phc_attempt" + attempt.incrementAndGet();
      tx.projects().insert(project(ORG, ProjectId.of("prj_" + attempt.get()), token, T0));
      return null;
    });

    assertThat(host.projectsOfTenant(ORG.value())).extracting(ProjectRow::id).containsExactly("prj_2");
  }
}
