package dev.warden.internal;

import dev.warden.Decision;
import dev.warden.ErrorCode;
import dev.warden.Expiry;
import dev.warden.Limits;
import dev.warden.PermissionDeniedException;
import dev.warden.Principal;
import dev.warden.Reason;
import dev.warden.audit.Actor;
import dev.warden.audit.AuditEntry;
import dev.warden.audit.Change;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrganizationSettings;
import dev.warden.spi.AuditSink;
import java.time.Duration;
import java.util.Optional;
import dev.warden.internal.OrgState.ProjectState;
import dev.warden.matrix.Capability;
import dev.warden.organization.Membership;
import dev.warden.organization.UserId;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import dev.warden.spi.Transaction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One mutation of one organization, run by {@link Engine} under the organization's lock: the state it
 * decides on, the transaction it writes through, and what to do after commit. Authorization goes
 * through the same {@link Decider} as checks. Not API.
 */
public final class Mutation {
  private final Decider decider;
  private final Transaction tx;
  private final Writes writes;
  private final OrgId org;
  private final OrgState state;
  private final AuditSink sink;
  private final Principal actor;
  private final Instant now;
  private final List<Runnable> afterCommit = new ArrayList<>();

  Mutation(Decider decider, Transaction tx, OrgId org, OrgState state, Principal actor, Instant now, AuditSink sink) {
    this.decider = decider;
    this.tx = tx;
    this.writes = Writes.inOrganization(tx);
    this.org = org;
    this.state = state;
    this.sink = sink;
    this.actor = actor;
    this.now = now;
  }

  /** The organization as it was when the lock was taken (empty while creating it). */
  public OrgState state() {
    return state;
  }

  public Principal actor() {
    return actor;
  }

  public Instant now() {
    return now;
  }

  public Decider decider() {
    return decider;
  }

  /**
   * Applies {@code write} in this mutation's transaction and returns the store's answer. A snapshot
   * write that took effect is replayed on the snapshot when the work is done, and makes a new revision.
   */
  public <R> R apply(Write<R> write) {
    return writes.apply(write);
  }

  /** The transaction, for reading only: every write goes through {@link #apply}. */
  public Transaction read() {
    return tx;
  }

  /** Runs {@code action} after commit; a failure there is logged and undoes nothing. */
  public void afterCommit(Runnable action) {
    afterCommit.add(action);
  }

  /**
   * Records an audit entry for this change in the same transaction and forwards it to the sink after
   * commit. Secrets must be passed as {@link Change#secret}.
   *
   * @param project the project the change is about, or null
   * @param target what the change is about (a user id, an invite id), or null
   */
  public void audit(String action, dev.warden.project.ProjectId project, Object target, Change... changes) {
    AuditEntry entry = new AuditEntry(Ids.next("aud"), Optional.of(org), Optional.ofNullable(project),
        actor == null ? Actor.SYSTEM : Actor.of(actor), action, Optional.ofNullable(target).map(String::valueOf),
        List.of(changes), now);
    apply(new Write.AppendAudit(entry));
    afterCommit(() -> sink.accept(entry));
  }

  /**
   * Refuses a sensitive change by a principal that authenticated longer ago than the organization's
   * recent-authentication window (exclusive).
   *
   * @throws PermissionDeniedException {@code REAUTHENTICATION_REQUIRED}
   */
  public void requireRecentAuthentication() {
    Duration window = state.organization().settings().recentAuthentication();
    requireRecentAuthentication(actor, window, now);
  }

  /**
   * The rule of {@link #requireRecentAuthentication()} for changes outside an organization: an
   * authentication time counts if it lies in {@code (now - window, now + skew]}, where the skew is
   * {@link OrganizationSettings#AUTHENTICATION_CLOCK_SKEW}; one further in the future is not trusted.
   */
  static void requireRecentAuthentication(Principal actor, Duration window, Instant now) {
    if (actor == null || actor.authenticatedAtInstant().isEmpty()) {
      return;
    }
    Instant at = actor.authenticatedAtInstant().get();
    // Compared as durations from now, so no instant is shifted past Instant.MIN/MAX.
    Duration age = Duration.between(at, now);
    if (age.compareTo(OrganizationSettings.AUTHENTICATION_CLOCK_SKEW.negated()) < 0 || age.compareTo(window) >= 0) {
      throw new PermissionDeniedException(ErrorCode.REAUTHENTICATION_REQUIRED,
          "this change needs an authentication within the last " + window + "; sign in again");
    }
  }

