-- Contact lists, segments and search as you type (src/query, issue 4).
--
-- Search: a bare word of a filter matches first name, last name, email and company name by
-- prefix, accent- and case-insensitively. contact_search is an FTS5 table, one row per contact
-- with rowid = the contact's id (ids are unique across workspaces: base/ids.h), kept current by
-- the triggers below in the writing transaction itself, so ContactService needs no code for it
-- and a search never sees a half-written contact. It stores its own copy of the text (not
-- external-content): a company rename re-indexes its contacts without having to replay the old
-- text, and a delete needs no old values. unicode61 with remove_diacritics 2 folds case and
-- accents ("José" matches "jose"); prefix='2 3' indexes 2- and 3-character prefixes so "jo*" is
-- one index range, not a scan of every term. detail=none: prefix and AND queries only.
CREATE VIRTUAL TABLE contact_search USING fts5(
  doc, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3', detail = none);

INSERT INTO contact_search (rowid, doc)
SELECT c.id, COALESCE(c.first_name, '') || ' ' || COALESCE(c.last_name, '') || ' ' || c.email || ' ' ||
       COALESCE(co.name, '')
FROM contacts c LEFT JOIN companies co ON co.workspace_id = c.workspace_id AND co.id = c.company_id;

CREATE TRIGGER contact_search_insert AFTER INSERT ON contacts BEGIN
  INSERT INTO contact_search (rowid, doc) VALUES (NEW.id,
    COALESCE(NEW.first_name, '') || ' ' || COALESCE(NEW.last_name, '') || ' ' || NEW.email || ' ' ||
    COALESCE((SELECT name FROM companies WHERE workspace_id = NEW.workspace_id AND id = NEW.company_id), ''));
END;

-- The write path rewrites every column on update; only a change of the searched ones re-indexes.
CREATE TRIGGER contact_search_update AFTER UPDATE OF first_name, last_name, email, company_id ON contacts
WHEN OLD.first_name IS NOT NEW.first_name OR OLD.last_name IS NOT NEW.last_name
  OR OLD.email IS NOT NEW.email OR OLD.company_id IS NOT NEW.company_id
BEGIN
  DELETE FROM contact_search WHERE rowid = OLD.id;
  INSERT INTO contact_search (rowid, doc) VALUES (NEW.id,
    COALESCE(NEW.first_name, '') || ' ' || COALESCE(NEW.last_name, '') || ' ' || NEW.email || ' ' ||
    COALESCE((SELECT name FROM companies WHERE workspace_id = NEW.workspace_id AND id = NEW.company_id), ''));
END;

CREATE TRIGGER contact_search_delete AFTER DELETE ON contacts BEGIN
  DELETE FROM contact_search WHERE rowid = OLD.id;
END;

CREATE TRIGGER contact_search_company_rename AFTER UPDATE OF name ON companies
WHEN OLD.name IS NOT NEW.name
BEGIN
  DELETE FROM contact_search WHERE rowid IN
    (SELECT id FROM contacts WHERE workspace_id = NEW.workspace_id AND company_id = NEW.id);
  INSERT INTO contact_search (rowid, doc)
  SELECT c.id, COALESCE(c.first_name, '') || ' ' || COALESCE(c.last_name, '') || ' ' || c.email || ' ' || NEW.name
  FROM contacts c WHERE c.workspace_id = NEW.workspace_id AND c.company_id = NEW.id;
END;

-- Segments. Live contacts only (every list query says deleted_at IS NULL). The segment of the
-- benchmarks, stage + score sorted by score, reads this index in order and stops after a page;
-- the id makes it a keyset cursor's seek target.
CREATE INDEX contacts_live_stage_score ON contacts (workspace_id, lifecycle_stage, lead_score, id)
  WHERE deleted_at IS NULL;
CREATE INDEX contacts_live_score ON contacts (workspace_id, lead_score, id) WHERE deleted_at IS NULL;
CREATE INDEX contacts_live_created ON contacts (workspace_id, created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX contacts_live_updated ON contacts (workspace_id, updated_at, id) WHERE deleted_at IS NULL;
CREATE INDEX contacts_by_owner ON contacts (workspace_id, owner_id) WHERE owner_id IS NOT NULL;
-- Tags by id (contact_tags_by_tag) exists since 0001; tag names to ids go through tags' unique key.
