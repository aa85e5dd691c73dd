package dev.warden.properties;

import com.google.common.collect.ImmutableSet;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.AccessPolicy;
import dev.warden.Decision;
import dev.warden.Decision.Outcome;
import dev.warden.ErrorCode;
import dev.warden.Page;
import dev.warden.PageRequest;
import dev.warden.Principal;
import dev.warden.ProjectAccess;
import dev.warden.Reason;
import dev.warden.WardenException;
import dev.warden.invite.Invite;
import dev.warden.invite.InviteGrant;
import dev.warden.invite.InviteId;
import dev.warden.invite.InviteRequest;
import dev.warden.invite.IssuedInvite;
import dev.warden.matrix.Capability;
import dev.warden.matrix.Capability.Scope;
import dev.warden.matrix.PermissionMatrix;
import dev.warden.organization.EmailAddress;
import dev.warden.organization.Membership;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.Organization;
import dev.warden.organization.OwnershipRule;
import dev.warden.organization.UserId;
import dev.warden.project.Project;
import dev.warden.project.ProjectGrant;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import dev.warden.project.Visibility;
import dev.warden.project.VisibleProject;
import dev.warden.report.AccessHolder;
import dev.warden.report.SweepReport;
import dev.warden.role.ResolutionChange;
import dev.warden.role.ResolutionRule;
import dev.warden.role.Role;
import dev.warden.role.RoleGrant;
import dev.warden.role.RoleId;
import dev.warden.role.RoleMember;
import dev.warden.spi.Store;
import dev.warden.testing.FakeClock;
import dev.warden.testing.Observed;
import dev.warden.testing.WardenArbitraries;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.ActionChainArbitrary;
import net.jqwik.api.state.Transformer;

/**
 * A model-based harness for jqwik stateful tests of membership, invites, projects, grants and roles
 * (issue 16): a real
 * {@link AccessPolicy} (over any {@link Store}) driven side by side with a small reference model that
 * is written from the spec (§2–§5, §15), not from the engine.
 *
 * <p>Every action acts as a random principal from the pool of {@link WardenArbitraries}, so many
 * actions are refused. For every action the reference predicts the outcome (success, or the error
 * codes §15 allows, in §15's order); the engine must agree. A refused action must throw a
 * {@link WardenException} and leave everything observable unchanged (members, visible projects, pending
 * invites, grants, checks, token resolution, as seen by every pool user).
 *
 * <p>{@link #checkInvariants()} runs after every step:
 * <ul>
 *   <li>every organization has at least one Owner, exactly one under {@link OwnershipRule#SINGLE} (§3);
 *   <li>an invite is accepted at most once (§4);
 *   <li>members, grants and pending invites equal the reference;
 *   <li>every {@code check} (organization and project capabilities, every pool user) equals the
 *       reference decision of §2.3 with the capability tables of §2.1/§2.2, so expired memberships and
 *       grants never grant and hidden projects answer {@code NOT_FOUND}, indistinguishable from a
 *       missing project;
 *   <li>{@code visibleProjects}, {@code whoCan}, {@code explain} and {@code check} agree with each other;
 *   <li>roles (issue 16): the resolution rule, the roles, their members (expired ones included) and
 *       grants equal the reference; a removed member belongs to no role. The reference decision combines
 *       a member's own grant with their roles' grants by the organization's rule, and role capabilities
 *       with the level's; {@code previewResolutionChange} equals the changes the reference predicts
 *       before every switch;
 *   <li>a {@link ProjectAccess} held from its first check to the end of the chain answers exactly as
 *       {@code check} does after every step;
 *   <li>current project tokens resolve, rotated and deleted ones do not (§5).
 * </ul>
 *
 * <p>Any store can be exercised: {@link #chains(PermissionMatrix, Supplier)} takes a supplier that makes
 * a fresh, empty store per try (the JDBC module passes one that creates a fresh database).
 *
 * <p>Not thread-safe: one instance per try.
 */
public final class MembershipModel {

  /** Organizations a chain creates at most (the first exists from the start). */
  public static final int MAX_ORGS = 2;
  /** Projects per organization at most, "Default Project" and deleted ones included. */
  public static final int MAX_PROJECTS_PER_ORG = 4;
  /** Roles per organization a chain creates at most, deleted ones included. */
  public static final int MAX_ROLES_PER_ORG = 3;

  private static final Duration INVITE_VALIDITY = Duration.ofDays(3);
  private static final String BOGUS_TOKEN = "inv_" + "A".repeat(43);
  private static final ProjectId MISSING_PROJECT = ProjectId.of("prj_does_not_exist");
  private static final OrgId MISSING_ORG = OrgId.of("org_does_not_exist");
  private static final RoleId MISSING_ROLE = RoleId.of("rol_does_not_exist");
  /** Role names a chain uses: few, so that creating a role sometimes collides with an existing name. */
  private static final List<String> ROLE_NAMES = List.of("Support", "Analysts", "Release");
  /** The capabilities of ownership, which no role carries (issue 16). */
  private static final Set<Capability> OWNERSHIP = ImmutableSet.of(Capability.TRANSFER_OWNERSHIP, Capability.DELETE_ORGANIZATION);
  private static final List<Capability> ORG_CAPABILITIES = WardenArbitraries.capabilitiesOf(Scope.ORGANIZATION);
  private static final List<Capability> PROJECT_CAPABILITIES = WardenArbitraries.capabilitiesOf(Scope.PROJECT);
  private static final List<UserId> USERS = WardenArbitraries.userPool();

  private final Preset preset;
  private final FakeClock clock;
  private final AccessPolicy policy;

  private final List<RefOrg> orgs = new ArrayList<>();
  private final List<RefProject> projects = new ArrayList<>();
  private final List<RefInvite> invites = new ArrayList<>();
  private final List<String> log = new ArrayList<>();
  private final List<String> outcomes = new ArrayList<>();
  /** One {@link ProjectAccess} per user and project, made at its first check and kept for the whole chain. */
  private final Map<String, ProjectAccess> accesses = new HashMap<>();
  private boolean previewChangesSeen;

  private MembershipModel(PermissionMatrix matrix, Store store) {
    this.preset = Preset.of(matrix);
    this.clock = FakeClock.create();
    this.policy = AccessPolicy.builder().store(store).matrix(matrix).clock(clock).build();
  }

  // ================================================================================= construction

  /**
   * A fresh model over a fresh store: user {@code u0} has created the first organization.
   *
   * @param matrix {@link PermissionMatrix#posthog()} or {@link PermissionMatrix#leastPrivilege()} (the
   *     reference knows the spec's tables for these two)
   * @param stores makes a new, empty store
   */
  public static MembershipModel start(PermissionMatrix matrix, Supplier<? extends Store> stores) {
    checkNotNull(matrix, "matrix");
    checkNotNull(stores, "stores");
    MembershipModel model = new MembershipModel(matrix, checkNotNull(stores.get(), "store"));
    model.createOrg(new Who(0));
    return model;
  }

  /**
   * Random chains of membership operations starting from {@link #start}. Limit their length with
   * {@link ActionChainArbitrary#withMaxTransformations(int)}; run them with
   * {@code chain.withInvariant(MembershipModel::checkInvariants).run()}.
   */
  public static ActionChainArbitrary<MembershipModel> chains(PermissionMatrix matrix, Supplier<? extends Store> stores) {
    return chains(matrix, stores, m -> {});
  }

  /**
   * Like {@link #chains(PermissionMatrix, Supplier)}, handing every model a chain starts to
   * {@code started}, so that the caller can {@linkplain #close close} it after the try.
   */
  public static ActionChainArbitrary<MembershipModel> chains(PermissionMatrix matrix, Supplier<? extends Store> stores,
      Consumer<? super MembershipModel> started) {
    checkNotNull(matrix, "matrix");
    checkNotNull(stores, "stores");
    checkNotNull(started, "started");
    Preset.of(matrix); // fail fast on a matrix the reference does not know
    ActionChainArbitrary<MembershipModel> chains = ActionChain.startWith(() -> {
      MembershipModel m = start(matrix, stores);
      started.accept(m);
      return m;
    });
    chains = chains.withAction(1, action(who().map(w -> step("createOrg(" + w + ")", m -> m.createOrg(w)))));
    chains = chains.withAction(2, action(Combinators.combine(who(), orgIndex())
        .as((w, o) -> step("createProject(" + w + ", org#" + o + ")", m -> m.createProject(w, o)))));
    chains = chains.withAction(4, action(Combinators.combine(who(), orgIndex(), WardenArbitraries.userIndexes(),
            spelling(), inviteLevels(), inviteGrants())
        .as((w, o, r, s, l, g) -> step("invite(" + w + ", org#" + o + ", to u" + r + " spelling#" + s + ", " + l + ", " + g + ")",
            m -> m.invite(w, o, r, s, l, g)))));
    chains = chains.withAction(4, action(Combinators.combine(who(), orgIndex(), WardenArbitraries.userIndexes(),
            inviteLevels(), inviteGrants())
        .as((w, o, r, l, g) -> step("join(" + w + " invites u" + r + " to org#" + o + ", " + l + ", " + g
            + "; u" + r + " accepts)", m -> m.join(w, o, r, l, g)))));
    chains = chains.withAction(5, action(Combinators.combine(recentIndex(), Arbitraries.integers().between(0, 9).map(i -> i < 7),
            acceptMode(), WardenArbitraries.userIndexes(), spelling())
        .as((i, unused, mode, u, s) -> step("accept(" + (unused ? "unused " : "") + "invite#-" + i + ", " + mode
            + (mode == AcceptMode.OTHER_USER ? " u" + u : "") + (mode == AcceptMode.RECIPIENT ? " spelling#" + s : "") + ")",
            m -> m.accept(i, unused, mode, u, s)))));
    chains = chains.withAction(4, action(Combinators.combine(who(), orgIndex(), who(), WardenArbitraries.orgLevels())
        .as((w, o, t, l) -> step("changeLevel(" + w + ", org#" + o + ", " + t + " -> " + l + ")", m -> m.changeLevel(w, o, t, l)))));
    chains = chains.withAction(2, action(Combinators.combine(who(), orgIndex(), who())
        .as((w, o, t) -> step("transferOwnership(" + w + ", org#" + o + ", to " + t + ")", m -> m.transfer(w, o, t)))));
    chains = chains.withAction(1, action(Combinators.combine(who(), orgIndex())
        .as((w, o) -> step("leave(" + w + ", org#" + o + ")", m -> m.leave(w, o)))));
    chains = chains.withAction(2, action(Combinators.combine(who(), orgIndex(), who())
        .as((w, o, t) -> step("remove(" + w + ", org#" + o + ", " + t + ")", m -> m.remove(w, o, t)))));
    chains = chains.withAction(5, action(Combinators.combine(who(), orgIndex(), projectIndex(), who(),
            WardenArbitraries.projectRoles(), WardenArbitraries.expiryOffsets().optional(0.6))
        .as((w, o, p, t, r, e) -> step("grant(" + w + ", org#" + o + "/prj#" + p + ", " + t + ", " + r
            + e.map(d -> ", expires now+" + d).orElse("") + ")", m -> m.grant(w, o, p, t, r, e)))));
    chains = chains.withAction(2, action(Combinators.combine(who(), orgIndex(), projectIndex(), who())
        .as((w, o, p, t) -> step("revoke(" + w + ", org#" + o + "/prj#" + p + ", " + t + ")", m -> m.revoke(w, o, p, t)))));
    chains = chains.withAction(2, action(Combinators.combine(who(), orgIndex(), projectIndex(), WardenArbitraries.visibilities())
        .as((w, o, p, v) -> step("setVisibility(" + w + ", org#" + o + "/prj#" + p + ", " + v + ")", m -> m.setVisibility(w, o, p, v)))));
    chains = chains.withAction(2, action(Combinators.combine(who(), orgIndex(), who(), WardenArbitraries.expiryOffsets())
        .as((w, o, t, d) -> step("setExpiry(" + w + ", org#" + o + ", " + t + ", now+" + d + ")", m -> m.setExpiry(w, o, t, d)))));
    chains = chains.withAction(1, action(Combinators.combine(who(), orgIndex(), who())
        .as((w, o, t) -> step("clearExpiry(" + w + ", org#" + o + ", " + t + ")", m -> m.clearExpiry(w, o, t)))));
    chains = chains.withAction(2, action(WardenArbitraries.clockAdvances()
        .map(d -> step("advanceClock(" + d + ")", m -> m.advance(d)))));
    chains = chains.withAction(2, action(Combinators.combine(Arbitraries.integers().between(0, 3),
            Arbitraries.frequency(Tuple.of(4, 0), Tuple.of(1, -1), Tuple.of(1, 1)))
        .as((k, h) -> step("advanceClockToExpiry(#" + k + (h == 0 ? "" : (h > 0 ? " +" : " ") + h + "h") + ")",
            m -> m.advanceToExpiry(k, h)))));
    chains = chains.withAction(1, Action.just(step("sweepExpired()", MembershipModel::sweep)));
    chains = chains.withAction(1, action(Combinators.combine(who(), orgIndex(), projectIndex())
        .as((w, o, p) -> step("rotateToken(" + w + ", org#" + o + "/prj#" + p + ")", m -> m.rotateToken(w, o, p)))));
    chains = chains.withAction(1, action(Combinators.combine(who(), orgIndex(), projectIndex())
        .as((w, o, p) -> step("deleteProject(" + w + ", org#" + o + "/prj#" + p + ")", m -> m.deleteProject(w, o, p)))));
    chains = chains.withAction(1, action(Combinators.combine(who(), orgIndex(), recentIndex())
        .as((w, o, i) -> step("revokeInvite(" + w + ", org#" + o + ", invite#-" + i + ")", m -> m.revokeInvite(w, o, i)))));
    return withRoleActions(chains);
  }

