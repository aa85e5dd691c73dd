package dev.warden.spi;

import dev.warden.organization.OrgId;
import dev.warden.organization.UserId;
import dev.warden.project.ProjectId;
import dev.warden.resource.Resource;
import dev.warden.resource.ResourceRef;
import dev.warden.resource.ResourceRule;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Stores resources and their access rules. Deleting a project deletes its resources and rules;
 * deleting a resource deletes its rules. At most one rule exists per (project, kind, resource, user).
 */
public interface ResourceRepository {

  /** Inserts a resource; fails if it exists or its project does not. */
  void insert(Resource resource);

  /**
   * Inserts resources in order, as {@link #insert} each (a bulk import's resources), failing as it
   * does. The default loops; a store with a cheaper bulk path (JDBC batching) overrides it.
   */
  default void insertAll(List<Resource> resources) {
    resources.forEach(this::insert);
  }

  Optional<Resource> find(ResourceRef ref);

  /** The organization's resources, ordered by {@link StoreOrder#RESOURCES}. */
  List<Resource> listByOrganization(OrgId organization);

  /** Replaces the resource's creator. */
  void update(Resource resource);

  /** Deletes the resource and its rules; returns whether it existed. */
  boolean delete(ResourceRef ref);

  /** Inserts the rule or replaces the one with the same project, kind, resource and user. */
  void upsertRule(ResourceRule rule);

  /**
   * Upserts rules in order, as {@link #upsertRule} each (a bulk import's rules). The default loops; a
   * store with a cheaper bulk path (JDBC batching) overrides it.
   */
  default void upsertRules(List<ResourceRule> rules) {
    rules.forEach(this::upsertRule);
  }

  /** Deletes the rule with the same project, kind, resource and user as {@code rule}; returns whether it existed. */
  boolean deleteRule(ResourceRule rule);

  /** The rules on the organization's projects, ordered by {@link StoreOrder#RULES}. */
  List<ResourceRule> listRulesByOrganization(OrgId organization);

  /** Deletes every member rule naming {@code user} in the organization; returns how many. */
  int deleteRulesByMember(OrgId organization, UserId user);

  /**
   * Every distinct resource kind the store holds, in resources and in rules, across organizations: a
   * policy checks them against its permission model when it is built.
   */
  Set<String> kindsInUse();
}
