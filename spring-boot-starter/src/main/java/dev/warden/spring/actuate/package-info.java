/**
 * Observability: Warden's {@link dev.warden.observe.WardenListener} bound to Micrometer, and an
 * Actuator health indicator for the store.
 */
package dev.warden.spring.actuate;
