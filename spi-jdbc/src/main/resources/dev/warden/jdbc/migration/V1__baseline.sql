-- Warden schema, version 1.
--
-- Every name starts with warden_ so the tables can live in the host's own schema; Flyway records this
-- library's migrations in warden_schema_history, apart from the host's.
--
-- One script for every dialect. It keeps to SQL that PostgreSQL, H2 2.x and the PostgreSQL-compatible
-- distributed engines (CockroachDB, YugabyteDB) accept: no partial indexes, no generated columns, no
-- PostgreSQL-only types, no triggers. Instants are TIMESTAMP WITH TIME ZONE, which keeps microseconds;
-- the store truncates to microseconds before writing. Enum values are stored by name.
--
-- Lengths follow the domain: ids at most 128 characters, names 64, notes 200. Emails are capped at 320
-- (64 for the local part, @, 255 for the domain), tokens and token hashes at 255.

CREATE TABLE warden_organization (
  id                          VARCHAR(128)             NOT NULL,
  name                        VARCHAR(64)              NOT NULL,
  created_at                  TIMESTAMP WITH TIME ZONE NOT NULL,
  member_joined_notifications BOOLEAN                  NOT NULL,
  revision                    BIGINT                   NOT NULL,
  CONSTRAINT warden_organization_pk PRIMARY KEY (id),
  CONSTRAINT warden_organization_revision_ck CHECK (revision >= 0)
);

CREATE TABLE warden_membership (
  org_id     VARCHAR(128)             NOT NULL,
  user_id    VARCHAR(128)             NOT NULL,
  email      VARCHAR(320),
  level      VARCHAR(8)               NOT NULL,
  note       VARCHAR(200),
  expires_at TIMESTAMP WITH TIME ZONE,
  joined_at  TIMESTAMP WITH TIME ZONE NOT NULL,
  invited_by VARCHAR(128),
  -- One membership per organization and user.
  CONSTRAINT warden_membership_pk PRIMARY KEY (org_id, user_id),
  CONSTRAINT warden_membership_org_fk FOREIGN KEY (org_id)
      REFERENCES warden_organization (id) ON DELETE CASCADE,
  CONSTRAINT warden_membership_level_ck CHECK (level IN ('MEMBER', 'ADMIN', 'OWNER')),
  -- An Owner's membership never expires.
  CONSTRAINT warden_membership_owner_ck CHECK (level <> 'OWNER' OR expires_at IS NULL)
);

-- A user's memberships in every organization.
CREATE INDEX warden_membership_user_ix ON warden_membership (user_id, org_id);

CREATE TABLE warden_project (
  id           VARCHAR(128)             NOT NULL,
  org_id       VARCHAR(128)             NOT NULL,
  name         VARCHAR(64)              NOT NULL,
  visibility   VARCHAR(8)               NOT NULL,
  default_role VARCHAR(8)               NOT NULL,
  token        VARCHAR(255)             NOT NULL,
  created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT warden_project_pk PRIMARY KEY (id),
  CONSTRAINT warden_project_org_fk FOREIGN KEY (org_id)
      REFERENCES warden_organization (id) ON DELETE CASCADE,
  -- Token resolution is one index lookup; a token belongs to one project.
  CONSTRAINT warden_project_token_uq UNIQUE (token),
  -- An organization's projects; also what grants reference, so a grant's organization is its project's.
  CONSTRAINT warden_project_org_id_uq UNIQUE (org_id, id),
  CONSTRAINT warden_project_visibility_ck CHECK (visibility IN ('OPEN', 'PRIVATE')),
  CONSTRAINT warden_project_default_role_ck CHECK (default_role IN ('VIEWER', 'MEMBER', 'ADMIN'))
);

