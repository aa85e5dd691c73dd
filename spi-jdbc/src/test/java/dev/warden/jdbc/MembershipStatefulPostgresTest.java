package dev.warden.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.warden.AccessPolicy;
import dev.warden.Decision;
import dev.warden.Principal;
import dev.warden.StorageException;
import dev.warden.WardenException;
import dev.warden.invite.Invite;
import dev.warden.invite.InviteRequest;
import dev.warden.invite.IssuedInvite;
import dev.warden.matrix.Capability;
import dev.warden.matrix.PermissionMatrix;
import dev.warden.memory.InMemoryStore;
import dev.warden.organization.Membership;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.OwnershipRule;
import dev.warden.organization.UserId;
import dev.warden.project.Project;
import dev.warden.project.ProjectGrant;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import dev.warden.project.Visibility;
import dev.warden.project.VisibleProject;
import dev.warden.spi.Store;
import dev.warden.spi.Transaction;
import dev.warden.testing.Covered;
import dev.warden.testing.FakeClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.ActionChainArbitrary;
import net.jqwik.api.state.Transformer;
import net.jqwik.api.statistics.Statistics;

/**
 * Random sequences of membership, invite, project and grant operations run side by side on a policy
 * over PostgreSQL and on one over the in-memory reference store, with the same clock (SPEC §14:
 * invariants checked by jqwik stateful tests on PostgreSQL). After every step:
 *
 * <ul>
 *   <li>both gave the same outcome (success, or the same error code);
 *   <li>both stores hold the same members, grants, projects and pending invites, and every check of
 *       every pool user agrees;
 *   <li>on PostgreSQL: the organization has an Owner, exactly one under single ownership; no invite
 *       was accepted twice; no grant outlives its member; and a project a user may not see (§2.3) is
 *       {@code NOT_FOUND} to every check and absent from their list.
 * </ul>
 *
 * <p>Every try gets fresh stores and policies on one database per class (each try's organization and
 * projects have their own ids). Fewer tries than the in-memory suite: each step is a few round trips.
 */
class MembershipStatefulPostgresTest {
  private static final int MAX_STEPS = 40;
  private static final List<Principal> USERS = List.of(user("alice"), user("bob"), user("carol"), user("dan"),
      user("erin"));
  private static final int MAX_PROJECTS = 4;

  private static HikariDataSource database;
  private static final List<Model> RUNNING = new ArrayList<>();

  @BeforeContainer
  static void newDatabase() {
    database = EmbeddedPostgresServer.shared().newDatabase();
  }

  @AfterContainer
  static void closeDatabase() {
    database.close();
  }

  @AfterTry
  void closeModels() {
    RUNNING.forEach(Model::close);
    RUNNING.clear();
  }

  @Property(tries = 14)
  void posthog_postgresAgreesWithTheReference_andKeepsTheInvariants(
      @ForAll("posthogChains") ActionChain<Model> chain) {
    runAndCover(chain);
  }

  @Property(tries = 14)
  void leastPrivilege_postgresAgreesWithTheReference_andKeepsTheInvariants(
      @ForAll("leastPrivilegeChains") ActionChain<Model> chain) {
    runAndCover(chain);
  }

  private static void runAndCover(ActionChain<Model> chain) {
    Model end = chain.withInvariant("agreement and invariants", Model::check).run();
    end.outcomes.forEach(Statistics.label("outcomes")::collect);
    Covered.eachSeen("outcomes", List.of("accept OK", "accept INVITE_ALREADY_USED", "changeLevel OK", "transfer OK",
        "grant OK", "remove OK", "visibility OK", "deleteProject OK", "sweep OK"));
  }

  @Provide
  Arbitrary<ActionChain<Model>> posthogChains() {
    return chains(PermissionMatrix.posthog());
  }

  @Provide
  Arbitrary<ActionChain<Model>> leastPrivilegeChains() {
    return chains(PermissionMatrix.leastPrivilege());
  }

