package dev.warden.memory;

import dev.warden.spi.Store;
import dev.warden.spi.StoreContract;

/** Runs the store contract against the in-memory store. */
class InMemoryStoreTest extends StoreContract {
  @Override
  protected Store newStore() {
    return InMemoryStore.create();
  }
}
