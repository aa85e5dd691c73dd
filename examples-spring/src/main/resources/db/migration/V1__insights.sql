-- The host application's own table: insights, its content, which Warden guards but never stores.
CREATE TABLE insight (
  id         VARCHAR(40)  PRIMARY KEY,
  project_id VARCHAR(128) NOT NULL,
  name       VARCHAR(200) NOT NULL,
  created_by VARCHAR(128) NOT NULL,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX insight_project ON insight (project_id);
