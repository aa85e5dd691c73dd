package dev.warden.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.collect.ImmutableSet;
import dev.warden.ErrorCode;
import dev.warden.StorageException;
import dev.warden.apikey.ApiKey;
import dev.warden.apikey.ApiKeyId;
import dev.warden.apikey.ApiScope;
import dev.warden.audit.Actor;
import dev.warden.audit.AuditCursor;
import dev.warden.audit.AuditEntry;
import dev.warden.audit.AuditQuery;
import dev.warden.audit.Change;
import dev.warden.organization.Membership;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.Organization;
import dev.warden.organization.OrganizationSettings;
import dev.warden.organization.UserId;
import dev.warden.project.ProjectId;
import dev.warden.spi.ApiKeyRepository;
import dev.warden.spi.Store;
import dev.warden.spi.StoreContract;
import dev.warden.spi.Transaction;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The core store contract plus what only a database store has to get right: instants kept to the
 * microsecond, retries, unreachable databases. Subclasses supply a fresh, empty database per test.
 */
abstract class JdbcStoreContract extends StoreContract {
  private final List<AutoCloseable> resources = new ArrayList<>();
  private SwitchableDataSource dataSource;

  /** A data source for a new, empty database; closed after the test if it is {@link AutoCloseable}. */
  protected abstract DataSource newDatabase();

  protected abstract Dialect dialect();

  @Override
  protected final Store newStore() {
    DataSource database = newDatabase();
    if (database instanceof AutoCloseable closeable) {
      resources.add(closeable);
    }
    dataSource = new SwitchableDataSource(database);
    JdbcStore store = JdbcStore.create(dataSource, dialect());
    resources.add(0, store); // closed before its database
    return store;
  }

  /** The data source of the current test's store; another store may be created on it. */
  protected final DataSource dataSource() {
    return dataSource;
  }

  @AfterEach
  void closeDatabase() throws Exception {
    for (AutoCloseable r : resources) {
      r.close();
    }
    resources.clear();
  }

  private <T> T tx(java.util.function.Function<Transaction, T> work) {
    return store().inTransaction(work);
  }

  @Test
  void store_isShared_andNamesItsDialect() {
    assertThat(store().shared()).isTrue();
    assertThat(((JdbcStore) store()).dialect()).isEqualTo(dialect());
  }

  @Test
  void instants_areKeptToTheMicrosecond_andCompareAndSetMatchesTheNanosecondOriginal() {
    seed();
    Instant nanos = Instant.parse("2026-01-05T09:00:00.123456789Z");
    Membership carol = new Membership(ORG, CAROL, Optional.empty(), OrgLevel.MEMBER, Optional.of("CTO"),
        Optional.of(nanos.plusSeconds(60)), nanos, Optional.of(ALICE));
    tx((Transaction t) -> {
      t.memberships().insert(carol);
      return null;
    });
    Membership stored = tx((Transaction t) -> t.memberships().find(ORG, CAROL)).orElseThrow();
    assertThat(stored.joinedAt()).isEqualTo(Instant.parse("2026-01-05T09:00:00.123456Z"));
    assertThat(stored.expiresAt()).contains(Instant.parse("2026-01-05T09:01:00.123456Z"));
    assertThat(stored.note()).contains("CTO");
    assertThat(stored.invitedBy()).contains(ALICE);
    // The engine may hold the nanosecond original; it must still match the stored row.
    assertThat(tx((Transaction t) -> t.memberships().update(carol, carol.withLevel(OrgLevel.ADMIN)))).isTrue();
    assertThat(tx((Transaction t) -> t.memberships().find(ORG, CAROL)).orElseThrow().level()).isEqualTo(OrgLevel.ADMIN);
  }

  @Test
  void revisions_readsManyAtOnce_andLeavesOutMissingOnes() {
    seed();
    tx((Transaction t) -> {
      t.organizations().insert(org(OTHER, "Other", T0));
      t.organizations().lock(OTHER);
      t.organizations().bumpRevision(OTHER);
      return null;
    });
    List<OrgId> ids = new ArrayList<>(List.of(ORG, OTHER));
    for (int i = 0; i < 250; i++) {
      ids.add(OrgId.of("org_missing_" + i));
    }
    assertThat(tx((Transaction t) -> t.organizations().revisions(ids))).isEqualTo(Map.of(ORG, 0L, OTHER, 1L));
  }

