-- Warden schema, version 3: resources inside projects and their access rules (§8).
--
-- Same rules as V1: one script for PostgreSQL, H2 2.x and the PostgreSQL-compatible distributed engines;
-- instants are TIMESTAMP WITH TIME ZONE kept to the microsecond; enum values by name. Resource kinds are
-- at most 64 characters, resource ids 128.
--
-- Deleting an organization deletes its projects (V1), which delete their resources and rules; deleting a
-- resource deletes its rules. Every cascade is a foreign key, so SQL that bypasses the store keeps them too.

CREATE TABLE warden_resource (
  project_id VARCHAR(128)             NOT NULL,
  kind       VARCHAR(64)              NOT NULL,
  id         VARCHAR(128)             NOT NULL,
  org_id     VARCHAR(128)             NOT NULL,
  creator    VARCHAR(128)             NOT NULL,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL,
  -- A resource is named by its project, kind and id; also what rules reference.
  CONSTRAINT warden_resource_pk PRIMARY KEY (project_id, kind, id),
  -- As for grants: the row's organization is its project's, which makes an organization's resources one
  -- index range.
  CONSTRAINT warden_resource_project_fk FOREIGN KEY (org_id, project_id)
      REFERENCES warden_project (org_id, id) ON DELETE CASCADE
);

-- An organization's resources (snapshot loading), in creation order.
CREATE INDEX warden_resource_org_ix ON warden_resource (org_id, created_at);

-- One row per rule: for every resource of a kind (resource_id and user_id NULL), for everyone on one
-- resource (user_id NULL), or for one member on one resource (both set).
--
-- At most one rule exists per (project, kind, resource, user), NULLs included. A unique constraint on the
-- nullable columns would not say that (NULLs never collide), and a partial index per rule type is not
-- portable, so the key is over resource_key and user_key: the same values with '' for NULL. Ids are
-- never blank, so '' cannot collide with a real id; the checks keep the copies in step. resource_id
-- itself stays nullable because the foreign key to the resource must skip kind rules, which it does for
-- a NULL column (MATCH SIMPLE, the default on every supported engine).
CREATE TABLE warden_resource_rule (
  project_id   VARCHAR(128) NOT NULL,
  kind         VARCHAR(64)  NOT NULL,
  resource_id  VARCHAR(128),
  user_id      VARCHAR(128),
  resource_key VARCHAR(128) NOT NULL,
  user_key     VARCHAR(128) NOT NULL,
  org_id       VARCHAR(128) NOT NULL,
  level        VARCHAR(8)   NOT NULL,
  CONSTRAINT warden_resource_rule_pk PRIMARY KEY (project_id, kind, resource_key, user_key),
  CONSTRAINT warden_resource_rule_project_fk FOREIGN KEY (org_id, project_id)
      REFERENCES warden_project (org_id, id) ON DELETE CASCADE,
  CONSTRAINT warden_resource_rule_resource_fk FOREIGN KEY (project_id, kind, resource_id)
      REFERENCES warden_resource (project_id, kind, id) ON DELETE CASCADE,
  CONSTRAINT warden_resource_rule_keys_ck CHECK (
      resource_key = COALESCE(resource_id, '') AND user_key = COALESCE(user_id, '')),
  -- '' is only ever the stand-in for NULL (true when a column is NULL: the comparison is unknown).
  CONSTRAINT warden_resource_rule_ids_ck CHECK (resource_id <> '' AND user_id <> ''),
  -- A rule for one member names one resource.
  CONSTRAINT warden_resource_rule_member_ck CHECK (user_id IS NULL OR resource_id IS NOT NULL),
  CONSTRAINT warden_resource_rule_level_ck CHECK (level IN ('NONE', 'VIEWER', 'EDITOR', 'MANAGER'))
);

-- An organization's rules (snapshot loading) and one member's rules there (removal).
CREATE INDEX warden_resource_rule_org_user_ix ON warden_resource_rule (org_id, user_id);
