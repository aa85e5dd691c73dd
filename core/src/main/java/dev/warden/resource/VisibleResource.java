package dev.warden.resource;

import static com.google.common.base.Preconditions.checkNotNull;

/** A resource a member can see, with their access level on it. Immutable. */
public record VisibleResource(Resource resource, AccessLevel level) {
  public VisibleResource {
    checkNotNull(resource, "resource");
    checkNotNull(level, "level");
  }
}
