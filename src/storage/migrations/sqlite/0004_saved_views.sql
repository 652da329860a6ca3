-- Saved views and bulk actions (src/segments, issue 4 items 4 and 5).
--
-- A saved view is a named filter with a sort and visible columns. Its filter is stored as the
-- canonical JSON of the filter language (query::ToJson), its visible columns as a JSON array of
-- field names. Views hold no membership: running one runs its filter, so it is always live.
-- Names are unique (case-insensitively) among one owner's views, and among the workspace's
-- shared views (docs/decisions, saved views): two members may each keep a private "Hot leads",
-- but the workspace sees one shared "Hot leads".
CREATE TABLE saved_views (
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  id INTEGER NOT NULL,
  owner_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  name_norm TEXT NOT NULL,
  visibility TEXT NOT NULL CHECK (visibility IN ('private', 'shared')),
  filter_json TEXT NOT NULL,
  sort_spec TEXT NOT NULL DEFAULT '',
  visible_columns TEXT NOT NULL DEFAULT '[]',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, id),
  FOREIGN KEY (workspace_id, owner_id) REFERENCES users (workspace_id, id)
);
CREATE UNIQUE INDEX saved_views_owner_name ON saved_views (workspace_id, owner_id, name_norm);
CREATE UNIQUE INDEX saved_views_shared_name ON saved_views (workspace_id, name_norm)
  WHERE visibility = 'shared';

-- The contacts a bulk action job works through, snapshotted when the job starts (so contacts
-- that start or stop matching the filter mid-way are neither skipped nor done twice), walked in
-- contact id order in batches. Deleted with the job's completion.
CREATE TABLE bulk_job_contacts (
  workspace_id INTEGER NOT NULL,
  job_id INTEGER NOT NULL,
  contact_id INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, job_id, contact_id),
  FOREIGN KEY (workspace_id, job_id) REFERENCES jobs (workspace_id, id) ON DELETE CASCADE
);
