package dev.warden.spi;

import dev.warden.organization.OrgId;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Where Warden keeps its state. The engine does all reading and writing inside
 * {@link #inTransaction}; a host plugs in another store with {@code AccessPolicy.builder().store(…)}.
 * Implementations must be thread-safe.
 */
public interface Store {

  /**
   * Runs {@code work} in one transaction and commits if it returns normally. If it throws, nothing it
   * wrote remains and the exception propagates (store failures as {@code StorageException}). Locks taken
   * with {@link OrganizationRepository#lock} are held until the transaction ends.
   */
  <T> T inTransaction(Function<Transaction, T> work);

  /**
   * Whether other processes may change this store's data (a database several application instances
   * share). If so, a policy revalidates its cached snapshots against the organizations' revisions
   * within its staleness bound. The default, {@code false}, suits a store only this JVM changes.
   */
  default boolean shared() {
    return false;
  }

  /**
   * Asks the store to tell {@code listener} the id of every organization whose revision changes,
   * whoever changed it (PostgreSQL: {@code LISTEN/NOTIFY}). Best effort: a policy still polls revisions
   * within its staleness bound. Returns whether the store can push changes at all; the default cannot.
   */
  default boolean subscribe(Consumer<OrgId> listener) {
    return false;
  }
}
