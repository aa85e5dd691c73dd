package dev.warden.internal;

import com.google.common.collect.ImmutableMap;
import dev.warden.organization.EmailAddress;
import dev.warden.organization.Membership;
import dev.warden.organization.OrgId;
import dev.warden.organization.Organization;
import dev.warden.organization.UserId;
import dev.warden.project.Project;
import dev.warden.project.ProjectGrant;
import dev.warden.project.ProjectId;
import dev.warden.resource.AccessLevel;
import dev.warden.resource.Resource;
import dev.warden.resource.ResourceRef;
import dev.warden.resource.ResourceRule;
import dev.warden.spi.Transaction;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable snapshot of one organization at one revision: everything a check reads. Checks never
 * touch the store; mutations publish a new snapshot. Not API.
 */
public final class OrgState {
  private final Organization organization;
  private final long revision;
  private final ImmutableMap<UserId, Membership> members;
  private final ImmutableMap<EmailAddress, Membership> membersByEmail;
  private final ImmutableMap<ProjectId, ProjectState> projects;
  private final ImmutableMap<ResourceRef, ResourceState> resources;

  private OrgState(Organization organization, long revision, List<Membership> members, List<Project> projects,
      List<ProjectGrant> grants, List<Resource> resources, List<ResourceRule> rules) {
    this.organization = organization;
    this.revision = revision;
    ImmutableMap.Builder<UserId, Membership> byUser = ImmutableMap.builderWithExpectedSize(members.size());
    Map<EmailAddress, Membership> byEmail = new HashMap<>();
    for (Membership m : members) {
      byUser.put(m.user(), m);
      m.email().ifPresent(e -> byEmail.put(e, m));
    }
    this.members = byUser.buildOrThrow();
    this.membersByEmail = ImmutableMap.copyOf(byEmail);
    Map<ProjectId, ImmutableMap.Builder<UserId, ProjectGrant>> grantsByProject = new HashMap<>();
    for (ProjectGrant g : grants) {
      grantsByProject.computeIfAbsent(g.project(), k -> ImmutableMap.builder()).put(g.user(), g);
    }
    Map<ProjectId, ImmutableMap.Builder<String, AccessLevel>> kindRules = new HashMap<>();
    Map<ResourceRef, ImmutableMap.Builder<UserId, AccessLevel>> memberRules = new HashMap<>();
    Map<ResourceRef, AccessLevel> everyoneRules = new HashMap<>();
    for (ResourceRule r : rules) {
      if (r.ref().isEmpty()) {
        kindRules.computeIfAbsent(r.project(), k -> ImmutableMap.builder()).put(r.kind(), r.level());
      } else if (r.user().isEmpty()) {
        everyoneRules.put(r.ref().get(), r.level());
      } else {
        memberRules.computeIfAbsent(r.ref().get(), k -> ImmutableMap.builder()).put(r.user().get(), r.level());
      }
    }
    ImmutableMap.Builder<ProjectId, ProjectState> byProject = ImmutableMap.builderWithExpectedSize(projects.size());
    for (Project p : projects) {
      ImmutableMap.Builder<UserId, ProjectGrant> b = grantsByProject.get(p.id());
      ImmutableMap.Builder<String, AccessLevel> k = kindRules.get(p.id());
      byProject.put(p.id(), new ProjectState(p, b == null ? ImmutableMap.of() : b.buildOrThrow(),
          k == null ? ImmutableMap.of() : k.buildOrThrow()));
    }
    this.projects = byProject.buildOrThrow();
    ImmutableMap.Builder<ResourceRef, ResourceState> byRef = ImmutableMap.builderWithExpectedSize(resources.size());
    for (Resource r : resources) {
      ImmutableMap.Builder<UserId, AccessLevel> m = memberRules.get(r.ref());
      byRef.put(r.ref(), new ResourceState(r, m == null ? ImmutableMap.of() : m.buildOrThrow(),
          everyoneRules.get(r.ref())));
    }
    this.resources = byRef.buildOrThrow();
  }

  /**
   * Reads the organization at {@code revision} through {@code tx}; the caller holds the organization's
   * lock. Empty if the organization does not exist.
   */
  public static Optional<OrgState> load(Transaction tx, OrgId id, long revision) {
    return tx.organizations().find(id).map(org -> new OrgState(org, revision,
        tx.memberships().listByOrganization(id), tx.projects().listByOrganization(id),
        tx.grants().listByOrganization(id), tx.resources().listByOrganization(id),
        tx.resources().listRulesByOrganization(id)));
  }

  public Organization organization() {
    return organization;
  }

  public OrgId id() {
    return organization.id();
  }

  public long revision() {
    return revision;
  }

  /** Every membership, expired ones included, in user-id order. */
  public ImmutableMap<UserId, Membership> members() {
    return members;
  }

  /** The membership of the user with this email, if any (expired ones included). */
  public Membership memberByEmail(EmailAddress email) {
    return membersByEmail.get(email);
  }

  /** Every project in creation order. */
  public ImmutableMap<ProjectId, ProjectState> projects() {
    return projects;
  }

  /** Every registered resource in creation order. */
  public ImmutableMap<ResourceRef, ResourceState> resources() {
    return resources;
  }

  /** A project, the explicit grants on it, and its rules per resource kind. */
  public record ProjectState(Project project, ImmutableMap<UserId, ProjectGrant> grants,
      ImmutableMap<String, AccessLevel> kindRules) {}

  /** A resource and its rules: per member, and for everyone (null: none). */
  public record ResourceState(Resource resource, ImmutableMap<UserId, AccessLevel> memberRules,
      AccessLevel everyoneRule) {}
}
