package dev.warden.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.ErrorCode;
import dev.warden.StorageException;
import dev.warden.organization.Membership;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrgLevel;
import dev.warden.spi.Store;
import dev.warden.spi.StoreContract;
import dev.warden.spi.Transaction;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The core store contract plus what only a database store has to get right: instants kept to the
 * microsecond, retries, unreachable databases. Subclasses supply a fresh, empty database per test.
 */
abstract class JdbcStoreContract extends StoreContract {
  private final List<AutoCloseable> resources = new ArrayList<>();
  private SwitchableDataSource dataSource;

  /** A data source for a new, empty database; closed after the test if it is {@link AutoCloseable}. */
  protected abstract DataSource newDatabase();

  protected abstract Dialect dialect();

  @Override
  protected final Store newStore() {
    DataSource database = newDatabase();
    if (database instanceof AutoCloseable closeable) {
      resources.add(closeable);
    }
    dataSource = new SwitchableDataSource(database);
    return JdbcStore.create(dataSource, dialect());
  }

  @AfterEach
  void closeDatabase() throws Exception {
    for (AutoCloseable r : resources) {
      r.close();
    }
    resources.clear();
  }

  private <T> T tx(java.util.function.Function<Transaction, T> work) {
    return store().inTransaction(work);
  }

  @Test
  void store_isShared_andNamesItsDialect() {
    assertThat(store().shared()).isTrue();
    assertThat(((JdbcStore) store()).dialect()).isEqualTo(dialect());
  }

  @Test
  void instants_areKeptToTheMicrosecond_andCompareAndSetMatchesTheNanosecondOriginal() {
    seed();
    Instant nanos = Instant.parse("2026-01-05T09:00:00.123456789Z");
    Membership carol = new Membership(ORG, CAROL, Optional.empty(), OrgLevel.MEMBER, Optional.of("CTO"),
        Optional.of(nanos.plusSeconds(60)), nanos, Optional.of(ALICE));
    tx((Transaction t) -> {
      t.memberships().insert(carol);
      return null;
    });
    Membership stored = tx((Transaction t) -> t.memberships().find(ORG, CAROL)).orElseThrow();
    assertThat(stored.joinedAt()).isEqualTo(Instant.parse("2026-01-05T09:00:00.123456Z"));
    assertThat(stored.expiresAt()).contains(Instant.parse("2026-01-05T09:01:00.123456Z"));
    assertThat(stored.note()).contains("CTO");
    assertThat(stored.invitedBy()).contains(ALICE);
    // The engine may hold the nanosecond original; it must still match the stored row.
    assertThat(tx((Transaction t) -> t.memberships().update(carol, carol.withLevel(OrgLevel.ADMIN)))).isTrue();
    assertThat(tx((Transaction t) -> t.memberships().find(ORG, CAROL)).orElseThrow().level()).isEqualTo(OrgLevel.ADMIN);
  }

  @Test
  void revisions_readsManyAtOnce_andLeavesOutMissingOnes() {
    seed();
    tx((Transaction t) -> {
      t.organizations().insert(org(OTHER, "Other", T0));
      t.organizations().lock(OTHER);
      t.organizations().bumpRevision(OTHER);
      return null;
    });
    List<OrgId> ids = new ArrayList<>(List.of(ORG, OTHER));
    for (int i = 0; i < 250; i++) {
      ids.add(OrgId.of("org_missing_" + i));
    }
    assertThat(tx((Transaction t) -> t.organizations().revisions(ids))).isEqualTo(Map.of(ORG, 0L, OTHER, 1L));
  }

