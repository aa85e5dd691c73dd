-- Warden schema, version 6: roles (issue 16), named groups of an organization's members that carry
-- organization capabilities, project roles and access levels on resources, and the rule by which an
-- organization combines a member's own project grant with their roles' grants.
--
-- Same rules as V1: one script for PostgreSQL, H2 2.x and the PostgreSQL-compatible distributed engines;
-- instants are TIMESTAMP WITH TIME ZONE kept to the microsecond; enum values by name.
--
-- Deleting an organization deletes its roles; deleting a role deletes its capabilities, members, grants and
-- resource rules; deleting a project deletes the role grants and rules on it; deleting a resource deletes the
-- role rules on it. Every cascade is a foreign key, so SQL that bypasses the store keeps them too. Role members have no foreign key to the membership, like project grants: whoever
-- removes a member from the organization removes their role memberships too (the engine does).

-- Existing organizations get the default, under which an organization without roles decides as before.
ALTER TABLE warden_organization ADD COLUMN resolution VARCHAR(16) DEFAULT 'HIGHEST_WINS' NOT NULL;
ALTER TABLE warden_organization ADD CONSTRAINT warden_organization_resolution_ck
    CHECK (resolution IN ('HIGHEST_WINS', 'MOST_SPECIFIC'));

CREATE TABLE warden_role (
  id         VARCHAR(128)             NOT NULL,
  org_id     VARCHAR(128)             NOT NULL,
  name       VARCHAR(64)              NOT NULL,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT warden_role_pk PRIMARY KEY (id),
  CONSTRAINT warden_role_org_fk FOREIGN KEY (org_id)
      REFERENCES warden_organization (id) ON DELETE CASCADE,
  -- Names are unique within the organization; also an organization's roles.
  CONSTRAINT warden_role_name_uq UNIQUE (org_id, name),
  -- What members and grants reference, so their organization is their role's (as for project grants).
  CONSTRAINT warden_role_org_id_uq UNIQUE (org_id, id)
);

-- The organization capabilities a role carries, by name, in the order they were set.
CREATE TABLE warden_role_capability (
  role_id    VARCHAR(128) NOT NULL,
  seq        INTEGER      NOT NULL,
  capability VARCHAR(64)  NOT NULL,
  CONSTRAINT warden_role_capability_pk PRIMARY KEY (role_id, seq),
  CONSTRAINT warden_role_capability_uq UNIQUE (role_id, capability),
  CONSTRAINT warden_role_capability_role_fk FOREIGN KEY (role_id)
      REFERENCES warden_role (id) ON DELETE CASCADE,
  CONSTRAINT warden_role_capability_seq_ck CHECK (seq >= 0)
);

-- A member's place in a role, until expires_at (exclusive) if set. Each row carries its role's organization,
-- so an organization's role memberships, and one member's there, are one index range.
CREATE TABLE warden_role_member (
  role_id    VARCHAR(128)             NOT NULL,
  user_id    VARCHAR(128)             NOT NULL,
  org_id     VARCHAR(128)             NOT NULL,
  expires_at TIMESTAMP WITH TIME ZONE,
  added_by   VARCHAR(128)             NOT NULL,
  added_at   TIMESTAMP WITH TIME ZONE NOT NULL,
  -- One membership per role and user; also the members of a role.
  CONSTRAINT warden_role_member_pk PRIMARY KEY (role_id, user_id),
  CONSTRAINT warden_role_member_role_fk FOREIGN KEY (org_id, role_id)
      REFERENCES warden_role (org_id, id) ON DELETE CASCADE
);

-- An organization's role memberships (snapshot loading) and one member's there (removal).
CREATE INDEX warden_role_member_org_user_ix ON warden_role_member (org_id, user_id);

-- The project role a role gives its members on one project. The role and the project share org_id, so the
-- schema itself keeps a role's grants inside its organization.
CREATE TABLE warden_role_grant (
  role_id      VARCHAR(128)             NOT NULL,
  project_id   VARCHAR(128)             NOT NULL,
  org_id       VARCHAR(128)             NOT NULL,
  project_role VARCHAR(8)               NOT NULL,
  granted_by   VARCHAR(128)             NOT NULL,
  granted_at   TIMESTAMP WITH TIME ZONE NOT NULL,
  -- One grant per role and project; also the grants of a role.
  CONSTRAINT warden_role_grant_pk PRIMARY KEY (role_id, project_id),
  CONSTRAINT warden_role_grant_role_fk FOREIGN KEY (org_id, role_id)
      REFERENCES warden_role (org_id, id) ON DELETE CASCADE,
  CONSTRAINT warden_role_grant_project_fk FOREIGN KEY (org_id, project_id)
      REFERENCES warden_project (org_id, id) ON DELETE CASCADE,
  CONSTRAINT warden_role_grant_project_role_ck CHECK (project_role IN ('VIEWER', 'MEMBER', 'ADMIN'))
);

