package dev.warden.bulk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.AccessPolicy;
import dev.warden.Decision;
import dev.warden.Principal;
import dev.warden.WardenException;
import dev.warden.invite.InviteRequest;
import dev.warden.invite.IssuedInvite;
import dev.warden.matrix.Capability;
import dev.warden.matrix.PermissionMatrix;
import dev.warden.organization.Membership;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.UserId;
import dev.warden.project.ProjectGrant;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import dev.warden.project.Visibility;
import dev.warden.resource.AccessLevel;
import dev.warden.resource.ResourceRef;
import dev.warden.resource.ResourceRule;
import dev.warden.spi.Store;
import dev.warden.testing.FakeClock;
import dev.warden.testing.OrgFixtures;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;
import net.jqwik.api.statistics.Statistics;

/**
 * The bulk import is the single operations, in bulk (issue 14): a random import into an organization is
 * accepted exactly when applying the same items one by one through the single operations (invite and
 * accept, note, expiry; create, visibility, default role; grant; register; set rule) into an identical
 * organization succeeds for each; and then both organizations hold the same members and grants and give
 * the same decision on every check. A refused import changes nothing.
 *
 * <p>Where the import states a rule the single operations cannot (none registers a resource for someone
 * else), the one-by-one side applies the import's documented rule: resources and rules need
 * {@code MANAGE_PROJECT_ACCESS} on their project, and a resource is registered by its creator. An empty
 * import by a non-member is refused, like any operation on the organization.
 *
 * <p>Shipped in core's test-jar; each store's test extends it. One store per property; every try builds
 * its two organizations afresh, with project ids of its own (they are global).
 */
public abstract class ImportEquivalenceContract {
  private static final List<String> POOL =
      List.of("alice", "bob", "carol", "dan", "erin", "finn", "gus", "hal", "ivy", "jon");
  private static final int ALICE = 0;
  private static final int CAROL = 2;
  private static final int ERIN = 4;
  private static final AtomicInteger TRIES = new AtomicInteger();

  private Store store;

  /** A new, empty store; called once per property. */
  protected abstract Store newStore();

  /** Releases what {@link #newStore()} opened; called after the property. */
  protected void closeStore(Store closing) throws Exception {}

  @BeforeProperty
  void openStore() {
    store = newStore();
  }

  @AfterProperty
  void releaseStore() throws Exception {
    closeStore(store);
  }

  // ------------------------------------------------------------------------------ the import, as data

  /** A member: pool user, pool user whose email it uses, level, note, expiry (0 none, 1 future, 2 past). */
  record M(int user, int email, OrgLevel level, boolean note, int expiry) {}

  /** A project: its number (0–2, so the same number twice collides), visibility, default role. */
  record P(int number, Visibility visibility, ProjectRole defaultRole) {}

  /** A grant: project (0 default, 1 Secret, 2–4 imported 0–2, 5 unknown), pool user, role, expiry. */
  record G(int project, int user, ProjectRole role, int expiry) {}

  /** A resource: a dashboard of a project (as for grants), its number (0–1), its creator. */
  record R(int project, int number, int creator) {}

  /** A rule: kind (0 kind rule, 1 everyone, 2 member), project, dashboard number, pool user, level. */
  record Ru(int kind, int project, int dashboard, int user, AccessLevel level) {}

  /**
   * One random case: matrix, settings, actor (pool index 0–4: alice, bob, carol, dan, erin) and items;
   * pool users from erin on are not members.
   */
  record Scenario(boolean leastPrivilege, boolean membersCreateProjects, int actor, List<M> members, List<P> projects,
      List<G> grants, List<R> resources, List<Ru> rules) {}

