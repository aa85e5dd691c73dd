package dev.warden.jdbc.internal;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableSet;
import dev.warden.StorageException;
import dev.warden.matrix.Capability;
import dev.warden.organization.OrgId;
import dev.warden.organization.UserId;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import dev.warden.resource.AccessLevel;
import dev.warden.role.Role;
import dev.warden.role.RoleGrant;
import dev.warden.role.RoleId;
import dev.warden.role.RoleMember;
import dev.warden.role.RoleRule;
import dev.warden.spi.RoleRepository;
import dev.warden.spi.StoreOrder;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.IntSupplier;

/**
 * {@code warden_role}, with its capabilities in {@code warden_role_capability} (by name, in the role's
 * order), its members in {@code warden_role_member}, its project grants in {@code warden_role_grant} and its
 * resource rules in {@code warden_role_rule}. Members, grants and rules carry their role's organization, kept
 * true by composite foreign keys (as for project grants), so an organization's members, grants and rules are
 * one index range each, and a grant's or rule's project must be in its role's organization. Deleting an
 * organization, a role, a project or a resource deletes what hangs off it by foreign key.
 *
 * <p>A rule's {@code resource_key} holds {@code ''} for a kind rule, so the primary key allows one rule per
 * (role, project, kind, resource) on every engine; see {@code V6__roles.sql}.
 */
final class JdbcRoleRepository implements RoleRepository {
  private static final String MEMBER_COLUMNS = "role_id, user_id, expires_at, added_by, added_at";
  private static final String GRANT_COLUMNS = "role_id, project_id, project_role, granted_by, granted_at";
  private static final String RULE_COLUMNS = "role_id, project_id, kind, resource_id, resource_key, level";

  /** The {@code resource_key} of a kind rule. */
  private static final String NO_RESOURCE = "";

  /**
   * Roles with their capabilities, in one statement so the capabilities are those of the rows read, even
   * while another transaction replaces them: one row per capability, or one without a capability for a
   * role that carries none. {@code %s} is the condition on {@code r}.
   */
  private static final String SELECT = "SELECT r.id, r.org_id, r.name, r.created_at, c.capability"
      + " FROM warden_role r LEFT JOIN warden_role_capability c ON c.role_id = r.id WHERE %s ORDER BY r.id, c.seq";

  /** Inserts a role into an existing organization; no row when the organization does not exist. */
  private static final String INSERT = "INSERT INTO warden_role (id, org_id, name, created_at)"
      + " SELECT ?, id, ?, ? FROM warden_organization WHERE id = ?";

  private static final String INSERT_CAPABILITY =
      "INSERT INTO warden_role_capability (role_id, seq, capability) VALUES (?, ?, ?)";

  /**
   * The source row of a role membership: the role joined with the user's membership in its organization,
   * so a missing role or a user outside the organization writes no row. Parameters: expires at, added by,
   * added at, role, user.
   */
  private static final String MEMBER_SOURCE = " SELECT r.org_id, r.id, m.user_id, ?, ?, ?"
      + " FROM warden_role r JOIN warden_membership m ON m.org_id = r.org_id WHERE r.id = ? AND m.user_id = ?";

  private static final String UPSERT_MEMBER_POSTGRES = "INSERT INTO warden_role_member (org_id, " + MEMBER_COLUMNS + ")"
      + MEMBER_SOURCE + " ON CONFLICT (role_id, user_id) DO UPDATE SET expires_at = EXCLUDED.expires_at,"
      + " added_by = EXCLUDED.added_by, added_at = EXCLUDED.added_at";

  /** H2 has no {@code ON CONFLICT … DO UPDATE}; its {@code MERGE … KEY} does the same. */
  private static final String UPSERT_MEMBER_H2 = "MERGE INTO warden_role_member (org_id, " + MEMBER_COLUMNS + ")"
      + " KEY (role_id, user_id)" + MEMBER_SOURCE;

  /** A role and a project of its organization, by role id and project id (two parameters). */
  private static final String ROLE_AND_PROJECT =
      " FROM warden_role r JOIN warden_project p ON p.org_id = r.org_id WHERE r.id = ? AND p.id = ?";

  /**
   * The source row of a role grant: the role joined with the project in its organization, so a missing
   * role or a project elsewhere writes no row. Parameters: project role, granted by, granted at, role,
   * project.
   */
  private static final String GRANT_SOURCE = " SELECT r.org_id, r.id, p.id, ?, ?, ?" + ROLE_AND_PROJECT;

