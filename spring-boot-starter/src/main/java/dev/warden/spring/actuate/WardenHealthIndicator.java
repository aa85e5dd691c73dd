package dev.warden.spring.actuate;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.jdbc.ChangeFeed;
import dev.warden.jdbc.JdbcStore;
import dev.warden.organization.OrgId;
import dev.warden.spi.Store;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * The {@code warden} health component: {@code DOWN} when the store cannot answer a one-row read (checks
 * then fail closed once their snapshots are older than the staleness bound), else {@code UP} with the
 * store, and for a {@link JdbcStore} its dialect, change feed and whether the {@code LISTEN} connection
 * is up ({@code listening}). A PostgreSQL store that is not listening stays {@code UP}: changes from
 * other instances then arrive by polling, within the bound, so the instance is still correct. Thread-safe.
 */
public class WardenHealthIndicator extends AbstractHealthIndicator {
  /** An id no organization has (ids are made by Warden with a prefix and random part). */
  private static final OrgId PROBE = OrgId.of("warden-health-probe");

  private final Store store;

  /** Reports on {@code store}. */
  public WardenHealthIndicator(Store store) {
    super("Warden store health check failed");
    this.store = checkNotNull(store, "store");
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    store.inTransaction(tx -> tx.organizations().revision(PROBE));
    builder.up().withDetail("store", store.getClass().getSimpleName());
    if (store instanceof JdbcStore jdbc) {
      builder.withDetail("dialect", jdbc.dialect().name()).withDetail("changeFeed", jdbc.changeFeed().name());
      if (jdbc.changeFeed() == ChangeFeed.LISTEN_NOTIFY) {
        builder.withDetail("listening", jdbc.listening());
      }
    }
  }
}
