package dev.warden.examples.spring;

import dev.warden.AccessPolicy;
import dev.warden.Principal;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.authentication.preauth.PreAuthenticatedAuthenticationToken;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Says who is calling, with a Warden {@link Principal} as the authentication's principal (which the
 * starter's default {@code PrincipalResolver} uses as it is):
 *
 * <ul>
 *   <li>{@code Authorization: Bearer wdk_…}: a personal API key, resolved by
 *       {@code policy.apiKeys().authenticate}; an unknown or revoked key gets 401.
 *   <li>{@code X-User-Id} (and {@code X-User-Email}, the verified email): <b>trusted as they are</b>, a
 *       stand-in for your login. In your service, build the principal from your session instead (or
 *       declare a {@code PrincipalResolver} bean over your own {@code Authentication}).
 * </ul>
 */
final class CallerAuthenticationFilter extends OncePerRequestFilter {
  private final AccessPolicy policy;

  CallerAuthenticationFilter(AccessPolicy policy) {
    this.policy = policy;
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Optional<Principal> caller = Optional.empty();
    String authorization = request.getHeader("Authorization");
    if (authorization != null && authorization.startsWith("Bearer ")) {
      caller = policy.apiKeys().authenticate(authorization.substring("Bearer ".length()).trim());
      if (caller.isEmpty()) {
        response.sendError(HttpServletResponse.SC_UNAUTHORIZED, "unknown or revoked api key");
        return;
      }
    } else if (request.getHeader("X-User-Id") != null) {
      Principal user = Principal.user(request.getHeader("X-User-Id"));
      String email = request.getHeader("X-User-Email");
      caller = Optional.of(email == null ? user : user.withEmail(email));
    }
    caller.ifPresent(p -> SecurityContextHolder.getContext()
        .setAuthentication(new PreAuthenticatedAuthenticationToken(p, null, List.of())));
    try {
      chain.doFilter(request, response);
    } finally {
      SecurityContextHolder.clearContext();
    }
  }
}