  private static ActionChainArbitrary<Model> chains(PermissionMatrix matrix) {
    // 0..4: that pool user; 5..9: some active Admin or Owner; 10..14: some active member (Model#who).
    Arbitrary<Integer> who = Arbitraries.integers().between(0, 14);
    Arbitrary<Integer> project = Arbitraries.integers().between(0, MAX_PROJECTS - 1); // of the live ones
    Arbitrary<Integer> invite = Arbitraries.integers().between(0, 5);
    Arbitrary<OrgLevel> level = Arbitraries.of(OrgLevel.class);
    Arbitrary<ProjectRole> role = Arbitraries.of(ProjectRole.class);
    return ActionChain.<Model>startWith(() -> new Model(matrix))
        .withAction(5, action(Combinators.combine(who, who, level, project.injectNull(0.5), role)
            .as((a, u, l, p, r) -> step("invite " + a + " -> " + u + " " + l + " grant " + p + " " + r,
                m -> m.invite(a, u, l, p, r)))))
        .withAction(7, action(Combinators.combine(invite, who, Arbitraries.integers().between(0, 9))
            .as((i, u, right) -> step("accept #" + i + (right < 8 ? " by its recipient" : " by " + u),
                m -> m.accept(i, u, right < 8)))))
        // So that every run tries a used invite, not only the runs whose random accepts happen to.
        .withAction(1, Action.just(step("accept the last accepted invite again", Model::acceptAgain)))
        .withAction(4, action(Combinators.combine(who, who, level)
            .as((a, u, l) -> step("changeLevel " + a + " -> " + u + " " + l, m -> m.changeLevel(a, u, l)))))
        .withAction(3, action(Combinators.combine(who, who)
            .as((a, u) -> step("transferOwnership " + a + " -> " + u, m -> m.transfer(a, u)))))
        .withAction(1, action(who.map(a -> step("leave " + a, m -> m.leave(a)))))
        .withAction(3, action(Combinators.combine(who, who)
            .as((a, u) -> step("remove " + a + " -> " + u, m -> m.remove(a, u)))))
        .withAction(5, action(Combinators.combine(who, project, who, role)
            .as((a, p, u, r) -> step("grant " + a + " #" + p + " -> " + u + " " + r, m -> m.grant(a, p, u, r)))))
        .withAction(2, action(Combinators.combine(who, project, who)
            .as((a, p, u) -> step("revoke " + a + " #" + p + " -> " + u, m -> m.revoke(a, p, u)))))
        .withAction(3, action(Combinators.combine(who, project, Arbitraries.of(Visibility.class))
            .as((a, p, v) -> step("setVisibility " + a + " #" + p + " " + v, m -> m.visibility(a, p, v)))))
        .withAction(2, action(who.map(a -> step("createProject " + a, m -> m.createProject(a)))))
        .withAction(2, action(Combinators.combine(who, project)
            .as((a, p) -> step("deleteProject " + a + " #" + p, m -> m.deleteProject(a, p)))))
        .withAction(2, action(Combinators.combine(who, who, Arbitraries.integers().between(1, 48))
            .as((a, u, h) -> step("setExpiry " + a + " -> " + u + " +" + h + "h", m -> m.setExpiry(a, u, h)))))
        .withAction(2, action(Arbitraries.integers().between(1, 80)
            .map(h -> step("advance " + h + "h", m -> m.advance(h)))))
        .withAction(1, Action.just(step("sweepExpired", Model::sweep)))
        .withMaxTransformations(MAX_STEPS);
  }

  private static Action.Independent<Model> action(Arbitrary<Transformer<Model>> transformers) {
    return () -> transformers;
  }

  private static Transformer<Model> step(String description, Consumer<Model> change) {
    return Transformer.mutate(description, change);
  }

  private static Principal user(String id) {
    return Principal.user(UserId.of(id), id + "@acme.com");
  }