  /** The role actions of issue 16: about a third of all steps. */
  private static ActionChainArbitrary<MembershipModel> withRoleActions(ActionChainArbitrary<MembershipModel> chains) {
    chains = chains.withAction(3, action(Combinators.combine(who(), orgIndex(), Arbitraries.integers().between(0, ROLE_NAMES.size() - 1))
        .as((w, o, n) -> step("createRole(" + w + ", org#" + o + ", name#" + n + ")", m -> m.createRole(w, o, n)))));
    chains = chains.withAction(4, action(Combinators.combine(who(), orgIndex(), roleIndex(), who(),
            WardenArbitraries.expiryOffsets().optional(0.35))
        .as((w, o, r, t, e) -> step("addRoleMember(" + w + ", org#" + o + "/role#" + r + ", " + t
            + e.map(d -> ", expires now+" + d).orElse("") + ")", m -> m.addRoleMember(w, o, r, t, e)))));
    chains = chains.withAction(2, action(Combinators.combine(who(), orgIndex(), roleIndex(), who())
        .as((w, o, r, t) -> step("removeRoleMember(" + w + ", org#" + o + "/role#" + r + ", " + t + ")",
            m -> m.removeRoleMember(w, o, r, t)))));
    chains = chains.withAction(3, action(Combinators.combine(who(), orgIndex(), roleIndex(),
            roleCapabilities(), Arbitraries.integers().between(0, 3).map(i -> i > 0))
        .as((w, o, r, c, add) -> step((add ? "grantRoleCapability(" : "revokeRoleCapability(") + w + ", org#" + o
            + "/role#" + r + ", " + c + ")", m -> m.changeRoleCapability(w, o, r, c, add)))));
    chains = chains.withAction(4, action(Combinators.combine(who(), orgIndex(), roleIndex(), projectIndex(),
            WardenArbitraries.projectRoles())
        .as((w, o, r, p, pr) -> step("grantRoleAccess(" + w + ", org#" + o + "/role#" + r + ", prj#" + p + ", " + pr + ")",
            m -> m.grantRoleAccess(w, o, r, p, pr)))));
    chains = chains.withAction(3, action(Combinators.combine(who(), orgIndex(), roleIndex(), projectIndex(),
            Arbitraries.frequency(Tuple.of(2, ProjectRole.ADMIN), Tuple.of(1, ProjectRole.MEMBER), Tuple.of(1, ProjectRole.VIEWER)),
            who(), Arbitraries.frequency(Tuple.of(2, ProjectRole.VIEWER), Tuple.of(1, ProjectRole.MEMBER)).optional(0.5))
        .as((w, o, r, p, pr, t, own) -> step("staffRole(" + w + " gives org#" + o + "/role#" + r + " " + pr + " on prj#" + p
            + own.map(x -> ", grants " + t + " " + x + " there").orElse("") + " and adds " + t + ")",
            m -> m.staffRole(w, o, r, p, pr, t, own)))));
    chains = chains.withAction(1, action(Combinators.combine(who(), orgIndex(), roleIndex(), projectIndex())
        .as((w, o, r, p) -> step("revokeRoleAccess(" + w + ", org#" + o + "/role#" + r + ", prj#" + p + ")",
            m -> m.revokeRoleAccess(w, o, r, p)))));
    chains = chains.withAction(1, action(Combinators.combine(who(), orgIndex(), roleIndex())
        .as((w, o, r) -> step("deleteRole(" + w + ", org#" + o + "/role#" + r + ")", m -> m.deleteRole(w, o, r)))));
    chains = chains.withAction(2, action(Combinators.combine(who(), orgIndex(), Arbitraries.of(ResolutionRule.class))
        .as((w, o, rule) -> step("switchResolution(" + w + ", org#" + o + ", " + rule + ")",
            m -> m.switchResolution(w, o, rule)))));
    return chains;
  }

  private static Action.Independent<MembershipModel> action(Arbitrary<Transformer<MembershipModel>> transformers) {
    return () -> transformers;
  }

  private static Transformer<MembershipModel> step(String description, Consumer<MembershipModel> change) {
    return Transformer.mutate(description, change);
  }

  // -------------------------------------------------------------------------------- parameters
  // Parameters are indexes resolved when the step runs (organization #k is the k-th one modulo how many
  // exist), so every step stays meaningful when jqwik shrinks earlier steps away. The log records
  // what each step resolved to.

  /**
   * A user, as actor or target: {@code 0..4} is that pool user; {@code 5..9} is "some active member" of
   * the organization at hand (for a target: other than the actor), so that a good share of the actions
   * come from, and go to, people for whom they might be allowed.
   */
  record Who(int raw) {
    @Override
    public String toString() {
      return raw < WardenArbitraries.USER_POOL_SIZE ? "u" + raw : "member#" + (raw - WardenArbitraries.USER_POOL_SIZE);
    }
  }

  /** How an accept is attempted. */
  enum AcceptMode {
    /** The recipient, with their verified email (spelled in some way). */
    RECIPIENT,
    /** Another pool user with their own verified email: a forwarded link. */
    OTHER_USER,
    /** A token that was never issued. */
    BOGUS_TOKEN
  }

  /** A project grant to put in an invite; {@code foreign} picks a project of another organization. */
  record GrantSpec(int project, ProjectRole role, boolean foreign) {
    @Override
    public String toString() {
      return (foreign ? "foreign " : "") + "prj#" + project + ":" + role;
    }
  }

  private static Arbitrary<Who> who() {
    int pool = WardenArbitraries.USER_POOL_SIZE;
    return Arbitraries.frequencyOf(
        Tuple.of(1, Arbitraries.integers().between(0, pool - 1)),
        Tuple.of(2, Arbitraries.integers().between(pool, 2 * pool - 1))).map(Who::new);
  }

  /** Invite levels, mostly Member (the default, §4), sometimes Admin or Owner. */
  private static Arbitrary<OrgLevel> inviteLevels() {
    return Arbitraries.frequency(Tuple.of(4, OrgLevel.MEMBER), Tuple.of(2, OrgLevel.ADMIN), Tuple.of(1, OrgLevel.OWNER));
  }

  private static Arbitrary<Integer> orgIndex() {
    return Arbitraries.integers().between(0, MAX_ORGS - 1);
  }

