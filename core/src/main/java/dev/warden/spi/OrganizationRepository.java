package dev.warden.spi;

import dev.warden.organization.OrgId;
import dev.warden.organization.Organization;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Stores organizations and their revision: a counter the engine increments with every committed change
 * to anything in the organization, so cached snapshots know when they are stale.
 */
public interface OrganizationRepository {

  /** Inserts a new organization at revision 0; fails if the id exists. */
  void insert(Organization organization);

  Optional<Organization> find(OrgId id);

  /** Every organization id, in creation order ({@link StoreOrder#ORGANIZATIONS}). */
  List<OrgId> listIds();

  /**
   * Locks the organization until the transaction ends, serializing every transaction that locks it,
   * and returns its revision; empty (and no lock) if it does not exist.
   */
  OptionalLong lock(OrgId id);

  /** Increments the revision of an organization locked by this transaction and returns the new one. */
  long bumpRevision(OrgId id);

  /** The committed revision, without locking; empty if the organization does not exist. */
  OptionalLong revision(OrgId id);

  /**
   * The committed revisions of several organizations at once, without locking; missing organizations
   * are absent from the result. Stores override this with one query.
   */
  default Map<OrgId, Long> revisions(List<OrgId> ids) {
    Map<OrgId, Long> revisions = new HashMap<>();
    for (OrgId id : ids) {
      revision(id).ifPresent(r -> revisions.put(id, r));
    }
    return revisions;
  }

  /**
   * The committed revision of every organization, without locking. A policy on a
   * {@linkplain Store#shared() shared} store reads it within every staleness bound to keep its index
   * of existing ids fresh, so that checks of unknown ids are answered from memory. Stores override
   * this with one query.
   */
  default Map<OrgId, Long> allRevisions() {
    return revisions(listIds());
  }

  /** Replaces the organization's name and settings. */
  void update(Organization organization);

  /**
   * Deletes the organization and everything in it: memberships, projects, their grants, resources and
   * resource rules, and invites (not its audit entries).
   * Returns whether it existed.
   */
  boolean delete(OrgId id);
}
