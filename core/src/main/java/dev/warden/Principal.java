package dev.warden;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.apikey.ApiKey;
import dev.warden.matrix.Capability;
import dev.warden.organization.EmailAddress;
import dev.warden.organization.UserId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Who is asking: a user the host has authenticated, or a personal API key Warden resolved with
 * {@code apiKeys().authenticate}. Warden never authenticates users itself; the host builds a principal
 * per request (or caches one per session) and says how the user signed in:
 *
 * <pre>{@code
 * Principal alice = Principal.user(UserId.of("alice"), "alice@acme.com")
 *     .via(AuthMethod.SSO).withMfa(true).authenticatedAt(sessionStart);
 * }</pre>
 *
 * <p>Without {@link #authenticatedAt(Instant)} the host vouches that the user has just authenticated
 * (the recent-authentication gate passes); set it to let Warden ask for re-authentication before
 * sensitive changes. Without {@link #withMfa(boolean)} the principal did not use MFA.
 *
 * <p>Immutable; safe to share between threads and cheap to reuse.
 */
public final class Principal {
  private final UserId user;
  private final Optional<EmailAddress> email;
  private final AuthMethod method;
  private final boolean mfa;
  private final Optional<Instant> authenticatedAt;
  private final Optional<ApiKey> apiKey;

  private Principal(UserId user, Optional<EmailAddress> email, AuthMethod method, boolean mfa,
      Optional<Instant> authenticatedAt, Optional<ApiKey> apiKey) {
    this.user = checkNotNull(user, "user");
    this.email = checkNotNull(email, "email");
    this.method = checkNotNull(method, "method");
    this.mfa = mfa;
    this.authenticatedAt = checkNotNull(authenticatedAt, "authenticatedAt");
    this.apiKey = checkNotNull(apiKey, "apiKey");
    checkArgument(apiKey.isPresent() == (method == AuthMethod.API_KEY), "API_KEY principals come from an api key");
  }

  /** A user known by id who signed in with a password. */
  public static Principal user(UserId user) {
    return new Principal(user, Optional.empty(), AuthMethod.PASSWORD, false, Optional.empty(), Optional.empty());
  }

  /** A user known by id who signed in with a password. */
  public static Principal user(String userId) {
    return user(UserId.of(userId));
  }

  /**
   * A user with their verified email; the email is recorded on memberships they create and decides
   * which SSO enforcement applies to them.
   *
   * @throws IllegalArgumentException if the email is not well-formed
   */
  public static Principal user(UserId user, String email) {
    return user(user).withEmail(email);
  }

  /** The principal of {@code key}, acting as the key's user narrowed by its scopes and limits. */
  public static Principal apiKey(ApiKey key, Optional<EmailAddress> userEmail) {
    return new Principal(key.user(), userEmail, AuthMethod.API_KEY, false, Optional.empty(), Optional.of(key));
  }

  /** This principal with a verified email. @throws IllegalArgumentException if malformed */
  public Principal withEmail(String newEmail) {
    return new Principal(user, Optional.of(EmailAddress.of(newEmail)), method, mfa, authenticatedAt, apiKey);
  }

  /** This principal signed in by {@code newMethod} (not {@link AuthMethod#API_KEY}). */
  public Principal via(AuthMethod newMethod) {
    checkArgument(newMethod != AuthMethod.API_KEY && apiKey.isEmpty(), "API_KEY principals come from an api key");
    return new Principal(user, email, newMethod, mfa, authenticatedAt, apiKey);
  }

  /** This principal with or without multi-factor authentication. */
  public Principal withMfa(boolean usedMfa) {
    return new Principal(user, email, method, usedMfa, authenticatedAt, apiKey);
  }

  /**
   * This principal, authenticated at {@code at}.
   *
   * @throws IllegalArgumentException if {@code at} is outside {@link Limits#MIN_INSTANT} ..
   *     {@link Limits#MAX_INSTANT}
   */
  public Principal authenticatedAt(Instant at) {
    return new Principal(user, email, method, mfa, Optional.of(Limits.inRange(at, "authenticatedAt")), apiKey);
  }

  public UserId userId() {
    return user;
  }

  public Optional<EmailAddress> email() {
    return email;
  }

  public AuthMethod method() {
    return method;
  }

  /** Whether the user used multi-factor authentication. */
  public boolean mfa() {
    return mfa;
  }

  /** When the user authenticated; empty means "just now", as vouched for by the host. */
  public Optional<Instant> authenticatedAtInstant() {
    return authenticatedAt;
  }

  /** The key this principal acts through, if it is an API key principal. */
  public Optional<ApiKey> apiKey() {
    return apiKey;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Principal p && user.equals(p.user) && email.equals(p.email) && method == p.method
        && mfa == p.mfa && authenticatedAt.equals(p.authenticatedAt) && apiKey.equals(p.apiKey);
  }

  @Override
  public int hashCode() {
    return Objects.hash(user, email, method, mfa, authenticatedAt, apiKey);
  }

  @Override
  public String toString() {
    return "Principal[user=" + user + email.map(e -> ", email=" + e).orElse("") + ", method=" + method
        + (mfa ? ", mfa" : "") + apiKey.map(k -> ", key=" + k.id()).orElse("") + "]";
  }
}