  /** An organization capability to give a role or take from it: sometimes one of ownership, never delegable. */
  private static Arbitrary<Capability> roleCapabilities() {
    return Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.of(OWNERSHIP)), Tuple.of(4, Arbitraries.of(ORG_CAPABILITIES)));
  }

  /** A role of the organization at hand, by creation (deleted ones included); none yet: a missing role. */
  private static Arbitrary<Integer> roleIndex() {
    return Arbitraries.integers().between(0, MAX_ROLES_PER_ORG - 1);
  }

  private static Arbitrary<Integer> projectIndex() {
    return Arbitraries.integers().between(0, MAX_PROJECTS_PER_ORG - 1);
  }

  /** How far back from the newest invite; shrinks towards the newest one. */
  private static Arbitrary<Integer> recentIndex() {
    return Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.just(0)), Tuple.of(2, Arbitraries.just(1)),
        Tuple.of(2, Arbitraries.integers().between(2, 6)));
  }

  private static Arbitrary<Integer> spelling() {
    return Arbitraries.integers().between(0, 3);
  }

  private static Arbitrary<AcceptMode> acceptMode() {
    return Arbitraries.frequency(Tuple.of(14, AcceptMode.RECIPIENT), Tuple.of(4, AcceptMode.OTHER_USER),
        Tuple.of(1, AcceptMode.BOGUS_TOKEN));
  }

  private static Arbitrary<List<GrantSpec>> inviteGrants() {
    Arbitrary<GrantSpec> grant = Combinators.combine(projectIndex(), WardenArbitraries.projectRoles(),
        Arbitraries.integers().between(0, 9).map(i -> i == 0)).as(GrantSpec::new);
    return grant.list().ofMaxSize(2);
  }

  private static String spell(String canonical, int spelling) {
    return switch (spelling) {
      case 0 -> canonical;
      case 1 -> canonical.toUpperCase(java.util.Locale.ROOT);
      case 2 -> "  " + canonical + " ";
      default -> " " + Character.toUpperCase(canonical.charAt(0)) + canonical.substring(1) + "\t";
    };
  }

  // ============================================================================ reference model

  /** The spec's capability tables (§2.1, §2.2) and preset differences, written out independently of the engine. */
  public enum Preset {
    POSTHOG(OwnershipRule.SINGLE, Visibility.OPEN,
        ImmutableSet.of(Capability.VIEW_ORGANIZATION, Capability.INVITE_MEMBERS, Capability.MANAGE_BILLING,
            Capability.LEAVE_ORGANIZATION),
        ImmutableSet.of(Capability.VIEW_ORGANIZATION, Capability.INVITE_MEMBERS, Capability.REVOKE_INVITES,
            Capability.MANAGE_BILLING, Capability.CREATE_PROJECT, Capability.DELETE_PROJECT,
            Capability.MANAGE_ORG_SETTINGS, Capability.MANAGE_MEMBERS, Capability.REMOVE_MEMBERS,
            Capability.VIEW_AUDIT_LOG, Capability.LEAVE_ORGANIZATION, Capability.MANAGE_ROLES)),
    LEAST_PRIVILEGE(OwnershipRule.MULTIPLE, Visibility.PRIVATE,
        ImmutableSet.of(Capability.VIEW_ORGANIZATION, Capability.LEAVE_ORGANIZATION),
        ImmutableSet.of(Capability.VIEW_ORGANIZATION, Capability.INVITE_MEMBERS, Capability.REVOKE_INVITES,
            Capability.CREATE_PROJECT, Capability.MANAGE_ORG_SETTINGS, Capability.MANAGE_MEMBERS,
            Capability.VIEW_AUDIT_LOG, Capability.LEAVE_ORGANIZATION, Capability.MANAGE_ROLES));

    private static final Set<Capability> OWNER = PermissionMatrix.posthog().capabilities().stream()
        .filter(c -> c.scope() == Capability.Scope.ORGANIZATION && c != Capability.LEAVE_ORGANIZATION)
        .collect(ImmutableSet.toImmutableSet());
    private static final Set<Capability> VIEWER = ImmutableSet.of(Capability.VIEW_DATA);
    private static final Set<Capability> PROJECT_MEMBER =
        ImmutableSet.of(Capability.VIEW_DATA, Capability.CREATE_CONTENT, Capability.USE_FEATURE_FLAGS);

    private final OwnershipRule ownership;
    private final Visibility newProjects;
    private final Set<Capability> member;
    private final Set<Capability> admin;

    Preset(OwnershipRule ownership, Visibility newProjects, Set<Capability> member, Set<Capability> admin) {
      this.ownership = ownership;
      this.newProjects = newProjects;
      this.member = member;
      this.admin = admin;
    }

    /**
     * The preset {@code matrix} equals.
     *
     * @throws IllegalArgumentException for any other matrix
     */
    public static Preset of(PermissionMatrix matrix) {
      if (matrix.equals(PermissionMatrix.posthog())) {
        return POSTHOG;
      }
      if (matrix.equals(PermissionMatrix.leastPrivilege())) {
        return LEAST_PRIVILEGE;
      }
      throw new IllegalArgumentException("the reference model knows only the two presets, but was " + matrix);
    }

    public OwnershipRule ownership() {
      return ownership;
    }

    public Visibility newProjectVisibility() {
      return newProjects;
    }

    /** Whether {@code level} holds the organization capability (§2.1). */
    public boolean allows(OrgLevel level, Capability capability) {
      return switch (level) {
        case MEMBER -> member.contains(capability);
        case ADMIN -> admin.contains(capability);
        case OWNER -> OWNER.contains(capability);
      };
    }

    /** Whether {@code role} holds the project capability (§2.2; the same in both presets). */
    public static boolean allows(ProjectRole role, Capability capability) {
      return switch (role) {
        case VIEWER -> VIEWER.contains(capability);
        case MEMBER -> PROJECT_MEMBER.contains(capability);
        case ADMIN -> capability.scope() == Scope.PROJECT;
      };
    }
  }

  private static final class RefOrg {
    final OrgId id;
    final String label;
    /** Every stored membership, expired ones included, by user id (user-id order). */
    final TreeMap<String, RefMember> members = new TreeMap<>();
    final List<RefProject> projects = new ArrayList<>();
    /** Every role ever created, deleted ones included, in creation order. */
    final List<RefRole> roles = new ArrayList<>();
    ResolutionRule resolution = ResolutionRule.HIGHEST_WINS;

    RefOrg(OrgId id, String label) {
      this.id = id;
      this.label = label;
    }
  }

  private static final class RefMember {
    final UserId user;
    OrgLevel level;
    Optional<Instant> expiresAt = Optional.empty();

    RefMember(UserId user, OrgLevel level) {
      this.user = user;
      this.level = level;
    }

    boolean activeAt(Instant now) {
      return expiresAt.isEmpty() || now.isBefore(expiresAt.get());
    }

    @Override
    public String toString() {
      return user + ":" + level + expiresAt.map(e -> " until " + e).orElse("");
    }
  }

  private record RefGrant(UserId user, ProjectRole role, Optional<Instant> expiresAt) {
    boolean activeAt(Instant now) {
      return expiresAt.isEmpty() || now.isBefore(expiresAt.get());
    }

    @Override
    public String toString() {
      return user + ":" + role + expiresAt.map(e -> " until " + e).orElse("");
    }
  }

  private static final class RefProject {
    final ProjectId id;
    final RefOrg org;
    final String label;
    Visibility visibility;
    final ProjectRole defaultRole = ProjectRole.MEMBER;
    boolean deleted;
    String token;
    final List<String> oldTokens = new ArrayList<>();
    /** Every stored grant, expired ones included, by user id. */
    final TreeMap<String, RefGrant> grants = new TreeMap<>();

    RefProject(Project p, RefOrg org, String label) {
      this.id = p.id();
      this.org = org;
      this.label = label;
      this.visibility = p.visibility();
      this.token = p.token();
    }
  }

  /** A role (issue 16): the capabilities it carries, its members (expired ones included) and its project grants. */
  private static final class RefRole {
    final RoleId id;
    final RefOrg org;
    final String name;
    final String label;
    final Set<Capability> capabilities = new java.util.LinkedHashSet<>();
    /** By user id (user-id order). */
    final TreeMap<String, RefRoleMember> members = new TreeMap<>();
    /** By project (identity). */
    final Map<RefProject, ProjectRole> grants = new HashMap<>();
    boolean deleted;

    RefRole(RoleId id, RefOrg org, String name, String label) {
      this.id = id;
      this.org = org;
      this.name = name;
      this.label = label;
    }

    /** Whether {@code user} belongs to this live role at {@code now} (a role's expiry is exclusive too). */
    boolean activeMember(UserId user, Instant now) {
      RefRoleMember m = members.get(user.value());
      return !deleted && m != null && m.activeAt(now);
    }

    @Override
    public String toString() {
      return label + " '" + name + "'" + (deleted ? " DELETED" : " caps " + capabilities + " members " + members.values()
          + " grants " + grantsText());
    }

    List<String> grantsText() {
      List<String> text = new ArrayList<>();
      for (RefProject p : org.projects) {
        if (grants.containsKey(p)) {
          text.add(p.label + ":" + grants.get(p));
        }
      }
      return text;
    }
  }

  private record RefRoleMember(UserId user, Optional<Instant> expiresAt) {
    boolean activeAt(Instant now) {
      return expiresAt.isEmpty() || now.isBefore(expiresAt.get());
    }

    @Override
    public String toString() {
      return user + expiresAt.map(e -> " until " + e).orElse("");
    }
  }

  private enum InviteStatus { UNUSED, USED, REPLACED, REVOKED }

  private static final class RefInvite {
    final InviteId id;
    final String token;
    final RefOrg org;
    final UserId recipient;
    final OrgLevel level;
    final LinkedHashMap<RefProject, ProjectRole> grants;
    final Instant expiresAt;
    final String label;
    InviteStatus status = InviteStatus.UNUSED;
    int accepts;

    RefInvite(IssuedInvite issued, RefOrg org, UserId recipient, LinkedHashMap<RefProject, ProjectRole> grants, String label) {
      this.id = issued.id();
      this.token = issued.token();
      this.org = org;
      this.recipient = recipient;
      this.level = issued.invite().level();
      this.grants = grants;
      this.expiresAt = issued.invite().expiresAt();
      this.label = label;
    }

    boolean pendingAt(Instant now) {
      return status == InviteStatus.UNUSED && now.isBefore(expiresAt);
    }
  }

  /** Where a user's access to a project comes from (§2.3), with the effective role. */
  private record Access(ProjectRole role, Reason source) {}

  private Instant now() {
    return clock.instant();
  }

  private RefMember activeMember(RefOrg org, UserId user) {
    RefMember m = org.members.get(user.value());
    return m != null && m.activeAt(now()) ? m : null;
  }

  /** §2.3 under the organization's current resolution rule. */
  private Access access(RefProject p, UserId user) {
    return access(p, user, p.org.resolution);
  }

  /**
   * §2.3 with the roles of issue 16, step by step, as if the organization resolved by {@code rule};
   * null means "no access": the project is hidden (or deleted).
   */
  private Access access(RefProject p, UserId user, ResolutionRule rule) {
    if (p.deleted) {
      return null;
    }
    RefMember m = activeMember(p.org, user); // 1. no active membership: no access
    if (m == null) {
      return null;
    }
    if (m.level.atLeast(OrgLevel.ADMIN)) { // 2. org Admin or Owner: implicit project Admin
      return new Access(ProjectRole.ADMIN, Reason.ORG_ADMIN);
    }
    RefGrant g = p.grants.get(user.value()); // 3. an active own grant and the best active role grant,
    ProjectRole own = g != null && g.activeAt(now()) ? g.role() : null; // combined by the rule, even when lower
    ProjectRole best = bestRoleGrant(p, user); // than the default role
    if (own != null && (best == null || own.atLeast(best) || rule == ResolutionRule.MOST_SPECIFIC)) {
      return new Access(own, Reason.EXPLICIT_GRANT);
    }
    if (best != null) {
      return new Access(best, Reason.ROLE_GRANT);
    }
    if (p.visibility == Visibility.OPEN) { // 4. open: the default role
      return new Access(p.defaultRole, Reason.DEFAULT_ROLE);
    }
    return null; // 5. private: no access
  }

  /** The highest project role the user's active role memberships give on the project, or null. */
  private ProjectRole bestRoleGrant(RefProject p, UserId user) {
    ProjectRole best = null;
    for (RefRole r : p.org.roles) {
      ProjectRole given = r.grants.get(p);
      if (given != null && r.activeMember(user, now()) && (best == null || given.atLeast(best))) {
        best = given;
      }
    }
    return best;
  }

  /** The live roles whose grant gives the user {@code role} on the project: any of them may be named as the source. */
  private Set<RoleId> rolesGiving(RefProject p, UserId user, ProjectRole role) {
    Set<RoleId> ids = new java.util.HashSet<>();
    if (role == null) {
      return ids;
    }
    for (RefRole r : p.org.roles) {
      if (r.grants.get(p) == role && r.activeMember(user, now())) {
        ids.add(r.id);
      }
    }
    return ids;
  }

  /**
   * Whether an active member holds the organization capability: the level's cell (§2.1), or an active
   * membership of a role carrying it (issue 16).
   */
  private boolean orgAllows(RefOrg org, UserId user, Capability capability) {
    RefMember m = activeMember(org, user);
    if (m == null) {
      return false;
    }
    if (preset.allows(m.level, capability)) {
      return true;
    }
    for (RefRole r : org.roles) {
      if (r.capabilities.contains(capability) && r.activeMember(user, now())) {
        return true;
      }
    }
    return false;
  }

  private Decision expectedCheck(RefProject p, UserId user, Capability capability) {
    Access a = access(p, user);
    if (a == null) {
      return Decision.notFound();
    }
    return Preset.allows(a.role(), capability) ? Decision.allow(a.source()) : Decision.deny(Reason.ROLE_TOO_LOW);
  }

  private Outcome expectedOrgCheck(RefOrg org, UserId user, Capability capability) {
    if (activeMember(org, user) == null) {
      return Outcome.NOT_FOUND;
    }
    return orgAllows(org, user, capability) ? Outcome.ALLOW : Outcome.DENY;
  }

  /** The refusal of an organization-capability mutation (§15 "Denials of mutations"), or null if allowed. */
  private ErrorCode orgRefusal(RefOrg org, UserId actor, Capability capability) {
    return switch (expectedOrgCheck(org, actor, capability)) {
      case NOT_FOUND -> ErrorCode.NOT_FOUND;
      case DENY -> ErrorCode.PERMISSION_DENIED;
      case ALLOW -> null;
    };
  }

  /** The refusal of a project-capability mutation, or null if allowed. */
  private ErrorCode projectRefusal(RefProject p, UserId actor, Capability capability) {
    Access a = access(p, actor);
    if (a == null) {
      return ErrorCode.NOT_FOUND;
    }
    return Preset.allows(a.role(), capability) ? null : ErrorCode.PERMISSION_DENIED;
  }

  private long owners(RefOrg org) {
    return org.members.values().stream().filter(m -> m.level == OrgLevel.OWNER).count();
  }

  /** Removing a membership takes the member's grants and role memberships with it (§3, issue 16). */
  private void deleteMember(RefOrg org, UserId user) {
    org.members.remove(user.value());
    for (RefProject p : org.projects) {
      p.grants.remove(user.value());
    }
    for (RefRole r : org.roles) {
      r.members.remove(user.value());
    }
  }

  // ================================================================================= expectations

  /** What the spec allows an action to end in: success and/or some error codes. */
  private record Expect(boolean success, Set<ErrorCode> codes) {
    static Expect ok() {
      return new Expect(true, EnumSet.noneOf(ErrorCode.class));
    }

    static Expect refused(ErrorCode first, ErrorCode... more) {
      return new Expect(false, EnumSet.of(first, more));
    }

    Expect orSuccess() {
      return new Expect(true, codes);
    }

    boolean mayRefuse() {
      return !codes.isEmpty();
    }

    @Override
    public String toString() {
      List<String> all = new ArrayList<>();
      if (success) {
        all.add("success");
      }
      codes.forEach(c -> all.add(c.name()));
      return String.join(" or ", all);
    }
  }

  private interface Call<T> {
    T run();
  }

  /**
   * Runs one engine call and checks it against {@code expect}: a success the spec refuses, a refusal
   * it allows, or a refusal with another code fail the test; a refusal must leave every observable
   * thing as it was. On success, {@code apply} updates the reference model.
   */
  private <T> WardenException attempt(String kind, String description, Expect expect, Call<T> call, Consumer<T> apply) {
    Map<String, Object> before = expect.mayRefuse() ? observe() : null;
    T result = null;
    WardenException refusal = null;
    try {
      result = call.run();
    } catch (WardenException e) {
      refusal = e;
    } catch (RuntimeException e) {
      log.add(description + " -> threw " + e);
      throw failure("[§11] " + description + " threw " + e + " instead of succeeding or throwing a WardenException", e);
    }
    String outcome = refusal == null ? "OK" : refusal.code().name();
    log.add(description + " -> " + outcome);
    outcomes.add(kind + " " + outcome);
    if (refusal == null) {
      if (!expect.success()) {
        throw failure("[spec] engine accepted " + description + ", but the spec refuses it with " + expect, null);
      }
      apply.accept(result);
      return null;
    }
    if (!expect.codes().contains(refusal.code())) {
      throw failure("[spec §15] " + description + " was refused with " + refusal.code() + " (\"" + refusal.getMessage()
          + "\"), but the spec expects " + expect, refusal);
    }
    if (before == null) {
      throw new IllegalStateException("unreachable: refusal without expectation");
    }
    Map<String, Object> after = observe();
    if (!before.equals(after)) {
      throw failure("[§11 a failed operation changes nothing] refused " + description + " (" + refusal.code()
          + ") changed observable state:\n" + Observed.diff(before, after), refusal);
    }
    return refusal;
  }

  /**
   * {@link #attempt} for a mutation of one project; a {@code NOT_FOUND} refusal must also be
   * indistinguishable from the same call on a project that does not exist (§15 "Denials of mutations",
   * §11: messages never reveal whether a hidden object exists).
   */
  private <T> void attemptOnProject(String kind, String description, Expect expect, RefProject p,
      java.util.function.Function<ProjectId, T> call, Consumer<T> apply) {
    WardenException refusal = attempt(kind, description, expect, () -> call.apply(p.id), apply);
    if (refusal != null && refusal.code() == ErrorCode.NOT_FOUND) {
      String hidden = refusal.getClass().getSimpleName() + "(" + refusal.code() + ", \"" + refusal.getMessage() + "\")";
      String missing = refusalOf(() -> call.apply(MISSING_PROJECT));
      if (!hidden.equals(missing)) {
        throw failure("[§15 hidden = missing] " + description + " was refused with " + hidden
            + ", but the same call on a missing project gives " + missing, refusal);
      }
    }
  }

  private AssertionError failure(String message, Throwable cause) {
    StringBuilder s = new StringBuilder(message).append("\n  preset: ").append(preset).append(", now: ").append(now())
        .append("\n  steps as run:");
    for (int i = 0; i < log.size(); i++) {
      s.append(String.format("%n    %2d. %s", i + 1, log.get(i)));
    }
    s.append("\n  reference state:\n").append(describeReference());
    AssertionError error = new AssertionError(s.toString());
    if (cause != null) {
      error.initCause(cause);
    }
    return error;
  }

  private String describeReference() {
    StringBuilder s = new StringBuilder();
    for (RefOrg org : orgs) {
      s.append("    ").append(org.label).append(" ").append(org.resolution).append(" members ").append(org.members.values())
          .append('\n');
      for (RefRole r : org.roles) {
        s.append("      ").append(r).append('\n');
      }
      for (RefProject p : org.projects) {
        s.append("      ").append(p.label).append(p.deleted ? " DELETED" : " " + p.visibility).append(" grants ")
            .append(p.grants.values()).append('\n');
      }
    }
    for (RefInvite i : invites) {
      s.append("    ").append(i.label).append(" ").append(i.status).append(" expires ").append(i.expiresAt).append('\n');
    }
    return s.toString();
  }

  // ======================================================================================= actions

  private RefOrg org(int index) {
    return orgs.get(index % orgs.size());
  }

  private RefProject project(RefOrg org, int index) {
    return org.projects.get(index % org.projects.size());
  }

  private UserId actor(Who who, RefOrg org) {
    if (who.raw() < WardenArbitraries.USER_POOL_SIZE) {
      return WardenArbitraries.user(who.raw());
    }
    List<RefMember> active = org == null ? List.of()
        : org.members.values().stream().filter(m -> m.activeAt(now())).toList();
    int k = who.raw() - WardenArbitraries.USER_POOL_SIZE;
    return active.isEmpty() ? WardenArbitraries.user(k) : active.get(k % active.size()).user;
  }

  private UserId target(Who who, RefOrg org, UserId actor) {
    if (who.raw() < WardenArbitraries.USER_POOL_SIZE) {
      return WardenArbitraries.user(who.raw());
    }
    List<RefMember> others = org.members.values().stream()
        .filter(m -> m.activeAt(now()) && !m.user.equals(actor)).toList();
    int k = who.raw() - WardenArbitraries.USER_POOL_SIZE;
    return others.isEmpty() ? WardenArbitraries.user(k) : others.get(k % others.size()).user;
  }

  private static Principal principal(UserId user) {
    return WardenArbitraries.principal(user);
  }

  void createOrg(Who who) {
    UserId actor = actor(who, null);
    if (orgs.size() >= MAX_ORGS) {
      log.add("createOrg by " + actor + " skipped: " + MAX_ORGS + " organizations exist");
      return;
    }
    String label = "O" + (orgs.size() + 1);
    attempt("createOrg", actor + " creates " + label, Expect.ok(),
        () -> policy.organizations().create(principal(actor), "Org " + label),
        (Organization created) -> {
          RefOrg org = new RefOrg(created.id(), label);
          org.members.put(actor.value(), new RefMember(actor, OrgLevel.OWNER));
          orgs.add(org);
          List<VisibleProject> visible = policy.visibleProjects(principal(actor), created.id());
          if (visible.size() != 1 || !visible.get(0).project().name().equals("Default Project")) {
            throw failure("[§3] a new organization must come with exactly one project, \"Default Project\", but "
                + actor + " sees " + visible, null);
          }
          addProject(org, visible.get(0).project());
        });
  }

  private void addProject(RefOrg org, Project p) {
    if (p.visibility() != preset.newProjectVisibility() || p.defaultRole() != ProjectRole.MEMBER
        || !p.organization().equals(org.id)) {
      throw failure("[§2.1/§5] new project " + p + " must be " + preset.newProjectVisibility()
          + " with default role MEMBER in " + org.id, null);
    }
    RefProject ref = new RefProject(p, org, org.label + "/P" + (org.projects.size() + 1));
    org.projects.add(ref);
    projects.add(ref);
  }

  void createProject(Who who, int orgIndex) {
    RefOrg org = org(orgIndex);
    UserId actor = actor(who, org);
    if (org.projects.size() >= MAX_PROJECTS_PER_ORG) {
      log.add("createProject by " + actor + " in " + org.label + " skipped: enough projects");
      return;
    }
    ErrorCode refusal = orgRefusal(org, actor, Capability.CREATE_PROJECT);
    attempt("createProject", actor + " creates a project in " + org.label,
        refusal == null ? Expect.ok() : Expect.refused(refusal),
        () -> policy.projects().create(principal(actor), org.id, "Project " + (org.projects.size() + 1)),
        (Project p) -> addProject(org, p));
  }

  void invite(Who who, int orgIndex, int recipientIndex, int spelling, OrgLevel level, List<GrantSpec> grantSpecs) {
    RefOrg org = org(orgIndex);
    UserId actor = actor(who, org);
    UserId recipient = WardenArbitraries.user(recipientIndex);
    String email = spell(WardenArbitraries.emailOf(recipient), spelling);
    LinkedHashMap<RefProject, ProjectRole> grants = new LinkedHashMap<>();
    for (GrantSpec g : grantSpecs) {
      if (g.foreign()) {
        List<RefOrg> others = orgs.stream().filter(o -> o != org).toList();
        if (!others.isEmpty()) {
          RefOrg other = others.get(g.project() % others.size());
          grants.put(project(other, g.project()), g.role());
        }
      } else {
        grants.put(project(org, g.project()), g.role());
      }
    }
    InviteRequest request = InviteRequest.to(email).level(level);
    for (Map.Entry<RefProject, ProjectRole> g : grants.entrySet()) {
      request = request.grant(g.getKey().id, g.getValue());
    }
    Expect expect = expectInvite(org, actor, recipient, level, grants);
    String label = "I" + (invites.size() + 1);
    StringBuilder grantText = new StringBuilder();
    grants.forEach((p, r) -> grantText.append(grantText.length() == 0 ? "" : ", ").append(p.label).append(':').append(r));
    InviteRequest finalRequest = request;
    attempt("invite", actor + " invites '" + email + "' to " + org.label + " as " + level + " with [" + grantText + "] ("
        + label + ")", expect,
        () -> policy.invites().create(principal(actor), org.id, finalRequest),
        (IssuedInvite issued) -> {
          Invite inv = issued.invite();
          List<InviteGrant> expectedGrants = grants.entrySet().stream()
              .map(e -> new InviteGrant(e.getKey().id, e.getValue())).toList();
          if (!inv.email().value().equals(WardenArbitraries.emailOf(recipient)) || inv.level() != level
              || !inv.organization().equals(org.id) || !inv.expiresAt().equals(now().plus(INVITE_VALIDITY))
              || !inv.grants().equals(expectedGrants) || inv.acceptedAt().isPresent()) {
            throw failure("[§4] issued invite " + inv + " does not match the request (email normalized, level " + level
                + ", expires " + now().plus(INVITE_VALIDITY) + ", grants " + expectedGrants + ")", null);
          }
          for (RefInvite old : invites) {
            if (old.org == org && old.recipient.equals(recipient) && old.status == InviteStatus.UNUSED) {
              old.status = InviteStatus.REPLACED; // one pending invite per email per organization
            }
          }
          invites.add(new RefInvite(issued, org, recipient, grants, label));
        });
  }

  /** §15 "Invites", checked in order. */
  private Expect expectInvite(RefOrg org, UserId actor, UserId recipient, OrgLevel level,
      Map<RefProject, ProjectRole> grants) {
    ErrorCode refusal = orgRefusal(org, actor, Capability.INVITE_MEMBERS);
    if (refusal != null) {
      return Expect.refused(refusal);
    }
    RefMember me = activeMember(org, actor);
    if (!me.level.atLeast(level)) {
      return Expect.refused(ErrorCode.LEVEL_ABOVE_OWN);
    }
    if (level == OrgLevel.OWNER && preset.ownership() == OwnershipRule.SINGLE) {
      return Expect.refused(ErrorCode.SINGLE_OWNERSHIP);
    }
    if (activeMember(org, recipient) != null) {
      return Expect.refused(ErrorCode.ALREADY_MEMBER);
    }
    for (Map.Entry<RefProject, ProjectRole> g : grants.entrySet()) {
      RefProject p = g.getKey();
      Access mine = p.org == org ? access(p, actor) : null; // foreign projects never apply
      if (mine == null) {
        return Expect.refused(ErrorCode.NOT_FOUND);
      }
      if (!Preset.allows(mine.role(), Capability.MANAGE_PROJECT_ACCESS)) {
        return Expect.refused(ErrorCode.PERMISSION_DENIED);
      }
      if (!mine.role().atLeast(g.getValue())) {
        return Expect.refused(ErrorCode.ROLE_ABOVE_OWN);
      }
    }
    return Expect.ok();
  }

  /**
   * Accepts the {@code back}-th newest invite (among the unused ones if {@code preferUnused} and there
   * are any, else among all issued ones, so used, replaced, revoked and expired tokens come back too).
   */
  void accept(int back, boolean preferUnused, AcceptMode mode, int otherIndex, int spelling) {
    if (invites.isEmpty() || mode == AcceptMode.BOGUS_TOKEN) {
      UserId user = WardenArbitraries.user(otherIndex);
      attempt("accept", user + " accepts a never-issued token", Expect.refused(ErrorCode.INVITE_NOT_FOUND),
          () -> policy.invites().accept(BOGUS_TOKEN, principal(user), WardenArbitraries.emailOf(user)), x -> {});
      return;
    }
    List<RefInvite> unused = invites.stream().filter(i -> i.status == InviteStatus.UNUSED).toList();
    List<RefInvite> candidates = preferUnused && !unused.isEmpty() ? unused : invites;
    RefInvite inv = candidates.get(candidates.size() - 1 - back % candidates.size());
    UserId user;
    String email;
    if (mode == AcceptMode.RECIPIENT) {
      user = inv.recipient;
      email = spell(WardenArbitraries.emailOf(user), spelling);
    } else {
      user = otherIndex == USERS.indexOf(inv.recipient)
          ? WardenArbitraries.user((otherIndex + 1) % WardenArbitraries.USER_POOL_SIZE)
          : WardenArbitraries.user(otherIndex);
      email = WardenArbitraries.emailOf(user);
    }
    acceptInvite(inv, user, email);
  }

  /** An invite immediately accepted by its recipient: the common way in, so chains reach richer states. */
  void join(Who who, int orgIndex, int recipientIndex, OrgLevel level, List<GrantSpec> grants) {
    int issued = invites.size();
    invite(who, orgIndex, recipientIndex, 0, level, grants);
    if (invites.size() > issued) {
      RefInvite inv = invites.get(invites.size() - 1);
      acceptInvite(inv, inv.recipient, WardenArbitraries.emailOf(inv.recipient));
    }
  }

  private void acceptInvite(RefInvite inv, UserId user, String email) {
    RefOrg org = inv.org;
    Expect expect;
    if (inv.status == InviteStatus.REPLACED || inv.status == InviteStatus.REVOKED) {
      expect = Expect.refused(ErrorCode.INVITE_NOT_FOUND);
    } else if (!EmailAddress.of(email).value().equals(WardenArbitraries.emailOf(inv.recipient))) {
      expect = Expect.refused(ErrorCode.INVITE_WRONG_RECIPIENT);
    } else if (!now().isBefore(inv.expiresAt)) {
      expect = Expect.refused(ErrorCode.INVITE_EXPIRED);
    } else if (inv.status == InviteStatus.USED) {
      expect = Expect.refused(ErrorCode.INVITE_ALREADY_USED);
    } else if (activeMember(org, user) != null) {
      expect = Expect.refused(ErrorCode.ALREADY_MEMBER);
    } else {
      expect = Expect.ok();
    }
    attempt("accept", user + " accepts " + inv.label + " (" + inv.status + ", to " + inv.recipient + " in " + org.label
        + ") with '" + email + "'", expect,
        () -> policy.invites().accept(inv.token, principal(user), email),
        (Membership joined) -> {
          inv.accepts++;
          if (inv.accepts > 1) {
            throw failure("[§4 single use] invite " + inv.label + " was accepted " + inv.accepts + " times", null);
          }
          if (!joined.user().equals(user) || joined.level() != inv.level || joined.expiresAt().isPresent()
              || !joined.organization().equals(org.id)
              || !joined.email().map(EmailAddress::value).equals(Optional.of(WardenArbitraries.emailOf(user)))) {
            throw failure("[§4] accepting " + inv.label + " must make " + user + " a " + inv.level
                + " without expiry, but gave " + joined, null);
          }
          inv.status = InviteStatus.USED;
          deleteMember(org, user); // an expired, unswept membership and its stale grants (§15)
          org.members.put(user.value(), new RefMember(user, inv.level));
          inv.grants.forEach((p, role) -> {
            if (!p.deleted) {
              p.grants.put(user.value(), new RefGrant(user, role, Optional.empty()));
            }
          });
          for (RefInvite other : invites) {
            if (other.org == org && other.recipient.equals(inv.recipient) && other.status == InviteStatus.UNUSED) {
              other.status = InviteStatus.REPLACED;
            }
          }
        });
  }

  void changeLevel(Who who, int orgIndex, Who targetWho, OrgLevel level) {
    RefOrg org = org(orgIndex);
    UserId actor = actor(who, org);
    UserId target = target(targetWho, org, actor);
    Expect expect = expectEdit(org, actor, target, Capability.MANAGE_MEMBERS);
    if (expect == null) {
      RefMember me = activeMember(org, actor);
      RefMember t = activeMember(org, target);
      if (!me.level.atLeast(level)) {
        expect = Expect.refused(ErrorCode.LEVEL_ABOVE_OWN);
      } else if (level == OrgLevel.OWNER && preset.ownership() == OwnershipRule.SINGLE) {
        expect = Expect.refused(ErrorCode.SINGLE_OWNERSHIP);
      } else if (t.level == OrgLevel.OWNER && level != OrgLevel.OWNER && owners(org) < 2) {
        expect = Expect.refused(ErrorCode.LAST_OWNER);
      } else if (level == OrgLevel.OWNER && t.expiresAt.isPresent()) {
        expect = Expect.refused(ErrorCode.OWNER_CANNOT_EXPIRE);
      } else {
        expect = Expect.ok();
      }
    }
    attempt("changeLevel", actor + " sets " + target + " to " + level + " in " + org.label, expect,
        () -> policy.members().changeLevel(principal(actor), org.id, target, level),
        (Membership changed) -> {
          if (changed.level() != level || !changed.user().equals(target)) {
            throw failure("[§15] changeLevel returned " + changed + ", expected " + target + " at " + level, null);
          }
          activeMember(org, target).level = level;
        });
  }

  /**
   * The shared rules of level and expiry changes (§15), in order: capability, target an active member,
   * not oneself, target's level at most the actor's. Null when they pass.
   */
  private Expect expectEdit(RefOrg org, UserId actor, UserId target, Capability capability) {
    ErrorCode refusal = orgRefusal(org, actor, capability);
    if (refusal != null) {
      return Expect.refused(refusal);
    }
    RefMember t = activeMember(org, target);
    if (t == null) {
      return Expect.refused(ErrorCode.NOT_A_MEMBER);
    }
    if (target.equals(actor)) {
      return Expect.refused(ErrorCode.CANNOT_CHANGE_OWN_LEVEL);
    }
    if (!activeMember(org, actor).level.atLeast(t.level)) {
      return Expect.refused(ErrorCode.LEVEL_ABOVE_OWN);
    }
    return null;
  }

  void transfer(Who who, int orgIndex, Who targetWho) {
    RefOrg org = org(orgIndex);
    UserId actor = actor(who, org);
    UserId target = target(targetWho, org, actor);
    ErrorCode refusal = orgRefusal(org, actor, Capability.TRANSFER_OWNERSHIP);
    Expect expect;
    if (refusal != null) {
      expect = Expect.refused(refusal);
    } else if (target.equals(actor)) {
      expect = Expect.refused(ErrorCode.TRANSFER_TO_SELF);
    } else if (activeMember(org, target) == null) {
      expect = Expect.refused(ErrorCode.NOT_A_MEMBER);
    } else if (activeMember(org, target).expiresAt.isPresent()) {
      expect = Expect.refused(ErrorCode.OWNER_CANNOT_EXPIRE);
    } else {
      expect = Expect.ok();
    }
    attempt("transferOwnership", actor + " transfers ownership of " + org.label + " to " + target, expect,
        () -> {
          policy.members().transferOwnership(principal(actor), org.id, target);
          return null;
        },
        x -> {
          activeMember(org, target).level = OrgLevel.OWNER;
          activeMember(org, actor).level = OrgLevel.ADMIN;
        });
  }

  void leave(Who who, int orgIndex) {
    RefOrg org = org(orgIndex);
    UserId actor = actor(who, org);
    attempt("leave", actor + " leaves " + org.label, expectLeave(org, actor),
        () -> {
          policy.members().leave(principal(actor), org.id);
          return null;
        },
        x -> deleteMember(org, actor));
  }

  private Expect expectLeave(RefOrg org, UserId actor) {
    RefMember me = activeMember(org, actor);
    if (me == null) {
      return Expect.refused(ErrorCode.NOT_FOUND);
    }
    if (me.level == OrgLevel.OWNER) {
      // §3/§15: an Owner may not leave; the matrix also withholds LEAVE_ORGANIZATION from Owners.
      return Expect.refused(ErrorCode.OWNER_CANNOT_LEAVE, ErrorCode.PERMISSION_DENIED);
    }
    return preset.allows(me.level, Capability.LEAVE_ORGANIZATION) ? Expect.ok()
        : Expect.refused(ErrorCode.PERMISSION_DENIED);
  }

  void remove(Who who, int orgIndex, Who targetWho) {
    RefOrg org = org(orgIndex);
    UserId actor = actor(who, org);
    UserId target = target(targetWho, org, actor);
    Expect expect;
    if (target.equals(actor)) {
      expect = expectLeave(org, actor); // §15: removing oneself is leaving
    } else {
      ErrorCode refusal = orgRefusal(org, actor, Capability.REMOVE_MEMBERS);
      RefMember stored = org.members.get(target.value());
      if (refusal != null) {
        expect = Expect.refused(refusal);
      } else if (stored == null) {
        expect = Expect.refused(ErrorCode.NOT_A_MEMBER);
      } else if (!stored.activeAt(now())) {
        // Not specified: removing an expired, unswept membership may clean it up or report NOT_A_MEMBER.
        expect = Expect.refused(ErrorCode.NOT_A_MEMBER).orSuccess();
      } else if (stored.level == OrgLevel.OWNER) {
        expect = activeMember(org, actor).level.atLeast(stored.level)
            ? Expect.refused(ErrorCode.OWNER_CANNOT_BE_REMOVED)
            : Expect.refused(ErrorCode.OWNER_CANNOT_BE_REMOVED, ErrorCode.LEVEL_ABOVE_OWN);
      } else if (!activeMember(org, actor).level.atLeast(stored.level)) {
        expect = Expect.refused(ErrorCode.LEVEL_ABOVE_OWN);
      } else {
        expect = Expect.ok();
      }
    }
    attempt("remove", actor + " removes " + target + " from " + org.label, expect,
        () -> {
          policy.members().remove(principal(actor), org.id, target);
          return null;
        },
        x -> deleteMember(org, target));
  }

  void grant(Who who, int orgIndex, int projectIndex, Who targetWho, ProjectRole role, Optional<Duration> offset) {
    RefOrg org = org(orgIndex);
    RefProject p = project(org, projectIndex);
    UserId actor = actor(who, org);
    grant(p, actor, target(targetWho, org, actor), role, offset.map(now()::plus));
  }

  private void grant(RefProject p, UserId actor, UserId target, ProjectRole role, Optional<Instant> expiresAt) {
    RefOrg org = p.org;
    Expect expect;
    ErrorCode refusal = projectRefusal(p, actor, Capability.MANAGE_PROJECT_ACCESS);
    if (refusal != null) {
      expect = Expect.refused(refusal);
    } else if (target.equals(actor)) {
      expect = Expect.refused(ErrorCode.CANNOT_CHANGE_OWN_GRANT);
    } else if (activeMember(org, target) == null) {
      expect = Expect.refused(ErrorCode.NOT_A_MEMBER);
    } else if (!access(p, actor).role().atLeast(role)) {
      expect = Expect.refused(ErrorCode.ROLE_ABOVE_OWN);
    } else if (expiresAt.isPresent() && !expiresAt.get().isAfter(now())) {
      expect = Expect.refused(ErrorCode.EXPIRY_IN_PAST);
    } else {
      expect = Expect.ok();
    }
    attemptOnProject("grant", actor + " grants " + target + " " + role + " on " + p.label
            + expiresAt.map(e -> " until " + e).orElse(""), expect, p,
        id -> expiresAt.isPresent()
            ? policy.grants().grant(principal(actor), id, target, role, expiresAt.get())
            : policy.grants().grant(principal(actor), id, target, role),
        (ProjectGrant g) -> {
          if (!g.user().equals(target) || !g.project().equals(p.id) || g.role() != role || !g.expiresAt().equals(expiresAt)) {
            throw failure("[§5] grant returned " + g, null);
          }
          p.grants.put(target.value(), new RefGrant(target, role, expiresAt));
        });
  }

  void revoke(Who who, int orgIndex, int projectIndex, Who targetWho) {
    RefOrg org = org(orgIndex);
    RefProject p = project(org, projectIndex);
    UserId actor = actor(who, org);
    UserId target = target(targetWho, org, actor);
    ErrorCode refusal = projectRefusal(p, actor, Capability.MANAGE_PROJECT_ACCESS);
    Expect expect;
    if (refusal != null) {
      expect = Expect.refused(refusal);
    } else if (target.equals(actor)) {
      expect = Expect.refused(ErrorCode.CANNOT_CHANGE_OWN_GRANT);
    } else if (!p.grants.containsKey(target.value())) {
      expect = Expect.refused(ErrorCode.GRANT_NOT_FOUND);
    } else {
      expect = Expect.ok();
    }
    attemptOnProject("revoke", actor + " revokes " + target + "'s grant on " + p.label, expect, p,
        id -> {
          policy.grants().revoke(principal(actor), id, target);
          return null;
        },
        x -> p.grants.remove(target.value()));
  }

  void setVisibility(Who who, int orgIndex, int projectIndex, Visibility visibility) {
    RefOrg org = org(orgIndex);
    RefProject p = project(org, projectIndex);
    UserId actor = actor(who, org);
    Expect expect;
    if (access(p, actor) == null) {
      expect = Expect.refused(ErrorCode.NOT_FOUND);
    } else if (!activeMember(org, actor).level.atLeast(OrgLevel.ADMIN)) {
      expect = Expect.refused(ErrorCode.PERMISSION_DENIED); // §2.2: an org-level act, not a project role
    } else {
      expect = Expect.ok();
    }
    attemptOnProject("setVisibility", actor + " makes " + p.label + " " + visibility, expect, p,
        id -> policy.projects().setVisibility(principal(actor), id, visibility),
        (Project changed) -> {
          if (changed.visibility() != visibility) {
            throw failure("[§5] setVisibility returned " + changed, null);
          }
          p.visibility = visibility;
        });
  }

  void setExpiry(Who who, int orgIndex, Who targetWho, Duration offset) {
    RefOrg org = org(orgIndex);
    UserId actor = actor(who, org);
    UserId target = target(targetWho, org, actor);
    Instant at = now().plus(offset);
    Expect expect = expectEdit(org, actor, target, Capability.MANAGE_MEMBERS);
    if (expect == null) {
      boolean owner = activeMember(org, target).level == OrgLevel.OWNER;
      boolean past = !at.isAfter(now());
      if (owner && past) {
        expect = Expect.refused(ErrorCode.OWNER_CANNOT_EXPIRE, ErrorCode.EXPIRY_IN_PAST);
      } else if (owner) {
        expect = Expect.refused(ErrorCode.OWNER_CANNOT_EXPIRE);
      } else if (past) {
        expect = Expect.refused(ErrorCode.EXPIRY_IN_PAST);
      } else {
        expect = Expect.ok();
      }
    }
    attempt("setExpiry", actor + " sets " + target + "'s membership in " + org.label + " to end at " + at, expect,
        () -> policy.members().setExpiry(principal(actor), org.id, target, at),
        (Membership changed) -> {
          if (!changed.expiresAt().equals(Optional.of(at))) {
            throw failure("[§3] setExpiry returned " + changed, null);
          }
          activeMember(org, target).expiresAt = Optional.of(at);
        });
  }

  void clearExpiry(Who who, int orgIndex, Who targetWho) {
    RefOrg org = org(orgIndex);
    UserId actor = actor(who, org);
    UserId target = target(targetWho, org, actor);
    Expect expect = expectEdit(org, actor, target, Capability.MANAGE_MEMBERS);
    attempt("clearExpiry", actor + " clears " + target + "'s expiry in " + org.label, expect == null ? Expect.ok() : expect,
        () -> policy.members().clearExpiry(principal(actor), org.id, target),
        (Membership changed) -> activeMember(org, target).expiresAt = Optional.empty());
  }

  void advance(Duration duration) {
    clock.advance(duration);
    log.add("clock +" + duration + " -> " + now());
    outcomes.add("advanceClock OK");
  }

  /**
   * Moves the clock to exactly the {@code k}-th next instant at which a membership, grant or invite
   * expires (plus {@code hours}), because expiry is exclusive (§15) and the boundary is where an
   * off-by-one hides. With nothing pending, moves one hour.
   */
  void advanceToExpiry(int k, int hours) {
    java.util.TreeSet<Instant> ahead = new java.util.TreeSet<>();
    for (RefOrg org : orgs) {
      org.members.values().forEach(m -> m.expiresAt.ifPresent(ahead::add));
      org.projects.forEach(p -> p.grants.values().forEach(g -> g.expiresAt().ifPresent(ahead::add)));
      org.roles.forEach(r -> r.members.values().forEach(m -> m.expiresAt().ifPresent(ahead::add)));
    }
    invites.stream().filter(i -> i.status == InviteStatus.UNUSED).forEach(i -> ahead.add(i.expiresAt));
    List<Instant> targets = ahead.stream().map(t -> t.plus(Duration.ofHours(hours))).filter(t -> t.isAfter(now())).toList();
    Instant to = targets.isEmpty() ? now().plus(Duration.ofHours(1)) : targets.get(k % targets.size());
    clock.set(to);
    log.add("clock to " + (targets.isEmpty() ? "+1h (nothing expires)" : "expiry #" + k + (hours == 0 ? "" : " " + hours + "h"))
        + " -> " + now());
    outcomes.add("advanceClock OK");
  }

  void sweep() {
    SweepReport report;
    try {
      report = policy.sweepExpired();
    } catch (RuntimeException e) {
      log.add("sweepExpired -> threw " + e);
      throw failure("[§3] sweepExpired threw " + e, e);
    }
    int memberships = 0;
    for (RefOrg org : orgs) {
      for (RefMember m : List.copyOf(org.members.values())) {
        if (!m.activeAt(now())) {
          deleteMember(org, m.user);
          memberships++;
        }
      }
      for (RefProject p : org.projects) {
        p.grants.values().removeIf(g -> !g.activeAt(now()));
      }
    }
    log.add("sweepExpired -> " + report);
    outcomes.add("sweepExpired OK");
    if (report.memberships() != memberships) {
      throw failure("[§3] sweepExpired removed " + report.memberships() + " memberships, expected " + memberships, null);
    }
  }

  void rotateToken(Who who, int orgIndex, int projectIndex) {
    RefOrg org = org(orgIndex);
    RefProject p = project(org, projectIndex);
    UserId actor = actor(who, org);
    ErrorCode refusal = projectRefusal(p, actor, Capability.ROTATE_PROJECT_TOKEN);
    attemptOnProject("rotateToken", actor + " rotates the token of " + p.label,
        refusal == null ? Expect.ok() : Expect.refused(refusal), p,
        id -> policy.projects().rotateToken(principal(actor), id),
        (Project rotated) -> {
          if (rotated.token().equals(p.token) || !rotated.id().equals(p.id)) {
            throw failure("[§5] rotateToken must return the project with a new token", null);
          }
          p.oldTokens.add(p.token);
          p.token = rotated.token();
        });
  }

  void deleteProject(Who who, int orgIndex, int projectIndex) {
    RefOrg org = org(orgIndex);
    RefProject p = project(org, projectIndex);
    UserId actor = actor(who, org);
    Expect expect;
    if (access(p, actor) == null) {
      expect = Expect.refused(ErrorCode.NOT_FOUND);
    } else if (!orgAllows(org, actor, Capability.DELETE_PROJECT)) {
      expect = Expect.refused(ErrorCode.PERMISSION_DENIED);
    } else {
      expect = Expect.ok();
    }
    attemptOnProject("deleteProject", actor + " deletes " + p.label, expect, p,
        id -> {
          policy.projects().delete(principal(actor), id);
          return null;
        },
        x -> {
          p.deleted = true;
          p.grants.clear();
          org.roles.forEach(r -> r.grants.remove(p));
        });
  }

  void revokeInvite(Who who, int orgIndex, int back) {
    RefOrg org = org(orgIndex);
    UserId actor = actor(who, org);
    if (invites.isEmpty()) {
      log.add("revokeInvite by " + actor + " skipped: no invites yet");
      return;
    }
    RefInvite inv = invites.get(invites.size() - 1 - back % invites.size());
    ErrorCode refusal = orgRefusal(org, actor, Capability.REVOKE_INVITES);
    Expect expect;
    if (refusal != null) {
      expect = Expect.refused(refusal);
    } else if (inv.org != org || !inv.pendingAt(now())) {
      expect = Expect.refused(ErrorCode.INVITE_NOT_FOUND); // §15: revoking with none pending
    } else {
      expect = Expect.ok();
    }
    attempt("revokeInvite", actor + " revokes " + inv.label + " (" + inv.status + ", " + inv.org.label + ") in " + org.label,
        expect,
        () -> {
          policy.invites().revoke(principal(actor), org.id, inv.id);
          return null;
        },
        x -> inv.status = InviteStatus.REVOKED);
  }

  // ================================================================================== role actions
  // Issue 16. Every role change starts like RoleService.onRole: a missing or deleted role, or an actor
  // without an active membership in its organization, is NOT_FOUND "role"; then MANAGE_ROLES.

  /** The role at {@code index} among those the organization ever had (deleted ones too), or null if none. */
  private RefRole role(RefOrg org, int index) {
    return org.roles.isEmpty() ? null : org.roles.get(index % org.roles.size());
  }

  /**
   * Whether to skip a role action because the organization has no role yet: two times in three; the
   * third acts on a missing role (NOT_FOUND), so that chains do not spend their steps on refusals.
   */
  private boolean noRoles(RefOrg org, RefRole r, int roleIndex) {
    if (r == null && roleIndex % 3 != 0) {
      log.add("role action in " + org.label + " skipped: it has no roles");
      return true;
    }
    return false;
  }

  private static RoleId idOf(RefRole r) {
    return r == null ? MISSING_ROLE : r.id;
  }

  private static String labelOf(RefRole r) {
    return r == null ? "a missing role" : r.label + (r.deleted ? " (deleted)" : "");
  }

  private RefProject projectById(ProjectId id) {
    return projects.stream().filter(x -> x.id.equals(id)).findFirst().orElse(null);
  }

  /** The refusal every change of {@code r} starts with, or null when the actor may manage it. */
  private ErrorCode roleRefusal(RefRole r, UserId actor) {
    if (r == null || r.deleted || activeMember(r.org, actor) == null) {
      return ErrorCode.NOT_FOUND;
    }
    return orgRefusal(r.org, actor, Capability.MANAGE_ROLES);
  }

  void createRole(Who who, int orgIndex, int nameIndex) {
    RefOrg org = org(orgIndex);
    UserId actor = actor(who, org);
    if (org.roles.size() >= MAX_ROLES_PER_ORG) {
      log.add("createRole by " + actor + " in " + org.label + " skipped: enough roles");
      return;
    }
    String name = ROLE_NAMES.get(nameIndex % ROLE_NAMES.size());
    ErrorCode refusal = orgRefusal(org, actor, Capability.MANAGE_ROLES);
    Expect expect;
    if (refusal != null) {
      expect = Expect.refused(refusal);
    } else if (org.roles.stream().anyMatch(r -> !r.deleted && r.name.equals(name))) {
      expect = Expect.refused(ErrorCode.ALREADY_EXISTS);
    } else {
      expect = Expect.ok();
    }
    String label = org.label + "/R" + (org.roles.size() + 1);
    attempt("createRole", actor + " creates role '" + name + "' in " + org.label + " (" + label + ")", expect,
        () -> policy.roles().create(principal(actor), org.id, name),
        (Role created) -> {
          if (!created.name().equals(name) || !created.organization().equals(org.id) || !created.capabilities().isEmpty()) {
            throw failure("[issue 16] create returned " + created + ", expected an empty role '" + name + "' in " + org.label,
                null);
          }
          org.roles.add(new RefRole(created.id(), org, name, label));
        });
  }

  void addRoleMember(Who who, int orgIndex, int roleIndex, Who targetWho, Optional<Duration> offset) {
    RefOrg org = org(orgIndex);
    RefRole r = role(org, roleIndex);
    if (noRoles(org, r, roleIndex)) {
      return;
    }
    UserId actor = actor(who, org);
    addRoleMember(r, actor, target(targetWho, org, actor), offset.map(now()::plus));
  }

  private void addRoleMember(RefRole r, UserId actor, UserId target, Optional<Instant> expiresAt) {
    RefOrg org = r == null ? null : r.org;
    ErrorCode refusal = roleRefusal(r, actor);
    Expect expect;
    if (refusal != null) {
      expect = Expect.refused(refusal);
    } else if (activeMember(org, target) == null) {
      expect = Expect.refused(ErrorCode.NOT_A_MEMBER);
    } else if (!r.capabilities.stream().allMatch(c -> orgAllows(org, actor, c))) {
      expect = Expect.refused(ErrorCode.LEVEL_ABOVE_OWN); // adding hands out what the role carries
    } else if (!r.grants.entrySet().stream().allMatch(g -> {
      Access mine = access(g.getKey(), actor);
      return mine != null && mine.role().atLeast(g.getValue());
    })) {
      expect = Expect.refused(ErrorCode.ROLE_ABOVE_OWN);
    } else if (expiresAt.isPresent() && !expiresAt.get().isAfter(now())) {
      expect = Expect.refused(ErrorCode.EXPIRY_IN_PAST);
    } else {
      expect = Expect.ok();
    }
    attempt("addRoleMember", actor + " adds " + target + " to " + labelOf(r) + expiresAt.map(e -> " until " + e).orElse(""),
        expect,
        () -> expiresAt.isPresent()
            ? policy.roles().addMember(principal(actor), idOf(r), target, expiresAt.get())
            : policy.roles().addMember(principal(actor), idOf(r), target),
        (RoleMember added) -> {
          if (!added.user().equals(target) || !added.role().equals(r.id) || !added.expiresAt().equals(expiresAt)) {
            throw failure("[issue 16] addMember returned " + added, null);
          }
          r.members.put(target.value(), new RefRoleMember(target, expiresAt));
        });
  }

  void removeRoleMember(Who who, int orgIndex, int roleIndex, Who targetWho) {
    RefOrg org = org(orgIndex);
    RefRole r = role(org, roleIndex);
    if (noRoles(org, r, roleIndex)) {
      return;
    }
    UserId actor = actor(who, org);
    UserId target;
    if (targetWho.raw() >= WardenArbitraries.USER_POOL_SIZE && r != null && !r.members.isEmpty()) {
      List<RefRoleMember> in = List.copyOf(r.members.values()); // expired memberships too
      target = in.get((targetWho.raw() - WardenArbitraries.USER_POOL_SIZE) % in.size()).user();
    } else {
      target = target(targetWho, org, actor);
    }
    ErrorCode refusal = roleRefusal(r, actor);
    Expect expect;
    if (refusal != null) {
      expect = Expect.refused(refusal);
    } else if (!r.members.containsKey(target.value())) {
      expect = Expect.refused(ErrorCode.GRANT_NOT_FOUND);
    } else {
      expect = Expect.ok();
    }
    attempt("removeRoleMember", actor + " removes " + target + " from " + labelOf(r), expect,
        () -> {
          policy.roles().removeMember(principal(actor), idOf(r), target);
          return null;
        },
        x -> r.members.remove(target.value()));
  }

  void changeRoleCapability(Who who, int orgIndex, int roleIndex, Capability capability, boolean add) {
    RefOrg org = org(orgIndex);
    RefRole r = role(org, roleIndex);
    if (noRoles(org, r, roleIndex)) {
      return;
    }
    UserId actor = actor(who, org);
    ErrorCode refusal = roleRefusal(r, actor);
    Expect expect;
    if (refusal != null) {
      expect = Expect.refused(refusal);
    } else if (add && OWNERSHIP.contains(capability)) {
      expect = Expect.refused(ErrorCode.CAPABILITY_NOT_DELEGABLE);
    } else if (add && !orgAllows(org, actor, capability)) {
      expect = Expect.refused(ErrorCode.LEVEL_ABOVE_OWN);
    } else {
      expect = Expect.ok();
    }
    String kind = add ? "grantRoleCapability" : "revokeRoleCapability";
    attempt(kind, actor + (add ? " gives " : " takes ") + capability + (add ? " to " : " from ") + labelOf(r), expect,
        () -> add ? policy.roles().grantCapability(principal(actor), idOf(r), capability)
            : policy.roles().revokeCapability(principal(actor), idOf(r), capability),
        (Role changed) -> {
          if (add) {
            r.capabilities.add(capability);
          } else {
            r.capabilities.remove(capability);
          }
          if (!sorted(changed.capabilities()).equals(sorted(r.capabilities))) {
            throw failure("[issue 16] " + kind + " returned " + changed + ", expected capabilities " + r.capabilities, null);
          }
        });
  }

  void grantRoleAccess(Who who, int orgIndex, int roleIndex, int projectIndex, ProjectRole projectRole) {
    RefOrg org = org(orgIndex);
    RefRole r = role(org, roleIndex);
    RefProject p = project(org, projectIndex);
    if (noRoles(org, r, roleIndex)) {
      return;
    }
    UserId actor = actor(who, org);
    ErrorCode refusal = roleRefusal(r, actor);
    if (refusal == null) {
      refusal = projectRefusal(p, actor, Capability.MANAGE_PROJECT_ACCESS); // private projects included
    }
    Expect expect;
    if (refusal != null) {
      expect = Expect.refused(refusal);
    } else if (!access(p, actor).role().atLeast(projectRole)) {
      expect = Expect.refused(ErrorCode.ROLE_ABOVE_OWN);
    } else {
      expect = Expect.ok();
    }
    attemptOnProject("grantRoleAccess", actor + " gives " + labelOf(r) + " " + projectRole + " on " + p.label
            + (p.deleted ? " (deleted)" : " (" + p.visibility + ")"), expect, p,
        id -> policy.roles().grant(principal(actor), idOf(r), id, projectRole),
        (RoleGrant g) -> {
          if (!g.role().equals(r.id) || !g.project().equals(p.id) || g.projectRole() != projectRole) {
            throw failure("[issue 16] grant returned " + g, null);
          }
          r.grants.put(p, projectRole);
        });
  }

  /**
   * A role given a project role and then a member (given an own grant there first, if {@code ownRole};
   * invited and joined first if the organization has no Member-level member besides the actor; the role
   * created first if the organization has none), by the same actor: the common way a role comes to matter, so chains reach members whose access
   * comes from a role and differs between the resolution rules.
   */
  void staffRole(Who who, int orgIndex, int roleIndex, int projectIndex, ProjectRole projectRole, Who targetWho,
      Optional<ProjectRole> ownRole) {
    RefOrg org = org(orgIndex);
    if (org.roles.isEmpty()) { // none yet: create one
      createRole(who, orgIndex, roleIndex);
    }
    RefRole r = role(org, roleIndex);
    if (r == null) {
      return; // the actor may not create roles: logged as refused
    }
    grantRoleAccess(who, orgIndex, roleIndex, projectIndex, projectRole);
    UserId actor = actor(who, org);
    RefProject p = project(org, projectIndex);
    // Prefer a Member-level member: for them a role's grant is where the two resolution rules can differ.
    List<UserId> members = org.members.values().stream()
        .filter(m -> m.activeAt(now()) && m.level == OrgLevel.MEMBER && !m.user.equals(actor)).map(m -> m.user).toList();
    UserId target;
    if (members.isEmpty()) { // none yet: invite one, who accepts
      int recipient = targetWho.raw() % WardenArbitraries.USER_POOL_SIZE;
      join(who, orgIndex, recipient, OrgLevel.MEMBER, List.of());
      target = WardenArbitraries.user(recipient);
    } else {
      target = targetWho.raw() >= WardenArbitraries.USER_POOL_SIZE ? members.get(targetWho.raw() % members.size())
          : target(targetWho, org, actor);
    }
    if (ownRole.isPresent() && !p.grants.containsKey(target.value())) {
      grant(p, actor, target, ownRole.get(), Optional.empty()); // an own grant beside the role's
    }
    addRoleMember(r, actor, target, Optional.empty());
  }

  void revokeRoleAccess(Who who, int orgIndex, int roleIndex, int projectIndex) {
    RefOrg org = org(orgIndex);
    RefRole r = role(org, roleIndex);
    RefProject p = project(org, projectIndex);
    if (noRoles(org, r, roleIndex)) {
      return;
    }
    UserId actor = actor(who, org);
    ErrorCode refusal = roleRefusal(r, actor);
    if (refusal == null) {
      refusal = projectRefusal(p, actor, Capability.MANAGE_PROJECT_ACCESS);
    }
    Expect expect;
    if (refusal != null) {
      expect = Expect.refused(refusal);
    } else if (!r.grants.containsKey(p)) {
      expect = Expect.refused(ErrorCode.GRANT_NOT_FOUND);
    } else {
      expect = Expect.ok();
    }
    attemptOnProject("revokeRoleAccess", actor + " takes " + labelOf(r) + "'s grant on " + p.label, expect, p,
        id -> {
          policy.roles().revoke(principal(actor), idOf(r), id);
          return null;
        },
        x -> r.grants.remove(p));
  }

  void deleteRole(Who who, int orgIndex, int roleIndex) {
    RefOrg org = org(orgIndex);
    RefRole r = role(org, roleIndex);
    if (noRoles(org, r, roleIndex)) {
      return;
    }
    UserId actor = actor(who, org);
    ErrorCode refusal = roleRefusal(r, actor);
    attempt("deleteRole", actor + " deletes " + labelOf(r), refusal == null ? Expect.ok() : Expect.refused(refusal),
        () -> {
          policy.roles().delete(principal(actor), idOf(r));
          return null;
        },
        x -> {
          r.deleted = true;
          r.members.clear();
          r.grants.clear();
        });
  }

  /**
   * Previews switching to {@code next} (as the actor, and as an Owner when the actor may not), checks
   * the preview against the reference's predicted changes, then switches.
   */
  void switchResolution(Who who, int orgIndex, ResolutionRule next) {
    RefOrg org = org(orgIndex);
    UserId actor = actor(who, org);
    ErrorCode previewRefusal = orgRefusal(org, actor, Capability.MANAGE_ROLES);
    attempt("previewResolution", actor + " previews " + org.label + " " + org.resolution + " -> " + next,
        previewRefusal == null ? Expect.ok() : Expect.refused(previewRefusal),
        () -> policy.roles().previewResolutionChange(principal(actor), org.id, next),
        (List<ResolutionChange> changes) -> checkPreview(org, next, changes, true));
    if (previewRefusal != null) {
      UserId owner = org.members.values().stream().filter(m -> m.level == OrgLevel.OWNER && m.activeAt(now()))
          .map(m -> m.user).findFirst().orElseThrow();
      checkPreview(org, next, policy.roles().previewResolutionChange(principal(owner), org.id, next), true);
    }
    ErrorCode refusal = orgRefusal(org, actor, Capability.MANAGE_ORG_SETTINGS);
    if (refusal == null) {
      refusal = orgRefusal(org, actor, Capability.MANAGE_ROLES);
    }
    attempt("switchResolution", actor + " switches " + org.label + " from " + org.resolution + " to " + next,
        refusal == null ? Expect.ok() : Expect.refused(refusal),
        () -> {
          policy.roles().switchResolution(principal(actor), org.id, next);
          return null;
        },
        x -> org.resolution = next);
  }

  /**
   * The preview lists exactly the member × project pairs whose effective role differs between the
   * current rule and {@code next} by the reference (active members in user-id order, then projects in
   * creation order), each naming one of the roles whose grant is involved. With {@code count}, a
   * non-empty prediction is recorded in the outcomes (for the statistics of switches).
   */
  private void checkPreview(RefOrg org, ResolutionRule next, List<ResolutionChange> changes, boolean count) {
    List<String> expected = new ArrayList<>();
    List<Set<RoleId>> via = new ArrayList<>();
    for (RefMember m : org.members.values()) {
      if (!m.activeAt(now())) {
        continue;
      }
      for (RefProject p : org.projects) {
        Access before = access(p, m.user, org.resolution);
        Access after = access(p, m.user, next);
        Optional<ProjectRole> b = Optional.ofNullable(before).map(Access::role);
        Optional<ProjectRole> a = Optional.ofNullable(after).map(Access::role);
        if (!b.equals(a)) {
          expected.add(changeText(m.user, p, b, a));
          via.add(rolesGiving(p, m.user, bestRoleGrant(p, m.user)));
        }
      }
    }
    List<String> actual = changes.stream().map(c -> {
      RefProject p = projectById(c.project());
      return p == null ? "unknown project " + c : changeText(c.member(), p, c.before(), c.after());
    }).toList();
    if (count && !expected.isEmpty()) {
      outcomes.add("previewResolution predicted changes");
    } else if (!expected.isEmpty() && !previewChangesSeen) {
      previewChangesSeen = true;
      outcomes.add("previewResolution (invariant) predicted changes"); // once per chain
    }
    if (!actual.equals(expected)) {
      throw failure("[issue 16 preview = predicted changes] previewResolutionChange(" + org.label + ", " + org.resolution
          + " -> " + next + ") = " + actual + ", the reference predicts " + expected, null);
    }
    for (int i = 0; i < changes.size(); i++) {
      if (!via.get(i).contains(changes.get(i).via())) {
        throw failure("[issue 16 preview names the role] " + actual.get(i) + " names role " + changes.get(i).via()
            + ", expected one of " + via.get(i), null);
      }
    }
  }

  private static String changeText(UserId user, RefProject p, Optional<ProjectRole> before, Optional<ProjectRole> after) {
    return user + " on " + p.label + ": " + before.map(Enum::name).orElse("hidden") + " -> "
        + after.map(Enum::name).orElse("hidden");
  }

  // ================================================================================= observation

  /**
   * Everything a refused operation must leave as it was, as seen through the public API by every pool
   * user: organizations, members, visible projects, pending invites, grants, every check, whoCan and
   * token resolution. Values are results or the error code of the refusal.
   */
  private Map<String, Object> observe() {
    Map<String, Object> o = new LinkedHashMap<>();
    for (UserId u : USERS) {
      Principal p = principal(u);
      o.put(u + " organizations", result(() -> policy.organizations().list(p)));
      for (RefOrg org : orgs) {
        o.put(u + " members of " + org.label, result(() -> policy.members().list(p, org.id)));
        o.put(u + " visibleProjects of " + org.label, result(() -> policy.visibleProjects(p, org.id)));
        o.put(u + " pending invites of " + org.label, result(() -> policy.invites().listPending(p, org.id)));
        o.put(u + " checks on " + org.label, ORG_CAPABILITIES.stream().map(c -> policy.check(p, c, org.id)).toList());
        o.put(u + " roles of " + org.label, result(() -> policy.roles().list(p, org.id)));
      }
      for (RefProject prj : projects) {
        o.put(u + " grants on " + prj.label, result(() -> policy.grants().list(p, prj.id)));
        o.put(u + " checks on " + prj.label, PROJECT_CAPABILITIES.stream().map(c -> policy.check(p, c, prj.id)).toList());
      }
    }
    for (RefOrg org : orgs) {
      // Role members and grants read alike for every member: one viewer, chosen by the (unchanged) reference.
      Principal viewer = org.members.values().stream().filter(m -> m.activeAt(now())).findFirst()
          .map(m -> principal(m.user)).orElse(principal(USERS.get(0)));
      for (RefRole r : org.roles) {
        o.put("members of " + r.label, result(() -> policy.roles().members(viewer, r.id)));
        o.put("grants of " + r.label, result(() -> policy.roles().grants(viewer, r.id)));
      }
    }
    for (RefProject prj : projects) {
      o.put("whoCan VIEW_DATA on " + prj.label, result(() -> policy.whoCan(Capability.VIEW_DATA, prj.id)));
      o.put("whoCan MANAGE_PROJECT_ACCESS on " + prj.label,
          result(() -> policy.whoCan(Capability.MANAGE_PROJECT_ACCESS, prj.id)));
      o.put("token of " + prj.label, policy.resolveProjectToken(prj.token).map(Project::id));
      for (String old : prj.oldTokens) {
        o.put("old token of " + prj.label + " #" + prj.oldTokens.indexOf(old), policy.resolveProjectToken(old).map(Project::id));
      }
    }
    return o;
  }

  /** What {@code read} returns, or "refused: CODE" when Warden refuses it; for before/after comparisons. */
  static Object result(Supplier<?> read) {
    try {
      return read.get();
    } catch (WardenException e) {
      return "refused: " + e.code();
    }
  }

  // =================================================================================== invariants

  /**
   * Checks every invariant listed in the class comment against the current state; throws an
   * {@link AssertionError} naming the invariant, the spec section, the steps run so far and the
   * reference state.
   */
  public void checkInvariants() {
    for (RefOrg org : orgs) {
      Principal viewer = checkOwnersAndMembers(org);
      checkPendingInvites(org, viewer);
      checkRoles(org, viewer);
      ResolutionRule other = org.resolution == ResolutionRule.HIGHEST_WINS ? ResolutionRule.MOST_SPECIFIC
          : ResolutionRule.HIGHEST_WINS;
      checkPreview(org, other, policy.roles().previewResolutionChange(viewer, org.id, other), false);
      for (RefProject p : org.projects) {
        checkGrants(p, viewer);
      }
    }
    for (UserId u : USERS) {
      for (RefOrg org : orgs) {
        checkOrgChecks(org, u);
        checkVisibleProjects(org, u);
      }
      for (RefProject p : projects) {
        checkProjectChecks(p, u);
      }
    }
    for (RefProject p : projects) {
      checkWhoCan(p);
      checkTokens(p);
    }
  }

  /** §3: at least one Owner, exactly one under SINGLE; members equal the reference. Returns an Owner. */
  private Principal checkOwnersAndMembers(RefOrg org) {
    List<Membership> seen = null;
    for (UserId u : USERS) {
      try {
        seen = policy.members().list(principal(u), org.id);
        break;
      } catch (WardenException e) {
        // not an active member; try the next user
      }
    }
    if (seen == null) {
      throw failure("[§3 at least one Owner] no pool user can list the members of " + org.label
          + ": it has no active member, hence no Owner", null);
    }
    List<Membership> owners = seen.stream().filter(m -> m.level() == OrgLevel.OWNER).toList();
    if (owners.isEmpty()) {
      throw failure("[§3 at least one Owner] " + org.label + " has no Owner: " + seen, null);
    }
    if (preset.ownership() == OwnershipRule.SINGLE && owners.size() != 1) {
      throw failure("[§3 SINGLE: exactly one Owner] " + org.label + " has Owners " + owners, null);
    }
    List<String> actual = seen.stream()
        .map(m -> m.user() + ":" + m.level() + m.expiresAt().map(e -> " until " + e).orElse("")).toList();
    List<String> expected = org.members.values().stream().filter(m -> m.activeAt(now())).map(RefMember::toString).toList();
    if (!actual.equals(expected)) {
      throw failure("[§3 members] members of " + org.label + " are " + actual + ", the reference says " + expected, null);
    }
    return principal(owners.get(0).user());
  }

  /**
   * Issue 16: the organization's resolution rule, its roles (names, capabilities), every role's members
   * (expired ones included) and grants equal the reference; deleted roles are gone; nobody outside the
   * organization belongs to a role (removal ends role memberships).
   */
  private void checkRoles(RefOrg org, Principal viewer) {
    ResolutionRule rule = policy.organizations().get(viewer, org.id).settings().resolution();
    if (rule != org.resolution) {
      throw failure("[issue 16 resolution rule] " + org.label + " resolves by " + rule + ", the reference says "
          + org.resolution, null);
    }
    List<String> actual = policy.roles().list(viewer, org.id).stream()
        .map(r -> r.id() + " '" + r.name() + "' " + sorted(r.capabilities())).toList();
    List<String> expected = org.roles.stream().filter(r -> !r.deleted)
        .map(r -> r.id + " '" + r.name + "' " + sorted(r.capabilities)).toList();
    if (!actual.equals(expected)) {
      throw failure("[issue 16 roles] roles of " + org.label + " are " + actual + ", the reference says " + expected, null);
    }
    for (RefRole r : org.roles) {
      if (r.deleted) {
        String seen = refusalOf(() -> policy.roles().members(viewer, r.id));
        if (!seen.contains("NOT_FOUND")) {
          throw failure("[issue 16 deleted role] members of deleted " + r.label + ": " + seen, null);
        }
        continue;
      }
      List<RoleMember> members = policy.roles().members(viewer, r.id);
      for (RoleMember m : members) {
        if (!org.members.containsKey(m.user().value())) {
          throw failure("[issue 16 removal ends role memberships] " + m.user() + " is not a member of " + org.label
              + " but still belongs to " + r.label + ": " + members, null);
        }
      }
      List<String> actualMembers = members.stream()
          .map(m -> new RefRoleMember(m.user(), m.expiresAt()).toString()).toList();
      List<String> expectedMembers = r.members.values().stream().map(RefRoleMember::toString).toList();
      if (!actualMembers.equals(expectedMembers)) {
        throw failure("[issue 16 role members] members of " + r.label + " are " + actualMembers + ", the reference says "
            + expectedMembers, null);
      }
      List<String> actualGrants = new ArrayList<>();
      for (RoleGrant g : policy.roles().grants(viewer, r.id)) {
        RefProject p = projectById(g.project());
        actualGrants.add((p == null ? "unknown " + g.project() : p.label) + ":" + g.projectRole());
      }
      if (!actualGrants.equals(r.grantsText())) {
        throw failure("[issue 16 role grants] grants of " + r.label + " are " + actualGrants + ", the reference says "
            + r.grantsText(), null);
      }
    }
  }

  /** The capabilities by name: a store need not keep the order they were added in. */
  private static Set<String> sorted(Set<Capability> capabilities) {
    Set<String> sorted = new java.util.TreeSet<>();
    capabilities.forEach(c -> sorted.add(c.name()));
    return sorted;
  }

  private void checkPendingInvites(RefOrg org, Principal viewer) {
    List<InviteId> actual = policy.invites().listPending(viewer, org.id).stream().map(Invite::id).toList();
    List<InviteId> expected = invites.stream().filter(i -> i.org == org && i.pendingAt(now())).map(i -> i.id).toList();
    if (!actual.equals(expected)) {
      throw failure("[§4 pending invites] " + org.label + " lists " + actual + ", the reference says " + expected
          + " (one pending invite per email; used, replaced, revoked and expired ones are not pending)", null);
    }
  }

  private void checkGrants(RefProject p, Principal viewer) {
    if (p.deleted) {
      return;
    }
    List<String> actual = policy.grants().list(viewer, p.id).stream()
        .map(g -> new RefGrant(g.user(), g.role(), g.expiresAt()).toString()).toList();
    List<String> expected = p.grants.values().stream().map(RefGrant::toString).toList();
    if (!actual.equals(expected)) {
      throw failure("[§5 grants] grants on " + p.label + " are " + actual + ", the reference says " + expected, null);
    }
  }

  private void checkOrgChecks(RefOrg org, UserId u) {
    for (Capability c : ORG_CAPABILITIES) {
      Decision d = policy.check(principal(u), c, org.id);
      if (activeMember(org, u) == null && d != policy.check(principal(u), c, MISSING_ORG)) {
        throw failure("[§2.4 non-member = missing] check(" + u + ", " + c + ", " + org.label + ") = " + d
            + " for a non-member, but a missing organization answers " + policy.check(principal(u), c, MISSING_ORG), null);
      }
      Outcome expected = expectedOrgCheck(org, u, c);
      if (c == Capability.MANAGE_ROLES || c == Capability.MANAGE_ORG_SETTINGS) {
        Decision explained = policy.explain(principal(u), c, org.id).decision();
        if (explained != d) {
          throw failure("[explain/check agree] explain(" + u + ", " + c + ", " + org.label + ") = " + explained
              + " but check = " + d, null);
        }
      }
      if (d.outcome() != expected) {
        RefMember stored = org.members.get(u.value());
        throw failure("[§2.1/§2.4" + (stored != null && !stored.activeAt(now()) ? " §3 expired membership grants nothing" : "")
            + "] check(" + u + ", " + c + ", " + org.label + ") = " + d + ", the reference says " + expected, null);
      }
    }
  }

  private void checkVisibleProjects(RefOrg org, UserId u) {
    List<String> expected = new ArrayList<>();
    for (RefProject p : org.projects) {
      Access a = access(p, u);
      if (a != null) {
        expected.add(p.label + ":" + a.role() + "/" + a.source());
      }
    }
    List<VisibleProject> visible;
    try {
      visible = policy.visibleProjects(principal(u), org.id);
    } catch (WardenException e) {
      if (activeMember(org, u) == null && e.code() == ErrorCode.NOT_FOUND) {
        return; // §2.4: a non-member gets NOT_FOUND for the organization and everything in it
      }
      throw failure("[§5 visibleProjects] visibleProjects(" + u + ", " + org.label + ") threw " + e + ", expected "
          + expected, e);
    }
    if (activeMember(org, u) == null) {
      throw failure("[§2.4] visibleProjects(" + u + ", " + org.label + ") answered " + visible
          + " for a user without an active membership; expected NOT_FOUND", null);
    }
    List<String> actual = new ArrayList<>();
    for (VisibleProject v : visible) {
      RefProject p = projects.stream().filter(x -> x.id.equals(v.project().id())).findFirst().orElse(null);
      if (p == null || p.org != org) {
        throw failure("[§5 visibleProjects] " + u + " sees unknown or foreign project " + v, null);
      }
      actual.add(p.label + ":" + v.role() + "/" + v.source());
      // agreement with check: a visible project's role holds exactly the capabilities check allows
      for (Capability c : PROJECT_CAPABILITIES) {
        boolean allowed = policy.check(principal(u), c, p.id).allowed();
        if (allowed != Preset.allows(v.role(), c)) {
          throw failure("[visibleProjects/check agree] " + u + " sees " + p.label + " as " + v.role() + " but check("
              + c + ") says " + (allowed ? "ALLOW" : "not allowed"), null);
        }
      }
    }
    if (!actual.equals(expected)) {
      throw failure("[§2.3/§5 visibleProjects, hidden projects never listed] visibleProjects(" + u + ", " + org.label
          + ") = " + actual + ", the reference says " + expected, null);
    }
    List<VisibleProject> paged = new ArrayList<>();
    Page<VisibleProject> page = policy.visibleProjects(principal(u), org.id, PageRequest.first(1));
    paged.addAll(page.items());
    // Bounded: a cursor that does not move on would otherwise page forever.
    for (int n = 0; page.nextCursor().isPresent() && n <= visible.size(); n++) {
      page = policy.visibleProjects(principal(u), org.id, PageRequest.after(page.nextCursor().get(), 1));
      paged.addAll(page.items());
    }
    if (!paged.equals(visible)) {
      throw failure("[visibleProjects pages] pages of 1 for " + u + " in " + org.label + " = " + paged
          + ", the whole list is " + visible, null);
    }
  }

  private void checkProjectChecks(RefProject p, UserId u) {
    Principal principal = principal(u);
    Access a = access(p, u);
    ProjectAccess held = accesses.computeIfAbsent(u + " on " + p.id, k -> policy.access(principal, p.id));
    for (Capability c : PROJECT_CAPABILITIES) {
      Decision d = policy.check(principal, c, p.id);
      Decision throughHeld = held.check(c);
      if (!throughHeld.equals(d)) {
        throw failure("[ProjectAccess = check] " + held + ", held since an earlier step, answers " + throughHeld
            + " for " + c + " where check answers " + d, null);
      }
      Decision expected = expectedCheck(p, u, c);
      boolean same = d.outcome() == expected.outcome() && (!d.allowed() || d.reason() == expected.reason());
      if (!same) {
        throw failure("[§2.3 effective role" + whyExpired(p, u) + "] check(" + u + ", " + c + ", " + p.label + ") = " + d
            + ", the reference says " + expected, null);
      }
      if (c == Capability.VIEW_DATA || c == Capability.MANAGE_PROJECT_ACCESS) {
        checkExplain(p, u, c, d, a);
      }
      if (a == null) {
        // §2.3: hidden answers exactly like missing
        Decision missing = policy.check(principal, c, MISSING_PROJECT);
        if (d != missing) {
          throw failure("[§2.3 hidden = missing] check on hidden " + p.label + " = " + d + " but on a missing project = "
              + missing, null);
        }
      }
    }
    if (a == null) {
      String hidden = refusalOf(() -> policy.projects().get(principal, p.id));
      String missing = refusalOf(() -> policy.projects().get(principal, MISSING_PROJECT));
      if (!hidden.equals(missing)) {
        throw failure("[§2.3/§11 hidden = missing] projects().get(" + u + ", hidden " + p.label + ") -> " + hidden
            + ", but for a missing project -> " + missing, null);
      }
    }
  }

  /**
   * explain agrees with check; when a role's grant decides, the explanation names one of the roles that
   * give that project role (issue 16).
   */
  private void checkExplain(RefProject p, UserId u, Capability c, Decision d, Access a) {
    dev.warden.report.Explanation e = policy.explain(principal(u), c, p.id);
    if (e.decision() != d) {
      throw failure("[explain/check agree] explain(" + u + ", " + c + ", " + p.label + ") = " + e.decision()
          + " but check = " + d, null);
    }
    if (a != null && a.source() == Reason.ROLE_GRANT) {
      List<String> names = p.org.roles.stream().filter(r -> rolesGiving(p, u, a.role()).contains(r.id))
          .map(r -> r.name).toList();
      boolean named = e.steps().stream().anyMatch(step -> names.stream().anyMatch(step::contains));
      if (!named) {
        throw failure("[issue 16 explain names the role] explain(" + u + ", " + c + ", " + p.label + ") steps "
            + e.steps() + " name none of the roles " + names + " that give " + a.role(), null);
      }
    }
  }

  private String whyExpired(RefProject p, UserId u) {
    RefMember stored = p.org.members.get(u.value());
    RefGrant grant = p.grants.get(u.value());
    if (stored != null && !stored.activeAt(now())) {
      return "; §3 expired membership grants nothing";
    }
    if (grant != null && !grant.activeAt(now())) {
      return "; §15 expired grant grants nothing";
    }
    for (RefRole r : p.org.roles) {
      RefRoleMember rm = r.members.get(u.value());
      if (r.grants.containsKey(p) && rm != null && !rm.activeAt(now())) {
        return "; issue 16 expired role membership grants nothing";
      }
    }
    return "";
  }

  private static String refusalOf(Supplier<?> read) {
    try {
      return "returned " + read.get();
    } catch (WardenException e) {
      return e.getClass().getSimpleName() + "(" + e.code() + ", \"" + e.getMessage() + "\")";
    }
  }

  /** whoCan agrees with check and with the reference, for every project capability. */
  private void checkWhoCan(RefProject p) {
    for (Capability c : PROJECT_CAPABILITIES) {
      List<AccessHolder> holders;
      try {
        holders = policy.whoCan(c, p.id);
      } catch (WardenException e) {
        if (p.deleted && e.code() == ErrorCode.NOT_FOUND) {
          continue;
        }
        throw failure("[§6 whoCan] whoCan(" + c + ", " + p.label + ") threw " + e, e);
      }
      if (p.deleted) {
        throw failure("[§5 deleted project] whoCan(" + c + ", deleted " + p.label + ") answered " + holders, null);
      }
      List<String> actual = holders.stream()
          .map(h -> h.user() + ":" + h.role().map(Enum::name).orElse("?") + "/" + h.reason()).toList();
      List<String> byCheck = new ArrayList<>();
      List<String> expected = new ArrayList<>();
      for (UserId u : USERS) {
        Decision d = policy.check(principal(u), c, p.id);
        Access a = access(p, u);
        if (d.allowed()) {
          byCheck.add(u.value());
        }
        if (a != null && Preset.allows(a.role(), c)) {
          expected.add(u + ":" + a.role() + "/" + a.source());
        }
      }
      List<String> holderIds = holders.stream().map(h -> h.user().value()).toList();
      if (!holderIds.equals(byCheck)) {
        throw failure("[whoCan/check agree] whoCan(" + c + ", " + p.label + ") = " + holderIds
            + " but check allows exactly " + byCheck, null);
      }
      if (!actual.equals(expected)) {
        throw failure("[§6 whoCan] whoCan(" + c + ", " + p.label + ") = " + actual + ", the reference says " + expected,
            null);
      }
      for (AccessHolder h : holders) {
        RefMember m = activeMember(p.org, h.user());
        if (m == null || h.level() != m.level) {
          throw failure("[§6 whoCan] " + h + " on " + p.label + ": level does not match the reference " + m, null);
        }
      }
    }
  }

  /** §5: the current token resolves to its project; rotated tokens and deleted projects' tokens to nothing. */
  private void checkTokens(RefProject p) {
    Optional<ProjectId> current = policy.resolveProjectToken(p.token).map(Project::id);
    Optional<ProjectId> expected = p.deleted ? Optional.empty() : Optional.of(p.id);
    if (!current.equals(expected)) {
      throw failure("[§5 project token] the current token of " + p.label + (p.deleted ? " (deleted)" : "")
          + " resolves to " + current + ", expected " + expected, null);
    }
    for (String old : p.oldTokens) {
      if (policy.resolveProjectToken(old).isPresent()) {
        throw failure("[§5 rotated token] an old token of " + p.label + " still resolves", null);
      }
    }
  }

  // ====================================================================================== access

  /** The policy under test. */
  public AccessPolicy policy() {
    return policy;
  }

  /** Closes the policy (its background refresher); the store is its maker's to close. */
  public void close() {
    policy.close();
  }

  /** The clock the policy judges expiry by. */
  public FakeClock clock() {
    return clock;
  }

  /** The steps run so far, with what each resolved to and how it ended. */
  public List<String> log() {
    return List.copyOf(log);
  }

  /** One entry per step: the kind of action and {@code OK} or the refusal's error code, for jqwik statistics. */
  public List<String> outcomes() {
    return List.copyOf(outcomes);
  }

  @Override
  public String toString() {
    return "MembershipModel[" + preset + ", " + log.size() + " calls, organizations " + orgs.stream().map(o -> o.label).toList()
        + ", " + projects.size() + " projects, " + invites.size() + " invites, "
        + orgs.stream().mapToInt(o -> o.roles.size()).sum() + " roles]";
  }
}
