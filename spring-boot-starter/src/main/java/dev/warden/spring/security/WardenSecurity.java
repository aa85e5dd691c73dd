package dev.warden.spring.security;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.AccessPolicy;
import dev.warden.Principal;
import dev.warden.matrix.Capability;
import dev.warden.matrix.PermissionMatrix;
import dev.warden.organization.OrgId;
import dev.warden.project.ProjectId;
import dev.warden.resource.ResourceRef;
import java.util.Locale;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.AuthenticationCredentialsNotFoundException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * The bean named {@code warden}, for method security:
 *
 * <pre>{@code
 * @PreAuthorize("@warden.can(#projectId, 'VIEW_DATA')")
 * public Data data(@PathVariable String projectId) { … }
 * }</pre>
 *
 * <p>{@link #can} returns {@code true} or throws, and never returns {@code false}: a hidden or missing
 * target throws {@link dev.warden.NotFoundException} (404, never 403, so the answer does not tell a
 * hidden project from a missing one) and a denial throws {@link dev.warden.PermissionDeniedException}
 * with its {@link dev.warden.Reason} (403), which the starter's problem-details handler turns into
 * RFC 9457 responses. So combine it with other rules by {@code and}, not {@code or}. Thread-safe.
 */
public class WardenSecurity {
  private final AccessPolicy policy;
  private final PrincipalResolver principals;

  /** Decides with {@code policy}, for callers turned into principals by {@code principals}. */
  public WardenSecurity(AccessPolicy policy, PrincipalResolver principals) {
    this.policy = checkNotNull(policy, "policy");
    this.principals = checkNotNull(principals, "principals");
  }

  /**
   * Whether the current caller holds {@code capability} (a {@link Capability} name, any case) on
   * {@code target}: a {@link ProjectId}, {@link OrgId} or {@link ResourceRef}, or a string id, read as
   * a project or an organization id according to the capability's scope.
   *
   * @return {@code true}; every refusal throws
   * @throws dev.warden.NotFoundException if the target is missing or hidden from the caller
   * @throws dev.warden.PermissionDeniedException if the caller sees the target but may not do this
   * @throws dev.warden.StorageException if deciding failed (fail closed)
   * @throws AuthenticationCredentialsNotFoundException if nobody is authenticated
   * @throws IllegalArgumentException for an unknown capability or a target of the wrong kind
   */
  public boolean can(Object target, String capability) {
    require(currentPrincipal(), target, capabilityOf(capability));
    return true;
  }

  /** The current caller as a Warden principal. @throws AuthenticationCredentialsNotFoundException if none */
  public Principal currentPrincipal() {
    return principalOf(SecurityContextHolder.getContext().getAuthentication());
  }

  /**
   * {@code authentication} as a Warden principal, through the {@link PrincipalResolver}.
   *
   * @throws AuthenticationCredentialsNotFoundException if it is null, not authenticated or anonymous
   */
  public Principal principalOf(Authentication authentication) {
    if (authentication == null || !authentication.isAuthenticated()
        || authentication instanceof AnonymousAuthenticationToken) {
      throw new AuthenticationCredentialsNotFoundException("authentication required");
    }
    return principals.resolve(authentication);
  }

  void require(Principal principal, Object target, Capability capability) {
    checkNotNull(target, "target");
    if (target instanceof ProjectId project) {
      policy.require(principal, capability, project);
    } else if (target instanceof OrgId org) {
      policy.require(principal, capability, org);
    } else if (target instanceof ResourceRef resource) {
      policy.require(principal, capability, resource);
    } else if (target instanceof CharSequence id) {
      if (capability.scope() == Capability.Scope.PROJECT) {
        policy.require(principal, capability, ProjectId.of(id.toString()));
      } else {
        policy.require(principal, capability, OrgId.of(id.toString()));
      }
    } else {
      throw new IllegalArgumentException("target must be a ProjectId, OrgId, ResourceRef or an id string, but was a "
          + target.getClass().getName());
    }
  }

  /**
   * The capability {@code permission} is or names: by its name in the policy's permission model
   * ({@code "invoice.approve"}), or upper-cased ({@code "view_data"} for {@code VIEW_DATA}).
   */
  Capability capabilityOf(Object permission) {
    if (permission instanceof Capability c) {
      return c;
    }
    checkNotNull(permission, "capability");
    String name = permission.toString();
    PermissionMatrix matrix = policy.matrix();
    return matrix.capability(name)
        .or(() -> matrix.capability(name.toUpperCase(Locale.ROOT)))
        .orElseThrow(() -> new IllegalArgumentException(
            "capability must name a capability of the permission model, but was " + permission));
  }
}
