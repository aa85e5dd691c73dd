package dev.warden.spi;

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
}
