package dev.warden.observe;

import dev.warden.Decision;
import dev.warden.ErrorCode;
import dev.warden.matrix.Capability;

/**
 * Hears what a policy does, for metrics: decisions, mutations, snapshot loads and store failures.
 * Register one with {@link dev.warden.AccessPolicy.Builder#listener}; the default, {@link #NONE}, does
 * nothing and costs nothing (the JIT inlines its empty methods away).
 *
 * <p>Callbacks carry no user id, email, token or key: only enums, the audit action name (such as
 * {@code member.level_changed}) and durations in nanoseconds, so an implementation can turn them into
 * metric tags as they are. {@link #decision} is called on the check path for every
 * {@code check}/{@code checkConsistent}/{@code require}: keep it allocation-free and fast (a counter
 * increment). Every callback runs on the thread that did the work. An exception thrown by a callback is
 * logged and otherwise ignored; it never changes a decision or undoes a change.
 *
 * <p>Implementations must be thread-safe. Every method has an empty default, so implement only what
 * you need.
 */
public interface WardenListener {
  /** A listener that ignores everything; the default. */
  WardenListener NONE = new WardenListener() {};

  /**
   * A check answered {@code decision} (a shared constant: read {@link Decision#outcome()} and
   * {@link Decision#reason()}) for {@code capability}.
   */
  default void decision(Capability capability, Decision decision) {}

  /**
   * A mutation committed after {@code nanos}. {@code action} is its audit action name (such as
   * {@code grant.changed}); the expiry sweep of one organization is {@code expired.swept}.
   */
  default void mutationSucceeded(String action, long nanos) {}

  /**
   * A mutation ({@code action}) was refused or failed after {@code nanos}; {@code code} is the
   * {@link dev.warden.WardenException#code()} of what it threw, {@link ErrorCode#INTERNAL_ERROR} for
   * anything else.
   */
  default void mutationFailed(String action, long nanos, ErrorCode code) {}

  /** An organization's snapshot was loaded whole from the store in {@code nanos}. */
  default void snapshotLoaded(long nanos) {}

  /**
   * A check confirmed its snapshot's revision with the store, in {@code nanos}, before answering:
   * always for {@code checkConsistent}, and for a plain check of a shared store when the snapshot was
   * older than the staleness bound or the change feed had marked it changed. A high rate of these on
   * plain checks means the background refresh is falling behind.
   */
  default void snapshotRevalidated(long nanos) {}

  /** The store failed {@code where}; checks fail closed past the staleness bound. */
  default void storeFailed(StoreFailure where) {}
}
