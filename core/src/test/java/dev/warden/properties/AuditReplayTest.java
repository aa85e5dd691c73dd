package dev.warden.properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.warden.AccessPolicy;
import dev.warden.Page;
import dev.warden.PageRequest;
import dev.warden.Principal;
import dev.warden.WardenException;
import dev.warden.audit.AuditEntry;
import dev.warden.audit.AuditQuery;
import dev.warden.audit.Change;
import dev.warden.invite.InviteRequest;
import dev.warden.invite.IssuedInvite;
import dev.warden.matrix.Capability;
import dev.warden.matrix.PermissionMatrix;
import dev.warden.organization.Membership;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.UserId;
import dev.warden.testing.FakeClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * The audit log is complete for membership (SPEC §10, issue 6): after any sequence of membership
 * operations (invites and accepts, level changes, transfers, leaving, removal, expiries, notes, sweeps,
 * time passing; refused ones included), replaying the organization's entries oldest first reproduces
 * exactly the active members that {@code members().list()} returns, with level, expiry and note.
 */
class AuditReplayTest {
  private static final int USERS = 6;

  enum Kind { INVITE_AND_ACCEPT, CHANGE_LEVEL, TRANSFER_OWNERSHIP, LEAVE, REMOVE, SET_EXPIRY, CLEAR_EXPIRY, SET_NOTE,
    ADVANCE_CLOCK, SWEEP }

  /** One operation: {@code actor} does {@code kind} to {@code target}. */
  record Op(Kind kind, int actor, int target, OrgLevel level, int hours) {
    @Override
    public String toString() {
      return "u" + actor + " " + kind + " u" + target + " " + level + " " + hours + "h";
    }
  }

  @Provide
  Arbitrary<List<Op>> operations() {
    Arbitrary<Op> op = Combinators.combine(
        Arbitraries.frequency(
            net.jqwik.api.Tuple.of(6, Kind.INVITE_AND_ACCEPT), net.jqwik.api.Tuple.of(4, Kind.CHANGE_LEVEL),
            net.jqwik.api.Tuple.of(2, Kind.TRANSFER_OWNERSHIP), net.jqwik.api.Tuple.of(2, Kind.LEAVE),
            net.jqwik.api.Tuple.of(2, Kind.REMOVE), net.jqwik.api.Tuple.of(3, Kind.SET_EXPIRY),
            net.jqwik.api.Tuple.of(1, Kind.CLEAR_EXPIRY), net.jqwik.api.Tuple.of(2, Kind.SET_NOTE),
            net.jqwik.api.Tuple.of(2, Kind.ADVANCE_CLOCK), net.jqwik.api.Tuple.of(1, Kind.SWEEP)),
        Arbitraries.integers().between(0, USERS - 1),
        Arbitraries.integers().between(0, USERS - 1),
        Arbitraries.of(OrgLevel.class),
        Arbitraries.integers().between(1, 48)).as(Op::new);
    return op.list().ofMinSize(5).ofMaxSize(50).withSizeDistribution(net.jqwik.api.RandomDistribution.uniform());
  }

  private static Principal principalOf(UserId id) {
    return user(Integer.parseInt(id.value().substring(1)));
  }

  private static Principal user(int i) {
    return Principal.user(UserId.of("u" + i), "u" + i + "@acme.com");
  }

  @Property(tries = 150)
  void replayingTheAuditLog_reproducesTheMembers(@ForAll boolean leastPrivilege,
      @ForAll("operations") List<Op> ops) {
    FakeClock clock = FakeClock.create();
    AccessPolicy policy = AccessPolicy.builder().clock(clock)
        .matrix(leastPrivilege ? PermissionMatrix.leastPrivilege() : PermissionMatrix.posthog()).build();
    OrgId org = policy.organizations().create(user(0), "Acme").id();
    assertReplayMatches(policy, org, clock);

    for (Op op : ops) {
      boolean done = apply(policy, org, clock, op);
      Statistics.label("kind").collect(op.kind());
      Statistics.label("succeeded").collect(op.kind(), done);
      assertReplayMatches(policy, org, clock);
    }

    policy.sweepExpired();
    assertReplayMatches(policy, org, clock);
    // Guards the generator: every kind of membership change happens (and so is replayed) often enough.
    Statistics.label("succeeded").coverage(c -> {
      for (Kind k : Kind.values()) {
        c.check(k, true).count(n -> n > 0);
      }
    });
  }

