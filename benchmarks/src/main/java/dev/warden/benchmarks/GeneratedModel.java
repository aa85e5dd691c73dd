package dev.warden.benchmarks;

import dev.warden.matrix.Capability;
import dev.warden.matrix.PermissionMatrix;
import dev.warden.matrix.ResourceKind;
import dev.warden.organization.OrgLevel;
import dev.warden.project.ProjectRole;
import dev.warden.resource.AccessLevel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A host model of {@value #CAPABILITIES} capabilities and {@value #KINDS} resource kinds, built on the
 * PostHog preset through the public builder: for every capability of the preset, twins held by exactly
 * the same levels or roles, plus resource capabilities on ten more kinds. A request mix remapped to the
 * twins ({@link #twinOf}) must get the same answers as the original, so the benchmark measures only what
 * a larger model costs (capability ordinals past 64, wider bit sets), not different decisions.
 */
final class GeneratedModel {
  static final int CAPABILITIES = 200;
  static final int KINDS = 20;

  private final PermissionMatrix matrix;
  private final Map<Capability, Capability> twins = new HashMap<>();

  GeneratedModel() {
    PermissionMatrix base = PermissionMatrix.posthog();
    PermissionMatrix.Builder b = base.toBuilder();
    // Leaving is the one capability the Owner never holds: a twin of it would break the Owner rule.
    List<Capability> originals = base.capabilities().stream()
        .filter(c -> c != Capability.LEAVE_ORGANIZATION).toList();
    int extraKinds = KINDS - base.resourceKinds().size();
    List<String> kinds = new ArrayList<>();
    for (int k = 0; k < extraKinds; k++) {
      kinds.add("generated_kind_" + k);
      b.kind(ResourceKind.named(kinds.get(k)));
    }
    int resourceCapabilities = 40;
    int twinCount = CAPABILITIES - base.capabilities().size() - resourceCapabilities;
    for (int i = 0; i < twinCount; i++) {
      Capability original = originals.get(i % originals.size());
      Capability twin = original.scope() == Capability.Scope.ORGANIZATION
          ? Capability.organization("generated.org." + i) : Capability.project("generated.project." + i);
      b.capability(twin, base.apiScope(original).toString(), "twin " + i + " of " + original);
      for (OrgLevel level : OrgLevel.values()) {
        if (original.scope() == Capability.Scope.ORGANIZATION && base.allows(level, original)) {
          b.grant(level, twin);
        }
      }
      for (ProjectRole role : ProjectRole.values()) {
        if (original.scope() != Capability.Scope.ORGANIZATION && base.allows(role, original)) {
          b.grant(role, twin);
        }
      }
      twins.put(original, twin); // the last twin of each original: the highest ordinal
    }
    for (int i = 0; i < resourceCapabilities; i++) {
      String kind = kinds.get(i % kinds.size());
      Capability c = Capability.resource(kind, "generated." + kind + "." + i);
      b.capability(c, "generated:write", "resource capability " + i).grant(ProjectRole.ADMIN, c);
      if (i % 2 == 0) {
        b.grant(ProjectRole.MEMBER, c);
      }
    }
    matrix = b.build();
    if (matrix.capabilities().size() != CAPABILITIES || matrix.resourceKinds().size() != KINDS) {
      throw new IllegalStateException("generated " + matrix.capabilities().size() + " capabilities and "
          + matrix.resourceKinds().size() + " kinds");
    }
  }

  PermissionMatrix matrix() {
    return matrix;
  }

  /** The highest-ordinal twin of a PostHog capability (held by the same levels or roles), or itself if none. */
  Capability twinOf(Capability original) {
    return twins.getOrDefault(original, original);
  }

  /** {@code requests} asking for the twins of their capabilities. */
  List<DataSet.Request> remap(List<DataSet.Request> requests) {
    return requests.stream()
        .map(r -> new DataSet.Request(r.kind(), r.expect(), r.user(), r.org(), r.project(), twinOf(r.capability())))
        .toList();
  }
}
