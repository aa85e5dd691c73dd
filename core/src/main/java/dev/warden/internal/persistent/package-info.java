/**
 * Persistent (immutable, structurally shared) maps for Warden's snapshots: {@link
 * dev.warden.internal.persistent.HashTrie}, a hash map whose updates copy one path of a trie, and {@link
 * dev.warden.internal.persistent.OrderedMap}, a hash map that also iterates in a comparator's order. An
 * update returns a new version in O(log n) and leaves every older version intact, so a snapshot can be
 * published after each change without copying the whole organization. Written here because core takes
 * no dependency beyond Guava and SLF4J. Public only for Java's sake; <b>not API</b>, may change in any
 * release.
 */
package dev.warden.internal.persistent;
