package dev.warden.examples.http;

import dev.warden.examples.http.WardenHttpService.Storage;

/** The same scenarios with {@code --in-memory}: the HTTP answers do not depend on the store. */
class UserManagementScenariosInMemoryTest extends UserManagementScenariosTest {
  @Override
  Storage storage() {
    return Storage.IN_MEMORY;
  }
}
