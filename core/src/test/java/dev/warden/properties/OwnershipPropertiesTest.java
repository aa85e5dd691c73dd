package dev.warden.properties;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.AccessPolicy;
import dev.warden.ErrorCode;
import dev.warden.Principal;
import dev.warden.WardenException;
import dev.warden.invite.InviteRequest;
import dev.warden.matrix.Capability;
import dev.warden.matrix.Capability.Scope;
import dev.warden.matrix.PermissionMatrix;
import dev.warden.organization.Membership;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.OwnershipRule;
import dev.warden.organization.UserId;
import dev.warden.project.ProjectId;
import dev.warden.properties.MembershipModel.Preset;
import dev.warden.testing.FakeClock;
import dev.warden.testing.WardenArbitraries;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.BeforeTry;
import net.jqwik.api.statistics.Statistics;

/**
 * Properties of ownership and level changes (spec §3, §15 "Levels and ownership"): random sequences of
 * level changes, ownership transfers, expiries, removals and departures, by random members of an
 * organization whose other members start at random levels, under both presets.
 *
 * <p>The expected outcome of a level change is predicted from the members as the public API shows them
 * just before the change, with §15's rules in §15's order, so these properties do not depend on
 * {@link MembershipModel}'s bookkeeping.
 */
class OwnershipPropertiesTest {

  private static final List<UserId> USERS = WardenArbitraries.userPool();
  private static final List<Capability> ORG_CAPABILITIES = WardenArbitraries.capabilitiesOf(Scope.ORGANIZATION);

  private FakeClock clock;

  @BeforeTry
  void freshClock() {
    clock = FakeClock.create();
  }

  // ----------------------------------------------------------------------------------- properties

  /** §3: whatever members do to each other's levels, an organization keeps an Owner; exactly one under SINGLE. */
  @Property(tries = 150)
  void ownershipOperations_neverLeaveZeroOwners(@ForAll("presets") PermissionMatrix matrix,
      @ForAll @Size(4) List<@From("levels") OrgLevel> startLevels, @ForAll("operations") List<Op> ops) {
    Org org = orgWith(matrix, startLevels);
    for (Op op : ops) {
      Optional<ErrorCode> outcome = org.run(op);
      Statistics.label("outcomes").collect(op.kind() + " " + outcome.map(Enum::name).orElse("OK"));
      List<Membership> owners = org.activeMembers().values().stream().filter(m -> m.level() == OrgLevel.OWNER).toList();
      assertThat(owners).as("§3 Owners after %s; steps %s", op, org.log).isNotEmpty();
      if (matrix.ownership() == OwnershipRule.SINGLE) {
        assertThat(owners).as("§3 SINGLE: exactly one Owner after %s; steps %s", op, org.log).hasSize(1);
      }
      assertThat(owners).as("§15 an Owner never has an expiry").allMatch(m -> m.expiresAt().isEmpty());
    }
  }

  /**
   * §11/§15: a refused level change, transfer, expiry, removal or departure throws a
   * {@link WardenException} and changes nothing anyone can observe: members and levels as every user
   * sees them, their organizations, every organization-level check and their visible projects.
   */
  @Property(tries = 150)
  void refusedOwnershipOperations_leaveStateUnchanged(@ForAll("presets") PermissionMatrix matrix,
      @ForAll @Size(4) List<@From("levels") OrgLevel> startLevels, @ForAll("operations") List<Op> ops) {
    Org org = orgWith(matrix, startLevels);
    for (Op op : ops) {
      Map<String, Object> before = org.observe();
      Optional<ErrorCode> refusal = org.run(op);
      if (refusal.isPresent()) {
        assertThat(org.observe()).as("§11 state after refused %s (%s); steps %s", op, refusal.get(), org.log)
            .isEqualTo(before);
      }
    }
  }

