package dev.warden.project;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.Limits;
import dev.warden.organization.OrgId;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * A silo of data inside one organization. Immutable.
 *
 * @param token the public, write-only ingestion token: a prefix of the permission model's
 *     {@linkplain dev.warden.matrix.TokenFormat token format} ({@code wdt_…}, {@code phc_…}) and random
 *     characters; public by design, but still
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
  private static final Pattern TOKEN = Pattern.compile(Limits.SECRET_PREFIX_REGEX + ".+", Pattern.DOTALL);

  public Project {
    checkNotNull(id, "id");
    checkNotNull(organization, "organization");
    name = Limits.name(name, "project name");
    checkNotNull(visibility, "visibility");
    checkNotNull(defaultRole, "defaultRole");
    checkArgument(wellFormedToken(Limits.text(token, Limits.MAX_TOKEN_LENGTH, "project token")),
        "project token must be a lower-case prefix ending in '_' (such as wdt_) and then its secret part");
    createdAt = Limits.instant(createdAt, "createdAt");
  }

  public Project withName(String newName) {
    return new Project(id, organization, newName, visibility, defaultRole, token, createdAt);
  }

  /** Whether {@code token} has the shape of a project token, whatever its prefix. */
  public static boolean wellFormedToken(String token) {
    return TOKEN.matcher(token).matches();
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
        + ", defaultRole=" + defaultRole + ", token=…, createdAt=" + createdAt + "]";
  }
}
