package dev.warden.matrix;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableMap;
import dev.warden.resource.AccessLevel;
import dev.warden.resource.ResourceRef;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A kind of resource a permission model knows (dashboards, invoices, reports, …): the level project
 * members get on one without rules, the level nobody who sees the project falls below, and the level
 * each capability needs on it. A capability the table does not list needs {@code MANAGER}; {@link
 * #named} starts the table with Warden's own ({@code VIEW_DATA}, {@code CREATE_CONTENT}). Project
 * Viewers stay capped at {@code VIEWER} and creators and project Admins at {@code MANAGER} whatever
 * the kind says (SPEC §8). Immutable.
 *
 * <pre>{@code
 * ResourceKind.named("invoice").requires(AccessLevel.EDITOR, approve).defaultLevel(AccessLevel.VIEWER)
 * }</pre>
 *
 * @param name the kind, as in {@link ResourceRef#kind()}
 * @param defaultLevel what a project member gets without a rule ({@code EDITOR} unless set)
 * @param minimumLevel the floor under every rule, {@code NONE} or {@code VIEWER} (dashboards: everyone
 *     who sees the project sees them)
 * @param required the level each listed capability needs on a resource of this kind
 */
public record ResourceKind(String name, AccessLevel defaultLevel, AccessLevel minimumLevel,
    Map<Capability, AccessLevel> required) {

  public ResourceKind {
    ResourceRef.requireKind(name);
    checkNotNull(defaultLevel, "defaultLevel");
    checkNotNull(minimumLevel, "minimumLevel");
    checkArgument(!minimumLevel.atLeast(AccessLevel.EDITOR),
        "resource kind %s: minimumLevel must be NONE or VIEWER (a project Viewer never edits), but was %s", name,
        minimumLevel);
    required = ImmutableMap.copyOf(required);
    for (Map.Entry<Capability, AccessLevel> e : required.entrySet()) {
      checkArgument(e.getKey().appliesTo(name), "resource kind %s: capability %s (%s) cannot be checked on it",
          name, e.getKey(), e.getKey().scope());
      checkArgument(e.getValue() != AccessLevel.NONE, "resource kind %s: %s must need at least VIEWER", name,
          e.getKey());
    }
  }

  /**
   * A kind with the default level {@code EDITOR}, no floor, and Warden's own project capabilities in
   * its table as SPEC §8 reads them: {@code VIEW_DATA} (reading a resource) needs {@code VIEWER},
   * {@code CREATE_CONTENT} {@code EDITOR}.
   */
  public static ResourceKind named(String name) {
    return new ResourceKind(name, AccessLevel.EDITOR, AccessLevel.NONE,
        Map.of(Capability.VIEW_DATA, AccessLevel.VIEWER, Capability.CREATE_CONTENT, AccessLevel.EDITOR));
  }

  /** This kind with members' level without rules set to {@code level}. */
  public ResourceKind defaultLevel(AccessLevel level) {
    return new ResourceKind(name, level, minimumLevel, required);
  }

  /** This kind with the floor set to {@code level}. */
  public ResourceKind minimumLevel(AccessLevel level) {
    return new ResourceKind(name, defaultLevel, level, required);
  }

  /** This kind with {@code capabilities} needing {@code level} on its resources. */
  public ResourceKind requires(AccessLevel level, Capability... capabilities) {
    Map<Capability, AccessLevel> table = new LinkedHashMap<>(required);
    for (Capability c : capabilities) {
      table.put(checkNotNull(c, "capability"), level);
    }
    return new ResourceKind(name, defaultLevel, minimumLevel, table);
  }

  /** The level {@code capability} needs on a resource of this kind: its entry, else {@code MANAGER}. */
  public AccessLevel required(Capability capability) {
    return required.getOrDefault(capability, AccessLevel.MANAGER);
  }
}
