package dev.warden.internal;

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
import dev.warden.spi.ForwardingTransaction;
import dev.warden.spi.GrantRepository;
import dev.warden.spi.MembershipRepository;
import dev.warden.spi.OrganizationRepository;
import dev.warden.spi.ProjectRepository;
import dev.warden.spi.ResourceRepository;
import dev.warden.spi.Transaction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * A transaction that forwards every call to another one and records, in order, each write that
 * changes an organization's snapshot, so that {@link Engine} can replay them on the snapshot
 * ({@link OrgState#apply}) instead of reloading the organization. A write is recorded once the store
 * has done it, and a conditional one only if it took effect. Invites, API keys and audit entries are
 * not in snapshots: forwarded only. Used on the transaction's thread only, like the transaction.
 */
final class RecordingTransaction extends ForwardingTransaction {
  private final Transaction delegate;
  private final List<Consumer<OrgState.Draft>> writes = new ArrayList<>();

  RecordingTransaction(Transaction delegate) {
    super(delegate);
    this.delegate = delegate;
  }

  /** The recorded writes, in the order the store did them. */
  List<Consumer<OrgState.Draft>> writes() {
    return writes;
  }

  @Override
  public OrganizationRepository organizations() {
    return new Organizations(delegate.organizations());
  }

  @Override
  public MembershipRepository memberships() {
    return new Memberships(delegate.memberships());
  }

  @Override
  public ProjectRepository projects() {
    return new Projects(delegate.projects());
  }

  @Override
  public GrantRepository grants() {
    return new Grants(delegate.grants());
  }

  @Override
  public ResourceRepository resources() {
    return new Resources(delegate.resources());
  }

  private void record(Consumer<OrgState.Draft> write) {
    writes.add(write);
  }

  /** Records {@code write} if {@code done} (a conditional write took effect); returns {@code done}. */
  private boolean recordIf(boolean done, Consumer<OrgState.Draft> write) {
    if (done) {
      writes.add(write);
    }
    return done;
  }

  private final class Organizations implements OrganizationRepository {
    private final OrganizationRepository d;

    Organizations(OrganizationRepository d) {
      this.d = d;
    }

    @Override
    public void insert(Organization organization) {
      d.insert(organization); // a new organization is loaded whole
    }

    @Override
    public Optional<Organization> find(OrgId id) {
      return d.find(id);
    }

    @Override
    public List<OrgId> listIds() {
      return d.listIds();
    }

    @Override
    public OptionalLong lock(OrgId id) {
      return d.lock(id);
    }

    @Override
    public long bumpRevision(OrgId id) {
      return d.bumpRevision(id);
    }

    @Override
    public OptionalLong revision(OrgId id) {
      return d.revision(id);
    }

    @Override
    public Map<OrgId, Long> revisions(List<OrgId> ids) {
      return d.revisions(ids);
    }

    @Override
    public void update(Organization organization) {
      d.update(organization);
      record(s -> s.updateOrganization(organization));
    }

    @Override
    public boolean delete(OrgId id) {
      return d.delete(id); // a deleted organization's snapshot is dropped, not replayed
    }
  }

  private final class Memberships implements MembershipRepository {
    private final MembershipRepository d;

    Memberships(MembershipRepository d) {
      this.d = d;
    }

    @Override
    public Optional<Membership> find(OrgId organization, UserId user) {
      return d.find(organization, user);
    }

    @Override
    public List<Membership> listByOrganization(OrgId organization) {
      return d.listByOrganization(organization);
    }

    @Override
    public List<Membership> listByUser(UserId user) {
      return d.listByUser(user);
    }

    @Override
    public void insert(Membership membership) {
      d.insert(membership);
      record(s -> s.putMember(membership));
    }

    @Override
    public boolean update(Membership current, Membership next) {
      return recordIf(d.update(current, next), s -> s.putMember(next));
    }

    @Override
    public boolean delete(OrgId organization, UserId user) {
      return recordIf(d.delete(organization, user), s -> s.deleteMember(organization, user));
    }
  }

  private final class Projects implements ProjectRepository {
    private final ProjectRepository d;

    Projects(ProjectRepository d) {
      this.d = d;
    }

    @Override
    public void insert(Project project) {
      d.insert(project);
      record(s -> s.putProject(project));
    }

    @Override
    public Optional<Project> find(ProjectId id) {
      return d.find(id);
    }

    @Override
    public Optional<Project> findByToken(String token) {
      return d.findByToken(token);
    }

    @Override
    public List<Project> listByOrganization(OrgId organization) {
      return d.listByOrganization(organization);
    }

    @Override
    public void update(Project project) {
      d.update(project);
      record(s -> s.putProject(project));
    }

    @Override
    public boolean delete(ProjectId id) {
      return recordIf(d.delete(id), s -> s.deleteProject(id));
    }
  }

  private final class Grants implements GrantRepository {
    private final GrantRepository d;

    Grants(GrantRepository d) {
      this.d = d;
    }

    @Override
    public Optional<ProjectGrant> find(ProjectId project, UserId user) {
      return d.find(project, user);
    }

    @Override
    public List<ProjectGrant> listByOrganization(OrgId organization) {
      return d.listByOrganization(organization);
    }

    @Override
    public void upsert(ProjectGrant grant) {
      d.upsert(grant);
      record(s -> s.upsertGrant(grant));
    }

    @Override
    public boolean delete(ProjectId project, UserId user) {
      return recordIf(d.delete(project, user), s -> s.deleteGrant(project, user));
    }

    @Override
    public int deleteByMember(OrgId organization, UserId user) {
      int deleted = d.deleteByMember(organization, user);
      recordIf(deleted > 0, s -> s.deleteGrantsOf(organization, user));
      return deleted;
    }
  }

  private final class Resources implements ResourceRepository {
    private final ResourceRepository d;

    Resources(ResourceRepository d) {
      this.d = d;
    }

    @Override
    public void insert(Resource resource) {
      d.insert(resource);
      record(s -> s.putResource(resource));
    }

    @Override
    public Optional<Resource> find(ResourceRef ref) {
      return d.find(ref);
    }

    @Override
    public List<Resource> listByOrganization(OrgId organization) {
      return d.listByOrganization(organization);
    }

    @Override
    public void update(Resource resource) {
      d.update(resource);
      record(s -> s.putResource(resource));
    }

    @Override
    public boolean delete(ResourceRef ref) {
      return recordIf(d.delete(ref), s -> s.deleteResource(ref));
    }

    @Override
    public void upsertRule(ResourceRule rule) {
      d.upsertRule(rule);
      record(s -> s.upsertRule(rule));
    }

    @Override
    public boolean deleteRule(ResourceRule rule) {
      return recordIf(d.deleteRule(rule), s -> s.deleteRule(rule));
    }

    @Override
    public List<ResourceRule> listRulesByOrganization(OrgId organization) {
      return d.listRulesByOrganization(organization);
    }

    @Override
    public int deleteRulesByMember(OrgId organization, UserId user) {
      int deleted = d.deleteRulesByMember(organization, user);
      recordIf(deleted > 0, s -> s.deleteRulesOf(organization, user));
      return deleted;
    }
  }
}