  /** The snapshot writes that took effect, in order. */
  List<Write.SnapshotWrite<?>> snapshotWrites() {
    return writes.applied();
  }

  List<Runnable> afterCommitActions() {
    return afterCommit;
  }

  /**
   * The actor's active membership, which must hold {@code capability}.
   *
   * @throws dev.warden.NotFoundException if the actor is not an active member
   * @throws dev.warden.PermissionDeniedException if the level lacks the capability
   */
  public Membership requireOrg(Capability capability) {
    Decision d = decider.org(actor, capability, state, Trace.NONE);
    if (!d.allowed()) {
      throw Errors.refused(d, "organization");
    }
    return state.members().get(actor.userId());
  }

  /** The actor's active membership. @throws dev.warden.NotFoundException if there is none */
  public Membership actorMember() {
    Membership m = decider.activeMember(state, actor.userId(), Trace.NONE);
    if (m == null) {
      throw Errors.notFound("organization");
    }
    return m;
  }

  /**
   * The project, which must be visible to the actor and on which the actor must hold
   * {@code capability}.
   */
  public ProjectState requireProject(ProjectId project, Capability capability) {
    ProjectState p = state.projects().get(project);
    Decision d = p == null ? Decision.notFound() : decider.project(actor, capability, state, p, Trace.NONE);
    if (!d.allowed()) {
      throw Errors.refused(d, "project");
    }
    return p;
  }

  /** The project, which must be visible to the actor. */
  public ProjectState visibleProject(ProjectId project) {
    ProjectState p = state.projects().get(project);
    Hidden.requireRole(decider, state, decider.activeMember(state, actor.userId(), Trace.NONE), p);
    return p;
  }

  /**
   * The resource, which the actor must see (else {@code NOT_FOUND}) at {@code atLeast} (else
   * {@code PERMISSION_DENIED}), through the actor's principal gates. Every caller changes who may do
   * what with the resource, which a member who sees it only through a share never does
   * ({@code PERMISSION_DENIED}: they do see it).
   */
  public OrgState.ResourceState requireResource(dev.warden.resource.ResourceRef ref, dev.warden.resource.AccessLevel atLeast) {
    ProjectState p = state.projects().get(ref.project());
    OrgState.ResourceState r = p == null ? null : state.resources().get(ref);
    Membership me = decider.activeMember(state, actor.userId(), Trace.NONE);
    boolean guest = me != null && r != null && r.shares().containsKey(me.user())
        && decider.effectiveRole(state, me, p) == null;
    if (!guest) {
      Hidden.requireRole(decider, state, me, p);
    }
    Decision gate = decider.gates(actor, me, state, p, Trace.NONE);
    if (gate != null) {
      throw Errors.refused(gate, "resource");
    }
    dev.warden.resource.AccessLevel level = r == null ? dev.warden.resource.AccessLevel.NONE : decider.level(state, me, p, r, Trace.NONE);
    if (level == dev.warden.resource.AccessLevel.NONE) {
      throw Errors.notFound("resource");
    }
    if (guest || !level.atLeast(atLeast)) {
      throw new PermissionDeniedException(ErrorCode.PERMISSION_DENIED, guest
          ? "a share opens the resource to its member but not its access rules"
          : "this needs " + atLeast + " access to the resource, but you have " + level);
    }
    return r;
  }

  /** The user's active membership. @throws dev.warden.RuleViolationException {@code NOT_A_MEMBER} */
  public Membership activeMember(UserId user) {
    Membership m = decider.activeMember(state, user, Trace.NONE);
    if (m == null) {
      throw Errors.notAMember(user);
    }
    return m;
  }

  /**
   * An expiry set in this mutation, by {@link Expiry#requireAfter}: after now as stored.
   *
   * @throws IllegalArgumentException if {@code expiresAt} is outside the {@link Limits} range
   * @throws dev.warden.RuleViolationException {@code EXPIRY_IN_PAST}
   */
  public Instant requireFuture(Instant expiresAt) {
    return Expiry.requireAfter(expiresAt, now);
  }
}
