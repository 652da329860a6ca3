-- Export jobs (src/importexport/export_jobs.h, issue 7): one row per export started with
-- POST /api/v1/exports. Its id is its job's id (the job holds state, progress and error); this
-- row holds what was asked, the finished file's size and name and when it expires. The file
-- itself is in export_chunks, base64 in TEXT (like import_chunks: `rally copy` moves text
-- columns and any process sharing the database can serve the download). Kept 24 hours.
CREATE TABLE exports (
  workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
  id BIGINT NOT NULL,
  format TEXT NOT NULL CHECK (format IN ('csv', 'xlsx')),
  request TEXT NOT NULL DEFAULT '{}',
  file_name TEXT NOT NULL DEFAULT '',
  file_size BIGINT NOT NULL DEFAULT 0,
  chunk_count INTEGER NOT NULL DEFAULT 0,
  row_count BIGINT NOT NULL DEFAULT 0,
  created_by BIGINT,
  created_at BIGINT NOT NULL,
  finished_at BIGINT,
  expires_at BIGINT,
  PRIMARY KEY (workspace_id, id)
);
CREATE INDEX exports_by_expiry ON exports (workspace_id, expires_at);
CREATE TABLE export_chunks (
  workspace_id BIGINT NOT NULL,
  export_id BIGINT NOT NULL,
  seq INTEGER NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (workspace_id, export_id, seq),
  FOREIGN KEY (workspace_id, export_id) REFERENCES exports (workspace_id, id) ON DELETE CASCADE
);