  /**
   * §15: a level change succeeds exactly when the rules allow it, and is otherwise refused with the
   * code of the first rule it breaks: {@code MANAGE_MEMBERS}, target an active member, not oneself,
   * target's and new level at most the actor's, no new Owner under SINGLE, never zero Owners.
   */
  @Property(tries = 150)
  void levelChange_outcomeFollowsSpecRulesInOrder(@ForAll("presets") PermissionMatrix matrix,
      @ForAll @Size(4) List<@From("levels") OrgLevel> startLevels, @ForAll("operations") List<Op> setup,
      @ForAll("users") int actor, @ForAll("users") int target, @ForAll("levels") OrgLevel level) {
    Org org = orgWith(matrix, startLevels);
    setup.forEach(org::run);
    Map<UserId, Membership> members = org.activeMembers();
    Optional<ErrorCode> expected = predictLevelChange(Preset.of(matrix), members, USERS.get(actor), USERS.get(target), level);
    Optional<ErrorCode> actual = org.run(new Op(Kind.CHANGE_LEVEL, actor, target, level, Duration.ZERO));
    assertThat(actual).as("changeLevel(u%s sets u%s to %s) with members %s; steps %s", actor, target, level,
        members.values(), org.log).isEqualTo(expected);
    if (actual.isEmpty()) {
      assertThat(org.activeMembers().get(USERS.get(target)).level()).isEqualTo(level);
    }
  }

  /**
   * §3/§15: {@code transferOwnership} makes the target Owner and the actor Admin, atomically, under both
   * rules; under SINGLE it is the only way ownership moves, so the Owner after a sequence is the target
   * of the last successful transfer (or the creator).
   */
  @Property(tries = 150)
  void transferOwnership_movesOwnershipToTheTarget(@ForAll("presets") PermissionMatrix matrix,
      @ForAll @Size(4) List<@From("levels") OrgLevel> startLevels, @ForAll("operations") List<Op> ops) {
    Org org = orgWith(matrix, startLevels);
    UserId singleOwner = USERS.get(0);
    for (Op op : ops) {
      Optional<ErrorCode> refusal = org.run(op);
      if (op.kind() == Kind.TRANSFER && refusal.isEmpty()) {
        Map<UserId, Membership> after = org.activeMembers();
        assertThat(after.get(USERS.get(op.target())).level()).as("new Owner after %s", op).isEqualTo(OrgLevel.OWNER);
        assertThat(after.get(USERS.get(op.actor())).level()).as("previous Owner after %s", op).isEqualTo(OrgLevel.ADMIN);
        singleOwner = USERS.get(op.target());
      }
      if (op.kind() == Kind.CHANGE_LEVEL && op.level() == OrgLevel.OWNER && matrix.ownership() == OwnershipRule.SINGLE) {
        assertThat(refusal).as("§3 SINGLE: changeLevel never makes an Owner (%s)", op).isPresent();
      }
    }
    if (matrix.ownership() == OwnershipRule.SINGLE) {
      UserId expectedOwner = singleOwner;
      assertThat(org.activeMembers().values()).as("steps %s", org.log)
          .filteredOn(m -> m.level() == OrgLevel.OWNER).extracting(Membership::user).containsExactly(expectedOwner);
    }
  }

  /** §3/§15: an Owner cannot be given an expiry, cannot leave and cannot be removed, whoever tries. */
  @Property(tries = 100)
  void owners_neverExpireLeaveOrAreRemoved(@ForAll("presets") PermissionMatrix matrix,
      @ForAll @Size(4) List<@From("levels") OrgLevel> startLevels, @ForAll("operations") List<Op> setup,
      @ForAll("users") int actor, @ForAll("expiries") Duration offset) {
    Org org = orgWith(matrix, startLevels);
    setup.forEach(org::run);
    for (Membership owner : org.activeMembers().values().stream().filter(m -> m.level() == OrgLevel.OWNER).toList()) {
      int ownerIndex = USERS.indexOf(owner.user());
      assertThat(org.run(new Op(Kind.SET_EXPIRY, actor, ownerIndex, OrgLevel.MEMBER, offset)))
          .as("u%s sets an expiry on Owner %s; steps %s", actor, owner.user(), org.log).isPresent();
      assertThat(org.run(new Op(Kind.REMOVE, actor, ownerIndex, OrgLevel.MEMBER, Duration.ZERO)))
          .as("u%s removes Owner %s; steps %s", actor, owner.user(), org.log).isPresent();
      assertThat(org.run(new Op(Kind.LEAVE, ownerIndex, ownerIndex, OrgLevel.MEMBER, Duration.ZERO)))
          .as("Owner %s leaves", owner.user())
          .hasValueSatisfying(code -> assertThat(code).isIn(ErrorCode.OWNER_CANNOT_LEAVE, ErrorCode.PERMISSION_DENIED));
      assertThat(org.activeMembers().get(owner.user())).as("Owner %s after all that", owner.user()).isEqualTo(owner);
    }
  }

