package dev.warden.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.collect.ImmutableSet;
import dev.warden.StorageException;
import dev.warden.apikey.ApiKey;
import dev.warden.apikey.ApiKeyId;
import dev.warden.apikey.ApiScope;
import dev.warden.audit.Actor;
import dev.warden.audit.AuditEntry;
import dev.warden.audit.AuditQuery;
import dev.warden.audit.Change;
import dev.warden.jdbc.internal.SchemaMigration;
import dev.warden.organization.OrgId;
import dev.warden.organization.Organization;
import dev.warden.organization.UserId;
import dev.warden.project.ProjectId;
import dev.warden.spi.Transaction;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 13, schema version 4: lists that versions 2 and 3 kept as JSON text (SSO domains, API key scopes
 * and limits, audit changes) move into tables. A database at version 3, filled the way the old store
 * wrote it, migrates and reads back through the store exactly as written, on PostgreSQL and H2.
 */
class ListMigrationTest {
  private static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");

  /** Every kind of character the old writer escaped, and the ones it kept. */
  private static final String AWKWARD = "quote\" backslash\\ comma, [bracket] {brace}: colon \u00e9 \u65e5\u672c"
      + " \ud83d\ude00 newline\n tab\t nul\u0000 lone\ud800 low\udc00 end\u2028 \\u0041 null";

