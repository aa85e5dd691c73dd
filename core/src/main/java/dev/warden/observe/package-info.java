/**
 * Observing a policy in production: {@link dev.warden.observe.WardenListener} hears of decisions,
 * mutations, snapshot loads and store failures, for metrics. Register one with
 * {@link dev.warden.AccessPolicy.Builder#listener}; the Spring Boot starter binds it to Micrometer.
 *
 * <p><b>Stability.</b> Young: callbacks may be added (as default methods) before 1.0.
 */
package dev.warden.observe;
