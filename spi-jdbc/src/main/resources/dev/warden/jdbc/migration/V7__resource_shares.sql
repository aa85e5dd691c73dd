-- Warden schema, version 7: shares (issue 16). A share is a rule for one member on one resource that also
-- holds while the resource's project is hidden from them: the resource alone opens to them, at VIEWER or
-- EDITOR. It lives in warden_resource_rule like every member rule, so it keeps that table's key (one rule
-- per member and resource, a share or not) and its cascades (deleting the resource, its project or the
-- organization deletes it; removing the member from the organization deletes it with their rules).
--
-- Same rules as V1: one script for PostgreSQL, H2 2.x and the PostgreSQL-compatible distributed engines.

-- Existing rules are not shares.
ALTER TABLE warden_resource_rule ADD COLUMN shared BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE warden_resource_rule ADD CONSTRAINT warden_resource_rule_shared_ck
    CHECK (NOT shared OR (user_id IS NOT NULL AND level IN ('VIEWER', 'EDITOR')));
