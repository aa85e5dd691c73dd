package dev.warden.jdbc.internal;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableSet;
import dev.warden.organization.OrgId;
import dev.warden.organization.UserId;
import dev.warden.project.ProjectId;
import dev.warden.resource.AccessLevel;
import dev.warden.resource.Resource;
import dev.warden.resource.ResourceRef;
import dev.warden.resource.ResourceRule;
import dev.warden.spi.ResourceRepository;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code warden_resource} and {@code warden_resource_rule}. Rows carry their project's organization
 * (kept true by a composite foreign key, as for grants), so an organization's resources and rules are
 * one index range each. Deleting a project or a resource deletes what hangs off it by foreign key.
 *
 * <p>A rule's key columns hold {@code ''} where the rule names no resource or no user, so the primary
 * key allows one rule per (project, kind, resource, user) on every engine; see {@code V3__resources.sql}.
 */
final class JdbcResourceRepository implements ResourceRepository {
  private static final String COLUMNS = "project_id, kind, id, creator, created_at";
  private static final String RULE_COLUMNS = "project_id, kind, resource_id, user_id, level, shared";
  private static final String NO_KEY = "";

  /** The SPI's order: creation time, then project, kind and id; sorted here to match Java's string order. */
  private static final Comparator<Resource> CREATION_ORDER = Comparator.comparing(Resource::createdAt)
      .thenComparing(r -> r.ref().project().value())
      .thenComparing(r -> r.ref().kind())
      .thenComparing(r -> r.ref().id());

  /** The SPI's order: project, kind, resource, user; a kind rule first, then everyone before members. */
  private static final Comparator<ResourceRule> RULE_ORDER = Comparator
      .comparing((ResourceRule r) -> r.project().value())
      .thenComparing(ResourceRule::kind)
      .thenComparing(JdbcResourceRepository::resourceKey)
      .thenComparing(JdbcResourceRepository::userKey);

  /**
   * Inserts a resource, taking the organization from the project; no row when the project does not
   * exist.
   */
  private static final String INSERT =
      "INSERT INTO warden_resource (org_id, " + COLUMNS + ") SELECT org_id, id, ?, ?, ?, ? FROM warden_project WHERE id = ?";

  private static final String RULE_INSERT_COLUMNS =
      "(org_id, project_id, kind, resource_id, user_id, resource_key, user_key, level, shared)";

  /**
   * The source row of a rule: its project for a kind rule, its resource otherwise, so a missing project or
   * resource writes no row. Parameters: kind, resource id and user id (typed NULLs when absent), resource
   * key, user key, level, shared, then the {@code WHERE} clause's.
   */
  private static final String KIND_RULE_SOURCE =
      " SELECT org_id, id, ?, ?, ?, ?, ?, ?, ? FROM warden_project WHERE id = ?";

  private static final String OBJECT_RULE_SOURCE =
      " SELECT org_id, project_id, ?, ?, ?, ?, ?, ?, ? FROM warden_resource WHERE project_id = ? AND kind = ? AND id = ?";

  private static final String UPSERT_POSTGRES_SUFFIX =
      " ON CONFLICT (project_id, kind, resource_key, user_key) DO UPDATE SET level = EXCLUDED.level, shared = EXCLUDED.shared";

  private final JdbcTransaction tx;

  JdbcResourceRepository(JdbcTransaction tx) {
    this.tx = tx;
  }

  @Override
  public void insert(Resource resource) {
    checkNotNull(resource, "resource");
    int rows = tx.jdbc().update("inserting resource " + resource.ref(), INSERT, row(resource));
    checkArgument(rows > 0, "project %s does not exist", resource.ref().project());
  }

