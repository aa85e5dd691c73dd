package dev.warden;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import dev.warden.apikey.ApiKeys;
import dev.warden.audit.AuditLog;
import dev.warden.internal.ApiKeyService;
import dev.warden.internal.AuditService;
import dev.warden.internal.DirectoryService;
import dev.warden.internal.Decider;
import dev.warden.internal.Engine;
import dev.warden.internal.Wiring;
import dev.warden.internal.Listings;
import dev.warden.internal.ModelCheck;
import dev.warden.internal.Hidden;
import dev.warden.internal.ExpirySweep;
import dev.warden.internal.Errors;
import dev.warden.internal.GrantService;
import dev.warden.internal.InviteService;
import dev.warden.internal.MemberService;
import dev.warden.internal.OrgState;
import dev.warden.internal.OrganizationService;
import dev.warden.internal.ProjectService;
import dev.warden.internal.ReportService;
import dev.warden.internal.RoleService;
import dev.warden.internal.ResourceService;
import dev.warden.internal.StateCache;
import dev.warden.internal.Trace;
import dev.warden.invite.Invites;
import dev.warden.matrix.Capability;
import dev.warden.matrix.Capability.Scope;
import dev.warden.matrix.PermissionMatrix;
import dev.warden.memory.InMemoryStore;
import dev.warden.observe.StoreFailure;
import dev.warden.observe.WardenListener;
import dev.warden.organization.Directory;
import dev.warden.organization.Members;
import dev.warden.organization.OrgId;
import dev.warden.organization.Organizations;
import dev.warden.organization.UserId;
import dev.warden.project.Grants;
import dev.warden.project.Project;
import dev.warden.project.ProjectId;
import dev.warden.project.Projects;
import dev.warden.project.VisibleProject;
import dev.warden.report.AccessEntry;
import dev.warden.report.AccessHolder;
import dev.warden.report.Reports;
import dev.warden.role.Roles;
import dev.warden.resource.ResourceRef;
import dev.warden.resource.Resources;
import dev.warden.report.Explanation;
import dev.warden.report.SweepReport;
import dev.warden.spi.AuditSink;
import dev.warden.spi.Notifier;
import dev.warden.spi.Store;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entry point: answers whether a principal may do something, and owns the lifecycle that produces
 * those answers through its sub-facades ({@link #organizations()}, {@link #members()},
 * {@link #invites()}, {@link #projects()}, {@link #grants()}, {@link #apiKeys()}, {@link #audit()},
 * {@link #resources()}, {@link #reports()}, {@link #roles()}).
 *
 * <pre>{@code
 * AccessPolicy policy = AccessPolicy.inMemory();
 * Organization acme = policy.organizations().create(alice, "Acme Corp");
 * Decision d = policy.check(bob, Capability.VIEW_DATA, prod);   // ALLOW / DENY / NOT_FOUND + reason
 * }</pre>
 *
 * <p>Checks read an immutable per-organization snapshot and allocate nothing; every mutation publishes
 * a new snapshot before it returns, so a revocation is visible to the very next check. {@code check}
 * never throws for a denied or unknown target and fails closed ({@link Reason#INTERNAL_ERROR}) on an
 * unexpected error; it throws only for programming errors (null, capability of the wrong scope).
 * A host that checks one principal on one project repeatedly can hold {@link #access} instead, which
 * answers the same and skips the lookups by id while the snapshot stands.
 *
 * <p>This class is thread-safe.
 */
public final class AccessPolicy implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AccessPolicy.class);

  private final Engine engine;
  private final Decider decider;
  private final OrganizationService organizations;
  private final MemberService members;
  private final InviteService invites;
  private final ProjectService projects;
  private final GrantService grants;
  private final ApiKeyService apiKeys;
  private final AuditService audit;
  private final ResourceService resources;
  private final ReportService reports;
  private final RoleService roles;
  private final WardenListener listener;
  private final DirectoryService directory;
  private final Listings listings;
  private final ExpirySweep sweep;

  private AccessPolicy(Builder b) {
    ModelCheck.verify(b.store, b.matrix);
    Wiring w = Wiring.of(b.store, b.matrix, b.clock, b.notifier, b.auditSink, b.inviteValidity, b.stalenessBound,
        b.listener);
    this.decider = w.decider();
    this.listener = w.engine().listener();
    this.engine = w.engine();
    this.organizations = w.organizations();
    this.members = w.members();
    this.invites = w.invites();
    this.projects = w.projects();
    this.grants = w.grants();
    this.apiKeys = w.apiKeys();
    this.audit = w.audit();
    this.resources = w.resources();
    this.reports = w.reports();
    this.roles = w.roles();
    this.directory = w.directory();
    this.listings = w.listings();
    this.sweep = w.sweep();
  }

  /** A policy over a new in-memory store with the {@link PermissionMatrix#posthog()} matrix. */
  public static AccessPolicy inMemory() {
    return builder().build();
  }

  /** A builder; every setting has a default (in-memory store, posthog matrix, UTC clock, no notifier). */
  public static Builder builder() {
    return new Builder();
  }

  public Organizations organizations() {
    return organizations;
  }

  public Members members() {
    return members;
  }

  public Invites invites() {
    return invites;
  }

  public Projects projects() {
    return projects;
  }

  public Grants grants() {
    return grants;
  }

  /** Personal API keys: create, list, roll, revoke, and {@code authenticate} a key's value. */
  public ApiKeys apiKeys() {
    return apiKeys;
  }

  /** The audit log: queries and exports. */
  public AuditLog audit() {
    return audit;
  }

  /** Resource-level permissions: registration, rules, dashboards and collaborators. */
  public Resources resources() {
    return resources;
  }

  /** Roles: named groups of members that carry organization capabilities and project roles (issue 16). */
  public Roles roles() {
    return roles;
  }

  /** Access reports: the access registry and the access review. */
  public Reports reports() {
    return reports;
  }

  /**
   * The host's own audited reads of an organization (members, levels, projects, grants), for back
   * offices, support tools and provisioning jobs; never for answering a user. See {@link Directory}.
   */
  public Directory directory() {
    return directory;
  }

  public PermissionMatrix matrix() {
    return decider.matrix();
  }

  // ------------------------------------------------------------------------------------------ checks

  /**
   * Decides an organization capability. Non-members (and expired members) get {@code NOT_FOUND}, the
   * same as for an organization that does not exist.
   *
   * @throws IllegalArgumentException if {@code capability} is project-scoped
   */
  public Decision check(Principal principal, Capability capability, OrgId organization) {
    requireTarget(principal, capability, organization, Scope.ORGANIZATION);
    return observed(capability, decideOrg(principal, capability, organization, Trace.NONE, false));
  }

  /**
   * Like {@link #check(Principal, Capability, OrgId)}, but first confirms the organization's revision
   * with the store, so a change made through another instance sharing the store is seen at once (costs
   * one store round trip; plain checks see it within the staleness bound).
   */
  public Decision checkConsistent(Principal principal, Capability capability, OrgId organization) {
    requireTarget(principal, capability, organization, Scope.ORGANIZATION);
    return observed(capability, decideOrg(principal, capability, organization, Trace.NONE, true));
  }

  /**
   * Like {@link #check(Principal, Capability, ProjectId)}, but first confirms the organization's
   * revision with the store (see {@link #checkConsistent(Principal, Capability, OrgId)}).
   */
  public Decision checkConsistent(Principal principal, Capability capability, ProjectId project) {
    requireTarget(principal, capability, project, Scope.PROJECT);
    return observed(capability, decideProject(principal, capability, project, Trace.NONE, true));
  }

  /**
   * Decides a project capability. A hidden project answers {@code NOT_FOUND}, exactly like a missing one.
   *
   * @throws IllegalArgumentException if {@code capability} is organization-scoped
   */
  public Decision check(Principal principal, Capability capability, ProjectId project) {
    requireTarget(principal, capability, project, Scope.PROJECT);
    return observed(capability, decideProject(principal, capability, project, Trace.NONE, false));
  }

  /**
   * Decides a project capability on one resource: the project decision, then the principal's access
   * level on the resource must reach what its kind requires ({@link dev.warden.matrix.ResourceKind#required}). A resource in a
   * hidden project, an unregistered one and one at level {@code NONE} all answer {@code NOT_FOUND}.
   *
   * @throws IllegalArgumentException if {@code capability} is organization-scoped
   */
  public Decision check(Principal principal, Capability capability, ResourceRef resource) {
    requireTarget(principal, capability, resource, Scope.RESOURCE);
    return observed(capability, decideResource(principal, capability, resource, Trace.NONE));
  }

  /**
   * Like {@link #check(Principal, Capability, ResourceRef)} but throws unless allowed.
   *
   * @throws NotFoundException for {@code NOT_FOUND}
   * @throws PermissionDeniedException for {@code DENY}
   * @throws StorageException when deciding failed
   */
  public void require(Principal principal, Capability capability, ResourceRef resource) {
    allowedOrThrow(check(principal, capability, resource), "resource");
  }

  /** The decision of {@link #check(Principal, Capability, ResourceRef)} with the steps that led to it. */
  public Explanation explain(Principal principal, Capability capability, ResourceRef resource) {
    requireTarget(principal, capability, resource, Scope.RESOURCE);
    Trace.Recording trace = Trace.recording();
    Decision d = decideResource(principal, capability, resource, trace);
    return Hidden.explanation(d, trace, "resource", principal);
  }

  private Decision decideResource(Principal principal, Capability capability, ResourceRef resource, Trace trace) {
    try {
      return decider.resource(principal, capability, engine.cache().forProject(resource.project()), resource, trace);
    } catch (RuntimeException e) {
      return failClosed(e, trace);
    }
  }

  /**
   * Like {@link #check(Principal, Capability, OrgId)} but throws unless allowed.
   *
   * @throws NotFoundException for {@code NOT_FOUND}
   * @throws PermissionDeniedException for {@code DENY}
   * @throws StorageException when deciding failed
   */
  public void require(Principal principal, Capability capability, OrgId organization) {
    allowedOrThrow(check(principal, capability, organization), "organization");
  }

  /**
   * Like {@link #check(Principal, Capability, ProjectId)} but throws unless allowed.
   *
   * @throws NotFoundException for {@code NOT_FOUND}
   * @throws PermissionDeniedException for {@code DENY}
   * @throws StorageException when deciding failed
   */
  public void require(Principal principal, Capability capability, ProjectId project) {
    allowedOrThrow(check(principal, capability, project), "project");
  }

  /** Returns if {@code d} allows; else throws what {@code require} promises, naming the {@code target} kind. */
  static void allowedOrThrow(Decision d, String target) {
    if (!d.allowed()) {
      throw Errors.refused(d, target);
    }
  }

  /**
   * {@code principal}'s access to {@code project}, for checking the same pair repeatedly: each of its
   * checks answers as {@link #check(Principal, Capability, ProjectId)} would, without looking the
   * project, the membership and the principal's grants there up again while the organization's
   * snapshot is unchanged (see {@link ProjectAccess}). Making one does not touch the store; an unknown
   * project is not an error.
   */
  public ProjectAccess access(Principal principal, ProjectId project) {
    checkNotNull(principal, "principal");
    checkNotNull(project, "project");
    return new PairAccess(principal, project);
  }

  /** The decision of {@link #check(Principal, Capability, OrgId)} with the steps that led to it. */
  public Explanation explain(Principal principal, Capability capability, OrgId organization) {
    requireTarget(principal, capability, organization, Scope.ORGANIZATION);
    Trace.Recording trace = Trace.recording();
    return new Explanation(decideOrg(principal, capability, organization, trace, false), trace.steps());
  }

  /** The decision of {@link #check(Principal, Capability, ProjectId)} with the steps that led to it. */
  public Explanation explain(Principal principal, Capability capability, ProjectId project) {
    requireTarget(principal, capability, project, Scope.PROJECT);
    Trace.Recording trace = Trace.recording();
    Decision d = decideProject(principal, capability, project, trace, false);
    return Hidden.explanation(d, trace, "project", principal);
  }

  private void requireTarget(Principal principal, Capability capability, Object target, Scope scope) {
    checkNotNull(principal, "principal");
    requireTarget(capability, target, switch (scope) {
      case ORGANIZATION -> "organization";
      case PROJECT -> "project";
      case RESOURCE -> "resource";
    }, scope);
  }

  private Decision decideOrg(Principal principal, Capability capability, OrgId organization, Trace trace,
      boolean consistent) {
    try {
      OrgState state = consistent ? engine.cache().getConsistent(organization) : engine.cache().get(organization);
      return decider.org(principal, capability, state, trace);
    } catch (RuntimeException e) {
      return failClosed(e, trace);
    }
  }

  private Decision decideProject(Principal principal, Capability capability, ProjectId project, Trace trace,
      boolean consistent) {
    try {
      OrgState state = consistent ? engine.cache().forProjectConsistent(project) : engine.cache().forProject(project);
      if (state == null) {
        trace.step("no project with this id is visible to %s", principal.userId());
        return Decision.notFound();
      }
      return decider.project(principal, capability, state, state.projects().get(project), trace);
    } catch (RuntimeException e) {
      return failClosed(e, trace);
    }
  }

  /** Tells the listener (guarded: a failing one changes nothing) of a check's decision; allocation-free. */
  private Decision observed(Capability capability, Decision decision) {
    listener.decision(capability, decision);
    return decision;
  }

  private Decision failClosed(RuntimeException e, Trace trace) {
    if (e instanceof StorageException) {
      listener.storeFailed(StoreFailure.CHECK);
    }
    boolean unavailable = e instanceof StorageException s && s.code() == ErrorCode.STORE_UNAVAILABLE;
    if (unavailable) {
      // Expected during an outage, once per check: no stack trace, so the log stays readable.
      LOG.warn("store unavailable; denying (fail closed): {}", e.getMessage());
    } else {
      LOG.error("check failed; denying (fail closed)", e);
    }
    trace.step("deciding failed: %s", e.getClass().getSimpleName());
    return Decision.deny(unavailable ? Reason.STORE_UNAVAILABLE : Reason.INTERNAL_ERROR);
  }

  // ------------------------------------------------------------------------------------------ lists

  /**
   * Every project {@code principal} can see in the organization, in creation order: all of them at
   * once, at a cost in proportion to the organization's projects. Lists that may be long should use
   * {@link #visibleProjects(Principal, OrgId, PageRequest)}, whose cost follows the page.
   */
  public List<VisibleProject> visibleProjects(Principal principal, OrgId organization) {
    checkNotNull(principal, "principal");
    return visible(principal, organization, null, Integer.MAX_VALUE).items();
  }

  /** Every project {@code user} can see in the organization, in creation order (see above for the cost). */
  public List<VisibleProject> visibleProjects(UserId user, OrgId organization) {
    return visible(Principal.user(checkNotNull(user, "user")), organization, null, Integer.MAX_VALUE).items();
  }

  /**
   * One page of the projects {@code principal} can see (an API key principal: within the key's limits), in creation order. Deterministic: a cursor
   * names a position in that order, so pages neither skip nor repeat projects that stay put. A page
   * costs in proportion to what it walks, not to the organization: it seeks to the cursor and walks
   * forward in creation order until the page is full. An Admin or Owner walks every project; a Member
   * walks the open projects and the private ones they hold a grant on (their own or a role's, sorted
   * for each page), never the organization's other private projects.
   *
   * @throws NotFoundException if the organization does not exist or the principal is not an active member
   */
  public Page<VisibleProject> visibleProjects(Principal principal, OrgId organization, PageRequest page) {
    checkNotNull(principal, "principal");
    checkNotNull(page, "page");
    return visible(principal, organization, page.cursor().orElse(null), page.size());
  }

  private Page<VisibleProject> visible(Principal principal, OrgId organization, String cursor, int limit) {
    checkNotNull(organization, "organization");
    return listings.visibleProjects(principal, organization, cursor, limit);
  }

  /**
   * Every active member holding the project capability on {@code project}, in user-id order, with
   * their level, effective role and the reason. A tool for the host: it takes no principal and is not
   * authorized, so call it only for someone entitled to the answer; to answer a user, use
   * {@link #whoCan(Principal, Capability, ProjectId, PageRequest)}.
   *
   * @throws NotFoundException if the project does not exist
   */
  public List<AccessHolder> whoCan(Capability capability, ProjectId project) {
    requireTarget(capability, project, "project", Scope.PROJECT);
    return listings.whoCan(null, capability, project, null, Integer.MAX_VALUE).items();
  }

  /**
   * One page of {@link #whoCan(Capability, ProjectId)}, authorized: {@code actor} must hold
   * {@link Capability#MANAGE_PROJECT_ACCESS} on the project (what {@code grants().list} takes, since the
   * answer shows who holds which role there). Pages in user-id order; the cursor is the last user id of
   * the previous page. A page costs in proportion to the members it walks from the cursor: on an open
   * project whose default role holds the capability, members in user-id order; otherwise only the org
   * Admins and Owners and the project's grantees, the only members who can hold it.
   *
   * @throws NotFoundException if the project does not exist or is hidden from {@code actor}
   * @throws PermissionDeniedException if {@code actor} sees the project but lacks {@code MANAGE_PROJECT_ACCESS}
   * @throws IllegalArgumentException if {@code capability} is organization-scoped or the cursor is malformed
   */
  public Page<AccessHolder> whoCan(Principal actor, Capability capability, ProjectId project, PageRequest page) {
    checkNotNull(actor, "actor");
    checkNotNull(page, "page");
    requireTarget(capability, project, "project", Scope.PROJECT);
    return listings.whoCan(actor, capability, project, page.cursor().orElse(null), page.size());
  }

  /**
   * Every active member holding the project capability on one resource, in user-id order, with their
   * level, effective project role and the reason (creator/Admin, rule, or default). A tool for the
   * host, not authorized, like {@link #whoCan(Capability, ProjectId)}.
   *
   * @throws NotFoundException if the resource does not exist
   */
  public List<AccessHolder> whoCan(Capability capability, ResourceRef resource) {
    requireTarget(capability, resource, "resource", Scope.RESOURCE);
    return listings.whoCan(null, capability, resource, null, Integer.MAX_VALUE).items();
  }

  /**
   * One page of {@link #whoCan(Capability, ResourceRef)}, authorized: {@code actor} must hold
   * {@link Capability#MANAGE_PROJECT_ACCESS} on the resource (a project Admin who can see it). Pages
   * like {@link #whoCan(Principal, Capability, ProjectId, PageRequest)}.
   *
   * @throws NotFoundException if the resource does not exist or is hidden from {@code actor}
   * @throws PermissionDeniedException if {@code actor} sees the resource but lacks {@code MANAGE_PROJECT_ACCESS}
   * @throws IllegalArgumentException if {@code capability} is organization-scoped or the cursor is malformed
   */
  public Page<AccessHolder> whoCan(Principal actor, Capability capability, ResourceRef resource, PageRequest page) {
    checkNotNull(actor, "actor");
    checkNotNull(page, "page");
    requireTarget(capability, resource, "resource", Scope.RESOURCE);
    return listings.whoCan(actor, capability, resource, page.cursor().orElse(null), page.size());
  }

  /**
   * One page of the members with access to the project, in user-id order, each with their effective
   * role and where it comes from (organization Owner or Admin, their own grant, a role's grant — the
   * role named — or the open project's default role). Authorized like
   * {@link #whoCan(Principal, Capability, ProjectId, PageRequest)}: {@code MANAGE_PROJECT_ACCESS}.
   *
   * @throws NotFoundException if the project does not exist or is hidden from {@code actor}
   * @throws PermissionDeniedException if {@code actor} sees the project but lacks {@code MANAGE_PROJECT_ACCESS}
   * @throws IllegalArgumentException if the cursor is malformed
   */
  public Page<AccessEntry> whoHasAccess(Principal actor, ProjectId project, PageRequest page) {
    checkNotNull(actor, "actor");
    checkNotNull(project, "project");
    checkNotNull(page, "page");
    return listings.whoHasAccess(actor, project, page.cursor().orElse(null), page.size());
  }

  /**
   * One page of the members who see the resource, in user-id order, each with their access level and
   * where it comes from (creator, organization Owner or Admin, project Admin, their own rule, the rule
   * for everyone, the kind rule, or the kind's default). Authorized like
   * {@link #whoCan(Principal, Capability, ResourceRef, PageRequest)}.
   *
   * @throws NotFoundException if the resource does not exist or is hidden from {@code actor}
   * @throws PermissionDeniedException if {@code actor} sees the resource but lacks {@code MANAGE_PROJECT_ACCESS}
   * @throws IllegalArgumentException if the cursor is malformed
   */
  public Page<AccessEntry> whoHasAccess(Principal actor, ResourceRef resource, PageRequest page) {
    checkNotNull(actor, "actor");
    checkNotNull(resource, "resource");
    checkNotNull(page, "page");
    return listings.whoHasAccess(actor, resource, page.cursor().orElse(null), page.size());
  }

  /**
   * Every active member holding the organization capability, in user-id order. A tool for the host,
   * not authorized, like {@link #whoCan(Capability, ProjectId)}.
   *
   * @throws NotFoundException if the organization does not exist
   */
  public List<AccessHolder> whoCan(Capability capability, OrgId organization) {
    requireTarget(capability, organization, "organization", Scope.ORGANIZATION);
    return listings.whoCan(null, capability, organization, null, Integer.MAX_VALUE).items();
  }

  /**
   * One page of {@link #whoCan(Capability, OrgId)}, authorized: {@code actor} must hold
   * {@link Capability#VIEW_ORGANIZATION} there (what {@code members().list} takes, which shows every
   * member's level already). Pages in user-id order, the cursor being the last user id of the previous
   * page; a page walks the members from the cursor, or only the Admins and Owners when the Member
   * level lacks the capability.
   *
   * @throws NotFoundException if the organization does not exist or {@code actor} is not an active member
   * @throws PermissionDeniedException if {@code actor} is a member but lacks {@code VIEW_ORGANIZATION}
   *     (an organization gate or an API key's scopes)
   * @throws IllegalArgumentException if {@code capability} is project-scoped or the cursor is malformed
   */
  public Page<AccessHolder> whoCan(Principal actor, Capability capability, OrgId organization, PageRequest page) {
    checkNotNull(actor, "actor");
    checkNotNull(page, "page");
    requireTarget(capability, organization, "organization", Scope.ORGANIZATION);
    return listings.whoCan(actor, capability, organization, page.cursor().orElse(null), page.size());
  }

  /**
   * The programming errors of a check or a {@code whoCan} call, before anything is looked up: nulls
   * first, then a capability the model lacks, a resource kind the model lacks, or a capability that
   * cannot be checked against this target. Allocation-free when the call is right.
   */
  private void requireTarget(Capability capability, Object target, String name, Scope scope) {
    checkNotNull(capability, "capability");
    checkNotNull(target, name);
    PermissionMatrix matrix = decider.matrix();
    matrix.requireCapability(capability);
    boolean fits = scope == Scope.RESOURCE
        ? capability.appliesTo(matrix.resourceKind(((ResourceRef) target).kind()).name())
        : capability.scope() == scope;
    if (!fits) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, "capability %s is %s-scoped%s; pass %s, not %s %s",
          capability, PermissionMatrix.scopeName(capability.scope()),
          capability.kind().map(k -> " (on " + k + " resources)").orElse(""),
          switch (capability.scope()) {
            case ORGANIZATION -> "an OrgId";
            case PROJECT -> "a ProjectId or a ResourceRef";
            case RESOURCE -> "a ResourceRef of kind " + capability.kind().get();
          }, name, target));
    }
  }

  // ------------------------------------------------------------------------------------------ misc

  /** The project whose current token is {@code token}; same as {@code projects().resolveProjectToken}. */
  public Optional<Project> resolveProjectToken(String token) {
    return projects.resolveProjectToken(token);
  }

  /**
   * Removes expired memberships (with their grants) and expired grants in every organization. Expired
   * access grants nothing whether or not it is swept; sweeping keeps lists and the store tidy.
   */
  public SweepReport sweepExpired() {
    return sweep.sweepAll();
  }

  /** Stops the background snapshot refresher of a shared store; checks keep working without it. */
  @Override
  public void close() {
    engine.cache().close();
  }

  /**
   * The {@link ProjectAccess} of this policy: a check reuses the last resolution while it is current,
   * else resolves afresh (a benign race: resolutions are immutable), then decides as a plain check.
   */
  final class PairAccess implements ProjectAccess {
    private final Principal principal;
    private final ProjectId project;
    private StateCache.Resolved resolved;

    private PairAccess(Principal principal, ProjectId project) {
      this.principal = principal;
      this.project = project;
    }

    @Override
    public Principal principal() {
      return principal;
    }

    @Override
    public ProjectId project() {
      return project;
    }

    @Override
    public Decision check(Capability capability) {
      requireTarget(principal, capability, project, Scope.PROJECT);
      return observed(capability, decide(capability));
    }

    private Decision decide(Capability capability) {
      try {
        StateCache.Resolved last = resolved;
        StateCache.Resolved r = engine.cache().resolve(project, principal.userId(), last);
        if (r != last) {
          resolved = r; // written only when it changed: warm checks on many threads share the line unwritten
        }
        return r == null ? Decision.notFound() : decider.project(principal, capability, r, Trace.NONE);
      } catch (RuntimeException e) {
        return failClosed(e, Trace.NONE);
      }
    }

    /** The last resolution (null before the first check or while the project is unknown). */
    StateCache.Resolved resolved() {
      return resolved;
    }

    @Override
    public String toString() {
      return "ProjectAccess[" + principal.userId() + " on " + project + "]";
    }
  }

  /**
   * Configures an {@link AccessPolicy}. {@link #build()} copies the settings; the builder may not be
   * reused after that. Not thread-safe.
   */
  public static final class Builder {
    private Store store;
    private PermissionMatrix matrix = PermissionMatrix.posthog();
    private Clock clock = Clock.systemUTC();
    private Notifier notifier = Notifier.NONE;
    private AuditSink auditSink = AuditSink.NONE;
    private Duration inviteValidity = Wiring.DEFAULT_INVITE_VALIDITY;
    private Duration stalenessBound = Wiring.DEFAULT_STALENESS_BOUND;
    private WardenListener listener = WardenListener.NONE;
    private boolean built;

    private Builder() {}

    /** The store; default a new {@link InMemoryStore}. */
    public Builder store(Store store) {
      this.store = checkNotNull(store, "store");
      return this;
    }

    /** The permission matrix; default {@link PermissionMatrix#posthog()}. */
    public Builder matrix(PermissionMatrix matrix) {
      this.matrix = checkNotNull(matrix, "matrix");
      return this;
    }

    /** The clock every expiry is judged by; default {@link Clock#systemUTC()}. */
    public Builder clock(Clock clock) {
      this.clock = checkNotNull(clock, "clock");
      return this;
    }

    /** Receives member-joined notifications after commit; default drops them. */
    public Builder notifier(Notifier notifier) {
      this.notifier = checkNotNull(notifier, "notifier");
      return this;
    }

    /** Also receives every committed audit entry (e.g. for a SIEM); default drops them. */
    public Builder auditSink(AuditSink sink) {
      this.auditSink = checkNotNull(sink, "auditSink");
      return this;
    }

    /**
     * How long an invite stays valid; default 3 days. An invite's expiry saturates at
     * {@link Limits#MAX_INSTANT}, so a very long validity means "until the end of the supported range".
     *
     * @throws IllegalArgumentException unless positive
     */
    public Builder inviteValidity(Duration validity) {
      checkNotNull(validity, "inviteValidity");
      checkArgument(!validity.isNegative() && !validity.isZero(), "inviteValidity must be positive, but was %s", validity);
      this.inviteValidity = validity;
      return this;
    }

    /**
     * How stale a cached snapshot of a {@linkplain Store#shared() shared} store may get before a check
     * revalidates it (and fails closed if the store cannot be reached); default 1 second. Changes made
     * through this policy are visible to its next check regardless. A bound too long to count in
     * nanoseconds (about 292 years) saturates: cached snapshots are then never revalidated by age.
     *
     * @throws IllegalArgumentException unless positive
     */
    public Builder stalenessBound(Duration bound) {
      checkNotNull(bound, "stalenessBound");
      checkArgument(!bound.isNegative() && !bound.isZero(), "stalenessBound must be positive, but was %s", bound);
      this.stalenessBound = bound;
      return this;
    }

    /**
     * Hears decisions, mutations, snapshot loads and store failures (for metrics); default
     * {@link WardenListener#NONE}, which costs nothing. Checks stay allocation-free with a listener as
     * long as the listener allocates nothing itself.
     */
    public Builder listener(WardenListener listener) {
      this.listener = checkNotNull(listener, "listener");
      return this;
    }

    /**
     * Builds the policy, first checking that the store holds no resource kind or API key scope object
     * the permission model lacks (data written under another model).
     *
     * @throws IllegalStateException if called twice, or naming what the model lacks
     */
    public AccessPolicy build() {
      checkState(!built, "build() may be called once");
      built = true;
      if (store == null) {
        store = InMemoryStore.create();
      }
      return new AccessPolicy(this);
    }
  }
}
