/**
 * The Flyway migrations of the {@code warden_…} tables written in Java; the SQL ones are resources in
 * the same location. Not API: run by {@code JdbcStore} when it starts.
 */
package dev.warden.jdbc.migration;
