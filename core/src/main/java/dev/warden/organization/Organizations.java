package dev.warden.organization;

import dev.warden.Principal;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Creates, renames and deletes organizations. Obtain it from {@code AccessPolicy.organizations()}.
 * Every method takes the acting principal first and is authorized through the policy's matrix.
 * Thread-safe.
 */
public interface Organizations {

  /**
   * Creates an organization with {@code creator} as its Owner and a project named "Default Project",
   * atomically. Notifies nobody. The creator's email becomes that of the Owner's membership (so that
   * inviting it is refused with {@code ALREADY_MEMBER}); a principal without one is refused.
   *
   * @throws IllegalArgumentException if the name is not 1–64 characters after stripping, or
   *     {@code creator} carries no email
   */
  Organization create(Principal creator, String name);

  /**
   * The organization, for an active member.
   *
   * @throws dev.warden.NotFoundException if it does not exist or {@code actor} is not an active member
   */
  Organization get(Principal actor, OrgId organization);

  /** The organizations {@code user} is an active member of, in organization-id order. */
  List<Organization> list(Principal user);

  /** Renames the organization ({@code MANAGE_ORG_SETTINGS}). */
  Organization rename(Principal actor, OrgId organization, String name);

  /**
   * Replaces all of the organization's settings ({@code MANAGE_ORG_SETTINGS}). Settings read earlier
   * and written back whole overwrite whatever changed in between; to change some settings, use
   * {@link #updateSettings(Principal, OrgId, UnaryOperator)}, which cannot lose a concurrent change.
   */
  Organization updateSettings(Principal actor, OrgId organization, OrganizationSettings settings);

  /**
   * Changes the organization's settings ({@code MANAGE_ORG_SETTINGS}) by applying {@code change} to
   * the current settings under the organization's lock, e.g. {@code s -> s.withRequire2fa(true)}; so
   * two admins changing two different settings at once both get their change. {@code change} must be
   * quick and free of side effects: a store may run it again when it retries a transaction. Audited as
   * {@code settings.changed} when the result differs.
   *
   * @throws NullPointerException if {@code change} returns null
   */
  Organization updateSettings(Principal actor, OrgId organization, UnaryOperator<OrganizationSettings> change);

  /**
   * Deletes the organization with its projects, memberships, grants and invites
   * ({@code DELETE_ORGANIZATION}: Owners only). Its project tokens resolve to nothing afterwards.
   */
  void delete(Principal actor, OrgId organization);
}
