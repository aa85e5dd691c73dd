package dev.warden.apikey;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableSet;
import dev.warden.Limits;
import dev.warden.organization.OrgId;
import dev.warden.project.ProjectId;
import java.util.Arrays;
import java.util.Set;

/**
 * What a new personal API key should allow: a label, scopes, and optional organization and project
 * limits. Immutable; each method returns a new request:
 *
 * <pre>{@code
 * ApiKeyRequest.labeled("CI export").scopes("query:read", "feature_flag:write").limitToProjects(prod)
 * }</pre>
 */
public record ApiKeyRequest(String label, Set<ApiScope> scopes, Set<OrgId> organizations, Set<ProjectId> projects) {
  public ApiKeyRequest {
    label = Limits.name(label, "api key label");
    scopes = ImmutableSet.copyOf(scopes);
    organizations = ImmutableSet.copyOf(organizations);
    projects = ImmutableSet.copyOf(projects);
  }

  /** A request for a key labelled {@code label}, with no scopes yet and no limits. */
  public static ApiKeyRequest labeled(String label) {
    return new ApiKeyRequest(label, Set.of(), Set.of(), Set.of());
  }

  /**
   * Sets the scopes, each {@code <object>:read}, {@code <object>:write} or {@code *}.
   *
   * @throws IllegalArgumentException naming the first scope that is malformed or unknown
   */
  public ApiKeyRequest scopes(String... newScopes) {
    return new ApiKeyRequest(label, ImmutableSet.copyOf(Arrays.stream(newScopes).map(ApiScope::parse).toList()), organizations, projects);
  }

  /** Limits the key to these organizations (it must be used by a member of each). */
  public ApiKeyRequest limitToOrganizations(OrgId... orgs) {
    return new ApiKeyRequest(label, scopes, ImmutableSet.copyOf(checkNotNull(orgs, "orgs")), projects);
  }

  /** Limits the key to these projects (its user must see each). */
  public ApiKeyRequest limitToProjects(ProjectId... newProjects) {
    return new ApiKeyRequest(label, scopes, organizations, ImmutableSet.copyOf(checkNotNull(newProjects, "projects")));
  }
}
