package dev.warden.internal;

import static com.google.common.base.Preconditions.checkState;

import dev.warden.spi.Transaction;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies {@link Write}s to one transaction and keeps, in order, the snapshot writes that took effect:
 * from them the engine derives whether the organization's snapshot changed, and replays them on it.
 * Used on the transaction's thread only. Not API.
 */
final class Writes {
  private final Transaction tx;
  private final boolean inOrganization;
  private final List<Write.SnapshotWrite<?>> applied = new ArrayList<>();

  private Writes(Transaction tx, boolean inOrganization) {
    this.tx = tx;
    this.inOrganization = inOrganization;
  }

  /** The writes of a mutation of one organization, under its lock. */
  static Writes inOrganization(Transaction tx) {
    return new Writes(tx, true);
  }

  /**
   * The writes of a transaction outside any organization's lock (API keys, denied attempts): only
   * {@link Write.StoreWrite}s, since nothing would publish a snapshot change.
   */
  static Writes outsideOrganizations(Transaction tx) {
    return new Writes(tx, false);
  }

  /**
   * Applies {@code write} to the store and returns the store's answer; remembers it for the snapshot
   * if it is a snapshot write that took effect.
   *
   * @throws IllegalStateException for a snapshot write outside an organization's mutation
   */
  <R> R apply(Write<R> write) {
    checkState(inOrganization || write instanceof Write.StoreWrite, "%s needs the organization's lock", write);
    R answer = write.store(tx);
    if (write instanceof Write.SnapshotWrite<R> s && write.tookEffect(answer)) {
      applied.add(s);
    }
    return answer;
  }

  /** The snapshot writes that took effect, in order. */
  List<Write.SnapshotWrite<?>> applied() {
    return applied;
  }
}