  /**
   * The two policies and the pairing of what each created (ids and tokens differ between them). Side 0
   * is the in-memory reference, side 1 PostgreSQL.
   */
  static final class Model {
    private static final int MEM = 0;
    private static final int DB = 1;

    private final PermissionMatrix matrix;
    private final FakeClock clock = FakeClock.create();
    private final Store[] stores = new Store[2];
    private final AccessPolicy[] policies = new AccessPolicy[2];
    private final OrgId[] orgs = new OrgId[2];
    /** Project pairs in creation order; null once deleted. */
    private final List<ProjectId[]> projects = new ArrayList<>();
    private final List<String[]> inviteTokens = new ArrayList<>();
    /** The pool user each invite was sent to. */
    private final List<Integer> recipients = new ArrayList<>();
    private final List<Integer> accepted = new ArrayList<>();
    private final List<String> log = new ArrayList<>();
    private final List<String> outcomes = new ArrayList<>();

    Model(PermissionMatrix matrix) {
      this.matrix = matrix;
      stores[MEM] = InMemoryStore.create();
      stores[DB] = JdbcStore.postgres(database, ChangeFeed.POLLING);
      for (int side = MEM; side <= DB; side++) {
        policies[side] = AccessPolicy.builder().store(stores[side]).matrix(matrix).clock(clock).build();
        orgs[side] = policies[side].organizations().create(USERS.get(0), "Acme").id();
      }
      RUNNING.add(this);
      // Start with Bob (Admin), Carol and Dan (Members); Erin stays outside. Most actions then have someone
      // to act on, and random chains reach transfers, removals and grants often enough.
      for (int user = 1; user <= 3; user++) {
        OrgLevel level = user == 1 ? OrgLevel.ADMIN : OrgLevel.MEMBER;
        for (int side = MEM; side <= DB; side++) {
          IssuedInvite invite = policies[side].invites().create(USERS.get(0), orgs[side],
              InviteRequest.to(email(user)).level(level));
          policies[side].invites().accept(invite.token(), USERS.get(user), email(user));
        }
      }
      List<VisibleProject> mem = policies[MEM].visibleProjects(USERS.get(0), orgs[MEM]);
      List<VisibleProject> db = policies[DB].visibleProjects(USERS.get(0), orgs[DB]);
      assertThat(db).hasSameSizeAs(mem);
      for (int i = 0; i < mem.size(); i++) {
        projects.add(new ProjectId[] {mem.get(i).project().id(), db.get(i).project().id()});
      }
    }

    void close() {
      policies[MEM].close();
      policies[DB].close();
      ((JdbcStore) stores[DB]).close();
    }

    // ----------------------------------------------------------------------------- actions

    void invite(int actorCode, int userCode, OrgLevel level, Integer project, ProjectRole role) {
      int actor = who(actorCode, -1);
      int user = userCode % USERS.size();
      IssuedInvite[] issued = new IssuedInvite[2];
      ProjectId[] p = project == null ? null : project(project);
      act(side -> {
        InviteRequest request = InviteRequest.to(email(user)).level(level);
        if (p != null) {
          request = request.grant(p[side], role);
        }
        issued[side] = policies[side].invites().create(USERS.get(actor), orgs[side], request);
        return issued[side];
      });
      if (issued[MEM] != null) {
        inviteTokens.add(new String[] {issued[MEM].token(), issued[DB].token()});
        recipients.add(user);
        accepted.add(0);
      }
    }

    void accept(int invite, int userCode, boolean asRecipient) {
      if (inviteTokens.isEmpty()) {
        return;
      }
      int user = userCode % USERS.size();
      int i = invite % inviteTokens.size();
      String[] tokens = inviteTokens.get(i);
      int who = asRecipient ? recipients.get(i) : user;
      String outcome = act(side -> policies[side].invites().accept(tokens[side], USERS.get(who), email(who)));
      if (outcome.equals("OK")) {
        accepted.set(i, accepted.get(i) + 1);
      }
    }

