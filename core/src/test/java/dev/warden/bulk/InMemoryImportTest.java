package dev.warden.bulk;

import dev.warden.memory.InMemoryStore;
import dev.warden.spi.Store;

/** Runs the bulk import contract (issue 14) against the in-memory store. */
class InMemoryImportTest extends ImportContract {
  @Override
  protected Store newStore() {
    return InMemoryStore.create();
  }
}
