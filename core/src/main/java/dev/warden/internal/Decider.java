package dev.warden.internal;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.warden.AuthMethod;
import dev.warden.Decision;
import dev.warden.Expiry;
import dev.warden.Principal;
import dev.warden.Reason;
import dev.warden.apikey.ApiKey;
import dev.warden.apikey.ApiScope;
import dev.warden.internal.OrgState.ProjectState;
import dev.warden.internal.persistent.HashTrie;
import dev.warden.internal.OrgState.ResourceState;
import dev.warden.report.AccessEntry;
import dev.warden.report.AccessSource;
import dev.warden.resource.AccessLevel;
import dev.warden.resource.ResourceRef;
import dev.warden.matrix.Capability;
import dev.warden.matrix.PermissionMatrix;
import dev.warden.matrix.ResourceKind;
import dev.warden.organization.EmailAddress;
import dev.warden.organization.Membership;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.OrganizationSettings;
import dev.warden.organization.UserId;
import dev.warden.project.ProjectGrant;
import dev.warden.project.ProjectRole;
import dev.warden.project.Visibility;
import dev.warden.role.ResolutionRule;
import dev.warden.role.Role;
import dev.warden.role.RoleGrant;
import dev.warden.role.RoleId;
import dev.warden.role.RoleMember;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * The one place the permission matrix is read. Every check, listing and mutation decides here, in this
 * order: active membership; API key limits (organization, project); organization gates (MFA, SSO, API
 * keys allowed); matrix cell (with the organization's setting overrides) for the level or effective
 * project role; API key scope.
 *
 * <p>Allocation-free when given {@link Trace#NONE}: the clock is read only for memberships and grants
 * that carry an expiry. Thread-safe. Not API.
 */
public final class Decider {
  private final PermissionMatrix matrix;
  private final Clock clock;
  private final KeyRevocations revocations = new KeyRevocations();

  public Decider(PermissionMatrix matrix, Clock clock) {
    this.matrix = matrix;
    this.clock = clock;
  }

  /** The API keys revoked or rolled through this policy, which stale key principals must not use. */
  public KeyRevocations revocations() {
    return revocations;
  }

  public PermissionMatrix matrix() {
    return matrix;
  }

  /** Decides an organization capability for {@code principal} in {@code state} (null state: not found). */
  public Decision org(Principal principal, Capability capability, OrgState state, Trace trace) {
    Membership m = activeMember(state, principal.userId(), trace);
    if (m == null) {
      return Decision.notFound();
    }
    Decision gate = gates(principal, m, state, null, trace);
    if (gate != null) {
      return gate;
    }
    return narrow(principal, capability, level(m, capability, state, trace), trace);
  }

  /** Decides a project capability for {@code principal} on {@code project} of {@code state} (null: not found). */
  public Decision project(Principal principal, Capability capability, OrgState state, ProjectState project,
      Trace trace) {
    Membership m = activeMember(state, principal.userId(), trace);
    return m == null ? Decision.notFound()
        : project(principal, capability, state, m, project, resolve(state, m, project, trace), trace);
  }

  /**
   * Like {@link #project(Principal, Capability, OrgState, ProjectState, Trace)} on what {@code resolved}
   * already looked up for the principal: the membership, the project and the principal's reach there.
   */
  public Decision project(Principal principal, Capability capability, StateCache.Resolved resolved, Trace trace) {
    Membership m = active(resolved.member(), principal.userId(), trace);
    OrgState state = resolved.state();
    return m == null ? Decision.notFound() : project(principal, capability, state, m, resolved.project(),
        resolve(state, m, resolved.project(), resolved.reach(), trace), trace);
  }

  /** The project decision for the active member {@code m}, whose access to the project is {@code access}. */
  private Decision project(Principal principal, Capability capability, OrgState state, Membership m,
      ProjectState project, Access access, Trace trace) {
    // Visibility first: a gate must never tell a hidden project from a missing one.
    Decision byRole = role(access, capability, trace);
    if (byRole.outcome() == Decision.Outcome.NOT_FOUND) {
      return byRole;
    }
    Decision gate = gates(principal, m, state, project, trace);
    if (gate != null) {
      return gate;
    }
    return narrow(principal, capability, byRole, trace);
  }

  /**
   * Decides a project capability on a resource: the project decision (membership, gates, role holds the
   * capability), then the member's access level on the resource must reach what its kind requires
   * ({@link ResourceKind#required}). A resource the member cannot see at all ({@code NONE}), an
   * unregistered one and one in a hidden project are {@code NOT_FOUND}.
   */
  public Decision resource(Principal principal, Capability capability, OrgState state, ResourceRef ref, Trace trace) {
    ProjectState project = state == null ? null : state.projects().get(ref.project());
    Decision d = project(principal, capability, state, project, trace);
    if (d.outcome() == Decision.Outcome.NOT_FOUND) {
      return project == null ? d : shared(principal, capability, state, project, state.resources().get(ref), trace);
    }
    ResourceState resource = state.resources().get(ref);
    if (resource == null) {
      trace.step("no resource %s is visible to %s", ref, principal.userId());
      return Decision.notFound();
    }
    return resourceDecision(state, state.members().get(principal.userId()), capability, project, resource, d, trace);
  }

  /**
   * The decision on a resource whose project is hidden from the principal (or that a gate hides): only
   * a live share opens it ({@link #shareDecision}); gates and key scopes apply as everywhere. Without
   * one: {@code NOT_FOUND}.
   */
  private Decision shared(Principal principal, Capability capability, OrgState state, ProjectState project,
      ResourceState resource, Trace trace) {
    Membership m = activeMember(state, principal.userId(), Trace.NONE);
    Decision d = m == null ? Decision.notFound() : shareDecision(m, capability, resource, trace);
    if (d.outcome() == Decision.Outcome.NOT_FOUND) {
      return d;
    }
    Decision gate = gates(principal, m, state, project, trace);
    return gate != null ? gate : narrow(principal, capability, d, trace);
  }

  /**
   * What an active member's share allows on a resource whose project is hidden from them, before gates
   * and key scopes: the share's level, acting as the project role it stands for ({@link #sharedRole});
   * {@code NOT_FOUND} without a share (or {@code resource} null).
   */
  public Decision shareDecision(Membership m, Capability capability, ResourceState resource, Trace trace) {
    AccessLevel share = resource == null ? null : resource.shares().get(m.user());
    ResourceKind kind = share == null ? null : kindOf(resource);
    if (kind == null) {
      return Decision.notFound();
    }
    trace.step("%s is shared with them at %s; its project stays hidden", resource.resource().ref(), share);
    ProjectRole role = sharedRole(share);
    if (!matrix.allows(role, capability)) {
      trace.step("the share acts as project role %s, which lacks %s", role, capability);
      return Decision.deny(Reason.ROLE_TOO_LOW);
    }
    AccessLevel required = kind.required(capability);
    if (!share.atLeast(required)) {
      trace.step("access level %s is below %s", share, required);
      return Decision.deny(Reason.RESOURCE_LEVEL_TOO_LOW);
    }
    return Decision.allow(Reason.RESOURCE_SHARE);
  }

  /**
   * The project role a member acts as on a resource: their effective role on its project, else the one
   * their share of it stands for; null if it is hidden from them.
   */
  public ProjectRole roleOn(OrgState state, Membership m, ProjectState project, ResourceState resource) {
    ProjectRole role = effectiveRole(state, m, project);
    AccessLevel share = role == null ? resource.shares().get(m.user()) : null;
    return share == null ? role : sharedRole(share);
  }

  /** The project role a share stands for on its resource: Member for {@code EDITOR}, else Viewer. */
  private static ProjectRole sharedRole(AccessLevel share) {
    return share.atLeast(AccessLevel.EDITOR) ? ProjectRole.MEMBER : ProjectRole.VIEWER;
  }

  /** The resource part of {@link #resource}, given the project decision {@code d}. */
  public Decision resourceDecision(OrgState state, Membership m, Capability capability, ProjectState project,
      ResourceState resource, Decision d, Trace trace) {
    ResourceKind kind = kindOf(resource);
    AccessLevel level = level(state, m, project, resource, kind, trace);
    if (level == AccessLevel.NONE) {
      trace.step("access level NONE on %s hides it from %s", resource.resource().ref(), m.user());
      return Decision.notFound();
    }
    if (!d.allowed()) {
      return d;
    }
    AccessLevel required = kind.required(capability);
    if (!level.atLeast(required)) {
      trace.step("access level %s is below %s", level, required);
      return Decision.deny(Reason.RESOURCE_LEVEL_TOO_LOW);
    }
    trace.step("access level %s reaches %s", level, required);
    return Decision.allow(levelSource(state, m, project, resource));
  }

  /**
   * A member's access level on a resource of a project they can see: {@code MANAGER} for the creator
   * and project Admins; otherwise the first rule that applies (member rule, everyone rule, kind rule)
   * or the kind's default ({@code EDITOR} in the presets), capped at {@code VIEWER} for project
   * Viewers, never below the kind's minimum (dashboards: {@code VIEWER}). A resource of a kind the model
   * lacks is {@code NONE}: nobody sees what the model cannot describe.
   */
  public AccessLevel level(OrgState state, Membership m, ProjectState project, ResourceState resource, Trace trace) {
    return level(state, m, project, resource, kindOf(resource), trace);
  }

  /** The model's kind of {@code resource}, or null if the model lacks it. */
  private ResourceKind kindOf(ResourceState resource) {
    return matrix.resourceKinds().get(resource.resource().ref().kind());
  }

  private AccessLevel level(OrgState state, Membership m, ProjectState project, ResourceState resource,
      ResourceKind kind, Trace trace) {
    if (kind == null) {
      trace.step("resource kind %s is not part of the permission model", resource.resource().ref().kind());
      return AccessLevel.NONE;
    }
    ProjectRole role = effectiveRole(state, m, project);
    if (role == null) {
      AccessLevel share = resource.shares().get(m.user());
      trace.step(share == null ? "%s is hidden with its project" : "%s is shared at %s; its project stays hidden",
          resource.resource().ref(), share);
      return share == null ? AccessLevel.NONE : share;
    }
    if (manages(m, role, resource)) {
      trace.step("creator or project Admin manages %s (%s)", resource.resource().ref(), role);
      return AccessLevel.MANAGER;
    }
    AccessLevel ruled = rule(state, m, project, resource);
    AccessLevel level = ruled != null ? ruled : kind.defaultLevel();
    if (role == ProjectRole.VIEWER) {
      level = level.cappedAt(AccessLevel.VIEWER);
    }
    if (!level.atLeast(kind.minimumLevel())) {
      level = kind.minimumLevel();
    }
    trace.step(ruled != null ? "resource rule gives %s (role %s)" : "kind default gives %s (role %s)", level, role);
    return level;
  }

  /** Where a level {@link #level} gave comes from: manager, a rule, or the kind's default. */
  private Reason levelSource(OrgState state, Membership m, ProjectState project, ResourceState resource) {
    if (manages(m, effectiveRole(state, m, project), resource)) {
      return Reason.RESOURCE_MANAGER;
    }
    return rule(state, m, project, resource) != null ? Reason.RESOURCE_RULE : Reason.RESOURCE_DEFAULT;
  }

  /** The creator and project Admins (org Admins and Owners included) manage a resource. */
  private static boolean manages(Membership m, ProjectRole role, ResourceState resource) {
    return role == ProjectRole.ADMIN || resource.resource().creator().equals(m.user());
  }

  /**
   * A member's access to a project and where it comes from ({@code whoHasAccess}), or null if the
   * project is hidden from them. Decided by {@link #resolve}, so it always agrees with a check.
   */
  public AccessEntry entry(OrgState state, Membership m, ProjectState project) {
    Access access = resolve(state, m, project, Trace.NONE);
    if (access == Access.NONE) {
      return null;
    }
    AccessSource source = switch (access.reason) {
      case ORG_ADMIN -> m.level() == OrgLevel.OWNER ? AccessSource.ORGANIZATION_OWNER : AccessSource.ORGANIZATION_ADMIN;
      case EXPLICIT_GRANT -> AccessSource.OWN_RULE;
      case ROLE_GRANT -> AccessSource.ROLE_RULE;
      default -> AccessSource.PROJECT_DEFAULT;
    };
    return new AccessEntry(m.user(), m.level(), access.role, Optional.empty(), source,
        via(state, m, project, access));
  }

  /**
   * A member's access level on a resource and where it comes from ({@code whoHasAccess}), or null if
   * they cannot see it. Follows {@link #level}'s order: creator, project Admin, then the rule of
   * {@code ruleScope} (own, a role's on the resource, everyone's, a role's on the kind, the kind rule),
   * else the kind default.
   */
  public AccessEntry entry(OrgState state, Membership m, ProjectState project, ResourceState resource) {
    Access access = resolve(state, m, project, Trace.NONE);
    AccessLevel level = level(state, m, project, resource, Trace.NONE);
    if (level == AccessLevel.NONE) {
      return null;
    }
    if (access == Access.NONE) {
      return new AccessEntry(m.user(), m.level(), sharedRole(level), Optional.of(level), AccessSource.SHARE,
          Optional.empty());
    }
    AccessSource source;
    Optional<RoleId> via = Optional.empty();
    if (resource.resource().creator().equals(m.user())) {
      source = AccessSource.CREATOR;
    } else if (access == Access.ORG_ADMIN) {
      source = m.level() == OrgLevel.OWNER ? AccessSource.ORGANIZATION_OWNER : AccessSource.ORGANIZATION_ADMIN;
    } else if (access.role == ProjectRole.ADMIN) {
      source = AccessSource.PROJECT_ADMIN;
      via = via(state, m, project, access);
    } else {
      String kind = resource.resource().ref().kind();
      switch (ruleScope(state, m, project, resource)) {
        case OWN -> source = AccessSource.OWN_RULE;
        case ROLE_ON_RESOURCE -> {
          source = AccessSource.ROLE_RULE;
          via = Optional.of(roleOnResource(state, m, resource));
        }
        case EVERYONE -> source = AccessSource.EVERYONE_RULE;
        case ROLE_ON_KIND -> {
          source = AccessSource.ROLE_RULE;
          via = Optional.of(roleOnKind(state, m, project, kind));
        }
        case KIND -> source = AccessSource.KIND_RULE;
        default -> source = AccessSource.KIND_DEFAULT;
      }
    }
    return new AccessEntry(m.user(), m.level(), access.role, Optional.of(level), source, via);
  }

  /** The role whose grant decided {@code access}, if a role's did. */
  private Optional<RoleId> via(OrgState state, Membership m, ProjectState project,
      Access access) {
    return access.reason == Reason.ROLE_GRANT
        ? Optional.of(bestRoleGrant(state, m, project, Trace.NONE).role()) : Optional.empty();
  }

  /** Which rule sets a member's level on a resource, in precedence order; {@code NONE}: the kind's default. */
  private enum RuleScope { OWN, ROLE_ON_RESOURCE, EVERYONE, ROLE_ON_KIND, KIND, NONE }

  /**
   * Which rule sets a member's level on a resource. On the resource: the member's own rule and the best
   * rule of their active roles, combined by the organization's {@link ResolutionRule} (as project grants
   * are), else the rule for everyone; then on the kind: the best rule of their roles for the kind, else
   * the project's kind rule; else none.
   */
  private RuleScope ruleScope(OrgState state, Membership m, ProjectState project, ResourceState resource) {
    AccessLevel own = resource.memberRules().get(m.user());
    RoleId role = roleOnResource(state, m, resource);
    if (own != null && (role == null || own.atLeast(resource.roleRules().get(role))
        || state.organization().settings().resolution() == ResolutionRule.MOST_SPECIFIC)) {
      return RuleScope.OWN;
    }
    if (role != null) {
      return RuleScope.ROLE_ON_RESOURCE;
    }
    if (resource.everyoneRule() != null) {
      return RuleScope.EVERYONE;
    }
    String kind = resource.resource().ref().kind();
    if (roleOnKind(state, m, project, kind) != null) {
      return RuleScope.ROLE_ON_KIND;
    }
    return project.kindRules().containsKey(kind) ? RuleScope.KIND : RuleScope.NONE;
  }

  /** The level the rule of {@link #ruleScope} gives, or null for the kind's default. */
  private AccessLevel rule(OrgState state, Membership m, ProjectState project, ResourceState resource) {
    String kind = resource.resource().ref().kind();
    return switch (ruleScope(state, m, project, resource)) {
      case OWN -> resource.memberRules().get(m.user());
      case ROLE_ON_RESOURCE -> resource.roleRules().get(roleOnResource(state, m, resource));
      case EVERYONE -> resource.everyoneRule();
      case ROLE_ON_KIND -> project.roleKindRules().get(roleOnKind(state, m, project, kind)).get(kind);
      case KIND -> project.kindRules().get(kind);
      case NONE -> null;
    };
  }

  private RoleId roleOnResource(OrgState state, Membership m, ResourceState resource) {
    return resource.roleRules().isEmpty() ? null : bestRole(state, m, resource.roleRules(), null, null);
  }

  private RoleId roleOnKind(OrgState state, Membership m, ProjectState project, String kind) {
    return project.roleKindRules().isEmpty() ? null : bestRole(state, m, null, project.roleKindRules(), kind);
  }

  /**
   * Of the roles the member actively belongs to, the one with the highest level: on the resource
   * ({@code onResource}), or else for {@code kind} ({@code onKinds}); null if none has one. Walks the
   * member's few roles; allocation-free.
   */
  private RoleId bestRole(OrgState state, Membership m, HashTrie<RoleId, AccessLevel> onResource,
      HashTrie<RoleId, ImmutableMap<String, AccessLevel>> onKinds, String kind) {
    ImmutableList<RoleMember> mine = state.rolesOf(m.user());
    RoleId best = null;
    AccessLevel bestLevel = null;
    for (int i = 0; i < mine.size(); i++) {
      RoleMember rm = mine.get(i);
      AccessLevel level;
      if (onResource != null) {
        level = onResource.get(rm.role());
      } else {
        ImmutableMap<String, AccessLevel> kinds = onKinds.get(rm.role());
        level = kinds == null ? null : kinds.get(kind);
      }
      if (level != null && (bestLevel == null || level.compareTo(bestLevel) > 0) && live(rm.expiresAt())) {
        best = rm.role();
        bestLevel = level;
      }
    }
    return best;
  }

  /**
   * What an active member's organization level, and the roles they belong to, allow, before gates and
   * key scopes (for {@code whoCan}).
   */
  public Decision level(Membership m, Capability capability, OrgState state, Trace trace) {
    if (levelAllows(m.level(), capability, state.organization().settings(), trace)) {
      trace.step("organization level %s holds %s", m.level(), capability);
      return Decision.allow(Reason.ORG_LEVEL);
    }
    trace.step("organization level %s lacks %s", m.level(), capability);
    Role carrying = roleCarrying(state, m, capability);
    if (carrying != null) {
      trace.step("role %s carries %s", carrying.name(), capability);
      return Decision.allow(Reason.ROLE_CAPABILITY);
    }
    return Decision.deny(Reason.LEVEL_TOO_LOW);
  }

  /** The first role (in the member's order) the member actively belongs to that carries {@code capability}, or null. */
  private Role roleCarrying(OrgState state, Membership m, Capability capability) {
    if (!state.anyRoleCarries(capability)) {
      return null;
    }
    ImmutableList<RoleMember> mine = state.rolesOf(m.user());
    for (int i = 0; i < mine.size(); i++) {
      RoleMember rm = mine.get(i);
      OrgState.RoleState r = state.roles().get(rm.role());
      if (r != null && r.role().capabilities().contains(capability) && live(rm.expiresAt())) {
        return r.role();
      }
    }
    return null;
  }

  /** What an active member's effective project role allows, before gates and key scopes. */
  public Decision role(OrgState state, Membership m, Capability capability, ProjectState project, Trace trace) {
    return role(resolve(state, m, project, trace), capability, trace);
  }

  /** What {@code access} allows, before gates and key scopes. */
  private Decision role(Access access, Capability capability, Trace trace) {
    if (access == Access.NONE) {
      return Decision.notFound();
    }
    if (matrix.allows(access.role, capability)) {
      trace.step("project role %s holds %s", access.role, capability);
      return Decision.allow(access.reason);
    }
    trace.step("project role %s lacks %s", access.role, capability);
    return Decision.deny(Reason.ROLE_TOO_LOW);
  }

  /**
   * Whether {@code level} holds the organization capability, with the organization's overrides of the
   * Member × {@code INVITE_MEMBERS} and Member × {@code CREATE_PROJECT} cells.
   */
  public boolean levelAllows(OrgLevel level, Capability capability, OrganizationSettings settings) {
    return levelAllows(level, capability, settings, Trace.NONE);
  }

  private boolean levelAllows(OrgLevel level, Capability capability, OrganizationSettings settings, Trace trace) {
    if (level == OrgLevel.MEMBER) {
      if (capability == Capability.INVITE_MEMBERS && settings.membersCanInvite().isPresent()) {
        trace.step("organization setting membersCanInvite=%s overrides the matrix for %s",
            settings.membersCanInvite().get(), level);
        return settings.membersCanInvite().get();
      }
      if (capability == Capability.CREATE_PROJECT && settings.membersCanCreateProjects().isPresent()) {
        trace.step("organization setting membersCanCreateProjects=%s overrides the matrix for %s",
            settings.membersCanCreateProjects().get(), level);
        return settings.membersCanCreateProjects().get();
      }
    }
    return matrix.allows(level, capability);
  }

  /**
   * The gates in front of the matrix, or null when they let the principal through: an API key limited
   * to other organizations or projects sees {@code NOT_FOUND}; a key of a Member where Members may not
   * use keys is denied; a user principal must satisfy the organization's MFA and SSO requirements.
   */
  public Decision gates(Principal principal, Membership m, OrgState state, ProjectState project, Trace trace) {
    OrganizationSettings settings = state.organization().settings();
    ApiKey key = principal.apiKey().orElse(null);
    if (key != null) {
      if (revocations.revoked(key)) {
        trace.step("api key %s was revoked or rolled since this principal was made", key.id());
        return Decision.notFound();
      }
      if (!key.organizations().isEmpty() && !key.organizations().contains(state.id())) {
        trace.step("api key %s is limited to other organizations", key.id());
        return Decision.notFound();
      }
      if (project != null && !key.projects().isEmpty() && !key.projects().contains(project.project().id())) {
        trace.step("api key %s is limited to other projects", key.id());
        return Decision.notFound();
      }
      if (!settings.membersCanUsePersonalApiKeys() && m.level() == OrgLevel.MEMBER) {
        trace.step("organization does not let Members use api keys (%s)", m.level());
        return Decision.deny(Reason.API_KEYS_DISABLED);
      }
      return null;
    }
    if (settings.require2fa() && !principal.mfa()) {
      trace.step("organization requires MFA; %s did not use it", principal.userId());
      return Decision.deny(Reason.MFA_REQUIRED);
    }
    if (principal.method() != AuthMethod.SSO && !settings.ssoEnforcedDomains().isEmpty()) {
      EmailAddress email = principal.email().orElse(m.email().orElse(null));
      if (MembershipRules.ssoRequired(settings, principal, email)) {
        trace.step("organization enforces SSO for %s", email.domain());
        return Decision.deny(Reason.SSO_REQUIRED);
      }
    }
    return null;
  }

  private Decision narrow(Principal principal, Capability capability, Decision decision, Trace trace) {
    if (decision.allowed() && !scopeAllows(principal, capability)) {
      trace.step("api key scopes do not cover %s", capability);
      return Decision.deny(Reason.API_KEY_SCOPE);
    }
    return decision;
  }

  /**
   * Whether the principal's API key has a scope covering the one the model gives {@code capability}
   * (SPEC §9); always true for a user principal.
   */
  public boolean scopeAllows(Principal principal, Capability capability) {
    ApiKey key = principal.apiKey().orElse(null);
    if (key == null) {
      return true;
    }
    ApiScope needed = matrix.apiScope(capability);
    for (ApiScope scope : key.scopes()) {
      if (scope.covers(needed)) {
        return true;
      }
    }
    return false;
  }

  /** The user's membership if it is active now, else null. */
  public Membership activeMember(OrgState state, UserId user, Trace trace) {
    return active(state == null ? null : state.members().get(user), user, trace);
  }

  /** {@code m}, the membership of {@code user} (null: none), if it is active now, else null. */
  private Membership active(Membership m, UserId user, Trace trace) {
    if (m == null) {
      trace.step("%s is not a member of an organization with this id", user);
      return null;
    }
    if (!live(m.expiresAt())) {
      trace.step("membership expired at %s", m.expiresAt().get());
      return null;
    }
    trace.step("active member at level %s", m.level());
    return m;
  }

  /**
   * Where an active member's access to a project comes from: {@link Reason#ORG_ADMIN},
   * {@link Reason#EXPLICIT_GRANT}, {@link Reason#DEFAULT_ROLE}, or {@link Reason#NOT_FOUND} when the
   * project is hidden from them (or missing: {@code project} null).
   */
  public Reason access(OrgState state, Membership member, ProjectState project, Trace trace) {
    return resolve(state, member, project, trace).reason;
  }

  /**
   * A member's access to a project, with the role it gives, in one pass over the snapshot (SPEC
   * §2.3, issue 16): organization Admins and Owners are implicit Admins; else the member's live own
   * grant and the best live grant of the roles they belong to, combined by the organization's
   * {@link ResolutionRule} (the own grant wins under {@code MOST_SPECIFIC}, the higher under
   * {@code HIGHEST_WINS}, the own grant on a tie), even if lower than the default; else an open
   * project's default role; else the project is hidden ({@link Access#NONE}, also for a missing one:
   * {@code project} null). The grant and the role ways are one lookup in the project's
   * {@link OrgState.Reach} index; only once one of them has expired, or when the steps are traced, are
   * they read one by one, against the clock.
   */
  Access resolve(OrgState state, Membership member, ProjectState project, Trace trace) {
    OrgState.Reach reach = project == null || isAdmin(member) ? null : project.reach().get(member.user());
    return resolve(state, member, project, reach, trace);
  }

  /** Like {@link #resolve(OrgState, Membership, ProjectState, Trace)} with the member's reach already looked up. */
  private Access resolve(OrgState state, Membership member, ProjectState project, OrgState.Reach reach, Trace trace) {
    if (project == null) {
      trace.step("no project with this id is visible to %s", member.user());
      return Access.NONE;
    }
    if (isAdmin(member)) {
      trace.step("organization %s is an implicit project Admin", member.level());
      return Access.ORG_ADMIN;
    }
    RoleGrant best = null;
    if (trace != Trace.NONE || (reach != null && reach.until() != null && Expiry.endedAt(reach.until(), clock))) {
      ProjectRole live = liveGrant(member, project, trace);
      best = project.roleAccess().isEmpty() ? null : bestRoleGrant(state, member, project, trace);
      reach = OrgState.Reach.of(live, best == null ? null : best.projectRole());
    }
    ProjectRole own = reach == null ? null : reach.own();
    ProjectRole viaRole = reach == null ? null : reach.viaRole();
    if (own != null && (viaRole == null || own.atLeast(viaRole)
        || state.organization().settings().resolution() == ResolutionRule.MOST_SPECIFIC)) {
      trace.step("explicit grant %s", own);
      return Access.grant(own);
    }
    if (viaRole != null) {
      if (trace != Trace.NONE) { // naming the role costs a lookup
        trace.step("role %s gives %s", state.roles().get(best.role()).role().name(), viaRole);
      }
      return Access.viaRole(viaRole);
    }
    if (project.project().visibility() == Visibility.OPEN) {
      trace.step("open project, default role %s", project.project().defaultRole());
      return Access.byDefault(project.project().defaultRole());
    }
    trace.step("no project with this id is visible to %s", member.user());
    return Access.NONE;
  }

  /** Organization Admins and Owners are implicit project Admins. */
  private static boolean isAdmin(Membership member) {
    return member.level().atLeast(OrgLevel.ADMIN);
  }

  /** The role of the member's own grant on the project if it is live now, else null. */
  private ProjectRole liveGrant(Membership member, ProjectState project, Trace trace) {
    ProjectGrant grant = project.grants().get(member.user());
    if (grant == null) {
      return null;
    }
    if (!live(grant.expiresAt())) {
      trace.step("explicit grant expired at %s", grant.expiresAt().get());
      return null;
    }
    return grant.role();
  }

  /**
   * The highest grant on the project among the roles the member actively belongs to, or null: one
   * lookup in the project's index of role access, then the member's few ways in.
   */
  private RoleGrant bestRoleGrant(OrgState state, Membership member, ProjectState project, Trace trace) {
    ImmutableList<OrgState.RoleAccess> ways = project.roleAccess().get(member.user());
    if (ways == null) {
      return null;
    }
    RoleGrant best = null;
    for (int i = 0; i < ways.size(); i++) {
      OrgState.RoleAccess way = ways.get(i);
      RoleGrant g = way.grant();
      if (best != null && !g.projectRole().atLeast(best.projectRole())) {
        continue;
      }
      if (live(way.member().expiresAt())) {
        best = g;
      } else {
        trace.step("membership of role %s expired at %s", state.roles().get(g.role()).role().name(),
            way.member().expiresAt().get());
      }
    }
    return best;
  }

  /** Whether something with this expiry is active now; reads the clock only if there is one. */
  private boolean live(Optional<Instant> expiresAt) {
    return expiresAt.isEmpty() || !Expiry.endedAt(expiresAt.get(), clock);
  }

  /** Where project access comes from and the role it gives: shared constants, so deciding allocates nothing. */
  enum Access {
    ORG_ADMIN(Reason.ORG_ADMIN, ProjectRole.ADMIN),
    GRANT_ADMIN(Reason.EXPLICIT_GRANT, ProjectRole.ADMIN),
    GRANT_MEMBER(Reason.EXPLICIT_GRANT, ProjectRole.MEMBER),
    GRANT_VIEWER(Reason.EXPLICIT_GRANT, ProjectRole.VIEWER),
    DEFAULT_ADMIN(Reason.DEFAULT_ROLE, ProjectRole.ADMIN),
    DEFAULT_MEMBER(Reason.DEFAULT_ROLE, ProjectRole.MEMBER),
    DEFAULT_VIEWER(Reason.DEFAULT_ROLE, ProjectRole.VIEWER),
    ROLE_ADMIN(Reason.ROLE_GRANT, ProjectRole.ADMIN),
    ROLE_MEMBER(Reason.ROLE_GRANT, ProjectRole.MEMBER),
    ROLE_VIEWER(Reason.ROLE_GRANT, ProjectRole.VIEWER),
    NONE(Reason.NOT_FOUND, null);

    private static final Access[] GRANTS = byRole(GRANT_ADMIN, GRANT_MEMBER, GRANT_VIEWER);
    private static final Access[] DEFAULTS = byRole(DEFAULT_ADMIN, DEFAULT_MEMBER, DEFAULT_VIEWER);
    private static final Access[] ROLES = byRole(ROLE_ADMIN, ROLE_MEMBER, ROLE_VIEWER);

    final Reason reason;
    final ProjectRole role;

    Access(Reason reason, ProjectRole role) {
      this.reason = reason;
      this.role = role;
    }

    static Access grant(ProjectRole role) {
      return GRANTS[role.ordinal()];
    }

    static Access byDefault(ProjectRole role) {
      return DEFAULTS[role.ordinal()];
    }

    static Access viaRole(ProjectRole role) {
      return ROLES[role.ordinal()];
    }

    private static Access[] byRole(Access admin, Access member, Access viewer) {
      Access[] table = new Access[ProjectRole.values().length];
      for (Access a : new Access[] {admin, member, viewer}) {
        table[a.role.ordinal()] = a;
      }
      return table;
    }
  }

  /** Whether the principal's API key limits let it see {@code project} (always true for users). */
  public static boolean keyReaches(Principal principal, ProjectState project) {
    ApiKey key = principal.apiKey().orElse(null);
    return key == null || ((key.organizations().isEmpty() || key.organizations().contains(project.project().organization()))
        && (key.projects().isEmpty() || key.projects().contains(project.project().id())));
  }

  /** Whether the principal's API key limits let it see {@code organization} (always true for users). */
  public static boolean keyReaches(Principal principal, dev.warden.organization.OrgId organization) {
    ApiKey key = principal.apiKey().orElse(null);
    return key == null || key.organizations().isEmpty() || key.organizations().contains(organization);
  }

  /**
   * The member's effective project role (SPEC §2.3), or null if the project is hidden from them or
   * missing ({@code project} null). The one way to ask "which role, if any", without a trace.
   * Allocation-free.
   */
  public ProjectRole effectiveRole(OrgState state, Membership member, ProjectState project) {
    return resolve(state, member, project, Trace.NONE).role;
  }

  /** The current instant of the policy's clock. */
  public Instant now() {
    return clock.instant();
  }
}
