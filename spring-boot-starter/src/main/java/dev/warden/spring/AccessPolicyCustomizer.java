package dev.warden.spring;

import dev.warden.AccessPolicy;

/**
 * Adjusts the auto-configured {@link AccessPolicy.Builder} after the {@code warden.*} properties and the
 * context's beans (store, listeners, clock, notifier, audit sink, matrix) are applied and before
 * {@code build()}. Declare as many as you need as beans; they run in {@code @Order}.
 */
@FunctionalInterface
public interface AccessPolicyCustomizer {
  /** Adjusts the builder before the starter builds the policy (called once, in bean order). */
  void customize(AccessPolicy.Builder builder);
}
