package dev.warden.internal;

import dev.warden.Decision;
import dev.warden.ErrorCode;
import dev.warden.matrix.Capability;
import dev.warden.observe.StoreFailure;
import dev.warden.observe.WardenListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's listener behind one guard: a callback that throws is logged and never changes a decision
 * or undoes a change. {@link #of} leaves {@link WardenListener#NONE} as it is, so no listener still
 * costs nothing. Not API.
 */
final class GuardedListener implements WardenListener {
  private static final Logger LOG = LoggerFactory.getLogger(GuardedListener.class);

  private final WardenListener delegate;

  private GuardedListener(WardenListener delegate) {
    this.delegate = delegate;
  }

  /** {@code listener} guarded, or {@link WardenListener#NONE} itself. */
  static WardenListener of(WardenListener listener) {
    return listener == WardenListener.NONE || listener instanceof GuardedListener ? listener
        : new GuardedListener(listener);
  }

  @Override
  public void decision(Capability capability, Decision decision) {
    try {
      delegate.decision(capability, decision);
    } catch (RuntimeException e) {
      failed(e);
    }
  }

  @Override
  public void mutationSucceeded(String action, long nanos) {
    try {
      delegate.mutationSucceeded(action, nanos);
    } catch (RuntimeException e) {
      failed(e);
    }
  }

  @Override
  public void mutationFailed(String action, long nanos, ErrorCode code) {
    try {
      delegate.mutationFailed(action, nanos, code);
    } catch (RuntimeException e) {
      failed(e);
    }
  }

  @Override
  public void snapshotLoaded(long nanos) {
    try {
      delegate.snapshotLoaded(nanos);
    } catch (RuntimeException e) {
      failed(e);
    }
  }

  @Override
  public void snapshotRevalidated(long nanos) {
    try {
      delegate.snapshotRevalidated(nanos);
    } catch (RuntimeException e) {
      failed(e);
    }
  }

  @Override
  public void storeFailed(StoreFailure where) {
    try {
      delegate.storeFailed(where);
    } catch (RuntimeException e) {
      failed(e);
    }
  }

  private static void failed(RuntimeException e) {
    LOG.warn("listener failed; what it heard about stands", e);
  }
}