  @Test
  void bumpRevision_withoutLock_fails() {
    seed();
    assertThatThrownBy(() -> tx((Transaction t) -> t.organizations().bumpRevision(ORG))).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void transaction_usedAfterItsCallback_fails() {
    seed();
    Transaction leaked = tx((Transaction t) -> t);
    assertThatThrownBy(() -> leaked.organizations().find(ORG)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void inTransaction_retriesSerializationFailures() {
    seed();
    AtomicInteger attempts = new AtomicInteger();
    String name = tx((Transaction t) -> {
      t.organizations().update(org(ORG, "Attempt " + attempts.incrementAndGet(), T0));
      if (attempts.get() < 3) {
        throw serializationFailure();
      }
      return t.organizations().find(ORG).orElseThrow().name();
    });
    assertThat(attempts).hasValue(3);
    assertThat(name).isEqualTo("Attempt 3");
    assertThat(tx((Transaction t) -> t.organizations().find(ORG)).orElseThrow().name()).isEqualTo("Attempt 3");
  }

  @Test
  void inTransaction_givesUpAfterRepeatedSerializationFailures() {
    seed();
    AtomicInteger attempts = new AtomicInteger();
    assertThatThrownBy(() -> tx((Transaction t) -> {
      attempts.incrementAndGet();
      t.organizations().update(org(ORG, "Never", T0));
      throw serializationFailure();
    })).isInstanceOfSatisfying(StorageException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.CONCURRENT_MODIFICATION));
    assertThat(attempts).hasValue(5);
    assertThat(tx((Transaction t) -> t.organizations().find(ORG)).orElseThrow().name()).isEqualTo("Acme");
  }

  @Test
  void inTransaction_realDeadlock_isRetriedAndBothCommit() throws Exception {
    seed();
    tx((Transaction t) -> {
      t.organizations().insert(org(OTHER, "Other", T0));
      return null;
    });
    CyclicBarrier bothHoldTheirFirstLock = new CyclicBarrier(2);
    AtomicInteger attempts = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<Long>> results = new ArrayList<>();
      for (OrgId[] order : new OrgId[][] {{ORG, OTHER}, {OTHER, ORG}}) {
        results.add(pool.submit(() -> tx((Transaction t) -> {
          boolean first = attempts.incrementAndGet() <= 2;
          t.organizations().lock(order[0]);
          if (first) {
            await(bothHoldTheirFirstLock);
          }
          t.organizations().lock(order[1]);
          t.organizations().bumpRevision(order[0]);
          return t.organizations().bumpRevision(order[1]);
        })));
      }
      for (Future<Long> f : results) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(attempts.get()).isGreaterThan(2);
    assertThat(tx((Transaction t) -> t.organizations().revisions(List.of(ORG, OTHER)))).isEqualTo(Map.of(ORG, 2L, OTHER, 2L));
  }

  @Test
  void databaseUnreachable_isStoreUnavailable_andNothingIsLost() {
    seed();
    dataSource.down = true;
    assertThatThrownBy(() -> tx((Transaction t) -> t.organizations().find(ORG))).isInstanceOfSatisfying(StorageException.class,
        e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
          assertThat(e.getCause()).isInstanceOf(SQLException.class);
        });
    dataSource.down = false;
    assertThat(tx((Transaction t) -> t.organizations().find(ORG))).isPresent();
  }

  @Test
  void constraintViolation_isInternalError_keepingTheSqlState() {
    seed();
    assertThatThrownBy(() -> tx((Transaction t) -> {
      t.organizations().insert(org(ORG, "Again", T0));
      return null;
    })).isInstanceOfSatisfying(StorageException.class, e -> {
      assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL_ERROR);
      assertThat(((SQLException) e.getCause()).getSQLState()).isEqualTo("23505");
    });
  }