  // ----------------------------------------------------------------------------------- prediction

  /** §15 "Levels and ownership", in the order §15 lists the rules; empty means the change succeeds. */
  static Optional<ErrorCode> predictLevelChange(Preset preset, Map<UserId, Membership> active, UserId actor,
      UserId target, OrgLevel level) {
    Membership me = active.get(actor);
    if (me == null) {
      return Optional.of(ErrorCode.NOT_FOUND);
    }
    if (!preset.allows(me.level(), Capability.MANAGE_MEMBERS)) {
      return Optional.of(ErrorCode.PERMISSION_DENIED);
    }
    Membership t = active.get(target);
    if (t == null) {
      return Optional.of(ErrorCode.NOT_A_MEMBER);
    }
    if (actor.equals(target)) {
      return Optional.of(ErrorCode.CANNOT_CHANGE_OWN_LEVEL);
    }
    if (!me.level().atLeast(t.level()) || !me.level().atLeast(level)) {
      return Optional.of(ErrorCode.LEVEL_ABOVE_OWN);
    }
    if (level == OrgLevel.OWNER && preset.ownership() == OwnershipRule.SINGLE) {
      return Optional.of(ErrorCode.SINGLE_OWNERSHIP);
    }
    long owners = active.values().stream().filter(m -> m.level() == OrgLevel.OWNER).count();
    if (t.level() == OrgLevel.OWNER && level != OrgLevel.OWNER && owners < 2) {
      return Optional.of(ErrorCode.LAST_OWNER);
    }
    if (level == OrgLevel.OWNER && t.expiresAt().isPresent()) {
      return Optional.of(ErrorCode.OWNER_CANNOT_EXPIRE);
    }
    return Optional.empty();
  }

  // --------------------------------------------------------------------------------- arbitraries

  enum Kind { CHANGE_LEVEL, TRANSFER, SET_EXPIRY, REMOVE, LEAVE, ADVANCE_CLOCK }

  /** One operation by pool user {@code actor} on pool user {@code target}. */
  record Op(Kind kind, int actor, int target, OrgLevel level, Duration offset) {
    @Override
    public String toString() {
      return switch (kind) {
        case CHANGE_LEVEL -> "u" + actor + " sets u" + target + " to " + level;
        case TRANSFER -> "u" + actor + " transfers ownership to u" + target;
        case SET_EXPIRY -> "u" + actor + " sets u" + target + " to expire at now+" + offset;
        case REMOVE -> "u" + actor + " removes u" + target;
        case LEAVE -> "u" + actor + " leaves";
        case ADVANCE_CLOCK -> "clock +" + offset;
      };
    }
  }

  @Provide
  Arbitrary<PermissionMatrix> presets() {
    return WardenArbitraries.presets();
  }

  @Provide
  Arbitrary<OrgLevel> levels() {
    return WardenArbitraries.orgLevels();
  }

  @Provide
  Arbitrary<Integer> users() {
    return WardenArbitraries.userIndexes();
  }

  @Provide
  Arbitrary<Duration> expiries() {
    return WardenArbitraries.expiryOffsets();
  }

  @Provide
  Arbitrary<List<Op>> operations() {
    Arbitrary<Kind> kinds = Arbitraries.frequency(Tuple.of(6, Kind.CHANGE_LEVEL), Tuple.of(3, Kind.TRANSFER),
        Tuple.of(1, Kind.SET_EXPIRY), Tuple.of(1, Kind.REMOVE), Tuple.of(1, Kind.LEAVE), Tuple.of(1, Kind.ADVANCE_CLOCK));
    Arbitrary<Op> op = Combinators.combine(kinds, WardenArbitraries.userIndexes(), WardenArbitraries.userIndexes(),
        WardenArbitraries.orgLevels(), WardenArbitraries.expiryOffsets()).as(Op::new);
    return op.list().ofMinSize(5).ofMaxSize(25);
  }

