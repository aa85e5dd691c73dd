package dev.warden.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.collect.ImmutableSet;
import dev.warden.Limits;
import dev.warden.apikey.ApiKey;
import dev.warden.apikey.ApiKeyId;
import dev.warden.apikey.ApiKeyRequest;
import dev.warden.apikey.ApiScope;
import dev.warden.audit.Actor;
import dev.warden.audit.AuditCursor;
import dev.warden.audit.AuditEntry;
import dev.warden.audit.AuditQuery;
import dev.warden.audit.Change;
import dev.warden.invite.Invite;
import dev.warden.invite.InviteGrant;
import dev.warden.invite.InviteId;
import dev.warden.matrix.Capability;
import dev.warden.organization.EmailAddress;
import dev.warden.organization.Membership;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.Organization;
import dev.warden.organization.OrganizationSettings;
import dev.warden.organization.UserId;
import dev.warden.project.Project;
import dev.warden.project.ProjectGrant;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import dev.warden.project.Visibility;
import dev.warden.resource.AccessLevel;
import dev.warden.resource.Resource;
import dev.warden.resource.ResourceRef;
import dev.warden.resource.ResourceRule;
import dev.warden.role.ResolutionRule;
import dev.warden.role.Role;
import dev.warden.role.RoleGrant;
import dev.warden.role.RoleId;
import dev.warden.role.RoleMember;
import dev.warden.role.RoleRule;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The contract every {@link Store} must pass, shipped in core's test-jar. Implement {@link #newStore()}
 * to return an empty store; every test starts with a fresh one.
 *
 * <pre>{@code
 * class MyStoreTest extends StoreContract {
 *   protected Store newStore() { return MyStore.create(…); }
 * }
 * }</pre>
 */
public abstract class StoreContract {
  protected static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");
  protected static final OrgId ORG = OrgId.of("org_contract");
  protected static final OrgId OTHER = OrgId.of("org_other");
  protected static final UserId ALICE = UserId.of("alice");
  protected static final UserId BOB = UserId.of("bob");
  protected static final UserId CAROL = UserId.of("carol");
  protected static final ProjectId PROD = ProjectId.of("prj_prod");
  protected static final ProjectId DEV = ProjectId.of("prj_dev");

  private Store store;

  /** A new, empty store; called before every test. */
  protected abstract Store newStore();

  @BeforeEach
  void setUpStore() {
    store = newStore();
  }

  /** The store under test. */
  protected Store store() {
    return store;
  }

  private <T> T tx(java.util.function.Function<Transaction, T> work) {
    return store().inTransaction(work);
  }

  private void run(java.util.function.Consumer<Transaction> work) {
    store().inTransaction(t -> {
      work.accept(t);
      return null;
    });
  }

  protected static Organization org(OrgId id, String name, Instant at) {
    return new Organization(id, name, at, OrganizationSettings.defaults());
  }

  protected static Membership member(OrgId org, UserId user, OrgLevel level) {
    return new Membership(org, user, Optional.of(EmailAddress.of(user.value() + "@acme.com")), level,
        Optional.empty(), Optional.empty(), T0, Optional.empty());
  }

  protected static Project project(OrgId org, ProjectId id, String token, Instant at) {
    return new Project(id, org, id.value(), Visibility.OPEN, ProjectRole.MEMBER, token, at);
  }

  protected static ProjectGrant grant(ProjectId project, UserId user, ProjectRole role) {
    return new ProjectGrant(project, user, role, Optional.empty(), ALICE, T0);
  }

  protected static Invite invite(String id, OrgId org, String email, Instant at) {
    return new Invite(InviteId.of(id), org, EmailAddress.of(email), OrgLevel.MEMBER,
        List.of(new InviteGrant(PROD, ProjectRole.VIEWER)), ALICE, at, at.plus(Duration.ofDays(3)), Optional.empty());
  }

  /** An organization with Alice as Owner, Bob as Member, projects PROD and DEV, and Bob's grant on PROD. */
  protected void seed() {
    run(t -> {
      t.organizations().insert(org(ORG, "Acme", T0));
      t.organizations().lock(ORG);
      t.memberships().insert(member(ORG, ALICE, OrgLevel.OWNER));
      t.memberships().insert(member(ORG, BOB, OrgLevel.MEMBER));
      t.projects().insert(project(ORG, PROD, "phc_prod", T0));
      t.projects().insert(project(ORG, DEV, "phc_dev", T0.plusSeconds(1)));
      t.grants().upsert(grant(PROD, BOB, ProjectRole.VIEWER));
    });
  }

  // ------------------------------------------------------------------------------- organizations

  @Test
  void organizations_insertFindUpdate_roundTrip() {
    seed();
    assertThat(tx((Transaction t) -> t.organizations().find(ORG))).contains(org(ORG, "Acme", T0));
    run(t -> t.organizations().update(org(ORG, "Acme Corp", T0)));
    assertThat(tx((Transaction t) -> t.organizations().find(ORG)).orElseThrow().name()).isEqualTo("Acme Corp");
    assertThat(tx((Transaction t) -> t.organizations().find(OTHER))).isEmpty();
  }

  @Test
  void organizations_listIds_inCreationOrder() {
    run(t -> t.organizations().insert(org(OTHER, "Later", T0.plusSeconds(5))));
    run(t -> t.organizations().insert(org(ORG, "Earlier", T0)));
    assertThat(tx((Transaction t) -> t.organizations().listIds())).containsExactly(ORG, OTHER);
  }

  @Test
  void organizations_lockAndBump_revisionIncrements() {
    seed();
    long before = tx((Transaction t) -> t.organizations().revision(ORG)).orElseThrow();
    long bumped = tx((Transaction t) -> {
      assertThat(t.organizations().lock(ORG)).hasValue(before);
      return t.organizations().bumpRevision(ORG);
    });
    assertThat(bumped).isEqualTo(before + 1);
    assertThat(tx((Transaction t) -> t.organizations().revision(ORG))).hasValue(before + 1);
    assertThat(tx((Transaction t) -> t.organizations().lock(OTHER))).isEmpty();
  }

