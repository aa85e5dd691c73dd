package dev.warden.bulk;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.Limits;
import dev.warden.organization.EmailAddress;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.UserId;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import dev.warden.project.Visibility;
import dev.warden.resource.ResourceRef;
import dev.warden.resource.ResourceRule;
import java.time.Instant;
import java.util.Optional;

/**
 * One item of an {@link OrganizationImport}: a member, a project, a project grant, a resource or a
 * resource rule. Each checks its values on construction as the value types it becomes do (ids, emails,
 * names, notes and instants by {@link Limits}), throwing {@link NullPointerException} or
 * {@link IllegalArgumentException}; the rules that depend on the organization (levels, ownership,
 * membership, access) are checked by the import and reported as {@link ImportRefusal}s. Immutable.
 */
public sealed interface ImportItem
    permits ImportItem.Member, ImportItem.Project, ImportItem.Grant, ImportItem.Resource, ImportItem.Rule {

  /**
   * A user who joins the organization at {@code level}, as if invited at that level by the importing
   * actor and accepted with {@code email}; then given the note and expiry, as {@code setNote} and
   * {@code setExpiry} would.
   *
   * @param note free text such as "CTO"; stripped, and empty means none
   * @param expiresAt when the membership ends (exclusive), for external collaborators
   */
  record Member(UserId user, EmailAddress email, OrgLevel level, Optional<String> note, Optional<Instant> expiresAt)
      implements ImportItem {
    public Member {
      checkNotNull(user, "user");
      checkNotNull(email, "email");
      checkNotNull(level, "level");
      note = checkNotNull(note, "note").map(s -> Limits.note(s, "note")).filter(s -> !s.isEmpty());
      expiresAt = checkNotNull(expiresAt, "expiresAt").map(i -> Limits.instant(i, "expiresAt"));
    }

    /**
     * A member without note or expiry.
     *
     * @throws IllegalArgumentException if the email is not well-formed
     */
    public static Member of(UserId user, String email, OrgLevel level) {
      return new Member(user, EmailAddress.of(checkNotNull(email, "email")), level, Optional.empty(), Optional.empty());
    }

    /** The same member with a note (empty after stripping: none). */
    public Member withNote(String newNote) {
      return new Member(user, email, level, Optional.of(checkNotNull(newNote, "note")), expiresAt);
    }

    /** The same member with an expiry. */
    public Member withExpiresAt(Instant newExpiresAt) {
      return new Member(user, email, level, note, Optional.of(checkNotNull(newExpiresAt, "expiresAt")));
    }
  }

  /**
   * A project with the host's own id, as if created by the importing actor and then set to
   * {@code visibility} and {@code defaultRole}. Its ingestion token is generated.
   */
  record Project(ProjectId id, String name, Visibility visibility, ProjectRole defaultRole) implements ImportItem {
    public Project {
      checkNotNull(id, "id");
      name = Limits.name(name, "project name");
      checkNotNull(visibility, "visibility");
      checkNotNull(defaultRole, "defaultRole");
    }
  }

  /** A project role for a member, as the importing actor would grant it, optionally until an instant. */
  record Grant(ProjectId project, UserId user, ProjectRole role, Optional<Instant> expiresAt) implements ImportItem {
    public Grant {
      checkNotNull(project, "project");
      checkNotNull(user, "user");
      checkNotNull(role, "role");
      expiresAt = checkNotNull(expiresAt, "expiresAt").map(i -> Limits.instant(i, "expiresAt"));
    }
  }

  /** A resource registered with its creator, who manages it. */
  record Resource(ResourceRef ref, UserId creator) implements ImportItem {
    public Resource {
      checkNotNull(ref, "ref");
      checkNotNull(creator, "creator");
    }
  }

  /** A resource rule: for a kind in a project, for everyone on one resource, or for one member on it. */
  record Rule(ResourceRule rule) implements ImportItem {
    public Rule {
      checkNotNull(rule, "rule");
    }
  }
}
