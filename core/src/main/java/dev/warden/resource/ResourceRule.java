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
 *
 * <p>A member rule may be {@code shared} (issue 16, "give this contractor one dashboard while the
 * project stays closed to them"): while the member sees the project it is their own rule like any
 * other; while the project is hidden from them (it stays hidden: checks on it, its listings and its other
 * resources answer {@code NOT_FOUND}) the resource alone opens to them at the share's level, acting as a
 * project Viewer ({@code VIEWER}) or Member ({@code EDITOR}) for capabilities on that resource. A share
 * gives {@code VIEWER} or {@code EDITOR}, never {@code MANAGER}, so a guest never changes rules.
 */
public record ResourceRule(ProjectId project, String kind, Optional<String> resourceId, Optional<UserId> user,
    AccessLevel level, boolean shared) {

  public ResourceRule {
    checkNotNull(project, "project");
    ResourceRef.requireKind(kind);
    checkNotNull(resourceId, "resourceId");
    checkNotNull(user, "user");
    checkArgument(user.isEmpty() || resourceId.isPresent(), "a rule for one member names one resource");
    checkNotNull(level, "level");
    checkArgument(!shared || user.isPresent(), "only a rule for one member is shared");
    checkArgument(!shared || level == AccessLevel.VIEWER || level == AccessLevel.EDITOR,
        "a share gives VIEWER or EDITOR, but was %s", level);
  }

  /** A rule that is not a share (the form of version 0.1). */
  public ResourceRule(ProjectId project, String kind, Optional<String> resourceId, Optional<UserId> user,
      AccessLevel level) {
    this(project, kind, resourceId, user, level, false);
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

  /**
   * A share: a rule for one member on one resource that holds even while the project is hidden from
   * them ({@code VIEWER} or {@code EDITOR}).
   */
  public static ResourceRule share(ResourceRef ref, UserId user, AccessLevel level) {
    return new ResourceRule(ref.project(), ref.kind(), Optional.of(ref.id()), Optional.of(user), level, true);
  }

  /** The resource this rule is about; empty for a kind rule. */
  public Optional<ResourceRef> ref() {
    return resourceId.map(id -> new ResourceRef(project, kind, id));
  }

  /** The same rule at another level (a share stays a share, so {@code newLevel} must suit one). */
  public ResourceRule withLevel(AccessLevel newLevel) {
    return new ResourceRule(project, kind, resourceId, user, newLevel, shared);
  }

  /**
   * What identifies the rule in a store, which holds at most one rule per key: the same project, kind,
   * resource and user, at level {@code NONE} and not shared.
   */
  public ResourceRule key() {
    return new ResourceRule(project, kind, resourceId, user, AccessLevel.NONE, false);
  }
}
