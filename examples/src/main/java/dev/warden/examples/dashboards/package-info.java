/**
 * Dashboard locking as in PostHog's "granular dashboard permissions" [003]: a restricted dashboard that
 * only collaborators may edit, run against an in-memory policy. Start with
 * {@link dev.warden.examples.dashboards.DashboardLockingDemo}.
 */
package dev.warden.examples.dashboards;