  // ------------------------------------------------------------------------------------- fixture

  /**
   * An organization created by {@code u0} (its Owner) whose other pool users joined by invite at
   * {@code levels} (Owner becomes Admin under SINGLE, where an Owner invite is refused).
   */
  private Org orgWith(PermissionMatrix matrix, List<OrgLevel> levels) {
    AccessPolicy policy = AccessPolicy.builder().matrix(matrix).clock(clock).build();
    Principal creator = WardenArbitraries.principal(0);
    OrgId org = policy.organizations().create(creator, "Ownership").id();
    for (int i = 1; i < USERS.size(); i++) {
      OrgLevel level = levels.get(i - 1);
      if (level == OrgLevel.OWNER && matrix.ownership() == OwnershipRule.SINGLE) {
        level = OrgLevel.ADMIN;
      }
      String email = WardenArbitraries.emailOf(USERS.get(i));
      String token = policy.invites().create(creator, org, InviteRequest.to(email).level(level)).token();
      policy.invites().accept(token, WardenArbitraries.principal(i), email);
    }
    ProjectId project = policy.visibleProjects(creator, org).get(0).project().id();
    return new Org(policy, org, project);
  }

  /** The organization under test and the operations run on it. */
  private final class Org {
    final AccessPolicy policy;
    final OrgId id;
    final ProjectId defaultProject;
    final List<String> log = new java.util.ArrayList<>();

    Org(AccessPolicy policy, OrgId id, ProjectId defaultProject) {
      this.policy = policy;
      this.id = id;
      this.defaultProject = defaultProject;
    }

    /** Runs {@code op}; empty if it succeeded, else the code of the {@link WardenException} it threw. */
    Optional<ErrorCode> run(Op op) {
      Principal actor = WardenArbitraries.principal(op.actor());
      UserId target = USERS.get(op.target());
      try {
        switch (op.kind()) {
          case CHANGE_LEVEL -> policy.members().changeLevel(actor, id, target, op.level());
          case TRANSFER -> policy.members().transferOwnership(actor, id, target);
          case SET_EXPIRY -> policy.members().setExpiry(actor, id, target, clock.instant().plus(op.offset()));
          case REMOVE -> policy.members().remove(actor, id, target);
          case LEAVE -> policy.members().leave(actor, id);
          case ADVANCE_CLOCK -> clock.advance(op.offset().abs().plusHours(1));
        }
        log.add(op + " -> OK");
        return Optional.empty();
      } catch (WardenException e) {
        log.add(op + " -> " + e.code());
        return Optional.of(e.code());
      }
    }

    /** Active members by user id, as the public API lists them to whoever can still see the organization. */
    Map<UserId, Membership> activeMembers() {
      for (UserId u : USERS) {
        try {
          Map<UserId, Membership> byUser = new TreeMap<>((a, b) -> a.value().compareTo(b.value()));
          policy.members().list(WardenArbitraries.principal(u), id).forEach(m -> byUser.put(m.user(), m));
          return byUser;
        } catch (WardenException e) {
          // u is not an active member; ask the next user
        }
      }
      throw new AssertionError("§3: nobody can list the members of the organization, so it has no Owner; steps " + log);
    }

    /** What every pool user can observe about the organization. */
    Map<String, Object> observe() {
      Map<String, Object> o = new LinkedHashMap<>();
      for (UserId u : USERS) {
        Principal p = WardenArbitraries.principal(u);
        o.put(u + " organizations", result(() -> policy.organizations().list(p)));
        o.put(u + " members", result(() -> policy.members().list(p, id)));
        o.put(u + " visibleProjects", result(() -> policy.visibleProjects(p, id)));
        o.put(u + " org checks", ORG_CAPABILITIES.stream().map(c -> policy.check(p, c, id)).toList());
        o.put(u + " VIEW_DATA", policy.check(p, Capability.VIEW_DATA, defaultProject));
      }
      o.put("whoCan MANAGE_MEMBERS", policy.whoCan(Capability.MANAGE_MEMBERS, id));
      return o;
    }

    private Object result(Supplier<?> read) {
      try {
        return read.get();
      } catch (WardenException e) {
        return "refused: " + e.code();
      }
    }
  }
}