  @Test
  void creatingTheStoreAgain_keepsTheData() {
    seed();
    Store again = JdbcStore.create(dataSource, dialect());
    assertThat(again.inTransaction((Transaction t) -> t.memberships().listByOrganization(ORG))).hasSize(2);
  }

  // ------------------------------------------------------------------------------- v2: settings, keys, audit

  @Test
  void organizationSettings_roundTripExactly() {
    OrganizationSettings custom = OrganizationSettings.defaults()
        .withMemberJoinedNotifications(false)
        .withRequire2fa(true)
        .withSsoEnforcedDomains(ImmutableSet.of("acme.com", "eu.acme.com"))
        .withMembersCanInvite(false)
        .withMembersCanCreateProjects(true)
        .withMembersCanUsePersonalApiKeys(false)
        .withRecentAuthentication(Duration.ofMinutes(15).plusNanos(123_456_789));
    Organization org = new Organization(ORG, "Acme", T0, custom);
    tx((Transaction t) -> {
      t.organizations().insert(org);
      return null;
    });
    assertThat(tx((Transaction t) -> t.organizations().find(ORG))).contains(org);
    Organization changed = org.withSettings(OrganizationSettings.defaults().withMembersCanInvite(true));
    tx((Transaction t) -> {
      t.organizations().update(changed);
      return null;
    });
    assertThat(tx((Transaction t) -> t.organizations().find(ORG))).contains(changed);
  }

