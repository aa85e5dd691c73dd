package dev.warden.resource;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.organization.UserId;
import dev.warden.project.ProjectId;
import java.util.Optional;

/**
 * An access rule: for every resource of a kind in a project ({@code resourceId} and {@code user}
 * empty), for one resource and everyone ({@code resourceId} set), or for one resource and one member
 * (both set). Precedence: member rule, then everyone rule, then kind rule, then the kind's default;
 * always capped by the member's project role. Immutable.
 */
public record ResourceRule(
    ProjectId project, String kind, Optional<String> resourceId, Optional<UserId> user, AccessLevel level) {

  public ResourceRule {
    checkNotNull(project, "project");
    ResourceRef.requireKind(kind);
    checkNotNull(resourceId, "resourceId");
    checkNotNull(user, "user");
    checkArgument(user.isEmpty() || resourceId.isPresent(), "a rule for one member names one resource");
    checkNotNull(level, "level");
  }

  /** A rule for every resource of {@code kind} in {@code project}. */
  public static ResourceRule forKind(ProjectId project, String kind, AccessLevel level) {
    return new ResourceRule(project, kind, Optional.empty(), Optional.empty(), level);
  }

  /** A rule for everyone on one resource. */
  public static ResourceRule forEveryone(ResourceRef ref, AccessLevel level) {
    return new ResourceRule(ref.project(), ref.kind(), Optional.of(ref.id()), Optional.empty(), level);
  }

  /** A rule for one member on one resource. */
  public static ResourceRule forMember(ResourceRef ref, UserId user, AccessLevel level) {
    return new ResourceRule(ref.project(), ref.kind(), Optional.of(ref.id()), Optional.of(user), level);
  }

  /** The resource this rule is about; empty for a kind rule. */
  public Optional<ResourceRef> ref() {
    return resourceId.map(id -> new ResourceRef(project, kind, id));
  }

  /** The same rule at another level. */
  public ResourceRule withLevel(AccessLevel newLevel) {
    return new ResourceRule(project, kind, resourceId, user, newLevel);
  }
}
