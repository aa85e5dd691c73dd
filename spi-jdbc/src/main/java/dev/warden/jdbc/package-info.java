/**
 * Warden's store on a relational database over JDBC: {@link dev.warden.jdbc.JdbcStore} for PostgreSQL
 * (the production target) and H2 (the zero-setup option).
 *
 * <pre>{@code
 * AccessPolicy policy = AccessPolicy.builder()
 *     .store(JdbcStore.postgres(dataSource))   // or JdbcStore.h2(dataSource)
 *     .build();
 * }</pre>
 *
 * <p>The store creates and upgrades its own tables (all named {@code warden_…}) with Flyway, from its
 * own classpath location and in its own history table, so it never interferes with the host's
 * migrations. The host owns the {@link javax.sql.DataSource}: its pool, its driver, its credentials.
 * Application instances sharing one database see each other's changes within the policy's staleness
 * bound, and on PostgreSQL within milliseconds through {@code LISTEN/NOTIFY}
 * ({@link dev.warden.jdbc.ChangeFeed}); close the store when the application stops.
 *
 * <p><b>Stability.</b> Young: methods may be added before 1.0. {@code dev.warden.jdbc.internal} is not
 * API.
 */
package dev.warden.jdbc;