    /** Accepts again, as its recipient, the last invite accepted so far (if any). */
    void acceptAgain() {
      for (int i = accepted.size() - 1; i >= 0; i--) {
        if (accepted.get(i) > 0) {
          accept(i, 0, true);
          return;
        }
      }
    }

    void changeLevel(int actorCode, int userCode, OrgLevel level) {
      int actor = who(actorCode, -1);
      int user = who(userCode, actor);
      act(side -> policies[side].members().changeLevel(USERS.get(actor), orgs[side], id(user), level));
    }

    void transfer(int actorCode, int userCode) {
      int actor = who(actorCode, -1);
      int user = who(userCode, actor);
      act(side -> {
        policies[side].members().transferOwnership(USERS.get(actor), orgs[side], id(user));
        return null;
      });
    }

    void leave(int actorCode) {
      int actor = who(actorCode, -1);
      act(side -> {
        policies[side].members().leave(USERS.get(actor), orgs[side]);
        return null;
      });
    }

    void remove(int actorCode, int userCode) {
      int actor = who(actorCode, -1);
      int user = who(userCode, actor);
      act(side -> {
        policies[side].members().remove(USERS.get(actor), orgs[side], id(user));
        return null;
      });
    }

    void grant(int actorCode, int project, int userCode, ProjectRole role) {
      int actor = who(actorCode, -1);
      int user = who(userCode, actor);
      ProjectId[] p = project(project);
      if (p != null) {
        act(side -> policies[side].grants().grant(USERS.get(actor), p[side], id(user), role));
      }
    }

    void revoke(int actorCode, int project, int userCode) {
      int actor = who(actorCode, -1);
      int user = who(userCode, actor);
      ProjectId[] p = project(project);
      if (p != null) {
        act(side -> {
          policies[side].grants().revoke(USERS.get(actor), p[side], id(user));
          return null;
        });
      }
    }

    void visibility(int actorCode, int project, Visibility visibility) {
      int actor = who(actorCode, -1);
      ProjectId[] p = project(project);
      if (p != null) {
        act(side -> policies[side].projects().setVisibility(USERS.get(actor), p[side], visibility));
      }
    }

    void createProject(int actorCode) {
      int actor = who(actorCode, -1);
      if (projects.size() >= MAX_PROJECTS) {
        return;
      }
      ProjectId[] created = new ProjectId[2];
      act(side -> {
        created[side] = policies[side].projects().create(USERS.get(actor), orgs[side], "Project " + projects.size()).id();
        return created[side];
      });
      if (created[MEM] != null) {
        projects.add(created);
      }
    }

    void deleteProject(int actorCode, int project) {
      int actor = who(actorCode, -1);
      ProjectId[] p = project(project);
      if (p != null) {
        String outcome = act(side -> {
          policies[side].projects().delete(USERS.get(actor), p[side]);
          return null;
        });
        if (outcome.equals("OK")) {
          projects.set(projects.indexOf(p), null);
        }
      }
    }

    void setExpiry(int actorCode, int userCode, int hours) {
      int actor = who(actorCode, -1);
      int user = who(userCode, actor);
      Instant at = clock.instant().plus(Duration.ofHours(hours));
      act(side -> policies[side].members().setExpiry(USERS.get(actor), orgs[side], id(user), at));
    }

    void advance(int hours) {
      clock.advance(Duration.ofHours(hours));
      log.add("advance " + hours + "h -> " + clock.instant());
    }

    void sweep() {
      act(side -> policies[side].sweepExpired());
    }

    // ----------------------------------------------------------------------------- checking

