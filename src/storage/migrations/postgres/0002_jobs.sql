-- The durable job queue (src/jobs, docs/decisions/0005-job-queue.md). One row per job, kept after
-- it finishes until the retention purge. JSON documents (payload, progress, result) are TEXT:
-- the queue never looks inside them, and jsonb would reorder their keys.
CREATE TABLE jobs (
  workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
  id BIGINT NOT NULL,
  kind TEXT NOT NULL,
  payload TEXT NOT NULL DEFAULT 'null',
  state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'canceled')),
  attempts INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL,
  run_after BIGINT NOT NULL,
  -- Set while running: the claim's fencing token ("<runner owner>#<claim id>") and the instant
  -- after which another runner may take the job over.
  lease_owner TEXT,
  lease_expires_at BIGINT,
  cancel_requested INTEGER NOT NULL DEFAULT 0,
  progress TEXT NOT NULL DEFAULT '{}',
  result TEXT,
  error TEXT,
  actor_type TEXT NOT NULL DEFAULT 'system',
  actor_id BIGINT NOT NULL DEFAULT 0,
  created_by BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  started_at BIGINT,
  finished_at BIGINT,
  PRIMARY KEY (workspace_id, id)
);
-- Claiming (oldest due first, FOR UPDATE SKIP LOCKED), reaping expired leases and purging old
-- finished jobs span workspaces: the queue's sanctioned cross-workspace queries (on Citus,
-- fan-out queries). Partial indexes, so finished jobs never weigh on the claim.
CREATE INDEX jobs_claimable ON jobs (run_after, id) WHERE state = 'queued';
CREATE INDEX jobs_leased ON jobs (lease_expires_at) WHERE state = 'running';
CREATE INDEX jobs_finished ON jobs (finished_at) WHERE finished_at IS NOT NULL;
