/** Resource-level permissions: objects inside a project, access levels, rules, dashboards. */
package dev.warden.resource;
