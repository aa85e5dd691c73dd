package dev.warden;

import dev.warden.matrix.Capability;
import dev.warden.project.ProjectId;

/**
 * One principal's access to one project, for a host that checks the same pair again and again: a
 * session's principal on the project of a page, a job working through one project. Made by
 * {@link AccessPolicy#access(Principal, ProjectId)}, it looks the project, the principal's membership
 * and their grants there up once and reuses them while the organization's snapshot stays the same, so a
 * warm check skips the lookups by id that {@link AccessPolicy#check(Principal, Capability, ProjectId)}
 * makes every time (the difference grows with the organization; see {@code BENCHMARKS.md}).
 *
 * <p>Every answer is the one {@code check(principal, capability, project)} gives at the same moment:
 * a change published since the last check (a grant, a level, a deleted project, on a shared store a
 * change made elsewhere, within the staleness bound) is looked up again on the next one, and expiries
 * and revoked API keys are judged on every check, against the clock. A project unknown when the pair
 * is checked answers {@code NOT_FOUND} and is looked for again next time. Checks allocate nothing while
 * the snapshot stands and fail closed like every check.
 *
 * <p>Thread-safe and cheap to make. It keeps the snapshot it last resolved reachable until its next
 * check, so hold it for a request or a session, not for ever. Sealed: the policy is its only maker.
 */
public sealed interface ProjectAccess permits AccessPolicy.PairAccess {

  Principal principal();

  ProjectId project();

  /**
   * Decides a project capability, as {@link AccessPolicy#check(Principal, Capability, ProjectId)} does.
   *
   * @throws IllegalArgumentException if {@code capability} is organization-scoped
   */
  Decision check(Capability capability);

  /**
   * Like {@link #check} but throws unless allowed, as
   * {@link AccessPolicy#require(Principal, Capability, ProjectId)} does.
   *
   * @throws NotFoundException for {@code NOT_FOUND}
   * @throws PermissionDeniedException for {@code DENY}
   * @throws StorageException when deciding failed
   */
  default void require(Capability capability) {
    AccessPolicy.allowedOrThrow(check(capability), "project");
  }
}
