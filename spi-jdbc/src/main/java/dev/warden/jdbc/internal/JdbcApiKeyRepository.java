package dev.warden.jdbc.internal;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.collect.ImmutableSet.toImmutableSet;

import dev.warden.StorageException;
import dev.warden.apikey.ApiKey;
import dev.warden.apikey.ApiKeyId;
import dev.warden.apikey.ApiScope;
import dev.warden.organization.OrgId;
import dev.warden.organization.UserId;
import dev.warden.project.ProjectId;
import dev.warden.spi.ApiKeyRepository;
import dev.warden.spi.StoreOrder;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code warden_api_key} and {@code warden_api_key_owner}, with a key's scopes and limits in
 * {@code warden_api_key_scope}, {@code warden_api_key_org_limit} and {@code warden_api_key_project_limit}
 * (one row per element, in the key's order). {@link #insertIfFewer} locks the user's owner row before
 * counting, so two concurrent creations for one user serialize there and the second counts the first
 * one's key.
 */
final class JdbcApiKeyRepository implements ApiKeyRepository {
  private static final String COLUMNS = "id, user_id, label, last_four, created_at, last_used_at, last_rolled_at";

  static final String INSERT_SCOPE = "INSERT INTO warden_api_key_scope (key_id, seq, scope) VALUES (?, ?, ?)";
  static final String INSERT_ORG_LIMIT =
      "INSERT INTO warden_api_key_org_limit (key_id, seq, org_id) VALUES (?, ?, ?)";
  static final String INSERT_PROJECT_LIMIT =
      "INSERT INTO warden_api_key_project_limit (key_id, seq, project_id) VALUES (?, ?, ?)";

  /**
   * Keys with their lists, in one statement so the lists are those of the rows read, even while another
   * transaction replaces or deletes them: one row per list element (list 1 scopes, 2 organizations, 3
   * projects), or one without an element for a key whose lists are all empty. {@code %s} is the condition
   * on {@code k}.
   */
  private static final String SELECT = "SELECT k.id, k.user_id, k.label, k.last_four, k.created_at, k.last_used_at,"
      + " k.last_rolled_at, k.value_hash, l.list, l.item FROM warden_api_key k LEFT JOIN ("
      + "SELECT 1 AS list, key_id, seq, scope AS item FROM warden_api_key_scope"
      + " UNION ALL SELECT 2, key_id, seq, org_id FROM warden_api_key_org_limit"
      + " UNION ALL SELECT 3, key_id, seq, project_id FROM warden_api_key_project_limit) l ON l.key_id = k.id"
      + " WHERE ";
  /** After the condition: the rows of one key adjacent, each key's lists in order. */
  private static final String ORDER = " ORDER BY k.id, l.list, l.seq";

  /** Creates the owner row unless it exists; waits for (and then skips) a concurrent uncommitted one. */
  private static final String OWNER_POSTGRES =
      "INSERT INTO warden_api_key_owner (user_id) VALUES (?) ON CONFLICT (user_id) DO NOTHING";

  /**
   * H2 has no {@code ON CONFLICT DO NOTHING} outside its PostgreSQL mode. A concurrent insert of the same
   * row makes this fail with a unique violation, which H2 (unlike PostgreSQL) survives within the
   * transaction; the row then exists, which is all that is needed.
   */
  private static final String OWNER_H2 = "INSERT INTO warden_api_key_owner (user_id)"
      + " SELECT CAST(? AS VARCHAR(128)) WHERE NOT EXISTS (SELECT 1 FROM warden_api_key_owner WHERE user_id = ?)";

  private final JdbcTransaction tx;

  JdbcApiKeyRepository(JdbcTransaction tx) {
    this.tx = tx;
  }

  @Override
  public boolean insertIfFewer(ApiKey key, String valueHash, int max) {
    checkNotNull(key, "key");
    checkNotNull(valueHash, "valueHash");
    String user = key.user().value();
    Jdbc jdbc = tx.jdbc();
    switch (jdbc.dialect()) {
      case POSTGRES -> jdbc.update("registering a key owner", OWNER_POSTGRES, user);
      case H2 -> {
        try {
          jdbc.update("registering a key owner", OWNER_H2, user, user);
        } catch (StorageException e) {
          if (!Failures.uniqueViolation(e)) {
            throw e;
          }
        }
      }
    }
    jdbc.first("locking a key owner", "SELECT user_id FROM warden_api_key_owner WHERE user_id = ? FOR UPDATE",
        rs -> rs.getString(1), user);
    long count = jdbc.first("counting a user's keys", "SELECT COUNT(*) FROM warden_api_key WHERE user_id = ?",
        rs -> rs.getLong(1), user).orElse(0L);
    if (count >= max) {
      return false;
    }
    jdbc.update("inserting api key " + key.id(),
        "INSERT INTO warden_api_key (" + COLUMNS + ", value_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        key.id().value(), user, key.label(), key.lastFour(), key.createdAt(),
        Jdbc.instant(key.lastUsedAt()), Jdbc.instant(key.lastRolledAt()), valueHash);
    insertLists(jdbc, key);
    return true;
  }

  @Override
  public Optional<ApiKey> find(ApiKeyId id) {
    checkNotNull(id, "id");
    return select("reading api key " + id, "k.id = ?", id.value()).stream().findFirst().map(HashedApiKey::key);
  }

  @Override
  public Optional<HashedApiKey> findByValueHash(String valueHash) {
    checkNotNull(valueHash, "valueHash");
    // The hash is not a secret, but it is not logged or put in messages either.
    return select("resolving an api key", "k.value_hash = ?", valueHash).stream().findFirst();
  }

  @Override
  public List<ApiKey> listByUser(UserId user) {
    checkNotNull(user, "user");
    return select("listing a user's api keys", "k.user_id = ?", user.value()).stream()
        .map(HashedApiKey::key)
        // Sorted here, not in SQL: the database's collation may order ids differently from Java.
        .sorted(StoreOrder.API_KEYS)
        .toList();
  }

  @Override
  public List<ApiKey> listByUsers(List<UserId> users) {
    checkNotNull(users, "users");
    Map<UserId, List<ApiKey>> byUser = new HashMap<>();
    List<Item> items = tx.jdbc().listIn("listing users' api keys", SELECT + "k.user_id", ORDER,
        users.stream().map(UserId::value).toList(), Item::read);
    for (HashedApiKey h : keys(items)) {
      byUser.computeIfAbsent(h.key().user(), u -> new ArrayList<>()).add(h.key());
    }
    List<ApiKey> keys = new ArrayList<>();
    for (UserId user : users) {
      // Sorted here, not in SQL: the database's collation may order ids differently from Java.
      byUser.getOrDefault(user, List.of()).stream().sorted(StoreOrder.API_KEYS).forEach(keys::add);
    }
    return keys;
  }

  @Override
  public void update(ApiKey key, Optional<String> newValueHash) {
    checkNotNull(key, "key");
    checkNotNull(newValueHash, "newValueHash");
    String sql = "UPDATE warden_api_key SET label = ?, last_four = ?, created_at = ?, last_used_at = ?,"
        + " last_rolled_at = ?"
        + (newValueHash.isPresent() ? ", value_hash = ?" : "")
        + " WHERE id = ? AND user_id = ?";
    List<Object> params = new ArrayList<>(List.of(key.label(), key.lastFour(), key.createdAt(),
        Jdbc.instant(key.lastUsedAt()), Jdbc.instant(key.lastRolledAt())));
    newValueHash.ifPresent(params::add);
    params.add(key.id().value());
    params.add(key.user().value());
    Jdbc jdbc = tx.jdbc();
    int updated = jdbc.update("updating api key " + key.id(), sql, params.toArray());
    checkArgument(updated == 1, "api key %s of user %s does not exist", key.id(), key.user());
    // Replaced whole: a key has a handful of scopes and limits, and one statement per table beats a diff.
    for (String table : List.of("warden_api_key_scope", "warden_api_key_org_limit", "warden_api_key_project_limit")) {
      jdbc.update("updating api key " + key.id(), "DELETE FROM " + table + " WHERE key_id = ?", key.id().value());
    }
    insertLists(jdbc, key);
  }

  @Override
  public boolean markUsed(ApiKeyId id, Instant at) {
    checkNotNull(id, "id");
    checkNotNull(at, "at");
    return tx.jdbc().update("recording the use of api key " + id,
        "UPDATE warden_api_key SET last_used_at = ? WHERE id = ?", at, id.value()) > 0;
  }

  @Override
  public Set<String> scopeObjectsInUse() {
    return tx.jdbc().list("listing the api key scopes in use", "SELECT DISTINCT scope FROM warden_api_key_scope",
            rs -> ApiScope.parse(rs.getString(1)))
        .stream()
        .filter(scope -> !scope.equals(ApiScope.ALL))
        .map(ApiScope::object)
        .collect(toImmutableSet());
  }

  @Override
  public boolean delete(ApiKeyId id) {
    checkNotNull(id, "id");
    return tx.jdbc().update("deleting api key " + id, "DELETE FROM warden_api_key WHERE id = ?", id.value()) > 0;
  }

  private static void insertLists(Jdbc jdbc, ApiKey key) {
    String id = key.id().value();
    String doing = "writing the scopes and limits of api key " + key.id();
    jdbc.batch(doing, INSERT_SCOPE, Jdbc.listRows(id, key.scopes().stream().map(ApiScope::toString).toList()));
    jdbc.batch(doing, INSERT_ORG_LIMIT, Jdbc.listRows(id, key.organizations().stream().map(OrgId::value).toList()));
    jdbc.batch(doing, INSERT_PROJECT_LIMIT, Jdbc.listRows(id, key.projects().stream().map(ProjectId::value).toList()));
  }

  /** The keys {@code condition} selects, with their hashes, in no particular order. */
  private List<HashedApiKey> select(String doing, String condition, Object... params) {
    return keys(tx.jdbc().list(doing, SELECT + condition + ORDER, Item::read, params));
  }

  /** One row of {@link #SELECT}: a key's own columns and one item of one of its lists, if any. */
  private record Item(Row key, int list, String value) {
    static Item read(ResultSet rs) throws SQLException {
      return new Item(Row.read(rs), rs.getInt("list"), rs.getString("item"));
    }
  }

  /** The keys of {@code items}, in which the rows of one key are adjacent and its lists come in order. */
  private static List<HashedApiKey> keys(List<Item> items) {
    Map<Row, List<List<String>>> keys = new LinkedHashMap<>();
    for (Item item : items) {
      List<List<String>> lists =
          keys.computeIfAbsent(item.key(), k -> List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>()));
      if (item.value() != null) {
        lists.get(item.list() - 1).add(item.value());
      }
    }
    return keys.entrySet().stream()
        .map(e -> new HashedApiKey(e.getKey().key(e.getValue()), e.getKey().valueHash()))
        .toList();
  }

  /** A key's own columns. */
  private record Row(String id, String user, String label, String lastFour, Instant createdAt,
      Optional<Instant> lastUsedAt, Optional<Instant> lastRolledAt, String valueHash) {

    static Row read(ResultSet rs) throws SQLException {
      return new Row(rs.getString("id"), rs.getString("user_id"), rs.getString("label"), rs.getString("last_four"),
          Jdbc.instant(rs, "created_at"), Jdbc.optionalInstant(rs, "last_used_at"),
          Jdbc.optionalInstant(rs, "last_rolled_at"), rs.getString("value_hash"));
    }

    ApiKey key(List<List<String>> lists) {
      return new ApiKey(ApiKeyId.of(id), UserId.of(user), label,
          lists.get(0).stream().map(ApiScope::parse).collect(toImmutableSet()),
          lists.get(1).stream().map(OrgId::of).collect(toImmutableSet()),
          lists.get(2).stream().map(ProjectId::of).collect(toImmutableSet()),
          lastFour, createdAt, lastUsedAt, lastRolledAt);
    }
  }
}
