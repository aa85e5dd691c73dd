package dev.warden.spi;

import dev.warden.apikey.ApiKey;
import dev.warden.apikey.ApiKeyId;
import dev.warden.organization.UserId;
import java.util.List;
import java.util.Optional;

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

  /** The user's keys in creation order. */
  List<ApiKey> listByUser(UserId user);

  /** Replaces the key's fields, and its value hash when {@code newValueHash} is present (a roll). */
  void update(ApiKey key, Optional<String> newValueHash);

  /** Deletes the key; returns whether it existed. */
  boolean delete(ApiKeyId id);
}
