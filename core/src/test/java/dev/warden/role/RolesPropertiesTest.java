package dev.warden.role;

import dev.warden.memory.InMemoryStore;
import dev.warden.spi.Store;

/** Runs the properties of roles (issue 16) on the in-memory store, a new one per try. */
class RolesPropertiesTest extends RolesPropertiesContract {
  @Override
  protected Store newStore() {
    return InMemoryStore.create();
  }
}
