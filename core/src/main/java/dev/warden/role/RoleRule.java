package dev.warden.role;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.project.ProjectId;
import dev.warden.resource.AccessLevel;
import dev.warden.resource.ResourceRef;
import java.util.Optional;

/**
 * The access level a role gives its active members on one resource ({@code resourceId} set) or on every
 * resource of a kind in a project ({@code resourceId} empty). Combined with a member's own rule on the
 * same resource by the organization's {@link ResolutionRule}; a rule on the resource beats a rule on its
 * kind, which beats the kind's default; always capped by the member's project role. Immutable.
 */
public record RoleRule(RoleId role, ProjectId project, String kind, Optional<String> resourceId, AccessLevel level) {

  public RoleRule {
    checkNotNull(role, "role");
    checkNotNull(project, "project");
    ResourceRef.requireKind(kind);
    checkNotNull(resourceId, "resourceId");
    checkNotNull(level, "level");
  }

  /** A role's rule for every resource of {@code kind} in {@code project}. */
  public static RoleRule forKind(RoleId role, ProjectId project, String kind, AccessLevel level) {
    return new RoleRule(role, project, kind, Optional.empty(), level);
  }

  /** A role's rule on one resource. */
  public static RoleRule forResource(RoleId role, ResourceRef ref, AccessLevel level) {
    return new RoleRule(role, ref.project(), ref.kind(), Optional.of(ref.id()), level);
  }

  /** The resource this rule is about; empty for a kind rule. */
  public Optional<ResourceRef> ref() {
    return resourceId.map(id -> new ResourceRef(project, kind, id));
  }

  /** The same rule at another level. */
  public RoleRule withLevel(AccessLevel newLevel) {
    return new RoleRule(role, project, kind, resourceId, newLevel);
  }

  /** What identifies the rule in a store, which holds at most one rule per key: the same rule at level {@code NONE}. */
  public RoleRule key() {
    return withLevel(AccessLevel.NONE);
  }
}