  private static final String UPSERT_GRANT_POSTGRES = "INSERT INTO warden_role_grant (org_id, " + GRANT_COLUMNS + ")"
      + GRANT_SOURCE + " ON CONFLICT (role_id, project_id) DO UPDATE SET project_role = EXCLUDED.project_role,"
      + " granted_by = EXCLUDED.granted_by, granted_at = EXCLUDED.granted_at";

  private static final String UPSERT_GRANT_H2 = "MERGE INTO warden_role_grant (org_id, " + GRANT_COLUMNS + ")"
      + " KEY (role_id, project_id)" + GRANT_SOURCE;

  /**
   * The source row of a kind rule: the role joined with the project in its organization, so a missing role
   * or a project elsewhere writes no row. Parameters: kind, level, role, project.
   */
  private static final String KIND_RULE_SOURCE = " SELECT r.org_id, r.id, p.id, ?, CAST(NULL AS VARCHAR(128)), '', ?"
      + ROLE_AND_PROJECT;

  /**
   * The source row of a rule on a resource: the role joined with the resource in its organization (a
   * resource's organization is its project's), so a missing role, a project elsewhere or an unregistered
   * resource writes no row. Parameters: level, role, project, kind, resource id.
   */
  private static final String RESOURCE_RULE_SOURCE = " SELECT r.org_id, r.id, s.project_id, s.kind, s.id, s.id, ?"
      + " FROM warden_role r JOIN warden_resource s ON s.org_id = r.org_id"
      + " WHERE r.id = ? AND s.project_id = ? AND s.kind = ? AND s.id = ?";

  private static final String UPSERT_RULE_POSTGRES = "INSERT INTO warden_role_rule (org_id, " + RULE_COLUMNS + ")";

  /** H2 has no ON CONFLICT … DO UPDATE; its MERGE … KEY does the same. */
  private static final String UPSERT_RULE_H2 = "MERGE INTO warden_role_rule (org_id, " + RULE_COLUMNS + ")"
      + " KEY (role_id, project_id, kind, resource_key)";

  private static final String UPSERT_RULE_POSTGRES_SUFFIX =
      " ON CONFLICT (role_id, project_id, kind, resource_key) DO UPDATE SET level = EXCLUDED.level";

  private final JdbcTransaction tx;

  JdbcRoleRepository(JdbcTransaction tx) {
    this.tx = tx;
  }

  // ------------------------------------------------------------------------------- roles

  @Override
  public Optional<Role> find(RoleId id) {
    checkNotNull(id, "role");
    return select("reading role " + id, "r.id = ?", id.value()).stream().findFirst();
  }

  @Override
  public List<Role> listByOrganization(OrgId organization) {
    checkNotNull(organization, "organization");
    return select("listing the roles of " + organization, "r.org_id = ?", organization.value()).stream()
        // Sorted here, not in SQL: the database's collation may order ids differently from Java.
        .sorted(StoreOrder.ROLES)
        .toList();
  }

  @Override
  public Map<RoleId, OrgId> idsByOrganization(Collection<OrgId> organizations) {
    return tx.jdbc().idsByOrganization("warden_role", organizations, RoleId::of);
  }

  @Override
  public void insert(Role role) {
    checkNotNull(role, "role");
    checkNameFree(role);
    int inserted = refusingDuplicates(() -> tx.jdbc().update("inserting role " + role.id(), INSERT,
            role.id().value(), role.name(), role.createdAt(), role.organization().value()),
        "role %s already exists, or its name is taken in the organization", role.id());
    checkArgument(inserted == 1, "organization %s does not exist", role.organization());
    insertCapabilities(role);
  }

  @Override
  public void update(Role role) {
    checkNotNull(role, "role");
    checkNameFree(role);
    int updated = refusingDuplicates(() -> tx.jdbc().update("updating role " + role.id(),
            "UPDATE warden_role SET name = ? WHERE id = ? AND org_id = ?",
            role.name(), role.id().value(), role.organization().value()),
        "role name must be unique in the organization, but %s is taken", role.name());
    checkArgument(updated == 1, "role %s does not exist in organization %s", role.id(), role.organization());
    tx.jdbc().update("updating the capabilities of role " + role.id(),
        "DELETE FROM warden_role_capability WHERE role_id = ?", role.id().value());
    insertCapabilities(role);
  }

