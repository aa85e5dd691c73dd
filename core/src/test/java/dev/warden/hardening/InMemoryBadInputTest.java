package dev.warden.hardening;

import dev.warden.memory.InMemoryStore;
import dev.warden.spi.Store;

/** Runs the bad-input table (issue 12) against the in-memory store. */
class InMemoryBadInputTest extends BadInputContract {
  @Override
  protected Store newStore() {
    return InMemoryStore.create();
  }
}
