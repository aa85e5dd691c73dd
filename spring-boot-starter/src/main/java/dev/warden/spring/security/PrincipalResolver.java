package dev.warden.spring.security;

import dev.warden.Principal;
import org.springframework.security.core.Authentication;

/**
 * Builds Warden's {@link Principal} (user id, email, sign-in method, MFA, authentication time) from
 * Spring Security's {@link Authentication}. Warden never authenticates anyone; this is where the
 * application says who is calling. Declare a bean of this type to replace
 * {@link #DEFAULT}. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface PrincipalResolver {
  /**
   * The default: an authentication whose {@link Authentication#getPrincipal() principal} already is a
   * Warden {@link Principal} (an API key authenticated by {@code policy.apiKeys().authenticate}, or one
   * your filter built) is used as it is; any other becomes a user principal named
   * {@link Authentication#getName()}, without email, signed in by password, without MFA, authenticated
   * just now. Declare your own resolver to pass email, SSO, MFA and the authentication time: without
   * an email, a user cannot create an organization or accept an invite.
   */
  PrincipalResolver DEFAULT = authentication -> authentication.getPrincipal() instanceof Principal p
      ? p : Principal.user(authentication.getName());

  /** The Warden principal of an authenticated caller. */
  Principal resolve(Authentication authentication);
}