  /** The index of ids a policy keeps on a shared store (issue 12): every revision, project ids by org. */
  @Test
  void organizations_allRevisions_andProjects_idsByOrganization() {
    seed();
    run(t -> {
      t.organizations().insert(org(OTHER, "Other", T0));
      t.projects().insert(project(OTHER, ProjectId.of("prj_other"), "phc_other", T0));
    });
    long revision = tx((Transaction t) -> t.organizations().revision(ORG)).orElseThrow();

    assertThat(tx((Transaction t) -> t.organizations().allRevisions()))
        .containsExactlyInAnyOrderEntriesOf(java.util.Map.of(ORG, revision, OTHER, 0L));
    assertThat(tx((Transaction t) -> t.projects().idsByOrganization(List.of(ORG))))
        .containsExactlyInAnyOrderEntriesOf(java.util.Map.of(PROD, ORG, DEV, ORG));
    assertThat(tx((Transaction t) -> t.projects().idsByOrganization(List.of(ORG, OTHER, OrgId.of("org_none")))))
        .containsExactlyInAnyOrderEntriesOf(java.util.Map.of(PROD, ORG, DEV, ORG, ProjectId.of("prj_other"), OTHER));
    assertThat(tx((Transaction t) -> t.projects().idsByOrganization(List.of()))).isEmpty();
    List<OrgId> many = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      many.add(OrgId.of("org_absent_" + i));
    }
    many.add(OTHER);
    assertThat(tx((Transaction t) -> t.projects().idsByOrganization(many)))
        .containsExactlyInAnyOrderEntriesOf(java.util.Map.of(ProjectId.of("prj_other"), OTHER));
  }

  @Test
  void organizations_lock_serializesTransactions() throws Exception {
    seed();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      AtomicInteger inside = new AtomicInteger();
      AtomicInteger overlaps = new AtomicInteger();
      List<Future<Object>> futures = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        futures.add(pool.submit(() -> tx((Transaction t) -> {
          t.organizations().lock(ORG);
          if (inside.incrementAndGet() > 1) {
            overlaps.incrementAndGet();
          }
          sleep(5);
          t.organizations().bumpRevision(ORG);
          inside.decrementAndGet();
          return null;
        })));
      }
      for (Future<Object> f : futures) {
        f.get(30, TimeUnit.SECONDS);
      }
      assertThat(overlaps).hasValue(0);
      assertThat(tx((Transaction t) -> t.organizations().revision(ORG))).hasValue(8);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void organizations_delete_removesEverythingInside() {
    seed();
    run(t -> t.invites().insertReplacingUnused(invite("inv_1", ORG, "dan@acme.com", T0), "hash1"));
    assertThat(tx((Transaction t) -> t.organizations().delete(ORG))).isTrue();
    assertThat(tx((Transaction t) -> t.organizations().find(ORG))).isEmpty();
    assertThat(tx((Transaction t) -> t.memberships().listByUser(BOB))).isEmpty();
    assertThat(tx((Transaction t) -> t.projects().find(PROD))).isEmpty();
    assertThat(tx((Transaction t) -> t.projects().findByToken("phc_prod"))).isEmpty();
    assertThat(tx((Transaction t) -> t.grants().find(PROD, BOB))).isEmpty();
    assertThat(tx((Transaction t) -> t.invites().findByTokenHash("hash1"))).isEmpty();
    assertThat(tx((Transaction t) -> t.organizations().delete(ORG))).isFalse();
  }

  // ------------------------------------------------------------------------------- memberships

  @Test
  void memberships_listsAreOrdered() {
    seed();
    run(t -> t.memberships().insert(member(ORG, CAROL, OrgLevel.ADMIN)));
    run(t -> {
      t.organizations().insert(org(OTHER, "Other", T0));
      t.memberships().insert(member(OTHER, BOB, OrgLevel.OWNER));
    });
    assertThat(tx((Transaction t) -> t.memberships().listByOrganization(ORG))).extracting(Membership::user)
        .containsExactly(ALICE, BOB, CAROL);
    assertThat(tx((Transaction t) -> t.memberships().listByUser(BOB))).extracting(Membership::organization)
        .containsExactly(ORG, OTHER);
  }

  @Test
  void memberships_insertTwice_fails() {
    seed();
    assertThatThrownBy(() -> run(t -> t.memberships().insert(member(ORG, BOB, OrgLevel.ADMIN))))
        .isInstanceOf(RuntimeException.class);
    assertThat(tx((Transaction t) -> t.memberships().find(ORG, BOB)).orElseThrow().level()).isEqualTo(OrgLevel.MEMBER);
  }

  @Test
  void memberships_update_isCompareAndSet() {
    seed();
    Membership bob = member(ORG, BOB, OrgLevel.MEMBER);
    assertThat(tx((Transaction t) -> t.memberships().update(bob, bob.withLevel(OrgLevel.ADMIN)))).isTrue();
    assertThat(tx((Transaction t) -> t.memberships().update(bob, bob.withLevel(OrgLevel.OWNER)))).isFalse();
    assertThat(tx((Transaction t) -> t.memberships().find(ORG, BOB)).orElseThrow().level()).isEqualTo(OrgLevel.ADMIN);
  }

  @Test
  void memberships_update_neverDemotesTheLastOwner() {
    seed();
    Membership alice = member(ORG, ALICE, OrgLevel.OWNER);
    assertThat(tx((Transaction t) -> t.memberships().update(alice, alice.withLevel(OrgLevel.ADMIN)))).isFalse();
    Membership bob = member(ORG, BOB, OrgLevel.MEMBER);
    assertThat(tx((Transaction t) -> t.memberships().update(bob, bob.withLevel(OrgLevel.OWNER)))).isTrue();
    assertThat(tx((Transaction t) -> t.memberships().update(alice, alice.withLevel(OrgLevel.ADMIN)))).isTrue();
    Membership bobOwner = bob.withLevel(OrgLevel.OWNER);
    assertThat(tx((Transaction t) -> t.memberships().update(bobOwner, bobOwner.withLevel(OrgLevel.MEMBER)))).isFalse();
  }

  @Test
  void memberships_update_concurrentOwnerDemotionsKeepAnOwner() throws Exception {
    seed();
    Membership bob = member(ORG, BOB, OrgLevel.MEMBER);
    run(t -> t.memberships().update(bob, bob.withLevel(OrgLevel.OWNER)));
    Membership alice = member(ORG, ALICE, OrgLevel.OWNER);
    Membership bobOwner = bob.withLevel(OrgLevel.OWNER);
    List<Boolean> results = concurrently(List.<Callable<Boolean>>of(
        () -> tx((Transaction t) -> t.memberships().update(alice, alice.withLevel(OrgLevel.ADMIN))),
        () -> tx((Transaction t) -> t.memberships().update(bobOwner, bobOwner.withLevel(OrgLevel.ADMIN)))));
    assertThat(results).containsExactlyInAnyOrder(true, false);
    assertThat(tx((Transaction t) -> t.memberships().listByOrganization(ORG)))
        .filteredOn(m -> m.level() == OrgLevel.OWNER).hasSize(1);
  }

  @Test
  void memberships_delete_refusesOwners() {
    seed();
    assertThat(tx((Transaction t) -> t.memberships().delete(ORG, ALICE))).isFalse();
    assertThat(tx((Transaction t) -> t.memberships().delete(ORG, BOB))).isTrue();
    assertThat(tx((Transaction t) -> t.memberships().find(ORG, BOB))).isEmpty();
    assertThat(tx((Transaction t) -> t.memberships().listByUser(BOB))).isEmpty();
    assertThat(tx((Transaction t) -> t.memberships().delete(ORG, BOB))).isFalse();
  }

  // ------------------------------------------------------------------------------- projects

  @Test
  void projects_listInCreationOrder_andFindByToken() {
    seed();
    assertThat(tx((Transaction t) -> t.projects().listByOrganization(ORG))).extracting(Project::id).containsExactly(PROD, DEV);
    assertThat(tx((Transaction t) -> t.projects().findByToken("phc_dev"))).map(Project::id).contains(DEV);
    assertThat(tx((Transaction t) -> t.projects().findByToken("phc_nope"))).isEmpty();
  }

  @Test
  void projects_updateToken_oldTokenResolvesToNothing() {
    seed();
    Project prod = tx((Transaction t) -> t.projects().find(PROD)).orElseThrow();
    run(t -> t.projects().update(prod.withToken("phc_rotated")));
    assertThat(tx((Transaction t) -> t.projects().findByToken("phc_prod"))).isEmpty();
    assertThat(tx((Transaction t) -> t.projects().findByToken("phc_rotated"))).map(Project::id).contains(PROD);
  }

  @Test
  void projects_duplicateToken_fails() {
    seed();
    assertThatThrownBy(() -> run(t -> t.projects().insert(project(ORG, ProjectId.of("prj_x"), "phc_prod", T0))))
        .isInstanceOf(RuntimeException.class);
    assertThat(tx((Transaction t) -> t.projects().find(ProjectId.of("prj_x")))).isEmpty();
  }

  @Test
  void projects_delete_removesItsGrants() {
    seed();
    assertThat(tx((Transaction t) -> t.projects().delete(PROD))).isTrue();
    assertThat(tx((Transaction t) -> t.grants().find(PROD, BOB))).isEmpty();
    assertThat(tx((Transaction t) -> t.grants().listByOrganization(ORG))).isEmpty();
    assertThat(tx((Transaction t) -> t.projects().findByToken("phc_prod"))).isEmpty();
    assertThat(tx((Transaction t) -> t.projects().delete(PROD))).isFalse();
  }

  // ------------------------------------------------------------------------------- grants

  @Test
  void grants_upsertReplaces_andListIsOrdered() {
    seed();
    run(t -> t.memberships().insert(member(ORG, CAROL, OrgLevel.MEMBER)));
    run(t -> t.grants().upsert(grant(DEV, CAROL, ProjectRole.ADMIN)));
    run(t -> t.grants().upsert(grant(PROD, BOB, ProjectRole.MEMBER)));
    run(t -> t.grants().upsert(grant(PROD, ALICE, ProjectRole.VIEWER)));
    assertThat(tx((Transaction t) -> t.grants().listByOrganization(ORG)))
        .extracting(g -> g.project().value() + "/" + g.user() + "/" + g.role())
        .containsExactly("prj_prod/alice/VIEWER", "prj_prod/bob/MEMBER", "prj_dev/carol/ADMIN");
  }

  @Test
  void grants_deleteAndDeleteByMember() {
    seed();
    run(t -> t.grants().upsert(grant(DEV, BOB, ProjectRole.ADMIN)));
    assertThat(tx((Transaction t) -> t.grants().delete(DEV, BOB))).isTrue();
    assertThat(tx((Transaction t) -> t.grants().delete(DEV, BOB))).isFalse();
    run(t -> t.grants().upsert(grant(DEV, BOB, ProjectRole.ADMIN)));
    assertThat(tx((Transaction t) -> t.grants().deleteByMember(ORG, BOB))).isEqualTo(2);
    assertThat(tx((Transaction t) -> t.grants().listByOrganization(ORG))).isEmpty();
  }

  // ------------------------------------------------------------------------------- invites

  @Test
  void invites_insertReplacingUnused_keepsOnePendingPerEmail() {
    seed();
    run(t -> t.invites().insertReplacingUnused(invite("inv_1", ORG, "dan@acme.com", T0), "h1"));
    run(t -> t.invites().insertReplacingUnused(invite("inv_2", ORG, "erin@acme.com", T0), "h2"));
    run(t -> t.invites().insertReplacingUnused(invite("inv_3", ORG, "dan@acme.com", T0.plusSeconds(1)), "h3"));
    assertThat(tx((Transaction t) -> t.invites().listUnused(ORG))).extracting(i -> i.id().value()).containsExactly("inv_2", "inv_3");
    assertThat(tx((Transaction t) -> t.invites().findByTokenHash("h1"))).isEmpty();
    assertThat(tx((Transaction t) -> t.invites().find(InviteId.of("inv_1")))).isEmpty();
    assertThat(tx((Transaction t) -> t.invites().findByTokenHash("h3"))).map(i -> i.id().value()).contains("inv_3");
    assertThat(tx((Transaction t) -> t.invites().findByTokenHash("h3")).orElseThrow().grants())
        .containsExactly(new InviteGrant(PROD, ProjectRole.VIEWER));
  }

  @Test
  void invites_keepTheirRolesInOrder() {
    seed();
    Invite plain = invite("inv_1", ORG, "dan@acme.com", T0);
    Invite withRoles = new Invite(plain.id(), plain.organization(), plain.email(), plain.level(), plain.grants(),
        plain.invitedBy(), plain.createdAt(), plain.expiresAt(), plain.acceptedAt(),
        List.of(RoleId.of("rol_b"), RoleId.of("rol_a")));
    run(t -> t.invites().insertReplacingUnused(withRoles, "h1"));
    run(t -> t.invites().insertReplacingUnused(invite("inv_2", ORG, "erin@acme.com", T0), "h2"));

    assertThat(tx((Transaction t) -> t.invites().find(InviteId.of("inv_1")))).contains(withRoles);
    assertThat(tx((Transaction t) -> t.invites().findByTokenHash("h1")).orElseThrow().roles())
        .containsExactly(RoleId.of("rol_b"), RoleId.of("rol_a"));
    assertThat(tx((Transaction t) -> t.invites().listUnused(ORG))).extracting(Invite::roles)
        .containsExactly(List.of(RoleId.of("rol_b"), RoleId.of("rol_a")), List.of());
    assertThat(tx((Transaction t) -> t.invites().find(InviteId.of("inv_2"))).orElseThrow().grants())
        .containsExactly(new InviteGrant(PROD, ProjectRole.VIEWER));
  }

  @Test
  void invites_consume_succeedsOnce() {
    seed();
    run(t -> t.invites().insertReplacingUnused(invite("inv_1", ORG, "dan@acme.com", T0), "h1"));
    assertThat(tx((Transaction t) -> t.invites().consume(InviteId.of("inv_1"), T0.plusSeconds(5)))).isTrue();
    assertThat(tx((Transaction t) -> t.invites().consume(InviteId.of("inv_1"), T0.plusSeconds(6)))).isFalse();
    assertThat(tx((Transaction t) -> t.invites().find(InviteId.of("inv_1"))).orElseThrow().acceptedAt()).contains(T0.plusSeconds(5));
    assertThat(tx((Transaction t) -> t.invites().listUnused(ORG))).isEmpty();
    assertThat(tx((Transaction t) -> t.invites().consume(InviteId.of("inv_none"), T0))).isFalse();
  }

  @Test
  void invites_consume_concurrentlyExactlyOneWins() throws Exception {
    seed();
    run(t -> t.invites().insertReplacingUnused(invite("inv_1", ORG, "dan@acme.com", T0), "h1"));
    List<Callable<Boolean>> calls = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      calls.add(() -> tx((Transaction t) -> t.invites().consume(InviteId.of("inv_1"), T0.plusSeconds(1))));
    }
    List<Boolean> results = concurrently(calls);
    assertThat(results).filteredOn(b -> b).hasSize(1);
  }

  @Test
  void invites_usedInviteSurvivesReplacement() {
    seed();
    run(t -> t.invites().insertReplacingUnused(invite("inv_1", ORG, "dan@acme.com", T0), "h1"));
    run(t -> t.invites().consume(InviteId.of("inv_1"), T0.plusSeconds(1)));
    run(t -> t.invites().insertReplacingUnused(invite("inv_2", ORG, "dan@acme.com", T0.plusSeconds(2)), "h2"));
    assertThat(tx((Transaction t) -> t.invites().findByTokenHash("h1"))).isPresent();
    assertThat(tx((Transaction t) -> t.invites().deleteUnused(ORG, EmailAddress.of("dan@acme.com")))).isEqualTo(1);
    assertThat(tx((Transaction t) -> t.invites().findByTokenHash("h2"))).isEmpty();
    assertThat(tx((Transaction t) -> t.invites().delete(InviteId.of("inv_1")))).isTrue();
    assertThat(tx((Transaction t) -> t.invites().findByTokenHash("h1"))).isEmpty();
  }

  // ------------------------------------------------------------------------------- api keys

  protected static ApiKey key(String id, UserId user, Instant at) {
    return new ApiKey(ApiKeyId.of(id), user, "label " + id, Set.of(ApiScope.parse("query:read")), Set.of(ORG),
        Set.of(), "abcd", at, Optional.empty(), Optional.empty());
  }

  @Test
  void apiKeys_insertFindAndListInCreationOrder() {
    assertThat(tx((Transaction t) -> t.apiKeys().insertIfFewer(key("key_b", BOB, T0.plusSeconds(1)), "hb", 10))).isTrue();
    assertThat(tx((Transaction t) -> t.apiKeys().insertIfFewer(key("key_a", BOB, T0), "ha", 10))).isTrue();
    assertThat(tx((Transaction t) -> t.apiKeys().listByUser(BOB))).extracting(k -> k.id().value())
        .containsExactly("key_a", "key_b");
    assertThat(tx((Transaction t) -> t.apiKeys().find(ApiKeyId.of("key_a")))).contains(key("key_a", BOB, T0));
    assertThat(tx((Transaction t) -> t.apiKeys().findByValueHash("hb")).orElseThrow().key().id().value()).isEqualTo("key_b");
    assertThat(tx((Transaction t) -> t.apiKeys().findByValueHash("hx"))).isEmpty();
    assertThat(tx((Transaction t) -> t.apiKeys().listByUser(ALICE))).isEmpty();
  }

  @Test
  void apiKeys_listByUsers_userByUserInTheGivenOrder_eachInCreationOrder_pastOneStatementsWorth() {
    run(t -> {
      t.apiKeys().insertIfFewer(key("key_b2", BOB, T0.plusSeconds(2)), "hb2", 10);
      t.apiKeys().insertIfFewer(key("key_b1", BOB, T0.plusSeconds(1)), "hb1", 10);
      t.apiKeys().insertIfFewer(key("key_a1", ALICE, T0), "ha1", 10);
    });
    List<UserId> many = new ArrayList<>(List.of(BOB, CAROL));
    for (int i = 0; i < 250; i++) {
      many.add(UserId.of("usr_none_" + i));
    }
    many.add(ALICE);

    assertThat(tx((Transaction t) -> t.apiKeys().listByUsers(many))).extracting(k -> k.id().value())
        .containsExactly("key_b1", "key_b2", "key_a1");
    assertThat(tx((Transaction t) -> t.apiKeys().listByUsers(List.of(ALICE, BOB)))).extracting(k -> k.id().value())
        .containsExactly("key_a1", "key_b1", "key_b2");
    assertThat(tx((Transaction t) -> t.apiKeys().listByUsers(List.of()))).isEmpty();
  }

  @Test
  void apiKeys_insertIfFewer_neverExceedsTheLimitUnderConcurrency() throws Exception {
    List<Callable<Boolean>> calls = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      String id = "key_" + i;
      calls.add(() -> tx((Transaction t) -> t.apiKeys().insertIfFewer(key(id, BOB, T0), "h" + id, 3)));
    }
    List<Boolean> results = concurrently(calls);
    assertThat(results).filteredOn(b -> b).hasSize(3);
    assertThat(tx((Transaction t) -> t.apiKeys().listByUser(BOB))).hasSize(3);
  }

  @Test
  void apiKeys_updateWithNewHash_oldHashStopsResolving() {
    run(t -> t.apiKeys().insertIfFewer(key("key_a", BOB, T0), "old", 10));
    ApiKey rolled = key("key_a", BOB, T0).rolled("wxyz", T0.plusSeconds(9));
    run(t -> t.apiKeys().update(rolled, Optional.of("new")));
    assertThat(tx((Transaction t) -> t.apiKeys().findByValueHash("old"))).isEmpty();
    assertThat(tx((Transaction t) -> t.apiKeys().findByValueHash("new")).orElseThrow().key()).isEqualTo(rolled);
    ApiKey used = rolled.usedAt(T0.plusSeconds(10));
    run(t -> t.apiKeys().update(used, Optional.empty()));
    assertThat(tx((Transaction t) -> t.apiKeys().findByValueHash("new")).orElseThrow().key()).isEqualTo(used);
  }

  @Test
  void apiKeys_markUsed_setsOnlyTheInstant_soAConcurrentNarrowingStands() {
    run(t -> t.apiKeys().insertIfFewer(key("key_a", BOB, T0), "ha", 10));
    ApiKey seenByAuthenticate = tx((Transaction t) -> t.apiKeys().find(ApiKeyId.of("key_a"))).orElseThrow();
    ApiKey narrowed = seenByAuthenticate.withLimits(Set.of(OrgId.of("org_elsewhere")), Set.of());
    run(t -> t.apiKeys().update(narrowed, Optional.empty()));   // offboarding commits in between

    assertThat(tx((Transaction t) -> t.apiKeys().markUsed(ApiKeyId.of("key_a"), T0.plusSeconds(5)))).isTrue();

    assertThat(tx((Transaction t) -> t.apiKeys().find(ApiKeyId.of("key_a")))).contains(narrowed.usedAt(T0.plusSeconds(5)));
    assertThat(tx((Transaction t) -> t.apiKeys().markUsed(ApiKeyId.of("key_missing"), T0))).isFalse();
  }

  @Test
  void apiKeys_delete() {
    run(t -> t.apiKeys().insertIfFewer(key("key_a", BOB, T0), "ha", 10));
    assertThat(tx((Transaction t) -> t.apiKeys().delete(ApiKeyId.of("key_a")))).isTrue();
    assertThat(tx((Transaction t) -> t.apiKeys().findByValueHash("ha"))).isEmpty();
    assertThat(tx((Transaction t) -> t.apiKeys().delete(ApiKeyId.of("key_a")))).isFalse();
  }

  @Test
  void apiKeys_scopeObjectsInUse_everyStoredObjectOnceWithoutTheStar() {
    assertThat(tx((Transaction t) -> t.apiKeys().scopeObjectsInUse())).isEmpty();
    ApiKey wide = new ApiKey(ApiKeyId.of("key_w"), BOB, "wide", Set.of(ApiScope.ALL, ApiScope.parse("invoice:write"),
        ApiScope.parse("query:write")), Set.of(), Set.of(), "abcd", T0, Optional.empty(), Optional.empty());
    run(t -> t.apiKeys().insertIfFewer(key("key_a", BOB, T0), "ha", 10));
    run(t -> t.apiKeys().insertIfFewer(wide, "hw", 10));
    assertThat(tx((Transaction t) -> t.apiKeys().scopeObjectsInUse())).containsExactlyInAnyOrder("query", "invoice");
  }

  // ------------------------------------------------------------------------------- audit

  protected static AuditEntry entry(String id, OrgId org, ProjectId project, UserId user, String action, Instant at) {
    return new AuditEntry(id, Optional.ofNullable(org), Optional.ofNullable(project),
        new Actor(Actor.Kind.USER, Optional.of(user.value()), Optional.empty()), action, Optional.of("target, \"quoted\""),
        List.of(Change.of("level", "MEMBER", "ADMIN"), Change.secret("token")), at);
  }

  @Test
  void audit_queryNewestFirstWithFiltersAndCursor() {
    seed();
    run(t -> {
      t.audit().append(entry("aud_1", ORG, null, ALICE, "member.invited", T0));
      t.audit().append(entry("aud_2", ORG, PROD, BOB, "grant.changed", T0.plusSeconds(1)));
      t.audit().append(entry("aud_3", ORG, null, ALICE, "member.level_changed", T0.plusSeconds(1)));
      t.audit().append(entry("aud_4", OTHER, null, ALICE, "member.invited", T0.plusSeconds(2)));
    });
    AuditQuery org = AuditQuery.organization(ORG);
    assertThat(tx((Transaction t) -> t.audit().query(org, Optional.empty(), 10))).extracting(AuditEntry::id)
        .containsExactly("aud_3", "aud_2", "aud_1");
    assertThat(tx((Transaction t) -> t.audit().query(org, Optional.empty(), 10)).get(0))
        .isEqualTo(entry("aud_3", ORG, null, ALICE, "member.level_changed", T0.plusSeconds(1)));
    List<AuditEntry> first = tx((Transaction t) -> t.audit().query(org, Optional.empty(), 2));
    assertThat(tx((Transaction t) -> t.audit().query(org, Optional.of(AuditCursor.of(first.get(1))), 2)))
        .extracting(AuditEntry::id).containsExactly("aud_1");
    assertThat(tx((Transaction t) -> t.audit().query(AuditQuery.project(PROD), Optional.empty(), 10)))
        .extracting(AuditEntry::id).containsExactly("aud_2");
    assertThat(tx((Transaction t) -> t.audit().query(org.byActor("alice").action("member.invited"), Optional.empty(), 10)))
        .extracting(AuditEntry::id).containsExactly("aud_1");
    assertThat(tx((Transaction t) -> t.audit().query(AuditQuery.actor("alice").between(T0.plusSeconds(1), T0.plusSeconds(3)),
        Optional.empty(), 10))).extracting(AuditEntry::id).containsExactly("aud_4", "aud_3");
  }

  @Test
  void audit_survivesOrganizationDeletion() {
    seed();
    run(t -> t.audit().append(entry("aud_1", ORG, PROD, ALICE, "project.created", T0)));
    run(t -> t.organizations().delete(ORG));
    assertThat(tx((Transaction t) -> t.audit().query(AuditQuery.organization(ORG), Optional.empty(), 10))).hasSize(1);
  }

  // ------------------------------------------------------------------------------- lists

  /**
   * Every list a record holds (SSO domains, key scopes and limits, audit changes) reads back in its
   * order, also when long, and an update replaces it whole. Issue 13: the JDBC store keeps them in tables.
   */
  @Test
  void lists_roundTripInTheirOrder_andUpdatesReplaceThem() {
    OrganizationSettings many = OrganizationSettings.defaults().withSsoEnforcedDomains(
        orderedSet("zeta.example", "acme.com", "b\u00fccher.de", "eu.acme.com", "a.io"));
    Organization acme = new Organization(ORG, "Acme", T0, many);
    run(t -> t.organizations().insert(acme));
    assertThat(tx((Transaction t) -> t.organizations().find(ORG)).orElseThrow().settings().ssoEnforcedDomains())
        .containsExactly("zeta.example", "acme.com", "b\u00fccher.de", "eu.acme.com", "a.io");
    Organization fewer = acme.withSettings(many.withSsoEnforcedDomains(orderedSet("eu.acme.com", "new.example")));
    run(t -> t.organizations().update(fewer));
    assertThat(tx((Transaction t) -> t.organizations().find(ORG)).orElseThrow().settings().ssoEnforcedDomains())
        .containsExactly("eu.acme.com", "new.example");
    run(t -> t.organizations().update(fewer.withSettings(OrganizationSettings.defaults())));
    assertThat(tx((Transaction t) -> t.organizations().find(ORG)).orElseThrow().settings().ssoEnforcedDomains()).isEmpty();

    ApiKey key = new ApiKey(ApiKeyId.of("key_lists"), BOB, "lists",
        orderedSet(ApiScope.parse("session_recording:read"), ApiScope.parse("action:write"), ApiScope.parse("query:read"),
            ApiScope.parse("billing:read"), ApiScope.parse("annotation:write"), ApiScope.parse("cohort:read")),
        orderedSet(OrgId.of("org_z"), OTHER, ORG, OrgId.of("org_a")),
        orderedSet(ProjectId.of("prj_z"), DEV, ProjectId.of("prj_\u00e9, \"odd\" [1]"), PROD, ProjectId.of("prj_a")),
        "abcd", T0, Optional.empty(), Optional.empty());
    run(t -> t.apiKeys().insertIfFewer(key, "h_lists", 10));
    assertExactly(tx((Transaction t) -> t.apiKeys().find(key.id())).orElseThrow(), key);
    assertExactly(tx((Transaction t) -> t.apiKeys().findByValueHash("h_lists")).orElseThrow().key(), key);
    assertExactly(tx((Transaction t) -> t.apiKeys().listByUser(BOB)).get(0), key);
    ApiKey narrowed = key.withLimits(orderedSet(ORG), orderedSet(PROD, DEV));
    run(t -> t.apiKeys().update(narrowed, Optional.empty()));
    assertExactly(tx((Transaction t) -> t.apiKeys().find(key.id())).orElseThrow(), narrowed);
    ApiKey unlimited = key.withLimits(Set.of(), Set.of());
    run(t -> t.apiKeys().update(unlimited, Optional.empty()));
    assertExactly(tx((Transaction t) -> t.apiKeys().find(key.id())).orElseThrow(), unlimited);

    List<Change> changes = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      changes.add(Change.of("field_" + (12 - i), i % 3 == 0 ? null : "before, \"" + i + "\" \\ \u00e9",
          i % 4 == 0 ? null : "after [" + i + "] {}"));
    }
    AuditEntry entry = new AuditEntry("aud_lists", Optional.of(ORG), Optional.empty(), Actor.SYSTEM, "settings.changed",
        Optional.empty(), changes, T0);
    run(t -> t.audit().append(entry));
    assertThat(tx((Transaction t) -> t.audit().query(AuditQuery.organization(ORG), Optional.empty(), 10)))
        .containsExactly(entry);
    assertThat(tx((Transaction t) -> t.audit().query(AuditQuery.organization(ORG), Optional.empty(), 10)).get(0).changes())
        .containsExactlyElementsOf(changes);
  }

  @SafeVarargs
  private static <T> Set<T> orderedSet(T... values) {
    return ImmutableSet.copyOf(values);
  }

  private static void assertExactly(ApiKey actual, ApiKey expected) {
    assertThat(actual).isEqualTo(expected);
    assertThat(actual.scopes()).containsExactlyElementsOf(expected.scopes());
    assertThat(actual.organizations()).containsExactlyElementsOf(expected.organizations());
    assertThat(actual.projects()).containsExactlyElementsOf(expected.projects());
  }

  // ------------------------------------------------------------------------------- transactions

  @Test
  void inTransaction_failure_leavesNoTrace() {
    seed();
    Project prod = tx((Transaction t) -> t.projects().find(PROD)).orElseThrow();
    long revision = tx((Transaction t) -> t.organizations().revision(ORG)).orElseThrow();
    assertThatThrownBy(() -> run(t -> {
      t.organizations().lock(ORG);
      t.memberships().insert(member(ORG, CAROL, OrgLevel.ADMIN));
      t.memberships().delete(ORG, BOB);
      t.grants().deleteByMember(ORG, BOB);
      t.projects().update(prod.withToken("phc_new"));
      t.projects().delete(DEV);
      t.invites().insertReplacingUnused(invite("inv_9", ORG, "zed@acme.com", T0), "h9");
      t.apiKeys().insertIfFewer(key("key_9", BOB, T0), "hk9", 10);
      t.audit().append(entry("aud_9", ORG, null, ALICE, "member.removed", T0));
      t.organizations().update(org(ORG, "Renamed", T0));
      t.organizations().bumpRevision(ORG);
      throw new IllegalStateException("boom");
    })).isInstanceOf(IllegalStateException.class).hasMessage("boom");
    assertThat(tx((Transaction t) -> t.memberships().listByOrganization(ORG))).extracting(Membership::user).containsExactly(ALICE, BOB);
    assertThat(tx((Transaction t) -> t.grants().find(PROD, BOB))).isPresent();
    assertThat(tx((Transaction t) -> t.projects().findByToken("phc_prod"))).isPresent();
    assertThat(tx((Transaction t) -> t.projects().findByToken("phc_new"))).isEmpty();
    assertThat(tx((Transaction t) -> t.projects().find(DEV))).isPresent();
    assertThat(tx((Transaction t) -> t.invites().findByTokenHash("h9"))).isEmpty();
    assertThat(tx((Transaction t) -> t.apiKeys().findByValueHash("hk9"))).isEmpty();
    assertThat(tx((Transaction t) -> t.audit().query(AuditQuery.organization(ORG), Optional.empty(), 10))).isEmpty();
    assertThat(tx((Transaction t) -> t.organizations().find(ORG)).orElseThrow().name()).isEqualTo("Acme");
    assertThat(tx((Transaction t) -> t.organizations().revision(ORG))).hasValue(revision);
    assertThat(tx((Transaction t) -> t.organizations().lock(ORG))).hasValue(revision);
  }

  @Test
  void inTransaction_failure_releasesLocks() throws Exception {
    seed();
    assertThatThrownBy(() -> run(t -> {
      t.organizations().lock(ORG);
      throw new IllegalStateException("boom");
    })).isInstanceOf(IllegalStateException.class);
    List<Long> revision = concurrently(List.<Callable<Long>>of(
        () -> tx((Transaction t) -> t.organizations().lock(ORG).orElseThrow())));
    assertThat(revision).hasSize(1);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Runs the calls on separate threads released together; returns their results in order. */
  private static <T> List<T> concurrently(List<Callable<T>> calls) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(calls.size());
    try {
      CountDownLatch gate = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (Callable<T> call : calls) {
        futures.add(pool.submit(() -> {
          gate.await();
          return call.call();
        }));
      }
      gate.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> f : futures) {
        results.add(f.get(30, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  // ------------------------------------------------------------------------------- resources

  protected static final ResourceRef BOARD = ResourceRef.dashboard(PROD, "dsh_1");
  protected static final ResourceRef OTHER_BOARD = ResourceRef.dashboard(PROD, "dsh_2");
  protected static final ResourceRef INSIGHT = ResourceRef.of(PROD, "insight", "ins_1");
  protected static final ResourceRef DEV_BOARD = ResourceRef.dashboard(DEV, "dsh_1");

  protected static Resource resource(ResourceRef ref, UserId creator, Instant at) {
    return new Resource(ref, creator, at);
  }

  /** {@link #seed()} plus BOARD, OTHER_BOARD, INSIGHT and DEV_BOARD, created by Bob, and Carol as Member. */
  protected void seedResources() {
    seed();
    run(t -> {
      t.memberships().insert(member(ORG, CAROL, OrgLevel.MEMBER));
      t.resources().insert(resource(BOARD, BOB, T0.plusSeconds(10)));
      t.resources().insert(resource(OTHER_BOARD, BOB, T0.plusSeconds(11)));
      t.resources().insert(resource(INSIGHT, BOB, T0.plusSeconds(12)));
      t.resources().insert(resource(DEV_BOARD, BOB, T0.plusSeconds(13)));
    });
  }

  /** The organization's rules, written compactly: "project/kind/resource/user=LEVEL", '*' for absent parts. */
  private List<String> rules(OrgId org) {
    return tx((Transaction t) -> t.resources().listRulesByOrganization(org)).stream()
        .map(r -> r.project().value() + "/" + r.kind() + "/" + r.resourceId().orElse("*") + "/"
            + r.user().map(UserId::value).orElse("*") + "=" + r.level())
        .toList();
  }

  @Test
  void resources_insertFind_roundTripExactly() {
    seed();
    ResourceRef odd = ResourceRef.of(PROD, "feature_flag", "Q3 r\u00e9sum\u00e9 / \u65e5\u672c \"x\", [y]");
    Resource created = resource(odd, CAROL, T0.plusNanos(123_456_000));
    run(t -> t.resources().insert(created));
    assertThat(tx((Transaction t) -> t.resources().find(odd))).contains(created);
    assertThat(tx((Transaction t) -> t.resources().find(ResourceRef.of(PROD, "feature_flag", "Q3")))).isEmpty();
    assertThat(tx((Transaction t) -> t.resources().find(ResourceRef.of(PROD, "dashboard", odd.id())))).isEmpty();
    assertThat(tx((Transaction t) -> t.resources().find(ResourceRef.of(DEV, "feature_flag", odd.id())))).isEmpty();
    assertThat(tx((Transaction t) -> t.resources().find(ResourceRef.of(ProjectId.of("prj_none"), "feature_flag", odd.id()))))
        .isEmpty();
  }

  @Test
  void resources_kindsInUse_fromResourcesAndRules() {
    assertThat(tx((Transaction t) -> t.resources().kindsInUse())).isEmpty();
    seed();
    run(t -> {
      t.resources().insert(resource(ResourceRef.of(PROD, "invoice", "i1"), CAROL, T0));
      t.resources().insert(resource(ResourceRef.of(DEV, "invoice", "i2"), CAROL, T0));
      t.resources().upsertRule(ResourceRule.forKind(PROD, "report", AccessLevel.VIEWER));
    });
    assertThat(tx((Transaction t) -> t.resources().kindsInUse())).containsExactlyInAnyOrder("invoice", "report");
  }

  @Test
  void resources_insertTwiceOrIntoAMissingProject_fails() {
    seedResources();
    assertThatThrownBy(() -> run(t -> t.resources().insert(resource(BOARD, CAROL, T0))))
        .isInstanceOf(RuntimeException.class);
    assertThat(tx((Transaction t) -> t.resources().find(BOARD))).contains(resource(BOARD, BOB, T0.plusSeconds(10)));
    ResourceRef orphan = ResourceRef.dashboard(ProjectId.of("prj_none"), "dsh_1");
    assertThatThrownBy(() -> run(t -> t.resources().insert(resource(orphan, BOB, T0))))
        .isInstanceOf(RuntimeException.class);
    assertThat(tx((Transaction t) -> t.resources().find(orphan))).isEmpty();
  }

  @Test
  void resources_listByOrganization_inCreationOrderThenProjectKindAndId() {
    seed();
    // Project ids that order differently as "project/kind/id" strings ('-' sorts before '/').
    ProjectId a = ProjectId.of("prj_a");
    ProjectId aDash = ProjectId.of("prj_a-b");
    run(t -> {
      t.projects().insert(project(ORG, a, "phc_a", T0));
      t.projects().insert(project(ORG, aDash, "phc_a-b", T0));
      t.organizations().insert(org(OTHER, "Other", T0));
      t.projects().insert(project(OTHER, ProjectId.of("prj_other"), "phc_other", T0));
    });
    Instant tie = T0.plusSeconds(5);
    List<Resource> expected = List.of(
        resource(ResourceRef.dashboard(PROD, "dsh_9"), ALICE, T0.plusSeconds(4)),
        resource(ResourceRef.dashboard(PROD, "dsh_8"), ALICE, T0.plusSeconds(4).plusNanos(1_000)),
        resource(ResourceRef.of(a, "insight", "ins_1"), BOB, tie),
        resource(ResourceRef.dashboard(aDash, "dsh_1"), BOB, tie),
        resource(ResourceRef.dashboard(DEV, "dsh_2"), BOB, tie),
        resource(ResourceRef.dashboard(PROD, "dsh_1"), BOB, tie),
        resource(ResourceRef.dashboard(PROD, "dsh_1-b"), BOB, tie),
        resource(ResourceRef.dashboard(PROD, "dsh_10"), BOB, tie),
        resource(ResourceRef.of(PROD, "feature", "ff_1"), BOB, tie),
        resource(ResourceRef.of(PROD, "feature_flag", "ff_1"), BOB, tie),
        resource(ResourceRef.dashboard(DEV, "dsh_1"), CAROL, T0.plusSeconds(6)));
    List<Resource> scrambled = new ArrayList<>(expected);
    java.util.Collections.shuffle(scrambled, new java.util.Random(7));
    run(t -> {
      scrambled.forEach(t.resources()::insert);
      t.resources().insert(resource(ResourceRef.dashboard(ProjectId.of("prj_other"), "dsh_1"), BOB, T0));
    });
    assertThat(tx((Transaction t) -> t.resources().listByOrganization(ORG))).containsExactlyElementsOf(expected);
    assertThat(tx((Transaction t) -> t.resources().listByOrganization(OTHER))).extracting(r -> r.ref().project())
        .containsExactly(ProjectId.of("prj_other"));
    assertThat(tx((Transaction t) -> t.resources().listByOrganization(OrgId.of("org_none")))).isEmpty();
  }

  @Test
  void resources_update_replacesTheCreator() {
    seedResources();
    Resource board = tx((Transaction t) -> t.resources().find(BOARD)).orElseThrow();
    run(t -> t.resources().update(board.withCreator(CAROL)));
    assertThat(tx((Transaction t) -> t.resources().find(BOARD))).contains(board.withCreator(CAROL));
    assertThat(tx((Transaction t) -> t.resources().find(OTHER_BOARD)).orElseThrow().creator()).isEqualTo(BOB);
    Resource missing = resource(ResourceRef.dashboard(PROD, "dsh_none"), CAROL, T0);
    assertThatThrownBy(() -> run(t -> t.resources().update(missing))).isInstanceOf(RuntimeException.class);
    assertThat(tx((Transaction t) -> t.resources().find(missing.ref()))).isEmpty();
  }

  @Test
  void resources_delete_removesItsRulesOnly() {
    seedResources();
    run(t -> {
      t.resources().upsertRule(ResourceRule.forKind(PROD, ResourceRef.DASHBOARD, AccessLevel.VIEWER));
      t.resources().upsertRule(ResourceRule.forEveryone(BOARD, AccessLevel.VIEWER));
      t.resources().upsertRule(ResourceRule.forMember(BOARD, CAROL, AccessLevel.EDITOR));
      t.resources().upsertRule(ResourceRule.forMember(OTHER_BOARD, CAROL, AccessLevel.EDITOR));
      t.resources().upsertRule(ResourceRule.forMember(DEV_BOARD, CAROL, AccessLevel.NONE));
    });
    assertThat(tx((Transaction t) -> t.resources().delete(BOARD))).isTrue();
    assertThat(tx((Transaction t) -> t.resources().find(BOARD))).isEmpty();
    assertThat(rules(ORG)).containsExactly(
        "prj_dev/dashboard/dsh_1/carol=NONE",
        "prj_prod/dashboard/*/*=VIEWER",
        "prj_prod/dashboard/dsh_2/carol=EDITOR");
    assertThat(tx((Transaction t) -> t.resources().delete(BOARD))).isFalse();
    // Registered again, the resource starts without rules.
    run(t -> t.resources().insert(resource(BOARD, ALICE, T0.plusSeconds(20))));
    assertThat(rules(ORG)).hasSize(3);
  }

  @Test
  void resourceRules_upsertReplacesTheRuleWithTheSameProjectKindResourceAndUser() {
    seedResources();
    run(t -> {
      t.resources().upsertRule(ResourceRule.forKind(PROD, ResourceRef.DASHBOARD, AccessLevel.VIEWER));
      t.resources().upsertRule(ResourceRule.forKind(PROD, "insight", AccessLevel.NONE));
      t.resources().upsertRule(ResourceRule.forEveryone(BOARD, AccessLevel.VIEWER));
      t.resources().upsertRule(ResourceRule.forMember(BOARD, CAROL, AccessLevel.EDITOR));
      t.resources().upsertRule(ResourceRule.forMember(BOARD, BOB, AccessLevel.VIEWER));
    });
    run(t -> {
      t.resources().upsertRule(ResourceRule.forKind(PROD, ResourceRef.DASHBOARD, AccessLevel.EDITOR));
      t.resources().upsertRule(ResourceRule.forEveryone(BOARD, AccessLevel.NONE));
      t.resources().upsertRule(ResourceRule.forMember(BOARD, CAROL, AccessLevel.MANAGER));
    });
    run(t -> t.resources().upsertRule(ResourceRule.forMember(BOARD, CAROL, AccessLevel.VIEWER)));
    assertThat(rules(ORG)).containsExactly(
        "prj_prod/dashboard/*/*=EDITOR",
        "prj_prod/dashboard/dsh_1/*=NONE",
        "prj_prod/dashboard/dsh_1/bob=VIEWER",
        "prj_prod/dashboard/dsh_1/carol=VIEWER",
        "prj_prod/insight/*/*=NONE");
    assertThat(tx((Transaction t) -> t.resources().listRulesByOrganization(ORG)))
        .contains(ResourceRule.forMember(BOARD, CAROL, AccessLevel.VIEWER),
            ResourceRule.forKind(PROD, "insight", AccessLevel.NONE), ResourceRule.forEveryone(BOARD, AccessLevel.NONE));
  }

  @Test
  void resourceRules_aShareKeepsItsFlag_andSharesItsKeyWithTheMembersRule() {
    seedResources();
    run(t -> {
      t.resources().upsertRule(ResourceRule.share(BOARD, CAROL, AccessLevel.EDITOR));
      t.resources().upsertRule(ResourceRule.forMember(BOARD, BOB, AccessLevel.VIEWER));
    });
    assertThat(tx((Transaction t) -> t.resources().listRulesByOrganization(ORG))).containsExactly(
        ResourceRule.forMember(BOARD, BOB, AccessLevel.VIEWER), ResourceRule.share(BOARD, CAROL, AccessLevel.EDITOR));
    // One rule per member and resource: a plain rule replaces the share and a share the plain rule.
    run(t -> {
      t.resources().upsertRule(ResourceRule.forMember(BOARD, CAROL, AccessLevel.MANAGER));
      t.resources().upsertRule(ResourceRule.share(BOARD, BOB, AccessLevel.VIEWER));
    });
    assertThat(tx((Transaction t) -> t.resources().listRulesByOrganization(ORG))).containsExactly(
        ResourceRule.share(BOARD, BOB, AccessLevel.VIEWER), ResourceRule.forMember(BOARD, CAROL, AccessLevel.MANAGER));
    // Deleting by key takes a share as well; removing the member takes their shares with their rules.
    assertThat(tx((Transaction t) -> t.resources().deleteRule(ResourceRule.forMember(BOARD, BOB, AccessLevel.NONE))))
        .isTrue();
    run(t -> t.resources().upsertRule(ResourceRule.share(INSIGHT, CAROL, AccessLevel.VIEWER)));
    assertThat(tx((Transaction t) -> t.resources().deleteRulesByMember(ORG, CAROL))).isEqualTo(2);
    assertThat(rules(ORG)).isEmpty();
  }

  @Test
  void resourceRules_upsertOnAMissingProjectOrResource_fails() {
    seedResources();
    ResourceRef missing = ResourceRef.dashboard(PROD, "dsh_none");
    for (ResourceRule rule : List.of(
        ResourceRule.forKind(ProjectId.of("prj_none"), ResourceRef.DASHBOARD, AccessLevel.VIEWER),
        ResourceRule.forEveryone(missing, AccessLevel.VIEWER),
        ResourceRule.forMember(missing, CAROL, AccessLevel.EDITOR),
        ResourceRule.forMember(ResourceRef.of(PROD, "insight", BOARD.id()), CAROL, AccessLevel.EDITOR))) {
      assertThatThrownBy(() -> run(t -> t.resources().upsertRule(rule))).as("%s", rule)
          .isInstanceOf(RuntimeException.class);
    }
    assertThat(rules(ORG)).isEmpty();
  }

  @Test
  void resourceRules_deleteRule_matchesWhateverTheLevel() {
    seedResources();
    run(t -> {
      t.resources().upsertRule(ResourceRule.forKind(PROD, ResourceRef.DASHBOARD, AccessLevel.VIEWER));
      t.resources().upsertRule(ResourceRule.forEveryone(BOARD, AccessLevel.VIEWER));
      t.resources().upsertRule(ResourceRule.forMember(BOARD, CAROL, AccessLevel.EDITOR));
    });
    assertThat(tx((Transaction t) -> t.resources().deleteRule(ResourceRule.forEveryone(BOARD, AccessLevel.MANAGER)))).isTrue();
    assertThat(rules(ORG)).containsExactly("prj_prod/dashboard/*/*=VIEWER", "prj_prod/dashboard/dsh_1/carol=EDITOR");
    assertThat(tx((Transaction t) -> t.resources().deleteRule(ResourceRule.forEveryone(BOARD, AccessLevel.VIEWER)))).isFalse();
    assertThat(tx((Transaction t) -> t.resources().deleteRule(ResourceRule.forMember(BOARD, BOB, AccessLevel.EDITOR)))).isFalse();
    assertThat(tx((Transaction t) -> t.resources().deleteRule(ResourceRule.forKind(DEV, ResourceRef.DASHBOARD, AccessLevel.VIEWER))))
        .isFalse();
    assertThat(tx((Transaction t) -> t.resources().deleteRule(ResourceRule.forKind(PROD, ResourceRef.DASHBOARD, AccessLevel.NONE))))
        .isTrue();
    assertThat(tx((Transaction t) -> t.resources().deleteRule(ResourceRule.forMember(BOARD, CAROL, AccessLevel.EDITOR)))).isTrue();
    assertThat(rules(ORG)).isEmpty();
    assertThat(tx((Transaction t) -> t.resources().deleteRule(
        ResourceRule.forKind(ProjectId.of("prj_none"), ResourceRef.DASHBOARD, AccessLevel.NONE)))).isFalse();
  }

  @Test
  void resourceRules_listByOrganization_byProjectKindResourceThenUser() {
    seedResources();
    ProjectId a = ProjectId.of("prj_a");
    ProjectId aDash = ProjectId.of("prj_a-b");
    ResourceRef aBoard = ResourceRef.dashboard(a, "dsh_1");
    ResourceRef aDashBoard = ResourceRef.dashboard(aDash, "dsh_1");
    ResourceRef boardDash = ResourceRef.dashboard(PROD, "dsh_1-b");
    run(t -> {
      t.projects().insert(project(ORG, a, "phc_a", T0.plusSeconds(3)));
      t.projects().insert(project(ORG, aDash, "phc_a-b", T0.plusSeconds(2)));
      t.resources().insert(resource(aBoard, BOB, T0));
      t.resources().insert(resource(aDashBoard, BOB, T0));
      t.resources().insert(resource(boardDash, BOB, T0));
      t.organizations().insert(org(OTHER, "Other", T0));
      t.projects().insert(project(OTHER, ProjectId.of("prj_other"), "phc_other", T0));
      t.resources().upsertRule(ResourceRule.forKind(ProjectId.of("prj_other"), "insight", AccessLevel.VIEWER));
    });
    List<ResourceRule> expected = List.of(
        ResourceRule.forMember(aBoard, BOB, AccessLevel.EDITOR),
        ResourceRule.forKind(aDash, ResourceRef.DASHBOARD, AccessLevel.VIEWER),
        ResourceRule.forMember(aDashBoard, ALICE, AccessLevel.EDITOR),
        ResourceRule.forEveryone(DEV_BOARD, AccessLevel.NONE),
        ResourceRule.forKind(PROD, ResourceRef.DASHBOARD, AccessLevel.VIEWER),
        ResourceRule.forEveryone(BOARD, AccessLevel.EDITOR),
        ResourceRule.forMember(BOARD, ALICE, AccessLevel.VIEWER),
        ResourceRule.forMember(BOARD, BOB, AccessLevel.MANAGER),
        ResourceRule.forMember(BOARD, CAROL, AccessLevel.NONE),
        ResourceRule.forMember(boardDash, CAROL, AccessLevel.EDITOR),
        ResourceRule.forMember(OTHER_BOARD, BOB, AccessLevel.EDITOR),
        ResourceRule.forKind(PROD, "insight", AccessLevel.EDITOR),
        ResourceRule.forEveryone(INSIGHT, AccessLevel.VIEWER));
    List<ResourceRule> scrambled = new ArrayList<>(expected);
    java.util.Collections.shuffle(scrambled, new java.util.Random(11));
    run(t -> scrambled.forEach(t.resources()::upsertRule));
    assertThat(tx((Transaction t) -> t.resources().listRulesByOrganization(ORG))).containsExactlyElementsOf(expected);
    assertThat(rules(OTHER)).containsExactly("prj_other/insight/*/*=VIEWER");
    assertThat(tx((Transaction t) -> t.resources().listRulesByOrganization(OrgId.of("org_none")))).isEmpty();
  }

  @Test
  void resourceRules_deleteRulesByMember_removesThatMembersRulesInThatOrganizationOnly() {
    seedResources();
    ProjectId otherProject = ProjectId.of("prj_other");
    ResourceRef otherBoard = ResourceRef.dashboard(otherProject, "dsh_1");
    run(t -> {
      t.resources().upsertRule(ResourceRule.forKind(PROD, ResourceRef.DASHBOARD, AccessLevel.VIEWER));
      t.resources().upsertRule(ResourceRule.forEveryone(BOARD, AccessLevel.VIEWER));
      t.resources().upsertRule(ResourceRule.forMember(BOARD, CAROL, AccessLevel.EDITOR));
      t.resources().upsertRule(ResourceRule.forMember(INSIGHT, CAROL, AccessLevel.NONE));
      t.resources().upsertRule(ResourceRule.forMember(DEV_BOARD, CAROL, AccessLevel.MANAGER));
      t.resources().upsertRule(ResourceRule.forMember(BOARD, BOB, AccessLevel.EDITOR));
      t.organizations().insert(org(OTHER, "Other", T0));
      t.projects().insert(project(OTHER, otherProject, "phc_other", T0));
      t.resources().insert(resource(otherBoard, CAROL, T0));
      t.resources().upsertRule(ResourceRule.forMember(otherBoard, CAROL, AccessLevel.EDITOR));
    });
    assertThat(tx((Transaction t) -> t.resources().deleteRulesByMember(ORG, CAROL))).isEqualTo(3);
    assertThat(rules(ORG)).containsExactly(
        "prj_prod/dashboard/*/*=VIEWER",
        "prj_prod/dashboard/dsh_1/*=VIEWER",
        "prj_prod/dashboard/dsh_1/bob=EDITOR");
    assertThat(rules(OTHER)).containsExactly("prj_other/dashboard/dsh_1/carol=EDITOR");
    assertThat(tx((Transaction t) -> t.resources().deleteRulesByMember(ORG, CAROL))).isZero();
    assertThat(tx((Transaction t) -> t.resources().deleteRulesByMember(OrgId.of("org_none"), BOB))).isZero();
    // The resources stay, whoever created them.
    assertThat(tx((Transaction t) -> t.resources().find(otherBoard))).isPresent();
  }

  @Test
  void projects_delete_removesItsResourcesAndRules() {
    seedResources();
    run(t -> {
      t.resources().upsertRule(ResourceRule.forKind(PROD, ResourceRef.DASHBOARD, AccessLevel.VIEWER));
      t.resources().upsertRule(ResourceRule.forEveryone(BOARD, AccessLevel.VIEWER));
      t.resources().upsertRule(ResourceRule.forMember(INSIGHT, CAROL, AccessLevel.EDITOR));
      t.resources().upsertRule(ResourceRule.forKind(DEV, ResourceRef.DASHBOARD, AccessLevel.EDITOR));
      t.resources().upsertRule(ResourceRule.forMember(DEV_BOARD, CAROL, AccessLevel.NONE));
    });
    assertThat(tx((Transaction t) -> t.projects().delete(PROD))).isTrue();
    assertThat(tx((Transaction t) -> t.resources().find(BOARD))).isEmpty();
    assertThat(tx((Transaction t) -> t.resources().find(INSIGHT))).isEmpty();
    assertThat(tx((Transaction t) -> t.resources().listByOrganization(ORG))).extracting(Resource::ref)
        .containsExactly(DEV_BOARD);
    assertThat(rules(ORG)).containsExactly("prj_dev/dashboard/*/*=EDITOR", "prj_dev/dashboard/dsh_1/carol=NONE");
    // A project of the same id starts empty.
    run(t -> t.projects().insert(project(ORG, PROD, "phc_prod_again", T0.plusSeconds(30))));
    assertThat(tx((Transaction t) -> t.resources().find(BOARD))).isEmpty();
    assertThat(rules(ORG)).hasSize(2);
  }

  @Test
  void organizations_delete_removesItsResourcesAndRules() {
    seedResources();
    run(t -> {
      t.resources().upsertRule(ResourceRule.forKind(PROD, ResourceRef.DASHBOARD, AccessLevel.VIEWER));
      t.resources().upsertRule(ResourceRule.forMember(BOARD, CAROL, AccessLevel.EDITOR));
      t.organizations().insert(org(OTHER, "Other", T0));
      t.projects().insert(project(OTHER, ProjectId.of("prj_other"), "phc_other", T0));
      t.resources().insert(resource(ResourceRef.dashboard(ProjectId.of("prj_other"), "dsh_1"), BOB, T0));
      t.resources().upsertRule(ResourceRule.forKind(ProjectId.of("prj_other"), "insight", AccessLevel.VIEWER));
    });
    assertThat(tx((Transaction t) -> t.organizations().delete(ORG))).isTrue();
    assertThat(tx((Transaction t) -> t.resources().find(BOARD))).isEmpty();
    assertThat(tx((Transaction t) -> t.resources().find(DEV_BOARD))).isEmpty();
    assertThat(tx((Transaction t) -> t.resources().listByOrganization(ORG))).isEmpty();
    assertThat(rules(ORG)).isEmpty();
    assertThat(tx((Transaction t) -> t.resources().listByOrganization(OTHER))).hasSize(1);
    assertThat(rules(OTHER)).containsExactly("prj_other/insight/*/*=VIEWER");
    // The same ids again start empty.
    seed();
    assertThat(tx((Transaction t) -> t.resources().find(BOARD))).isEmpty();
    assertThat(rules(ORG)).isEmpty();
  }

  @Test
  void inTransaction_failure_leavesNoTraceOfResourceChanges() {
    seedResources();
    run(t -> {
      t.resources().upsertRule(ResourceRule.forKind(PROD, ResourceRef.DASHBOARD, AccessLevel.VIEWER));
      t.resources().upsertRule(ResourceRule.forEveryone(BOARD, AccessLevel.VIEWER));
      t.resources().upsertRule(ResourceRule.forMember(BOARD, CAROL, AccessLevel.EDITOR));
      t.resources().upsertRule(ResourceRule.forMember(DEV_BOARD, CAROL, AccessLevel.NONE));
    });
    List<Resource> resourcesBefore = tx((Transaction t) -> t.resources().listByOrganization(ORG));
    List<ResourceRule> rulesBefore = tx((Transaction t) -> t.resources().listRulesByOrganization(ORG));
    ResourceRef added = ResourceRef.dashboard(PROD, "dsh_new");
    assertThatThrownBy(() -> run(t -> {
      t.organizations().lock(ORG);
      t.resources().insert(resource(added, CAROL, T0.plusSeconds(40)));
      t.resources().upsertRule(ResourceRule.forMember(added, BOB, AccessLevel.MANAGER));
      t.resources().update(resource(OTHER_BOARD, CAROL, T0.plusSeconds(11)));
      t.resources().upsertRule(ResourceRule.forKind(PROD, ResourceRef.DASHBOARD, AccessLevel.NONE));
      t.resources().upsertRule(ResourceRule.forKind(DEV, "insight", AccessLevel.EDITOR));
      t.resources().deleteRule(ResourceRule.forEveryone(BOARD, AccessLevel.VIEWER));
      t.resources().deleteRulesByMember(ORG, CAROL);
      t.resources().delete(BOARD);
      t.projects().delete(DEV);
      throw new IllegalStateException("boom");
    })).isInstanceOf(IllegalStateException.class).hasMessage("boom");
    assertThat(tx((Transaction t) -> t.resources().listByOrganization(ORG))).containsExactlyElementsOf(resourcesBefore);
    assertThat(tx((Transaction t) -> t.resources().listRulesByOrganization(ORG))).containsExactlyElementsOf(rulesBefore);
    assertThat(tx((Transaction t) -> t.resources().find(added))).isEmpty();
    assertThat(tx((Transaction t) -> t.resources().find(OTHER_BOARD)).orElseThrow().creator()).isEqualTo(BOB);
    assertThat(tx((Transaction t) -> t.projects().find(DEV))).isPresent();
  }

  // ------------------------------------------------------------------------------- roles (issue 16)

  protected static final RoleId ENGINEERS = RoleId.of("rol_engineers");
  protected static final RoleId SUPPORT = RoleId.of("rol_support");

  protected static Role role(RoleId id, OrgId org, String name, Instant at, Capability... capabilities) {
    return new Role(id, org, name, ImmutableSet.copyOf(capabilities), at);
  }

  protected static RoleMember roleMember(RoleId role, UserId user, Optional<Instant> expiresAt) {
    return new RoleMember(role, user, expiresAt, ALICE, T0);
  }

  protected static RoleGrant roleGrant(RoleId role, ProjectId project, ProjectRole projectRole) {
    return new RoleGrant(role, project, projectRole, ALICE, T0);
  }

  /**
   * {@link #seed()} plus Carol as Member, SUPPORT (created first, carrying INVITE_MEMBERS) and ENGINEERS
   * (none); Bob in both roles, Carol in ENGINEERS until T0 + 1 day; ENGINEERS Admin on DEV and Viewer on
   * PROD, SUPPORT Member on DEV.
   */
  protected void seedRoles() {
    seed();
    run(t -> {
      t.memberships().insert(member(ORG, CAROL, OrgLevel.MEMBER));
      t.roles().insert(role(SUPPORT, ORG, "Support", T0, Capability.INVITE_MEMBERS));
      t.roles().insert(role(ENGINEERS, ORG, "Engineers", T0.plusSeconds(1)));
      t.roles().upsertMember(roleMember(SUPPORT, BOB, Optional.empty()));
      t.roles().upsertMember(roleMember(ENGINEERS, BOB, Optional.empty()));
      t.roles().upsertMember(roleMember(ENGINEERS, CAROL, Optional.of(T0.plus(Duration.ofDays(1)))));
      t.roles().upsertGrant(roleGrant(ENGINEERS, DEV, ProjectRole.ADMIN));
      t.roles().upsertGrant(roleGrant(ENGINEERS, PROD, ProjectRole.VIEWER));
      t.roles().upsertGrant(roleGrant(SUPPORT, DEV, ProjectRole.MEMBER));
    });
  }

  /** The organization's role memberships, written compactly: "role/user". */
  private List<String> roleMembers(OrgId org) {
    return tx((Transaction t) -> t.roles().listMembersByOrganization(org)).stream()
        .map(m -> m.role() + "/" + m.user())
        .toList();
  }

  /** The organization's role grants, written compactly: "role/project=ROLE". */
  private List<String> roleGrants(OrgId org) {
    return tx((Transaction t) -> t.roles().listGrantsByOrganization(org)).stream()
        .map(g -> g.role() + "/" + g.project() + "=" + g.projectRole())
        .toList();
  }

  private List<String> roleNames(OrgId org) {
    return tx((Transaction t) -> t.roles().listByOrganization(org)).stream().map(Role::name).toList();
  }

  @Test
  void roles_insertFind_roundTripExactly_andListInCreationOrderThenId() {
    seed();
    Capability approve = Capability.organization("APPROVE_INVOICES");
    Role support = role(SUPPORT, ORG, "Support \u00e9\ud83d\ude00", T0.plusSeconds(5).plusNanos(123_456_000),
        Capability.VIEW_AUDIT_LOG, approve, Capability.INVITE_MEMBERS);
    Role early = role(RoleId.of("rol_early"), ORG, "Early", T0);
    // Created at the same instant as Support, inserted after it: the id decides.
    Role alpha = role(RoleId.of("rol_alpha"), ORG, "Alpha", support.createdAt(), Capability.MANAGE_BILLING);
    run(t -> {
      t.organizations().insert(org(OTHER, "Other", T0));
      t.roles().insert(support);
      t.roles().insert(early);
      t.roles().insert(alpha);
      t.roles().insert(role(RoleId.of("rol_other"), OTHER, "Support", T0));
    });

    Role found = tx((Transaction t) -> t.roles().find(SUPPORT)).orElseThrow();
    assertThat(found).isEqualTo(support);
    assertThat(found.capabilities()).containsExactly(Capability.VIEW_AUDIT_LOG, approve, Capability.INVITE_MEMBERS);
    assertThat(found.capabilities().iterator().next()).isSameAs(Capability.VIEW_AUDIT_LOG);
    assertThat(tx((Transaction t) -> t.roles().find(RoleId.of("rol_early")))).contains(early);
    assertThat(tx((Transaction t) -> t.roles().listByOrganization(ORG))).containsExactly(early, alpha, support);
    assertThat(tx((Transaction t) -> t.roles().listByOrganization(OTHER))).extracting(Role::id)
        .containsExactly(RoleId.of("rol_other"));
    assertThat(tx((Transaction t) -> t.roles().find(RoleId.of("rol_none")))).isEmpty();
    assertThat(tx((Transaction t) -> t.roles().idsByOrganization(List.of(ORG, OTHER, OrgId.of("org_none")))))
        .containsExactlyInAnyOrderEntriesOf(java.util.Map.of(SUPPORT, ORG, RoleId.of("rol_early"), ORG,
            RoleId.of("rol_alpha"), ORG, RoleId.of("rol_other"), OTHER));
    assertThat(tx((Transaction t) -> t.roles().idsByOrganization(List.of(OTHER))))
        .containsExactlyInAnyOrderEntriesOf(java.util.Map.of(RoleId.of("rol_other"), OTHER));
    assertThat(tx((Transaction t) -> t.roles().idsByOrganization(List.of()))).isEmpty();
    assertThat(tx((Transaction t) -> t.roles().listByOrganization(OrgId.of("org_none")))).isEmpty();
    assertThat(tx((Transaction t) -> t.roles().listMembersByOrganization(OrgId.of("org_none")))).isEmpty();
    assertThat(tx((Transaction t) -> t.roles().listGrantsByOrganization(OrgId.of("org_none")))).isEmpty();
  }

  @Test
  void roles_insertTwiceOrIntoAMissingOrganization_isRefused() {
    seedRoles();
    assertThatThrownBy(() -> run(t -> t.roles().insert(role(ENGINEERS, ORG, "Another name", T0))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> run(t -> t.roles().insert(role(RoleId.of("rol_x"), OTHER, "Orphans", T0))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(tx((Transaction t) -> t.roles().find(ENGINEERS)).orElseThrow().name()).isEqualTo("Engineers");
    assertThat(tx((Transaction t) -> t.roles().find(RoleId.of("rol_x")))).isEmpty();
  }

  @Test
  void roles_nameTakenInTheOrganization_isRefused_onInsertAndOnRename() {
    seedRoles();
    run(t -> t.organizations().insert(org(OTHER, "Other", T0)));

    assertThatThrownBy(() -> run(t -> t.roles().insert(role(RoleId.of("rol_x"), ORG, "Engineers", T0))))
        .isInstanceOf(IllegalArgumentException.class);
    Role support = tx((Transaction t) -> t.roles().find(SUPPORT)).orElseThrow();
    assertThatThrownBy(() -> run(t -> t.roles().update(support.withName("Engineers"))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(tx((Transaction t) -> t.roles().find(RoleId.of("rol_x")))).isEmpty();
    assertThat(roleNames(ORG)).containsExactly("Support", "Engineers");

    // Another organization may use the name; a role keeps its own; a freed name can be taken.
    run(t -> t.roles().insert(role(RoleId.of("rol_other"), OTHER, "Engineers", T0)));
    run(t -> t.roles().update(support.withCapabilities(Set.of())));
    run(t -> t.roles().update(support.withName("Helpdesk")));
    run(t -> t.roles().insert(role(RoleId.of("rol_x"), ORG, "Support", T0.plusSeconds(2))));
    assertThat(roleNames(ORG)).containsExactly("Helpdesk", "Engineers", "Support");
  }

  @Test
  void roles_sameNameConcurrently_exactlyOneIsInserted() throws Exception {
    seed();
    List<Callable<String>> calls = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      RoleId id = RoleId.of("rol_" + i);
      calls.add(() -> {
        try {
          run(t -> t.roles().insert(role(id, ORG, "Engineers", T0)));
          return "inserted";
        } catch (IllegalArgumentException e) {
          return "refused";
        }
      });
    }
    assertThat(concurrently(calls)).containsOnly("inserted", "refused").containsOnlyOnce("inserted");
    assertThat(roleNames(ORG)).containsExactly("Engineers");
  }

  @Test
  void roles_update_replacesNameAndCapabilities_andKeepsTheRest() {
    seedRoles();
    Role support = tx((Transaction t) -> t.roles().find(SUPPORT)).orElseThrow();
    Role changed = support.withName("Helpdesk")
        .withCapabilities(ImmutableSet.of(Capability.VIEW_AUDIT_LOG, Capability.REVOKE_INVITES));
    run(t -> t.roles().update(changed));

    Role found = tx((Transaction t) -> t.roles().find(SUPPORT)).orElseThrow();
    assertThat(found).isEqualTo(changed);
    assertThat(found.capabilities()).containsExactly(Capability.VIEW_AUDIT_LOG, Capability.REVOKE_INVITES);
    assertThat(found.createdAt()).isEqualTo(T0);
    run(t -> t.roles().update(changed.withCapabilities(Set.of())));
    assertThat(tx((Transaction t) -> t.roles().find(SUPPORT)).orElseThrow().capabilities()).isEmpty();
    assertThat(roleMembers(ORG)).containsExactly("rol_support/bob", "rol_engineers/bob", "rol_engineers/carol");
    assertThat(roleGrants(ORG)).containsExactly("rol_support/prj_dev=MEMBER", "rol_engineers/prj_prod=VIEWER",
        "rol_engineers/prj_dev=ADMIN");

    assertThatThrownBy(() -> run(t -> t.roles().update(role(RoleId.of("rol_none"), ORG, "Nobody", T0))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(tx((Transaction t) -> t.roles().find(RoleId.of("rol_none")))).isEmpty();
  }

  @Test
  void roles_delete_removesItsMembersAndGrants() {
    seedRoles();
    assertThat(tx((Transaction t) -> t.roles().delete(ENGINEERS))).isTrue();

    assertThat(tx((Transaction t) -> t.roles().find(ENGINEERS))).isEmpty();
    assertThat(tx((Transaction t) -> t.roles().listByOrganization(ORG))).extracting(Role::id).containsExactly(SUPPORT);
    assertThat(roleMembers(ORG)).containsExactly("rol_support/bob");
    assertThat(roleGrants(ORG)).containsExactly("rol_support/prj_dev=MEMBER");
    assertThat(tx((Transaction t) -> t.roles().delete(ENGINEERS))).isFalse();
    assertThat(tx((Transaction t) -> t.roles().deleteMember(ENGINEERS, BOB))).isFalse();
    assertThat(tx((Transaction t) -> t.roles().deleteGrant(ENGINEERS, DEV))).isFalse();

    // The same id and name again start empty, and the name was free.
    run(t -> t.roles().insert(role(ENGINEERS, ORG, "Engineers", T0.plusSeconds(9))));
    assertThat(roleMembers(ORG)).containsExactly("rol_support/bob");
    assertThat(roleGrants(ORG)).containsExactly("rol_support/prj_dev=MEMBER");
  }

  @Test
  void projects_delete_removesTheRoleGrantsOnIt() {
    seedRoles();
    assertThat(tx((Transaction t) -> t.projects().delete(DEV))).isTrue();

    assertThat(roleGrants(ORG)).containsExactly("rol_engineers/prj_prod=VIEWER");
    assertThat(tx((Transaction t) -> t.roles().deleteGrant(SUPPORT, DEV))).isFalse();
    assertThat(tx((Transaction t) -> t.roles().listByOrganization(ORG))).hasSize(2);
    assertThat(roleMembers(ORG)).hasSize(3);
  }

  @Test
  void organizations_delete_removesItsRolesWithTheirMembersAndGrants() {
    seedRoles();
    run(t -> {
      t.organizations().insert(org(OTHER, "Other", T0));
      t.memberships().insert(member(OTHER, BOB, OrgLevel.OWNER));
      t.roles().insert(role(RoleId.of("rol_other"), OTHER, "Engineers", T0));
      t.roles().upsertMember(roleMember(RoleId.of("rol_other"), BOB, Optional.empty()));
    });
    assertThat(tx((Transaction t) -> t.organizations().delete(ORG))).isTrue();

    assertThat(tx((Transaction t) -> t.roles().find(ENGINEERS))).isEmpty();
    assertThat(tx((Transaction t) -> t.roles().find(SUPPORT))).isEmpty();
    assertThat(tx((Transaction t) -> t.roles().listByOrganization(ORG))).isEmpty();
    assertThat(roleMembers(ORG)).isEmpty();
    assertThat(roleGrants(ORG)).isEmpty();
    assertThat(tx((Transaction t) -> t.roles().delete(SUPPORT))).isFalse();
    assertThat(roleMembers(OTHER)).containsExactly("rol_other/bob");

    // The same ids again start empty.
    seed();
    run(t -> t.roles().insert(role(ENGINEERS, ORG, "Engineers", T0)));
    assertThat(tx((Transaction t) -> t.roles().listByOrganization(ORG))).extracting(Role::id).containsExactly(ENGINEERS);
    assertThat(roleMembers(ORG)).isEmpty();
    assertThat(roleGrants(ORG)).isEmpty();
  }

  @Test
  void roleMembers_upsertReplacesTheExpiry_andListIsByRoleThenUser() {
    seedRoles();
    Instant until = T0.plus(Duration.ofHours(3)).plusNanos(654_321_000);
    RoleMember timed = new RoleMember(ENGINEERS, BOB, Optional.of(until), CAROL, T0.plusSeconds(30));
    run(t -> t.roles().upsertMember(timed));

    List<RoleMember> members = tx((Transaction t) -> t.roles().listMembersByOrganization(ORG));
    assertThat(members).extracting(m -> m.role() + "/" + m.user())
        .containsExactly("rol_support/bob", "rol_engineers/bob", "rol_engineers/carol");
    assertThat(members.get(1)).isEqualTo(timed);
    // Expired memberships are listed too: the store keeps them, the engine decides.
    assertThat(members.get(2)).isEqualTo(roleMember(ENGINEERS, CAROL, Optional.of(T0.plus(Duration.ofDays(1)))));

    run(t -> t.roles().upsertMember(roleMember(ENGINEERS, BOB, Optional.empty())));
    assertThat(tx((Transaction t) -> t.roles().listMembersByOrganization(ORG)).get(1))
        .isEqualTo(roleMember(ENGINEERS, BOB, Optional.empty()));
    assertThat(roleMembers(ORG)).hasSize(3);
  }

  @Test
  void roleMembers_deleteMember_andDeleteMembersByUser_countWhatTheyRemove() {
    seedRoles();
    run(t -> {
      t.organizations().insert(org(OTHER, "Other", T0));
      t.memberships().insert(member(OTHER, BOB, OrgLevel.OWNER));
      t.roles().insert(role(RoleId.of("rol_other"), OTHER, "Engineers", T0));
      t.roles().upsertMember(roleMember(RoleId.of("rol_other"), BOB, Optional.empty()));
    });

    assertThat(tx((Transaction t) -> t.roles().deleteMember(ENGINEERS, CAROL))).isTrue();
    assertThat(tx((Transaction t) -> t.roles().deleteMember(ENGINEERS, CAROL))).isFalse();
    assertThat(tx((Transaction t) -> t.roles().deleteMember(RoleId.of("rol_none"), BOB))).isFalse();
    assertThat(tx((Transaction t) -> t.roles().deleteMembersByUser(ORG, BOB))).isEqualTo(2);
    assertThat(tx((Transaction t) -> t.roles().deleteMembersByUser(ORG, BOB))).isZero();
    assertThat(tx((Transaction t) -> t.roles().deleteMembersByUser(OrgId.of("org_none"), BOB))).isZero();

    assertThat(roleMembers(ORG)).isEmpty();
    assertThat(roleMembers(OTHER)).containsExactly("rol_other/bob");
    // Only memberships go: the roles keep their grants.
    assertThat(roleGrants(ORG)).hasSize(3);
  }

  @Test
  void roleMembers_upsertOfAUserOutsideTheRolesOrganization_isRefused() {
    seedRoles();
    UserId dan = UserId.of("dan");
    run(t -> {
      t.organizations().insert(org(OTHER, "Other", T0));
      t.memberships().insert(member(OTHER, dan, OrgLevel.OWNER));
    });

    assertThatThrownBy(() -> run(t -> t.roles().upsertMember(roleMember(ENGINEERS, dan, Optional.empty()))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> run(t -> t.roles().upsertMember(roleMember(ENGINEERS, UserId.of("erin"), Optional.empty()))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> run(t -> t.roles().upsertMember(roleMember(RoleId.of("rol_none"), BOB, Optional.empty()))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(roleMembers(ORG)).containsExactly("rol_support/bob", "rol_engineers/bob", "rol_engineers/carol");
  }

  @Test
  void roleGrants_upsertReplaces_andListIsByRoleThenProject() {
    seedRoles();
    RoleGrant replaced = new RoleGrant(ENGINEERS, PROD, ProjectRole.MEMBER, BOB, T0.plusSeconds(7).plusNanos(1_000));
    run(t -> t.roles().upsertGrant(replaced));

    List<RoleGrant> grants = tx((Transaction t) -> t.roles().listGrantsByOrganization(ORG));
    assertThat(grants).extracting(g -> g.role() + "/" + g.project() + "=" + g.projectRole())
        .containsExactly("rol_support/prj_dev=MEMBER", "rol_engineers/prj_prod=MEMBER", "rol_engineers/prj_dev=ADMIN");
    assertThat(grants.get(1)).isEqualTo(replaced);
    assertThat(grants.get(2)).isEqualTo(roleGrant(ENGINEERS, DEV, ProjectRole.ADMIN));

    assertThat(tx((Transaction t) -> t.roles().deleteGrant(ENGINEERS, PROD))).isTrue();
    assertThat(tx((Transaction t) -> t.roles().deleteGrant(ENGINEERS, PROD))).isFalse();
    assertThat(roleGrants(ORG)).containsExactly("rol_support/prj_dev=MEMBER", "rol_engineers/prj_dev=ADMIN");
  }

  @Test
  void roleGrants_upsertOnAProjectOutsideTheRolesOrganization_isRefused() {
    seedRoles();
    ProjectId elsewhere = ProjectId.of("prj_other");
    run(t -> {
      t.organizations().insert(org(OTHER, "Other", T0));
      t.projects().insert(project(OTHER, elsewhere, "phc_other", T0));
    });

    assertThatThrownBy(() -> run(t -> t.roles().upsertGrant(roleGrant(ENGINEERS, elsewhere, ProjectRole.VIEWER))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> run(t -> t.roles().upsertGrant(roleGrant(ENGINEERS, ProjectId.of("prj_none"), ProjectRole.VIEWER))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> run(t -> t.roles().upsertGrant(roleGrant(RoleId.of("rol_none"), PROD, ProjectRole.VIEWER))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(roleGrants(ORG)).containsExactly("rol_support/prj_dev=MEMBER", "rol_engineers/prj_prod=VIEWER",
        "rol_engineers/prj_dev=ADMIN");
    assertThat(roleGrants(OTHER)).isEmpty();
  }

  @Test
  void inTransaction_failure_leavesNoTraceOfRoleChanges() {
    seedRoles();
    List<Role> rolesBefore = tx((Transaction t) -> t.roles().listByOrganization(ORG));
    List<RoleMember> membersBefore = tx((Transaction t) -> t.roles().listMembersByOrganization(ORG));
    List<RoleGrant> grantsBefore = tx((Transaction t) -> t.roles().listGrantsByOrganization(ORG));
    Organization orgBefore = tx((Transaction t) -> t.organizations().find(ORG)).orElseThrow();
    RoleId added = RoleId.of("rol_added");
    assertThatThrownBy(() -> run(t -> {
      t.organizations().lock(ORG);
      t.roles().insert(role(added, ORG, "Added", T0.plusSeconds(40), Capability.MANAGE_BILLING));
      t.roles().upsertMember(roleMember(added, ALICE, Optional.empty()));
      t.roles().upsertGrant(roleGrant(added, PROD, ProjectRole.ADMIN));
      t.roles().delete(SUPPORT);
      // ENGINEERS takes the name SUPPORT freed.
      t.roles().update(rolesBefore.get(1).withName("Support").withCapabilities(Set.of(Capability.VIEW_AUDIT_LOG)));
      t.roles().upsertMember(roleMember(ENGINEERS, BOB, Optional.of(T0.plusSeconds(60))));
      t.roles().deleteMember(ENGINEERS, CAROL);
      t.roles().deleteMembersByUser(ORG, BOB);
      t.roles().upsertGrant(roleGrant(ENGINEERS, DEV, ProjectRole.VIEWER));
      t.roles().deleteGrant(ENGINEERS, PROD);
      t.projects().delete(DEV);
      t.organizations().update(orgBefore.withSettings(orgBefore.settings().withResolution(ResolutionRule.MOST_SPECIFIC)));
      throw new IllegalStateException("boom");
    })).isInstanceOf(IllegalStateException.class).hasMessage("boom");

    assertThat(tx((Transaction t) -> t.roles().listByOrganization(ORG))).containsExactlyElementsOf(rolesBefore);
    assertThat(tx((Transaction t) -> t.roles().listMembersByOrganization(ORG))).containsExactlyElementsOf(membersBefore);
    assertThat(tx((Transaction t) -> t.roles().listGrantsByOrganization(ORG))).containsExactlyElementsOf(grantsBefore);
    assertThat(tx((Transaction t) -> t.roles().find(added))).isEmpty();
    assertThat(tx((Transaction t) -> t.organizations().find(ORG))).contains(orgBefore);
    // The names are as committed: "Added" is free, "Support" and "Engineers" are taken.
    run(t -> t.roles().insert(role(RoleId.of("rol_again"), ORG, "Added", T0.plusSeconds(50))));
    assertThatThrownBy(() -> run(t -> t.roles().insert(role(RoleId.of("rol_x"), ORG, "Support", T0))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> run(t -> t.roles().insert(role(RoleId.of("rol_x"), ORG, "Engineers", T0))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void inTransaction_refusedRoleWrite_rollsBackTheWholeTransaction() {
    seedRoles();
    RoleId added = RoleId.of("rol_added");
    assertThatThrownBy(() -> run(t -> {
      t.roles().insert(role(added, ORG, "Added", T0.plusSeconds(40)));
      t.roles().upsertGrant(roleGrant(added, PROD, ProjectRole.ADMIN));
      t.roles().upsertMember(roleMember(added, UserId.of("stranger"), Optional.empty()));
    })).isInstanceOf(IllegalArgumentException.class);

    assertThat(tx((Transaction t) -> t.roles().find(added))).isEmpty();
    assertThat(roleGrants(ORG)).doesNotContain("rol_added/prj_prod=ADMIN").hasSize(3);
    run(t -> t.roles().insert(role(added, ORG, "Added", T0.plusSeconds(40))));
    assertThat(roleGrants(ORG)).hasSize(3);
  }

  @Test
  void organizationSettings_resolution_roundTrips() {
    seed();
    assertThat(tx((Transaction t) -> t.organizations().find(ORG)).orElseThrow().settings().resolution())
        .isEqualTo(ResolutionRule.HIGHEST_WINS);
    Organization mostSpecific = new Organization(OTHER, "Other", T0,
        OrganizationSettings.defaults().withResolution(ResolutionRule.MOST_SPECIFIC));
    run(t -> t.organizations().insert(mostSpecific));
    assertThat(tx((Transaction t) -> t.organizations().find(OTHER))).contains(mostSpecific);

    Organization acme = tx((Transaction t) -> t.organizations().find(ORG)).orElseThrow();
    Organization switched = acme.withSettings(acme.settings().withResolution(ResolutionRule.MOST_SPECIFIC));
    run(t -> t.organizations().update(switched));
    assertThat(tx((Transaction t) -> t.organizations().find(ORG))).contains(switched);
    run(t -> t.organizations().update(acme));
    assertThat(tx((Transaction t) -> t.organizations().find(ORG))).contains(acme);
  }

  @Test
  void roles_namesMembersAndGrants_afterRollbacks_answerFromTheCommittedRows() {
    seedRoles();
    Role engineers = tx((Transaction t) -> t.roles().find(ENGINEERS)).orElseThrow();
    rolledBack(t -> t.roles().update(engineers.withName("Ops")));
    rolledBack(t -> t.roles().delete(SUPPORT));
    rolledBack(t -> t.roles().insert(role(RoleId.of("rol_temp"), ORG, "Temp", T0)));
    rolledBack(t -> t.roles().upsertMember(roleMember(SUPPORT, CAROL, Optional.empty())));
    rolledBack(t -> t.roles().deleteMember(SUPPORT, BOB));
    rolledBack(t -> t.projects().delete(DEV));
    assertThat(undone((Transaction t) -> t.roles().deleteMembersByUser(ORG, BOB))).isEqualTo(2);

    assertThatThrownBy(() -> run(t -> t.roles().insert(role(RoleId.of("rol_x"), ORG, "Engineers", T0))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> run(t -> t.roles().insert(role(RoleId.of("rol_x"), ORG, "Support", T0))))
        .isInstanceOf(IllegalArgumentException.class);
    run(t -> t.roles().insert(role(RoleId.of("rol_ops"), ORG, "Ops", T0.plusSeconds(2))));
    run(t -> t.roles().insert(role(RoleId.of("rol_temp"), ORG, "Temp", T0.plusSeconds(3))));
    assertThat(tx((Transaction t) -> t.roles().deleteMembersByUser(ORG, CAROL))).isEqualTo(1);
    assertThat(tx((Transaction t) -> t.roles().deleteMembersByUser(ORG, BOB))).isEqualTo(2);
    assertThat(tx((Transaction t) -> t.projects().delete(DEV))).isTrue();
    assertThat(roleGrants(ORG)).containsExactly("rol_engineers/prj_prod=VIEWER");
  }

  @Test
  void roles_capabilitiesAndKindsInUse_acrossOrganizations() {
    assertThat(tx((Transaction t) -> t.roles().capabilitiesInUse())).isEmpty();
    assertThat(tx((Transaction t) -> t.roles().kindsInUse())).isEmpty();
    seedRolesAndResources();
    run(t -> {
      t.roles().update(t.roles().find(ENGINEERS).orElseThrow()
          .withCapabilities(java.util.Set.of(Capability.INVITE_MEMBERS, Capability.organization("payouts.manage"))));
      t.roles().upsertRule(RoleRule.forKind(ENGINEERS, PROD, "invoice", AccessLevel.VIEWER));
      t.roles().upsertRule(RoleRule.forResource(ENGINEERS, BOARD, AccessLevel.EDITOR));
    });
    assertThat(tx((Transaction t) -> t.roles().capabilitiesInUse()))
        .containsExactlyInAnyOrder("INVITE_MEMBERS", "payouts.manage");
    assertThat(tx((Transaction t) -> t.roles().kindsInUse())).containsExactlyInAnyOrder("invoice", "dashboard");
  }

  // ------------------------------------------------------------------------------- role rules (issue 16)

  /** {@link #seedRoles()} plus BOARD, OTHER_BOARD, INSIGHT and DEV_BOARD, created by Bob. */
  protected void seedRolesAndResources() {
    seedRoles();
    run(t -> {
      t.resources().insert(resource(BOARD, BOB, T0.plusSeconds(10)));
      t.resources().insert(resource(OTHER_BOARD, BOB, T0.plusSeconds(11)));
      t.resources().insert(resource(INSIGHT, BOB, T0.plusSeconds(12)));
      t.resources().insert(resource(DEV_BOARD, BOB, T0.plusSeconds(13)));
    });
  }

  /**
   * {@link #seedRolesAndResources()} plus SUPPORT's rules (Viewer on PROD's dashboards, Editor on BOARD,
   * Manager on DEV_BOARD) and ENGINEERS' (Editor on PROD's dashboards, None on BOARD, Viewer on OTHER_BOARD,
   * Editor on INSIGHT, Viewer on DEV's insights); listed as {@link #SEEDED_ROLE_RULES}.
   */
  protected void seedRoleRules() {
    seedRolesAndResources();
    run(t -> {
      t.roles().upsertRule(RoleRule.forKind(SUPPORT, PROD, ResourceRef.DASHBOARD, AccessLevel.VIEWER));
      t.roles().upsertRule(RoleRule.forResource(SUPPORT, BOARD, AccessLevel.EDITOR));
      t.roles().upsertRule(RoleRule.forResource(SUPPORT, DEV_BOARD, AccessLevel.MANAGER));
      t.roles().upsertRule(RoleRule.forKind(ENGINEERS, PROD, ResourceRef.DASHBOARD, AccessLevel.EDITOR));
      t.roles().upsertRule(RoleRule.forResource(ENGINEERS, BOARD, AccessLevel.NONE));
      t.roles().upsertRule(RoleRule.forResource(ENGINEERS, OTHER_BOARD, AccessLevel.VIEWER));
      t.roles().upsertRule(RoleRule.forResource(ENGINEERS, INSIGHT, AccessLevel.EDITOR));
      t.roles().upsertRule(RoleRule.forKind(ENGINEERS, DEV, "insight", AccessLevel.VIEWER));
    });
  }

  /** What {@link #roleRules} lists after {@link #seedRoleRules()}. */
  private static final List<String> SEEDED_ROLE_RULES = List.of(
      "rol_support/prj_prod/dashboard/*=VIEWER",
      "rol_support/prj_prod/dashboard/dsh_1=EDITOR",
      "rol_support/prj_dev/dashboard/dsh_1=MANAGER",
      "rol_engineers/prj_prod/dashboard/*=EDITOR",
      "rol_engineers/prj_prod/dashboard/dsh_1=NONE",
      "rol_engineers/prj_prod/dashboard/dsh_2=VIEWER",
      "rol_engineers/prj_prod/insight/ins_1=EDITOR",
      "rol_engineers/prj_dev/insight/*=VIEWER");

  /** The organization's role rules, written compactly: "role/project/kind/resource=LEVEL", '*' for a kind rule. */
  private List<String> roleRules(OrgId org) {
    return tx((Transaction t) -> t.roles().listRulesByOrganization(org)).stream()
        .map(r -> r.role() + "/" + r.project() + "/" + r.kind() + "/" + r.resourceId().orElse("*") + "=" + r.level())
        .toList();
  }

  @Test
  void roleRules_upsertReplacesTheLevel_andListIsByRoleProjectKindThenResource() {
    seedRolesAndResources();
    RoleId alpha = RoleId.of("rol_alpha");
    ResourceRef boardDash = ResourceRef.dashboard(PROD, "dsh_1-b");
    ResourceRef board10 = ResourceRef.dashboard(PROD, "dsh_10");
    ProjectId otherProject = ProjectId.of("prj_other");
    run(t -> {
      // Created with ENGINEERS: the id decides, and "rol_alpha" comes first.
      t.roles().insert(role(alpha, ORG, "Alpha", T0.plusSeconds(1)));
      t.resources().insert(resource(boardDash, BOB, T0));
      t.resources().insert(resource(board10, BOB, T0));
      t.organizations().insert(org(OTHER, "Other", T0));
      t.projects().insert(project(OTHER, otherProject, "phc_other", T0));
      t.roles().insert(role(RoleId.of("rol_other"), OTHER, "Other", T0));
      t.roles().upsertRule(RoleRule.forKind(RoleId.of("rol_other"), otherProject, "insight", AccessLevel.VIEWER));
    });
    // Roles and projects in creation order (SUPPORT before ENGINEERS, PROD before DEV), not by id.
    List<RoleRule> expected = List.of(
        RoleRule.forKind(SUPPORT, PROD, ResourceRef.DASHBOARD, AccessLevel.VIEWER),
        RoleRule.forResource(SUPPORT, BOARD, AccessLevel.EDITOR),
        RoleRule.forResource(SUPPORT, DEV_BOARD, AccessLevel.MANAGER),
        RoleRule.forResource(alpha, INSIGHT, AccessLevel.NONE),
        RoleRule.forKind(ENGINEERS, PROD, ResourceRef.DASHBOARD, AccessLevel.EDITOR),
        RoleRule.forResource(ENGINEERS, BOARD, AccessLevel.NONE),
        RoleRule.forResource(ENGINEERS, boardDash, AccessLevel.VIEWER),
        RoleRule.forResource(ENGINEERS, board10, AccessLevel.EDITOR),
        RoleRule.forResource(ENGINEERS, OTHER_BOARD, AccessLevel.MANAGER),
        RoleRule.forKind(ENGINEERS, PROD, "insight", AccessLevel.VIEWER),
        RoleRule.forResource(ENGINEERS, INSIGHT, AccessLevel.EDITOR),
        RoleRule.forKind(ENGINEERS, DEV, ResourceRef.DASHBOARD, AccessLevel.NONE));
    List<RoleRule> scrambled = new ArrayList<>(expected);
    java.util.Collections.shuffle(scrambled, new java.util.Random(13));
    run(t -> scrambled.forEach(t.roles()::upsertRule));
    assertThat(tx((Transaction t) -> t.roles().listRulesByOrganization(ORG))).containsExactlyElementsOf(expected);

    // The same role, project, kind and resource: the level is replaced in place, nothing is added.
    run(t -> {
      t.roles().upsertRule(RoleRule.forKind(ENGINEERS, PROD, ResourceRef.DASHBOARD, AccessLevel.MANAGER));
      t.roles().upsertRule(RoleRule.forResource(SUPPORT, BOARD, AccessLevel.NONE));
    });
    run(t -> t.roles().upsertRule(RoleRule.forResource(SUPPORT, BOARD, AccessLevel.VIEWER)));
    List<RoleRule> replaced = new ArrayList<>(expected);
    replaced.set(1, RoleRule.forResource(SUPPORT, BOARD, AccessLevel.VIEWER));
    replaced.set(4, RoleRule.forKind(ENGINEERS, PROD, ResourceRef.DASHBOARD, AccessLevel.MANAGER));
    assertThat(tx((Transaction t) -> t.roles().listRulesByOrganization(ORG))).containsExactlyElementsOf(replaced);

    assertThat(roleRules(OTHER)).containsExactly("rol_other/prj_other/insight/*=VIEWER");
    assertThat(tx((Transaction t) -> t.roles().listRulesByOrganization(OrgId.of("org_none")))).isEmpty();
  }

  @Test
  void roleRules_deleteRule_matchesWhateverTheLevel_andSaysWhetherItExisted() {
    seedRoleRules();
    assertThat(tx((Transaction t) -> t.roles().deleteRule(RoleRule.forResource(ENGINEERS, BOARD, AccessLevel.MANAGER))))
        .isTrue();
    assertThat(tx((Transaction t) -> t.roles().deleteRule(RoleRule.forResource(ENGINEERS, BOARD, AccessLevel.NONE))))
        .isFalse();
    assertThat(tx((Transaction t) -> t.roles().deleteRule(
        RoleRule.forKind(ENGINEERS, PROD, ResourceRef.DASHBOARD, AccessLevel.NONE)))).isTrue();
    // The kind rule and a rule on one resource are different rules, as are the same rule of another role,
    // kind or project.
    assertThat(tx((Transaction t) -> t.roles().deleteRule(RoleRule.forKind(SUPPORT, DEV, ResourceRef.DASHBOARD,
        AccessLevel.MANAGER)))).isFalse();
    assertThat(tx((Transaction t) -> t.roles().deleteRule(RoleRule.forResource(ENGINEERS, DEV_BOARD, AccessLevel.MANAGER))))
        .isFalse();
    assertThat(tx((Transaction t) -> t.roles().deleteRule(
        RoleRule.forKind(ENGINEERS, PROD, "insight", AccessLevel.VIEWER)))).isFalse();
    assertThat(tx((Transaction t) -> t.roles().deleteRule(
        RoleRule.forKind(ENGINEERS, PROD, ResourceRef.DASHBOARD, AccessLevel.EDITOR)))).isFalse();
    assertThat(tx((Transaction t) -> t.roles().deleteRule(
        RoleRule.forKind(RoleId.of("rol_none"), PROD, ResourceRef.DASHBOARD, AccessLevel.VIEWER)))).isFalse();
    assertThat(tx((Transaction t) -> t.roles().deleteRule(
        RoleRule.forKind(SUPPORT, ProjectId.of("prj_none"), ResourceRef.DASHBOARD, AccessLevel.VIEWER)))).isFalse();

    assertThat(roleRules(ORG)).containsExactly(
        "rol_support/prj_prod/dashboard/*=VIEWER",
        "rol_support/prj_prod/dashboard/dsh_1=EDITOR",
        "rol_support/prj_dev/dashboard/dsh_1=MANAGER",
        "rol_engineers/prj_prod/dashboard/dsh_2=VIEWER",
        "rol_engineers/prj_prod/insight/ins_1=EDITOR",
        "rol_engineers/prj_dev/insight/*=VIEWER");
    // Deleting a rule leaves the role, its members and grants, and the resource.
    assertThat(tx((Transaction t) -> t.roles().find(ENGINEERS))).isPresent();
    assertThat(roleMembers(ORG)).hasSize(3);
    assertThat(roleGrants(ORG)).hasSize(3);
    assertThat(tx((Transaction t) -> t.resources().find(BOARD))).isPresent();
  }

  @Test
  void roleRules_upsertOfAMissingRoleAProjectElsewhereOrAnUnregisteredResource_isRefused() {
    seedRolesAndResources();
    ProjectId elsewhere = ProjectId.of("prj_other");
    ResourceRef elsewhereBoard = ResourceRef.dashboard(elsewhere, "dsh_1");
    run(t -> {
      t.organizations().insert(org(OTHER, "Other", T0));
      t.projects().insert(project(OTHER, elsewhere, "phc_other", T0));
      t.resources().insert(resource(elsewhereBoard, BOB, T0));
    });
    RoleId missing = RoleId.of("rol_none");
    for (RoleRule rule : List.of(
        RoleRule.forKind(missing, PROD, ResourceRef.DASHBOARD, AccessLevel.VIEWER),
        RoleRule.forResource(missing, BOARD, AccessLevel.VIEWER),
        RoleRule.forKind(ENGINEERS, elsewhere, ResourceRef.DASHBOARD, AccessLevel.VIEWER),
        RoleRule.forResource(ENGINEERS, elsewhereBoard, AccessLevel.VIEWER),
        RoleRule.forKind(ENGINEERS, ProjectId.of("prj_none"), ResourceRef.DASHBOARD, AccessLevel.VIEWER),
        RoleRule.forResource(ENGINEERS, ResourceRef.dashboard(ProjectId.of("prj_none"), "dsh_1"), AccessLevel.VIEWER),
        RoleRule.forResource(ENGINEERS, ResourceRef.dashboard(PROD, "dsh_none"), AccessLevel.VIEWER),
        // BOARD's id under another kind, and DEV_BOARD's under another project of the organization.
        RoleRule.forResource(ENGINEERS, ResourceRef.of(PROD, "insight", BOARD.id()), AccessLevel.VIEWER),
        RoleRule.forResource(ENGINEERS, ResourceRef.dashboard(DEV, OTHER_BOARD.id()), AccessLevel.VIEWER))) {
      assertThatThrownBy(() -> run(t -> t.roles().upsertRule(rule))).as("%s", rule)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(roleRules(ORG)).isEmpty();
    assertThat(roleRules(OTHER)).isEmpty();

    // A kind rule needs no resource of the kind.
    run(t -> t.roles().upsertRule(RoleRule.forKind(ENGINEERS, DEV, "report", AccessLevel.VIEWER)));
    assertThat(roleRules(ORG)).containsExactly("rol_engineers/prj_dev/report/*=VIEWER");
  }

  @Test
  void roles_delete_removesItsRules() {
    seedRoleRules();
    assertThat(tx((Transaction t) -> t.roles().delete(ENGINEERS))).isTrue();

    assertThat(roleRules(ORG)).containsExactlyElementsOf(SEEDED_ROLE_RULES.subList(0, 3));
    assertThat(tx((Transaction t) -> t.roles().deleteRule(RoleRule.forResource(ENGINEERS, BOARD, AccessLevel.NONE))))
        .isFalse();
    // The same id again starts without rules.
    run(t -> t.roles().insert(role(ENGINEERS, ORG, "Engineers", T0.plusSeconds(9))));
    assertThat(roleRules(ORG)).containsExactlyElementsOf(SEEDED_ROLE_RULES.subList(0, 3));
  }

  @Test
  void projects_delete_removesTheRoleRulesOnIt() {
    seedRoleRules();
    assertThat(tx((Transaction t) -> t.projects().delete(DEV))).isTrue();

    assertThat(roleRules(ORG)).containsExactly(
        "rol_support/prj_prod/dashboard/*=VIEWER",
        "rol_support/prj_prod/dashboard/dsh_1=EDITOR",
        "rol_engineers/prj_prod/dashboard/*=EDITOR",
        "rol_engineers/prj_prod/dashboard/dsh_1=NONE",
        "rol_engineers/prj_prod/dashboard/dsh_2=VIEWER",
        "rol_engineers/prj_prod/insight/ins_1=EDITOR");
    assertThat(tx((Transaction t) -> t.roles().deleteRule(
        RoleRule.forKind(ENGINEERS, DEV, "insight", AccessLevel.VIEWER)))).isFalse();
    // A project of the same id, with a resource of the same id, starts without role rules.
    run(t -> {
      t.projects().insert(project(ORG, DEV, "phc_dev_again", T0.plusSeconds(30)));
      t.resources().insert(resource(DEV_BOARD, BOB, T0.plusSeconds(30)));
    });
    assertThat(roleRules(ORG)).hasSize(6);
  }

  @Test
  void resources_delete_removesTheRoleRulesOnIt() {
    seedRoleRules();
    assertThat(tx((Transaction t) -> t.resources().delete(BOARD))).isTrue();

    // The kind rules stay, and so do the rules on a resource of the same id in another project.
    assertThat(roleRules(ORG)).containsExactly(
        "rol_support/prj_prod/dashboard/*=VIEWER",
        "rol_support/prj_dev/dashboard/dsh_1=MANAGER",
        "rol_engineers/prj_prod/dashboard/*=EDITOR",
        "rol_engineers/prj_prod/dashboard/dsh_2=VIEWER",
        "rol_engineers/prj_prod/insight/ins_1=EDITOR",
        "rol_engineers/prj_dev/insight/*=VIEWER");
    assertThat(tx((Transaction t) -> t.roles().deleteRule(RoleRule.forResource(SUPPORT, BOARD, AccessLevel.EDITOR))))
        .isFalse();
    // Registered again, the resource starts without role rules, and takes new ones.
    run(t -> t.resources().insert(resource(BOARD, ALICE, T0.plusSeconds(20))));
    assertThat(roleRules(ORG)).hasSize(6);
    run(t -> t.roles().upsertRule(RoleRule.forResource(SUPPORT, BOARD, AccessLevel.VIEWER)));
    assertThat(roleRules(ORG)).contains("rol_support/prj_prod/dashboard/dsh_1=VIEWER").hasSize(7);
  }

  @Test
  void organizations_delete_removesItsRoleRules() {
    seedRoleRules();
    ProjectId elsewhere = ProjectId.of("prj_other");
    RoleId otherRole = RoleId.of("rol_other");
    run(t -> {
      t.organizations().insert(org(OTHER, "Other", T0));
      t.projects().insert(project(OTHER, elsewhere, "phc_other", T0));
      t.resources().insert(resource(ResourceRef.dashboard(elsewhere, "dsh_1"), BOB, T0));
      t.roles().insert(role(otherRole, OTHER, "Engineers", T0));
      t.roles().upsertRule(RoleRule.forResource(otherRole, ResourceRef.dashboard(elsewhere, "dsh_1"), AccessLevel.EDITOR));
    });
    assertThat(tx((Transaction t) -> t.organizations().delete(ORG))).isTrue();

    assertThat(roleRules(ORG)).isEmpty();
    assertThat(roleRules(OTHER)).containsExactly("rol_other/prj_other/dashboard/dsh_1=EDITOR");
    // The same ids again start empty.
    seedRolesAndResources();
    assertThat(roleRules(ORG)).isEmpty();
  }

  @Test
  void inTransaction_failure_leavesNoTraceOfRoleRuleChanges() {
    seedRoleRules();
    List<RoleRule> rulesBefore = tx((Transaction t) -> t.roles().listRulesByOrganization(ORG));
    RoleId added = RoleId.of("rol_added");
    ResourceRef addedBoard = ResourceRef.dashboard(PROD, "dsh_new");
    assertThatThrownBy(() -> run(t -> {
      t.organizations().lock(ORG);
      t.roles().insert(role(added, ORG, "Added", T0.plusSeconds(40)));
      t.resources().insert(resource(addedBoard, CAROL, T0.plusSeconds(40)));
      t.roles().upsertRule(RoleRule.forResource(added, addedBoard, AccessLevel.MANAGER));
      t.roles().upsertRule(RoleRule.forKind(added, DEV, ResourceRef.DASHBOARD, AccessLevel.VIEWER));
      t.roles().upsertRule(RoleRule.forResource(SUPPORT, addedBoard, AccessLevel.EDITOR));
      t.roles().upsertRule(RoleRule.forKind(SUPPORT, PROD, ResourceRef.DASHBOARD, AccessLevel.MANAGER));
      t.roles().upsertRule(RoleRule.forResource(ENGINEERS, BOARD, AccessLevel.EDITOR));
      t.roles().deleteRule(RoleRule.forResource(ENGINEERS, OTHER_BOARD, AccessLevel.NONE));
      t.roles().delete(ENGINEERS);
      t.resources().delete(BOARD);
      t.projects().delete(DEV);
      throw new IllegalStateException("boom");
    })).isInstanceOf(IllegalStateException.class).hasMessage("boom");

    assertThat(tx((Transaction t) -> t.roles().listRulesByOrganization(ORG))).containsExactlyElementsOf(rulesBefore);
    assertThat(roleRules(ORG)).containsExactlyElementsOf(SEEDED_ROLE_RULES);
    assertThat(tx((Transaction t) -> t.roles().find(added))).isEmpty();
    assertThat(tx((Transaction t) -> t.resources().find(addedBoard))).isEmpty();

    // A refused rule fails its transaction, taking the writes before it along.
    assertThatThrownBy(() -> run(t -> {
      t.roles().upsertRule(RoleRule.forKind(SUPPORT, DEV, "insight", AccessLevel.EDITOR));
      t.roles().deleteRule(RoleRule.forResource(SUPPORT, BOARD, AccessLevel.EDITOR));
      t.roles().upsertRule(RoleRule.forResource(SUPPORT, ResourceRef.dashboard(PROD, "dsh_none"), AccessLevel.EDITOR));
    })).isInstanceOf(IllegalArgumentException.class);
    assertThat(roleRules(ORG)).containsExactlyElementsOf(SEEDED_ROLE_RULES);
  }

  // ------------------------------------------------------------------------------- indexes (issue 14)
  //
  // A store may answer the conditional and bulk operations from indexes (the in-memory store counts
  // Owners and indexes grants, invites and rules) instead of scanning an organization. These tests
  // write and roll back around each such operation, so an index that missed a write or a rollback
  // answers differently from the rows.

  /** Thrown to roll a transaction back. */
  private static final class RolledBack extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }

  /** Runs {@code work} in a transaction that then fails, so the store rolls it back. */
  private void rolledBack(java.util.function.Consumer<Transaction> work) {
    assertThatThrownBy(() -> run(t -> {
      work.accept(t);
      throw new RolledBack();
    })).isInstanceOf(RolledBack.class);
  }

  /** What {@code work} returns in a transaction that is then rolled back, leaving the store as it was. */
  private <T> T undone(java.util.function.Function<Transaction, T> work) {
    List<T> result = new ArrayList<>(1);
    rolledBack(t -> result.add(work.apply(t)));
    return result.get(0);
  }

  @Test
  void memberships_update_countsTheCommittedOwners_afterRollbacks() {
    seed();
    Membership alice = member(ORG, ALICE, OrgLevel.OWNER);
    Membership bob = member(ORG, BOB, OrgLevel.MEMBER);
    // A second Owner inserted or promoted, then rolled back, leaves Alice the last Owner.
    rolledBack(t -> t.memberships().insert(member(ORG, CAROL, OrgLevel.OWNER)));
    rolledBack(t -> t.memberships().update(bob, bob.withLevel(OrgLevel.OWNER)));
    assertThat(tx((Transaction t) -> t.memberships().update(alice, alice.withLevel(OrgLevel.ADMIN)))).isFalse();

    run(t -> {
      t.memberships().update(bob, bob.withLevel(OrgLevel.OWNER));
      t.memberships().insert(member(ORG, CAROL, OrgLevel.OWNER));
    });
    Membership bobOwner = bob.withLevel(OrgLevel.OWNER);
    Membership carol = member(ORG, CAROL, OrgLevel.OWNER);
    // Within one transaction the count follows its own demotions, and a rollback restores all three Owners.
    assertThat(undone((Transaction t) -> List.of(
        t.memberships().update(alice, alice.withLevel(OrgLevel.ADMIN)),
        t.memberships().update(carol, carol.withLevel(OrgLevel.MEMBER)),
        t.memberships().update(bobOwner, bobOwner.withLevel(OrgLevel.ADMIN)))))
        .containsExactly(true, true, false);
    assertThat(tx((Transaction t) -> t.memberships().update(alice, alice.withLevel(OrgLevel.ADMIN)))).isTrue();
    assertThat(tx((Transaction t) -> t.memberships().update(carol, carol.withLevel(OrgLevel.MEMBER)))).isTrue();
    assertThat(tx((Transaction t) -> t.memberships().update(bobOwner, bobOwner.withLevel(OrgLevel.ADMIN)))).isFalse();
    assertThat(tx((Transaction t) -> t.memberships().listByOrganization(ORG)))
        .extracting(m -> m.user() + "=" + m.level()).containsExactly("alice=ADMIN", "bob=OWNER", "carol=MEMBER");
  }

  @Test
  void grants_deleteByMember_afterRollbacks_deletesExactlyThatMembersGrantsThere() {
    seed();
    ProjectId otherProject = ProjectId.of("prj_other");
    run(t -> {
      t.memberships().insert(member(ORG, CAROL, OrgLevel.MEMBER));
      t.grants().upsert(grant(DEV, CAROL, ProjectRole.ADMIN));
      t.grants().upsert(grant(PROD, CAROL, ProjectRole.VIEWER));
      t.organizations().insert(org(OTHER, "Other", T0));
      t.projects().insert(project(OTHER, otherProject, "phc_other", T0));
      t.grants().upsert(grant(otherProject, BOB, ProjectRole.ADMIN));
    });
    rolledBack(t -> t.grants().upsert(grant(DEV, BOB, ProjectRole.ADMIN)));
    rolledBack(t -> t.grants().delete(PROD, BOB));
    rolledBack(t -> t.grants().deleteByMember(ORG, BOB));
    rolledBack(t -> t.projects().delete(PROD));

    assertThat(tx((Transaction t) -> t.grants().deleteByMember(ORG, BOB))).isEqualTo(1);
    assertThat(tx((Transaction t) -> t.grants().listByOrganization(ORG)))
        .extracting(g -> g.project().value() + "/" + g.user()).containsExactly("prj_prod/carol", "prj_dev/carol");
    assertThat(tx((Transaction t) -> t.grants().find(otherProject, BOB))).isPresent();
    assertThat(tx((Transaction t) -> t.grants().deleteByMember(ORG, BOB))).isZero();

    // A project deleted and created again under its id starts without the grants it had.
    run(t -> t.grants().upsert(grant(PROD, BOB, ProjectRole.MEMBER)));
    run(t -> t.projects().delete(PROD));
    run(t -> t.projects().insert(project(ORG, PROD, "phc_prod_again", T0.plusSeconds(5))));
    assertThat(tx((Transaction t) -> t.grants().deleteByMember(ORG, BOB))).isZero();
    assertThat(tx((Transaction t) -> t.grants().deleteByMember(ORG, CAROL))).isEqualTo(1);
    assertThat(tx((Transaction t) -> t.grants().listByOrganization(ORG))).isEmpty();
  }

  @Test
  void invites_deleteUnused_afterRollbacks_deletesOnlyThatEmailsUnusedInviteInThatOrganization() {
    seed();
    EmailAddress dan = EmailAddress.of("dan@acme.com");
    run(t -> {
      t.invites().insertReplacingUnused(invite("inv_used", ORG, "dan@acme.com", T0), "h_used");
      t.invites().consume(InviteId.of("inv_used"), T0.plusSeconds(1));
      t.invites().insertReplacingUnused(invite("inv_dan", ORG, "dan@acme.com", T0.plusSeconds(2)), "h_dan");
      t.invites().insertReplacingUnused(invite("inv_erin", ORG, "erin@acme.com", T0.plusSeconds(3)), "h_erin");
      t.organizations().insert(org(OTHER, "Other", T0));
      t.invites().insertReplacingUnused(invite("inv_other", OTHER, "dan@acme.com", T0), "h_other");
    });
    rolledBack(t -> t.invites().consume(InviteId.of("inv_dan"), T0.plusSeconds(4)));
    rolledBack(t -> t.invites().delete(InviteId.of("inv_dan")));
    rolledBack(t -> t.invites().deleteUnused(ORG, dan));
    rolledBack(t -> t.invites().insertReplacingUnused(invite("inv_dan2", ORG, "dan@acme.com", T0.plusSeconds(5)), "h_dan2"));
    rolledBack(t -> t.invites().consume(InviteId.of("inv_erin"), T0.plusSeconds(6)));
    run(t -> t.invites().consume(InviteId.of("inv_erin"), T0.plusSeconds(7)));

    assertThat(tx((Transaction t) -> t.invites().deleteUnused(ORG, dan))).isEqualTo(1);
    assertThat(tx((Transaction t) -> t.invites().find(InviteId.of("inv_dan")))).isEmpty();
    assertThat(tx((Transaction t) -> t.invites().findByTokenHash("h_dan2"))).isEmpty();
    assertThat(tx((Transaction t) -> t.invites().find(InviteId.of("inv_used")))).isPresent();
    assertThat(tx((Transaction t) -> t.invites().deleteUnused(ORG, EmailAddress.of("erin@acme.com")))).isZero();
    assertThat(tx((Transaction t) -> t.invites().find(InviteId.of("inv_erin"))).orElseThrow().acceptedAt())
        .contains(T0.plusSeconds(7));
    assertThat(tx((Transaction t) -> t.invites().listUnused(ORG))).isEmpty();
    assertThat(tx((Transaction t) -> t.invites().listUnused(OTHER))).extracting(i -> i.id().value())
        .containsExactly("inv_other");
    assertThat(tx((Transaction t) -> t.invites().deleteUnused(ORG, dan))).isZero();
  }

  @Test
  void resources_deleteAndDeleteRulesByMember_afterRollbacks_removeExactlyTheirRules() {
    seedResources();
    run(t -> {
      t.resources().upsertRule(ResourceRule.forKind(PROD, ResourceRef.DASHBOARD, AccessLevel.VIEWER));
      t.resources().upsertRule(ResourceRule.forEveryone(BOARD, AccessLevel.VIEWER));
      t.resources().upsertRule(ResourceRule.forMember(BOARD, CAROL, AccessLevel.EDITOR));
      t.resources().upsertRule(ResourceRule.forMember(OTHER_BOARD, CAROL, AccessLevel.EDITOR));
    });
    rolledBack(t -> t.resources().upsertRule(ResourceRule.forMember(BOARD, BOB, AccessLevel.MANAGER)));
    rolledBack(t -> t.resources().deleteRule(ResourceRule.forEveryone(BOARD, AccessLevel.NONE)));
    rolledBack(t -> t.resources().delete(BOARD));
    rolledBack(t -> t.resources().deleteRulesByMember(ORG, CAROL));
    rolledBack(t -> t.projects().delete(PROD));

    assertThat(tx((Transaction t) -> t.resources().delete(BOARD))).isTrue();
    assertThat(rules(ORG)).containsExactly("prj_prod/dashboard/*/*=VIEWER", "prj_prod/dashboard/dsh_2/carol=EDITOR");

    // Registered again, the resource gets rules of its own, which a rolled-back deletion leaves in place.
    run(t -> {
      t.resources().insert(resource(BOARD, ALICE, T0.plusSeconds(20)));
      t.resources().upsertRule(ResourceRule.forMember(BOARD, BOB, AccessLevel.VIEWER));
    });
    rolledBack(t -> t.resources().delete(BOARD));
    assertThat(tx((Transaction t) -> t.resources().deleteRulesByMember(ORG, CAROL))).isEqualTo(1);
    assertThat(tx((Transaction t) -> t.resources().deleteRulesByMember(ORG, BOB))).isEqualTo(1);
    assertThat(rules(ORG)).containsExactly("prj_prod/dashboard/*/*=VIEWER");
    assertThat(tx((Transaction t) -> t.resources().deleteRulesByMember(ORG, BOB))).isZero();
  }

  /**
   * Random writes, each transaction committed or rolled back at random, against the store's own rows:
   * after every step, each operation a store may answer from an index (keeping an Owner, deleting a
   * member's grants or rules, an email's unused invites, a resource or a project with what hangs off
   * it) is tried in a rolled-back transaction, and must do exactly what the organization's lists say.
   */
  @Test
  void indexedOperations_agreeWithTheRows_afterRandomWritesAndRollbacks() {
    seed();
    java.util.Random random = new java.util.Random(14);
    List<UserId> users = List.of(ALICE, BOB, CAROL, UserId.of("dan"));
    List<ProjectId> projects = List.of(PROD, DEV);
    List<ResourceRef> refs = List.of(BOARD, OTHER_BOARD, INSIGHT, DEV_BOARD);
    List<EmailAddress> emails = List.of(EmailAddress.of("dan@acme.com"), EmailAddress.of("erin@acme.com"));
    for (int step = 0; step < randomSteps(); step++) {
      int s = step;
      boolean commit = random.nextBoolean();
      try {
        run(t -> {
          for (int n = 1 + random.nextInt(3); n > 0; n--) {
            randomWrite(t, random, s, users, projects, refs, emails);
          }
          if (!commit) {
            throw new RolledBack();
          }
        });
      } catch (RuntimeException e) {
        // Rolled back on purpose, or a write the store refused (a duplicate, a missing project).
      }
      assertIndexesAgreeWithRows(random, users, projects, refs, emails);
    }
  }

  /** How many random steps {@link #indexedOperations_agreeWithTheRows_afterRandomWritesAndRollbacks} takes. */
  protected int randomSteps() {
    return 150;
  }

  private static void randomWrite(Transaction t, java.util.Random random, int step, List<UserId> users,
      List<ProjectId> projects, List<ResourceRef> refs, List<EmailAddress> emails) {
    UserId user = users.get(random.nextInt(users.size()));
    ProjectId project = projects.get(random.nextInt(projects.size()));
    ResourceRef ref = refs.get(random.nextInt(refs.size()));
    EmailAddress email = emails.get(random.nextInt(emails.size()));
    OrgLevel level = OrgLevel.values()[random.nextInt(OrgLevel.values().length)];
    Instant at = T0.plusSeconds(step);
    switch (random.nextInt(14)) {
      case 0 -> t.memberships().insert(member(ORG, user, level));
      case 1 -> t.memberships().find(ORG, user).ifPresent(m -> t.memberships().update(m, m.withLevel(level)));
      case 2 -> t.memberships().delete(ORG, user);
      case 3 -> t.grants().upsert(grant(project, user, ProjectRole.values()[random.nextInt(ProjectRole.values().length)]));
      case 4 -> t.grants().delete(project, user);
      case 5 -> t.grants().deleteByMember(ORG, user);
      case 6 -> t.invites().insertReplacingUnused(
          invite("inv_" + step + "_" + random.nextInt(1_000_000), ORG, email.value(), at), "h_" + step + "_" + random.nextInt(1_000_000));
      case 7 -> t.invites().listUnused(ORG).stream().filter(i -> i.email().equals(email)).findFirst()
          .ifPresent(i -> t.invites().consume(i.id(), at));
      case 8 -> t.invites().deleteUnused(ORG, email);
      case 9 -> t.resources().insert(resource(ref, user, at));
      case 10 -> t.resources().upsertRule(switch (random.nextInt(3)) {
        case 0 -> ResourceRule.forKind(ref.project(), ref.kind(), AccessLevel.VIEWER);
        case 1 -> ResourceRule.forEveryone(ref, AccessLevel.EDITOR);
        default -> ResourceRule.forMember(ref, user, AccessLevel.values()[random.nextInt(AccessLevel.values().length)]);
      });
      case 11 -> t.resources().deleteRulesByMember(ORG, user);
      case 12 -> t.resources().delete(ref);
      default -> {
        if (!t.projects().delete(project)) {
          t.projects().insert(project(ORG, project, "phc_" + project.value() + "_" + step, at));
        }
      }
    }
  }

  private void assertIndexesAgreeWithRows(java.util.Random random, List<UserId> users, List<ProjectId> projects,
      List<ResourceRef> refs, List<EmailAddress> emails) {
    List<Membership> members = tx((Transaction t) -> t.memberships().listByOrganization(ORG));
    List<ProjectGrant> grants = tx((Transaction t) -> t.grants().listByOrganization(ORG));
    List<Resource> resources = tx((Transaction t) -> t.resources().listByOrganization(ORG));
    List<ResourceRule> rules = tx((Transaction t) -> t.resources().listRulesByOrganization(ORG));
    List<Invite> unused = tx((Transaction t) -> t.invites().listUnused(ORG));

    long owners = members.stream().filter(m -> m.level() == OrgLevel.OWNER).count();
    for (Membership m : members) {
      if (m.level() == OrgLevel.OWNER) {
        assertThat(undone((Transaction t) -> t.memberships().update(m, m.withLevel(OrgLevel.ADMIN))))
            .as("demoting %s among %s Owners", m.user(), owners).isEqualTo(owners >= 2);
      }
    }
    UserId user = users.get(random.nextInt(users.size()));
    assertThat(undone((Transaction t) -> t.grants().deleteByMember(ORG, user))).as("grants of %s", user)
        .isEqualTo((int) grants.stream().filter(g -> g.user().equals(user)).count());
    assertThat(undone((Transaction t) -> t.resources().deleteRulesByMember(ORG, user))).as("rules of %s", user)
        .isEqualTo((int) rules.stream().filter(r -> r.user().filter(user::equals).isPresent()).count());
    EmailAddress email = emails.get(random.nextInt(emails.size()));
    assertThat(undone((Transaction t) -> t.invites().deleteUnused(ORG, email))).as("unused invites of %s", email)
        .isEqualTo((int) unused.stream().filter(i -> i.email().equals(email)).count());

    ResourceRef ref = refs.get(random.nextInt(refs.size()));
    assertThat(undone((Transaction t) -> {
      t.resources().delete(ref);
      return t.resources().listRulesByOrganization(ORG);
    })).as("rules after deleting %s", ref)
        .containsExactlyElementsOf(rules.stream().filter(r -> r.ref().filter(ref::equals).isEmpty()).toList());

    ProjectId project = projects.get(random.nextInt(projects.size()));
    assertThat(undone((Transaction t) -> {
      t.projects().delete(project);
      return List.of(t.grants().listByOrganization(ORG), t.resources().listByOrganization(ORG),
          t.resources().listRulesByOrganization(ORG));
    })).as("what remains after deleting %s", project).containsExactly(
        grants.stream().filter(g -> !g.project().equals(project)).toList(),
        resources.stream().filter(r -> !r.ref().project().equals(project)).toList(),
        rules.stream().filter(r -> !r.project().equals(project)).toList());
  }

  // ------------------------------------------------------------------------------- limits (issue 12)

  /**
   * One rule of {@link Limits}, the schema's column sizes made rules of the value types: a store keeps
   * the longest allowed value exactly, and the value type refuses one character more, so no store ever
   * sees it.
   */
  protected enum LengthRule {
    ORGANIZATION_ID(Limits.MAX_ID_LENGTH) {
      @Override Object make(String v) { return OrgId.of(v); }
      @Override String keep(StoreContract c, String v) {
        c.run(t -> t.organizations().insert(org(OrgId.of(v), "Acme", T0)));
        return c.tx((Transaction t) -> t.organizations().find(OrgId.of(v))).orElseThrow().id().value();
      }
    },
    USER_ID(Limits.MAX_ID_LENGTH) {
      @Override Object make(String v) { return UserId.of(v); }
      @Override String keep(StoreContract c, String v) {
        c.run(t -> t.memberships().insert(member(ORG, UserId.of(v), OrgLevel.MEMBER)));
        return c.tx((Transaction t) -> t.memberships().listByUser(UserId.of(v))).get(0).user().value();
      }
    },
    PROJECT_ID(Limits.MAX_ID_LENGTH) {
      @Override Object make(String v) { return ProjectId.of(v); }
      @Override String keep(StoreContract c, String v) {
        c.run(t -> t.projects().insert(new Project(ProjectId.of(v), ORG, "P", Visibility.OPEN, ProjectRole.MEMBER,
            "phc_long_id", T0)));
        return c.tx((Transaction t) -> t.projects().find(ProjectId.of(v))).orElseThrow().id().value();
      }
    },
    INVITE_ID(Limits.MAX_ID_LENGTH) {
      @Override Object make(String v) { return InviteId.of(v); }
      @Override String keep(StoreContract c, String v) {
        c.run(t -> t.invites().insertReplacingUnused(invite(v, ORG, "dan@acme.com", T0), "hash_long_id"));
        return c.tx((Transaction t) -> t.invites().find(InviteId.of(v))).orElseThrow().id().value();
      }
    },
    API_KEY_ID(Limits.MAX_ID_LENGTH) {
      @Override Object make(String v) { return ApiKeyId.of(v); }
      @Override String keep(StoreContract c, String v) {
        c.tx((Transaction t) -> t.apiKeys().insertIfFewer(new ApiKey(ApiKeyId.of(v), BOB, "CI",
            Set.of(ApiScope.ALL), Set.of(), Set.of(), "abcd", T0, Optional.empty(), Optional.empty()), "hash_long_id", 10));
        return c.tx((Transaction t) -> t.apiKeys().find(ApiKeyId.of(v))).orElseThrow().id().value();
      }
    },
    RESOURCE_ID(Limits.MAX_ID_LENGTH) {
      @Override Object make(String v) { return ResourceRef.of(PROD, "insight", v); }
      @Override String keep(StoreContract c, String v) {
        c.run(t -> t.resources().insert(resource(ResourceRef.of(PROD, "insight", v), BOB, T0)));
        return c.tx((Transaction t) -> t.resources().listByOrganization(ORG)).get(0).ref().id();
      }
    },
    RESOURCE_KIND(Limits.MAX_KIND_LENGTH) {
      @Override String longest(int max) { return "k" + "_9z".repeat(max).substring(0, max - 1); }
      @Override Object make(String v) { return ResourceRef.of(PROD, v, "r1"); }
      @Override String keep(StoreContract c, String v) {
        c.run(t -> t.resources().insert(resource(ResourceRef.of(PROD, v, "r1"), BOB, T0)));
        return c.tx((Transaction t) -> t.resources().listByOrganization(ORG)).get(0).ref().kind();
      }
    },
    ROLE_ID(Limits.MAX_ID_LENGTH) {
      @Override Object make(String v) { return RoleId.of(v); }
      @Override String keep(StoreContract c, String v) {
        c.run(t -> t.roles().insert(role(RoleId.of(v), ORG, "Long id", T0)));
        return c.tx((Transaction t) -> t.roles().find(RoleId.of(v))).orElseThrow().id().value();
      }
    },
    ROLE_NAME(Limits.MAX_NAME_LENGTH) {
      @Override Object make(String v) { return role(ENGINEERS, ORG, v, T0); }
      @Override String keep(StoreContract c, String v) {
        c.run(t -> t.roles().insert(role(ENGINEERS, ORG, v, T0)));
        return c.tx((Transaction t) -> t.roles().find(ENGINEERS)).orElseThrow().name();
      }
    },
    ORGANIZATION_NAME(Limits.MAX_NAME_LENGTH) {
      @Override Object make(String v) { return org(OTHER, v, T0); }
      @Override String keep(StoreContract c, String v) {
        c.run(t -> t.organizations().insert(org(OTHER, v, T0)));
        return c.tx((Transaction t) -> t.organizations().find(OTHER)).orElseThrow().name();
      }
    },
    PROJECT_NAME(Limits.MAX_NAME_LENGTH) {
      @Override Object make(String v) { return project(ORG, ProjectId.of("prj_named"), "phc_named", T0).withName(v); }
      @Override String keep(StoreContract c, String v) {
        c.run(t -> t.projects().insert(project(ORG, ProjectId.of("prj_named"), "phc_named", T0).withName(v)));
        return c.tx((Transaction t) -> t.projects().find(ProjectId.of("prj_named"))).orElseThrow().name();
      }
    },
    API_KEY_LABEL(Limits.MAX_NAME_LENGTH) {
      @Override Object make(String v) { return ApiKeyRequest.labeled(v); }
      @Override String keep(StoreContract c, String v) {
        c.tx((Transaction t) -> t.apiKeys().insertIfFewer(new ApiKey(ApiKeyId.of("key_label"), BOB, v,
            Set.of(ApiScope.ALL), Set.of(), Set.of(), "abcd", T0, Optional.empty(), Optional.empty()), "hash_label", 10));
        return c.tx((Transaction t) -> t.apiKeys().find(ApiKeyId.of("key_label"))).orElseThrow().label();
      }
    },
    NOTE(Limits.MAX_NOTE_LENGTH) {
      @Override Object make(String v) { return member(ORG, CAROL, OrgLevel.MEMBER).withNote(Optional.of(v)); }
      @Override String keep(StoreContract c, String v) {
        c.run(t -> t.memberships().insert(member(ORG, CAROL, OrgLevel.MEMBER).withNote(Optional.of(v))));
        return c.tx((Transaction t) -> t.memberships().find(ORG, CAROL)).orElseThrow().note().orElseThrow();
      }
    },
    EMAIL(Limits.MAX_EMAIL_LENGTH) {
      @Override String longest(int max) { return super.longest(max - "@acme.com".length()) + "@acme.com"; }
      @Override String longer(String longest) { return "x" + longest; }
      @Override Object make(String v) { return EmailAddress.of(v); }
      @Override String keep(StoreContract c, String v) {
        c.run(t -> {
          t.memberships().insert(new Membership(ORG, CAROL, Optional.of(EmailAddress.of(v)), OrgLevel.MEMBER,
              Optional.empty(), Optional.empty(), T0, Optional.empty()));
          t.invites().insertReplacingUnused(invite("inv_email", ORG, v, T0), "hash_email");
        });
        assertThat(c.tx((Transaction t) -> t.invites().find(InviteId.of("inv_email"))).orElseThrow().email().value())
            .isEqualTo(v);
        return c.tx((Transaction t) -> t.memberships().find(ORG, CAROL)).orElseThrow().email().orElseThrow().value();
      }
    },
    PROJECT_TOKEN(Limits.MAX_TOKEN_LENGTH) {
      @Override String longest(int max) { return "phc_" + super.longest(max - 4); }
      @Override Object make(String v) { return project(ORG, ProjectId.of("prj_token"), v, T0); }
      @Override String keep(StoreContract c, String v) {
        c.run(t -> t.projects().insert(project(ORG, ProjectId.of("prj_token"), v, T0)));
        return c.tx((Transaction t) -> t.projects().findByToken(v)).orElseThrow().token();
      }
    },
    AUDIT_ENTRY_ID(Limits.MAX_TOKEN_LENGTH) {
      @Override Object make(String v) { return entry(v, ORG, null, ALICE, "member.invited", T0); }
      @Override String keep(StoreContract c, String v) {
        c.run(t -> t.audit().append(entry(v, ORG, null, ALICE, "member.invited", T0)));
        return c.tx((Transaction t) -> t.audit().query(AuditQuery.organization(ORG), Optional.empty(), 10)).get(0).id();
      }
    },
    AUDIT_ACTION(Limits.MAX_TOKEN_LENGTH) {
      @Override String longest(int max) { return "member." + "x".repeat(max - 7); }
      @Override Object make(String v) { return entry("aud_action", ORG, null, ALICE, v, T0); }
      @Override String keep(StoreContract c, String v) {
        c.run(t -> t.audit().append(entry("aud_action", ORG, null, ALICE, v, T0)));
        return c.tx((Transaction t) -> t.audit().query(AuditQuery.organization(ORG).action(v), Optional.empty(), 10))
            .get(0).action();
      }
    };

    final int max;

    LengthRule(int max) {
      this.max = max;
    }

    /**
     * The longest allowed value: {@code max} UTF-16 code units mixing ASCII, a Latin-1 letter and a
     * character outside the basic plane (a surrogate pair), never cut in the middle of a pair.
     */
    String longest(int max) {
      StringBuilder b = new StringBuilder("v");
      while (b.length() < max) {
        b.append(b.length() + 2 <= max && b.length() % 5 == 1 ? "\ud83d\ude00" : b.length() % 5 == 3 ? "\u00e9" : "x");
      }
      return b.toString();
    }

    /** A value one character longer than {@code longest}. */
    String longer(String longest) {
      return longest + "x";
    }

    /** Builds the value type from {@code v}. */
    abstract Object make(String v);

    /** Stores a record holding {@code v} (after {@link #seed()}) and returns it as read back. */
    abstract String keep(StoreContract c, String v);
  }

  @ParameterizedTest
  @EnumSource(LengthRule.class)
  void limits_longestAllowedValue_isKeptExactly_andOneMoreIsRefusedByTheValueType(LengthRule rule) {
    seed();
    String longest = rule.longest(rule.max);
    assertThat(longest).hasSize(rule.max);
    assertThat(rule.keep(this, longest)).as("%s of %s characters", rule, rule.max).isEqualTo(longest);
    String longer = rule.longer(longest);
    assertThat(longer).hasSize(rule.max + 1);
    assertThatThrownBy(() -> rule.make(longer)).as(rule.name()).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(String.valueOf(rule.max));
  }

  @Test
  void limits_firstAndLastSupportedInstants_areKeptExactly_andOneMicrosecondBeyondIsRefused() {
    seed();
    Membership early = new Membership(ORG, CAROL, Optional.empty(), OrgLevel.MEMBER, Optional.empty(),
        Optional.of(Limits.MAX_INSTANT), Limits.MIN_INSTANT, Optional.empty());
    run(t -> t.memberships().insert(early));
    assertThat(tx((Transaction t) -> t.memberships().find(ORG, CAROL))).contains(early);
    assertThatThrownBy(() -> early.withExpiresAt(Optional.of(Limits.MAX_INSTANT.plusNanos(1_000))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expiresAt");
    assertThatThrownBy(() -> new ProjectGrant(PROD, CAROL, ProjectRole.VIEWER, Optional.empty(), ALICE,
        Limits.MIN_INSTANT.minusNanos(1))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("grantedAt");
  }

  @Test
  void limits_textEveryStoreKeeps_malformedUtf16AndNulAreRefused() {
    for (String bad : List.of("a\ud800", "\udc00a", "a\u0000b")) {
      assertThatThrownBy(() -> UserId.of(bad)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("user id");
      assertThatThrownBy(() -> EmailAddress.of("a" + bad + "@acme.com")).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("email");
      assertThatThrownBy(() -> member(ORG, CAROL, OrgLevel.MEMBER).withNote(Optional.of(bad)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("note");
      assertThatThrownBy(() -> org(OTHER, bad, T0)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("organization name");
    }
  }

  // ------------------------------------------------------------------------------- bulk writes (import)

  @Test
  void bulk_insertAllAndUpsertAll_writeWhatOneByOneWrites_pastOneBatch() {
    seed();
    // Past one JDBC batch (1,000 statements), with every optional column set and unset.
    List<Membership> members = new ArrayList<>();
    List<Project> projects = new ArrayList<>();
    List<ProjectGrant> grants = new ArrayList<>();
    for (int i = 0; i < 1_205; i++) {
      UserId user = UserId.of(String.format("u%05d", i));
      members.add(new Membership(ORG, user,
          i % 3 == 0 ? Optional.empty() : Optional.of(EmailAddress.of(user.value() + "@x.io")),
          i % 7 == 0 ? OrgLevel.ADMIN : OrgLevel.MEMBER, i % 2 == 0 ? Optional.of("note " + i) : Optional.empty(),
          i % 5 == 0 ? Optional.of(T0.plusSeconds(i).plusNanos(1_000)) : Optional.empty(), T0, Optional.of(ALICE)));
    }
    for (int i = 0; i < 12; i++) {
      projects.add(new Project(ProjectId.of("prj_bulk_" + i), ORG, "Bulk " + i,
          i % 2 == 0 ? Visibility.OPEN : Visibility.PRIVATE, ProjectRole.values()[i % 3], "phc_bulk_" + i,
          T0.plusSeconds(100 + i)));
    }
    for (int i = 0; i < members.size(); i++) {
      grants.add(new ProjectGrant(projects.get(i % projects.size()).id(), members.get(i).user(),
          ProjectRole.values()[i % 3], i % 4 == 0 ? Optional.of(T0.plusSeconds(9)) : Optional.empty(), ALICE, T0));
    }
    grants.add(grant(PROD, BOB, ProjectRole.ADMIN)); // replaces Bob's Viewer grant
    ResourceRef board = ResourceRef.dashboard(projects.get(0).id(), "b1");
    List<Resource> resources =
        List.of(resource(board, BOB, T0.plusSeconds(200)), resource(INSIGHT, ALICE, T0.plusSeconds(201)));
    List<ResourceRule> rules = List.of(
        ResourceRule.forKind(PROD, "insight", AccessLevel.VIEWER),
        ResourceRule.forEveryone(board, AccessLevel.VIEWER),
        ResourceRule.forMember(board, BOB, AccessLevel.EDITOR),
        ResourceRule.forKind(PROD, "insight", AccessLevel.EDITOR)); // the same key again: the last one wins
    run(t -> {
      t.organizations().lock(ORG);
      t.memberships().insertAll(members);
      t.projects().insertAll(projects);
      t.grants().upsertAll(grants);
      t.resources().insertAll(resources);
      t.resources().upsertRules(rules);
    });

    List<Membership> expectedMembers = new ArrayList<>(members);
    expectedMembers.add(member(ORG, ALICE, OrgLevel.OWNER));
    expectedMembers.add(member(ORG, BOB, OrgLevel.MEMBER));
    expectedMembers.sort(StoreOrder.MEMBERS);
    assertThat(tx((Transaction t) -> t.memberships().listByOrganization(ORG)))
        .containsExactlyElementsOf(expectedMembers);
    assertThat(tx((Transaction t) -> t.projects().listByOrganization(ORG))).hasSize(14).containsAll(projects);
    assertThat(tx((Transaction t) -> t.projects().findByToken("phc_bulk_3"))).contains(projects.get(3));
    List<ProjectGrant> stored = tx((Transaction t) -> t.grants().listByOrganization(ORG));
    assertThat(stored).hasSize(members.size() + 1).containsAll(grants.subList(0, members.size()))
        .contains(grant(PROD, BOB, ProjectRole.ADMIN));
    assertThat(tx((Transaction t) -> t.resources().listByOrganization(ORG))).containsExactlyElementsOf(resources);
    assertThat(rules(ORG)).containsExactly("prj_bulk_0/dashboard/b1/*=VIEWER", "prj_bulk_0/dashboard/b1/bob=EDITOR",
        "prj_prod/insight/*/*=EDITOR");
  }

  @Test
  void bulk_appendAll_storesWhatAppendStores_inOneCall() {
    seed();
    List<AuditEntry> entries = new ArrayList<>();
    for (int i = 0; i < 1_203; i++) {
      entries.add(new AuditEntry(String.format("aud_%05d", i), Optional.of(ORG), i % 2 == 0 ? Optional.empty()
          : Optional.of(PROD), i % 3 == 0 ? Actor.SYSTEM : Actor.of(dev.warden.Principal.user(ALICE)), "member.imported",
          Optional.of("user " + i), i % 4 == 0 ? List.of() : List.of(Change.of("level", null, "MEMBER"),
              Change.of("note", "line\nbreak, \"quoted\"", null), Change.secret("token")), T0.plusSeconds(i % 7)));
    }
    run(t -> t.audit().appendAll(entries));
    List<AuditEntry> expected = new ArrayList<>(entries);
    expected.sort(java.util.Comparator.comparing(AuditCursor::of, StoreOrder.AUDIT_NEWEST_FIRST));
    assertThat(tx((Transaction t) -> t.audit().query(AuditQuery.organization(ORG), Optional.empty(), 2_000)))
        .containsExactlyElementsOf(expected);
    assertThatThrownBy(() -> run(t -> t.audit().appendAll(List.of(entry("aud_new", ORG, null, ALICE, "member.joined", T0),
        entries.get(5))))).isInstanceOf(RuntimeException.class);
    assertThat(tx((Transaction t) -> t.audit().query(AuditQuery.organization(ORG), Optional.empty(), 2_000)))
        .hasSize(entries.size());
  }

  @Test
  void bulk_aRowThatFails_failsTheWholeTransaction() {
    seed();
    List<Membership> members = List.of(member(ORG, CAROL, OrgLevel.MEMBER), member(ORG, BOB, OrgLevel.ADMIN));
    assertThatThrownBy(() -> run(t -> {
      t.organizations().lock(ORG);
      t.memberships().insertAll(members);
    })).isInstanceOf(RuntimeException.class);
    List<ProjectGrant> orphan = List.of(grant(PROD, CAROL, ProjectRole.VIEWER), grant(ProjectId.of("prj_none"), CAROL,
        ProjectRole.VIEWER));
    assertThatThrownBy(() -> run(t -> t.grants().upsertAll(orphan))).isInstanceOf(RuntimeException.class);
    List<Project> clash = List.of(project(ORG, ProjectId.of("prj_new"), "phc_new", T0), project(ORG, DEV, "phc_dev2", T0));
    assertThatThrownBy(() -> run(t -> t.projects().insertAll(clash))).isInstanceOf(RuntimeException.class);
    List<Resource> lost =
        List.of(resource(BOARD, BOB, T0), resource(ResourceRef.dashboard(ProjectId.of("prj_none"), "x"), BOB, T0));
    assertThatThrownBy(() -> run(t -> t.resources().insertAll(lost))).isInstanceOf(RuntimeException.class);
    List<ResourceRule> dangling = List.of(ResourceRule.forKind(PROD, "insight", AccessLevel.VIEWER),
        ResourceRule.forEveryone(BOARD, AccessLevel.VIEWER));
    assertThatThrownBy(() -> run(t -> t.resources().upsertRules(dangling))).isInstanceOf(RuntimeException.class);

    assertThat(tx((Transaction t) -> t.memberships().listByOrganization(ORG))).extracting(Membership::user)
        .containsExactly(ALICE, BOB);
    assertThat(tx((Transaction t) -> t.grants().listByOrganization(ORG)))
        .containsExactly(grant(PROD, BOB, ProjectRole.VIEWER));
    assertThat(tx((Transaction t) -> t.projects().listByOrganization(ORG))).extracting(Project::id)
        .containsExactly(PROD, DEV);
    assertThat(tx((Transaction t) -> t.resources().listByOrganization(ORG))).isEmpty();
    assertThat(rules(ORG)).isEmpty();
  }
}
