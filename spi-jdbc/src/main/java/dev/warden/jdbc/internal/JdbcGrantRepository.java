package dev.warden.jdbc.internal;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.organization.OrgId;
import dev.warden.organization.UserId;
import dev.warden.project.ProjectGrant;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code warden_grant}. Each row also carries its project's organization, so an organization's grants
 * (and one member's grants in it) are one index range; a composite foreign key keeps that copy true.
 */
final class JdbcGrantRepository implements dev.warden.spi.GrantRepository {
  private static final String COLUMNS = "project_id, user_id, role, expires_at, granted_by, granted_at";

  /**
   * Inserts or replaces a grant in one statement, taking the organization from the project; no row when
   * the project does not exist. The parameters are the same for both dialects.
   */
  private static final String ON_CONFLICT = " ON CONFLICT (project_id, user_id) DO UPDATE SET role = EXCLUDED.role,"
      + " expires_at = EXCLUDED.expires_at, granted_by = EXCLUDED.granted_by, granted_at = EXCLUDED.granted_at";

  private static final String UPSERT_POSTGRES =
      "INSERT INTO warden_grant (org_id, project_id, user_id, role, expires_at, granted_by, granted_at)"
          + " SELECT org_id, id, ?, ?, ?, ?, ? FROM warden_project WHERE id = ?" + ON_CONFLICT;

  /** H2 has no {@code ON CONFLICT … DO UPDATE}; its {@code MERGE … KEY} does the same. */
  private static final String UPSERT_H2 =
      "MERGE INTO warden_grant (org_id, project_id, user_id, role, expires_at, granted_by, granted_at)"
          + " KEY (project_id, user_id)"
          + " SELECT org_id, id, ?, ?, ?, ?, ? FROM warden_project WHERE id = ?";

  private final JdbcTransaction tx;

  JdbcGrantRepository(JdbcTransaction tx) {
    this.tx = tx;
  }

  @Override
  public Optional<ProjectGrant> find(ProjectId project, UserId user) {
    checkNotNull(project, "project");
    checkNotNull(user, "user");
    return tx.jdbc().first("reading a grant on " + project,
        "SELECT " + COLUMNS + " FROM warden_grant WHERE project_id = ? AND user_id = ?",
        JdbcGrantRepository::grant, project.value(), user.value());
  }

  @Override
  public List<ProjectGrant> listByOrganization(OrgId organization) {
    checkNotNull(organization, "organization");
    record Row(ProjectGrant grant, Instant projectCreatedAt) {}
    return tx.jdbc().list("listing the grants of " + organization,
            "SELECT g.project_id, g.user_id, g.role, g.expires_at, g.granted_by, g.granted_at,"
                + " p.created_at AS project_created_at"
                + " FROM warden_grant g JOIN warden_project p ON p.id = g.project_id WHERE g.org_id = ?",
            rs -> new Row(grant(rs), Jdbc.instant(rs, "project_created_at")), organization.value())
        .stream()
        // Projects in creation order, then users; sorted here so the order matches Java's string order.
        .sorted(Comparator.comparing(Row::projectCreatedAt)
            .thenComparing(r -> r.grant().project().value())
            .thenComparing(r -> r.grant().user().value()))
        .map(Row::grant)
        .toList();
  }

  @Override
  public void upsert(ProjectGrant grant) {
    checkNotNull(grant, "grant");
    int rows = tx.jdbc().update("writing a grant on " + grant.project(), upsertSql(), row(grant));
    checkArgument(rows > 0, "project %s does not exist", grant.project());
  }

  /**
   * {@link #upsert}s as multi-row statements, with the projects' organizations read once. A grant
   * listed twice is written once, as its last occurrence (one statement may not touch a row twice).
   */
  @Override
  public void upsertAll(List<ProjectGrant> grants) {
    checkNotNull(grants, "grants");
    Map<List<String>, ProjectGrant> last = new LinkedHashMap<>();
    for (ProjectGrant g : grants) {
      checkNotNull(g, "grant");
      last.put(List.of(g.project().value(), g.user().value()), g);
    }
    Map<ProjectId, OrgId> orgs = JdbcProjectRepository.organizations(tx.jdbc(), last.values().stream()
        .map(ProjectGrant::project).toList());
    List<Object[]> rows = new ArrayList<>(last.size());
    for (ProjectGrant g : last.values()) {
      OrgId org = orgs.get(g.project());
      checkArgument(org != null, "project %s does not exist", g.project());
      rows.add(new Object[] {org.value(), g.project().value(), g.user().value(), g.role().name(),
          Jdbc.instant(g.expiresAt()), g.grantedBy().value(), g.grantedAt()});
    }
    String head = switch (tx.jdbc().dialect()) {
      case POSTGRES -> "INSERT INTO warden_grant (org_id, " + COLUMNS + ")";
      case H2 -> "MERGE INTO warden_grant (org_id, " + COLUMNS + ") KEY (project_id, user_id)";
    };
    tx.jdbc().insertRows("writing grants", head, head.startsWith("INSERT") ? ON_CONFLICT : "", 7, rows);
  }

  private String upsertSql() {
    return switch (tx.jdbc().dialect()) {
      case POSTGRES -> UPSERT_POSTGRES;
      case H2 -> UPSERT_H2;
    };
  }

  private static Object[] row(ProjectGrant grant) {
    return new Object[] {grant.user().value(), grant.role().name(), Jdbc.instant(grant.expiresAt()),
        grant.grantedBy().value(), grant.grantedAt(), grant.project().value()};
  }

  @Override
  public boolean delete(ProjectId project, UserId user) {
    checkNotNull(project, "project");
    checkNotNull(user, "user");
    return tx.jdbc().update("deleting a grant on " + project,
        "DELETE FROM warden_grant WHERE project_id = ? AND user_id = ?", project.value(), user.value()) > 0;
  }

  @Override
  public int deleteByMember(OrgId organization, UserId user) {
    checkNotNull(organization, "organization");
    checkNotNull(user, "user");
    return tx.jdbc().update("deleting a member's grants in " + organization,
        "DELETE FROM warden_grant WHERE org_id = ? AND user_id = ?", organization.value(), user.value());
  }

  private static ProjectGrant grant(ResultSet rs) throws SQLException {
    return new ProjectGrant(
        ProjectId.of(rs.getString("project_id")),
        UserId.of(rs.getString("user_id")),
        ProjectRole.valueOf(rs.getString("role")),
        Jdbc.optionalInstant(rs, "expires_at"),
        UserId.of(rs.getString("granted_by")),
        Jdbc.instant(rs, "granted_at"));
  }
}
