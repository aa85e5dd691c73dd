package dev.warden.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.ErrorCode;
import dev.warden.StorageException;
import dev.warden.audit.AuditQuery;
import dev.warden.jdbc.internal.SchemaMigration;
import dev.warden.matrix.Capability;
import dev.warden.organization.OrgId;
import dev.warden.organization.Organization;
import dev.warden.organization.OrganizationSettings;
import dev.warden.organization.UserId;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import dev.warden.resource.AccessLevel;
import dev.warden.resource.Resource;
import dev.warden.resource.ResourceRef;
import dev.warden.resource.ResourceRule;
import dev.warden.role.ResolutionRule;
import dev.warden.role.Role;
import dev.warden.role.RoleGrant;
import dev.warden.role.RoleId;
import dev.warden.role.RoleMember;
import dev.warden.spi.Transaction;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The schema migration on PostgreSQL and H2: an empty database migrates, a second start changes
 * nothing, the host's own tables and Flyway history are left alone, every lookup has an index, and the
 * constraints hold the invariants even against SQL that bypasses the store.
 */
class MigrationTest {
  private static final List<String> TABLES = List.of("warden_organization", "warden_membership",
      "warden_project", "warden_grant", "warden_invite", "warden_invite_grant", "warden_api_key_owner",
      "warden_api_key", "warden_audit_entry", "warden_resource", "warden_resource_rule",
      "warden_organization_sso_domain", "warden_api_key_scope", "warden_api_key_org_limit",
      "warden_api_key_project_limit", "warden_audit_change", "warden_role", "warden_role_capability",
      "warden_role_member", "warden_role_grant", "warden_role_rule");

  /** The history of a fresh database: every migration, in order. */
  private static final String[] CURRENT = {"1 baseline true", "2 api keys and audit true", "3 resources true",
      "4 list tables true", "4.1 Lists from json true", "4.2 drop json columns true", "5 mutation indexes true",
      "6 roles true", "7 resource shares true"};

  /** PostgreSQL's and H2's SQLState for a violated CHECK constraint. */
  private static final List<String> CHECK_VIOLATION = List.of("23514", "23513");

  /** PostgreSQL's and H2's SQLState for a foreign key naming a missing row. */
  private static final List<String> FOREIGN_KEY_VIOLATION = List.of("23503", "23506");

  private static final EmbeddedPostgresServer postgres = EmbeddedPostgresServer.shared();
  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void closeDatabases() throws Exception {
    for (AutoCloseable r : resources) {
      r.close();
    }
    resources.clear();
  }