  @Test
  void apiKeys_everyFieldRoundTrips_keepingTheOrderOfScopesAndLimits() {
    ApiKey full = new ApiKey(ApiKeyId.of("key_full"), BOB, "CI \u2014 deploy \"prod\"",
        ImmutableSet.of(ApiScope.parse("feature_flag:write"), ApiScope.parse("query:read"), ApiScope.ALL),
        ImmutableSet.of(OTHER, ORG), ImmutableSet.of(DEV, PROD, ProjectId.of("prj_\u00e9, \"odd\" [1]")), "wxyz",
        T0.plusNanos(1_000), Optional.of(T0.plusSeconds(5)), Optional.of(T0.plusSeconds(6)));
    assertThat(tx((Transaction t) -> t.apiKeys().insertIfFewer(full, "hash_full", 10))).isTrue();
    ApiKey found = tx((Transaction t) -> t.apiKeys().find(ApiKeyId.of("key_full"))).orElseThrow();
    assertThat(found).isEqualTo(full);
    assertThat(found.scopes()).containsExactlyElementsOf(full.scopes());
    assertThat(found.organizations()).containsExactlyElementsOf(full.organizations());
    assertThat(found.projects()).containsExactlyElementsOf(full.projects());
    assertThat(tx((Transaction t) -> t.apiKeys().findByValueHash("hash_full")))
        .contains(new ApiKeyRepository.HashedApiKey(full, "hash_full"));
    ApiKey missing = key("key_missing", BOB, T0);
    assertThatThrownBy(() -> tx((Transaction t) -> {
      t.apiKeys().update(missing, Optional.empty());
      return null;
    })).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void apiKeys_limitIsPerUser_andDeletedKeysFreeTheirSlot() {
    for (int i = 0; i < 3; i++) {
      String id = "key_" + i;
      assertThat(tx((Transaction t) -> t.apiKeys().insertIfFewer(key(id, BOB, T0), "h" + id, 3))).isTrue();
    }
    assertThat(tx((Transaction t) -> t.apiKeys().insertIfFewer(key("key_3", BOB, T0), "hkey_3", 3))).isFalse();
    assertThat(tx((Transaction t) -> t.apiKeys().insertIfFewer(key("key_a", ALICE, T0), "hkey_a", 3))).isTrue();
    assertThat(tx((Transaction t) -> t.apiKeys().delete(ApiKeyId.of("key_0")))).isTrue();
    assertThat(tx((Transaction t) -> t.apiKeys().insertIfFewer(key("key_3", BOB, T0), "hkey_3", 3))).isTrue();
    assertThat(tx((Transaction t) -> t.apiKeys().listByUser(BOB))).extracting(k -> k.id().value())
        .containsExactly("key_1", "key_2", "key_3");
  }

  @Test
  void audit_awkwardValues_roundTripExactly() {
    String awkward = "quote\" backslash\\ newline\n tab\t nul\u0000 bell\u0007 \u00e9 \u65e5\u672c \ud83d\ude00"
        + " lone\ud800 end\u2028 \\u0041 null";
    AuditEntry byKey = new AuditEntry("aud_awkward", Optional.of(ORG), Optional.of(PROD),
        new Actor(Actor.Kind.API_KEY, Optional.of("alice"), Optional.of("key_1")), "member.note_changed",
        Optional.of("target \u00e9 \ud83d\ude00 \"x\", [y]"),
        List.of(new Change("note", Optional.of(awkward), Optional.empty()),
            new Change("empty \"field\"", Optional.of(""), Optional.of("[]{},:null")), Change.secret("token")),
        T0.plusNanos(123_456_000));
    AuditEntry bySystem = new AuditEntry("aud_system", Optional.of(ORG), Optional.empty(), Actor.SYSTEM,
        "grant.expired", Optional.empty(), List.of(), T0);
    tx((Transaction t) -> {
      t.audit().append(byKey);
      t.audit().append(bySystem);
      return null;
    });
    assertThat(tx((Transaction t) -> t.audit().query(AuditQuery.organization(ORG), Optional.empty(), 10)))
        .containsExactly(byKey, bySystem);
    assertThat(tx((Transaction t) -> t.audit().query(AuditQuery.actor("alice"), Optional.empty(), 10)))
        .containsExactly(byKey);
  }

  @Test
  void audit_appendTwice_fails() {
    AuditEntry e = entry("aud_1", ORG, null, ALICE, "member.invited", T0);
    tx((Transaction t) -> {
      t.audit().append(e);
      return null;
    });
    assertThatThrownBy(() -> tx((Transaction t) -> {
      t.audit().append(e);
      return null;
    })).isInstanceOf(RuntimeException.class);
  }

  @Test
  void audit_query_pagesThroughExactlyWhatAuditQueryMatches_newestFirst() {
    Random random = new Random(20260105);
    OrgId[] orgs = {ORG, OTHER, OrgId.of("org_third")};
    ProjectId[] projects = {PROD, DEV, null};
    UserId[] users = {ALICE, BOB, CAROL};
    String[] actions = {"member.invited", "grant.changed", "project.deleted"};
    // Few distinct instants, so many entries share one and the id decides; some lie between microseconds'
    // worth of nanoseconds only in the queries below.
    List<AuditEntry> all = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      Instant at = T0.plusSeconds(random.nextInt(8)).plusNanos(1_000L * random.nextInt(3));
      all.add(entry(String.format("aud_%03d", random.nextInt(1000) * 100 + i), orgs[random.nextInt(3)],
          projects[random.nextInt(3)], users[random.nextInt(3)], actions[random.nextInt(3)], at));
    }
    tx((Transaction t) -> {
      all.forEach(t.audit()::append);
      return null;
    });
    Instant between = T0.plusSeconds(2).plusNanos(1_500); // not on a microsecond
    List<AuditQuery> queries = List.of(
        AuditQuery.organization(ORG),
        AuditQuery.organization(OTHER).byActor("bob"),
        AuditQuery.project(PROD),
        AuditQuery.project(DEV).action("grant.changed"),
        AuditQuery.actor("carol"),
        AuditQuery.organization(ORG).between(T0.plusSeconds(2), T0.plusSeconds(6)),
        AuditQuery.actor("alice").between(between, T0.plusSeconds(5).plusNanos(500)),
        AuditQuery.organization(OrgId.of("org_none")));
    Comparator<AuditEntry> newestFirst =
        Comparator.comparing(AuditEntry::at).thenComparing(AuditEntry::id).reversed();
    for (AuditQuery query : queries) {
      List<AuditEntry> expected = all.stream().filter(query::matches).sorted(newestFirst).toList();
      for (int size : new int[] {1, 4, 7, 100}) {
        List<AuditEntry> paged = new ArrayList<>();
        Optional<AuditCursor> after = Optional.empty();
        while (true) {
          Optional<AuditCursor> cursor = after;
          List<AuditEntry> page = tx((Transaction t) -> t.audit().query(query, cursor, size));
          paged.addAll(page);
          if (page.size() < size) {
            break;
          }
          after = Optional.of(AuditCursor.of(page.get(page.size() - 1)));
        }
        assertThat(paged).as("%s in pages of %s", query, size).containsExactlyElementsOf(expected);
      }
      // A cursor this store never handed out, between two microseconds.
      AuditCursor foreign = new AuditCursor(between, "aud_zzz");
      assertThat(tx((Transaction t) -> t.audit().query(query, Optional.of(foreign), 100))).as("%s after %s", query, foreign)
          .containsExactlyElementsOf(expected.stream().filter(foreign::isAfter).toList());
    }
  }

