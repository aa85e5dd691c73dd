package dev.warden.audit;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import dev.warden.Limits;
import dev.warden.organization.OrgId;
import dev.warden.project.ProjectId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One audited change (or denied attempt, action ending in {@code .denied}), written in the same
 * transaction as the change it records. Immutable.
 *
 * @param id unique, at most 255 characters; entries of one instant are ordered by id
 * @param action such as {@code member.level_changed}, at most 255 characters; see the README for the full list
 * @param target what the change was about, e.g. a user id or invite id; text every store keeps ({@link Limits})
 */
public record AuditEntry(
    String id,
    Optional<OrgId> organization,
    Optional<ProjectId> project,
    Actor actor,
    String action,
    Optional<String> target,
    List<Change> changes,
    Instant at) {

  public AuditEntry {
    checkArgument(!Limits.text(id, Limits.MAX_TOKEN_LENGTH, "audit entry id").isBlank(), "audit entry id must not be blank");
    checkNotNull(organization, "organization");
    checkNotNull(project, "project");
    checkNotNull(actor, "actor");
    checkNotNull(action, "action");
    checkArgument(action.length() <= Limits.MAX_TOKEN_LENGTH && action.matches("[a-z_]+(\\.[a-z_]+)+"),
        "action must look like 'member.joined' (at most %s characters), but was %s", Limits.MAX_TOKEN_LENGTH, action);
    checkNotNull(target, "target");
    target.ifPresent(t -> Limits.text(t, "audit target"));
    changes = ImmutableList.copyOf(changes);
    at = Limits.instant(at, "at");
  }

  /** Whether this entry records a refused attempt. */
  public boolean denied() {
    return action.endsWith(".denied");
  }
}
