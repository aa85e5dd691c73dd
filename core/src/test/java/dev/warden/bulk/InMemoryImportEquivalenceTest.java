package dev.warden.bulk;

import dev.warden.memory.InMemoryStore;
import dev.warden.spi.Store;

/** Runs the import-equals-single-operations property (issue 14) against the in-memory store. */
class InMemoryImportEquivalenceTest extends ImportEquivalenceContract {
  @Override
  protected Store newStore() {
    return InMemoryStore.create();
  }
}
