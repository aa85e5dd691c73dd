/**
 * A host's own store adapter: Warden's projects (and the grants that hang off them) kept in the host's
 * existing tables, everything else in another store, passing the same contract suite as Warden's own
 * stores. Start with {@link dev.warden.examples.store.HostBackedStore}.
 */
package dev.warden.examples.store;
