package dev.warden.spi;

import dev.warden.apikey.ApiKey;
import dev.warden.apikey.ApiKeyId;
import dev.warden.organization.UserId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Stores personal API keys with the SHA-256 hash of their value, never the value. Hashes are unique. */
public interface ApiKeyRepository {

  /** A stored key and the hash of its value. */
  record HashedApiKey(ApiKey key, String valueHash) {}

  /**
   * Inserts the key unless its user already has {@code max} keys, atomically (two concurrent inserts
   * never exceed the limit). Returns whether it inserted.
   */
  boolean insertIfFewer(ApiKey key, String valueHash, int max);

  Optional<ApiKey> find(ApiKeyId id);

  /** The key whose value hashes to {@code valueHash}, by index lookup. */
  Optional<HashedApiKey> findByValueHash(String valueHash);

  /** The user's keys in creation order ({@link StoreOrder#API_KEYS}). */
  List<ApiKey> listByUser(UserId user);

  /**
   * The keys of {@code users}: user by user in the given order, each user's in creation order (what the
   * access review reads for every member). Stores override this with few queries.
   */
  default List<ApiKey> listByUsers(List<UserId> users) {
    List<ApiKey> keys = new ArrayList<>();
    for (UserId user : users) {
      keys.addAll(listByUser(user));
    }
    return keys;
  }

  /** Replaces the key's fields, and its value hash when {@code newValueHash} is present (a roll). */
  void update(ApiKey key, Optional<String> newValueHash);

  /**
   * Sets only the key's last-used instant, leaving every other field as it is now, atomically: a
   * concurrent change of the key's scopes or limits (offboarding narrowing it) is never written back
   * over. Returns whether the key exists. The default reads and replaces the key, which is atomic only
   * if the store serializes its transactions; a store that does not must override it.
   */
  default boolean markUsed(ApiKeyId id, Instant at) {
    Optional<ApiKey> key = find(id);
    key.ifPresent(k -> update(k.usedAt(at), Optional.empty()));
    return key.isPresent();
  }

  /** Deletes the key; returns whether it existed. */
  boolean delete(ApiKeyId id);

  /**
   * Every distinct object the stored keys' scopes name ({@code *} left out): a policy checks them
   * against its permission model when it is built.
   */
  Set<String> scopeObjectsInUse();
}
