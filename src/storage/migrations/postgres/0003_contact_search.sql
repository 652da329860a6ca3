-- Contact lists, segments and search as you type (src/query, issue 4).
--
-- Search: a bare word of a filter matches first name, last name, email and company name by
-- prefix, accent- and case-insensitively. contacts.search_doc is a tsvector of those words,
-- accents removed (unaccent) and punctuation turned into spaces (so "jo.smith@example.com" gives
-- jo, smith, example, com, as SQLite's unicode61 tokenizer does), kept by triggers in the
-- writing transaction itself, so ContactService needs no code for it. Queries use prefix terms
-- (to_tsquery('simple', 'jo:*')) through a GIN index. The 'simple' configuration lower-cases
-- and neither stems nor drops stop words: names are not prose.
CREATE EXTENSION IF NOT EXISTS unaccent;

CREATE FUNCTION rally_contact_search_doc(first_name text, last_name text, email text, company text)
RETURNS tsvector LANGUAGE sql STABLE AS $$
  SELECT to_tsvector('simple'::regconfig, translate(unaccent(
    coalesce(first_name, '') || ' ' || coalesce(last_name, '') || ' ' || coalesce(email, '') || ' ' ||
    coalesce(company, '')), '.@_-+/:''"', '          '))
$$;

ALTER TABLE contacts ADD COLUMN search_doc tsvector;

CREATE FUNCTION rally_contact_search_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_doc := rally_contact_search_doc(NEW.first_name, NEW.last_name, NEW.email,
    (SELECT name FROM companies WHERE workspace_id = NEW.workspace_id AND id = NEW.company_id));
  RETURN NEW;
END
$$;

CREATE TRIGGER contact_search_insert BEFORE INSERT ON contacts
  FOR EACH ROW EXECUTE FUNCTION rally_contact_search_trigger();
-- The write path rewrites every column on update; only a change of the searched ones re-indexes.
CREATE TRIGGER contact_search_update BEFORE UPDATE ON contacts FOR EACH ROW
  WHEN (OLD.first_name IS DISTINCT FROM NEW.first_name OR OLD.last_name IS DISTINCT FROM NEW.last_name
        OR OLD.email IS DISTINCT FROM NEW.email OR OLD.company_id IS DISTINCT FROM NEW.company_id)
  EXECUTE FUNCTION rally_contact_search_trigger();

CREATE FUNCTION rally_company_rename_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE contacts SET search_doc = rally_contact_search_doc(first_name, last_name, email, NEW.name)
  WHERE workspace_id = NEW.workspace_id AND company_id = NEW.id;
  RETURN NULL;
END
$$;
CREATE TRIGGER contact_search_company_rename AFTER UPDATE OF name ON companies FOR EACH ROW
  WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION rally_company_rename_trigger();

UPDATE contacts c SET search_doc = rally_contact_search_doc(c.first_name, c.last_name, c.email,
  (SELECT name FROM companies co WHERE co.workspace_id = c.workspace_id AND co.id = c.company_id));

CREATE INDEX contacts_search ON contacts USING gin (search_doc);

-- Segments. Live contacts only (every list query says deleted_at IS NULL). The segment of the
-- benchmarks, stage + score sorted by score, reads this index in order and stops after a page;
-- the id makes it a keyset cursor's seek target.
CREATE INDEX contacts_live_stage_score ON contacts (workspace_id, lifecycle_stage, lead_score, id)
  WHERE deleted_at IS NULL;
CREATE INDEX contacts_live_score ON contacts (workspace_id, lead_score, id) WHERE deleted_at IS NULL;
CREATE INDEX contacts_live_created ON contacts (workspace_id, created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX contacts_live_updated ON contacts (workspace_id, updated_at, id) WHERE deleted_at IS NULL;
CREATE INDEX contacts_by_owner ON contacts (workspace_id, owner_id) WHERE owner_id IS NOT NULL;
