package dev.warden;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.organization.EmailAddress;
import dev.warden.organization.UserId;
import java.util.Objects;
import java.util.Optional;

/**
 * Who is asking: a user the host has authenticated. Warden never authenticates anyone itself; the
 * host builds a principal per request (or caches one per session).
 *
 * <p>Immutable; safe to share between threads and cheap to reuse.
 */
public final class Principal {
  private final UserId user;
  private final Optional<EmailAddress> email;

  private Principal(UserId user, Optional<EmailAddress> email) {
    this.user = checkNotNull(user, "user");
    this.email = checkNotNull(email, "email");
  }

  /** A user known only by id. */
  public static Principal user(UserId user) {
    return new Principal(user, Optional.empty());
  }

  /** A user known only by id. */
  public static Principal user(String userId) {
    return user(UserId.of(userId));
  }

  /**
   * A user with their verified email; the email is recorded on memberships they create.
   *
   * @throws IllegalArgumentException if the email is not well-formed
   */
  public static Principal user(UserId user, String email) {
    return new Principal(user, Optional.of(EmailAddress.of(email)));
  }

  public UserId userId() {
    return user;
  }

  public Optional<EmailAddress> email() {
    return email;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Principal p && user.equals(p.user) && email.equals(p.email);
  }

  @Override
  public int hashCode() {
    return Objects.hash(user, email);
  }

  @Override
  public String toString() {
    return "Principal[user=" + user + email.map(e -> ", email=" + e).orElse("") + "]";
  }
}
