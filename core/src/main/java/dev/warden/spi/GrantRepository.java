package dev.warden.spi;

import dev.warden.organization.OrgId;
import dev.warden.organization.UserId;
import dev.warden.project.ProjectGrant;
import dev.warden.project.ProjectId;
import java.util.List;
import java.util.Optional;

/** Stores explicit project grants; at most one per project and user. */
public interface GrantRepository {

  Optional<ProjectGrant> find(ProjectId project, UserId user);

  /** Every grant on the organization's projects, expired ones included, ordered by project ({@link StoreOrder#PROJECTS}), then user. */
  List<ProjectGrant> listByOrganization(OrgId organization);

  /** Inserts the grant, or replaces the existing one for its project and user. */
  void upsert(ProjectGrant grant);

  /**
   * Upserts grants in order, as {@link #upsert} each (a bulk import's grants). The default loops; a
   * store with a cheaper bulk path (JDBC batching) overrides it.
   */
  default void upsertAll(List<ProjectGrant> grants) {
    grants.forEach(this::upsert);
  }

  /** Deletes one grant; returns whether it existed. */
  boolean delete(ProjectId project, UserId user);

  /** Deletes every grant the user holds on the organization's projects; returns how many. */
  int deleteByMember(OrgId organization, UserId user);
}
