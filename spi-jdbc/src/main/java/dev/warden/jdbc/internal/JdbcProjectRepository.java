package dev.warden.jdbc.internal;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.organization.OrgId;
import dev.warden.project.Project;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import dev.warden.project.Visibility;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code warden_project}. Tokens are unique in the schema; finding by token is one index lookup. */
final class JdbcProjectRepository implements dev.warden.spi.ProjectRepository {
  private static final String COLUMNS = "id, org_id, name, visibility, default_role, token, created_at";

  /** Creation order, as the SPI defines it. */
  static final Comparator<Project> CREATION_ORDER =
      Comparator.comparing(Project::createdAt).thenComparing(p -> p.id().value());

  private static final int COLUMN_COUNT = 7;
  private static final String INSERT_INTO = "INSERT INTO warden_project (" + COLUMNS + ")";
  private static final String INSERT = INSERT_INTO + " VALUES (?, ?, ?, ?, ?, ?, ?)";

  private final JdbcTransaction tx;

  JdbcProjectRepository(JdbcTransaction tx) {
    this.tx = tx;
  }

  @Override
  public void insert(Project project) {
    checkNotNull(project, "project");
    tx.jdbc().update("inserting project " + project.id(), INSERT, row(project));
  }

  /** {@link #insert}s as multi-row statements. */
  @Override
  public void insertAll(List<Project> projects) {
    checkNotNull(projects, "projects");
    tx.jdbc().insertRows("inserting projects", INSERT_INTO, "", COLUMN_COUNT,
        projects.stream().map(p -> row(checkNotNull(p, "project"))).toList());
  }

  /**
   * The organization of each of {@code projects} that exists, in few queries: bulk writes of rows that
   * carry their project's organization (grants, resources) look it up once rather than per row.
   */
  static Map<ProjectId, OrgId> organizations(Jdbc jdbc, Collection<ProjectId> projects) {
    Map<ProjectId, OrgId> orgs = new HashMap<>();
    jdbc.listIn("reading the organizations of projects", "SELECT id, org_id FROM warden_project WHERE id", "",
        projects.stream().map(ProjectId::value).distinct().toList(),
        rs -> orgs.put(ProjectId.of(rs.getString("id")), OrgId.of(rs.getString("org_id"))));
    return orgs;
  }

  private static Object[] row(Project project) {
    return new Object[] {project.id().value(), project.organization().value(), project.name(),
        project.visibility().name(), project.defaultRole().name(), project.token(), project.createdAt()};
  }

  @Override
  public Optional<Project> find(ProjectId id) {
    checkNotNull(id, "project");
    return tx.jdbc().first("reading project " + id, "SELECT " + COLUMNS + " FROM warden_project WHERE id = ?",
        JdbcProjectRepository::project, id.value());
  }

  @Override
  public Optional<Project> findByToken(String token) {
    checkNotNull(token, "token");
    return tx.jdbc().first("resolving a project token", "SELECT " + COLUMNS + " FROM warden_project WHERE token = ?",
        JdbcProjectRepository::project, token);
  }

  @Override
  public List<Project> listByOrganization(OrgId organization) {
    checkNotNull(organization, "organization");
    return tx.jdbc().list("listing the projects of " + organization,
            "SELECT " + COLUMNS + " FROM warden_project WHERE org_id = ?", JdbcProjectRepository::project,
            organization.value())
        .stream()
        // Sorted here, not in SQL: the database's collation may order ids differently from Java.
        .sorted(CREATION_ORDER)
        .toList();
  }

  /** Past this many organizations, every project is read and filtered here instead of IN lists. */

  @Override
  public Map<ProjectId, OrgId> idsByOrganization(Collection<OrgId> organizations) {
    return tx.jdbc().idsByOrganization("warden_project", organizations, ProjectId::of);
  }

  @Override
  public void update(Project project) {
    checkNotNull(project, "project");
    int updated = tx.jdbc().update("updating project " + project.id(),
        "UPDATE warden_project SET name = ?, visibility = ?, default_role = ?, token = ? WHERE id = ? AND org_id = ?",
        project.name(), project.visibility().name(), project.defaultRole().name(), project.token(),
        project.id().value(), project.organization().value());
    checkArgument(updated == 1, "project %s does not exist", project.id());
  }

  @Override
  public boolean delete(ProjectId id) {
    checkNotNull(id, "project");
    // Its grants, resources and resource rules go with it (ON DELETE CASCADE).
    return tx.jdbc().update("deleting project " + id, "DELETE FROM warden_project WHERE id = ?", id.value()) > 0;
  }

  private static Project project(ResultSet rs) throws SQLException {
    return new Project(
        ProjectId.of(rs.getString("id")),
        OrgId.of(rs.getString("org_id")),
        rs.getString("name"),
        Visibility.valueOf(rs.getString("visibility")),
        ProjectRole.valueOf(rs.getString("default_role")),
        rs.getString("token"),
        Jdbc.instant(rs, "created_at"));
  }
}
