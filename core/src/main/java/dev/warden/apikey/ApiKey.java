package dev.warden.apikey;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableSet;
import dev.warden.Limits;
import dev.warden.organization.OrgId;
import dev.warden.organization.UserId;
import dev.warden.project.ProjectId;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * A personal API key, without its value: Warden keeps only the value's SHA-256 hash and its last four
 * characters, for the masked form {@code …abcd}. Immutable.
 *
 * @param organizations the organizations the key is limited to; empty means every organization of its user
 * @param projects the projects the key is limited to; empty means every project its user can see
 */
public record ApiKey(
    ApiKeyId id,
    UserId user,
    String label,
    Set<ApiScope> scopes,
    Set<OrgId> organizations,
    Set<ProjectId> projects,
    String lastFour,
    Instant createdAt,
    Optional<Instant> lastUsedAt,
    Optional<Instant> lastRolledAt) {

  public ApiKey {
    checkNotNull(id, "id");
    checkNotNull(user, "user");
    label = Limits.name(label, "api key label");
    scopes = ImmutableSet.copyOf(scopes);
    checkArgument(!scopes.isEmpty(), "an api key needs at least one scope");
    organizations = ImmutableSet.copyOf(organizations);
    projects = ImmutableSet.copyOf(projects);
    checkArgument(lastFour != null && lastFour.length() == 4, "lastFour must be 4 characters");
    createdAt = Limits.instant(createdAt, "createdAt");
    lastUsedAt = checkNotNull(lastUsedAt, "lastUsedAt").map(i -> Limits.instant(i, "lastUsedAt"));
    lastRolledAt = checkNotNull(lastRolledAt, "lastRolledAt").map(i -> Limits.instant(i, "lastRolledAt"));
  }

  /**
   * The key as users see it in lists: an ellipsis and its last four characters ({@code …abcd}). The
   * prefix is left out: it is the token format's at the time the key was minted or rolled.
   */
  public String masked() {
    return "…" + lastFour;
  }

  public ApiKey usedAt(Instant at) {
    return new ApiKey(id, user, label, scopes, organizations, projects, lastFour, createdAt, Optional.of(at), lastRolledAt);
  }

  public ApiKey rolled(String newLastFour, Instant at) {
    return new ApiKey(id, user, label, scopes, organizations, projects, newLastFour, createdAt, lastUsedAt, Optional.of(at));
  }

  /** The same key with other organization and project limits. */
  public ApiKey withLimits(Set<OrgId> newOrganizations, Set<ProjectId> newProjects) {
    return new ApiKey(id, user, label, scopes, newOrganizations, newProjects, lastFour, createdAt, lastUsedAt, lastRolledAt);
  }

  @Override
  public String toString() {
    return "ApiKey[id=" + id + ", user=" + user + ", label=" + label + ", key=" + masked() + ", scopes=" + scopes
        + ", organizations=" + organizations + ", projects=" + projects + "]";
  }
}
