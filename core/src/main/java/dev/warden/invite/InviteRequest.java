package dev.warden.invite;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableMap;
import dev.warden.organization.EmailAddress;
import dev.warden.organization.OrgLevel;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an invite should offer: an email, a level (default {@link OrgLevel#MEMBER}) and project
 * grants. Immutable; each method returns a new request:
 *
 * <pre>{@code
 * InviteRequest.to("bob@acme.com").level(OrgLevel.MEMBER).grant(prod, ProjectRole.VIEWER)
 * }</pre>
 */
public record InviteRequest(EmailAddress email, OrgLevel level, Map<ProjectId, ProjectRole> grants) {
  public InviteRequest {
    checkNotNull(email, "email");
    checkNotNull(level, "level");
    grants = ImmutableMap.copyOf(grants);
  }

  /**
   * A request to invite {@code email} as a Member with no project grants.
   *
   * @throws IllegalArgumentException if the email is not well-formed
   */
  public static InviteRequest to(String email) {
    return new InviteRequest(EmailAddress.of(email), OrgLevel.MEMBER, Map.of());
  }

  public InviteRequest level(OrgLevel newLevel) {
    return new InviteRequest(email, newLevel, grants);
  }

  /** Adds (or replaces) the role the invite gives on {@code project}. */
  public InviteRequest grant(ProjectId project, ProjectRole role) {
    checkNotNull(project, "project");
    checkNotNull(role, "role");
    Map<ProjectId, ProjectRole> next = new LinkedHashMap<>(grants);
    next.put(project, role);
    return new InviteRequest(email, level, next);
  }

  /** The grants as invite grants, in the order they were added. */
  public List<InviteGrant> inviteGrants() {
    return grants.entrySet().stream().map(e -> new InviteGrant(e.getKey(), e.getValue())).toList();
  }
}
