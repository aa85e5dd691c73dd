/**
 * Roles: named groups of an organization's members that carry organization capabilities and project
 * roles, resolved with a member's own grants by the organization's {@link dev.warden.role.ResolutionRule}.
 */
package dev.warden.role;
