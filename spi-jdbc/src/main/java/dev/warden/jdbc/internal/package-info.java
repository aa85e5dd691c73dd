/**
 * The SQL behind {@link dev.warden.jdbc.JdbcStore}: transactions, schema migration, and one repository
 * per table. Not API: public only where {@code dev.warden.jdbc} needs it, and free to change in any
 * release.
 */
package dev.warden.jdbc.internal;
