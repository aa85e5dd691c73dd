-- Warden schema, version 2: organization security settings, personal API keys, the audit log.
--
-- Same rules as V1: one script for PostgreSQL, H2 2.x and the PostgreSQL-compatible distributed engines;
-- instants are TIMESTAMP WITH TIME ZONE kept to the microsecond; enum values by name.
--
-- Lists (scopes, limits, SSO domains, audit changes) are JSON text the store writes and parses itself,
-- escaped down to ASCII, so every string reads back exactly whatever the database's encoding. Their
-- columns are VARCHAR without a length: unlimited on PostgreSQL, CockroachDB and YugabyteDB, at most
-- 1,000,000 characters on H2.

-- Organization security settings (§2.4). Existing organizations get the defaults.
ALTER TABLE warden_organization ADD COLUMN require_2fa BOOLEAN DEFAULT FALSE NOT NULL;
-- A JSON array of lower-case domains.
ALTER TABLE warden_organization ADD COLUMN sso_enforced_domains VARCHAR DEFAULT '[]' NOT NULL;
-- NULL keeps the permission matrix's cell.
ALTER TABLE warden_organization ADD COLUMN members_can_invite BOOLEAN;
ALTER TABLE warden_organization ADD COLUMN members_can_create_projects BOOLEAN;
ALTER TABLE warden_organization ADD COLUMN members_can_use_api_keys BOOLEAN DEFAULT TRUE NOT NULL;
-- An ISO-8601 duration (java.time.Duration#toString), exact to the nanosecond.
ALTER TABLE warden_organization ADD COLUMN recent_authentication VARCHAR(64) DEFAULT 'PT2H' NOT NULL;

-- One row per user who ever had a key. Creating a key locks this row (SELECT ... FOR UPDATE) before
-- counting the user's keys, so concurrent creations never exceed the per-user limit; a row lock rather
-- than an advisory lock, so it works the same on the distributed engines. Rows are never deleted.
CREATE TABLE warden_api_key_owner (
  user_id VARCHAR(128) NOT NULL,
  CONSTRAINT warden_api_key_owner_pk PRIMARY KEY (user_id)
);

CREATE TABLE warden_api_key (
  id             VARCHAR(128)             NOT NULL,
  user_id        VARCHAR(128)             NOT NULL,
  label          VARCHAR(64)              NOT NULL,
  -- JSON arrays, in the key's order: scopes as written ("query:read", "*"), organization and project ids.
  scopes         VARCHAR                  NOT NULL,
  org_limits     VARCHAR                  NOT NULL,
  project_limits VARCHAR                  NOT NULL,
  last_four      VARCHAR(4)               NOT NULL,
  -- SHA-256 of the value; the value itself is never stored.
  value_hash     VARCHAR(255)             NOT NULL,
  created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
  last_used_at   TIMESTAMP WITH TIME ZONE,
  last_rolled_at TIMESTAMP WITH TIME ZONE,
  CONSTRAINT warden_api_key_pk PRIMARY KEY (id),
  -- authenticate() is one index lookup; a hash belongs to one key.
  CONSTRAINT warden_api_key_value_hash_uq UNIQUE (value_hash),
  CONSTRAINT warden_api_key_owner_fk FOREIGN KEY (user_id) REFERENCES warden_api_key_owner (user_id)
);

-- A user's keys in creation order (listing, and counting against the limit).
CREATE INDEX warden_api_key_user_ix ON warden_api_key (user_id, created_at, id);

-- Audit entries are appended and never updated. org_id and project_id are plain columns without a
-- foreign key: deleting an organization or a project keeps its entries.
CREATE TABLE warden_audit_entry (
  id          VARCHAR(255)             NOT NULL,
  org_id      VARCHAR(128),
  project_id  VARCHAR(128),
  actor_kind  VARCHAR(8)               NOT NULL,
  actor_user  VARCHAR(128),
  actor_key   VARCHAR(128),
  action      VARCHAR(255)             NOT NULL,
  target      VARCHAR,
  -- JSON array of {"field", "before", "after"} objects; secrets arrive already masked.
  changes     VARCHAR                  NOT NULL,
  occurred_at TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT warden_audit_entry_pk PRIMARY KEY (id),
  CONSTRAINT warden_audit_entry_actor_ck CHECK (
      (actor_kind = 'SYSTEM' AND actor_user IS NULL AND actor_key IS NULL)
      OR (actor_kind = 'USER' AND actor_user IS NOT NULL AND actor_key IS NULL)
      OR (actor_kind = 'API_KEY' AND actor_user IS NOT NULL AND actor_key IS NOT NULL))
);

-- Every query names an organization, a project or an actor and reads newest first, optionally within a
-- time range; each of these indexes serves one of them in order (scanned backwards).
CREATE INDEX warden_audit_entry_org_ix ON warden_audit_entry (org_id, occurred_at, id);
CREATE INDEX warden_audit_entry_project_ix ON warden_audit_entry (project_id, occurred_at, id);
CREATE INDEX warden_audit_entry_actor_ix ON warden_audit_entry (actor_user, occurred_at, id);
