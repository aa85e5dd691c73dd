package dev.warden.examples.store;

import dev.warden.concurrency.PolicyRaceContract;
import dev.warden.memory.InMemoryStore;
import dev.warden.spi.Store;

/** The policy races from core's test-jar, on the host-backed store. */
class HostBackedPolicyRaceTest extends PolicyRaceContract {

  @Override
  protected Store newStore() {
    return HostBackedStore.over(InMemoryStore.create(), new HostAuditTable());
  }
}
