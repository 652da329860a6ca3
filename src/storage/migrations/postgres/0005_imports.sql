-- Imports of contacts from CSV and .xlsx files (src/importexport, issue 6). One row per import:
-- who, when, which file, the options and mapping it ran with, its live progress and counts,
-- and its checkpoint (the last source row whose batch committed, written in the same
-- transaction as that batch, so a restarted job resumes after it). JSON documents are TEXT.
CREATE TABLE imports (
  workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
  id BIGINT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('uploaded', 'queued', 'running', 'succeeded', 'failed',
                                       'canceled', 'reverted')),
  file_name TEXT NOT NULL DEFAULT '',
  file_size BIGINT NOT NULL DEFAULT 0,
  -- Where the file is: 'db' (import_chunks, reachable by every process) or 'local' (a CLI
  -- import read straight from the user's path).
  file_store TEXT NOT NULL DEFAULT 'db',
  file_path TEXT,
  format TEXT NOT NULL DEFAULT 'csv',
  header_hash TEXT NOT NULL DEFAULT '',
  detected TEXT NOT NULL DEFAULT '{}',
  options TEXT NOT NULL DEFAULT '{}',
  job_id BIGINT,
  checkpoint_row BIGINT NOT NULL DEFAULT 0,
  counts TEXT NOT NULL DEFAULT '{}',
  dry_run TEXT,
  revert TEXT,
  error TEXT,
  created_by BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  started_at BIGINT,
  finished_at BIGINT,
  PRIMARY KEY (workspace_id, id)
);
-- The uploaded file, base64 in TEXT chunks (`rally copy` moves text columns only; PostgreSQL and
-- SQLite store the same rows), so any process sharing the database can run the import.
CREATE TABLE import_chunks (
  workspace_id BIGINT NOT NULL,
  import_id BIGINT NOT NULL,
  seq INTEGER NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (workspace_id, import_id, seq),
  FOREIGN KEY (workspace_id, import_id) REFERENCES imports (workspace_id, id) ON DELETE CASCADE
);
-- Rejected rows: the source row number, the column blamed, the reason and the row's cells (a
-- JSON array) for the downloadable error file.
CREATE TABLE import_errors (
  workspace_id BIGINT NOT NULL,
  import_id BIGINT NOT NULL,
  row_number BIGINT NOT NULL,
  column_name TEXT NOT NULL DEFAULT '',
  reason TEXT NOT NULL,
  cells TEXT NOT NULL DEFAULT '[]',
  PRIMARY KEY (workspace_id, import_id, row_number),
  FOREIGN KEY (workspace_id, import_id) REFERENCES imports (workspace_id, id) ON DELETE CASCADE
);
-- Saved column mappings, found again by the hash of a file's normalized headers.
CREATE TABLE import_mappings (
  workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
  id BIGINT NOT NULL,
  name TEXT NOT NULL,
  header_hash TEXT NOT NULL,
  headers TEXT NOT NULL DEFAULT '[]',
  mapping TEXT NOT NULL DEFAULT '{}',
  created_by BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (workspace_id, id)
);
CREATE UNIQUE INDEX import_mappings_name ON import_mappings (workspace_id, name);
CREATE INDEX import_mappings_by_hash ON import_mappings (workspace_id, header_hash, updated_at);
CREATE INDEX imports_by_time ON imports (workspace_id, created_at, id);
