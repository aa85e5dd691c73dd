package dev.warden.internal;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.Decision;
import dev.warden.ErrorCode;
import dev.warden.Expiry;
import dev.warden.NotFoundException;
import dev.warden.PermissionDeniedException;
import dev.warden.Principal;
import dev.warden.RuleViolationException;
import dev.warden.audit.Actor;
import dev.warden.audit.AuditEntry;
import dev.warden.audit.Change;
import dev.warden.bulk.ImportItem;
import dev.warden.bulk.ImportRefusal;
import dev.warden.bulk.ImportReport;
import dev.warden.bulk.OrganizationImport;
import dev.warden.internal.OrgState.ProjectState;
import dev.warden.matrix.Capability;
import dev.warden.organization.EmailAddress;
import dev.warden.organization.Membership;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.UserId;
import dev.warden.project.Project;
import dev.warden.project.ProjectGrant;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import dev.warden.resource.AccessLevel;
import dev.warden.resource.Resource;
import dev.warden.resource.ResourceRef;
import dev.warden.resource.ResourceRule;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Implements {@link dev.warden.organization.Organizations#importInto}: one mutation of the organization
 * that authorizes the actor up front, validates every item with the rule code of the single operations
 * it stands for (against the organization as the items before it leave it), and then either writes
 * nothing and reports every refusal, or writes everything through bulk {@link Write}s, so the engine
 * replays them on the snapshot and publishes it once. Each item costs O(1) to validate. Not API.
 */
public final class ImportService {
  /** The audit action of an import, and of its refused attempts ({@code organization.imported.denied}). */
  static final String ACTION = "organization.imported";

  private final Engine engine;

  public ImportService(Engine engine) {
    this.engine = engine;
  }

  /** Imports {@code data} into {@code organization}; see {@code Organizations#importInto}. */
  public ImportReport importInto(Principal actor, OrgId organization, OrganizationImport data) {
    checkNotNull(actor, "actor");
    checkNotNull(organization, "organization");
    checkNotNull(data, "data");
    ImportReport report = engine.mutate(organization, actor, ACTION, organization, m -> new Run(m, data).run());
    if (report.refusals().stream().anyMatch(r -> r.code() == ErrorCode.PERMISSION_DENIED)) {
      // A refusal of the actor's own access on a project, recorded as every denied mutation is.
      engine.recordDenied(organization, actor, ACTION, organization);
    }
    return report;
  }

  /** A check of one item: returns normally or throws the refusal the single operation would throw. */
  private interface Check<T> {
    void apply(T item);
  }

  /**
   * One attempt at an import, under the organization's lock; a store that retries the transaction makes
   * a new one.
   */
  private final class Run {
    private final Mutation m;
    private final OrganizationImport data;
    private final OrgState state;
    private final Decider decider;
    private final Principal actor;
    private final Instant now;
    private final OrgId org;
    private final List<ImportRefusal> refusals = new ArrayList<>();
    private Membership me;

    // What the items accepted so far add to the organization, in the import's order.
    private final Map<UserId, Membership> joining = new HashMap<>();
    private final Map<EmailAddress, Membership> joiningByEmail = new HashMap<>();
    private final List<Membership> members = new ArrayList<>();
    /** Expired memberships the import replaces, as accepting an invite replaces them. */
    private final List<Membership> replaced = new ArrayList<>();
    private final Map<ProjectId, ProjectState> projects = new HashMap<>();
    private final List<Project> projectList = new ArrayList<>();
    private final Map<ProjectId, Map<UserId, ProjectGrant>> grants = new HashMap<>();
    private final List<ProjectGrant> grantList = new ArrayList<>();
    private final Set<ResourceRef> resources = new HashSet<>();
    private final List<Resource> resourceList = new ArrayList<>();
    /** The rules' keys: each rule at level {@code NONE}. */
    private final Set<ResourceRule> ruleKeys = new HashSet<>();
    private final List<AuditEntry> audit = new ArrayList<>();

    Run(Mutation m, OrganizationImport data) {
      this.m = m;
      this.data = data;
      this.state = m.state();
      this.decider = m.decider();
      this.actor = m.actor();
      this.now = m.now();
      this.org = state.id();
    }

    ImportReport run() {
      authorize();
      check(data.members(), this::member);
      check(data.projects(), this::project);
      check(data.grants(), this::grant);
      check(data.resources(), this::resource);
      check(data.rules(), this::rule);
      if (!refusals.isEmpty()) {
        return ImportReport.refused(org, refusals);
      }
      if (data.size() > 0) {
        write();
      }
      return ImportReport.accepted(org, data);
    }

    /**
     * The capabilities the single operations need, all at once, after the gates (MFA, SSO, API key
     * limits): {@code INVITE_MEMBERS} to add members, {@code MANAGE_MEMBERS} to give them notes or
     * expiries, a recent authentication to give expiries, {@code CREATE_PROJECT} to add projects, and
     * the org level Admin to make one other than new projects are. Project access (for grants,
     * resources and rules) is decided per item.
     */
    private void authorize() {
      me = m.requireOrg(Capability.VIEW_ORGANIZATION); // an active member past the organization's gates
      if (!data.members().isEmpty()) {
        m.requireOrg(Capability.INVITE_MEMBERS);
      }
      if (data.members().stream().anyMatch(x -> x.note().isPresent() || x.expiresAt().isPresent())) {
        m.requireOrg(Capability.MANAGE_MEMBERS);
      }
      if (data.members().stream().anyMatch(x -> x.expiresAt().isPresent())) {
        m.requireRecentAuthentication();
      }
      if (!data.projects().isEmpty()) {
        m.requireOrg(Capability.CREATE_PROJECT);
      }
      if (data.projects().stream().anyMatch(p -> p.visibility() != decider.matrix().newProjectVisibility())) {
        ProjectService.requireMayChangeVisibility(me);
      }
    }

    private <T extends ImportItem> void check(List<T> items, Check<T> check) {
      for (int i = 0; i < items.size(); i++) {
        T item = items.get(i);
        try {
          check.apply(item);
        } catch (RuleViolationException | NotFoundException | PermissionDeniedException e) {
          refusals.add(new ImportRefusal(item, i, e.code(), e.getMessage()));
        }
      }
    }

    /** As {@code invites().create} at the item's level, {@code accept}, {@code setNote} and {@code setExpiry}. */
    private void member(ImportItem.Member item) {
      UserId user = item.user();
      MembershipRules.requireLevelWithinOwn(me, item.level(), "import a member");
      MembershipRules.requireOwnershipAllows(decider.matrix().ownership(), item.level(),
          "import at a lower level and transfer ownership");
      Membership sameEmail = joiningByEmail.get(item.email());
      MembershipRules.requireNotActiveMember(sameEmail != null ? sameEmail : state.memberByEmail(item.email()), now,
          item.email());
      Membership existing = joining.containsKey(user) ? joining.get(user) : state.members().get(user);
      MembershipRules.requireNotActiveMember(existing, now, "user " + user);
      if (item.expiresAt().isPresent()) {
        if (item.level() == OrgLevel.OWNER) {
          throw MembershipRules.ownerCannotExpire(user);
        }
        Expiry.requireAfter(item.expiresAt().get(), now);
      }
      Membership joined = new Membership(org, user, Optional.of(item.email()), item.level(), item.note(),
          item.expiresAt(), now, Optional.of(me.user()));
      joining.put(user, joined);
      joiningByEmail.put(item.email(), joined);
      members.add(joined);
      if (existing != null) {
        replaced.add(existing);
      }
    }

    /** As {@code projects().create}, then {@code setVisibility} and {@code setDefaultRole} where they differ. */
    private void project(ImportItem.Project item) {
      ProjectId id = item.id();
      // Project ids are global: one in another organization is as taken as one in this organization.
      if (projects.containsKey(id) || state.projects().containsKey(id) || m.read().projects().find(id).isPresent()) {
        throw Errors.rule(ErrorCode.ALREADY_EXISTS, "project id " + id + " is already in use");
      }
      Project project = ProjectService.newProject(decider.matrix().tokenFormat(), id, org, item.name(), item.visibility(), item.defaultRole(), now);
      if (item.defaultRole() != ProjectRole.MEMBER) {
        // setDefaultRole on the project as created and made open or private: MANAGE_PROJECT_SETTINGS there.
        ProjectState created = ProjectState.of(project.withDefaultRole(ProjectRole.MEMBER));
        require(decider.project(actor, Capability.MANAGE_PROJECT_SETTINGS, state, created, Trace.NONE));
      }
      projects.put(id, ProjectState.of(project));
      projectList.add(project);
    }

    /** As {@code grants().grant}. */
    private void grant(ImportItem.Grant item) {
      ProjectState p = requireManageAccess(item.project());
      GrantService.requireNotOwnGrant(actor.userId(), item.user());
      requireMember(item.user());
      GrantService.requireRoleWithinOwn(decider.effectiveRole(state, me, p), item.role(), item.project());
      item.expiresAt().ifPresent(at -> Expiry.requireAfter(at, now));
      Map<UserId, ProjectGrant> onProject = grants.computeIfAbsent(item.project(), k -> new HashMap<>());
      if (onProject.containsKey(item.user())) {
        throw Errors.rule(ErrorCode.ALREADY_EXISTS,
            "the grant of " + item.user() + " on " + item.project() + " is listed twice in this import");
      }
      ProjectGrant grant = new ProjectGrant(item.project(), item.user(), item.role(), item.expiresAt(), actor.userId(),
          now);
      onProject.put(item.user(), grant);
      grantList.add(grant);
    }

    /**
     * As {@code resources().register} by its creator, who must be an active member who may create
     * content there; the actor registers on the creator's behalf as a project Admin would.
     */
    private void resource(ImportItem.Resource item) {
      ResourceRef ref = item.ref();
      decider.matrix().resourceKind(ref.kind());
      ProjectState p = requireManageAccess(ref.project());
      if (resources.contains(ref) || state.resources().containsKey(ref)) {
        throw ResourceService.alreadyRegistered(ref);
      }
      Membership creator = requireMember(item.creator());
      if (!decider.role(state, creator, Capability.CREATE_CONTENT, view(p, creator.user()), Trace.NONE).allowed()) {
        throw Errors.rule(ErrorCode.NO_PROJECT_ACCESS,
            "user " + creator.user() + " cannot create content in project " + ref.project());
      }
      resources.add(ref);
      resourceList.add(new Resource(ref, creator.user(), now));
    }

    /** As {@code resources().setKindRule}, {@code setEveryoneRule}, {@code setMemberRule} or {@code share}, by a project Admin. */
    private void rule(ImportItem.Rule item) {
      ResourceRule rule = item.rule();
      decider.matrix().resourceKind(rule.kind());
      ProjectState p = requireManageAccess(rule.project());
      Optional<ResourceRef> ref = rule.ref();
      if (ref.isPresent() && !resources.contains(ref.get()) && !state.resources().containsKey(ref.get())) {
        throw Errors.notFound("resource");
      }
      if (rule.shared()) {
        requireMember(rule.user().get()); // a share, like resources().share, needs no access to the project
      } else if (rule.user().isPresent()) {
        UserId user = rule.user().get();
        Membership member = joining.containsKey(user) ? joining.get(user) : state.members().get(user);
        ResourceService.requireSeesProject(decider, state, member, now, user, view(p, user));
      }
      if (!ruleKeys.add(rule.key())) {
        throw Errors.rule(ErrorCode.ALREADY_EXISTS, "the rule " + rule.key()
            + " (any level) is listed twice in this import");
      }
    }

    /** The project (existing or imported), on which the actor must hold {@code MANAGE_PROJECT_ACCESS}. */
    private ProjectState requireManageAccess(ProjectId id) {
      ProjectState p = projects.containsKey(id) ? projects.get(id) : state.projects().get(id);
      require(p == null ? Decision.notFound()
          : decider.project(actor, Capability.MANAGE_PROJECT_ACCESS, state, p, Trace.NONE));
      return p;
    }

    private static void require(Decision d) {
      if (!d.allowed()) {
        throw Errors.refused(d, "project");
      }
    }

    /** The user's membership once the items so far are in, which must be active ({@code NOT_A_MEMBER}). */
    private Membership requireMember(UserId user) {
      Membership joined = joining.get(user);
      if (joined != null) {
        return joined;
      }
      Membership existing = decider.activeMember(state, user, Trace.NONE);
      if (existing == null) {
        throw Errors.notAMember(user);
      }
      return existing;
    }

    /**
     * The project as {@code user}'s effective role sees it once the items so far are in: with their
     * imported grant, else their stored one (none for a joining user: a replaced membership's grants go).
     */
    private ProjectState view(ProjectState p, UserId user) {
      Map<UserId, ProjectGrant> imported = grants.get(p.project().id());
      ProjectGrant grant = imported == null ? null : imported.get(user);
      if (grant == null && !joining.containsKey(user)) {
        grant = p.grants().get(user);
      }
      return p.withGrant(user, grant);
    }

    /**
     * Writes everything, in bulk, with one {@code organization.imported} audit entry holding the counts,
     * plus one {@code member.imported} entry per member and one {@code project.imported} per project,
     * appended in one store call and forwarded to the sink after commit.
     */
    private void write() {
      audit(ACTION, null, org, Change.of("members", null, members.size()),
          Change.of("projects", null, projectList.size()), Change.of("grants", null, grantList.size()),
          Change.of("resources", null, resourceList.size()), Change.of("rules", null, data.rules().size()));
      for (Membership old : replaced) {
        MemberService.delete(m, "member.expired", old); // with its stale grants and rules, as accept does
      }
      if (!members.isEmpty()) {
        m.apply(new Write.InsertMembers(members));
      }
      for (Membership joined : members) {
        audit("member.imported", null, joined.user(), Changes.diff()
            .field("email", null, joined.email().orElseThrow())
            .field("level", null, joined.level())
            .field("note", null, joined.note().orElse(null))
            .field("expiresAt", null, joined.expiresAt().orElse(null))
            .toArray());
      }
      if (!projectList.isEmpty()) {
        m.apply(new Write.InsertProjects(projectList));
      }
      for (Project project : projectList) {
        audit("project.imported", project.id(), project.id(), Change.of("name", null, project.name()),
            Change.of("visibility", null, project.visibility()), Change.of("defaultRole", null, project.defaultRole()));
      }
      if (!grantList.isEmpty()) {
        m.apply(new Write.UpsertGrants(grantList));
      }
      if (!resourceList.isEmpty()) {
        m.apply(new Write.InsertResources(resourceList));
      }
      if (!data.rules().isEmpty()) {
        m.apply(new Write.UpsertRules(data.rules().stream().map(ImportItem.Rule::rule).toList()));
      }
      m.apply(new Write.AppendAudits(audit));
      List<AuditEntry> committed = List.copyOf(audit);
      m.afterCommit(() -> engine.forward(committed));
    }

    /**
     * Adds an entry of this import, made as {@link Mutation#audit} makes its entries, to those appended
     * together: one store call for thousands of entries instead of one each.
     */
    private void audit(String action, ProjectId project, Object target, Change... changes) {
      audit.add(new AuditEntry(Ids.next("aud"), Optional.of(org), Optional.ofNullable(project), Actor.of(actor),
          action, Optional.of(String.valueOf(target)), List.of(changes), now));
    }
  }
}
