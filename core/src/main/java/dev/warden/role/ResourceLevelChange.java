package dev.warden.role;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.organization.UserId;
import dev.warden.resource.AccessLevel;
import dev.warden.resource.ResourceRef;

/**
 * One effect on a resource of switching an organization's {@link ResolutionRule}: the member's access
 * level there before and after, where their own rule and a role's rule on the resource differ, and the
 * role whose rule is involved.
 */
public record ResourceLevelChange(UserId member, ResourceRef resource, AccessLevel before, AccessLevel after,
    RoleId via) {

  public ResourceLevelChange {
    checkNotNull(member, "member");
    checkNotNull(resource, "resource");
    checkNotNull(before, "before");
    checkNotNull(after, "after");
    checkNotNull(via, "via");
  }
}