  // ------------------------------------------------------------------------------- v5: lists in tables

  /** Issue 13: lists are rows, so SQL that bypasses the store (a DBA, a support script) can edit them. */
  @Test
  void lists_editedWithPlainSql_areRead() throws SQLException {
    seed();
    ApiKey key = key("key_1", BOB, T0);
    AuditEntry entry = entry("aud_1", ORG, null, ALICE, "member.invited", T0);
    tx((Transaction t) -> {
      t.apiKeys().insertIfFewer(key, "h1", 10);
      t.audit().append(entry);
      return null;
    });
    sql("INSERT INTO warden_organization_sso_domain (org_id, seq, domain) VALUES ('org_contract', 7, 'dba.example')",
        "INSERT INTO warden_organization_sso_domain (org_id, seq, domain) VALUES ('org_contract', 3, 'acme.com')",
        "INSERT INTO warden_api_key_scope (key_id, seq, scope) VALUES ('key_1', 9, 'insight:write')",
        "INSERT INTO warden_api_key_project_limit (key_id, seq, project_id) VALUES ('key_1', 0, 'prj_prod')",
        "DELETE FROM warden_api_key_org_limit WHERE key_id = 'key_1'",
        // Without the escaped column, and with what the old JSON parser refused: whitespace, a backslash.
        "INSERT INTO warden_audit_change (entry_id, seq, field, before_value, after_value)"
            + " VALUES ('aud_1', 5, 'reason', NULL, '  fixed by a DBA: C:\\temp, \"quoted\"\n')",
        "UPDATE warden_audit_change SET after_value = 'OWNER' WHERE entry_id = 'aud_1' AND field = 'level'");

    assertThat(tx((Transaction t) -> t.organizations().find(ORG)).orElseThrow().settings().ssoEnforcedDomains())
        .containsExactly("acme.com", "dba.example");
    ApiKey edited = tx((Transaction t) -> t.apiKeys().find(key.id())).orElseThrow();
    assertThat(edited.scopes()).containsExactly(ApiScope.parse("query:read"), ApiScope.parse("insight:write"));
    assertThat(edited.organizations()).isEmpty();
    assertThat(edited.projects()).containsExactly(PROD);
    assertThat(tx((Transaction t) -> t.audit().query(AuditQuery.organization(ORG), Optional.empty(), 10)).get(0).changes())
        .containsExactly(Change.of("level", "MEMBER", "OWNER"), Change.secret("token"),
            Change.of("reason", null, "  fixed by a DBA: C:\\temp, \"quoted\"\n"));
  }

