package dev.warden.examples.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The host application's own project tables, in its own vocabulary: the tables a SaaS backend already
 * had before it adopted Warden. Stands in for two SQL tables:
 *
 * <pre>
 * create table projects (
 *   id           varchar primary key,
 *   tenant_id    varchar not null,
 *   display_name varchar not null,
 *   invite_only  boolean not null,
 *   member_role  varchar not null,          -- 'viewer' | 'member' | 'admin'
 *   api_token    varchar not null unique,
 *   created_at   timestamp not null);
 * create table project_access (
 *   project_id   varchar references projects(id),
 *   user_id      varchar not null,
 *   role         varchar not null,
 *   valid_until  timestamp null,           -- null: no expiry
 *   granted_by   varchar not null,
 *   granted_at   timestamp not null,
 *   primary key (project_id, user_id));
 * </pre>
 *
 * <p>Every method is atomic (one monitor, like a statement on a database); the unique constraints are
 * enforced with {@link DuplicateKeyException}. The table knows nothing about Warden: the mapping lives in
 * {@link HostBackedStore}. Thread-safe.
 */
public final class HostProjectTable {

  /** A row of {@code projects}. */
  public record ProjectRow(String id, String tenantId, String displayName, boolean inviteOnly, String memberRole,
      String apiToken, Instant createdAt) {
    public ProjectRow {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(tenantId, "tenantId");
      Objects.requireNonNull(displayName, "displayName");
      Objects.requireNonNull(memberRole, "memberRole");
      Objects.requireNonNull(apiToken, "apiToken");
      Objects.requireNonNull(createdAt, "createdAt");
    }

    @Override
    public String toString() {
      return "ProjectRow[id=" + id + ", tenantId=" + tenantId + ", displayName=" + displayName + "]";
    }
  }

  /** A row of {@code project_access}; {@code validUntil} is a nullable column. */
  public record AccessRow(String projectId, String userId, String role, Instant validUntil, String grantedBy,
      Instant grantedAt) {
    public AccessRow {
      Objects.requireNonNull(projectId, "projectId");
      Objects.requireNonNull(userId, "userId");
      Objects.requireNonNull(role, "role");
      Objects.requireNonNull(grantedBy, "grantedBy");
      Objects.requireNonNull(grantedAt, "grantedAt");
    }
  }

  /** A unique constraint was violated; nothing was written. */
  public static final class DuplicateKeyException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    DuplicateKeyException(String constraint) {
      super("duplicate key violates unique constraint " + constraint);
    }
  }

  private final Map<String, ProjectRow> projects = new LinkedHashMap<>();
  private final Map<String, String> projectByToken = new HashMap<>();
  private final Map<String, Map<String, AccessRow>> access = new HashMap<>();

  // ------------------------------------------------------------------------------------------ projects

  /** {@code insert into projects}; fails on a duplicate id or token. */
  public synchronized void insertProject(ProjectRow row) {
    if (projects.containsKey(row.id())) {
      throw new DuplicateKeyException("projects_pkey");
    }
    if (projectByToken.containsKey(row.apiToken())) {
      throw new DuplicateKeyException("projects_api_token_key");
    }
    projects.put(row.id(), row);
    projectByToken.put(row.apiToken(), row.id());
  }

  /** {@code update projects set … where id = ?}; returns the row before, or empty if there was none. */
  public synchronized Optional<ProjectRow> updateProject(ProjectRow row) {
    ProjectRow old = projects.get(row.id());
    if (old == null) {
      return Optional.empty();
    }
    String holder = projectByToken.get(row.apiToken());
    if (holder != null && !holder.equals(row.id())) {
      throw new DuplicateKeyException("projects_api_token_key");
    }
    projectByToken.remove(old.apiToken());
    projectByToken.put(row.apiToken(), row.id());
    projects.put(row.id(), row);
    return Optional.of(old);
  }

  /** {@code delete from projects where id = ?}, with its {@code project_access} rows; returns what went. */
  public synchronized Optional<DeletedProject> deleteProject(String id) {
    ProjectRow old = projects.remove(id);
    if (old == null) {
      return Optional.empty();
    }
    projectByToken.remove(old.apiToken());
    Map<String, AccessRow> rows = access.remove(id);
    return Optional.of(new DeletedProject(old, rows == null ? List.of() : List.copyOf(rows.values())));
  }

  /** A deleted project row and the access rows that went with it. */
  public record DeletedProject(ProjectRow project, List<AccessRow> access) {}

  public synchronized Optional<ProjectRow> findProject(String id) {
    return Optional.ofNullable(projects.get(id));
  }

  /** By the unique index on {@code api_token}. */
  public synchronized Optional<ProjectRow> findProjectByToken(String apiToken) {
    String id = projectByToken.get(apiToken);
    return id == null ? Optional.empty() : Optional.of(projects.get(id));
  }

  /** {@code select * from projects where tenant_id = ?}, in no particular order. */
  public synchronized List<ProjectRow> projectsOfTenant(String tenantId) {
    List<ProjectRow> rows = new ArrayList<>();
    for (ProjectRow row : projects.values()) {
      if (row.tenantId().equals(tenantId)) {
        rows.add(row);
      }
    }
    return rows;
  }

  /** How many project rows there are, for tests and diagnostics. */
  public synchronized int projectCount() {
    return projects.size();
  }

  // ------------------------------------------------------------------------------------------ project_access

  /** {@code insert … on conflict (project_id, user_id) do update}; returns the row before, if any. */
  public synchronized Optional<AccessRow> upsertAccess(AccessRow row) {
    if (!projects.containsKey(row.projectId())) {
      throw new IllegalArgumentException("foreign key violation: project " + row.projectId() + " does not exist");
    }
    return Optional.ofNullable(access.computeIfAbsent(row.projectId(), p -> new HashMap<>()).put(row.userId(), row));
  }

  /** {@code delete from project_access where project_id = ? and user_id = ?}; returns the row deleted. */
  public synchronized Optional<AccessRow> deleteAccess(String projectId, String userId) {
    Map<String, AccessRow> rows = access.get(projectId);
    AccessRow old = rows == null ? null : rows.remove(userId);
    if (rows != null && rows.isEmpty()) {
      access.remove(projectId);
    }
    return Optional.ofNullable(old);
  }

  public synchronized Optional<AccessRow> findAccess(String projectId, String userId) {
    Map<String, AccessRow> rows = access.get(projectId);
    return Optional.ofNullable(rows == null ? null : rows.get(userId));
  }

  /** {@code select * from project_access where project_id = ?}, in no particular order. */
  public synchronized List<AccessRow> accessOfProject(String projectId) {
    Map<String, AccessRow> rows = access.get(projectId);
    return rows == null ? List.of() : List.copyOf(rows.values());
  }
}