    /** Compares the two sides and checks the invariants on PostgreSQL. */
    void check() {
      Snapshot mem = snapshot(MEM);
      Snapshot db = snapshot(DB);
      assertThat(db.members).as(context("members")).isEqualTo(mem.members);
      assertThat(db.grants).as(context("grants")).isEqualTo(mem.grants);
      assertThat(db.projects).as(context("projects")).isEqualTo(mem.projects);
      assertThat(db.pendingInvites).as(context("pending invites")).isEqualTo(mem.pendingInvites);

      Instant now = clock.instant();
      long owners = db.members.values().stream().filter(m -> m.startsWith("OWNER")).count();
      if (matrix.ownership() == OwnershipRule.SINGLE) {
        assertThat(owners).as(context("owners under single ownership")).isEqualTo(1);
      } else {
        assertThat(owners).as(context("owners")).isGreaterThanOrEqualTo(1);
      }
      assertThat(accepted).as(context("acceptances per invite")).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(1));
      assertThat(db.grants.keySet()).as(context("grants of non-members"))
          .allSatisfy(g -> assertThat(db.members).containsKey(g.substring(g.indexOf('/') + 1)));

      for (int u = 0; u < USERS.size(); u++) {
        Principal user = USERS.get(u);
        for (Capability c : List.of(Capability.VIEW_ORGANIZATION, Capability.MANAGE_MEMBERS)) {
          assertThat(policies[DB].check(user, c, orgs[DB])).as(context(user.userId() + " " + c))
              .isEqualTo(policies[MEM].check(user, c, orgs[MEM]));
        }
        Optional<Membership> membership = stores[DB].inTransaction(
            (Transaction t) -> t.memberships().find(orgs[DB], user.userId()));
        boolean active = membership.isPresent() && membership.get().expiresAt().map(now::isBefore).orElse(true);
        List<ProjectId> listed = active
            ? policies[DB].visibleProjects(user, orgs[DB]).stream().map(v -> v.project().id()).toList()
            : List.of();
        for (int p = 0; p < projects.size(); p++) {
          ProjectId[] pair = projects.get(p);
          if (pair == null) {
            continue;
          }
          for (Capability c : List.of(Capability.VIEW_DATA, Capability.MANAGE_PROJECT_ACCESS)) {
            assertThat(policies[DB].check(user, c, pair[DB])).as(context(user.userId() + " " + c + " #" + p))
                .isEqualTo(policies[MEM].check(user, c, pair[MEM]));
          }
          boolean visible = active && visibleBySpec(membership.get(), db, p, now);
          Decision view = policies[DB].check(user, Capability.VIEW_DATA, pair[DB]);
          assertThat(view.equals(Decision.notFound())).as(context(user.userId() + " hidden from #" + p)).isEqualTo(!visible);
          assertThat(listed.contains(pair[DB])).as(context(user.userId() + " lists #" + p)).isEqualTo(visible);
        }
      }
    }

    /** §2.3: Admins and Owners see everything, others an open project or one they hold an active grant on. */
    private static boolean visibleBySpec(Membership member, Snapshot db, int project, Instant now) {
      if (member.level() != OrgLevel.MEMBER) {
        return true;
      }
      String grant = db.grantExpiries.get(project + "/" + member.user().value());
      boolean granted = grant != null && (grant.isEmpty() || now.isBefore(Instant.parse(grant)));
      return granted || db.projects.get(project).equals("OPEN");
    }

    /** What one side stores, keyed so that both sides compare equal: projects by pairing index. */
    private record Snapshot(Map<String, String> members, Map<String, String> grants, Map<String, String> grantExpiries,
        Map<Integer, String> projects, TreeSet<String> pendingInvites) {}

