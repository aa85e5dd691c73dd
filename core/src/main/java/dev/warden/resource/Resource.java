package dev.warden.resource;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.organization.UserId;
import dev.warden.internal.Instants;
import java.time.Instant;

/** A registered resource and its creator, who always manages it. Immutable. */
public record Resource(ResourceRef ref, UserId creator, Instant createdAt) {
  public Resource {
    checkNotNull(ref, "ref");
    checkNotNull(creator, "creator");
    createdAt = Instants.micros(createdAt, "createdAt");
  }

  public Resource withCreator(UserId newCreator) {
    return new Resource(ref, newCreator, createdAt);
  }
}
