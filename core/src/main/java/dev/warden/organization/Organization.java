package dev.warden.organization;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.Limits;
import java.time.Instant;

/**
 * An organization: the top-level tenant holding projects and members. Immutable.
 *
 * @param name 1–64 characters, stripped
 */
public record Organization(OrgId id, String name, Instant createdAt, OrganizationSettings settings) {
  public Organization {
    checkNotNull(id, "id");
    name = Limits.name(name, "organization name");
    createdAt = Limits.instant(createdAt, "createdAt");
    checkNotNull(settings, "settings");
  }

  public Organization withName(String newName) {
    return new Organization(id, newName, createdAt, settings);
  }

  public Organization withSettings(OrganizationSettings newSettings) {
    return new Organization(id, name, createdAt, newSettings);
  }
}
