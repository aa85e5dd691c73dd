-- Warden schema, version 4.2: the JSON list columns go, now that V4.1 has copied them into the tables of V4.

ALTER TABLE warden_organization DROP COLUMN sso_enforced_domains;
ALTER TABLE warden_api_key DROP COLUMN scopes;
ALTER TABLE warden_api_key DROP COLUMN org_limits;
ALTER TABLE warden_api_key DROP COLUMN project_limits;
ALTER TABLE warden_audit_entry DROP COLUMN changes;
