/**
 * Spring Security integration: the {@code warden} bean for {@code @PreAuthorize("@warden.can(#id,
 * 'VIEW_DATA')")}, a {@link org.springframework.security.access.PermissionEvaluator} for
 * {@code hasPermission}, and the {@link dev.warden.spring.security.PrincipalResolver} that turns the
 * {@link org.springframework.security.core.Authentication} into Warden's {@link dev.warden.Principal}.
 */
package dev.warden.spring.security;
