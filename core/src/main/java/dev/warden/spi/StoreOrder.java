package dev.warden.spi;

import dev.warden.apikey.ApiKey;
import dev.warden.audit.AuditCursor;
import dev.warden.invite.Invite;
import dev.warden.organization.Membership;
import dev.warden.organization.OrgId;
import dev.warden.organization.Organization;
import dev.warden.organization.UserId;
import dev.warden.project.Project;
import dev.warden.project.ProjectGrant;
import dev.warden.resource.Resource;
import dev.warden.resource.ResourceRule;
import dev.warden.role.Role;
import java.util.Comparator;

/**
 * The orders of the storage SPI, in one place: every list a repository returns is in the order named
 * here (its Javadoc says which), and the engine's snapshots keep their maps in the same orders, so a
 * snapshot replayed from writes equals one loaded from the store. Ids and kinds compare as Java strings
 * (UTF-16 code units), which is the byte order of ASCII; a SQL store sorts with {@code ORDER BY} on the
 * same columns, and its collation must agree for the ids it holds ({@code C}/binary does; Warden's own
 * ids are ASCII).
 */
public final class StoreOrder {
  private StoreOrder() {}

  /** User ids: members, grants, rules and notification recipients are listed by user. */
  public static final Comparator<UserId> USERS = Comparator.comparing(UserId::value);

  /** Organization ids: a user's memberships are listed by organization. */
  public static final Comparator<OrgId> ORGANIZATION_IDS = Comparator.comparing(OrgId::value);

  /** Organizations in creation order: {@code createdAt}, then id. */
  public static final Comparator<Organization> ORGANIZATIONS =
      Comparator.comparing(Organization::createdAt).thenComparing(Organization::id, ORGANIZATION_IDS);

  /** Memberships by user id. */
  public static final Comparator<Membership> MEMBERS = Comparator.comparing(Membership::user, USERS);

  /** A user's memberships by organization id. */
  public static final Comparator<Membership> MEMBERSHIPS_OF_A_USER =
      Comparator.comparing(Membership::organization, ORGANIZATION_IDS);

  /** Projects in creation order: {@code createdAt}, then id. */
  public static final Comparator<Project> PROJECTS =
      Comparator.comparing(Project::createdAt).thenComparing(p -> p.id().value());

  /** Roles in creation order: {@code createdAt}, then id. */
  public static final Comparator<Role> ROLES = Comparator.comparing(Role::createdAt).thenComparing(r -> r.id().value());

  /** Grants on one project, by user id. */
  public static final Comparator<ProjectGrant> GRANTS = Comparator.comparing(ProjectGrant::user, USERS);

  /** Invites in creation order: {@code createdAt}, then id. */
  public static final Comparator<Invite> INVITES =
      Comparator.comparing(Invite::createdAt).thenComparing(i -> i.id().value());

  /** API keys in creation order: {@code createdAt}, then id. */
  public static final Comparator<ApiKey> API_KEYS =
      Comparator.comparing(ApiKey::createdAt).thenComparing(k -> k.id().value());

  /** Resources by {@code createdAt}, then project, kind and id. */
  public static final Comparator<Resource> RESOURCES = Comparator.comparing(Resource::createdAt)
      .thenComparing((Resource r) -> r.ref().project().value())
      .thenComparing(r -> r.ref().kind())
      .thenComparing(r -> r.ref().id());

  /** Resource rules by project, kind, resource (kind rules first), then user (everyone rules first). */
  public static final Comparator<ResourceRule> RULES = Comparator
      .comparing((ResourceRule r) -> r.project().value())
      .thenComparing(ResourceRule::kind)
      .thenComparing(r -> r.resourceId().orElse(""))
      .thenComparing(r -> r.user().map(UserId::value).orElse(""));

  /** Audit entries newest first: {@code at}, then id, both descending. */
  public static final Comparator<AuditCursor> AUDIT_NEWEST_FIRST =
      Comparator.comparing(AuditCursor::at).thenComparing(AuditCursor::id).reversed();
}