  /** The paths a random sequence reaches rarely, spelled out: re-joining over an expired, unswept membership. */
  @Example
  void replay_rejoinOverAnExpiredMembership_andSweeps() {
    FakeClock clock = FakeClock.create();
    AccessPolicy policy = AccessPolicy.builder().clock(clock).build();
    OrgId org = policy.organizations().create(user(0), "Acme").id();
    for (int i = 1; i <= 3; i++) {
      String email = "u" + i + "@acme.com";
      policy.invites().accept(policy.invites().create(user(0), org, InviteRequest.to(email)).token(), user(i), email);
    }
    policy.members().changeLevel(user(0), org, user(1).userId(), OrgLevel.ADMIN);
    policy.members().setNote(user(0), org, user(1).userId(), "CTO");
    policy.members().setExpiry(user(0), org, user(2).userId(), clock.instant().plus(Duration.ofHours(1)));
    policy.members().setExpiry(user(0), org, user(3).userId(), clock.instant().plus(Duration.ofHours(1)));
    clock.advance(Duration.ofHours(1));
    assertReplayMatches(policy, org, clock);

    // u2 re-joins over the expired membership: member.expired, then member.joined.
    policy.invites().accept(policy.invites().create(user(1), org, InviteRequest.to("u2@acme.com").level(OrgLevel.ADMIN))
        .token(), user(2), "u2@acme.com");
    assertReplayMatches(policy, org, clock);
    policy.members().transferOwnership(user(0), org, user(2).userId());
    policy.members().leave(user(0), org);
    assertReplayMatches(policy, org, clock);
    policy.sweepExpired();
    assertReplayMatches(policy, org, clock);
    assertThat(policy.members().list(user(2), org)).extracting(Membership::user)
        .containsExactly(user(1).userId(), user(2).userId());
  }

  /** Applies {@code op}; a refusal (any {@link WardenException}) is part of the game. */
  private static boolean apply(AccessPolicy policy, OrgId org, FakeClock clock, Op op) {
    // Actors and targets are mostly current members (half the time the actor is an Owner), so that
    // many operations succeed; invites go to any of the users, members or not.
    List<Membership> members = policy.members().list(owner(policy, org), org);
    Principal actor = op.hours() % 2 == 0 ? owner(policy, org)
        : principalOf(members.get(op.actor() % members.size()).user());
    UserId target = op.level() == OrgLevel.MEMBER && op.hours() % 3 == 0 ? user(op.target()).userId()
        : members.get(op.target() % members.size()).user();
    try {
      switch (op.kind()) {
        case INVITE_AND_ACCEPT -> {
          IssuedInvite invite = policy.invites().create(actor, org, InviteRequest.to("u" + op.target() + "@acme.com")
              .level(op.level()));
          policy.invites().accept(invite.token(), user(op.target()), "u" + op.target() + "@acme.com");
        }
        case CHANGE_LEVEL -> policy.members().changeLevel(actor, org, target, op.level());
        case TRANSFER_OWNERSHIP -> policy.members().transferOwnership(actor, org, target);
        case LEAVE -> policy.members().leave(actor, org);
        case REMOVE -> policy.members().remove(actor, org, target);
        case SET_EXPIRY -> policy.members().setExpiry(actor, org, target, clock.instant().plus(Duration.ofHours(op.hours())));
        case CLEAR_EXPIRY -> policy.members().clearExpiry(actor, org, target);
        case SET_NOTE -> policy.members().setNote(actor, org, target, op.hours() % 3 == 0 ? "" : "note " + op.hours());
        case ADVANCE_CLOCK -> clock.advance(Duration.ofHours(op.hours()));
        case SWEEP -> policy.sweepExpired();
      }
      return true;
    } catch (WardenException refused) {
      return false;
    }
  }