  /** A list's rows go with their parent, by foreign key, whoever deletes it. */
  @Test
  void lists_goWithTheirParent() throws SQLException {
    tx((Transaction t) -> {
      t.organizations().insert(org(ORG, "Acme", T0).withSettings(
          OrganizationSettings.defaults().withSsoEnforcedDomains(ImmutableSet.of("acme.com", "eu.acme.com"))));
      t.apiKeys().insertIfFewer(new ApiKey(ApiKeyId.of("key_1"), BOB, "k", ImmutableSet.of(ApiScope.ALL),
          ImmutableSet.of(ORG), ImmutableSet.of(PROD), "abcd", T0, Optional.empty(), Optional.empty()), "h1", 10);
      return null;
    });
    assertThat(count("warden_organization_sso_domain")).isEqualTo(2);
    assertThat(count("warden_api_key_scope") + count("warden_api_key_org_limit") + count("warden_api_key_project_limit"))
        .isEqualTo(3);
    tx((Transaction t) -> {
      t.organizations().delete(ORG);
      t.apiKeys().delete(ApiKeyId.of("key_1"));
      return null;
    });
    assertThat(count("warden_organization_sso_domain")).isZero();
    assertThat(count("warden_api_key_scope") + count("warden_api_key_org_limit") + count("warden_api_key_project_limit"))
        .isZero();
    sql("INSERT INTO warden_audit_entry (id, org_id, actor_kind, action, occurred_at)"
            + " VALUES ('aud_9', NULL, 'SYSTEM', 'grant.expired', TIMESTAMP WITH TIME ZONE '2026-01-05 09:00:00+00:00')",
        "INSERT INTO warden_audit_change (entry_id, seq, field) VALUES ('aud_9', 0, 'role')",
        "DELETE FROM warden_audit_entry WHERE id = 'aud_9'");
    assertThat(count("warden_audit_change")).isZero();
  }

  /** An audit value PostgreSQL's text cannot hold is stored escaped and flagged; every other is stored as it is. */
  @Test
  void audit_valuesTheDatabaseCannotHold_areEscapedOnlyThere() throws SQLException {
    AuditEntry e = new AuditEntry("aud_1", Optional.of(ORG), Optional.empty(), Actor.SYSTEM, "member.note_changed",
        Optional.empty(), List.of(Change.of("plain", "back\\slash", null), Change.of("odd", "nul\u0000", "lone\ud800 \\")),
        T0);
    tx((Transaction t) -> {
      t.audit().append(e);
      return null;
    });
    assertThat(rows("SELECT before_value, after_value, CASE WHEN escaped THEN 'true' ELSE 'false' END"
        + " FROM warden_audit_change ORDER BY seq"))
        .containsExactly(List.of("back\\slash", "null", "false"), List.of("nul\\u0000", "lone\\ud800 \\\\", "true"));
    assertThat(tx((Transaction t) -> t.audit().query(AuditQuery.organization(ORG), Optional.empty(), 10))).containsExactly(e);
  }

  private void sql(String... statements) throws SQLException {
    try (Connection c = dataSource().getConnection(); Statement s = c.createStatement()) {
      for (String statement : statements) {
        s.execute(statement);
      }
    }
  }

  private long count(String table) throws SQLException {
    return Long.parseLong(rows("SELECT COUNT(*) FROM " + table).get(0).get(0));
  }

  private List<List<String>> rows(String query) throws SQLException {
    List<List<String>> rows = new ArrayList<>();
    try (Connection c = dataSource().getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
      while (rs.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          row.add(String.valueOf(rs.getString(i)));
        }
        rows.add(row);
      }
    }
    return rows;
  }

  @Test
  void changeFeed_matchesTheDialect() {
    JdbcStore store = (JdbcStore) store();
    if (dialect() == Dialect.H2) {
      assertThat(store.changeFeed()).isEqualTo(ChangeFeed.POLLING);
      assertThat(store.subscribe(org -> {})).isFalse();
      assertThatThrownBy(() -> JdbcStore.create(dataSource(), Dialect.H2, ChangeFeed.LISTEN_NOTIFY))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PostgreSQL");
    } else {
      assertThat(store.changeFeed()).isEqualTo(ChangeFeed.LISTEN_NOTIFY);
      JdbcStore polling = JdbcStore.postgres(dataSource(), ChangeFeed.POLLING);
      assertThat(polling.subscribe(org -> {})).isFalse();
    }
  }

  private static StorageException serializationFailure() {
    return new StorageException(ErrorCode.CONCURRENT_MODIFICATION, "simulated",
        new SQLException("could not serialize access", "40001"));
  }

  private static void await(CyclicBarrier barrier) {
    try {
      barrier.await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
