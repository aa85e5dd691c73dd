package dev.warden.spring.security;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.organization.OrgId;
import dev.warden.project.ProjectId;
import java.io.Serializable;
import java.util.Locale;
import org.springframework.security.access.PermissionEvaluator;
import org.springframework.security.core.Authentication;

/**
 * Answers {@code hasPermission(#projectId, 'Project', 'VIEW_DATA')} (target types {@code Project} and
 * {@code Organization}) and {@code hasPermission(#target, 'VIEW_DATA')} (a {@link ProjectId},
 * {@link dev.warden.organization.OrgId} or {@link dev.warden.resource.ResourceRef}) with Warden. Like
 * {@link WardenSecurity#can}, it returns {@code true} or throws: {@link dev.warden.NotFoundException}
 * for a hidden or missing target, {@link dev.warden.PermissionDeniedException} for a denial. Thread-safe.
 */
public class WardenPermissionEvaluator implements PermissionEvaluator {
  private final WardenSecurity warden;

  /** Decides through {@code warden}, which also turns the caller into a Warden principal. */
  public WardenPermissionEvaluator(WardenSecurity warden) {
    this.warden = checkNotNull(warden, "warden");
  }

  @Override
  public boolean hasPermission(Authentication authentication, Object target, Object permission) {
    warden.require(warden.principalOf(authentication), target, warden.capabilityOf(permission));
    return true;
  }

  @Override
  public boolean hasPermission(Authentication authentication, Serializable targetId, String targetType,
      Object permission) {
    checkNotNull(targetId, "targetId");
    Object target = switch (checkNotNull(targetType, "targetType").toLowerCase(Locale.ROOT)) {
      case "project" -> ProjectId.of(targetId.toString());
      case "organization" -> OrgId.of(targetId.toString());
      default -> throw new IllegalArgumentException(
          "target type must be Project or Organization, but was " + targetType);
    };
    warden.require(warden.principalOf(authentication), target, warden.capabilityOf(permission));
    return true;
  }
}
