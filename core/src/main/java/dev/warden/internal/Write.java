package dev.warden.internal;

import dev.warden.apikey.ApiKey;
import dev.warden.apikey.ApiKeyId;
import dev.warden.audit.AuditEntry;
import dev.warden.invite.Invite;
import dev.warden.invite.InviteId;
import dev.warden.organization.EmailAddress;
import dev.warden.organization.Membership;
import dev.warden.organization.OrgId;
import dev.warden.organization.Organization;
import dev.warden.organization.UserId;
import dev.warden.project.Project;
import dev.warden.project.ProjectGrant;
import dev.warden.project.ProjectId;
import dev.warden.resource.Resource;
import dev.warden.resource.ResourceRef;
import dev.warden.resource.ResourceRule;
import dev.warden.role.Role;
import dev.warden.role.RoleGrant;
import dev.warden.role.RoleId;
import dev.warden.role.RoleMember;
import dev.warden.role.RoleRule;
import dev.warden.spi.Transaction;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One kind of change to Warden's state, as a value: the one write path. Each record knows its effect
 * on the store (through the SPI repositories) and, if it changes what checks read, its effect on the
 * organization's snapshot ({@link OrgState.Draft}), cascades included, side by side. Services build
 * writes and hand them to {@link Mutation#apply} (or, outside an organization's lock, to
 * {@link Writes#apply}); the engine replays the snapshot effects of the writes that took effect on the
 * previous snapshot, and bumps the organization's revision only if there was one.
 *
 * <p>A write is a {@link SnapshotWrite} (organization, memberships, projects, grants, resources and
 * their rules: what a check reads) or a {@link StoreWrite} (invites, API keys, audit entries: kept in
 * the store only, so they never bump the revision nor make another instance reload).
 *
 * <p>Adding a kind of write: one record here (plus its SPI method and SQL if the store needs a new
 * operation). The compiler asks a snapshot write for its snapshot effect.
 *
 * <p>Cascades stores do themselves (deleting a project deletes its grants, resources and rules; deleting
 * a resource deletes its rules; deleting an organization deletes everything in it) are the SPI's
 * contract, checked by {@code StoreContract}; the snapshot effect repeats them right next to the store
 * call, where a reader sees both. With {@code -Dwarden.verifySnapshots=true} every replay is compared
 * with a full load. Not API.
 *
 * @param <R> what the store answers (a conditional write answers whether it took effect)
 */
public sealed interface Write<R> permits Write.SnapshotWrite, Write.StoreWrite {

  /** Applies the write to the store and returns the store's answer. */
  R store(Transaction tx);

  /**
   * Whether the write took effect, given the store's answer: a conditional write answers a
   * {@code Boolean} that says so; any other answer means it did ({@link RemoveMember} says itself).
   */
  default boolean tookEffect(R answer) {
    return !Boolean.FALSE.equals(answer);
  }

  /** A write that changes what checks read: it has a snapshot effect and bumps the revision. */
  sealed interface SnapshotWrite<R> extends Write<R> {
    /** Applies the write to a snapshot being edited; called only if it {@linkplain #tookEffect took effect}. */
    void snapshot(OrgState.Draft d);
  }

  /** A write the snapshot does not hold: no snapshot effect, no new revision. */
  sealed interface StoreWrite<R> extends Write<R> {}

  // ------------------------------------------------------------------------------ organizations

  /** A new organization at revision 0; the engine applies it before locking the new organization. */
  record CreateOrganization(Organization organization) implements SnapshotWrite<Void> {
    @Override
    public Void store(Transaction tx) {
      tx.organizations().insert(organization);
      return null;
    }

    @Override
    public void snapshot(OrgState.Draft d) {
      d.updateOrganization(organization);
    }
  }

  /** A new name or new settings. */
  record UpdateOrganization(Organization organization) implements SnapshotWrite<Void> {
    @Override
    public Void store(Transaction tx) {
      tx.organizations().update(organization);
      return null;
    }

    @Override
    public void snapshot(OrgState.Draft d) {
      d.updateOrganization(organization);
    }
  }

  /**
   * Deletes the organization with everything in it (the store cascades: memberships, projects, grants,
   * resources, rules, invites; audit entries stay). The snapshot is dropped, not republished.
   */
  record DeleteOrganization(OrgId organization) implements SnapshotWrite<Boolean> {
    @Override
    public Boolean store(Transaction tx) {
      return tx.organizations().delete(organization);
    }

    @Override
    public void snapshot(OrgState.Draft d) {
      d.deleteOrganization(organization);
    }
  }

  // ------------------------------------------------------------------------------ memberships

  /** A new membership; fails if the user already has one. */
  record InsertMember(Membership membership) implements SnapshotWrite<Void> {
    @Override
    public Void store(Transaction tx) {
      tx.memberships().insert(membership);
      return null;
    }

    @Override
    public void snapshot(OrgState.Draft d) {
      d.putMember(membership);
    }
  }

  /**
   * Replaces {@code current} with {@code next}, compare-and-set; refused by the store if the stored
   * membership changed meanwhile or if it would demote the last Owner.
   */
  record ReplaceMember(Membership current, Membership next) implements SnapshotWrite<Boolean> {
    @Override
    public Boolean store(Transaction tx) {
      return tx.memberships().update(current, next);
    }

    @Override
    public void snapshot(OrgState.Draft d) {
      d.putMember(next);
    }
  }

  /** What removing a membership took with it; {@code removed} false if the store refused (an Owner, gone). */
  record Removed(boolean removed, int grants, int resourceRules, int roleMemberships) {}

  /**
   * Removes a non-Owner membership with the member's project grants, resource rules and role
   * memberships in the organization.
   */
  record RemoveMember(OrgId organization, UserId user) implements SnapshotWrite<Removed> {
    @Override
    public Removed store(Transaction tx) {
      int grants = tx.grants().deleteByMember(organization, user);
      int rules = tx.resources().deleteRulesByMember(organization, user);
      int roles = tx.roles().deleteMembersByUser(organization, user);
      return new Removed(tx.memberships().delete(organization, user), grants, rules, roles);
    }

    @Override
    public boolean tookEffect(Removed answer) {
      return answer.removed();
    }

    @Override
    public void snapshot(OrgState.Draft d) {
      d.deleteGrantsOf(organization, user);
      d.deleteRulesOf(organization, user);
      d.deleteRoleMembershipsOf(organization, user);
      d.deleteMember(organization, user);
    }
  }

  // ------------------------------------------------------------------------------ projects

  /** A new project; its token must be unique. */
  record InsertProject(Project project) implements SnapshotWrite<Void> {
    @Override
    public Void store(Transaction tx) {
      tx.projects().insert(project);
      return null;
    }

    @Override
    public void snapshot(OrgState.Draft d) {
      d.putProject(project);
    }
  }

  /** New name, visibility, default role or token; the project keeps its grants, resources and rules. */
  record UpdateProject(Project project) implements SnapshotWrite<Void> {
    @Override
    public Void store(Transaction tx) {
      tx.projects().update(project);
      return null;
    }

    @Override
    public void snapshot(OrgState.Draft d) {
      d.putProject(project);
    }
  }

  /** Deletes a project with its grants, kind rules, resources and their rules (the store cascades). */
  record DeleteProject(ProjectId project) implements SnapshotWrite<Boolean> {
    @Override
    public Boolean store(Transaction tx) {
      return tx.projects().delete(project);
    }

    @Override
    public void snapshot(OrgState.Draft d) {
      d.deleteResourcesOf(project);
      d.deleteProject(project); // with its grants and kind rules
    }
  }

  // ------------------------------------------------------------------------------ grants

  /** Inserts the grant or replaces the one of its project and user. */
  record UpsertGrant(ProjectGrant grant) implements SnapshotWrite<Void> {
    @Override
    public Void store(Transaction tx) {
      tx.grants().upsert(grant);
      return null;
    }

    @Override
    public void snapshot(OrgState.Draft d) {
      d.upsertGrant(grant);
    }
  }

  /** Deletes one grant. */
  record DeleteGrant(ProjectId project, UserId user) implements SnapshotWrite<Boolean> {
    @Override
    public Boolean store(Transaction tx) {
      return tx.grants().delete(project, user);
    }

    @Override
    public void snapshot(OrgState.Draft d) {
      d.deleteGrant(project, user);
    }
  }

  // ------------------------------------------------------------------------------ roles

  /** A new role. */
  record InsertRole(Role role) implements SnapshotWrite<Void> {
    @Override
    public Void store(Transaction tx) {
      tx.roles().insert(role);
      return null;
    }

    @Override
    public void snapshot(OrgState.Draft d) {
      d.putRole(role);
    }
  }

  /** A role's new name or capabilities. */
  record UpdateRole(Role role) implements SnapshotWrite<Void> {
    @Override
    public Void store(Transaction tx) {
      tx.roles().update(role);
      return null;
    }

    @Override
    public void snapshot(OrgState.Draft d) {
      d.putRole(role);
    }
  }

  /** Deletes a role with its memberships, grants and rules (the store cascades). */
  record DeleteRole(RoleId role) implements SnapshotWrite<Boolean> {
    @Override
    public Boolean store(Transaction tx) {
      return tx.roles().delete(role);
    }

    @Override
    public void snapshot(OrgState.Draft d) {
      d.deleteRole(role);
    }
  }

  /** Adds a member to a role, or replaces the membership's expiry. */
  record UpsertRoleMember(RoleMember member) implements SnapshotWrite<Void> {
    @Override
    public Void store(Transaction tx) {
      tx.roles().upsertMember(member);
      return null;
    }

    @Override
    public void snapshot(OrgState.Draft d) {
      d.upsertRoleMember(member);
    }
  }

  /** Removes a member from a role. */
  record DeleteRoleMember(RoleId role, UserId user) implements SnapshotWrite<Boolean> {
    @Override
    public Boolean store(Transaction tx) {
      return tx.roles().deleteMember(role, user);
    }

    @Override
    public void snapshot(OrgState.Draft d) {
      d.deleteRoleMember(role, user);
    }
  }

  /** Gives a role a project role on a project, or replaces it. */
  record UpsertRoleGrant(RoleGrant grant) implements SnapshotWrite<Void> {
    @Override
    public Void store(Transaction tx) {
      tx.roles().upsertGrant(grant);
      return null;
    }

    @Override
    public void snapshot(OrgState.Draft d) {
      d.upsertRoleGrant(grant);
    }
  }

  /** Takes a role's grant on a project. */
  record DeleteRoleGrant(RoleId role, ProjectId project) implements SnapshotWrite<Boolean> {
    @Override
    public Boolean store(Transaction tx) {
      return tx.roles().deleteGrant(role, project);
    }

    @Override
    public void snapshot(OrgState.Draft d) {
      d.deleteRoleGrant(role, project);
    }
  }

  /** Sets a role's access level on a resource or on a kind of a project, or replaces it. */
  record UpsertRoleRule(RoleRule rule) implements SnapshotWrite<Void> {
    @Override
    public Void store(Transaction tx) {
      tx.roles().upsertRule(rule);
      return null;
    }

    @Override
    public void snapshot(OrgState.Draft d) {
      d.upsertRoleRule(rule);
    }
  }

  /** Takes a role's rule on a resource or on a kind. */
  record DeleteRoleRule(RoleRule rule) implements SnapshotWrite<Boolean> {
    @Override
    public Boolean store(Transaction tx) {
      return tx.roles().deleteRule(rule);
    }

    @Override
    public void snapshot(OrgState.Draft d) {
      d.deleteRoleRule(rule);
    }
  }

  // ------------------------------------------------------------------------------ resources

  /** A newly registered resource. */
  record InsertResource(Resource resource) implements SnapshotWrite<Void> {
    @Override
    public Void store(Transaction tx) {
      tx.resources().insert(resource);
      return null;
    }

    @Override
    public void snapshot(OrgState.Draft d) {
      d.putResource(resource);
    }
  }

  /** A resource with a new creator; it keeps its rules. */
  record UpdateResource(Resource resource) implements SnapshotWrite<Void> {
    @Override
    public Void store(Transaction tx) {
      tx.resources().update(resource);
      return null;
    }

    @Override
    public void snapshot(OrgState.Draft d) {
      d.putResource(resource);
    }
  }

  /** Deletes a resource with its rules (the store cascades). */
  record DeleteResource(ResourceRef ref) implements SnapshotWrite<Boolean> {
    @Override
    public Boolean store(Transaction tx) {
      return tx.resources().delete(ref);
    }

    @Override
    public void snapshot(OrgState.Draft d) {
      d.deleteResource(ref); // with its member and everyone rules
    }
  }

  /** Inserts the rule or replaces the one with the same project, kind, resource and user. */
  record UpsertRule(ResourceRule rule) implements SnapshotWrite<Void> {
    @Override
    public Void store(Transaction tx) {
      tx.resources().upsertRule(rule);
      return null;
    }

    @Override
    public void snapshot(OrgState.Draft d) {
      d.upsertRule(rule);
    }
  }

  /** Deletes the rule with the same project, kind, resource and user as {@code rule}. */
  record DeleteRule(ResourceRule rule) implements SnapshotWrite<Boolean> {
    @Override
    public Boolean store(Transaction tx) {
      return tx.resources().deleteRule(rule);
    }

    @Override
    public void snapshot(OrgState.Draft d) {
      d.deleteRule(rule);
    }
  }

  // ------------------------------------------------------------------------------ bulk (import)

  /**
   * New memberships, in one store call ({@link dev.warden.spi.MembershipRepository#insertAll}); fails
   * if any user already has one.
   */
  record InsertMembers(List<Membership> memberships) implements SnapshotWrite<Void> {
    public InsertMembers {
      memberships = List.copyOf(memberships);
    }

    @Override
    public Void store(Transaction tx) {
      tx.memberships().insertAll(memberships);
      return null;
    }

    @Override
    public void snapshot(OrgState.Draft d) {
      memberships.forEach(d::putMember);
    }

    @Override
    public String toString() {
      return "InsertMembers[%d memberships]".formatted(memberships.size());
    }
  }

  /** New projects, in one store call ({@link dev.warden.spi.ProjectRepository#insertAll}). */
  record InsertProjects(List<Project> projects) implements SnapshotWrite<Void> {
    public InsertProjects {
      projects = List.copyOf(projects);
    }

    @Override
    public Void store(Transaction tx) {
      tx.projects().insertAll(projects);
      return null;
    }

    @Override
    public void snapshot(OrgState.Draft d) {
      projects.forEach(d::putProject);
    }

    @Override
    public String toString() {
      return "InsertProjects[%d projects]".formatted(projects.size());
    }
  }

  /** Grants inserted or replacing those of their project and user, in one store call. */
  record UpsertGrants(List<ProjectGrant> grants) implements SnapshotWrite<Void> {
    public UpsertGrants {
      grants = List.copyOf(grants);
    }

    @Override
    public Void store(Transaction tx) {
      tx.grants().upsertAll(grants);
      return null;
    }

    @Override
    public void snapshot(OrgState.Draft d) {
      grants.forEach(d::upsertGrant);
    }

    @Override
    public String toString() {
      return "UpsertGrants[%d grants]".formatted(grants.size());
    }
  }

  /** Newly registered resources, in one store call. */
  record InsertResources(List<Resource> resources) implements SnapshotWrite<Void> {
    public InsertResources {
      resources = List.copyOf(resources);
    }

    @Override
    public Void store(Transaction tx) {
      tx.resources().insertAll(resources);
      return null;
    }

    @Override
    public void snapshot(OrgState.Draft d) {
      resources.forEach(d::putResource);
    }

    @Override
    public String toString() {
      return "InsertResources[%d resources]".formatted(resources.size());
    }
  }

  /** Rules inserted or replacing those with the same key, in one store call. */
  record UpsertRules(List<ResourceRule> rules) implements SnapshotWrite<Void> {
    public UpsertRules {
      rules = List.copyOf(rules);
    }

    @Override
    public Void store(Transaction tx) {
      tx.resources().upsertRules(rules);
      return null;
    }

    @Override
    public void snapshot(OrgState.Draft d) {
      rules.forEach(d::upsertRule);
    }

    @Override
    public String toString() {
      return "UpsertRules[%d rules]".formatted(rules.size());
    }
  }

  // ------------------------------------------------------------------------------ invites

  /** A new invite with its token hash, replacing every unused invite for its organization and email. */
  record InsertInvite(Invite invite, String tokenHash) implements StoreWrite<Void> {
    @Override
    public Void store(Transaction tx) {
      tx.invites().insertReplacingUnused(invite, tokenHash);
      return null;
    }

    @Override
    public String toString() {
      return "InsertInvite[invite=" + invite.id() + ", tokenHash=masked]";
    }
  }

  /** Marks the invite used, compare-and-set: of two concurrent consumes one takes effect. */
  record ConsumeInvite(InviteId invite, Instant at) implements StoreWrite<Boolean> {
    @Override
    public Boolean store(Transaction tx) {
      return tx.invites().consume(invite, at);
    }
  }

  /** Deletes one invite. */
  record DeleteInvite(InviteId invite) implements StoreWrite<Boolean> {
    @Override
    public Boolean store(Transaction tx) {
      return tx.invites().delete(invite);
    }
  }

  /** Deletes every unused invite for the organization and email; answers how many. */
  record DeleteUnusedInvites(OrgId organization, EmailAddress email) implements StoreWrite<Integer> {
    @Override
    public Integer store(Transaction tx) {
      return tx.invites().deleteUnused(organization, email);
    }
  }

  // ------------------------------------------------------------------------------ api keys

  /** A new key with its value hash, unless its user holds {@code max} keys already. */
  record InsertApiKey(ApiKey key, String valueHash, int max) implements StoreWrite<Boolean> {
    @Override
    public Boolean store(Transaction tx) {
      return tx.apiKeys().insertIfFewer(key, valueHash, max);
    }

    @Override
    public String toString() {
      return "InsertApiKey[key=" + key.id() + ", valueHash=masked, max=" + max + "]";
    }
  }

  /** New fields of a key (limits, last use), and a new value hash when rolled. */
  record UpdateApiKey(ApiKey key, Optional<String> newValueHash) implements StoreWrite<Void> {
    @Override
    public Void store(Transaction tx) {
      tx.apiKeys().update(key, newValueHash);
      return null;
    }

    @Override
    public String toString() {
      return "UpdateApiKey[key=" + key.id() + ", rolled=" + newValueHash.isPresent() + "]";
    }
  }

  /**
   * Records a key's last use, and only that: writing the whole key read earlier could undo a concurrent
   * narrowing. Answers whether the key exists.
   */
  record MarkApiKeyUsed(ApiKeyId key, Instant at) implements StoreWrite<Boolean> {
    @Override
    public Boolean store(Transaction tx) {
      return tx.apiKeys().markUsed(key, at);
    }
  }

  /** Deletes a key. */
  record DeleteApiKey(ApiKeyId key) implements StoreWrite<Boolean> {
    @Override
    public Boolean store(Transaction tx) {
      return tx.apiKeys().delete(key);
    }
  }

  // ------------------------------------------------------------------------------ audit

  /** Appends an audit entry, in the transaction of the change it records. */
  record AppendAudit(AuditEntry entry) implements StoreWrite<Void> {
    @Override
    public Void store(Transaction tx) {
      tx.audit().append(entry);
      return null;
    }
  }

  /** Appends audit entries in one store call ({@link dev.warden.spi.AuditRepository#appendAll}). */
  record AppendAudits(List<AuditEntry> entries) implements StoreWrite<Void> {
    public AppendAudits {
      entries = List.copyOf(entries);
    }

    @Override
    public Void store(Transaction tx) {
      tx.audit().appendAll(entries);
      return null;
    }

    @Override
    public String toString() {
      return "AppendAudits[%d entries]".formatted(entries.size());
    }
  }
}
