/**
 * Helpers shared across Warden's packages: the engine, snapshots, the decider and the facade
 * implementations. Public only for Java's sake; <b>not API</b>, may change in any release.
 */
package dev.warden.internal;