  /**
   * Refuses a name another role of the organization has, before writing: the transaction stays usable
   * (on PostgreSQL a violated constraint would end it), and the caller gets the in-memory store's answer.
   */
  private void checkNameFree(Role role) {
    Optional<String> holder = tx.jdbc().first("looking up a role name in " + role.organization(),
        "SELECT id FROM warden_role WHERE org_id = ? AND name = ?", rs -> rs.getString("id"),
        role.organization().value(), role.name());
    checkArgument(holder.isEmpty() || holder.get().equals(role.id().value()),
        "role name must be unique in the organization, but %s is taken", role.name());
  }

  /**
   * Runs {@code write}, turning a unique violation into an {@link IllegalArgumentException}: a role id
   * already taken, or a name a concurrent transaction took after {@link #checkNameFree} looked.
   */
  private static int refusingDuplicates(IntSupplier write, String message, Object... args) {
    try {
      return write.getAsInt();
    } catch (StorageException e) {
      if (Failures.uniqueViolation(e)) {
        throw new IllegalArgumentException(String.format(message, args), e);
      }
      throw e;
    }
  }

  private void insertCapabilities(Role role) {
    tx.jdbc().batch("writing the capabilities of role " + role.id(), INSERT_CAPABILITY,
        Jdbc.listRows(role.id().value(), role.capabilities().stream().map(Capability::name).toList()));
  }

  @Override
  public boolean delete(RoleId id) {
    checkNotNull(id, "role");
    // Its capabilities, members, grants and rules go with it (ON DELETE CASCADE).
    return tx.jdbc().update("deleting role " + id, "DELETE FROM warden_role WHERE id = ?", id.value()) > 0;
  }

  private List<Role> select(String doing, String condition, Object... params) {
    record Row(RoleId id, OrgId organization, String name, Instant createdAt, Optional<String> capability) {}
    List<Row> rows = tx.jdbc().list(doing, String.format(SELECT, condition),
        rs -> new Row(RoleId.of(rs.getString("id")), OrgId.of(rs.getString("org_id")), rs.getString("name"),
            Jdbc.instant(rs, "created_at"), Jdbc.optionalText(rs, "capability")),
        params);
    Map<RoleId, List<Row>> byRole = new LinkedHashMap<>();
    for (Row row : rows) {
      byRole.computeIfAbsent(row.id(), k -> new ArrayList<>()).add(row);
    }
    List<Role> roles = new ArrayList<>(byRole.size());
    for (List<Row> group : byRole.values()) {
      Row first = group.get(0);
      // Capability.organization interns, and the role keeps them in the stored order.
      ImmutableSet<Capability> capabilities = group.stream()
          .flatMap(r -> r.capability().stream())
          .map(Capability::organization)
          .collect(ImmutableSet.toImmutableSet());
      roles.add(new Role(first.id(), first.organization(), first.name(), capabilities, first.createdAt()));
    }
    return roles;
  }

  // ------------------------------------------------------------------------------- members

  @Override
  public List<RoleMember> listMembersByOrganization(OrgId organization) {
    checkNotNull(organization, "organization");
    record Row(RoleMember member, Instant roleCreatedAt) {}
    return tx.jdbc().list("listing the role members of " + organization,
            "SELECT m.role_id, m.user_id, m.expires_at, m.added_by, m.added_at, r.created_at AS role_created_at"
                + " FROM warden_role_member m JOIN warden_role r ON r.id = m.role_id WHERE m.org_id = ?",
            rs -> new Row(member(rs), Jdbc.instant(rs, "role_created_at")), organization.value())
        .stream()
        // Roles in creation order (StoreOrder.ROLES), then users; sorted here to match Java's string order.
        .sorted(Comparator.comparing(Row::roleCreatedAt)
            .thenComparing(r -> r.member().role().value())
            .thenComparing(r -> r.member().user(), StoreOrder.USERS))
        .map(Row::member)
        .toList();
  }

  @Override
  public void upsertMember(RoleMember member) {
    checkNotNull(member, "member");
    checkArgument(upserted(member.role(), "writing a member of role " + member.role(), UPSERT_MEMBER_POSTGRES,
            UPSERT_MEMBER_H2, Jdbc.instant(member.expiresAt()), member.addedBy().value(), member.addedAt(),
            member.role().value(), member.user().value()),
        "user %s is not a member of the role's organization", member.user());
  }

