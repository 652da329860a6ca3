-- Unique custom fields (issue 6, "match on a unique custom field"): a custom field may be marked
-- unique, and then no two contacts of a workspace hold the same value of it (a soft-deleted
-- contact keeps its value reserved until purged, as it keeps its emails). The values live on
-- contacts.custom as before; custom_unique_values is their index, written by the contacts write
-- path (contacts/unique_fields.h) in the same transaction, so the database itself refuses a
-- duplicate. value_norm is fields::UniqueValueNorm: text trimmed and case-folded, numbers by
-- value. Both foreign keys cascade: purging a contact or deleting the field removes its rows.
ALTER TABLE custom_fields ADD COLUMN is_unique INTEGER NOT NULL DEFAULT 0;

CREATE TABLE custom_unique_values (
  workspace_id INTEGER NOT NULL,
  field_id INTEGER NOT NULL,
  value_norm TEXT NOT NULL,
  contact_id INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, field_id, value_norm),
  FOREIGN KEY (workspace_id, field_id) REFERENCES custom_fields (workspace_id, id) ON DELETE CASCADE,
  FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX custom_unique_values_by_contact ON custom_unique_values (workspace_id, contact_id);
