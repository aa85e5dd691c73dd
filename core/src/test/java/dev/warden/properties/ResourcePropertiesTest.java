package dev.warden.properties;

import dev.warden.memory.InMemoryStore;
import dev.warden.spi.Store;

/** Runs the properties of resource-level permissions ({@link ResourcePropertiesContract}) on the in-memory store. */
class ResourcePropertiesTest extends ResourcePropertiesContract {
  @Override
  protected Store newStore() {
    return InMemoryStore.create();
  }
}