  private DataSource newDatabase(Dialect dialect) {
    DataSource ds = switch (dialect) {
      case POSTGRES -> postgres.newDatabase();
      case H2 -> H2TestDatabase.create();
    };
    resources.add((AutoCloseable) ds);
    return ds;
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void emptyDatabase_migratesToTheLatestVersion(Dialect dialect) throws SQLException {
    DataSource ds = newDatabase(dialect);
    JdbcStore.create(ds, dialect);
    // Flyway quotes its names, so the history stays lower-case even on H2 (and is queried quoted here).
    assertThat(tables(ds)).containsAll(TABLES).contains("warden_schema_history");
    assertThat(history(ds)).containsExactly(CURRENT);
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void version1Database_upgradesKeepingItsData_andOrganizationsGetDefaultSettings(Dialect dialect)
      throws SQLException {
    DataSource ds = newDatabase(dialect);
    migrateTo(ds, "1");
    assertThat(history(ds)).containsExactly("1 baseline true");
    execute(ds, "INSERT INTO warden_organization (id, name, created_at, member_joined_notifications, revision)"
        + " VALUES ('org_1', 'Acme', TIMESTAMP WITH TIME ZONE '2026-01-05 09:00:00+00:00', FALSE, 7)");

    JdbcStore store = JdbcStore.create(ds, dialect, ChangeFeed.POLLING);

    assertThat(history(ds)).containsExactly(CURRENT);
    Organization org = store.inTransaction((Transaction t) -> t.organizations().find(OrgId.of("org_1"))).orElseThrow();
    assertThat(org.name()).isEqualTo("Acme");
    assertThat(org.settings()).isEqualTo(OrganizationSettings.defaults().withMemberJoinedNotifications(false));
    assertThat(store.inTransaction((Transaction t) -> t.organizations().revision(OrgId.of("org_1")))).hasValue(7);
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void secondStart_changesNothing(Dialect dialect) throws SQLException {
    DataSource ds = newDatabase(dialect);
    JdbcStore.create(ds, dialect);
    List<String> before = historyWithChecksums(ds);
    JdbcStore.create(ds, dialect);
    JdbcStore.create(ds, dialect);
    assertThat(historyWithChecksums(ds)).isEqualTo(before);
    assertThat(history(ds)).containsExactly(CURRENT);
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void validateMode_emptyDatabase_refusesAndCreatesNothing(Dialect dialect) throws SQLException {
    DataSource ds = newDatabase(dialect);

    assertThatThrownBy(() -> JdbcStore.create(ds, dialect, ChangeFeed.POLLING, SchemaMode.VALIDATE))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("not current")
        .extracting(e -> ((StorageException) e).code()).isEqualTo(ErrorCode.INTERNAL_ERROR);
    assertThat(tables(ds)).doesNotContainAnyElementsOf(TABLES).doesNotContain("warden_schema_history");
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void validateMode_afterPipelineMigration_startsAndChangesNothing(Dialect dialect) throws SQLException {
    DataSource ds = newDatabase(dialect);
    JdbcStore.migrate(ds, dialect);
    List<String> before = historyWithChecksums(ds);

    JdbcStore store = JdbcStore.create(ds, dialect, ChangeFeed.POLLING, SchemaMode.VALIDATE);

    assertThat(historyWithChecksums(ds)).isEqualTo(before);
    assertThat(store.inTransaction((Transaction t) -> t.organizations().listIds())).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void validateMode_olderSchema_refuses(Dialect dialect) {
    DataSource ds = newDatabase(dialect);
    migrateTo(ds, "1");

    assertThatThrownBy(() -> JdbcStore.create(ds, dialect, ChangeFeed.POLLING, SchemaMode.VALIDATE))
        .isInstanceOf(StorageException.class).hasMessageContaining("not current");
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void hostSchema_keepsItsTablesAndItsOwnFlywayHistory(Dialect dialect) throws SQLException {
    DataSource ds = newDatabase(dialect);
    execute(ds, "CREATE TABLE app_user (id INTEGER PRIMARY KEY, name VARCHAR(40))",
        "INSERT INTO app_user VALUES (1, 'alice')",
        "CREATE TABLE flyway_schema_history (installed_rank INTEGER PRIMARY KEY, version VARCHAR(50))",
        "INSERT INTO flyway_schema_history VALUES (1, '7')");
    JdbcStore.create(ds, dialect);
    assertThat(tables(ds)).containsAll(TABLES).contains("app_user", "flyway_schema_history");
    assertThat(query(ds, "SELECT name FROM app_user")).containsExactly("alice");
    assertThat(query(ds, "SELECT version FROM flyway_schema_history")).containsExactly("7");
    // A schema with tables but no Warden history is baselined at 0, below V1, so V1 still runs.
    List<String> expected = new ArrayList<>(List.of("0 << Warden baseline >> true"));
    expected.addAll(List.of(CURRENT));
    assertThat(history(ds)).containsExactlyElementsOf(expected);
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void everyLookup_hasAnIndex(Dialect dialect) throws SQLException {
    DataSource ds = newDatabase(dialect);
    JdbcStore.create(ds, dialect);
    // Unique: the keys the invariants rest on.
    assertIndex(ds, "warden_organization", true, "id");
    assertIndex(ds, "warden_membership", true, "org_id", "user_id");
    assertIndex(ds, "warden_project", true, "id");
    assertIndex(ds, "warden_project", true, "token");
    assertIndex(ds, "warden_grant", true, "project_id", "user_id");
    assertIndex(ds, "warden_invite", true, "id");
    assertIndex(ds, "warden_invite", true, "token_hash");
    assertIndex(ds, "warden_invite", true, "org_id", "pending_email");
    assertIndex(ds, "warden_invite_grant", true, "invite_id", "seq");
    // Lookups: memberships by user, projects and grants by organization, grants of a member.
    assertIndex(ds, "warden_membership", false, "user_id");
    assertIndex(ds, "warden_project", false, "org_id");
    assertIndex(ds, "warden_grant", false, "org_id", "user_id");
    assertIndex(ds, "warden_invite", false, "org_id");
    // API keys: authenticate() by hash, a user's keys, the per-user lock row.
    assertIndex(ds, "warden_api_key", true, "id");
    assertIndex(ds, "warden_api_key", true, "value_hash");
    assertIndex(ds, "warden_api_key", false, "user_id", "created_at");
    assertIndex(ds, "warden_api_key_owner", true, "user_id");
    // Audit queries name an organization, a project or an actor, and read newest first.
    assertIndex(ds, "warden_audit_entry", true, "id");
    assertIndex(ds, "warden_audit_entry", false, "org_id", "occurred_at", "id");
    assertIndex(ds, "warden_audit_entry", false, "project_id", "occurred_at", "id");
    assertIndex(ds, "warden_audit_entry", false, "actor_user", "occurred_at", "id");
    // Resources: one per project, kind and id, listed by organization; one rule per project, kind,
    // resource and user (absent parts as ''), listed by organization and deleted by member.
    assertIndex(ds, "warden_resource", true, "project_id", "kind", "id");
    assertIndex(ds, "warden_resource", false, "org_id");
    assertIndex(ds, "warden_resource_rule", true, "project_id", "kind", "resource_key", "user_key");
    assertIndex(ds, "warden_resource_rule", false, "org_id", "user_id");
    // Mutations in proportion to what they touch (issue 14): demoting an Owner looks for another Owner;
    // deleting a resource deletes its rules by foreign key, on resource_id (the key has resource_key).
    assertIndex(ds, "warden_membership", false, "org_id", "level");
    assertIndex(ds, "warden_resource_rule", false, "project_id", "kind", "resource_id");
    // Lists, one row per element in order, read by their parent.
    assertIndex(ds, "warden_organization_sso_domain", true, "org_id", "seq");
    assertIndex(ds, "warden_api_key_scope", true, "key_id", "seq");
    assertIndex(ds, "warden_api_key_org_limit", true, "key_id", "seq");
    assertIndex(ds, "warden_api_key_project_limit", true, "key_id", "seq");
    assertIndex(ds, "warden_audit_change", true, "entry_id", "seq");
    // Roles (issue 16): names unique per organization; an organization's roles, role memberships and role
    // grants; one member's role memberships there (removal); the role grants on a project (its deletion).
    assertIndex(ds, "warden_role", true, "id");
    assertIndex(ds, "warden_role", true, "org_id", "name");
    assertIndex(ds, "warden_role_capability", true, "role_id", "seq");
    assertIndex(ds, "warden_role_member", true, "role_id", "user_id");
    assertIndex(ds, "warden_role_member", false, "org_id", "user_id");
    assertIndex(ds, "warden_role_grant", true, "role_id", "project_id");
    assertIndex(ds, "warden_role_grant", false, "org_id", "project_id");
    // Role rules: one per role, project, kind and resource (a kind rule's as ''); an organization's, and the
    // rules on a project and on a resource, which their deletion deletes by foreign key.
    assertIndex(ds, "warden_role_rule", true, "role_id", "project_id", "kind", "resource_key");
    assertIndex(ds, "warden_role_rule", false, "org_id", "project_id");
    assertIndex(ds, "warden_role_rule", false, "project_id", "kind", "resource_id");
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void schema_keepsAuditEntriesWithoutTheirOrganization_andChecksTheActor(Dialect dialect) throws SQLException {
    DataSource ds = newDatabase(dialect);
    JdbcStore.create(ds, dialect, ChangeFeed.POLLING);
    // No foreign key: an entry may name an organization that is gone (or never was).
    execute(ds, audit("aud_1", "'USER'", "'alice'", "NULL"), audit("aud_2", "'SYSTEM'", "NULL", "NULL"),
        audit("aud_3", "'API_KEY'", "'alice'", "'key_1'"));
    for (String[] bad : new String[][] {{"'SYSTEM'", "'alice'", "NULL"}, {"'USER'", "NULL", "NULL"},
        {"'USER'", "'alice'", "'key_1'"}, {"'API_KEY'", "'alice'", "NULL"}}) {
      assertThatThrownBy(() -> execute(ds, audit("aud_x", bad[0], bad[1], bad[2])))
          .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isIn(CHECK_VIOLATION));
    }
    assertThat(query(ds, "SELECT id FROM warden_audit_entry ORDER BY id")).containsExactly("aud_1", "aud_2", "aud_3");
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void schema_allowsOneUnusedInvitePerEmail_andAnyNumberOfUsedOnes(Dialect dialect) throws SQLException {
    DataSource ds = newDatabase(dialect);
    JdbcStore.create(ds, dialect);
    execute(ds, "INSERT INTO warden_organization (id, name, created_at, member_joined_notifications, revision)"
            + " VALUES ('org_1', 'Acme', TIMESTAMP WITH TIME ZONE '2026-01-05 09:00:00+00:00', TRUE, 0)",
        invite("inv_1", "h1", "NULL", "'dan@acme.com'"));
    assertThatThrownBy(() -> execute(ds, invite("inv_2", "h2", "NULL", "'dan@acme.com'")))
        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("23505"));
    execute(ds, "UPDATE warden_invite SET accepted_at = TIMESTAMP WITH TIME ZONE '2026-01-05 10:00:00+00:00', pending_email = NULL"
        + " WHERE id = 'inv_1'");
    execute(ds, invite("inv_2", "h2", "NULL", "'dan@acme.com'"),
        "UPDATE warden_invite SET accepted_at = TIMESTAMP WITH TIME ZONE '2026-01-05 11:00:00+00:00', pending_email = NULL"
            + " WHERE id = 'inv_2'",
        invite("inv_3", "h3", "NULL", "'dan@acme.com'"));
    // pending_email must follow accepted_at, or the uniqueness above would mean nothing.
    assertThatThrownBy(() -> execute(ds, invite("inv_4", "h4", "NULL", "NULL")))
        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isIn(CHECK_VIOLATION));
    assertThatThrownBy(() -> execute(ds,
        invite("inv_5", "h5", "TIMESTAMP WITH TIME ZONE '2026-01-05 11:00:00+00:00'", "'erin@acme.com'")))
        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isIn(CHECK_VIOLATION));
    assertThat(query(ds, "SELECT id FROM warden_invite ORDER BY id")).containsExactly("inv_1", "inv_2", "inv_3");
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void version2Database_upgradesKeepingItsData_andItsProjectsTakeResources(Dialect dialect) throws SQLException {
    DataSource ds = newDatabase(dialect);
    migrateTo(ds, "2");
    assertThat(history(ds)).containsExactly(CURRENT[0], CURRENT[1]);
    execute(ds, ORGANIZATION, PROJECT,
        "INSERT INTO warden_grant (project_id, user_id, org_id, role, expires_at, granted_by, granted_at)"
            + " VALUES ('prj_1', 'bob', 'org_1', 'VIEWER', NULL, 'alice', " + AT + ")",
        // Before version 4, changes were a JSON column.
        "INSERT INTO warden_audit_entry (id, org_id, project_id, actor_kind, actor_user, actor_key, action, target,"
            + " changes, occurred_at) VALUES ('aud_1', 'org_gone', NULL, 'USER', 'alice', NULL, 'member.removed', 'bob',"
            + " '[]', " + AT + ")");

    JdbcStore store = JdbcStore.create(ds, dialect, ChangeFeed.POLLING);

    assertThat(history(ds)).containsExactly(CURRENT);
    OrgId org = OrgId.of("org_1");
    ProjectId prj = ProjectId.of("prj_1");
    assertThat(store.inTransaction((Transaction t) -> t.organizations().find(org)).orElseThrow().name()).isEqualTo("Acme");
    assertThat(store.inTransaction((Transaction t) -> t.grants().find(prj, UserId.of("bob")))).isPresent();
    assertThat(store.inTransaction((Transaction t) -> t.audit().query(AuditQuery.actor("alice"), Optional.empty(), 10)))
        .hasSize(1);
    assertThat(store.inTransaction((Transaction t) -> t.resources().listByOrganization(org))).isEmpty();
    ResourceRef board = ResourceRef.dashboard(prj, "dsh_1");
    Resource resource = new Resource(board, UserId.of("bob"), Instant.parse("2026-01-06T09:00:00Z"));
    store.inTransaction((Transaction t) -> {
      t.resources().insert(resource);
      t.resources().upsertRule(ResourceRule.forMember(board, UserId.of("bob"), AccessLevel.EDITOR));
      return null;
    });
    assertThat(store.inTransaction((Transaction t) -> t.resources().listByOrganization(org))).containsExactly(resource);
    assertThat(store.inTransaction((Transaction t) -> t.resources().listRulesByOrganization(org)))
        .containsExactly(ResourceRule.forMember(board, UserId.of("bob"), AccessLevel.EDITOR));
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void schema_allowsOneResourceRulePerProjectKindResourceAndUser_absentPartsIncluded(Dialect dialect)
      throws SQLException {
    DataSource ds = newDatabase(dialect);
    JdbcStore.create(ds, dialect, ChangeFeed.POLLING);
    execute(ds, ORGANIZATION, PROJECT, resource("dsh_1"), resource("dsh_2"));
    // The keys must follow the nullable columns, '' stands only for NULL, and a member rule names a resource.
    for (String[] bad : new String[][] {{"NULL", "NULL", "'dsh_1'", "''"}, {"'dsh_1'", "'bob'", "'dsh_1'", "''"},
        {"'dsh_2'", "''", "'dsh_2'", "''"}, {"NULL", "'bob'", "''", "'bob'"}}) {
      assertThatThrownBy(() -> execute(ds, rule(bad[0], bad[1], bad[2], bad[3])))
          .as("rule %s", List.of(bad))
          .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isIn(CHECK_VIOLATION));
    }
    // A rule on resource '' would read as a kind rule; no resource has that id, and the check says so too.
    List<String> checkOrForeignKey = new ArrayList<>(CHECK_VIOLATION);
    checkOrForeignKey.addAll(FOREIGN_KEY_VIOLATION);
    assertThatThrownBy(() -> execute(ds, rule("''", "NULL", "''", "''")))
        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isIn(checkOrForeignKey));
    assertThat(query(ds, "SELECT COUNT(*) FROM warden_resource_rule")).containsExactly("0");

    execute(ds, rule("NULL", "NULL", "''", "''"), rule("'dsh_1'", "NULL", "'dsh_1'", "''"),
        rule("'dsh_1'", "'bob'", "'dsh_1'", "'bob'"), rule("'dsh_2'", "NULL", "'dsh_2'", "''"));
    // A second kind rule, everyone rule or member rule: NULLs in the rule do not make it a new one.
    for (String[] again : new String[][] {{"NULL", "NULL", "''", "''"}, {"'dsh_1'", "NULL", "'dsh_1'", "''"},
        {"'dsh_1'", "'bob'", "'dsh_1'", "'bob'"}}) {
      assertThatThrownBy(() -> execute(ds, rule(again[0], again[1], again[2], again[3])))
          .as("rule %s", List.of(again))
          .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("23505"));
    }
    assertThatThrownBy(() -> execute(ds, rule("'dsh_9'", "NULL", "'dsh_9'", "''")))
        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isIn(FOREIGN_KEY_VIOLATION));
    // Deleting a resource deletes its rules; deleting the project deletes the rest.
    execute(ds, "DELETE FROM warden_resource WHERE id = 'dsh_1'");
    assertThat(query(ds, "SELECT resource_key FROM warden_resource_rule ORDER BY resource_key")).containsExactly("", "dsh_2");
    execute(ds, "DELETE FROM warden_project WHERE id = 'prj_1'");
    assertThat(query(ds, "SELECT COUNT(*) FROM warden_resource")).containsExactly("0");
    assertThat(query(ds, "SELECT COUNT(*) FROM warden_resource_rule")).containsExactly("0");
  }

  /** A database of release 0.1 (schema version 3) takes roles; its organizations keep deciding as before. */
  @ParameterizedTest
  @EnumSource(Dialect.class)
  void version3Database_upgradesKeepingItsData_andItsOrganizationsResolveHighestWins(Dialect dialect)
      throws SQLException {
    DataSource ds = newDatabase(dialect);
    migrateTo(ds, "3");
    assertThat(history(ds)).containsExactly(CURRENT[0], CURRENT[1], CURRENT[2]);
    execute(ds, ORGANIZATION, PROJECT, MEMBERSHIP);

    JdbcStore store = JdbcStore.create(ds, dialect, ChangeFeed.POLLING);

    assertThat(history(ds)).containsExactly(CURRENT);
    OrgId org = OrgId.of("org_1");
    Organization acme = store.inTransaction((Transaction t) -> t.organizations().find(org)).orElseThrow();
    assertThat(acme.name()).isEqualTo("Acme");
    assertThat(acme.settings()).isEqualTo(OrganizationSettings.defaults());
    assertThat(acme.settings().resolution()).isEqualTo(ResolutionRule.HIGHEST_WINS);
    assertThat(store.inTransaction((Transaction t) -> t.roles().listByOrganization(org))).isEmpty();
    Role role = new Role(RoleId.of("rol_1"), org, "Engineers", Set.of(Capability.INVITE_MEMBERS),
        Instant.parse("2026-01-06T09:00:00Z"));
    RoleGrant grant = new RoleGrant(role.id(), ProjectId.of("prj_1"), ProjectRole.ADMIN, UserId.of("alice"),
        Instant.parse("2026-01-06T09:00:00Z"));
    store.inTransaction((Transaction t) -> {
      t.roles().insert(role);
      t.roles().upsertMember(new RoleMember(role.id(), UserId.of("bob"), Optional.empty(), UserId.of("alice"),
          Instant.parse("2026-01-06T09:00:00Z")));
      t.roles().upsertGrant(grant);
      t.organizations().update(acme.withSettings(acme.settings().withResolution(ResolutionRule.MOST_SPECIFIC)));
      return null;
    });
    assertThat(store.inTransaction((Transaction t) -> t.roles().find(role.id()))).contains(role);
    assertThat(store.inTransaction((Transaction t) -> t.roles().listGrantsByOrganization(org))).containsExactly(grant);
    assertThat(store.inTransaction((Transaction t) -> t.organizations().find(org)).orElseThrow().settings().resolution())
        .isEqualTo(ResolutionRule.MOST_SPECIFIC);
  }

  /** A database of schema version 6 takes shares (issue 16): its member rules read as rules that are not shared. */
  @ParameterizedTest
  @EnumSource(Dialect.class)
  void version6Database_upgradesKeepingItsRules_andOnlyAMemberRuleAtViewerOrEditorIsShared(Dialect dialect)
      throws SQLException {
    DataSource ds = newDatabase(dialect);
    migrateTo(ds, "6");
    execute(ds, ORGANIZATION, PROJECT, MEMBERSHIP, resource("dsh_1"), rule("'dsh_1'", "'bob'", "'dsh_1'", "'bob'"));

    JdbcStore store = JdbcStore.create(ds, dialect, ChangeFeed.POLLING);

    assertThat(history(ds)).containsExactly(CURRENT);
    ResourceRef board = ResourceRef.dashboard(ProjectId.of("prj_1"), "dsh_1");
    assertThat(store.inTransaction((Transaction t) -> t.resources().listRulesByOrganization(OrgId.of("org_1"))))
        .containsExactly(ResourceRule.forMember(board, UserId.of("bob"), AccessLevel.VIEWER));
    // The constraint holds against SQL that bypasses the store: a share names one member, at VIEWER or EDITOR.
    for (String bad : List.of(
        "UPDATE warden_resource_rule SET shared = TRUE, level = 'MANAGER' WHERE user_key = 'bob'",
        "INSERT INTO warden_resource_rule (project_id, kind, resource_id, user_id, resource_key, user_key, org_id,"
            + " level, shared) VALUES ('prj_1', 'dashboard', 'dsh_1', NULL, 'dsh_1', '', 'org_1', 'VIEWER', TRUE)")) {
      assertThatThrownBy(() -> execute(ds, bad)).as(bad)
          .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isIn(CHECK_VIOLATION));
    }
    execute(ds, "UPDATE warden_resource_rule SET shared = TRUE WHERE user_key = 'bob'");
    assertThat(store.inTransaction((Transaction t) -> t.resources().listRulesByOrganization(OrgId.of("org_1"))))
        .containsExactly(ResourceRule.share(board, UserId.of("bob"), AccessLevel.VIEWER));
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void schema_keepsRolesInsideTheirOrganization_andCascadesTheirRows(Dialect dialect) throws SQLException {
    DataSource ds = newDatabase(dialect);
    JdbcStore.create(ds, dialect, ChangeFeed.POLLING);
    execute(ds, ORGANIZATION, PROJECT, MEMBERSHIP,
        "INSERT INTO warden_organization (id, name, created_at, member_joined_notifications, revision)"
            + " VALUES ('org_2', 'Other', " + AT + ", TRUE, 0)",
        "INSERT INTO warden_project (id, org_id, name, visibility, default_role, token, created_at)"
            + " VALUES ('prj_2', 'org_2', 'Elsewhere', 'OPEN', 'MEMBER', 'phc_2', " + AT + ")",
        role("rol_1", "org_1", "Engineers"), role("rol_2", "org_1", "Support"), role("rol_4", "org_1", "Ops"),
        "INSERT INTO warden_role_capability (role_id, seq, capability) VALUES ('rol_1', 0, 'INVITE_MEMBERS')",
        roleMember("rol_1", "org_1"), roleMember("rol_2", "org_1"),
        roleGrant("rol_1", "prj_1", "org_1", "'ADMIN'"), roleGrant("rol_2", "prj_1", "org_1", "'VIEWER'"));
    // Names are unique per organization; the resolution rule and project roles are known names.
    assertThatThrownBy(() -> execute(ds, role("rol_3", "org_1", "Engineers")))
        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("23505"));
    execute(ds, role("rol_3", "org_2", "Engineers"));
    assertThatThrownBy(() -> execute(ds, "UPDATE warden_organization SET resolution = 'LOWEST_WINS' WHERE id = 'org_1'"))
        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isIn(CHECK_VIOLATION));
    assertThatThrownBy(() -> execute(ds, roleGrant("rol_4", "prj_1", "org_1", "'OWNER'")))
        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isIn(CHECK_VIOLATION));
    // A member and a grant belong to their role's organization, and a grant's project to it as well.
    assertThatThrownBy(() -> execute(ds, roleMember("rol_3", "org_1")))
        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isIn(FOREIGN_KEY_VIOLATION));
    assertThatThrownBy(() -> execute(ds, roleGrant("rol_1", "prj_2", "org_1", "'VIEWER'")))
        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isIn(FOREIGN_KEY_VIOLATION));
    assertThatThrownBy(() -> execute(ds, roleGrant("rol_3", "prj_1", "org_2", "'VIEWER'")))
        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isIn(FOREIGN_KEY_VIOLATION));

    // Deleting a role deletes its capabilities, members and grants; deleting a project its role grants;
    // deleting the organization its roles with everything else.
    execute(ds, "DELETE FROM warden_role WHERE id = 'rol_1'");
    assertThat(query(ds, "SELECT COUNT(*) FROM warden_role_capability")).containsExactly("0");
    assertThat(query(ds, "SELECT role_id FROM warden_role_member")).containsExactly("rol_2");
    assertThat(query(ds, "SELECT role_id FROM warden_role_grant")).containsExactly("rol_2");
    execute(ds, "DELETE FROM warden_project WHERE id = 'prj_1'");
    assertThat(query(ds, "SELECT COUNT(*) FROM warden_role_grant")).containsExactly("0");
    assertThat(query(ds, "SELECT role_id FROM warden_role_member")).containsExactly("rol_2");
    execute(ds, "DELETE FROM warden_organization WHERE id = 'org_1'");
    assertThat(query(ds, "SELECT id FROM warden_role")).containsExactly("rol_3");
    assertThat(query(ds, "SELECT COUNT(*) FROM warden_role_member")).containsExactly("0");
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void schema_allowsOneRoleRulePerRoleProjectKindAndResource_keepsItInsideTheOrganization_andCascades(
      Dialect dialect) throws SQLException {
    DataSource ds = newDatabase(dialect);
    JdbcStore.create(ds, dialect, ChangeFeed.POLLING);
    execute(ds, ORGANIZATION, PROJECT, resource("dsh_1"), resource("dsh_2"),
        "INSERT INTO warden_organization (id, name, created_at, member_joined_notifications, revision)"
            + " VALUES ('org_2', 'Other', " + AT + ", TRUE, 0)",
        "INSERT INTO warden_project (id, org_id, name, visibility, default_role, token, created_at)"
            + " VALUES ('prj_2', 'org_2', 'Elsewhere', 'OPEN', 'MEMBER', 'phc_2', " + AT + ")",
        role("rol_1", "org_1", "Engineers"), role("rol_2", "org_1", "Support"), role("rol_3", "org_2", "Engineers"));
    // The key must follow resource_id, '' stands only for NULL, and the level is a known name.
    for (String[] bad : new String[][] {{"'rol_1'", "NULL", "'dsh_1'", "'VIEWER'"},
        {"'rol_1'", "'dsh_1'", "''", "'VIEWER'"}, {"'rol_1'", "'dsh_1'", "'dsh_2'", "'VIEWER'"},
        {"'rol_1'", "NULL", "''", "'OWNER'"}, {"'rol_1'", "'dsh_1'", "'dsh_1'", "'viewer'"}}) {
      assertThatThrownBy(() -> execute(ds, roleRule(bad[0], "prj_1", "org_1", bad[1], bad[2], bad[3])))
          .as("rule %s", List.of(bad))
          .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isIn(CHECK_VIOLATION));
    }
    // A rule on resource '' would read as a kind rule; no resource has that id, and the check says so too.
    List<String> checkOrForeignKey = new ArrayList<>(CHECK_VIOLATION);
    checkOrForeignKey.addAll(FOREIGN_KEY_VIOLATION);
    assertThatThrownBy(() -> execute(ds, roleRule("'rol_1'", "prj_1", "org_1", "''", "''", "'VIEWER'")))
        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isIn(checkOrForeignKey));
    assertThat(query(ds, "SELECT COUNT(*) FROM warden_role_rule")).containsExactly("0");

    for (String level : new String[] {"'NONE'", "'VIEWER'", "'EDITOR'", "'MANAGER'"}) {
      execute(ds, "DELETE FROM warden_role_rule", roleRule("'rol_1'", "prj_1", "org_1", "NULL", "''", level));
    }
    execute(ds, roleRule("'rol_1'", "prj_1", "org_1", "'dsh_1'", "'dsh_1'", "'EDITOR'"),
        roleRule("'rol_1'", "prj_1", "org_1", "'dsh_2'", "'dsh_2'", "'VIEWER'"),
        roleRule("'rol_2'", "prj_1", "org_1", "NULL", "''", "'VIEWER'"),
        roleRule("'rol_2'", "prj_1", "org_1", "'dsh_1'", "'dsh_1'", "'NONE'"));
    // A second kind rule or rule on a resource for the same role: the NULL does not make it a new one.
    for (String[] again : new String[][] {{"NULL", "''"}, {"'dsh_1'", "'dsh_1'"}}) {
      assertThatThrownBy(() -> execute(ds, roleRule("'rol_1'", "prj_1", "org_1", again[0], again[1], "'NONE'")))
          .as("rule %s", List.of(again))
          .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("23505"));
    }
    // The resource must be registered; the role and the project must be in the row's organization.
    for (String[] bad : new String[][] {{"'rol_1'", "prj_1", "org_1", "'dsh_9'"}, {"'rol_9'", "prj_1", "org_1", "NULL"},
        {"'rol_3'", "prj_1", "org_1", "NULL"}, {"'rol_1'", "prj_2", "org_1", "NULL"},
        {"'rol_3'", "prj_1", "org_2", "NULL"}, {"'rol_1'", "prj_2", "org_2", "NULL"}}) {
      String key = bad[3].equals("NULL") ? "''" : bad[3];
      assertThatThrownBy(() -> execute(ds, roleRule(bad[0], bad[1], bad[2], bad[3], key, "'VIEWER'")))
          .as("rule %s", List.of(bad))
          .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isIn(FOREIGN_KEY_VIOLATION));
    }

    // Deleting a resource deletes the role rules on it; a role its rules; a project the rest.
    execute(ds, "DELETE FROM warden_resource WHERE id = 'dsh_1'");
    assertThat(query(ds, "SELECT role_id, resource_key FROM warden_role_rule ORDER BY role_id, resource_key"))
        .containsExactly("rol_1 ", "rol_1 dsh_2", "rol_2 ");
    execute(ds, "DELETE FROM warden_role WHERE id = 'rol_2'");
    assertThat(query(ds, "SELECT role_id, resource_key FROM warden_role_rule ORDER BY role_id, resource_key"))
        .containsExactly("rol_1 ", "rol_1 dsh_2");
    execute(ds, "DELETE FROM warden_project WHERE id = 'prj_1'");
    assertThat(query(ds, "SELECT COUNT(*) FROM warden_role_rule")).containsExactly("0");
    execute(ds, "INSERT INTO warden_project (id, org_id, name, visibility, default_role, token, created_at)"
            + " VALUES ('prj_1', 'org_1', 'Production', 'OPEN', 'MEMBER', 'phc_1', " + AT + ")",
        roleRule("'rol_1'", "prj_1", "org_1", "NULL", "''", "'VIEWER'"));
    execute(ds, "DELETE FROM warden_organization WHERE id = 'org_1'");
    assertThat(query(ds, "SELECT COUNT(*) FROM warden_role_rule")).containsExactly("0");
    assertThat(query(ds, "SELECT id FROM warden_role")).containsExactly("rol_3");
  }

  @Test
  void wrongDialect_isRefused() {
    DataSource pg = newDatabase(Dialect.POSTGRES);
    DataSource h2 = newDatabase(Dialect.H2);
    assertThatThrownBy(() -> JdbcStore.h2(pg)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PostgreSQL");
    assertThatThrownBy(() -> JdbcStore.postgres(h2)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("H2");
  }

  @Test
  void unreachableDatabase_failsCreationWithStoreUnavailable() {
    SwitchableDataSource ds = new SwitchableDataSource(newDatabase(Dialect.H2));
    ds.down = true;
    assertThatThrownBy(() -> JdbcStore.h2(ds)).isInstanceOfSatisfying(StorageException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE));
  }

  // ------------------------------------------------------------------------------- helpers

  private static final String AT = "TIMESTAMP WITH TIME ZONE '2026-01-05 09:00:00+00:00'";

  private static final String ORGANIZATION =
      "INSERT INTO warden_organization (id, name, created_at, member_joined_notifications, revision)"
          + " VALUES ('org_1', 'Acme', " + AT + ", TRUE, 0)";

  private static final String PROJECT =
      "INSERT INTO warden_project (id, org_id, name, visibility, default_role, token, created_at)"
          + " VALUES ('prj_1', 'org_1', 'Production', 'OPEN', 'MEMBER', 'phc_1', " + AT + ")";

  private static final String MEMBERSHIP = "INSERT INTO warden_membership (org_id, user_id, level, joined_at)"
      + " VALUES ('org_1', 'bob', 'MEMBER', " + AT + ")";

  private static String role(String id, String org, String name) {
    return "INSERT INTO warden_role (id, org_id, name, created_at) VALUES ('" + id + "', '" + org + "', '" + name
        + "', " + AT + ")";
  }

  private static String roleMember(String role, String org) {
    return "INSERT INTO warden_role_member (role_id, user_id, org_id, expires_at, added_by, added_at)"
        + " VALUES ('" + role + "', 'bob', '" + org + "', NULL, 'alice', " + AT + ")";
  }

  private static String roleGrant(String role, String project, String org, String projectRole) {
    return "INSERT INTO warden_role_grant (role_id, project_id, org_id, project_role, granted_by, granted_at)"
        + " VALUES ('" + role + "', '" + project + "', '" + org + "', " + projectRole + ", 'alice', " + AT + ")";
  }

  private static String roleRule(String role, String project, String org, String resourceId, String resourceKey,
      String level) {
    return "INSERT INTO warden_role_rule (role_id, project_id, kind, resource_id, resource_key, org_id, level)"
        + " VALUES (" + role + ", '" + project + "', 'dashboard', " + resourceId + ", " + resourceKey + ", '" + org
        + "', " + level + ")";
  }

  private static String resource(String id) {
    return "INSERT INTO warden_resource (project_id, kind, id, org_id, creator, created_at)"
        + " VALUES ('prj_1', 'dashboard', '" + id + "', 'org_1', 'alice', " + AT + ")";
  }

  private static String rule(String resourceId, String userId, String resourceKey, String userKey) {
    return "INSERT INTO warden_resource_rule (project_id, kind, resource_id, user_id, resource_key, user_key, org_id,"
        + " level) VALUES ('prj_1', 'dashboard', " + resourceId + ", " + userId + ", " + resourceKey + ", " + userKey
        + ", 'org_1', 'VIEWER')";
  }

  private static String audit(String id, String kind, String user, String key) {
    return "INSERT INTO warden_audit_entry (id, org_id, project_id, actor_kind, actor_user, actor_key, action, target,"
        + " occurred_at) VALUES ('" + id + "', 'org_gone', NULL, " + kind + ", " + user + ", " + key
        + ", 'member.removed', 'bob', TIMESTAMP WITH TIME ZONE '2026-01-05 09:00:00+00:00')";
  }

  private static String invite(String id, String hash, String acceptedAt, String pendingEmail) {
    return "INSERT INTO warden_invite (id, org_id, email, level, invited_by, created_at, expires_at, accepted_at,"
        + " token_hash, pending_email) VALUES ('" + id + "', 'org_1', 'dan@acme.com', 'MEMBER', 'alice',"
        + " TIMESTAMP WITH TIME ZONE '2026-01-05 09:00:00+00:00', TIMESTAMP WITH TIME ZONE '2026-01-08 09:00:00+00:00', " + acceptedAt + ", '" + hash
        + "', " + pendingEmail + ")";
  }

  private static void execute(DataSource ds, String... statements) throws SQLException {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
  }

  private static List<String> query(DataSource ds, String sql) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        List<String> cells = new ArrayList<>();
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          cells.add(rs.getString(i));
        }
        rows.add(String.join(" ", cells));
      }
    }
    return rows;
  }

  /** Migrates {@code ds} as an older release of Warden did: up to schema {@code version} and no further. */
  private static void migrateTo(DataSource ds, String version) {
    Flyway.configure(SchemaMigration.class.getClassLoader()).dataSource(ds).locations(SchemaMigration.LOCATION)
        .table(SchemaMigration.HISTORY_TABLE).placeholderReplacement(false).target(version).load().migrate();
  }

  /** The history table's migrations as "version description success", in order. */
  private static List<String> history(DataSource ds) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection c = ds.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT \"version\", \"description\", \"success\""
            + " FROM \"warden_schema_history\" WHERE \"version\" IS NOT NULL ORDER BY \"installed_rank\"")) {
      while (rs.next()) {
        rows.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getBoolean(3));
      }
    }
    return rows;
  }

  private static List<String> historyWithChecksums(DataSource ds) throws SQLException {
    return query(ds, "SELECT \"installed_rank\", \"version\", \"checksum\", \"installed_on\""
        + " FROM \"warden_schema_history\" ORDER BY \"installed_rank\"");
  }

  private static TreeSet<String> tables(DataSource ds) throws SQLException {
    TreeSet<String> names = new TreeSet<>();
    try (Connection c = ds.getConnection();
        ResultSet rs = c.getMetaData().getTables(null, null, "%", new String[] {"TABLE"})) {
      while (rs.next()) {
        names.add(rs.getString("TABLE_NAME").toLowerCase(Locale.ROOT));
      }
    }
    return names;
  }

  /** Asserts some index on {@code table} starts with {@code columns} (and is unique, if asked). */
  private static void assertIndex(DataSource ds, String table, boolean unique, String... columns)
      throws SQLException {
    Map<String, List<String>> indexColumns = new LinkedHashMap<>();
    Map<String, Boolean> indexUnique = new LinkedHashMap<>();
    try (Connection c = ds.getConnection()) {
      DatabaseMetaData meta = c.getMetaData();
      String name = meta.storesUpperCaseIdentifiers() ? table.toUpperCase(Locale.ROOT) : table;
      try (ResultSet rs = meta.getIndexInfo(null, null, name, false, false)) {
        while (rs.next()) {
          String index = rs.getString("INDEX_NAME");
          String column = rs.getString("COLUMN_NAME");
          if (index == null || column == null) {
            continue;
          }
          int position = rs.getInt("ORDINAL_POSITION");
          List<String> cols = indexColumns.computeIfAbsent(index, k -> new ArrayList<>());
          while (cols.size() < position) {
            cols.add(null);
          }
          cols.set(position - 1, column.toLowerCase(Locale.ROOT));
          indexUnique.put(index, !rs.getBoolean("NON_UNIQUE"));
        }
      }
    }
    List<String> wanted = List.of(columns);
    boolean found = indexColumns.entrySet().stream().anyMatch(e -> e.getValue().size() >= wanted.size()
        && e.getValue().subList(0, wanted.size()).equals(wanted)
        && (!unique || (indexUnique.get(e.getKey()) && e.getValue().size() == wanted.size())));
    assertThat(found).as("%s index on %s%s; indexes: %s", unique ? "unique" : "an", table, wanted, indexColumns)
        .isTrue();
  }
}
