/**
 * Bulk import: loading an existing organization's members, projects, grants, resources and resource
 * rules in one authorized, audited, all-or-nothing operation, for hosts adopting Warden with existing
 * users ({@link dev.warden.organization.Organizations#importInto}). {@link dev.warden.bulk.OrganizationImport}
 * holds the items, {@link dev.warden.bulk.ImportReport} says what was imported or refused and why.
 */
package dev.warden.bulk;