  private static final EmbeddedPostgresServer postgres = EmbeddedPostgresServer.shared();
  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable r : resources) {
      r.close();
    }
    resources.clear();
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void version3Database_jsonListsWrittenByTheOldStore_readBackExactlyAfterMigration(Dialect dialect)
      throws SQLException {
    DataSource ds = version3Database(dialect);
    List<String> domains = List.of("zeta.example", "acme.com", "b\u00fccher.de", "eu.acme.com");
    insertOrganization(ds, "org_1", OldJson.strings(domains));
    insertOrganization(ds, "org_2", "[]"); // V2's default
    List<String> scopes = List.of("session_recording:read", "feature_flag:write", "query:read", "*");
    List<String> orgs = List.of("org_2", "org_1", "org_\u00e9\"x\"");
    List<String> projects = List.of("prj_z", "prj_\u00e9, \"odd\" [1]", "prj_back\\slash", "prj_a");
    insertKey(ds, "key_1", OldJson.strings(scopes), OldJson.strings(orgs), OldJson.strings(projects));
    insertKey(ds, "key_2", OldJson.strings(List.of("query:read")), "[]", "[]");
    List<Change> changes = List.of(
        new Change("note", Optional.of(AWKWARD), Optional.empty()),
        new Change("empty \"field\"", Optional.of(""), Optional.of("[]{},:null")),
        new Change("level", Optional.empty(), Optional.of("ADMIN")),
        Change.secret("token"),
        new Change("grants", Optional.of("[InviteGrant[project=prj_1, role=VIEWER]]"), Optional.of("\\\"\\")));
    insertAudit(ds, "aud_1", OldJson.changes(changes), T0.plusSeconds(1));
    insertAudit(ds, "aud_2", "[]", T0);

    JdbcStore store = JdbcStore.create(ds, dialect, ChangeFeed.POLLING);
    resources.add(0, store);

    Organization org1 = store.inTransaction((Transaction t) -> t.organizations().find(OrgId.of("org_1"))).orElseThrow();
    assertThat(org1.settings().ssoEnforcedDomains()).containsExactlyElementsOf(domains);
    assertThat(store.inTransaction((Transaction t) -> t.organizations().find(OrgId.of("org_2"))).orElseThrow()
        .settings().ssoEnforcedDomains()).isEmpty();
    ApiKey key1 = store.inTransaction((Transaction t) -> t.apiKeys().find(ApiKeyId.of("key_1"))).orElseThrow();
    assertThat(key1.scopes()).containsExactlyElementsOf(scopes.stream().map(ApiScope::parse).toList());
    assertThat(key1.organizations()).containsExactlyElementsOf(orgs.stream().map(OrgId::of).toList());
    assertThat(key1.projects()).containsExactlyElementsOf(projects.stream().map(ProjectId::of).toList());
    assertThat(key1).isEqualTo(new ApiKey(ApiKeyId.of("key_1"), UserId.of("alice"), "label key_1",
        scopes.stream().map(ApiScope::parse).collect(ImmutableSet.toImmutableSet()),
        orgs.stream().map(OrgId::of).collect(ImmutableSet.toImmutableSet()),
        projects.stream().map(ProjectId::of).collect(ImmutableSet.toImmutableSet()), "abcd", T0, Optional.empty(),
        Optional.empty()));
    ApiKey key2 = store.inTransaction((Transaction t) -> t.apiKeys().findByValueHash("hash_key_2")).orElseThrow().key();
    assertThat(key2.scopes()).containsExactly(ApiScope.parse("query:read"));
    assertThat(key2.organizations()).isEmpty();
    assertThat(key2.projects()).isEmpty();
    List<AuditEntry> entries = store.inTransaction(
        (Transaction t) -> t.audit().query(AuditQuery.organization(OrgId.of("org_1")), Optional.empty(), 10));
    assertThat(entries).containsExactly(entry("aud_1", changes, T0.plusSeconds(1)), entry("aud_2", List.of(), T0));
    assertThat(entries.get(0).changes()).containsExactlyElementsOf(changes);

    // The JSON columns are gone, and the lists are plain rows SQL can query.
    assertThat(columns(ds, "warden_organization")).doesNotContain("sso_enforced_domains");
    assertThat(columns(ds, "warden_api_key")).doesNotContain("scopes", "org_limits", "project_limits");
    assertThat(columns(ds, "warden_audit_entry")).doesNotContain("changes");
    assertThat(query(ds, "SELECT key_id FROM warden_api_key_scope WHERE scope = '*'")).containsExactly("key_1");
    assertThat(query(ds, "SELECT entry_id FROM warden_audit_change WHERE field = 'level' AND after_value = 'ADMIN'"))
        .containsExactly("aud_1");
    assertThat(query(ds, "SELECT org_id FROM warden_organization_sso_domain WHERE domain = 'acme.com'"))
        .containsExactly("org_1");
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void version3Database_jsonEditedByHand_isCopiedToo(Dialect dialect) throws SQLException {
    DataSource ds = version3Database(dialect);
    // What a DBA or a database's JSON normalisation may leave: whitespace, other escapes, keys reordered.
    insertOrganization(ds, "org_1", " [ \"acme.com\" ,\n\t\"eu.acme.com\" ] ");
    insertKey(ds, "key_1", "[ \"query:read\", \"*\" ]", "[\"org_1\"]", "[ ]");
    insertAudit(ds, "aud_1", "[\n  {\"after\": \"line\\nbreak \\/ \\u00E9\", \"field\": \"note\", \"before\": null},\n"
        + "  { \"field\" : \"level\" , \"before\" : \"MEMBER\" , \"after\" : \"ADMIN\" }\n]", T0);

    // Migrated by a Flyway set up with only the location: it finds the Java step (4.1) beside the scripts.
    assertThat(flyway(ds).target("4.2").load().migrate().migrationsExecuted).isEqualTo(3);
    JdbcStore store = JdbcStore.create(ds, dialect, ChangeFeed.POLLING);
    resources.add(0, store);

    assertThat(store.inTransaction((Transaction t) -> t.organizations().find(OrgId.of("org_1"))).orElseThrow()
        .settings().ssoEnforcedDomains()).containsExactly("acme.com", "eu.acme.com");
    ApiKey key = store.inTransaction((Transaction t) -> t.apiKeys().find(ApiKeyId.of("key_1"))).orElseThrow();
    assertThat(key.scopes()).containsExactly(ApiScope.parse("query:read"), ApiScope.ALL);
    assertThat(key.organizations()).containsExactly(OrgId.of("org_1"));
    assertThat(key.projects()).isEmpty();
    assertThat(store.inTransaction(
        (Transaction t) -> t.audit().query(AuditQuery.organization(OrgId.of("org_1")), Optional.empty(), 10)))
        .containsExactly(entry("aud_1", List.of(new Change("note", Optional.empty(), Optional.of("line\nbreak / \u00e9")),
            new Change("level", Optional.of("MEMBER"), Optional.of("ADMIN"))), T0));
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void version3Database_malformedJson_failsTheMigration_andKeepsEveryList(Dialect dialect) throws SQLException {
    DataSource ds = version3Database(dialect);
    insertOrganization(ds, "org_1", "[\"acme.com\"]");
    insertAudit(ds, "aud_1", "[{\"field\":\"note\",\"before\":\"unterminated}]", T0);

    assertThatThrownBy(() -> JdbcStore.create(ds, dialect, ChangeFeed.POLLING))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("aud_1")
        .hasMessageNotContaining("unterminated");

    // The copy ran in one transaction: nothing of it stayed, and the JSON is all still there.
    assertThat(query(ds, "SELECT COUNT(*) FROM warden_organization_sso_domain")).containsExactly("0");
    assertThat(query(ds, "SELECT sso_enforced_domains FROM warden_organization")).containsExactly("[\"acme.com\"]");
    assertThat(query(ds, "SELECT COUNT(*) FROM warden_audit_entry")).containsExactly("1");
  }

  // ------------------------------------------------------------------------------- helpers

  private DataSource version3Database(Dialect dialect) {
    DataSource ds = switch (dialect) {
      case POSTGRES -> postgres.newDatabase();
      case H2 -> H2TestDatabase.create();
    };
    resources.add((AutoCloseable) ds);
    flyway(ds).target("3").load().migrate();
    return ds;
  }

  /** Flyway as a host might set it up by hand: the location and history table, nothing else. */
  private static FluentConfiguration flyway(DataSource ds) {
    return Flyway.configure(SchemaMigration.class.getClassLoader()).dataSource(ds).locations(SchemaMigration.LOCATION)
        .table(SchemaMigration.HISTORY_TABLE).placeholderReplacement(false);
  }

  private static AuditEntry entry(String id, List<Change> changes, Instant at) {
    return new AuditEntry(id, Optional.of(OrgId.of("org_1")), Optional.empty(),
        new Actor(Actor.Kind.USER, Optional.of("alice"), Optional.empty()), "settings.changed", Optional.of("org_1"),
        changes, at);
  }

  private static void insertOrganization(DataSource ds, String id, String domainsJson) throws SQLException {
    update(ds, "INSERT INTO warden_organization (id, name, created_at, member_joined_notifications, revision,"
        + " sso_enforced_domains) VALUES (?, 'Acme', ?, TRUE, 0, ?)", id, T0, domainsJson);
  }

  private static void insertKey(DataSource ds, String id, String scopes, String orgLimits, String projectLimits)
      throws SQLException {
    update(ds, "INSERT INTO warden_api_key_owner (user_id) SELECT 'alice' WHERE NOT EXISTS"
        + " (SELECT 1 FROM warden_api_key_owner WHERE user_id = 'alice')");
    update(ds, "INSERT INTO warden_api_key (id, user_id, label, scopes, org_limits, project_limits, last_four,"
            + " value_hash, created_at) VALUES (?, 'alice', ?, ?, ?, ?, 'abcd', ?, ?)",
        id, "label " + id, scopes, orgLimits, projectLimits, "hash_" + id, T0);
  }

  private static void insertAudit(DataSource ds, String id, String changesJson, Instant at) throws SQLException {
    update(ds, "INSERT INTO warden_audit_entry (id, org_id, project_id, actor_kind, actor_user, actor_key, action,"
            + " target, changes, occurred_at) VALUES (?, 'org_1', NULL, 'USER', 'alice', NULL, 'settings.changed',"
            + " 'org_1', ?, ?)", id, changesJson, at);
  }

  private static void update(DataSource ds, String sql, Object... params) throws SQLException {
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        Object p = params[i] instanceof Instant t ? OffsetDateTime.ofInstant(t, ZoneOffset.UTC) : params[i];
        ps.setObject(i + 1, p);
      }
      ps.executeUpdate();
    }
  }

  private static List<String> query(DataSource ds, String sql) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        rows.add(rs.getString(1));
      }
    }
    return rows;
  }

  private static List<String> columns(DataSource ds, String table) throws SQLException {
    List<String> names = new ArrayList<>();
    try (Connection c = ds.getConnection()) {
      String name = c.getMetaData().storesUpperCaseIdentifiers() ? table.toUpperCase(Locale.ROOT) : table;
      try (ResultSet rs = c.getMetaData().getColumns(null, null, name, "%")) {
        while (rs.next()) {
          names.add(rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
        }
      }
    }
    assertThat(names).as("columns of %s", table).isNotEmpty();
    return names;
  }

  /**
   * The JSON the store wrote before version 4, character for character: the writer half of the
   * {@code JsonText} class that version 4 deleted (pure ASCII, everything else as {@code \}{@code uXXXX}).
   */
  private static final class OldJson {
    static String strings(Collection<String> values) {
      StringBuilder out = new StringBuilder("[");
      for (String v : values) {
        if (out.length() > 1) {
          out.append(',');
        }
        quote(out, v);
      }
      return out.append(']').toString();
    }

    static String changes(List<Change> changes) {
      StringBuilder out = new StringBuilder("[");
      for (Change c : changes) {
        if (out.length() > 1) {
          out.append(',');
        }
        out.append("{\"field\":");
        quote(out, c.field());
        out.append(",\"before\":");
        quoteOrNull(out, c.before());
        out.append(",\"after\":");
        quoteOrNull(out, c.after());
        out.append('}');
      }
      return out.append(']').toString();
    }

    private static void quoteOrNull(StringBuilder out, Optional<String> value) {
      if (value.isPresent()) {
        quote(out, value.get());
      } else {
        out.append("null");
      }
    }

    private static void quote(StringBuilder out, String s) {
      out.append('"');
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c == '"' || c == '\\') {
          out.append('\\').append(c);
        } else if (c >= 0x20 && c < 0x7f) {
          out.append(c);
        } else {
          out.append(String.format("\\u%04x", (int) c));
        }
      }
      out.append('"');
    }
  }
}
