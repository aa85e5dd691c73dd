package dev.warden.report;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import dev.warden.role.RoleId;
import java.util.List;

/**
 * One role in an {@link AccessRegistry} or {@link AccessReview} (issue 16): its name and its active
 * members, ordered by email (then user id), each with the expiry of their place in the role if any.
 * Immutable.
 */
public record RegistryRole(RoleId id, String name, List<RegistryEntry> members) {
  public RegistryRole {
    checkNotNull(id, "id");
    checkNotNull(name, "name");
    members = ImmutableList.copyOf(members);
  }
}
