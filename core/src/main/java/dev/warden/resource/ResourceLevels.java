package dev.warden.resource;

import com.google.common.collect.ImmutableMap;
import dev.warden.matrix.Capability;
import java.util.EnumMap;
import java.util.Map;

/**
 * The one table saying which {@link AccessLevel} a project capability needs when checked against a
 * resource: viewing needs {@code VIEWER}, changing content {@code EDITOR}, everything else (deleting,
 * changing access, settings) {@code MANAGER}. The member's project role must hold the capability too.
 */
public final class ResourceLevels {
  private static final Map<Capability, AccessLevel> TABLE;

  static {
    Map<Capability, AccessLevel> t = new EnumMap<>(Capability.class);
    for (Capability c : Capability.values()) {
      if (c.scope() == Capability.Scope.PROJECT) {
        t.put(c, AccessLevel.MANAGER);
      }
    }
    t.put(Capability.VIEW_DATA, AccessLevel.VIEWER);
    t.put(Capability.USE_FEATURE_FLAGS, AccessLevel.VIEWER);
    t.put(Capability.CREATE_CONTENT, AccessLevel.EDITOR);
    t.put(Capability.MANAGE_FEATURE_FLAGS, AccessLevel.EDITOR);
    TABLE = ImmutableMap.copyOf(t);
  }

  private ResourceLevels() {}

  /**
   * The level {@code capability} needs on a resource.
   *
   * @throws IllegalArgumentException if {@code capability} is organization-scoped
   */
  public static AccessLevel required(Capability capability) {
    AccessLevel level = TABLE.get(capability);
    if (level == null) {
      throw new IllegalArgumentException("capability " + capability + " is organization-scoped; resources take project capabilities");
    }
    return level;
  }

  /** The whole table, in capability order. */
  public static Map<Capability, AccessLevel> table() {
    return TABLE;
  }
}