  /** {@link #insert}s as multi-row statements, with the projects' organizations read once. */
  @Override
  public void insertAll(List<Resource> resources) {
    checkNotNull(resources, "resources");
    Map<ProjectId, OrgId> orgs = JdbcProjectRepository.organizations(tx.jdbc(),
        resources.stream().map(r -> checkNotNull(r, "resource").ref().project()).toList());
    List<Object[]> rows = new ArrayList<>(resources.size());
    for (Resource r : resources) {
      OrgId org = orgs.get(r.ref().project());
      checkArgument(org != null, "project %s does not exist", r.ref().project());
      rows.add(new Object[] {org.value(), r.ref().project().value(), r.ref().kind(), r.ref().id(), r.creator().value(),
          r.createdAt()});
    }
    tx.jdbc().insertRows("inserting resources", "INSERT INTO warden_resource (org_id, " + COLUMNS + ")", "", 6, rows);
  }

  private static Object[] row(Resource resource) {
    ResourceRef ref = resource.ref();
    return new Object[] {ref.kind(), ref.id(), resource.creator().value(), resource.createdAt(), ref.project().value()};
  }

  @Override
  public Optional<Resource> find(ResourceRef ref) {
    checkNotNull(ref, "ref");
    return tx.jdbc().first("reading resource " + ref,
        "SELECT " + COLUMNS + " FROM warden_resource WHERE project_id = ? AND kind = ? AND id = ?",
        JdbcResourceRepository::resource, ref.project().value(), ref.kind(), ref.id());
  }

  @Override
  public List<Resource> listByOrganization(OrgId organization) {
    checkNotNull(organization, "organization");
    return tx.jdbc().list("listing the resources of " + organization,
            "SELECT " + COLUMNS + " FROM warden_resource WHERE org_id = ?", JdbcResourceRepository::resource,
            organization.value())
        .stream()
        .sorted(CREATION_ORDER)
        .toList();
  }

  @Override
  public void update(Resource resource) {
    checkNotNull(resource, "resource");
    ResourceRef ref = resource.ref();
    int rows = tx.jdbc().update("updating resource " + ref,
        "UPDATE warden_resource SET creator = ? WHERE project_id = ? AND kind = ? AND id = ?",
        resource.creator().value(), ref.project().value(), ref.kind(), ref.id());
    checkArgument(rows == 1, "resource %s does not exist", ref);
  }

  @Override
  public boolean delete(ResourceRef ref) {
    checkNotNull(ref, "ref");
    // Its rules go with it (ON DELETE CASCADE).
    return tx.jdbc().update("deleting resource " + ref,
        "DELETE FROM warden_resource WHERE project_id = ? AND kind = ? AND id = ?",
        ref.project().value(), ref.kind(), ref.id()) > 0;
  }

  @Override
  public void upsertRule(ResourceRule rule) {
    checkNotNull(rule, "rule");
    int rows = tx.jdbc().update("writing a resource rule in " + rule.project(), upsertRuleSql(rule), ruleRow(rule));
    requireWritten(rule, rows);
  }

  /**
   * Kind rules in one batch, rules on resources in another: each kind has its own statement. Rules
   * with one key have one kind, so a key listed twice still ends with its last rule.
   */
  @Override
  public void upsertRules(List<ResourceRule> rules) {
    checkNotNull(rules, "rules");
    for (boolean kindRules : new boolean[] {true, false}) {
      List<ResourceRule> batch = rules.stream()
          .filter(r -> checkNotNull(r, "rule").ref().isEmpty() == kindRules).toList();
      if (!batch.isEmpty()) {
        int[] rows = tx.jdbc().batch("writing resource rules", upsertRuleSql(batch.get(0)),
            batch.stream().map(JdbcResourceRepository::ruleRow).toList());
        for (int i = 0; i < rows.length; i++) {
          requireWritten(batch.get(i), rows[i]);
        }
      }
    }
  }

