package dev.warden.resource;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.Limits;
import dev.warden.organization.UserId;
import java.time.Instant;

/** A registered resource and its creator, who always manages it. Immutable. */
public record Resource(ResourceRef ref, UserId creator, Instant createdAt) {
  public Resource {
    checkNotNull(ref, "ref");
    checkNotNull(creator, "creator");
    createdAt = Limits.instant(createdAt, "createdAt");
  }

  public Resource withCreator(UserId newCreator) {
    return new Resource(ref, newCreator, createdAt);
  }
}
