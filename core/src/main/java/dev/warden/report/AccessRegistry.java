package dev.warden.report;

import com.google.common.collect.ImmutableList;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Who has access to an organization, in the format of the user-management guide's access registry:
 * Owners, Admins, Members, Viewers (members whose highest project role is Viewer) and External Access
 * (members with an expiry), then the organization's roles with their members (issue 16). Each section is
 * ordered by email (then user id); roles in creation order. Immutable.
 */
public record AccessRegistry(
    String organization,
    List<RegistryEntry> owners,
    List<RegistryEntry> admins,
    List<RegistryEntry> members,
    List<RegistryEntry> viewers,
    List<RegistryEntry> external,
    List<RegistryRole> roles) {

  public AccessRegistry {
    owners = ImmutableList.copyOf(owners);
    admins = ImmutableList.copyOf(admins);
    members = ImmutableList.copyOf(members);
    viewers = ImmutableList.copyOf(viewers);
    external = ImmutableList.copyOf(external);
    roles = ImmutableList.copyOf(roles);
  }

  /** A registry of an organization without roles. */
  public AccessRegistry(String organization, List<RegistryEntry> owners, List<RegistryEntry> admins,
      List<RegistryEntry> members, List<RegistryEntry> viewers, List<RegistryEntry> external) {
    this(organization, owners, admins, members, viewers, external, List.of());
  }

  /**
   * The registry as Markdown: {@code # <organization> Access Registry}, then one {@code ## } section per
   * group (empty sections included) with lines {@code - email (note)}; external lines end in
   * {@code expires YYYY-MM-DD} (UTC). An organization with roles gets a last {@code ## Roles} section with
   * a {@code ### <role>} list per role, where the expiry is that of the place in the role.
   */
  public String toMarkdown() {
    int people = owners.size() + admins.size() + members.size() + viewers.size() + external.size();
    StringBuilder md = new StringBuilder(128 + 48 * people) // about one line per person, sized once
        .append("# ").append(organization).append(" Access Registry\n");
    section(md, "Owners", owners);
    section(md, "Admins", admins);
    section(md, "Members", members);
    section(md, "Viewers", viewers);
    section(md, "External Access", external);
    if (!roles.isEmpty()) {
      md.append("## Roles\n");
      for (RegistryRole role : roles) {
        section(md.append('#'), role.name(), role.members());
      }
    }
    return md.toString();
  }

  private static void section(StringBuilder md, String title, List<RegistryEntry> entries) {
    md.append("## ").append(title).append('\n');
    for (RegistryEntry e : entries) {
      md.append("- ").append(e.name());
      if (e.note().isPresent() || e.expiresAt().isPresent()) {
        md.append(" (");
        e.note().ifPresent(md::append);
        if (e.expiresAt().isPresent()) {
          md.append(e.note().isPresent() ? ", " : "").append("expires ")
              .append(e.expiresAt().get().atZone(ZoneOffset.UTC).toLocalDate());
        }
        md.append(')');
      }
      md.append('\n');
    }
  }
}
