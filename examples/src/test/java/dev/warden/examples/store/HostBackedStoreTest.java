package dev.warden.examples.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.warden.AccessPolicy;
import dev.warden.ErrorCode;
import dev.warden.PageRequest;
import dev.warden.PermissionDeniedException;
import dev.warden.Principal;
import dev.warden.audit.AuditCursor;
import dev.warden.audit.AuditEntry;
import dev.warden.audit.AuditQuery;
import dev.warden.examples.store.HostAuditTable.EventRow;
import dev.warden.examples.store.HostAuditTable.FieldRow;
import dev.warden.invite.InviteRequest;
import dev.warden.memory.InMemoryStore;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.Organization;
import dev.warden.organization.UserId;
import dev.warden.project.ProjectId;
import dev.warden.spi.Store;
import dev.warden.spi.StoreContract;
import dev.warden.spi.Transaction;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The host's store passes the whole store contract from core's test-jar, unchanged; the tests below it
 * show a policy running on it, with its audit trail landing in the host's own compliance table.
 */
class HostBackedStoreTest extends StoreContract {
  private HostAuditTable table;

  @Override
  protected Store newStore() {
    table = new HostAuditTable();
    return HostBackedStore.over(InMemoryStore.create(), table);
  }

  private final Principal alice = Principal.user(UserId.of("alice"), "alice@acme.com");
  private final Principal bob = Principal.user(UserId.of("bob"), "bob@acme.com");

  private List<EventRow> rows() {
    return table.newestFirst(r -> true, Integer.MAX_VALUE);
  }

  @Test
  void policy_writesItsAuditTrailIntoTheHostTable_andReadsItBack() {
    AccessPolicy policy = AccessPolicy.builder().store(store()).build();
    Organization acme = policy.organizations().create(alice, "Acme Corp");
    policy.invites().accept(policy.invites().create(alice, acme.id(), InviteRequest.to("bob@acme.com")).token(),
        bob, "bob@acme.com");
    policy.members().changeLevel(alice, acme.id(), UserId.of("bob"), OrgLevel.ADMIN);

    assertThat(rows()).allSatisfy(row -> {
      assertThat(row.source()).isEqualTo("warden");
      assertThat(row.tenantId()).isEqualTo(acme.id().value());
    });
    assertThat(rows()).extracting(EventRow::eventType)
        .contains("organization.created", "member.invited", "member.joined", "member.level_changed");
    EventRow promoted = rows().stream().filter(r -> r.eventType().equals("member.level_changed")).findFirst().orElseThrow();
    assertThat(promoted.actorType()).isEqualTo("user");
    assertThat(promoted.actorId()).isEqualTo("alice");
    assertThat(promoted.subject()).isEqualTo("bob");
    assertThat(promoted.fields()).containsExactly(new FieldRow("level", "MEMBER", "ADMIN"));

    // Warden's audit log reads the same rows, newest first.
    List<AuditEntry> log = policy.audit().query(alice, AuditQuery.organization(acme.id()), PageRequest.first(100)).items();
    assertThat(log).extracting(AuditEntry::id).containsExactlyElementsOf(rows().stream().map(EventRow::eventId).toList());
  }

  @Test
  void hostsOwnEvents_areNeitherReturnedNorTouched() {
    AccessPolicy policy = AccessPolicy.builder().store(store()).build();
    Organization acme = policy.organizations().create(alice, "Acme Corp");
    EventRow billing = new EventRow("evt_billing_1", "billing", acme.id().value(), null, "user", "alice", null,
        "plan.upgraded", "acme", List.of(new FieldRow("plan", "free", "team")), T0);
    table.insert(billing);

    List<AuditEntry> log = policy.audit().query(alice, AuditQuery.organization(acme.id()), PageRequest.first(100)).items();

    assertThat(log).extracting(AuditEntry::action).doesNotContain("plan.upgraded").isNotEmpty();
    policy.organizations().delete(alice, acme.id());
    assertThat(table.find("evt_billing_1")).contains(billing);
  }

  @Test
  void policy_refusedChange_leavesOnlyTheDeniedAttemptInTheHostTable() {
    AccessPolicy policy = AccessPolicy.builder().store(store()).build();
    Organization acme = policy.organizations().create(alice, "Acme Corp");
    policy.invites().accept(policy.invites().create(alice, acme.id(), InviteRequest.to("bob@acme.com")).token(),
        bob, "bob@acme.com");
    int before = table.size();

    assertThatThrownBy(() -> policy.organizations().rename(bob, acme.id(), "Bob Corp"))
        .isInstanceOfSatisfying(PermissionDeniedException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_DENIED));

