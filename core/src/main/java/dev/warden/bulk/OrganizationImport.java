package dev.warden.bulk;

import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import com.google.common.collect.ImmutableList;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.UserId;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import dev.warden.project.Visibility;
import dev.warden.resource.ResourceRef;
import dev.warden.resource.ResourceRule;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a bulk import loads into an existing organization: members, projects, project grants, resources
 * and resource rules, each list in the order it is validated and written. Grants, resources and rules
 * may name the organization's existing projects, members and resources as well as those of the same
 * import. Immutable; safe to share between threads.
 *
 * <pre>{@code
 * OrganizationImport data = OrganizationImport.builder()
 *     .member(ImportItem.Member.of(UserId.of("bob"), "bob@acme.com", OrgLevel.MEMBER).withNote("Marketing"))
 *     .project(ProjectId.of("web"), "Web", Visibility.PRIVATE, ProjectRole.MEMBER)
 *     .grant(ProjectId.of("web"), UserId.of("bob"), ProjectRole.VIEWER)
 *     .build();
 * }</pre>
 *
 * <p>Unlike Warden's other requests this has a builder, not copying {@code withX} methods: an import
 * holds up to hundreds of thousands of items, and copying an immutable value per item would be quadratic.
 */
public record OrganizationImport(
    List<ImportItem.Member> members,
    List<ImportItem.Project> projects,
    List<ImportItem.Grant> grants,
    List<ImportItem.Resource> resources,
    List<ImportItem.Rule> rules) {

  public OrganizationImport {
    members = ImmutableList.copyOf(members);
    projects = ImmutableList.copyOf(projects);
    grants = ImmutableList.copyOf(grants);
    resources = ImmutableList.copyOf(resources);
    rules = ImmutableList.copyOf(rules);
  }

  /** A new, empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** The number of items of every kind. */
  public int size() {
    return members.size() + projects.size() + grants.size() + resources.size() + rules.size();
  }

  /**
   * Collects the items of an {@link OrganizationImport}; {@link #build()} copies them, and the builder
   * may not be used after that. Not thread-safe.
   */
  public static final class Builder {
    private final ImmutableList.Builder<ImportItem.Member> members = ImmutableList.builder();
    private final ImmutableList.Builder<ImportItem.Project> projects = ImmutableList.builder();
    private final ImmutableList.Builder<ImportItem.Grant> grants = ImmutableList.builder();
    private final ImmutableList.Builder<ImportItem.Resource> resources = ImmutableList.builder();
    private final ImmutableList.Builder<ImportItem.Rule> rules = ImmutableList.builder();
    private boolean built;

    private Builder() {}

    /** Adds a member (see {@link ImportItem.Member#withNote} and {@link ImportItem.Member#withExpiresAt}). */
    public Builder member(ImportItem.Member member) {
      members.add(checkNotNull(member, "member"));
      return open();
    }

    /**
     * Adds a member without note or expiry.
     *
     * @throws IllegalArgumentException if the email is not well-formed
     */
    public Builder member(UserId user, String email, OrgLevel level) {
      return member(ImportItem.Member.of(user, email, level));
    }

    /**
     * Adds a project with the host's id.
     *
     * @throws IllegalArgumentException if the name is not 1–64 characters after stripping
     */
    public Builder project(ProjectId id, String name, Visibility visibility, ProjectRole defaultRole) {
      projects.add(new ImportItem.Project(id, name, visibility, defaultRole));
      return open();
    }

    /** Adds a grant without expiry. */
    public Builder grant(ProjectId project, UserId user, ProjectRole role) {
      grants.add(new ImportItem.Grant(project, user, role, Optional.empty()));
      return open();
    }

    /** Adds a grant that ends at {@code expiresAt} (exclusive). */
    public Builder grant(ProjectId project, UserId user, ProjectRole role, Instant expiresAt) {
      grants.add(new ImportItem.Grant(project, user, role, Optional.of(checkNotNull(expiresAt, "expiresAt"))));
      return open();
    }

    /** Adds a resource created by {@code creator}. */
    public Builder resource(ResourceRef ref, UserId creator) {
      resources.add(new ImportItem.Resource(ref, creator));
      return open();
    }

    /** Adds a resource rule. */
    public Builder rule(ResourceRule rule) {
      rules.add(new ImportItem.Rule(rule));
      return open();
    }

    /** The import. @throws IllegalStateException if called twice */
    public OrganizationImport build() {
      checkState(!built, "build() may be called once");
      built = true;
      return new OrganizationImport(members.build(), projects.build(), grants.build(), resources.build(),
          rules.build());
    }

    private Builder open() {
      checkState(!built, "the builder was used after build()");
      return this;
    }
  }
}
