package dev.warden.audit;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.Limits;
import dev.warden.Principal;
import java.util.Optional;

/**
 * Who made a change: a user, a user through one of their API keys, or Warden itself (sweeps).
 * Immutable.
 *
 * @param user the user id; empty for the system
 * @param apiKey the API key id, for changes made through a key
 */
public record Actor(Kind kind, Optional<String> user, Optional<String> apiKey) {
  /** What kind of actor. */
  public enum Kind {
    USER,
    API_KEY,
    SYSTEM
  }

  /** Warden itself, e.g. {@code sweepExpired()}. */
  public static final Actor SYSTEM = new Actor(Kind.SYSTEM, Optional.empty(), Optional.empty());

  public Actor {
    checkNotNull(kind, "kind");
    checkNotNull(user, "user").ifPresent(u -> Limits.id(u, "actor user id"));
    checkNotNull(apiKey, "apiKey").ifPresent(k -> Limits.id(k, "actor api key id"));
    checkArgument(user.isPresent() == (kind != Kind.SYSTEM), "only the system actor has no user");
    checkArgument(apiKey.isPresent() == (kind == Kind.API_KEY), "only API_KEY actors name a key");
  }

  /** The actor of {@code principal}. */
  public static Actor of(Principal principal) {
    return principal.apiKey()
        .map(k -> new Actor(Kind.API_KEY, Optional.of(principal.userId().value()), Optional.of(k.id().value())))
        .orElseGet(() -> new Actor(Kind.USER, Optional.of(principal.userId().value()), Optional.empty()));
  }

  @Override
  public String toString() {
    return switch (kind) {
      case SYSTEM -> "system";
      case USER -> "user:" + user.orElseThrow();
      case API_KEY -> "user:" + user.orElseThrow() + " via key:" + apiKey.orElseThrow();
    };
  }
}
