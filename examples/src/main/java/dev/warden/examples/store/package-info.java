/**
 * A host's own store adapter: Warden's audit log kept in the host's existing compliance table, everything
 * else in another store, passing the same contract suite as Warden's own stores. Start with
 * {@link dev.warden.examples.store.HostBackedStore}.
 */
package dev.warden.examples.store;
