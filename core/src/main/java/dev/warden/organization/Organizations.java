package dev.warden.organization;

import dev.warden.Principal;
import dev.warden.bulk.ImportReport;
import dev.warden.bulk.OrganizationImport;
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
   * Loads {@code data} (members, projects, grants, resources and resource rules) into the existing
   * organization in one transaction, all or nothing, for hosts adopting Warden with existing users.
   *
   * <p><b>Validation.</b> Each item is checked with the rules of the single operations it stands for,
   * against the organization as it is plus the items before it, in this order: members, projects,
   * grants, resources, rules. A member is as if invited at its level and accepted, then given its note
   * and expiry ({@code LEVEL_ABOVE_OWN}, {@code SINGLE_OWNERSHIP}, {@code ALREADY_MEMBER} for its user id or
   * email, {@code OWNER_CANNOT_EXPIRE}, {@code EXPIRY_IN_PAST}); a member whose membership expired
   * but was not swept replaces it, with its stale grants, as accepting an invite does. A project
   * keeps the host's id ({@code ALREADY_EXISTS} if any organization uses it) and is as if created and
   * set to its visibility and default role ({@code MANAGE_PROJECT_SETTINGS} on it for a default role
   * other than Member). A grant is as {@link dev.warden.project.Grants#grant} ({@code NOT_FOUND},
   * {@code PERMISSION_DENIED} without {@code MANAGE_PROJECT_ACCESS}, {@code CANNOT_CHANGE_OWN_GRANT},
   * {@code NOT_A_MEMBER}, {@code ROLE_ABOVE_OWN}, {@code EXPIRY_IN_PAST}). Resources and rules are set as a
   * project Admin sets them: the actor needs {@code MANAGE_PROJECT_ACCESS} on their project; a
   * resource is registered for its creator, an active member who may create content there
   * ({@code NOT_A_MEMBER}, {@code NO_PROJECT_ACCESS}; {@code RESOURCE_ALREADY_REGISTERED}); a rule needs
   * its resource ({@code NOT_FOUND}) and a member who sees the project ({@code NO_PROJECT_ACCESS}).
   * Listing a grant or a rule twice is refused ({@code ALREADY_EXISTS}): an import states what to hold,
   * and two values for one key are a mistake, not an update.
   *
   * <p><b>Outcome.</b> If any item is refused, nothing is written and the report lists every refused
   * item with its code and message (a refused item can make later ones fail, e.g. grants of a refused
   * member). Otherwise everything is written in one transaction and the new state is published once:
   * the next check sees all of it. Members join without invites and nobody is notified.
   *
   * <p><b>Authorization</b>, decided before any item and thrown like any refused mutation (with an
   * {@code organization.imported.denied} audit entry for a {@code PERMISSION_DENIED}): the actor must be
   * an active member past the organization's gates ({@link dev.warden.NotFoundException} otherwise) and
   * hold what the single operations need: {@code INVITE_MEMBERS} to import members,
   * {@code MANAGE_MEMBERS} and, for expiries, a recent authentication to give notes or expiries,
   * {@code CREATE_PROJECT} to import projects, and level Admin to import one whose visibility differs
   * from new projects'. Access on a project is decided per item and reported; a refusal for
   * {@code PERMISSION_DENIED} also records an {@code organization.imported.denied} entry.
   *
   * <p><b>Audit</b>, in the same transaction: one {@code organization.imported} entry with the counts,
   * one {@code member.imported} entry per member (email, level, note, expiry) and one
   * {@code project.imported} entry per project; grants, resources and rules are counted in the first
   * (each grant records the importer and the instant as granted-by and granted-at).
   *
   * @throws dev.warden.NotFoundException if the organization does not exist or the actor is not an
   *     active member of it
   * @throws dev.warden.PermissionDeniedException if the actor lacks a capability named above or a gate
   *     refuses them
   */
  ImportReport importInto(Principal actor, OrgId organization, OrganizationImport data);

  /**
   * Deletes the organization with its projects, memberships, grants and invites
   * ({@code DELETE_ORGANIZATION}: Owners only). Its project tokens resolve to nothing afterwards.
   */
  void delete(Principal actor, OrgId organization);
}
