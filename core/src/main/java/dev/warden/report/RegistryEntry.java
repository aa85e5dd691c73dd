package dev.warden.report;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.organization.EmailAddress;
import dev.warden.organization.UserId;
import java.time.Instant;
import java.util.Optional;

/** One person in an {@link AccessRegistry}: who, the membership note, and the expiry if any. Immutable. */
public record RegistryEntry(UserId user, Optional<EmailAddress> email, Optional<String> note, Optional<Instant> expiresAt) {
  public RegistryEntry {
    checkNotNull(user, "user");
    checkNotNull(email, "email");
    checkNotNull(note, "note");
    checkNotNull(expiresAt, "expiresAt");
  }

  /** The email, or the user id for a member whose email Warden never learned. */
  public String name() {
    // No Optional.map: registries sort thousands of entries by name.
    return email.isPresent() ? email.get().value() : user.value();
  }
}
