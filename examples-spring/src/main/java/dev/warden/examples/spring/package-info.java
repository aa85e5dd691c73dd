/**
 * A Spring Boot service guarded by Warden through {@code warden-spring-boot-starter}: organizations,
 * members, invites, projects, grants and personal API keys, plus the host's own insights and event data,
 * guarded with {@code @PreAuthorize("@warden.can(…)")}. Spring MVC and Jackson do the routing and JSON;
 * the starter turns Warden's refusals into RFC 9457 problem details.
 */
package dev.warden.examples.spring;
