-- Search indexing once per group commit instead of once per contact (issue 2's single-create
-- target; docs/decisions: search indexed at commit).
--
-- With 0003's triggers every contact write wrote the FTS5 index itself. SQLite 3.40's FTS5
-- flushes its pending terms to a new on-disk segment at every savepoint release, and the group
-- commit (storage/sqlite) runs each caller in its own savepoint: each create wrote a segment of
-- its own (63 us instead of 11 us per row), and FTS5 then spent more merging them.
--
-- Now the triggers only note which contacts are stale, in contact_search_queue, and the writer
-- indexes the whole queue set-based just before COMMIT, in the same transaction
-- (storage::IndexQueuedSearch, storage/dialect.h): a reader never sees a committed contact
-- without its search entry. Committed, the queue is always empty. The index itself
-- (contact_search: rowid = contact id, its own copy of the text) is kept as 0003 built it.
--
-- The queue is SQLite's own derived data, like the FTS5 tables: rally copy leaves it out
-- (storage/catalog.cc), and PostgreSQL has none (its search_doc column is set by a BEFORE
-- trigger, with no such cost).
DROP TRIGGER contact_search_insert;
DROP TRIGGER contact_search_update;
DROP TRIGGER contact_search_delete;
DROP TRIGGER contact_search_company_rename;

CREATE TABLE contact_search_queue (
  workspace_id INTEGER NOT NULL,
  contact_id INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, contact_id)
) WITHOUT ROWID;

-- OR IGNORE: a contact written twice in one transaction is indexed once.
CREATE TRIGGER contact_search_insert AFTER INSERT ON contacts BEGIN
  INSERT OR IGNORE INTO contact_search_queue (workspace_id, contact_id) VALUES (NEW.workspace_id, NEW.id);
END;

-- The write path rewrites every column on update; only a change of the searched ones re-indexes.
CREATE TRIGGER contact_search_update AFTER UPDATE OF first_name, last_name, email, company_id ON contacts
WHEN OLD.first_name IS NOT NEW.first_name OR OLD.last_name IS NOT NEW.last_name
  OR OLD.email IS NOT NEW.email OR OLD.company_id IS NOT NEW.company_id
BEGIN
  INSERT OR IGNORE INTO contact_search_queue (workspace_id, contact_id) VALUES (NEW.workspace_id, NEW.id);
END;

-- Indexing finds no contact for the id and so only removes its entry.
CREATE TRIGGER contact_search_delete AFTER DELETE ON contacts BEGIN
  INSERT OR IGNORE INTO contact_search_queue (workspace_id, contact_id) VALUES (OLD.workspace_id, OLD.id);
END;

CREATE TRIGGER contact_search_company_rename AFTER UPDATE OF name ON companies
WHEN OLD.name IS NOT NEW.name
BEGIN
  INSERT OR IGNORE INTO contact_search_queue (workspace_id, contact_id)
  SELECT workspace_id, id FROM contacts WHERE workspace_id = NEW.workspace_id AND company_id = NEW.id;
END;
