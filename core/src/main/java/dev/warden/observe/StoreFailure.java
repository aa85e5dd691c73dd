package dev.warden.observe;

/** Where a policy met a failing store; see {@link WardenListener#storeFailed}. */
public enum StoreFailure {
  /** A check could not read or revalidate its snapshot and failed closed. */
  CHECK,
  /** A mutation failed in the store ({@code STORE_UNAVAILABLE} or {@code CONCURRENT_MODIFICATION}). */
  MUTATION,
  /** The background refresher could not confirm cached snapshots; checks keep answering within the bound. */
  REFRESH
}
