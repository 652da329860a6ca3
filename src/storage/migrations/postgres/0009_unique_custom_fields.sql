-- Unique custom fields: PostgreSQL spelling of migrations/sqlite/0009_unique_custom_fields.sql
-- (see there). Flags stay integers, as in 0001.
ALTER TABLE custom_fields ADD COLUMN is_unique BIGINT NOT NULL DEFAULT 0;

CREATE TABLE custom_unique_values (
  workspace_id BIGINT NOT NULL,
  field_id BIGINT NOT NULL,
  value_norm TEXT COLLATE "C" NOT NULL,
  contact_id BIGINT NOT NULL,
  PRIMARY KEY (workspace_id, field_id, value_norm),
  FOREIGN KEY (workspace_id, field_id) REFERENCES custom_fields (workspace_id, id) ON DELETE CASCADE,
  FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX custom_unique_values_by_contact ON custom_unique_values (workspace_id, contact_id);