    private Snapshot snapshot(int side) {
      return stores[side].inTransaction((Transaction t) -> {
        Map<String, String> members = new TreeMap<>();
        for (Membership m : t.memberships().listByOrganization(orgs[side])) {
          members.put(m.user().value(), m.level() + " until " + m.expiresAt().map(Instant::toString).orElse("-"));
        }
        Map<Integer, String> projectStates = new TreeMap<>();
        for (Project p : t.projects().listByOrganization(orgs[side])) {
          projectStates.put(index(side, p.id()), p.visibility().name());
        }
        Map<String, String> grants = new TreeMap<>();
        Map<String, String> expiries = new TreeMap<>();
        for (ProjectGrant g : t.grants().listByOrganization(orgs[side])) {
          String key = index(side, g.project()) + "/" + g.user().value();
          grants.put(key, g.role() + " until " + g.expiresAt().map(Instant::toString).orElse("-"));
          expiries.put(key, g.expiresAt().map(Instant::toString).orElse(""));
        }
        TreeSet<String> invites = new TreeSet<>();
        for (Invite i : t.invites().listUnused(orgs[side])) {
          invites.add(i.email().value() + " " + i.level() + " " + i.grants().size());
        }
        return new Snapshot(members, grants, expiries, projectStates, invites);
      });
    }

    private int index(int side, ProjectId id) {
      for (int i = 0; i < projects.size(); i++) {
        if (projects.get(i) != null && projects.get(i)[side].equals(id)) {
          return i;
        }
      }
      throw new AssertionError("an unpaired project " + id + " on side " + side);
    }

    // ----------------------------------------------------------------------------- plumbing

    /**
     * Runs the same call on both sides and asserts the same outcome: {@code OK}, an error code, or an
     * exception class. A store failure on PostgreSQL fails at once. Returns the outcome.
     */
    private String act(IntFunction<Object> call) {
      String[] outcomes = new String[2];
      for (int side = MEM; side <= DB; side++) {
        try {
          call.apply(side);
          outcomes[side] = "OK";
        } catch (StorageException e) {
          throw new AssertionError(context("store failure on side " + side), e);
        } catch (WardenException e) {
          outcomes[side] = e.code().name();
        } catch (IllegalArgumentException e) {
          outcomes[side] = "IllegalArgumentException";
        }
      }
      String action = new Throwable().getStackTrace()[1].getMethodName();
      log.add(action + " -> " + outcomes[MEM]);
      this.outcomes.add(action + " " + outcomes[MEM]);
      assertThat(outcomes[DB]).as(context("outcome")).isEqualTo(outcomes[MEM]);
      return outcomes[MEM];
    }

    /**
     * Resolves a generated user code: {@code 0..4} is that pool user; {@code 5..9} some active Admin or
     * Owner, {@code 10..14} some active member, other than {@code not} (so that many actions come from,
     * and go to, people for whom they might be allowed), or a pool user if there is none.
     */
    private int who(int code, int not) {
      if (code < USERS.size()) {
        return code;
      }
      Instant now = clock.instant();
      List<Integer> candidates = new ArrayList<>();
      for (Membership m : stores[MEM].inTransaction((Transaction t) -> t.memberships().listByOrganization(orgs[MEM]))) {
        int index = USERS.indexOf(USERS.stream().filter(u -> u.userId().equals(m.user())).findFirst().orElseThrow());
        boolean active = m.expiresAt().map(now::isBefore).orElse(true);
        if (active && index != not && (code >= 10 || m.level() != OrgLevel.MEMBER)) {
          candidates.add(index);
        }
      }
      return candidates.isEmpty() ? code % USERS.size() : candidates.get(code % candidates.size());
    }

    /** The {@code index}-th live project pair, modulo how many there are; null if none is left. */
    private ProjectId[] project(int index) {
      List<ProjectId[]> live = projects.stream().filter(p -> p != null).toList();
      return live.isEmpty() ? null : live.get(index % live.size());
    }

    private static String email(int user) {
      return USERS.get(user).userId().value() + "@acme.com";
    }

    private static UserId id(int user) {
      return USERS.get(user).userId();
    }

    private String context(String what) {
      return what + " after " + log;
    }

    @Override
    public String toString() {
      return "Model" + log;
    }
  }
}
