package dev.warden.spi;

import dev.warden.organization.OrgId;
import dev.warden.project.Project;
import dev.warden.project.ProjectId;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Stores projects. Tokens are unique; finding a project by token is an index lookup. */
public interface ProjectRepository {

  /** Inserts a project; fails if its id or token exists, or its organization does not. */
  void insert(Project project);

  /**
   * Inserts projects in order, as {@link #insert} each (a bulk import's projects), failing as it does.
   * The default loops; a store with a cheaper bulk path (JDBC batching) overrides it.
   */
  default void insertAll(List<Project> projects) {
    projects.forEach(this::insert);
  }

  Optional<Project> find(ProjectId id);

  /** The project whose current token is {@code token}; empty for a rotated-away or unknown token. */
  Optional<Project> findByToken(String token);

  /** The organization's projects in creation order ({@link StoreOrder#PROJECTS}). */
  List<Project> listByOrganization(OrgId organization);

  /**
   * The ids of the projects of {@code organizations}, each with its organization (for a policy's index
   * of existing ids). Stores override this with few queries.
   */
  default Map<ProjectId, OrgId> idsByOrganization(Collection<OrgId> organizations) {
    Map<ProjectId, OrgId> ids = new HashMap<>();
    for (OrgId org : organizations) {
      for (Project p : listByOrganization(org)) {
        ids.put(p.id(), org);
      }
    }
    return ids;
  }

  /** Replaces the project's name, visibility, default role and token. */
  void update(Project project);

  /** Deletes the project with its grants, resources and resource rules. Returns whether it existed. */
  boolean delete(ProjectId id);
}
