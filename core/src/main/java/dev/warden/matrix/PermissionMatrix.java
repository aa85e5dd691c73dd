package dev.warden.matrix;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.matrix.Capability.Scope;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.OwnershipRule;
import dev.warden.project.ProjectRole;
import dev.warden.project.Visibility;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Which organization level and which project role hold which {@link Capability}, plus the ownership
 * rule and the visibility of new projects. Two presets ship: {@link #posthog()} (the product
 * documentation) and {@link #leastPrivilege()} (the governance guide). Build a custom matrix with
 * {@link #builder()} or {@link #toBuilder()}; building validates it.
 *
 * <p>Immutable; safe to share between threads. Lookups are a bit test and allocate nothing.
 */
public final class PermissionMatrix {
  private static final OrgLevel[] LEVELS = OrgLevel.values();
  private static final ProjectRole[] ROLES = ProjectRole.values();

  private static final PermissionMatrix POSTHOG = posthogBuilder().build();
  private static final PermissionMatrix LEAST_PRIVILEGE = POSTHOG.toBuilder()
      .revoke(OrgLevel.MEMBER, Capability.INVITE_MEMBERS, Capability.MANAGE_BILLING)
      .revoke(OrgLevel.ADMIN, Capability.MANAGE_BILLING, Capability.DELETE_PROJECT, Capability.REMOVE_MEMBERS)
      .ownership(OwnershipRule.MULTIPLE)
      .newProjectVisibility(Visibility.PRIVATE)
      .build();

  private final long[] levelBits;
  private final long[] roleBits;
  private final OwnershipRule ownership;
  private final Visibility newProjectVisibility;

  private PermissionMatrix(Builder b) {
    this.levelBits = b.levelBits.clone();
    this.roleBits = b.roleBits.clone();
    this.ownership = b.ownership;
    this.newProjectVisibility = b.newProjectVisibility;
  }

  /**
   * The default: the product documentation's table. Every member may invite and manage billing,
   * exactly one Owner, new projects open.
   */
  public static PermissionMatrix posthog() {
    return POSTHOG;
  }

  /**
   * The governance guide's least-privilege reading: only Admins and Owners invite, only Owners manage
   * billing, delete projects and remove members; several Owners allowed; new projects private.
   */
  public static PermissionMatrix leastPrivilege() {
    return LEAST_PRIVILEGE;
  }

  /** An empty builder: no cells set, single ownership, open new projects. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding a copy of this matrix, to change a few cells of a preset. */
  public Builder toBuilder() {
    Builder b = new Builder();
    System.arraycopy(levelBits, 0, b.levelBits, 0, levelBits.length);
    System.arraycopy(roleBits, 0, b.roleBits, 0, roleBits.length);
    b.ownership = ownership;
    b.newProjectVisibility = newProjectVisibility;
    return b;
  }

  private static Builder posthogBuilder() {
    return builder()
        .grant(OrgLevel.MEMBER, Capability.VIEW_ORGANIZATION, Capability.INVITE_MEMBERS, Capability.MANAGE_BILLING,
            Capability.LEAVE_ORGANIZATION)
        .grant(OrgLevel.ADMIN, Capability.VIEW_ORGANIZATION, Capability.INVITE_MEMBERS, Capability.REVOKE_INVITES,
            Capability.MANAGE_BILLING, Capability.CREATE_PROJECT, Capability.DELETE_PROJECT,
            Capability.MANAGE_ORG_SETTINGS, Capability.MANAGE_MEMBERS, Capability.REMOVE_MEMBERS,
            Capability.VIEW_AUDIT_LOG, Capability.LEAVE_ORGANIZATION)
        .grant(OrgLevel.OWNER, Capability.VIEW_ORGANIZATION, Capability.INVITE_MEMBERS, Capability.REVOKE_INVITES,
            Capability.MANAGE_BILLING, Capability.CREATE_PROJECT, Capability.DELETE_PROJECT,
            Capability.MANAGE_ORG_SETTINGS, Capability.MANAGE_MEMBERS, Capability.REMOVE_MEMBERS,
            Capability.VIEW_AUDIT_LOG, Capability.TRANSFER_OWNERSHIP, Capability.DELETE_ORGANIZATION)
        .grant(ProjectRole.VIEWER, Capability.VIEW_DATA)
        .grant(ProjectRole.MEMBER, Capability.VIEW_DATA, Capability.CREATE_CONTENT, Capability.USE_FEATURE_FLAGS)
        .grant(ProjectRole.ADMIN, projectCapabilities().toArray(Capability[]::new))
        .ownership(OwnershipRule.SINGLE)
        .newProjectVisibility(Visibility.OPEN);
  }

  /**
   * Whether {@code level} holds the organization capability {@code capability}.
   *
   * @throws IllegalArgumentException if {@code capability} is project-scoped
   */
  public boolean allows(OrgLevel level, Capability capability) {
    requireScope(capability, Scope.ORGANIZATION);
    return (levelBits[level.ordinal()] & bit(capability)) != 0;
  }

  /**
   * Whether {@code role} holds the project capability {@code capability}.
   *
   * @throws IllegalArgumentException if {@code capability} is organization-scoped
   */
  public boolean allows(ProjectRole role, Capability capability) {
    requireScope(capability, Scope.PROJECT);
    return (roleBits[role.ordinal()] & bit(capability)) != 0;
  }

  /** The organization capabilities {@code level} holds, in declaration order. */
  public Set<Capability> capabilities(OrgLevel level) {
    return toSet(levelBits[level.ordinal()]);
  }

  /** The project capabilities {@code role} holds, in declaration order. */
  public Set<Capability> capabilities(ProjectRole role) {
    return toSet(roleBits[role.ordinal()]);
  }

  public OwnershipRule ownership() {
    return ownership;
  }

  /** The visibility of new projects, including every new organization's "Default Project". */
  public Visibility newProjectVisibility() {
    return newProjectVisibility;
  }

  private static void requireScope(Capability capability, Scope scope) {
    checkNotNull(capability, "capability");
    if (capability.scope() != scope) {
      throw new IllegalArgumentException(
          "capability must be " + scope.name().toLowerCase() + "-scoped here, but was " + capability
              + " (" + capability.scope().name().toLowerCase() + "-scoped)");
    }
  }

  private static long bit(Capability capability) {
    return 1L << capability.ordinal();
  }

  private static Set<Capability> toSet(long bits) {
    EnumSet<Capability> set = EnumSet.noneOf(Capability.class);
    for (Capability c : Capability.values()) {
      if ((bits & bit(c)) != 0) {
        set.add(c);
      }
    }
    return java.util.Collections.unmodifiableSet(set);
  }

  private static Set<Capability> projectCapabilities() {
    EnumSet<Capability> set = EnumSet.noneOf(Capability.class);
    for (Capability c : Capability.values()) {
      if (c.scope() == Scope.PROJECT) {
        set.add(c);
      }
    }
    return set;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PermissionMatrix m && Arrays.equals(levelBits, m.levelBits)
        && Arrays.equals(roleBits, m.roleBits) && ownership == m.ownership
        && newProjectVisibility == m.newProjectVisibility;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(levelBits) * 31 + Arrays.hashCode(roleBits) * 17 + ownership.hashCode()
        + newProjectVisibility.hashCode();
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("PermissionMatrix[ownership=").append(ownership)
        .append(", newProjects=").append(newProjectVisibility);
    for (OrgLevel level : LEVELS) {
      s.append(", ").append(level).append('=').append(capabilities(level));
    }
    for (ProjectRole role : ROLES) {
      s.append(", ").append(role).append('=').append(capabilities(role));
    }
    return s.append(']').toString();
  }

  /**
   * Builds a {@link PermissionMatrix}. {@link #build()} validates the result and throws
   * {@link IllegalArgumentException} listing every inconsistency. Not thread-safe.
   */
  public static final class Builder {
    private final long[] levelBits = new long[LEVELS.length];
    private final long[] roleBits = new long[ROLES.length];
    private OwnershipRule ownership = OwnershipRule.SINGLE;
    private Visibility newProjectVisibility = Visibility.OPEN;

    private Builder() {}

    /**
     * Gives {@code level} the organization capabilities.
     *
     * @throws IllegalArgumentException if one is project-scoped
     */
    public Builder grant(OrgLevel level, Capability... capabilities) {
      checkNotNull(level, "level");
      for (Capability c : capabilities) {
        requireScope(c, Scope.ORGANIZATION);
        levelBits[level.ordinal()] |= bit(c);
      }
      return this;
    }

    /**
     * Takes the organization capabilities from {@code level}.
     *
     * @throws IllegalArgumentException if one is project-scoped
     */
    public Builder revoke(OrgLevel level, Capability... capabilities) {
      checkNotNull(level, "level");
      for (Capability c : capabilities) {
        requireScope(c, Scope.ORGANIZATION);
        levelBits[level.ordinal()] &= ~bit(c);
      }
      return this;
    }

    /**
     * Gives {@code role} the project capabilities.
     *
     * @throws IllegalArgumentException if one is organization-scoped
     */
    public Builder grant(ProjectRole role, Capability... capabilities) {
      checkNotNull(role, "role");
      for (Capability c : capabilities) {
        requireScope(c, Scope.PROJECT);
        roleBits[role.ordinal()] |= bit(c);
      }
      return this;
    }

    /**
     * Takes the project capabilities from {@code role}.
     *
     * @throws IllegalArgumentException if one is organization-scoped
     */
    public Builder revoke(ProjectRole role, Capability... capabilities) {
      checkNotNull(role, "role");
      for (Capability c : capabilities) {
        requireScope(c, Scope.PROJECT);
        roleBits[role.ordinal()] &= ~bit(c);
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

    /**
     * Validates and freezes the matrix. The rules: every level holds {@code VIEW_ORGANIZATION}; every
     * role holds {@code VIEW_DATA}; a higher level holds every capability of a lower one (except
     * {@code LEAVE_ORGANIZATION}); a higher role holds every capability of a lower one; the Owner holds
     * every organization capability except {@code LEAVE_ORGANIZATION}, which it never holds (an Owner
     * must transfer ownership or be demoted first); the project Admin holds every project capability.
     *
     * @throws IllegalArgumentException listing every rule the matrix breaks
     */
    public PermissionMatrix build() {
      List<String> problems = new ArrayList<>();
      long leave = bit(Capability.LEAVE_ORGANIZATION);
      for (OrgLevel level : LEVELS) {
        if ((levelBits[level.ordinal()] & bit(Capability.VIEW_ORGANIZATION)) == 0) {
          problems.add(level + " must hold VIEW_ORGANIZATION");
        }
      }
      for (int i = 1; i < LEVELS.length; i++) {
        long missing = levelBits[i - 1] & ~levelBits[i] & ~leave;
        if (missing != 0) {
          problems.add(LEVELS[i] + " must hold every capability " + LEVELS[i - 1] + " holds, but lacks " + toSet(missing));
        }
      }
      long owner = levelBits[OrgLevel.OWNER.ordinal()];
      if ((owner & leave) != 0) {
        problems.add("OWNER must not hold LEAVE_ORGANIZATION (an Owner transfers ownership or is demoted first)");
      }
      for (Capability c : Capability.values()) {
        if (c.scope() == Scope.ORGANIZATION && c != Capability.LEAVE_ORGANIZATION && (owner & bit(c)) == 0) {
          problems.add("OWNER must hold every organization capability, but lacks " + c);
        }
      }
      for (ProjectRole role : ROLES) {
        if ((roleBits[role.ordinal()] & bit(Capability.VIEW_DATA)) == 0) {
          problems.add(role + " must hold VIEW_DATA");
        }
      }
      for (int i = 1; i < ROLES.length; i++) {
        long missing = roleBits[i - 1] & ~roleBits[i];
        if (missing != 0) {
          problems.add(ROLES[i] + " must hold every capability " + ROLES[i - 1] + " holds, but lacks " + toSet(missing));
        }
      }
      long admin = roleBits[ProjectRole.ADMIN.ordinal()];
      for (Capability c : projectCapabilities()) {
        if ((admin & bit(c)) == 0) {
          problems.add("project ADMIN must hold every project capability, but lacks " + c);
        }
      }
      checkArgument(problems.isEmpty(), "permission matrix is inconsistent: %s", String.join("; ", problems));
      return new PermissionMatrix(this);
    }
  }
}
