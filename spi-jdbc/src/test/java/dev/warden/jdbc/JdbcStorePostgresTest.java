package dev.warden.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.organization.OrgId;
import dev.warden.spi.Transaction;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Runs the store contract on a real PostgreSQL server: one server for the class, a database per test;
 * plus the change feed, which only PostgreSQL has.
 */
class JdbcStorePostgresTest extends JdbcStoreContract {
  private static final EmbeddedPostgresServer server = EmbeddedPostgresServer.shared();

  @Override
  protected DataSource newDatabase() {
    return server.newDatabase();
  }

  @Override
  protected Dialect dialect() {
    return Dialect.POSTGRES;
  }

  @Test
  void subscribe_hearsEveryCommittedRevisionBumpOfAnyStore_onceAndOnlyOnCommit_untilClosed() throws Exception {
    seed();
    JdbcStore listening = (JdbcStore) store();
    BlockingQueue<OrgId> heard = new LinkedBlockingQueue<>();
    assertThat(listening.subscribe(heard::add)).isTrue();
    long start = System.nanoTime();
    while (!listening.listening()) {
      assertThat(System.nanoTime() - start).as("listening within 10 s").isLessThan(TimeUnit.SECONDS.toNanos(10));
      Thread.sleep(5);
    }
    JdbcStore other = JdbcStore.postgres(dataSource());

    assertThatThrownBy(() -> other.inTransaction((Transaction t) -> {
      t.organizations().lock(ORG);
      t.organizations().bumpRevision(ORG);
      throw new IllegalStateException("rolled back");
    })).hasMessage("rolled back");
    other.inTransaction((Transaction t) -> {
      t.organizations().lock(ORG);
      t.organizations().bumpRevision(ORG);
      return t.organizations().bumpRevision(ORG);
    });

    assertThat(heard.poll(5, TimeUnit.SECONDS)).isEqualTo(ORG);
    // Neither the rolled-back bump nor the second bump of the same transaction arrives.
    assertThat(heard.poll(300, TimeUnit.MILLISECONDS)).isNull();

    listening.close();
    assertThat(listening.listening()).isFalse();
    assertThatThrownBy(() -> listening.subscribe(org -> {})).isInstanceOf(IllegalStateException.class);
    listening.close(); // a second close does nothing
    other.close();
  }
}
