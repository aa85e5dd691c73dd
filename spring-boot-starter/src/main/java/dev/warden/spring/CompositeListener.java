package dev.warden.spring;

import dev.warden.Decision;
import dev.warden.ErrorCode;
import dev.warden.matrix.Capability;
import dev.warden.observe.StoreFailure;
import dev.warden.observe.WardenListener;
import java.util.List;

/** Forwards every callback to each listener in order; allocation-free. Immutable; thread-safe. */
final class CompositeListener implements WardenListener {
  private final WardenListener[] listeners;

  private CompositeListener(List<WardenListener> listeners) {
    this.listeners = listeners.toArray(new WardenListener[0]);
  }

  /** {@link WardenListener#NONE}, the single listener, or one forwarding to all of them. */
  static WardenListener of(List<WardenListener> listeners) {
    return switch (listeners.size()) {
      case 0 -> WardenListener.NONE;
      case 1 -> listeners.get(0);
      default -> new CompositeListener(listeners);
    };
  }

  @Override
  public void decision(Capability capability, Decision decision) {
    for (WardenListener l : listeners) {
      l.decision(capability, decision);
    }
  }

  @Override
  public void mutationSucceeded(String action, long nanos) {
    for (WardenListener l : listeners) {
      l.mutationSucceeded(action, nanos);
    }
  }

  @Override
  public void mutationFailed(String action, long nanos, ErrorCode code) {
    for (WardenListener l : listeners) {
      l.mutationFailed(action, nanos, code);
    }
  }

  @Override
  public void snapshotLoaded(long nanos) {
    for (WardenListener l : listeners) {
      l.snapshotLoaded(nanos);
    }
  }

  @Override
  public void snapshotRevalidated(long nanos) {
    for (WardenListener l : listeners) {
      l.snapshotRevalidated(nanos);
    }
  }

  @Override
  public void storeFailed(StoreFailure where) {
    for (WardenListener l : listeners) {
      l.storeFailed(where);
    }
  }
}
