-- Core schema, PostgreSQL spelling of migrations/sqlite/0001_core.sql (the same tables, columns,
-- keys and indexes). Every key leads with workspace_id (the Citus distribution column); foreign
-- keys include it. Times are microseconds since the Unix epoch (UTC). Ids are app-generated
-- 64-bit.
--
-- Dialect choices (docs/decisions/0006-postgres-backend.md):
-- - Every integer is BIGINT: SQLite's INTEGER is 64-bit, and a bound parameter must fit the
--   column on both backends alike. Flags stay integers (the storage layer binds booleans as 0/1).
-- - Text compares with COLLATE "C" (bytewise, as SQLite's BINARY does), so ORDER BY, keyset
--   cursors and LOWER() behave the same whatever locale the database was created with.
-- - JSON documents are `json`, not `jsonb`: `json` keeps the text as written (key order, number
--   spelling), so the API shows exactly what it shows on SQLite, and `->>` still reads fields.

CREATE TABLE workspaces (
  id BIGINT PRIMARY KEY,
  name TEXT COLLATE "C" NOT NULL,
  default_region TEXT COLLATE "C" NOT NULL DEFAULT 'US',
  created_at BIGINT NOT NULL
);

CREATE TABLE users (
  workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
  id BIGINT NOT NULL,
  email TEXT COLLATE "C" NOT NULL,
  email_norm TEXT COLLATE "C" NOT NULL,
  name TEXT COLLATE "C" NOT NULL DEFAULT '',
  role TEXT COLLATE "C" NOT NULL CHECK (role IN ('admin', 'member')),
  password_hash TEXT COLLATE "C",
  created_at BIGINT NOT NULL,
  disabled_at BIGINT,
  PRIMARY KEY (workspace_id, id),
  UNIQUE (workspace_id, email_norm)
);
CREATE INDEX users_by_email ON users (email_norm);

CREATE TABLE api_tokens (
  workspace_id BIGINT NOT NULL,
  id BIGINT NOT NULL,
  user_id BIGINT NOT NULL,
  name TEXT COLLATE "C" NOT NULL DEFAULT '',
  token_hash TEXT COLLATE "C" NOT NULL,
  created_at BIGINT NOT NULL,
  last_used_at BIGINT,
  revoked_at BIGINT,
  PRIMARY KEY (workspace_id, id),
  UNIQUE (workspace_id, token_hash),
  FOREIGN KEY (workspace_id, user_id) REFERENCES users (workspace_id, id)
);

CREATE TABLE sessions (
  workspace_id BIGINT NOT NULL,
  id BIGINT NOT NULL,
  user_id BIGINT NOT NULL,
  token_hash TEXT COLLATE "C" NOT NULL,
  csrf_token TEXT COLLATE "C" NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  PRIMARY KEY (workspace_id, id),
  UNIQUE (workspace_id, token_hash),
  FOREIGN KEY (workspace_id, user_id) REFERENCES users (workspace_id, id) ON DELETE CASCADE
);

CREATE TABLE companies (
  workspace_id BIGINT NOT NULL,
  id BIGINT NOT NULL,
  name TEXT COLLATE "C" NOT NULL,
  name_norm TEXT COLLATE "C" NOT NULL,
  domain TEXT COLLATE "C",
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (workspace_id, id),
  UNIQUE (workspace_id, name_norm)
);

CREATE TABLE custom_fields (
  workspace_id BIGINT NOT NULL,
  id BIGINT NOT NULL,
  key TEXT COLLATE "C" NOT NULL,
  label TEXT COLLATE "C" NOT NULL,
  type TEXT COLLATE "C" NOT NULL CHECK (type IN ('text', 'number', 'date', 'boolean', 'select')),
  options json NOT NULL DEFAULT '[]',
  position BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (workspace_id, id),
  UNIQUE (workspace_id, key)
);

-- lifecycle_stage: 0 lead, 1 qualified, 2 opportunity, 3 customer, 4 evangelist (ordered, so
-- sorting and "stage moved forward" are integer comparisons).
CREATE TABLE contacts (
  workspace_id BIGINT NOT NULL,
  id BIGINT NOT NULL,
  email TEXT COLLATE "C" NOT NULL,
  email_norm TEXT COLLATE "C" NOT NULL,
  first_name TEXT COLLATE "C",
  last_name TEXT COLLATE "C",
  phone TEXT COLLATE "C",
  phone_e164 TEXT COLLATE "C",
  mobile TEXT COLLATE "C",
  mobile_e164 TEXT COLLATE "C",
  title TEXT COLLATE "C",
  department TEXT COLLATE "C",
  linkedin TEXT COLLATE "C",
  twitter TEXT COLLATE "C",
  street TEXT COLLATE "C",
  city TEXT COLLATE "C",
  state TEXT COLLATE "C",
  postal_code TEXT COLLATE "C",
  country TEXT COLLATE "C",
  company_id BIGINT,
  lifecycle_stage BIGINT NOT NULL DEFAULT 0 CHECK (lifecycle_stage BETWEEN 0 AND 4),
  lead_score BIGINT NOT NULL DEFAULT 0 CHECK (lead_score BETWEEN 0 AND 100),
  lead_source TEXT COLLATE "C",
  owner_id BIGINT,
  custom json NOT NULL DEFAULT '{}',
  -- The additional emails in display form, a JSON array: a copy of contact_emails rows with
  -- position > 0, kept by ContactService, so reading a contact needs no second query.
  additional_emails json NOT NULL DEFAULT '[]',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  last_activity_at BIGINT,
  deleted_at BIGINT,
  PRIMARY KEY (workspace_id, id),
  FOREIGN KEY (workspace_id, company_id) REFERENCES companies (workspace_id, id),
  FOREIGN KEY (workspace_id, owner_id) REFERENCES users (workspace_id, id)
);
CREATE INDEX contacts_by_email ON contacts (workspace_id, email_norm);
CREATE INDEX contacts_by_company ON contacts (workspace_id, company_id) WHERE company_id IS NOT NULL;
CREATE INDEX contacts_deleted ON contacts (workspace_id, deleted_at) WHERE deleted_at IS NOT NULL;
-- Keyset paging of the contact list by score (sort=-lead_score, hottest first).
CREATE INDEX contacts_by_score ON contacts (workspace_id, lead_score, id);

-- Every email of a contact (the primary one at position 0), normalized (trimmed, case-folded).
-- The primary key makes an email unique across primary and additional emails of a workspace.
CREATE TABLE contact_emails (
  workspace_id BIGINT NOT NULL,
  email_norm TEXT COLLATE "C" NOT NULL,
  contact_id BIGINT NOT NULL,
  email TEXT COLLATE "C" NOT NULL,
  position BIGINT NOT NULL,
  PRIMARY KEY (workspace_id, email_norm),
  FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX contact_emails_by_contact ON contact_emails (workspace_id, contact_id);

CREATE TABLE tags (
  workspace_id BIGINT NOT NULL,
  id BIGINT NOT NULL,
  name TEXT COLLATE "C" NOT NULL,
  name_norm TEXT COLLATE "C" NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (workspace_id, id),
  UNIQUE (workspace_id, name_norm)
);

CREATE TABLE contact_tags (
  workspace_id BIGINT NOT NULL,
  contact_id BIGINT NOT NULL,
  tag_id BIGINT NOT NULL,
  PRIMARY KEY (workspace_id, contact_id, tag_id),
  FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id) ON DELETE CASCADE,
  FOREIGN KEY (workspace_id, tag_id) REFERENCES tags (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX contact_tags_by_tag ON contact_tags (workspace_id, tag_id, contact_id);

-- The timeline. payload is a JSON object whose shape depends on type (timeline/activity.h).
CREATE TABLE activities (
  workspace_id BIGINT NOT NULL,
  id BIGINT NOT NULL,
  contact_id BIGINT NOT NULL,
  occurred_at BIGINT NOT NULL,
  type TEXT COLLATE "C" NOT NULL,
  actor_type TEXT COLLATE "C" NOT NULL,
  actor_id BIGINT,
  payload json NOT NULL DEFAULT '{}',
  PRIMARY KEY (workspace_id, id),
  FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX activities_by_contact ON activities (workspace_id, contact_id, occurred_at DESC, id DESC);
