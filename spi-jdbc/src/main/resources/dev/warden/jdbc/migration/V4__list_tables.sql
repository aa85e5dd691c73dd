-- Warden schema, version 4: lists in child tables instead of JSON text (issue 13).
--
-- Same rules as V1: one script for PostgreSQL, H2 2.x and the PostgreSQL-compatible distributed engines.
--
-- Until now an organization's SSO-enforced domains, an API key's scopes and limits and an audit entry's
-- changes were JSON text in a VARCHAR column of the parent row, written and parsed by the store itself.
-- Here each list becomes a table: one row per element, in the list's order (seq, from 0), deleted with
-- its parent (ON DELETE CASCADE), so plain SQL can read, query and edit them. V4.1 copies the JSON into
-- these tables and V4.2 drops the JSON columns.

-- The email domains whose users must sign in with SSO, lower case, in the order they were set.
CREATE TABLE warden_organization_sso_domain (
  org_id VARCHAR(128) NOT NULL,
  seq    INTEGER      NOT NULL,
  domain VARCHAR      NOT NULL,
  CONSTRAINT warden_organization_sso_domain_pk PRIMARY KEY (org_id, seq),
  CONSTRAINT warden_organization_sso_domain_org_fk FOREIGN KEY (org_id)
      REFERENCES warden_organization (id) ON DELETE CASCADE,
  CONSTRAINT warden_organization_sso_domain_seq_ck CHECK (seq >= 0)
);

-- An API key's scopes as written ("query:read", "feature_flag:write", "*"), in the key's order.
CREATE TABLE warden_api_key_scope (
  key_id VARCHAR(128) NOT NULL,
  seq    INTEGER      NOT NULL,
  scope  VARCHAR(64)  NOT NULL,
  CONSTRAINT warden_api_key_scope_pk PRIMARY KEY (key_id, seq),
  CONSTRAINT warden_api_key_scope_key_fk FOREIGN KEY (key_id)
      REFERENCES warden_api_key (id) ON DELETE CASCADE,
  CONSTRAINT warden_api_key_scope_seq_ck CHECK (seq >= 0)
);

-- The organizations an API key is limited to (none: not limited), in the key's order. No foreign key to
-- the organization: a limit outlives a deleted organization, as it does in every store.
CREATE TABLE warden_api_key_org_limit (
  key_id VARCHAR(128) NOT NULL,
  seq    INTEGER      NOT NULL,
  org_id VARCHAR(128) NOT NULL,
  CONSTRAINT warden_api_key_org_limit_pk PRIMARY KEY (key_id, seq),
  CONSTRAINT warden_api_key_org_limit_key_fk FOREIGN KEY (key_id)
      REFERENCES warden_api_key (id) ON DELETE CASCADE,
  CONSTRAINT warden_api_key_org_limit_seq_ck CHECK (seq >= 0)
);

-- The projects an API key is limited to (none: not limited), in the key's order; no foreign key either.
CREATE TABLE warden_api_key_project_limit (
  key_id     VARCHAR(128) NOT NULL,
  seq        INTEGER      NOT NULL,
  project_id VARCHAR(128) NOT NULL,
  CONSTRAINT warden_api_key_project_limit_pk PRIMARY KEY (key_id, seq),
  CONSTRAINT warden_api_key_project_limit_key_fk FOREIGN KEY (key_id)
      REFERENCES warden_api_key (id) ON DELETE CASCADE,
  CONSTRAINT warden_api_key_project_limit_seq_ck CHECK (seq >= 0)
);

-- The fields an audited change touched, in the order the change listed them; secrets arrive already
-- masked. A NULL value is "none" (the field was not set before, or is not set after).
--
-- escaped is for the rare value PostgreSQL's text cannot hold: one with U+0000 or half of a surrogate
-- pair. Such a row has escaped = TRUE, and in its field, before_value and after_value every backslash is
-- written \\ and every such character \uXXXX (four lower-case hex digits); every other row holds its
-- text as it is, which is what SQL that writes rows should do (the default).
CREATE TABLE warden_audit_change (
  entry_id     VARCHAR(255) NOT NULL,
  seq          INTEGER      NOT NULL,
  field        VARCHAR      NOT NULL,
  before_value VARCHAR,
  after_value  VARCHAR,
  escaped      BOOLEAN      DEFAULT FALSE NOT NULL,
  CONSTRAINT warden_audit_change_pk PRIMARY KEY (entry_id, seq),
  -- Entries are never deleted by the store; one deleted by hand takes its changes with it.
  CONSTRAINT warden_audit_change_entry_fk FOREIGN KEY (entry_id)
      REFERENCES warden_audit_entry (id) ON DELETE CASCADE,
  CONSTRAINT warden_audit_change_seq_ck CHECK (seq >= 0)
);