  /**
   * Scenarios whose items are each likely valid, so that about half the imports are accepted and a
   * refused one usually has a single culprit; grants, resources and rules mostly name the members and
   * projects of the same scenario. No key is listed twice (the example tests cover duplicates, which
   * the single operations cannot express).
   */
  @Provide
  Arbitrary<Scenario> scenarios() {
    Arbitrary<Integer> anyone = Arbitraries.integers().between(0, POOL.size() - 1);
    Arbitrary<Integer> newcomer = Arbitraries.frequencyOf(
        Tuple.of(9, Arbitraries.integers().between(ERIN, POOL.size() - 1)), Tuple.of(1, anyone));
    Arbitrary<Integer> expiry = Arbitraries.frequency(Tuple.of(16, 0), Tuple.of(3, 1), Tuple.of(1, 2));
    Arbitrary<OrgLevel> level = Arbitraries.frequency(Tuple.of(6, OrgLevel.MEMBER), Tuple.of(3, OrgLevel.ADMIN),
        Tuple.of(1, OrgLevel.OWNER));
    Arbitrary<M> member = Combinators.combine(newcomer, Arbitraries.integers().between(0, 19), level,
        Arbitraries.frequency(Tuple.of(7, false), Tuple.of(3, true)), expiry)
        .as((u, e, l, n, x) -> new M(u, e < 19 ? u : (u + e) % POOL.size(), l, n, x));
    Arbitrary<P> project = Combinators.combine(Arbitraries.integers().between(0, 2), Arbitraries.of(Visibility.class),
        Arbitraries.frequency(Tuple.of(6, ProjectRole.MEMBER), Tuple.of(2, ProjectRole.VIEWER),
            Tuple.of(2, ProjectRole.ADMIN))).as(P::new);
    Arbitrary<Integer> actor = Arbitraries.frequency(Tuple.of(10, 0), Tuple.of(6, 1), Tuple.of(4, 2), Tuple.of(1, 3),
        Tuple.of(1, 4));
    return Combinators.combine(Arbitraries.of(true, false), Arbitraries.of(true, false), actor,
            member.list().ofMaxSize(3).uniqueElements(M::user), project.list().ofMaxSize(2).uniqueElements(P::number))
        .flatAs((leastPrivilege, membersCreate, a, members, projects) -> {
          List<Integer> users = new ArrayList<>(List.of(1, CAROL));
          members.forEach(m -> users.add(m.user()));
          users.remove(a); // nobody grants to themselves but by mistake
          List<Integer> refs = new ArrayList<>(List.of(0, 1));
          projects.forEach(p -> refs.add(2 + p.number()));
          Arbitrary<Integer> user = Arbitraries.frequencyOf(Tuple.of(9, Arbitraries.of(users)), Tuple.of(1, anyone));
          Arbitrary<Integer> creator = Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(1)), Tuple.of(1, user));
          Arbitrary<Integer> ref = Arbitraries.frequencyOf(Tuple.of(19, Arbitraries.of(refs)),
              Tuple.of(1, Arbitraries.just(5)));
          Arbitrary<List<G>> grants = Combinators.combine(ref, user, Arbitraries.of(ProjectRole.class), expiry)
              .as(G::new).list().ofMaxSize(3).uniqueElements(g -> List.of(g.project(), g.user()));
          return grants.flatMap(g -> {
            // Half the resources are created by a grantee on the project of their grant: access that
            // only the same import gives.
            Arbitrary<R> anyResource = Combinators.combine(ref, Arbitraries.integers().between(0, 1), creator).as(R::new);
            Arbitrary<R> resource = g.isEmpty() ? anyResource : Arbitraries.frequencyOf(Tuple.of(1, anyResource),
                Tuple.of(1, Combinators.combine(Arbitraries.of(g), Arbitraries.integers().between(0, 1))
                    .as((x, n) -> new R(x.project(), n, x.user()))));
            return resource.list().ofMaxSize(2).uniqueElements(r -> List.of(r.project(), r.number())).flatMap(r -> {
              // Rules mostly on the scenario's dashboards, for its grantees, or kind rules.
              Arbitrary<Integer> ruleUser = g.isEmpty() ? user
                  : Arbitraries.frequencyOf(Tuple.of(1, user), Tuple.of(1, Arbitraries.of(g).map(G::user)));
              Arbitrary<Ru> onAny = Combinators.combine(Arbitraries.integers().between(0, 2), ref,
                  Arbitraries.integers().between(0, 1), ruleUser, ruleLevel()).as(Ru::new);
              Arbitrary<Ru> rule = r.isEmpty() ? onAny : Arbitraries.frequencyOf(Tuple.of(1, onAny),
                  Tuple.of(3, Combinators.combine(Arbitraries.integers().between(1, 2), Arbitraries.of(r), ruleUser,
                      ruleLevel()).as((k, d, u, l) -> new Ru(k, d.project(), d.number(), u, l))));
              return rule.list().ofMaxSize(2).uniqueElements(ImportEquivalenceContract::key)
                  .map(ru -> new Scenario(leastPrivilege, membersCreate, a, members, projects, g, r, ru));
            });
          });
        });
  }

  private static Arbitrary<AccessLevel> ruleLevel() {
    return Arbitraries.of(AccessLevel.VIEWER, AccessLevel.EDITOR, AccessLevel.NONE);
  }

  /** What makes two rules the same rule, whatever their level. */
  private static List<Integer> key(Ru r) {
    return switch (r.kind()) {
      case 0 -> List.of(0, r.project());
      case 1 -> List.of(1, r.project(), r.dashboard());
      default -> List.of(2, r.project(), r.dashboard(), r.user());
    };
  }

  // No edge cases: combined, they would fill the tries with degenerate scenarios (empty lists, one actor).
  @Property(tries = 60, edgeCases = EdgeCasesMode.NONE)
  void anImport_isAcceptedExactlyWhenItsItemsOneByOneAre_andThenDecidesAlike(@ForAll("scenarios") Scenario s) {
    FakeClock clock = FakeClock.create();
    PermissionMatrix matrix = s.leastPrivilege() ? PermissionMatrix.leastPrivilege() : PermissionMatrix.posthog();
    try (AccessPolicy policy = AccessPolicy.builder().store(store).clock(clock).matrix(matrix).build()) {
      String prefix = "t" + TRIES.incrementAndGet() + "-";
      Side imported = Side.build(policy, s, prefix + "imported", clock.instant());
      Side oneByOne = Side.build(policy, s, prefix + "single", clock.instant());
      clock.advance(Duration.ofHours(2)); // dan's membership expires, unswept
      Instant now = clock.instant();
      for (P p : s.projects()) {
        imported.projects.set(2 + p.number(), ProjectId.of(prefix + "p" + p.number()));
      }

      String before = imported.state(store);
      boolean accepted;
      try {
        ImportReport r = policy.organizations().importInto(principal(s.actor()), imported.org, importOf(s, imported, now));
        accepted = r.accepted();
        Statistics.label("why").collect(r.accepted() ? "ok" : r.refusals().get(0).list() + " " + r.refusals().get(0).code());
      } catch (WardenException e) {
        Statistics.label("why").collect("thrown " + e.code());
        accepted = false;
      }
      boolean expected = oneByOne.apply(policy, s, now);

      Statistics.label("outcome").collect(accepted ? "accepted" : "refused");
      Statistics.label("outcome").coverage(c -> {
        c.check("accepted").percentage(p -> p >= 5);
        c.check("refused").percentage(p -> p >= 20);
      });
      assertThat(accepted).as("import accepted, against the items one by one, for %s", s).isEqualTo(expected);
      if (!accepted) {
        assertThat(imported.state(store)).as("a refused import changes nothing").isEqualTo(before);
        return;
      }
      assertThat(imported.members(policy)).isEqualTo(oneByOne.members(policy));
      for (int p = 0; p < 5; p++) {
        ProjectId a = imported.project(p);
        ProjectId b = oneByOne.project(p);
        assertThat(a == null).as("project %s exists on one side only", p).isEqualTo(b == null);
        if (a == null) {
          continue;
        }
        assertThat(grants(policy, a)).as("grants on project %s", p).isEqualTo(grants(policy, b));
        for (int u = 0; u < POOL.size(); u++) {
          for (Capability c : PermissionMatrix.posthog().capabilities()) {
            if (c.scope() == Capability.Scope.PROJECT) {
              Decision da = policy.check(principal(u), c, a);
              assertThat(da).as("%s %s on project %s", POOL.get(u), c, p).isEqualTo(policy.check(principal(u), c, b));
              for (int r = 0; r < 2; r++) {
                assertThat(policy.check(principal(u), c, ResourceRef.dashboard(a, "d" + r)))
                    .as("%s %s on dashboard %s of project %s", POOL.get(u), c, r, p)
                    .isEqualTo(policy.check(principal(u), c, ResourceRef.dashboard(b, "d" + r)));
              }
            }
          }
        }
      }
      for (int u = 0; u < POOL.size(); u++) {
        for (Capability c : PermissionMatrix.posthog().capabilities()) {
          if (c.scope() == Capability.Scope.ORGANIZATION) {
            assertThat(policy.check(principal(u), c, imported.org)).as("%s %s", POOL.get(u), c)
                .isEqualTo(policy.check(principal(u), c, oneByOne.org));
          }
        }
      }
    }
  }

  private static OrganizationImport importOf(Scenario s, Side side, Instant now) {
    OrganizationImport.Builder data = OrganizationImport.builder();
    for (M m : s.members()) {
      ImportItem.Member item = ImportItem.Member.of(id(m.user()), email(m.email()), m.level());
      item = m.note() ? item.withNote("note of " + POOL.get(m.user())) : item;
      data.member(m.expiry() == 0 ? item : item.withExpiresAt(expiry(m.expiry(), now)));
    }
    for (P p : s.projects()) {
      data.project(side.projects.get(2 + p.number()), "Project " + p.number(), p.visibility(), p.defaultRole());
    }
    for (G g : s.grants()) {
      if (g.expiry() == 0) {
        data.grant(side.ref(g.project()), id(g.user()), g.role());
      } else {
        data.grant(side.ref(g.project()), id(g.user()), g.role(), expiry(g.expiry(), now));
      }
    }
    for (R r : s.resources()) {
      data.resource(ResourceRef.dashboard(side.ref(r.project()), "d" + r.number()), id(r.creator()));
    }
    for (Ru r : s.rules()) {
      data.rule(rule(r, side));
    }
    return data.build();
  }

  private static ResourceRule rule(Ru r, Side side) {
    ResourceRef dashboard = ResourceRef.dashboard(side.ref(r.project()), "d" + r.dashboard());
    return switch (r.kind()) {
      case 0 -> ResourceRule.forKind(side.ref(r.project()), ResourceRef.DASHBOARD, r.level());
      case 1 -> ResourceRule.forEveryone(dashboard, r.level());
      default -> ResourceRule.forMember(dashboard, id(r.user()), r.level());
    };
  }

  /** One of the two identical organizations, and its projects by scenario number. */
  private static final class Side {
    private final OrgId org;
    /** 0 the default project, 1 Secret, 2–4 the imported ones (null unless imported), by scenario number. */
    private final List<ProjectId> projects = new ArrayList<>();
    private final String unknown;

    private Side(OrgId org, String unknown) {
      this.org = org;
      this.unknown = unknown;
    }

    /**
     * Alice's organization: bob Admin, carol Member with a Viewer grant on the private project Secret,
     * dan Member (Member grant on the default project) whose membership ends in an hour.
     */
    static Side build(AccessPolicy policy, Scenario s, String name, Instant now) {
      Principal alice = principal(ALICE);
      OrgId org = policy.organizations().create(alice, name).id();
      Side side = new Side(org, name + "-nowhere");
      side.projects.add(policy.visibleProjects(alice, org).get(0).project().id());
      policy.organizations().updateSettings(alice, org, x -> x.withMembersCanCreateProjects(s.membersCreateProjects()));
      OrgFixtures.join(policy, alice, org, principal(1), OrgLevel.ADMIN);
      OrgFixtures.join(policy, alice, org, principal(CAROL), OrgLevel.MEMBER);
      OrgFixtures.join(policy, alice, org, principal(3), OrgLevel.MEMBER);
      side.projects.add(OrgFixtures.project(policy, alice, org, "Secret", Visibility.PRIVATE).id());
      policy.grants().grant(alice, side.projects.get(1), id(CAROL), ProjectRole.VIEWER);
      policy.grants().grant(alice, side.projects.get(0), id(3), ProjectRole.MEMBER);
      policy.members().setExpiry(alice, org, id(3), now.plus(Duration.ofHours(1)));
      while (side.projects.size() < 5) {
        side.projects.add(null);
      }
      return side;
    }

    /** The project of scenario number {@code n}; one that does not exist for 5 or a project not imported. */
    ProjectId ref(int n) {
      ProjectId p = project(n);
      return p != null ? p : ProjectId.of(unknown);
    }

    /** The project of scenario number {@code n} (0–4) if it was made, else null. */
    ProjectId project(int n) {
      return n < projects.size() ? projects.get(n) : null;
    }

    /**
     * Applies the scenario's items one by one through the single operations, in the import's order;
     * returns whether every one succeeded (plus the import's own rules; see the class comment).
     */
    boolean apply(AccessPolicy policy, Scenario s, Instant now) {
      Principal actor = principal(s.actor());
      boolean ok = s.actor() != 3 && s.actor() < ERIN; // dan's membership has expired; erin is no member
      for (M m : s.members()) {
        ok &= attempt(() -> {
          IssuedInvite invite = policy.invites().create(actor, org, InviteRequest.to(email(m.email())).level(m.level()));
          policy.invites().accept(invite.token(), Principal.user(id(m.user()), email(m.email())), email(m.email()));
          if (m.note()) {
            policy.members().setNote(actor, org, id(m.user()), "note of " + POOL.get(m.user()));
          }
          if (m.expiry() != 0) {
            policy.members().setExpiry(actor, org, id(m.user()), expiry(m.expiry(), now));
          }
        });
      }
      for (P p : s.projects()) {
        ok &= attempt(() -> {
          ProjectId created = policy.projects().create(actor, org, "Project " + p.number()).id();
          projects.set(2 + p.number(), created);
          if (p.visibility() != policy.matrix().newProjectVisibility()) {
            policy.projects().setVisibility(actor, created, p.visibility());
          }
          if (p.defaultRole() != ProjectRole.MEMBER) {
            policy.projects().setDefaultRole(actor, created, p.defaultRole());
          }
        });
      }
      for (G g : s.grants()) {
        ok &= attempt(() -> {
          if (g.expiry() == 0) {
            policy.grants().grant(actor, ref(g.project()), id(g.user()), g.role());
          } else {
            policy.grants().grant(actor, ref(g.project()), id(g.user()), g.role(), expiry(g.expiry(), now));
          }
        });
      }
      for (R r : s.resources()) {
        ok &= managesAccess(policy, actor, r.project()) && attempt(() ->
            policy.resources().register(Principal.user(id(r.creator())), ResourceRef.dashboard(ref(r.project()),
                "d" + r.number())));
      }
      for (Ru r : s.rules()) {
        ResourceRule rule = rule(r, this);
        ok &= managesAccess(policy, actor, r.project()) && attempt(() -> {
          switch (r.kind()) {
            case 0 -> policy.resources().setKindRule(actor, rule.project(), rule.kind(), rule.level());
            case 1 -> policy.resources().setEveryoneRule(actor, rule.ref().orElseThrow(), rule.level());
            default -> policy.resources().setMemberRule(actor, rule.ref().orElseThrow(), rule.user().orElseThrow(),
                rule.level());
          }
        });
      }
      return ok;
    }

    private boolean managesAccess(AccessPolicy policy, Principal actor, int project) {
      return policy.check(actor, Capability.MANAGE_PROJECT_ACCESS, ref(project)).allowed();
    }

    /** The members as comparable rows (everything but the organization). */
    List<List<Object>> members(AccessPolicy policy) {
      return policy.members().list(principal(ALICE), org).stream()
          .map((Membership m) -> List.<Object>of(m.user(), m.email(), m.level(), m.note(), m.expiresAt(), m.joinedAt(),
              m.invitedBy()))
          .toList();
    }

    /** Everything the store holds for the organization, and its audit entries but refused attempts. */
    String state(Store store) {
      return store.inTransaction(tx -> String.join("\n", String.valueOf(tx.organizations().revision(org)),
          String.valueOf(tx.memberships().listByOrganization(org)), String.valueOf(tx.projects().listByOrganization(org)),
          String.valueOf(tx.grants().listByOrganization(org)), String.valueOf(tx.resources().listByOrganization(org)),
          String.valueOf(tx.resources().listRulesByOrganization(org)),
          String.valueOf(tx.audit().query(dev.warden.audit.AuditQuery.organization(org), Optional.empty(), 10_000).stream()
              .filter(e -> !e.denied()).toList())));
    }
  }

  private static List<List<Object>> grants(AccessPolicy policy, ProjectId project) {
    return policy.grants().list(principal(ALICE), project).stream()
        .map((ProjectGrant g) -> List.<Object>of(g.user(), g.role(), g.expiresAt(), g.grantedBy(), g.grantedAt()))
        .toList();
  }

  private static boolean attempt(Runnable step) {
    try {
      step.run();
      return true;
    } catch (WardenException e) {
      return false;
    }
  }

  private static Instant expiry(int kind, Instant now) {
    return kind == 1 ? now.plus(Duration.ofDays(30)) : now.minus(Duration.ofMinutes(5));
  }

  private static UserId id(int user) {
    return UserId.of(POOL.get(user));
  }

  private static String email(int user) {
    return POOL.get(user) + "@acme.com";
  }

  private static Principal principal(int user) {
    return Principal.user(id(user), email(user));
  }
}