  /** The upsert of a kind rule or of a rule on a resource, which differ in their source row. */
  private String upsertRuleSql(ResourceRule rule) {
    String source = rule.ref().isEmpty() ? KIND_RULE_SOURCE : OBJECT_RULE_SOURCE;
    return switch (tx.jdbc().dialect()) {
      case POSTGRES -> "INSERT INTO warden_resource_rule " + RULE_INSERT_COLUMNS + source + UPSERT_POSTGRES_SUFFIX;
      // H2 has no ON CONFLICT … DO UPDATE; its MERGE … KEY does the same.
      case H2 -> "MERGE INTO warden_resource_rule " + RULE_INSERT_COLUMNS
          + " KEY (project_id, kind, resource_key, user_key)" + source;
    };
  }

  private static Object[] ruleRow(ResourceRule rule) {
    List<Object> params = new ArrayList<>(List.of(rule.kind(), Jdbc.text(rule.resourceId()),
        Jdbc.text(rule.user().map(UserId::value)), resourceKey(rule), userKey(rule), rule.level().name(),
        rule.shared(), rule.project().value()));
    rule.ref().ifPresent(r -> {
      params.add(r.kind());
      params.add(r.id());
    });
    return params.toArray();
  }

  /** A rule whose project (kind rule) or resource does not exist writes no row. */
  private static void requireWritten(ResourceRule rule, int rows) {
    checkArgument(rows != 0, "%s %s does not exist", rule.ref().isEmpty() ? "project" : "resource",
        rule.ref().<Object>map(r -> r).orElse(rule.project()));
  }

  @Override
  public boolean deleteRule(ResourceRule rule) {
    checkNotNull(rule, "rule");
    return tx.jdbc().update("deleting a resource rule in " + rule.project(),
        "DELETE FROM warden_resource_rule WHERE project_id = ? AND kind = ? AND resource_key = ? AND user_key = ?",
        rule.project().value(), rule.kind(), resourceKey(rule), userKey(rule)) > 0;
  }

  @Override
  public List<ResourceRule> listRulesByOrganization(OrgId organization) {
    checkNotNull(organization, "organization");
    return tx.jdbc().list("listing the resource rules of " + organization,
            "SELECT " + RULE_COLUMNS + " FROM warden_resource_rule WHERE org_id = ?", JdbcResourceRepository::rule,
            organization.value())
        .stream()
        .sorted(RULE_ORDER)
        .toList();
  }

  @Override
  public Set<String> kindsInUse() {
    return ImmutableSet.copyOf(tx.jdbc().list("listing the resource kinds in use",
        "SELECT kind FROM warden_resource UNION SELECT kind FROM warden_resource_rule", rs -> rs.getString(1)));
  }

  @Override
  public int deleteRulesByMember(OrgId organization, UserId user) {
    checkNotNull(organization, "organization");
    checkNotNull(user, "user");
    return tx.jdbc().update("deleting a member's resource rules in " + organization,
        "DELETE FROM warden_resource_rule WHERE org_id = ? AND user_id = ?", organization.value(), user.value());
  }

  /** The rule's resource id, or {@code ''} for a kind rule. */
  private static String resourceKey(ResourceRule rule) {
    return rule.resourceId().orElse(NO_KEY);
  }

  /** The rule's user id, or {@code ''} for a rule for everyone. */
  private static String userKey(ResourceRule rule) {
    return rule.user().map(UserId::value).orElse(NO_KEY);
  }

  private static Resource resource(ResultSet rs) throws SQLException {
    return new Resource(
        ResourceRef.of(ProjectId.of(rs.getString("project_id")), rs.getString("kind"), rs.getString("id")),
        UserId.of(rs.getString("creator")),
        Jdbc.instant(rs, "created_at"));
  }

  private static ResourceRule rule(ResultSet rs) throws SQLException {
    return new ResourceRule(
        ProjectId.of(rs.getString("project_id")),
        rs.getString("kind"),
        Jdbc.optionalText(rs, "resource_id"),
        Jdbc.optionalText(rs, "user_id").map(UserId::of),
        AccessLevel.valueOf(rs.getString("level")),
        rs.getBoolean("shared"));
  }
}
