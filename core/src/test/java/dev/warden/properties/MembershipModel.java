package dev.warden.properties;

import com.google.common.collect.ImmutableSet;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.AccessPolicy;
import dev.warden.Decision;
import dev.warden.Decision.Outcome;
import dev.warden.ErrorCode;
import dev.warden.Principal;
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
import dev.warden.spi.Store;
import dev.warden.testing.FakeClock;
import dev.warden.testing.WardenArbitraries;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 * A model-based harness for jqwik stateful tests of membership, invites, projects and grants: a real
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
 *   <li>{@code visibleProjects}, {@code whoCan} and {@code check} agree with each other;
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

  private static final Duration INVITE_VALIDITY = Duration.ofDays(3);
  private static final String BOGUS_TOKEN = "inv_" + "A".repeat(43);
  private static final ProjectId MISSING_PROJECT = ProjectId.of("prj_does_not_exist");
  private static final OrgId MISSING_ORG = OrgId.of("org_does_not_exist");
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
    checkNotNull(matrix, "matrix");
    checkNotNull(stores, "stores");
    Preset.of(matrix); // fail fast on a matrix the reference does not know
    ActionChainArbitrary<MembershipModel> chains = ActionChain.startWith(() -> start(matrix, stores));
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

  /** §2.3, step by step; null means "no access": the project is hidden (or deleted). */
  private Access access(RefProject p, UserId user) {
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
    RefGrant g = p.grants.get(user.value()); // 3. an active explicit grant wins, even when lower
    if (g != null && g.activeAt(now())) {
      return new Access(g.role(), Reason.EXPLICIT_GRANT);
    }
    if (p.visibility == Visibility.OPEN) { // 4. open: the default role
      return new Access(p.defaultRole, Reason.DEFAULT_ROLE);
    }
    return null; // 5. private: no access
  }

  private Decision expectedCheck(RefProject p, UserId user, Capability capability) {
    Access a = access(p, user);
    if (a == null) {
      return Decision.notFound();
    }
    return Preset.allows(a.role(), capability) ? Decision.allow(a.source()) : Decision.deny(Reason.ROLE_TOO_LOW);
  }

  private Outcome expectedOrgCheck(RefOrg org, UserId user, Capability capability) {
    RefMember m = activeMember(org, user);
    if (m == null) {
      return Outcome.NOT_FOUND;
    }
    return preset.allows(m.level, capability) ? Outcome.ALLOW : Outcome.DENY;
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

  private void deleteMember(RefOrg org, UserId user) {
    org.members.remove(user.value());
    for (RefProject p : org.projects) {
      p.grants.remove(user.value());
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
          + ") changed observable state:\n" + diff(before, after), refusal);
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
      s.append("    ").append(org.label).append(" members ").append(org.members.values()).append('\n');
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
    UserId target = target(targetWho, org, actor);
    Optional<Instant> expiresAt = offset.map(now()::plus);
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
    } else if (!preset.allows(activeMember(org, actor).level, Capability.DELETE_PROJECT)) {
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
      }
      for (RefProject prj : projects) {
        o.put(u + " grants on " + prj.label, result(() -> policy.grants().list(p, prj.id)));
        o.put(u + " checks on " + prj.label, PROJECT_CAPABILITIES.stream().map(c -> policy.check(p, c, prj.id)).toList());
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

  private static String diff(Map<String, Object> before, Map<String, Object> after) {
    StringBuilder s = new StringBuilder();
    for (String key : before.keySet()) {
      if (!Objects.equals(before.get(key), after.get(key))) {
        s.append("    ").append(key).append(":\n      before ").append(before.get(key)).append("\n      after  ")
            .append(after.get(key)).append('\n');
      }
    }
    return s.toString();
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
  }

  private void checkProjectChecks(RefProject p, UserId u) {
    Principal principal = principal(u);
    Access a = access(p, u);
    for (Capability c : PROJECT_CAPABILITIES) {
      Decision d = policy.check(principal, c, p.id);
      Decision expected = expectedCheck(p, u, c);
      boolean same = d.outcome() == expected.outcome() && (!d.allowed() || d.reason() == expected.reason());
      if (!same) {
        throw failure("[§2.3 effective role" + whyExpired(p, u) + "] check(" + u + ", " + c + ", " + p.label + ") = " + d
            + ", the reference says " + expected, null);
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

  private String whyExpired(RefProject p, UserId u) {
    RefMember stored = p.org.members.get(u.value());
    RefGrant grant = p.grants.get(u.value());
    if (stored != null && !stored.activeAt(now())) {
      return "; §3 expired membership grants nothing";
    }
    if (grant != null && !grant.activeAt(now())) {
      return "; §15 expired grant grants nothing";
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
        + ", " + projects.size() + " projects, " + invites.size() + " invites]";
  }
}