  @Override
  public boolean deleteMember(RoleId role, UserId user) {
    checkNotNull(role, "role");
    checkNotNull(user, "user");
    return tx.jdbc().update("deleting a member of role " + role,
        "DELETE FROM warden_role_member WHERE role_id = ? AND user_id = ?", role.value(), user.value()) > 0;
  }

  @Override
  public int deleteMembersByUser(OrgId organization, UserId user) {
    checkNotNull(organization, "organization");
    checkNotNull(user, "user");
    return tx.jdbc().update("deleting a member's roles in " + organization,
        "DELETE FROM warden_role_member WHERE org_id = ? AND user_id = ?", organization.value(), user.value());
  }

  private static RoleMember member(ResultSet rs) throws SQLException {
    return new RoleMember(
        RoleId.of(rs.getString("role_id")),
        UserId.of(rs.getString("user_id")),
        Jdbc.optionalInstant(rs, "expires_at"),
        UserId.of(rs.getString("added_by")),
        Jdbc.instant(rs, "added_at"));
  }

  // ------------------------------------------------------------------------------- grants

  @Override
  public List<RoleGrant> listGrantsByOrganization(OrgId organization) {
    checkNotNull(organization, "organization");
    return byRoleThenProject("listing the role grants of " + organization,
        "SELECT g.role_id, g.project_id, g.project_role, g.granted_by, g.granted_at,"
            + " r.created_at AS role_created_at, p.created_at AS project_created_at"
            + " FROM warden_role_grant g JOIN warden_role r ON r.id = g.role_id"
            + " JOIN warden_project p ON p.id = g.project_id WHERE g.org_id = ?",
        JdbcRoleRepository::grant, RoleGrant::role, RoleGrant::project, (a, b) -> 0, organization);
  }

  @Override
  public void upsertGrant(RoleGrant grant) {
    checkNotNull(grant, "grant");
    checkArgument(upserted(grant.role(), "writing a grant of role " + grant.role(), UPSERT_GRANT_POSTGRES,
            UPSERT_GRANT_H2, grant.projectRole().name(), grant.grantedBy().value(), grant.grantedAt(),
            grant.role().value(), grant.project().value()),
        "project %s does not exist in the role's organization", grant.project());
  }

  @Override
  public boolean deleteGrant(RoleId role, ProjectId project) {
    checkNotNull(role, "role");
    checkNotNull(project, "project");
    return tx.jdbc().update("deleting a grant of role " + role,
        "DELETE FROM warden_role_grant WHERE role_id = ? AND project_id = ?", role.value(), project.value()) > 0;
  }

  private static RoleGrant grant(ResultSet rs) throws SQLException {
    return new RoleGrant(
        RoleId.of(rs.getString("role_id")),
        ProjectId.of(rs.getString("project_id")),
        ProjectRole.valueOf(rs.getString("project_role")),
        UserId.of(rs.getString("granted_by")),
        Jdbc.instant(rs, "granted_at"));
  }

  // ------------------------------------------------------------------------------- rules

  @Override
  public List<RoleRule> listRulesByOrganization(OrgId organization) {
    checkNotNull(organization, "organization");
    // Then by kind, and resource with the kind rule ('') first.
    return byRoleThenProject("listing the role rules of " + organization,
        "SELECT u.role_id, u.project_id, u.kind, u.resource_id, u.level,"
            + " r.created_at AS role_created_at, p.created_at AS project_created_at"
            + " FROM warden_role_rule u JOIN warden_role r ON r.id = u.role_id"
            + " JOIN warden_project p ON p.id = u.project_id WHERE u.org_id = ?",
        JdbcRoleRepository::rule, RoleRule::role, RoleRule::project,
        Comparator.comparing(RoleRule::kind).thenComparing(JdbcRoleRepository::resourceKey), organization);
  }

