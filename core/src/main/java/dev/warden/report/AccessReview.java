package dev.warden.report;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import dev.warden.apikey.ApiKey;
import dev.warden.organization.Membership;
import dev.warden.organization.OrgId;
import dev.warden.project.ProjectGrant;
import dev.warden.resource.ResourceRule;
import dev.warden.role.RoleMember;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What needs a decision in a regular access review: expired but unswept memberships and grants, those
 * expiring soon, members who can see no project, API keys of members unused for long, the Owner and
 * Admin counts, and when the last review was recorded; and (issue 16) the expired and expiring places
 * in roles, every role with its active members, and every share (a resource opened to one member while
 * its project may stay hidden from them, {@link dev.warden.resource.ResourceRule#share}). Lists are in
 * user-id (then project) order; places in roles by role (creation order), then user id; shares by
 * resource ({@link dev.warden.spi.StoreOrder#RESOURCES}), then user id. Immutable.
 */
public record AccessReview(
    OrgId organization,
    Instant at,
    List<Membership> expiredMemberships,
    List<ProjectGrant> expiredGrants,
    List<Membership> expiringMemberships,
    List<ProjectGrant> expiringGrants,
    List<Membership> membersWithoutProjects,
    List<ApiKey> unusedApiKeys,
    int owners,
    int admins,
    Optional<Instant> lastReview,
    List<RoleMember> expiredRoleMemberships,
    List<RoleMember> expiringRoleMemberships,
    List<RegistryRole> roles,
    List<ResourceRule> shares) {

  public AccessReview {
    checkNotNull(organization, "organization");
    checkNotNull(at, "at");
    expiredMemberships = ImmutableList.copyOf(expiredMemberships);
    expiredGrants = ImmutableList.copyOf(expiredGrants);
    expiringMemberships = ImmutableList.copyOf(expiringMemberships);
    expiringGrants = ImmutableList.copyOf(expiringGrants);
    membersWithoutProjects = ImmutableList.copyOf(membersWithoutProjects);
    unusedApiKeys = ImmutableList.copyOf(unusedApiKeys);
    checkNotNull(lastReview, "lastReview");
    expiredRoleMemberships = ImmutableList.copyOf(expiredRoleMemberships);
    expiringRoleMemberships = ImmutableList.copyOf(expiringRoleMemberships);
    roles = ImmutableList.copyOf(roles);
    shares = ImmutableList.copyOf(shares);
  }

  /** A review without shares. */
  public AccessReview(OrgId organization, Instant at, List<Membership> expiredMemberships,
      List<ProjectGrant> expiredGrants, List<Membership> expiringMemberships, List<ProjectGrant> expiringGrants,
      List<Membership> membersWithoutProjects, List<ApiKey> unusedApiKeys, int owners, int admins,
      Optional<Instant> lastReview, List<RoleMember> expiredRoleMemberships, List<RoleMember> expiringRoleMemberships,
      List<RegistryRole> roles) {
    this(organization, at, expiredMemberships, expiredGrants, expiringMemberships, expiringGrants,
        membersWithoutProjects, unusedApiKeys, owners, admins, lastReview, expiredRoleMemberships,
        expiringRoleMemberships, roles, List.of());
  }

  /** A review of an organization without roles or shares. */
  public AccessReview(OrgId organization, Instant at, List<Membership> expiredMemberships,
      List<ProjectGrant> expiredGrants, List<Membership> expiringMemberships, List<ProjectGrant> expiringGrants,
      List<Membership> membersWithoutProjects, List<ApiKey> unusedApiKeys, int owners, int admins,
      Optional<Instant> lastReview) {
    this(organization, at, expiredMemberships, expiredGrants, expiringMemberships, expiringGrants,
        membersWithoutProjects, unusedApiKeys, owners, admins, lastReview, List.of(), List.of(), List.of(), List.of());
  }
}
