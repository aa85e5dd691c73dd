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

  private OrgState(Organization organization, long revision, List<Membership> members, List<Project> projects,
      List<ProjectGrant> grants) {
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
    ImmutableMap.Builder<ProjectId, ProjectState> byProject = ImmutableMap.builderWithExpectedSize(projects.size());
    for (Project p : projects) {
      ImmutableMap.Builder<UserId, ProjectGrant> b = grantsByProject.get(p.id());
      byProject.put(p.id(), new ProjectState(p, b == null ? ImmutableMap.of() : b.buildOrThrow()));
    }
    this.projects = byProject.buildOrThrow();
  }

  /**
   * Reads the organization at {@code revision} through {@code tx}; the caller holds the organization's
   * lock. Empty if the organization does not exist.
   */
  public static Optional<OrgState> load(Transaction tx, OrgId id, long revision) {
    return tx.organizations().find(id).map(org -> new OrgState(org, revision,
        tx.memberships().listByOrganization(id), tx.projects().listByOrganization(id),
        tx.grants().listByOrganization(id)));
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

  /** A project and the explicit grants on it. */
  public record ProjectState(Project project, ImmutableMap<UserId, ProjectGrant> grants) {}
}