-- An organization's role grants (snapshot loading), and the grants on one project, which deleting the project
-- deletes through the foreign key on (org_id, project_id) (PostgreSQL gives foreign keys no index of their own).
CREATE INDEX warden_role_grant_org_project_ix ON warden_role_grant (org_id, project_id);

-- The access level a role gives its members on every resource of a kind in a project (resource_id NULL) or on
-- one resource (set). As in warden_resource_rule (V3), at most one rule exists per (role, project, kind,
-- resource), the kind rule included: the key is over resource_key, resource_id with '' for NULL (ids are never
-- blank, and the checks keep the copy in step), while resource_id stays nullable so the foreign key to the
-- resource skips kind rules (MATCH SIMPLE). The role, the project and the resource share org_id, so the
-- schema itself keeps a role's rules inside its organization.
CREATE TABLE warden_role_rule (
  role_id      VARCHAR(128) NOT NULL,
  project_id   VARCHAR(128) NOT NULL,
  kind         VARCHAR(64)  NOT NULL,
  resource_id  VARCHAR(128),
  resource_key VARCHAR(128) NOT NULL,
  org_id       VARCHAR(128) NOT NULL,
  level        VARCHAR(8)   NOT NULL,
  -- One rule per role, project, kind and resource; also the rules of a role.
  CONSTRAINT warden_role_rule_pk PRIMARY KEY (role_id, project_id, kind, resource_key),
  CONSTRAINT warden_role_rule_role_fk FOREIGN KEY (org_id, role_id)
      REFERENCES warden_role (org_id, id) ON DELETE CASCADE,
  CONSTRAINT warden_role_rule_project_fk FOREIGN KEY (org_id, project_id)
      REFERENCES warden_project (org_id, id) ON DELETE CASCADE,
  CONSTRAINT warden_role_rule_resource_fk FOREIGN KEY (project_id, kind, resource_id)
      REFERENCES warden_resource (project_id, kind, id) ON DELETE CASCADE,
  CONSTRAINT warden_role_rule_key_ck CHECK (resource_key = COALESCE(resource_id, '')),
  -- '' is only ever the stand-in for NULL (true when resource_id is NULL: the comparison is unknown).
  CONSTRAINT warden_role_rule_resource_id_ck CHECK (resource_id <> ''),
  CONSTRAINT warden_role_rule_level_ck CHECK (level IN ('NONE', 'VIEWER', 'EDITOR', 'MANAGER'))
);

-- An organization's role rules (snapshot loading), and the rules on one project, which deleting the project
-- deletes through the foreign key on (org_id, project_id).
CREATE INDEX warden_role_rule_org_project_ix ON warden_role_rule (org_id, project_id);

-- The role rules on one resource, which deleting the resource deletes through the foreign key on
-- (project_id, kind, resource_id); the primary key holds resource_key and starts with role_id (see V5).
CREATE INDEX warden_role_rule_resource_ix ON warden_role_rule (project_id, kind, resource_id);

-- The roles an invite makes its recipient join on accepting, in the order they were added. No foreign key
-- to the role, like the invite's project grants: a role deleted before the invite is used is skipped then,
-- and the invite reads the same on every store.
CREATE TABLE warden_invite_role (
  invite_id VARCHAR(128) NOT NULL,
  seq       INTEGER      NOT NULL,
  role_id   VARCHAR(128) NOT NULL,
  CONSTRAINT warden_invite_role_pk PRIMARY KEY (invite_id, seq),
  CONSTRAINT warden_invite_role_uq UNIQUE (invite_id, role_id),
  CONSTRAINT warden_invite_role_invite_fk FOREIGN KEY (invite_id)
      REFERENCES warden_invite (id) ON DELETE CASCADE,
  CONSTRAINT warden_invite_role_seq_ck CHECK (seq >= 0)
);
