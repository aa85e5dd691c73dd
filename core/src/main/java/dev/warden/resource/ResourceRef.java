package dev.warden.resource;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.Limits;
import dev.warden.project.ProjectId;

/**
 * Names one object inside a project: its project, its kind (lower-case, e.g. {@code dashboard},
 * {@code insight}, {@code feature_flag}, {@code notebook}) and the host's id for it. Immutable.
 */
public record ResourceRef(ProjectId project, String kind, String id) {
  /** The kind of dashboards, which get collaborators and restriction levels. */
  public static final String DASHBOARD = "dashboard";

  private static final java.util.regex.Pattern KIND =
      java.util.regex.Pattern.compile("[a-z][a-z0-9_]{0," + (Limits.MAX_KIND_LENGTH - 1) + "}");

  public ResourceRef {
    checkNotNull(project, "project");
    requireKind(kind);
    Limits.id(id, "resource id");
  }

  public static ResourceRef of(ProjectId project, String kind, String id) {
    return new ResourceRef(project, kind, id);
  }

  /** A dashboard of {@code project}. */
  public static ResourceRef dashboard(ProjectId project, String id) {
    return new ResourceRef(project, DASHBOARD, id);
  }

  /**
   * Checks a resource kind: 1–64 ({@link dev.warden.Limits#MAX_KIND_LENGTH}) lower-case letters, digits
   * and underscores, starting with a letter.
   *
   * @throws NullPointerException if it is null
   * @throws IllegalArgumentException naming the kind otherwise
   */
  public static String requireKind(String kind) {
    checkNotNull(kind, "resource kind");
    checkArgument(KIND.matcher(kind).matches(),
        "resource kind must be 1-%s lower-case letters, digits and underscores, starting with a letter, but was '%s'",
        Limits.MAX_KIND_LENGTH, kind);
    return kind;
  }

  @Override
  public String toString() {
    return project + "/" + kind + "/" + id;
  }
}
