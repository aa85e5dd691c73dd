package dev.warden.matrix;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import dev.warden.apikey.ApiScope;
import dev.warden.matrix.Capability.Scope;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.OwnershipRule;
import dev.warden.project.ProjectRole;
import dev.warden.project.Visibility;
import dev.warden.resource.AccessLevel;
import dev.warden.resource.ResourceRef;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A permission model as immutable data: the capabilities that exist (each with the API key scope it
 * needs and a description), the resource kinds, which organization level and project role hold which
 * capability, the ownership rule, the visibility of new projects and the prefixes of minted secrets.
 *
 * <p>Three presets ship: {@link #posthog()} (PostHog's product documentation, SPEC §2), {@link
 * #leastPrivilege()} (its governance guide) and {@link #lifecycle()} (only what Warden's own operations
 * check, for a host that brings its own capabilities). Start from one with {@link #toBuilder()}, or
 * from nothing with {@link #builder()}; building validates the whole model and lists every problem.
 *
 * <pre>{@code
 * Capability approve = Capability.resource("invoice", "invoice.approve");
 * PermissionMatrix invoicing = PermissionMatrix.lifecycle().toBuilder()
 *     .capability(approve, "invoice:write", "Approve an invoice for payment")
 *     .kind(ResourceKind.named("invoice").requires(AccessLevel.EDITOR, approve))
 *     .grant(ProjectRole.MEMBER, approve).grant(ProjectRole.ADMIN, approve)
 *     .build();
 * }</pre>
 *
 * <p>Immutable; safe to share between threads. A cell lookup is an array index and a bit test on the
 * capability's {@link Capability#ordinal()} and allocates nothing.
 */
public final class PermissionMatrix {
  private static final OrgLevel[] LEVELS = OrgLevel.values();
  private static final ProjectRole[] ROLES = ProjectRole.values();

  /**
   * Warden's own capabilities, which its organization, invite, project, grant, resource, key and audit
   * operations check: every model declares them.
   */
  private static final Set<Capability> LIFECYCLE = ImmutableSet.of(Capability.VIEW_ORGANIZATION,
      Capability.INVITE_MEMBERS, Capability.REVOKE_INVITES, Capability.CREATE_PROJECT, Capability.DELETE_PROJECT,
      Capability.MANAGE_ORG_SETTINGS, Capability.MANAGE_MEMBERS, Capability.REMOVE_MEMBERS, Capability.VIEW_AUDIT_LOG,
      Capability.LEAVE_ORGANIZATION, Capability.TRANSFER_OWNERSHIP, Capability.DELETE_ORGANIZATION,
      Capability.VIEW_DATA, Capability.CREATE_CONTENT, Capability.MANAGE_PROJECT_SETTINGS,
      Capability.MANAGE_PROJECT_ACCESS, Capability.ROTATE_PROJECT_TOKEN, Capability.VIEW_PROJECT_AUDIT_LOG,
      Capability.MANAGE_ROLES);

  /** Every capability of Warden and PostHog in SPEC order, with its scope (SPEC §9) and description. */
  private static final Map<Capability, Definition> BUILT_IN = builtIn();

  private static final PermissionMatrix LIFECYCLE_PRESET = lifecycleBuilder().build();
  private static final PermissionMatrix POSTHOG = posthogBuilder().build();
  private static final PermissionMatrix LEAST_PRIVILEGE = POSTHOG.toBuilder()
      .revoke(OrgLevel.MEMBER, Capability.INVITE_MEMBERS, Capability.MANAGE_BILLING)
      .revoke(OrgLevel.ADMIN, Capability.MANAGE_BILLING, Capability.DELETE_PROJECT, Capability.REMOVE_MEMBERS)
      .ownership(OwnershipRule.MULTIPLE)
      .newProjectVisibility(Visibility.PRIVATE)
      .build();

  private final ImmutableMap<Capability, Definition> capabilities;
  private final ImmutableMap<String, Capability> byName;
  private final ImmutableMap<String, ResourceKind> kinds;
  private final ImmutableMap<Capability, ApiScope> apiScopes;
  private final ImmutableSet<String> scopeObjects;
  private final ApiScope[] scopeByOrdinal;
  private final long[][] levelBits;
  private final long[][] roleBits;
  private final OwnershipRule ownership;
  private final Visibility newProjectVisibility;
  private final TokenFormat tokenFormat;

  private PermissionMatrix(Builder b) {
    this.capabilities = ImmutableMap.copyOf(b.capabilities);
    ImmutableMap.Builder<String, Capability> names = ImmutableMap.builder();
    int size = 0;
    for (Capability c : capabilities.keySet()) {
      names.put(c.name(), c);
      size = Math.max(size, c.ordinal() + 1);
    }
    this.byName = names.build();
    this.kinds = ImmutableMap.copyOf(b.kinds);
    this.scopeByOrdinal = new ApiScope[size];
    ImmutableMap.Builder<Capability, ApiScope> scopes = ImmutableMap.builder();
    ImmutableSet.Builder<String> objects = ImmutableSet.builder();
    capabilities.forEach((c, d) -> {
      scopeByOrdinal[c.ordinal()] = d.scope();
      scopes.put(c, d.scope());
      objects.add(d.scope().object());
    });
    this.apiScopes = scopes.build();
    this.scopeObjects = objects.build();
    this.levelBits = words(b.levels, size);
    this.roleBits = words(b.roles, size);
    this.ownership = b.ownership;
    this.newProjectVisibility = b.newProjectVisibility;
    this.tokenFormat = b.tokenFormat;
  }

  /**
   * PostHog's model, the product documentation's table (SPEC §2, §8, §9): every member may invite and
   * manage billing, exactly one Owner, new projects open; PostHog's capabilities, resource kinds and
   * API scopes. Mints Warden's own {@linkplain TokenFormat#warden() token prefixes}; set
   * {@link TokenFormat#posthog()} to mint PostHog's.
   */
  public static PermissionMatrix posthog() {
    return POSTHOG;
  }

  /**
   * The governance guide's least-privilege reading of {@link #posthog()}: only Admins and Owners
   * invite, only Owners manage billing, delete projects and remove members; several Owners allowed; new
   * projects private.
   */
  public static PermissionMatrix leastPrivilege() {
    return LEAST_PRIVILEGE;
  }

  /**
   * Only Warden's own capabilities, assigned as {@link #leastPrivilege()} does (Members see the
   * organization and leave it; Admins run members, invites and projects; Owners everything; project
   * Viewers see, Members also create content, Admins run the project), no resource kinds: the start for
   * a host that brings its own capabilities. Single ownership, new projects open. Its capabilities'
   * API scopes are the PostHog table's ({@code query:read} for {@code VIEW_DATA}, …); a host renames
   * them by declaring the capability again ({@link Builder#capability}).
   */
  public static PermissionMatrix lifecycle() {
    return LIFECYCLE_PRESET;
  }

  /**
   * A builder with Warden's own capabilities declared (they are part of every model) and nothing
   * assigned: single ownership, open new projects, Warden's token format.
   */
  public static Builder builder() {
    return declaring(LIFECYCLE);
  }

  /** A builder holding a copy of this model, to add to it or change a few cells. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.capabilities.putAll(capabilities);
    b.kinds.putAll(kinds);
    for (Capability c : capabilities.keySet()) {
      for (OrgLevel level : LEVELS) {
        if (isSet(levelBits[level.ordinal()], c)) {
          b.levels.get(level).add(c);
        }
      }
      for (ProjectRole role : ROLES) {
        if (isSet(roleBits[role.ordinal()], c)) {
          b.roles.get(role).add(c);
        }
      }
    }
    b.ownership = ownership;
    b.newProjectVisibility = newProjectVisibility;
    b.tokenFormat = tokenFormat;
    return b;
  }

  private static Map<Capability, Definition> builtIn() {
    Map<Capability, Definition> t = new LinkedHashMap<>();
    Object[] table = {
        Capability.VIEW_ORGANIZATION, "organization:read", "See the organization and its members",
        Capability.INVITE_MEMBERS, "organization_member:write", "Invite people to the organization",
        Capability.REVOKE_INVITES, "organization_member:write", "Revoke pending invites",
        Capability.MANAGE_BILLING, "billing:write", "Manage the organization's billing",
        Capability.CREATE_PROJECT, "project:write", "Create projects",
        Capability.DELETE_PROJECT, "project:write", "Delete projects",
        Capability.MANAGE_ORG_SETTINGS, "organization:write", "Change the organization's settings",
        Capability.MANAGE_MEMBERS, "organization_member:write", "Change members' levels and expiries",
        Capability.REMOVE_MEMBERS, "organization_member:write", "Remove members",
        Capability.VIEW_AUDIT_LOG, "activity_log:read", "Read the organization's audit log and reports",
        Capability.LEAVE_ORGANIZATION, "organization_member:write", "Leave the organization",
        Capability.TRANSFER_OWNERSHIP, "organization:write", "Transfer ownership",
        Capability.DELETE_ORGANIZATION, "organization:write", "Delete the organization",
        Capability.VIEW_DATA, "query:read", "See the project and its data",
        Capability.CREATE_CONTENT, "insight:write", "Create content in the project",
        Capability.USE_FEATURE_FLAGS, "feature_flag:read", "Use feature flags",
        Capability.MANAGE_FEATURE_FLAGS, "feature_flag:write", "Create and change feature flags",
        Capability.DELETE_ANY_DASHBOARD, "dashboard:write", "Delete any dashboard",
        Capability.MANAGE_PROJECT_SETTINGS, "project:write", "Change the project's settings",
        Capability.MANAGE_PROJECT_ACCESS, "project:write", "Change who may use the project",
        Capability.MANAGE_DATA_RETENTION, "project:write", "Change the project's data retention",
        Capability.ROTATE_PROJECT_TOKEN, "project:write", "Rotate the project's token",
        Capability.VIEW_PROJECT_AUDIT_LOG, "activity_log:read", "Read the project's audit log",
        Capability.MANAGE_ROLES, "organization_member:write", "Create roles and change their members and access"};
    for (int i = 0; i < table.length; i += 3) {
      t.put((Capability) table[i], new Definition(ApiScope.parse((String) table[i + 1]), (String) table[i + 2]));
    }
    return ImmutableMap.copyOf(t);
  }

  /** A builder with {@code declared} of the built-in capabilities declared, in SPEC order. */
  private static Builder declaring(Set<Capability> declared) {
    Builder b = new Builder();
    BUILT_IN.forEach((c, d) -> {
      if (declared.contains(c)) {
        b.capabilities.put(c, d);
      }
    });
    return b;
  }

  private static Builder lifecycleBuilder() {
    return topHoldsAll(builder()
        .grant(OrgLevel.MEMBER, Capability.VIEW_ORGANIZATION, Capability.LEAVE_ORGANIZATION)
        .grant(OrgLevel.ADMIN, Capability.VIEW_ORGANIZATION, Capability.INVITE_MEMBERS, Capability.REVOKE_INVITES,
            Capability.CREATE_PROJECT, Capability.MANAGE_ORG_SETTINGS, Capability.MANAGE_MEMBERS,
            Capability.VIEW_AUDIT_LOG, Capability.LEAVE_ORGANIZATION, Capability.MANAGE_ROLES)
        .grant(ProjectRole.VIEWER, Capability.VIEW_DATA)
        .grant(ProjectRole.MEMBER, Capability.VIEW_DATA, Capability.CREATE_CONTENT));
  }

  /** Gives the Owner every organization capability but leaving, and the project Admin every other one. */
  private static Builder topHoldsAll(Builder b) {
    for (Capability c : b.capabilities.keySet()) {
      if (c.scope() == Scope.ORGANIZATION && c != Capability.LEAVE_ORGANIZATION) {
        b.grant(OrgLevel.OWNER, c);
      } else if (c.scope() != Scope.ORGANIZATION) {
        b.grant(ProjectRole.ADMIN, c);
      }
    }
    return b;
  }

  private static Builder posthogBuilder() {
    Builder b = declaring(BUILT_IN.keySet())
        .grant(OrgLevel.MEMBER, Capability.VIEW_ORGANIZATION, Capability.INVITE_MEMBERS, Capability.MANAGE_BILLING,
            Capability.LEAVE_ORGANIZATION)
        .grant(OrgLevel.ADMIN, Capability.VIEW_ORGANIZATION, Capability.INVITE_MEMBERS, Capability.REVOKE_INVITES,
            Capability.MANAGE_BILLING, Capability.CREATE_PROJECT, Capability.DELETE_PROJECT,
            Capability.MANAGE_ORG_SETTINGS, Capability.MANAGE_MEMBERS, Capability.REMOVE_MEMBERS,
            Capability.VIEW_AUDIT_LOG, Capability.LEAVE_ORGANIZATION, Capability.MANAGE_ROLES)
        .grant(ProjectRole.VIEWER, Capability.VIEW_DATA)
        .grant(ProjectRole.MEMBER, Capability.VIEW_DATA, Capability.CREATE_CONTENT, Capability.USE_FEATURE_FLAGS)
        .ownership(OwnershipRule.SINGLE)
        .newProjectVisibility(Visibility.OPEN);
    topHoldsAll(b);
    // SPEC §8: viewing needs VIEWER, changing content EDITOR, everything else MANAGER.
    for (String kind : List.of("action", "annotation", "cohort", "dashboard", "experiment", "feature_flag",
        "insight", "notebook", "session_recording", "survey")) {
      ResourceKind k = ResourceKind.named(kind)
          .requires(AccessLevel.VIEWER, Capability.USE_FEATURE_FLAGS)
          .requires(AccessLevel.EDITOR, Capability.MANAGE_FEATURE_FLAGS);
      b.kind(kind.equals(ResourceRef.DASHBOARD) ? k.minimumLevel(AccessLevel.VIEWER) : k);
    }
    return b;
  }

  /**
   * Whether {@code level} holds the organization capability {@code capability}.
   *
   * @throws IllegalArgumentException if {@code capability} is not organization-scoped
   */
  public boolean allows(OrgLevel level, Capability capability) {
    requireScope(capability, true);
    return isSet(levelBits[level.ordinal()], capability);
  }

  /**
   * Whether {@code role} holds the project or resource capability {@code capability}.
   *
   * @throws IllegalArgumentException if {@code capability} is organization-scoped
   */
  public boolean allows(ProjectRole role, Capability capability) {
    requireScope(capability, false);
    return isSet(roleBits[role.ordinal()], capability);
  }

  /** Every capability of this model, in declaration order. */
  public Set<Capability> capabilities() {
    return capabilities.keySet();
  }

  /** The capability of this model named {@code name}, as stored and audited. */
  public Optional<Capability> capability(String name) {
    return Optional.ofNullable(byName.get(checkNotNull(name, "name")));
  }

  /** The organization capabilities {@code level} holds, in declaration order. */
  public Set<Capability> capabilities(OrgLevel level) {
    return held(levelBits[level.ordinal()]);
  }

  /** The project and resource capabilities {@code role} holds, in declaration order. */
  public Set<Capability> capabilities(ProjectRole role) {
    return held(roleBits[role.ordinal()]);
  }

  /**
   * The API key scope {@code capability} needs: a key principal holds a capability only if its user
   * does and one of the key's scopes covers this one.
   *
   * @throws IllegalArgumentException if this model does not declare {@code capability}
   */
  public ApiScope apiScope(Capability capability) {
    return scopeByOrdinal[requireCapability(capability).ordinal()];
  }

  /** The whole capability → API key scope table, in declaration order (SPEC §9's for the PostHog presets). */
  public Map<Capability, ApiScope> apiScopes() {
    return apiScopes;
  }

  /** The objects API key scopes may name in this model ({@code object:read}, {@code object:write}). */
  public Set<String> scopeObjects() {
    return scopeObjects;
  }

  /** What {@code capability} lets a principal do, in words. @throws IllegalArgumentException if undeclared */
  public String description(Capability capability) {
    return capabilities.get(requireCapability(capability)).description();
  }

  /** The resource kinds of this model, by name, in declaration order. */
  public Map<String, ResourceKind> resourceKinds() {
    return kinds;
  }

  /**
   * The resource kind named {@code kind}.
   *
   * @throws IllegalArgumentException naming the kind and the known ones if this model lacks it
   */
  public ResourceKind resourceKind(String kind) {
    ResourceKind k = kinds.get(checkNotNull(kind, "resource kind"));
    if (k == null) {
      throw new IllegalArgumentException(
          "resource kind '" + kind + "' is not part of this permission model; its kinds are " + kinds.keySet());
    }
    return k;
  }

  /**
   * Returns {@code capability} if this model declares it. Allocation-free when it does.
   *
   * @throws IllegalArgumentException naming the capability otherwise
   */
  public Capability requireCapability(Capability capability) {
    checkNotNull(capability, "capability");
    int o = capability.ordinal();
    if (o >= scopeByOrdinal.length || scopeByOrdinal[o] == null) {
      throw new IllegalArgumentException("capability " + capability + " (" + scopeName(capability.scope())
          + "-scoped) is not part of this permission model");
    }
    return capability;
  }

  public OwnershipRule ownership() {
    return ownership;
  }

  /** The visibility of new projects, including every new organization's "Default Project". */
  public Visibility newProjectVisibility() {
    return newProjectVisibility;
  }

  /** The prefixes of the API keys and project tokens this model mints. */
  public TokenFormat tokenFormat() {
    return tokenFormat;
  }

  private static void requireScope(Capability capability, boolean organization) {
    checkNotNull(capability, "capability");
    if ((capability.scope() == Scope.ORGANIZATION) != organization) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "capability must be %s here, but was %s (%s-scoped)",
          organization ? "organization-scoped" : "project-scoped or resource-scoped", capability,
          scopeName(capability.scope())));
    }
  }

  /** A scope as messages name it: {@code organization}, {@code project}, {@code resource}. */
  public static String scopeName(Scope scope) {
    return scope.name().toLowerCase(Locale.ROOT);
  }

  private static boolean isSet(long[] bits, Capability c) {
    int word = c.ordinal() >>> 6;
    return word < bits.length && (bits[word] & (1L << c.ordinal())) != 0;
  }

  private static long[][] words(Map<? extends Enum<?>, Set<Capability>> cells, int size) {
    long[][] bits = new long[cells.size()][(size + 63) >>> 6];
    for (Map.Entry<? extends Enum<?>, Set<Capability>> e : cells.entrySet()) {
      for (Capability c : e.getValue()) {
        bits[e.getKey().ordinal()][c.ordinal() >>> 6] |= 1L << c.ordinal();
      }
    }
    return bits;
  }

  private Set<Capability> held(long[] bits) {
    ImmutableSet.Builder<Capability> set = ImmutableSet.builder();
    for (Capability c : capabilities.keySet()) {
      if (isSet(bits, c)) {
        set.add(c);
      }
    }
    return set.build();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PermissionMatrix m && capabilities.equals(m.capabilities) && kinds.equals(m.kinds)
        && Arrays.deepEquals(levelBits, m.levelBits) && Arrays.deepEquals(roleBits, m.roleBits)
        && ownership == m.ownership && newProjectVisibility == m.newProjectVisibility
        && tokenFormat.equals(m.tokenFormat);
  }

  @Override
  public int hashCode() {
    return (capabilities.hashCode() * 31 + Arrays.deepHashCode(levelBits)) * 31 + Arrays.deepHashCode(roleBits)
        + ownership.hashCode() + newProjectVisibility.hashCode();
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("PermissionMatrix[ownership=").append(ownership)
        .append(", newProjects=").append(newProjectVisibility).append(", tokens=").append(tokenFormat)
        .append(", kinds=").append(kinds.keySet());
    for (OrgLevel level : LEVELS) {
      s.append(", ").append(level).append('=').append(capabilities(level));
    }
    for (ProjectRole role : ROLES) {
      s.append(", ").append(role).append('=').append(capabilities(role));
    }
    return s.append(']').toString();
  }

  /** What the model says of one capability. */
  private record Definition(ApiScope scope, String description) {}

  /**
   * Builds a {@link PermissionMatrix}. {@link #build()} validates the result and throws
   * {@link IllegalArgumentException} listing every inconsistency. Not thread-safe.
   */
  public static final class Builder {
    private final Map<Capability, Definition> capabilities = new LinkedHashMap<>();
    private final Map<String, ResourceKind> kinds = new LinkedHashMap<>();
    private final Map<OrgLevel, Set<Capability>> levels = cells(LEVELS);
    private final Map<ProjectRole, Set<Capability>> roles = cells(ROLES);
    private OwnershipRule ownership = OwnershipRule.SINGLE;
    private Visibility newProjectVisibility = Visibility.OPEN;
    private TokenFormat tokenFormat = TokenFormat.warden();

    private Builder() {}

    private static <K extends Enum<K>> Map<K, Set<Capability>> cells(K[] keys) {
      Map<K, Set<Capability>> cells = new LinkedHashMap<>();
      for (K k : keys) {
        cells.put(k, new LinkedHashSet<>());
      }
      return cells;
    }

    /**
     * Declares {@code capability} (or redefines a declared one): the API key scope it needs
     * ({@code object:read} or {@code object:write}) and what it lets a principal do.
     *
     * @throws IllegalArgumentException if the scope is malformed or {@code *}
     */
    public Builder capability(Capability capability, String apiScope, String description) {
      checkNotNull(capability, "capability");
      ApiScope scope = ApiScope.parse(apiScope);
      checkArgument(!scope.equals(ApiScope.ALL), "capability %s needs a scope naming an object, not '*'", capability);
      capabilities.put(capability, new Definition(scope, checkNotNull(description, "description")));
      return this;
    }

    /** Declares a resource kind, or replaces the declared one of the same name. */
    public Builder kind(ResourceKind kind) {
      kinds.put(checkNotNull(kind, "kind").name(), kind);
      return this;
    }

    /**
     * Gives {@code level} the organization capabilities.
     *
     * @throws IllegalArgumentException if one is not organization-scoped
     */
    public Builder grant(OrgLevel level, Capability... capabilities) {
      return assign(levels.get(checkNotNull(level, "level")), true, true, capabilities);
    }

    /**
     * Takes the organization capabilities from {@code level}.
     *
     * @throws IllegalArgumentException if one is not organization-scoped
     */
    public Builder revoke(OrgLevel level, Capability... capabilities) {
      return assign(levels.get(checkNotNull(level, "level")), true, false, capabilities);
    }

    /**
     * Gives {@code role} the project or resource capabilities.
     *
     * @throws IllegalArgumentException if one is organization-scoped
     */
    public Builder grant(ProjectRole role, Capability... capabilities) {
      return assign(roles.get(checkNotNull(role, "role")), false, true, capabilities);
    }

    /**
     * Takes the project or resource capabilities from {@code role}.
     *
     * @throws IllegalArgumentException if one is organization-scoped
     */
    public Builder revoke(ProjectRole role, Capability... capabilities) {
      return assign(roles.get(checkNotNull(role, "role")), false, false, capabilities);
    }

    private Builder assign(Set<Capability> cell, boolean organization, boolean grant, Capability... capabilities) {
      for (Capability c : capabilities) {
        requireScope(c, organization);
      }
      for (Capability c : capabilities) {
        if (grant) {
          cell.add(c);
        } else {
          cell.remove(c);
        }
      }
      return this;
    }

    public Builder ownership(OwnershipRule rule) {
      this.ownership = checkNotNull(rule, "ownership");
      return this;
    }

    public Builder newProjectVisibility(Visibility visibility) {
      this.newProjectVisibility = checkNotNull(visibility, "newProjectVisibility");
      return this;
    }

    /** The prefixes of minted API keys and project tokens ({@link TokenFormat#warden()} unless set). */
    public Builder tokenFormat(TokenFormat format) {
      this.tokenFormat = checkNotNull(format, "tokenFormat");
      return this;
    }

    /**
     * Validates and freezes the model. The rules: Warden's own capabilities are declared, every
     * assigned capability is declared, names are unique, and a resource capability's kind is declared;
     * every level holds {@code VIEW_ORGANIZATION}; every role holds {@code VIEW_DATA}; a higher level
     * holds every capability of a lower one (except {@code LEAVE_ORGANIZATION}); a higher role holds
     * every capability of a lower one; the Owner holds every organization capability except {@code
     * LEAVE_ORGANIZATION}, which it never holds (an Owner must transfer ownership or be demoted first);
     * the project Admin holds every project and resource capability.
     *
     * @throws IllegalArgumentException listing every rule the model breaks
     */
    public PermissionMatrix build() {
      List<String> problems = new ArrayList<>();
      Map<String, Capability> names = new LinkedHashMap<>();
      for (Capability c : capabilities.keySet()) {
        Capability other = names.putIfAbsent(c.name(), c);
        if (other != null) {
          problems.add("two capabilities are named " + c.name() + " (" + scopeName(other.scope()) + " and "
              + scopeName(c.scope()) + ")");
        }
        if (c.scope() == Scope.RESOURCE && !kinds.containsKey(c.kind().get())) {
          problems.add("capability " + c + " is checked on resource kind " + c.kind().get() + ", which is not declared");
        }
      }
      for (Capability c : LIFECYCLE) {
        if (!capabilities.containsKey(c)) {
          problems.add("Warden's own capability " + c + " must be declared");
        }
      }
      undeclared(levels, problems);
      undeclared(roles, problems);
      for (ResourceKind kind : kinds.values()) {
        for (Capability c : kind.required().keySet()) {
          if (!capabilities.containsKey(c)) {
            problems.add("resource kind " + kind.name() + " lists undeclared capability " + c);
          }
        }
      }
      for (OrgLevel level : LEVELS) {
        if (!levels.get(level).contains(Capability.VIEW_ORGANIZATION)) {
          problems.add(level + " must hold VIEW_ORGANIZATION");
        }
      }
      for (int i = 1; i < LEVELS.length; i++) {
        Set<Capability> missing = missing(levels.get(LEVELS[i - 1]), levels.get(LEVELS[i]));
        missing.remove(Capability.LEAVE_ORGANIZATION);
        if (!missing.isEmpty()) {
          problems.add(LEVELS[i] + " must hold every capability " + LEVELS[i - 1] + " holds, but lacks " + missing);
        }
      }
      Set<Capability> owner = levels.get(OrgLevel.OWNER);
      if (owner.contains(Capability.LEAVE_ORGANIZATION)) {
        problems.add("OWNER must not hold LEAVE_ORGANIZATION (an Owner transfers ownership or is demoted first)");
      }
      for (Capability c : capabilities.keySet()) {
        if (c.scope() == Scope.ORGANIZATION && c != Capability.LEAVE_ORGANIZATION && !owner.contains(c)) {
          problems.add("OWNER must hold every organization capability, but lacks " + c);
        }
      }
      for (ProjectRole role : ROLES) {
        if (!roles.get(role).contains(Capability.VIEW_DATA)) {
          problems.add(role + " must hold VIEW_DATA");
        }
      }
      for (int i = 1; i < ROLES.length; i++) {
        Set<Capability> missing = missing(roles.get(ROLES[i - 1]), roles.get(ROLES[i]));
        if (!missing.isEmpty()) {
          problems.add(ROLES[i] + " must hold every capability " + ROLES[i - 1] + " holds, but lacks " + missing);
        }
      }
      for (Capability c : capabilities.keySet()) {
        if (c.scope() != Scope.ORGANIZATION && !roles.get(ProjectRole.ADMIN).contains(c)) {
          problems.add("project ADMIN must hold every project capability, but lacks " + c);
        }
      }
      checkArgument(problems.isEmpty(), "permission matrix is inconsistent: %s", String.join("; ", problems));
      return new PermissionMatrix(this);
    }

    private void undeclared(Map<? extends Enum<?>, Set<Capability>> cells, List<String> problems) {
      cells.forEach((holder, held) -> {
        for (Capability c : held) {
          if (!capabilities.containsKey(c)) {
            problems.add(holder + " holds undeclared capability " + c);
          }
        }
      });
    }

    private static Set<Capability> missing(Set<Capability> lower, Set<Capability> higher) {
      Set<Capability> missing = new LinkedHashSet<>(lower);
      missing.removeAll(higher);
      return missing;
    }
  }
}
