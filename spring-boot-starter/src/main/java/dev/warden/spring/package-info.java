/**
 * Spring Boot auto-configuration of an {@link dev.warden.AccessPolicy}: the {@code warden.*}
 * {@linkplain dev.warden.spring.WardenProperties properties}, the store (JDBC on the application's data
 * source, after its own migrations, or in memory), listeners and customizers.
 */
package dev.warden.spring;
