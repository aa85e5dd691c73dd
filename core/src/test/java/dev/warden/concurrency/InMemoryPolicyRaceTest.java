package dev.warden.concurrency;

import dev.warden.memory.InMemoryStore;
import dev.warden.spi.Store;

/** Runs the policy races on the in-memory store. */
class InMemoryPolicyRaceTest extends PolicyRaceContract {

  @Override
  protected Store newStore() {
    return InMemoryStore.create();
  }
}
