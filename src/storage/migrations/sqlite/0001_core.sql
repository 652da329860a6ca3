-- Core schema. Every key leads with workspace_id (the Citus distribution column); foreign keys
-- include it. Times are microseconds since the Unix epoch (UTC). Ids are app-generated 64-bit.

CREATE TABLE workspaces (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  default_region TEXT NOT NULL DEFAULT 'US',
  created_at INTEGER NOT NULL
);

CREATE TABLE users (
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  id INTEGER NOT NULL,
  email TEXT NOT NULL,
  email_norm TEXT NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  role TEXT NOT NULL CHECK (role IN ('admin', 'member')),
  password_hash TEXT,
  created_at INTEGER NOT NULL,
  disabled_at INTEGER,
  PRIMARY KEY (workspace_id, id),
  UNIQUE (workspace_id, email_norm)
);
CREATE INDEX users_by_email ON users (email_norm);

CREATE TABLE api_tokens (
  workspace_id INTEGER NOT NULL,
  id INTEGER NOT NULL,
  user_id INTEGER NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  token_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked_at INTEGER,
  PRIMARY KEY (workspace_id, id),
  UNIQUE (workspace_id, token_hash),
  FOREIGN KEY (workspace_id, user_id) REFERENCES users (workspace_id, id)
);

CREATE TABLE sessions (
  workspace_id INTEGER NOT NULL,
  id INTEGER NOT NULL,
  user_id INTEGER NOT NULL,
  token_hash TEXT NOT NULL,
  csrf_token TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, id),
  UNIQUE (workspace_id, token_hash),
  FOREIGN KEY (workspace_id, user_id) REFERENCES users (workspace_id, id) ON DELETE CASCADE
);

CREATE TABLE companies (
  workspace_id INTEGER NOT NULL,
  id INTEGER NOT NULL,
  name TEXT NOT NULL,
  name_norm TEXT NOT NULL,
  domain TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, id),
  UNIQUE (workspace_id, name_norm)
);

CREATE TABLE custom_fields (
  workspace_id INTEGER NOT NULL,
  id INTEGER NOT NULL,
  key TEXT NOT NULL,
  label TEXT NOT NULL,
  type TEXT NOT NULL CHECK (type IN ('text', 'number', 'date', 'boolean', 'select')),
  options TEXT NOT NULL DEFAULT '[]',
  position INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, id),
  UNIQUE (workspace_id, key)
);

-- lifecycle_stage: 0 lead, 1 qualified, 2 opportunity, 3 customer, 4 evangelist (ordered, so
-- sorting and "stage moved forward" are integer comparisons).
CREATE TABLE contacts (
  workspace_id INTEGER NOT NULL,
  id INTEGER NOT NULL,
  email TEXT NOT NULL,
  email_norm TEXT NOT NULL,
  first_name TEXT,
  last_name TEXT,
  phone TEXT,
  phone_e164 TEXT,
  mobile TEXT,
  mobile_e164 TEXT,
  title TEXT,
  department TEXT,
  linkedin TEXT,
  twitter TEXT,
  street TEXT,
  city TEXT,
  state TEXT,
  postal_code TEXT,
  country TEXT,
  company_id INTEGER,
  lifecycle_stage INTEGER NOT NULL DEFAULT 0 CHECK (lifecycle_stage BETWEEN 0 AND 4),
  lead_score INTEGER NOT NULL DEFAULT 0 CHECK (lead_score BETWEEN 0 AND 100),
  lead_source TEXT,
  owner_id INTEGER,
  custom TEXT NOT NULL DEFAULT '{}',
  -- The additional emails in display form, a JSON array: a copy of contact_emails rows with
  -- position > 0, kept by ContactService, so reading a contact needs no second query.
  additional_emails TEXT NOT NULL DEFAULT '[]',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  last_activity_at INTEGER,
  deleted_at INTEGER,
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
  workspace_id INTEGER NOT NULL,
  email_norm TEXT NOT NULL,
  contact_id INTEGER NOT NULL,
  email TEXT NOT NULL,
  position INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, email_norm),
  FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX contact_emails_by_contact ON contact_emails (workspace_id, contact_id);

CREATE TABLE tags (
  workspace_id INTEGER NOT NULL,
  id INTEGER NOT NULL,
  name TEXT NOT NULL,
  name_norm TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, id),
  UNIQUE (workspace_id, name_norm)
);

CREATE TABLE contact_tags (
  workspace_id INTEGER NOT NULL,
  contact_id INTEGER NOT NULL,
  tag_id INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, contact_id, tag_id),
  FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id) ON DELETE CASCADE,
  FOREIGN KEY (workspace_id, tag_id) REFERENCES tags (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX contact_tags_by_tag ON contact_tags (workspace_id, tag_id, contact_id);

-- The timeline. payload is a JSON object whose shape depends on type (timeline/activity.h).
CREATE TABLE activities (
  workspace_id INTEGER NOT NULL,
  id INTEGER NOT NULL,
  contact_id INTEGER NOT NULL,
  occurred_at INTEGER NOT NULL,
  type TEXT NOT NULL,
  actor_type TEXT NOT NULL,
  actor_id INTEGER,
  payload TEXT NOT NULL DEFAULT '{}',
  PRIMARY KEY (workspace_id, id),
  FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX activities_by_contact ON activities (workspace_id, contact_id, occurred_at DESC, id DESC);
