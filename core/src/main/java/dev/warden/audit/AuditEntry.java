package dev.warden.audit;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import dev.warden.organization.OrgId;
import dev.warden.project.ProjectId;
import dev.warden.internal.Instants;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One audited change (or denied attempt, action ending in {@code .denied}), written in the same
 * transaction as the change it records. Immutable.
 *
 * @param id unique; entries of one instant are ordered by id
 * @param action such as {@code member.level_changed}; see the README for the full list
 * @param target what the change was about, e.g. a user id or invite id
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
    checkArgument(id != null && !id.isBlank(), "id must not be blank");
    checkNotNull(organization, "organization");
    checkNotNull(project, "project");
    checkNotNull(actor, "actor");
    checkArgument(action != null && action.matches("[a-z_]+(\\.[a-z_]+)+"), "action must look like 'member.joined', but was %s", action);
    checkNotNull(target, "target");
    changes = ImmutableList.copyOf(changes);
    at = Instants.micros(at, "at");
  }

  /** Whether this entry records a refused attempt. */
  public boolean denied() {
    return action.endsWith(".denied");
  }
}
