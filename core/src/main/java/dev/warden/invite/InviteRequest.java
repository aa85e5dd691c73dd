package dev.warden.invite;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import dev.warden.organization.EmailAddress;
import dev.warden.organization.OrgLevel;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import dev.warden.role.RoleId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What an invite should offer: an email, a level (default {@link OrgLevel#MEMBER}), project grants and
 * roles. Immutable; each method returns a new request:
 *
 * <pre>{@code
 * InviteRequest.to("bob@acme.com").level(OrgLevel.MEMBER).grant(prod, ProjectRole.VIEWER)
 * }</pre>
 */
public record InviteRequest(EmailAddress email, OrgLevel level, Map<ProjectId, ProjectRole> grants,
    Set<RoleId> roles) {
  public InviteRequest {
    checkNotNull(email, "email");
    checkNotNull(level, "level");
    grants = ImmutableMap.copyOf(grants);
    roles = ImmutableSet.copyOf(roles);
  }

  /** A request without roles. */
  public InviteRequest(EmailAddress email, OrgLevel level, Map<ProjectId, ProjectRole> grants) {
    this(email, level, grants, Set.of());
  }

  /**
   * A request to invite {@code email} as a Member with no project grants.
   *
   * @throws IllegalArgumentException if the email is not well-formed
   */
  public static InviteRequest to(String email) {
    return new InviteRequest(EmailAddress.of(email), OrgLevel.MEMBER, Map.of(), Set.of());
  }

  public InviteRequest level(OrgLevel newLevel) {
    return new InviteRequest(email, newLevel, grants, roles);
  }

  /** Adds (or replaces) the role the invite gives on {@code project}. */
  public InviteRequest grant(ProjectId project, ProjectRole role) {
    checkNotNull(project, "project");
    checkNotNull(role, "role");
    Map<ProjectId, ProjectRole> next = new LinkedHashMap<>(grants);
    next.put(project, role);
    return new InviteRequest(email, level, next, roles);
  }

  /**
   * Adds a role the new member joins on accepting (issue 16). Inviting with roles needs
   * {@code MANAGE_ROLES} and everything each role carries, as adding a member to it does.
   */
  public InviteRequest role(RoleId role) {
    checkNotNull(role, "role");
    return new InviteRequest(email, level, grants,
        ImmutableSet.<RoleId>builder().addAll(roles).add(role).build());
  }

  /** The grants as invite grants, in the order they were added. */
  public List<InviteGrant> inviteGrants() {
    return grants.entrySet().stream().map(e -> new InviteGrant(e.getKey(), e.getValue())).toList();
  }
}