  /** What the log says about one member. */
  record Replayed(OrgLevel level, Optional<Instant> expiresAt, Optional<String> note) {
    Replayed with(Change c) {
      return switch (c.field()) {
        case "level" -> new Replayed(OrgLevel.valueOf(c.after().orElseThrow()), expiresAt, note);
        case "expiresAt" -> new Replayed(level, c.after().map(Instant::parse), note);
        case "note" -> new Replayed(level, expiresAt, c.after());
        default -> this;
      };
    }
  }

  private static final Set<String> IRRELEVANT = Set.of("member.invited", "invite.revoked", "settings.changed",
      "organization.renamed", "project.created", "project.renamed", "project.deleted", "project.visibility_changed",
      "project.default_role_changed", "project.token_rotated", "grant.changed", "grant.revoked", "grant.expired");

  private static void assertReplayMatches(AccessPolicy policy, OrgId org, FakeClock clock) {
    Principal reader = owner(policy, org);
    List<AuditEntry> log = readAll(policy, reader, org);
    Collections.reverse(log); // oldest first

    Map<UserId, Replayed> replayed = new TreeMap<>((a, b) -> a.value().compareTo(b.value()));
    for (AuditEntry e : log) {
      if (e.denied() || IRRELEVANT.contains(e.action())) {
        continue;
      }
      UserId target = e.target().map(UserId::of).orElse(null);
      switch (e.action()) {
        case "organization.created" -> replayed.put(UserId.of(e.actor().user().orElseThrow()),
            new Replayed(OrgLevel.OWNER, Optional.empty(), Optional.empty()));
        case "member.joined" -> {
          Replayed joined = new Replayed(OrgLevel.MEMBER, Optional.empty(), Optional.empty());
          for (Change c : e.changes()) {
            joined = joined.with(c);
          }
          assertThat(e.changes()).extracting(Change::field).contains("level");
          replayed.put(target, joined);
        }
        case "member.level_changed", "ownership.transferred", "member.expiry_changed", "member.note_changed" -> {
          assertThat(replayed).as("%s for a member the log knows", e).containsKey(target);
          Replayed r = replayed.get(target);
          for (Change c : e.changes()) {
            r = r.with(c);
          }
          replayed.put(target, r);
        }
        case "member.left", "member.removed", "member.expired" -> {
          assertThat(replayed).as("%s for a member the log knows", e).containsKey(target);
          assertThat(e.changes()).contains(Change.of("level", replayed.get(target).level(), null));
          replayed.remove(target);
        }
        default -> fail("an action the replay does not know: " + e);
      }
    }

    Instant now = clock.instant();
    Map<UserId, Replayed> expected = new TreeMap<>((a, b) -> a.value().compareTo(b.value()));
    replayed.forEach((u, r) -> {
      if (r.expiresAt().isEmpty() || now.isBefore(r.expiresAt().get())) {
        expected.put(u, r);
      }
    });
    Map<UserId, Replayed> actual = new TreeMap<>((a, b) -> a.value().compareTo(b.value()));
    for (Membership m : policy.members().list(reader, org)) {
      actual.put(m.user(), new Replayed(m.level(), m.expiresAt(), m.note()));
    }
    assertThat(actual).isEqualTo(expected);
  }

  /** An Owner of the organization (there always is one; Owners never expire). */
  private static Principal owner(AccessPolicy policy, OrgId org) {
    for (int i = 0; i < USERS; i++) {
      if (policy.check(user(i), Capability.TRANSFER_OWNERSHIP, org).allowed()) {
        return user(i);
      }
    }
    throw new AssertionError("the organization has no Owner");
  }

  private static List<AuditEntry> readAll(AccessPolicy policy, Principal reader, OrgId org) {
    List<AuditEntry> all = new ArrayList<>();
    Page<AuditEntry> page = policy.audit().query(reader, AuditQuery.organization(org), PageRequest.first(1000));
    all.addAll(page.items());
    while (page.nextCursor().isPresent()) {
      page = policy.audit().query(reader, AuditQuery.organization(org), PageRequest.after(page.nextCursor().get(), 1000));
      all.addAll(page.items());
    }
    return all;
  }
}
