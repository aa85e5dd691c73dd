package dev.warden.internal;

import dev.warden.apikey.ApiKey;
import dev.warden.apikey.ApiKeyId;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The API keys revoked or rolled through this policy, so that a key principal made before the change
 * stops working at its next check even if the host keeps the {@code Principal} around. Hosts sharing a
 * store across instances should {@code authenticate} on every request (it is one index lookup).
 * Thread-safe. Not API.
 */
public final class KeyRevocations {
  private final Map<ApiKeyId, Instant> invalidBefore = new ConcurrentHashMap<>();

  /** Every principal of {@code key} becomes invalid. */
  public void revoked(ApiKeyId key) {
    invalidBefore.put(key, Instant.MAX);
  }

  /** Principals made from values older than the roll at {@code at} become invalid. */
  void rolled(ApiKeyId key, Instant at) {
    invalidBefore.merge(key, at, (a, b) -> a.isAfter(b) ? a : b);
  }

  /** Whether a principal holding {@code key} (as authenticated) may no longer act. */
  public boolean revoked(ApiKey key) {
    Instant before = invalidBefore.get(key.id());
    return before != null && key.lastRolledAt().orElse(key.createdAt()).isBefore(before);
  }
}