  @Test
  void bumpRevision_withoutLock_fails() {
    seed();
    assertThatThrownBy(() -> tx((Transaction t) -> t.organizations().bumpRevision(ORG))).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void transaction_usedAfterItsCallback_fails() {
    seed();
    Transaction leaked = tx((Transaction t) -> t);
    assertThatThrownBy(() -> leaked.organizations().find(ORG)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void inTransaction_retriesSerializationFailures() {
    seed();
    AtomicInteger attempts = new AtomicInteger();
    String name = tx((Transaction t) -> {
      t.organizations().update(org(ORG, "Attempt " + attempts.incrementAndGet(), T0));
      if (attempts.get() < 3) {
        throw serializationFailure();
      }
      return t.organizations().find(ORG).orElseThrow().name();
    });
    assertThat(attempts).hasValue(3);
    assertThat(name).isEqualTo("Attempt 3");
    assertThat(tx((Transaction t) -> t.organizations().find(ORG)).orElseThrow().name()).isEqualTo("Attempt 3");
  }

  @Test
  void inTransaction_givesUpAfterRepeatedSerializationFailures() {
    seed();
    AtomicInteger attempts = new AtomicInteger();
    assertThatThrownBy(() -> tx((Transaction t) -> {
      attempts.incrementAndGet();
      t.organizations().update(org(ORG, "Never", T0));
      throw serializationFailure();
    })).isInstanceOfSatisfying(StorageException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.CONCURRENT_MODIFICATION));
    assertThat(attempts).hasValue(5);
    assertThat(tx((Transaction t) -> t.organizations().find(ORG)).orElseThrow().name()).isEqualTo("Acme");
  }

  @Test
  void inTransaction_realDeadlock_isRetriedAndBothCommit() throws Exception {
    seed();
    tx((Transaction t) -> {
      t.organizations().insert(org(OTHER, "Other", T0));
      return null;
    });
    CyclicBarrier bothHoldTheirFirstLock = new CyclicBarrier(2);
    AtomicInteger attempts = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<Long>> results = new ArrayList<>();
      for (OrgId[] order : new OrgId[][] {{ORG, OTHER}, {OTHER, ORG}}) {
        results.add(pool.submit(() -> tx((Transaction t) -> {
          boolean first = attempts.incrementAndGet() <= 2;
          t.organizations().lock(order[0]);
          if (first) {
            await(bothHoldTheirFirstLock);
          }
          t.organizations().lock(order[1]);
          t.organizations().bumpRevision(order[0]);
          return t.organizations().bumpRevision(order[1]);
        })));
      }
      for (Future<Long> f : results) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(attempts.get()).isGreaterThan(2);
    assertThat(tx((Transaction t) -> t.organizations().revisions(List.of(ORG, OTHER)))).isEqualTo(Map.of(ORG, 2L, OTHER, 2L));
  }

  @Test
  void databaseUnreachable_isStoreUnavailable_andNothingIsLost() {
    seed();
    dataSource.down = true;
    assertThatThrownBy(() -> tx((Transaction t) -> t.organizations().find(ORG))).isInstanceOfSatisfying(StorageException.class,
        e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
          assertThat(e.getCause()).isInstanceOf(SQLException.class);
        });
    dataSource.down = false;
    assertThat(tx((Transaction t) -> t.organizations().find(ORG))).isPresent();
  }

  @Test
  void constraintViolation_isInternalError_keepingTheSqlState() {
    seed();
    assertThatThrownBy(() -> tx((Transaction t) -> {
      t.organizations().insert(org(ORG, "Again", T0));
      return null;
    })).isInstanceOfSatisfying(StorageException.class, e -> {
      assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL_ERROR);
      assertThat(((SQLException) e.getCause()).getSQLState()).isEqualTo("23505");
    });
  }

  @Test
  void creatingTheStoreAgain_keepsTheData() {
    seed();
    Store again = JdbcStore.create(dataSource, dialect());
    assertThat(again.inTransaction((Transaction t) -> t.memberships().listByOrganization(ORG))).hasSize(2);
  }

  private static StorageException serializationFailure() {
    return new StorageException(ErrorCode.CONCURRENT_MODIFICATION, "simulated",
        new SQLException("could not serialize access", "40001"));
  }

  private static void await(CyclicBarrier barrier) {
    try {
      barrier.await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
