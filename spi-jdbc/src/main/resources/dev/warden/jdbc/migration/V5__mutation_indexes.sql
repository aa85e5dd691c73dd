-- Warden schema, version 5: indexes that keep every mutation in proportion to what it touches rather than
-- to the organization's size (issue 14).
--
-- Same rules as V1: one script for PostgreSQL, H2 2.x and the PostgreSQL-compatible distributed engines.

-- Demoting an Owner looks for another Owner of the organization; without this index that reads every
-- membership of the organization.
CREATE INDEX warden_membership_org_level_ix ON warden_membership (org_id, level);

-- Deleting a resource deletes its rules through the foreign key on (project_id, kind, resource_id). The
-- primary key holds resource_key, not resource_id, so without this index PostgreSQL reads every rule of
-- the kind in the project (foreign keys get no index of their own there; H2 makes one for each).
CREATE INDEX warden_resource_rule_resource_ix ON warden_resource_rule (project_id, kind, resource_id);
