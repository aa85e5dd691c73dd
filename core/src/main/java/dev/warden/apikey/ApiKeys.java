package dev.warden.apikey;

import dev.warden.Principal;
import java.util.List;
import java.util.Optional;

/**
 * Personal API keys: created by users for themselves, at most 10 each. Obtain it from
 * {@code AccessPolicy.apiKeys()}. Creating, rolling and revoking need a user principal (not a key)
 * that authenticated recently. Thread-safe.
 */
public interface ApiKeys {
  /** The most keys one user may hold. */
  int MAX_PER_USER = 10;

  /**
   * Creates a key for {@code user}. Limits must name organizations the user is an active member of and
   * projects the user can see ({@code NOT_FOUND} otherwise); a user with 10 keys gets
   * {@code TOO_MANY_API_KEYS}. The returned value is shown only here.
   *
   * @throws IllegalArgumentException if the request has no scope
   */
  IssuedApiKey create(Principal user, ApiKeyRequest request);

  /** The user's keys in creation order, masked. */
  List<ApiKey> list(Principal user);

  /** Gives the key a new value (same id, label, scopes, limits); the old value stops working at once. */
  IssuedApiKey roll(Principal user, ApiKeyId key);

  /** Deletes the key; its value stops working at once. */
  void revoke(Principal user, ApiKeyId key);

  /**
   * The principal of the key whose value this is: its user, narrowed by the key's scopes and limits.
   * Unknown, revoked, rolled-away and malformed values all give an empty result.
   *
   * @throws NullPointerException if {@code value} is null (a host with no key to check has nothing to ask)
   */
  Optional<Principal> authenticate(String value);
}
