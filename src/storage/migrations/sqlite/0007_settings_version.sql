-- The version of a workspace's input settings: its custom field definitions and default_region,
-- what validating a contact depends on. Every transaction that changes them bumps it, so a
-- process can keep the definitions parsed in memory and check them with one primary-key read
-- inside its write transaction (fields/field_settings.h, docs/decisions: field settings cache).
ALTER TABLE workspaces ADD COLUMN settings_version INTEGER NOT NULL DEFAULT 0;
