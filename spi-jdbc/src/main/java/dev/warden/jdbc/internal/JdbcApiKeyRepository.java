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
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * {@code warden_api_key} and {@code warden_api_key_owner}. {@link #insertIfFewer} locks the user's
 * owner row before counting, so two concurrent creations for one user serialize there and the second
 * counts the first one's key.
 */
final class JdbcApiKeyRepository implements ApiKeyRepository {
  private static final String COLUMNS = "id, user_id, label, scopes, org_limits, project_limits, last_four,"
      + " created_at, last_used_at, last_rolled_at";

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
          if (!(e.getCause() instanceof SQLException sql && "23505".equals(sql.getSQLState()))) {
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
        "INSERT INTO warden_api_key (" + COLUMNS + ", value_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        key.id().value(), user, key.label(), scopes(key), orgLimits(key), projectLimits(key), key.lastFour(),
        key.createdAt(),
        Jdbc.instant(key.lastUsedAt()), Jdbc.instant(key.lastRolledAt()), valueHash);
    return true;
  }

  @Override
  public Optional<ApiKey> find(ApiKeyId id) {
    checkNotNull(id, "id");
    return tx.jdbc().first("reading api key " + id, "SELECT " + COLUMNS + " FROM warden_api_key WHERE id = ?",
        JdbcApiKeyRepository::key, id.value());
  }

  @Override
  public Optional<HashedApiKey> findByValueHash(String valueHash) {
    checkNotNull(valueHash, "valueHash");
    // The hash is not a secret, but it is not logged or put in messages either.
    return tx.jdbc().first("resolving an api key",
        "SELECT " + COLUMNS + ", value_hash FROM warden_api_key WHERE value_hash = ?",
        rs -> new HashedApiKey(key(rs), rs.getString("value_hash")), valueHash);
  }

  @Override
  public List<ApiKey> listByUser(UserId user) {
    checkNotNull(user, "user");
    return tx.jdbc().list("listing a user's api keys", "SELECT " + COLUMNS + " FROM warden_api_key WHERE user_id = ?",
            JdbcApiKeyRepository::key, user.value())
        .stream()
        // Sorted here, not in SQL: the database's collation may order ids differently from Java.
        .sorted(Comparator.comparing(ApiKey::createdAt).thenComparing(k -> k.id().value()))
        .toList();
  }

  @Override
  public void update(ApiKey key, Optional<String> newValueHash) {
    checkNotNull(key, "key");
    checkNotNull(newValueHash, "newValueHash");
    String sql = "UPDATE warden_api_key SET label = ?, scopes = ?, org_limits = ?, project_limits = ?, last_four = ?,"
        + " created_at = ?, last_used_at = ?, last_rolled_at = ?"
        + (newValueHash.isPresent() ? ", value_hash = ?" : "")
        + " WHERE id = ? AND user_id = ?";
    List<Object> params = new ArrayList<>(List.of(key.label(), scopes(key), orgLimits(key), projectLimits(key),
        key.lastFour(), key.createdAt(), Jdbc.instant(key.lastUsedAt()), Jdbc.instant(key.lastRolledAt())));
    newValueHash.ifPresent(params::add);
    params.add(key.id().value());
    params.add(key.user().value());
    int updated = tx.jdbc().update("updating api key " + key.id(), sql, params.toArray());
    checkArgument(updated == 1, "api key %s of user %s does not exist", key.id(), key.user());
  }

  @Override
  public boolean delete(ApiKeyId id) {
    checkNotNull(id, "id");
    return tx.jdbc().update("deleting api key " + id, "DELETE FROM warden_api_key WHERE id = ?", id.value()) > 0;
  }

  private static String scopes(ApiKey key) {
    return JsonText.strings(key.scopes().stream().map(ApiScope::toString).toList());
  }

  private static String orgLimits(ApiKey key) {
    return JsonText.strings(key.organizations().stream().map(OrgId::value).toList());
  }

  private static String projectLimits(ApiKey key) {
    return JsonText.strings(key.projects().stream().map(ProjectId::value).toList());
  }

  private static ApiKey key(ResultSet rs) throws SQLException {
    return new ApiKey(
        ApiKeyId.of(rs.getString("id")),
        UserId.of(rs.getString("user_id")),
        rs.getString("label"),
        JsonText.parseStrings(rs.getString("scopes")).stream().map(ApiScope::parse).collect(toImmutableSet()),
        JsonText.parseStrings(rs.getString("org_limits")).stream().map(OrgId::of).collect(toImmutableSet()),
        JsonText.parseStrings(rs.getString("project_limits")).stream().map(ProjectId::of).collect(toImmutableSet()),
        rs.getString("last_four"),
        Jdbc.instant(rs, "created_at"),
        Jdbc.optionalInstant(rs, "last_used_at"),
        Jdbc.optionalInstant(rs, "last_rolled_at"));
  }
}
