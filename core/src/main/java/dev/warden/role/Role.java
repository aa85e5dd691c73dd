package dev.warden.role;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableSet;
import dev.warden.Limits;
import dev.warden.matrix.Capability;
import dev.warden.organization.OrgId;
import java.time.Instant;
import java.util.Set;

/**
 * A named group of an organization's members that carries access (issue 16): the organization
 * capabilities it adds to its members' level, and — as separate {@link RoleGrant}s — project roles on
 * chosen projects. Names are unique within the organization. Immutable.
 *
 * @param capabilities organization-scoped capabilities every active member of the role holds, whatever
 *     their level
 */
public record Role(RoleId id, OrgId organization, String name, Set<Capability> capabilities, Instant createdAt) {

  public Role {
    checkNotNull(id, "id");
    checkNotNull(organization, "organization");
    name = Limits.name(name, "role name");
    capabilities = ImmutableSet.copyOf(checkNotNull(capabilities, "capabilities"));
    for (Capability c : capabilities) {
      checkArgument(c.scope() == Capability.Scope.ORGANIZATION,
          "a role carries organization capabilities only; %s is not one (give project roles with a RoleGrant)", c);
    }
    createdAt = Limits.instant(createdAt, "createdAt");
  }

  public Role withName(String newName) {
    return new Role(id, organization, newName, capabilities, createdAt);
  }

  public Role withCapabilities(Set<Capability> next) {
    return new Role(id, organization, name, next, createdAt);
  }
}