CREATE TABLE warden_grant (
  project_id VARCHAR(128)             NOT NULL,
  user_id    VARCHAR(128)             NOT NULL,
  org_id     VARCHAR(128)             NOT NULL,
  role       VARCHAR(8)               NOT NULL,
  expires_at TIMESTAMP WITH TIME ZONE,
  granted_by VARCHAR(128)             NOT NULL,
  granted_at TIMESTAMP WITH TIME ZONE NOT NULL,
  -- One grant per project and user; also the grants of a project.
  CONSTRAINT warden_grant_pk PRIMARY KEY (project_id, user_id),
  CONSTRAINT warden_grant_org_fk FOREIGN KEY (org_id)
      REFERENCES warden_organization (id) ON DELETE CASCADE,
  CONSTRAINT warden_grant_project_fk FOREIGN KEY (org_id, project_id)
      REFERENCES warden_project (org_id, id) ON DELETE CASCADE,
  CONSTRAINT warden_grant_role_ck CHECK (role IN ('VIEWER', 'MEMBER', 'ADMIN'))
);

-- An organization's grants (snapshot loading) and one member's grants there (removal).
CREATE INDEX warden_grant_org_user_ix ON warden_grant (org_id, user_id);

CREATE TABLE warden_invite (
  id            VARCHAR(128)             NOT NULL,
  org_id        VARCHAR(128)             NOT NULL,
  email         VARCHAR(320)             NOT NULL,
  level         VARCHAR(8)               NOT NULL,
  invited_by    VARCHAR(128)             NOT NULL,
  created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
  expires_at    TIMESTAMP WITH TIME ZONE NOT NULL,
  accepted_at   TIMESTAMP WITH TIME ZONE,
  token_hash    VARCHAR(255)             NOT NULL,
  -- The email while the invite is unused, NULL once it is used. A unique constraint on
  -- (org_id, pending_email) then means "at most one unused invite per organization and email": NULLs never
  -- collide, so used invites are left out. This stands in for a partial unique index
  -- (UNIQUE (org_id, email) WHERE accepted_at IS NULL), which H2 lacks; the check below keeps the column
  -- in step with accepted_at, so it is as strict as the partial index on every database.
  pending_email VARCHAR(320),
  CONSTRAINT warden_invite_pk PRIMARY KEY (id),
  CONSTRAINT warden_invite_org_fk FOREIGN KEY (org_id)
      REFERENCES warden_organization (id) ON DELETE CASCADE,
  -- Accepting looks the invite up by the hash of its token.
  CONSTRAINT warden_invite_token_hash_uq UNIQUE (token_hash),
  CONSTRAINT warden_invite_pending_uq UNIQUE (org_id, pending_email),
  CONSTRAINT warden_invite_pending_ck CHECK (
      (accepted_at IS NULL AND pending_email IS NOT NULL AND pending_email = email)
      OR (accepted_at IS NOT NULL AND pending_email IS NULL)),
  CONSTRAINT warden_invite_level_ck CHECK (level IN ('MEMBER', 'ADMIN', 'OWNER')),
  CONSTRAINT warden_invite_expiry_ck CHECK (expires_at > created_at)
);

-- An organization's invites in creation order.
CREATE INDEX warden_invite_org_ix ON warden_invite (org_id, created_at, id);

-- The project roles an invite gives on acceptance, in the order they were requested. No foreign key to
-- the project: an invite outlives a deleted project, whose grant is then skipped on acceptance.
CREATE TABLE warden_invite_grant (
  invite_id  VARCHAR(128) NOT NULL,
  seq        INTEGER      NOT NULL,
  project_id VARCHAR(128) NOT NULL,
  role       VARCHAR(8)   NOT NULL,
  CONSTRAINT warden_invite_grant_pk PRIMARY KEY (invite_id, seq),
  CONSTRAINT warden_invite_grant_invite_fk FOREIGN KEY (invite_id)
      REFERENCES warden_invite (id) ON DELETE CASCADE,
  CONSTRAINT warden_invite_grant_role_ck CHECK (role IN ('VIEWER', 'MEMBER', 'ADMIN'))
);
