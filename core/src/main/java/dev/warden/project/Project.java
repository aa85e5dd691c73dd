package dev.warden.project;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.Limits;
import dev.warden.organization.OrgId;
import java.time.Instant;

/**
 * A silo of data inside one organization. Immutable.
 *
 * @param token the public, write-only ingestion token ({@code phc_…}); public by design, but still
 *     left out of {@link #toString()} so it does not end up in logs
 * @param defaultRole the role every member gets while the project is open
 */
public record Project(
    ProjectId id,
    OrgId organization,
    String name,
    Visibility visibility,
    ProjectRole defaultRole,
    String token,
    Instant createdAt) {

  public Project {
    checkNotNull(id, "id");
    checkNotNull(organization, "organization");
    name = Limits.name(name, "project name");
    checkNotNull(visibility, "visibility");
    checkNotNull(defaultRole, "defaultRole");
    checkArgument(Limits.text(token, Limits.MAX_TOKEN_LENGTH, "project token").startsWith("phc_") && token.length() > 4,
        "project token must start with phc_");
    createdAt = Limits.instant(createdAt, "createdAt");
  }

  public Project withName(String newName) {
    return new Project(id, organization, newName, visibility, defaultRole, token, createdAt);
  }

  public Project withVisibility(Visibility newVisibility) {
    return new Project(id, organization, name, newVisibility, defaultRole, token, createdAt);
  }

  public Project withDefaultRole(ProjectRole newDefaultRole) {
    return new Project(id, organization, name, visibility, newDefaultRole, token, createdAt);
  }

  public Project withToken(String newToken) {
    return new Project(id, organization, name, visibility, defaultRole, newToken, createdAt);
  }

  @Override
  public String toString() {
    return "Project[id=" + id + ", organization=" + organization + ", name=" + name + ", visibility=" + visibility
        + ", defaultRole=" + defaultRole + ", token=phc_…, createdAt=" + createdAt + "]";
  }
}