    assertThat(table.size()).isEqualTo(before + 1);
    assertThat(rows().get(0).eventType()).isEqualTo("organization.renamed.denied");
    assertThat(rows()).extracting(EventRow::eventType).doesNotContain("organization.renamed");
  }

  @Test
  void query_translatedToHostColumns_pagesThroughExactlyWhatAuditQueryMatches() {
    Random random = new Random(20260105);
    OrgId[] orgs = {ORG, OTHER, null};
    ProjectId[] projects = {PROD, DEV, null};
    UserId[] users = {ALICE, BOB, CAROL};
    String[] actions = {"member.invited", "grant.changed", "project.deleted"};
    List<AuditEntry> all = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      all.add(entry(String.format("aud_%03d", random.nextInt(1000) * 100 + i), orgs[random.nextInt(3)],
          projects[random.nextInt(3)], users[random.nextInt(3)], actions[random.nextInt(3)],
          T0.plusSeconds(random.nextInt(8))));
    }
    store().inTransaction((Transaction tx) -> {
      all.forEach(tx.audit()::append);
      return null;
    });
    Comparator<AuditEntry> newestFirst = Comparator.comparing(AuditEntry::at).thenComparing(AuditEntry::id).reversed();
    for (AuditQuery query : List.of(AuditQuery.organization(ORG), AuditQuery.organization(OTHER).byActor("bob"),
        AuditQuery.project(PROD).action("grant.changed"), AuditQuery.actor("carol"),
        AuditQuery.organization(ORG).between(T0.plusSeconds(2), T0.plusSeconds(6)))) {
      List<AuditEntry> expected = all.stream().filter(query::matches).sorted(newestFirst).toList();
      for (int size : new int[] {1, 4, 100}) {
        List<AuditEntry> paged = new ArrayList<>();
        Optional<AuditCursor> after = Optional.empty();
        while (true) {
          Optional<AuditCursor> cursor = after;
          List<AuditEntry> page = store().inTransaction((Transaction tx) -> tx.audit().query(query, cursor, size));
          paged.addAll(page);
          if (page.size() < size) {
            break;
          }
          after = Optional.of(AuditCursor.of(page.get(page.size() - 1)));
        }
        assertThat(paged).as("%s in pages of %s", query, size).containsExactlyElementsOf(expected);
      }
    }
  }

  @Test
  void failingTransaction_leavesNoHostRow() {
    seed();
    assertThatThrownBy(() -> store().inTransaction((Transaction tx) -> {
      tx.audit().append(entry("aud_1", ORG, PROD, ALICE, "project.renamed", T0));
      tx.audit().append(entry("aud_2", ORG, null, ALICE, "member.removed", T0));
      throw new IllegalStateException("boom");
    })).hasMessage("boom");

    assertThat(table.size()).isZero();
  }

  @Test
  void duplicateEventId_failsTheTransaction_andKeepsTheFirstRow() {
    store().inTransaction((Transaction tx) -> {
      tx.audit().append(entry("aud_1", ORG, null, ALICE, "member.invited", T0));
      return null;
    });
    assertThatThrownBy(() -> store().inTransaction((Transaction tx) -> {
      tx.audit().append(entry("aud_2", ORG, null, BOB, "member.invited", T0));
      tx.audit().append(entry("aud_1", ORG, null, BOB, "member.removed", T0));
      return null;
    })).isInstanceOf(HostAuditTable.DuplicateKeyException.class);

    assertThat(rows()).extracting(EventRow::eventId, EventRow::actorId).containsExactly(tuple("aud_1", "alice"));
  }

  @Test
  void delegateFailingToCommit_leavesNoHostRow() {
    HostAuditTable host = new HostAuditTable();
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
      tx.audit().append(entry("aud_1", ORG, null, ALICE, "organization.created", T0));
      return null;
    })).hasMessage("commit failed");

    assertThat(host.size()).isZero();
  }

  @Test
  void delegateRetryingTheWork_keepsOnlyTheLastAttemptsRows() {
    HostAuditTable host = new HostAuditTable();
    InMemoryStore memory = InMemoryStore.create();
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
      tx.audit().append(entry("aud_" + attempt.incrementAndGet(), ORG, null, ALICE, "member.invited", T0));
      return null;
    });

    assertThat(host.newestFirst(r -> true, 10)).extracting(EventRow::eventId).containsExactly("aud_2");
    assertThat(store.inTransaction((Transaction tx) -> tx.audit().query(AuditQuery.organization(ORG), Optional.empty(), 10)))
        .extracting(AuditEntry::id).containsExactly("aud_2");
  }
}