  @Override
  public void upsertRule(RoleRule rule) {
    checkNotNull(rule, "rule");
    boolean kindRule = rule.resourceId().isEmpty();
    String source = kindRule ? KIND_RULE_SOURCE : RESOURCE_RULE_SOURCE;
    Object[] params = kindRule
        ? new Object[] {rule.kind(), rule.level().name(), rule.role().value(), rule.project().value()}
        : new Object[] {rule.level().name(), rule.role().value(), rule.project().value(), rule.kind(),
            rule.resourceId().get()};
    if (!upserted(rule.role(), "writing a rule of role " + rule.role(), UPSERT_RULE_POSTGRES + source
        + UPSERT_RULE_POSTGRES_SUFFIX, UPSERT_RULE_H2 + source, params)) {
      checkArgument(tx.jdbc().first("looking up project " + rule.project() + " for role " + rule.role(),
              "SELECT p.id" + ROLE_AND_PROJECT, rs -> Boolean.TRUE, rule.role().value(), rule.project().value())
              .isPresent(),
          "project %s does not exist in the role's organization", rule.project());
      throw new IllegalArgumentException(String.format("resource %s does not exist", rule.ref().orElseThrow()));
    }
  }

  @Override
  public boolean deleteRule(RoleRule rule) {
    checkNotNull(rule, "rule");
    return tx.jdbc().update("deleting a rule of role " + rule.role(),
        "DELETE FROM warden_role_rule WHERE role_id = ? AND project_id = ? AND kind = ? AND resource_key = ?",
        rule.role().value(), rule.project().value(), rule.kind(), resourceKey(rule)) > 0;
  }

  @Override
  public Set<String> capabilitiesInUse() {
    return ImmutableSet.copyOf(tx.jdbc().list("listing the role capabilities in use",
        "SELECT DISTINCT capability FROM warden_role_capability", rs -> rs.getString(1)));
  }

  @Override
  public Set<String> kindsInUse() {
    return ImmutableSet.copyOf(tx.jdbc().list("listing the resource kinds of role rules",
        "SELECT DISTINCT kind FROM warden_role_rule", rs -> rs.getString(1)));
  }

  /** The rule's resource id, or {@code ''} for a kind rule. */
  private static String resourceKey(RoleRule rule) {
    return rule.resourceId().orElse(NO_RESOURCE);
  }

  private static RoleRule rule(ResultSet rs) throws SQLException {
    return new RoleRule(
        RoleId.of(rs.getString("role_id")),
        ProjectId.of(rs.getString("project_id")),
        rs.getString("kind"),
        Jdbc.optionalText(rs, "resource_id"),
        AccessLevel.valueOf(rs.getString("level")));
  }

  /** Says which of an upsert's conditions failed, once it wrote nothing. */
  /**
   * The organization's rows of {@code sql} (which selects {@code role_created_at} and
   * {@code project_created_at} beside the item), in role order ({@link StoreOrder#ROLES}), then project
   * order ({@link StoreOrder#PROJECTS}), then {@code then}; sorted here to match Java's string order.
   */
  private <T> List<T> byRoleThenProject(String doing, String sql, Jdbc.Row<T> item, Function<T, RoleId> roleOf,
      Function<T, ProjectId> projectOf, Comparator<T> then, OrgId organization) {
    record Row<T>(T item, Instant roleCreatedAt, Instant projectCreatedAt) {}
    return tx.jdbc().list(doing, sql,
            rs -> new Row<>(item.map(rs), Jdbc.instant(rs, "role_created_at"), Jdbc.instant(rs, "project_created_at")),
            organization.value())
        .stream()
        .sorted(Comparator.<Row<T>, Instant>comparing(Row::roleCreatedAt)
            .thenComparing(r -> roleOf.apply(r.item()).value())
            .thenComparing(Row::projectCreatedAt)
            .thenComparing(r -> projectOf.apply(r.item()).value())
            .thenComparing(Row::item, then))
        .map(Row::item)
        .toList();
  }

  /**
   * Runs the dialect's upsert ({@code postgres} or {@code h2}); whether it wrote a row. When it did not
   * (its source row is missing), first checks that the role exists.
   *
   * @throws IllegalArgumentException if the role does not exist
   */
  private boolean upserted(RoleId role, String doing, String postgres, String h2, Object... params) {
    String sql = switch (tx.jdbc().dialect()) {
      case POSTGRES -> postgres;
      case H2 -> h2;
    };
    if (tx.jdbc().update(doing, sql, params) > 0) {
      return true;
    }
    checkRoleExists(role);
    return false;
  }

  private void checkRoleExists(RoleId role) {
    checkArgument(tx.jdbc().first("looking up role " + role, "SELECT id FROM warden_role WHERE id = ?",
        rs -> Boolean.TRUE, role.value()).isPresent(), "role %s does not exist", role);
  }
}
