-- contacts.search_doc (0003) set by the statement itself where it can be: the insert trigger
-- now fires only for a row that arrives without a search document. The batch path
-- (ContactRepository::InsertMany) computes the document in its INSERT ... SELECT from the same
-- rally_contact_search_doc(), joined with the company name: there the SQL function is inlined
-- and there is no PL/pgSQL call and company sub-select per row (48,567 generated contacts
-- inserted into a copy of the table: 0.62 s of the backend's CPU with the trigger, 0.37 s
-- computing the document in the statement, 0.05 s without a document; docs/benchmarks.md,
-- issue 3). Every other insert (single creates, rally copy from SQLite)
-- leaves search_doc NULL and gets it from the trigger as before; updates are unchanged.
DROP TRIGGER contact_search_insert ON contacts;
CREATE TRIGGER contact_search_insert BEFORE INSERT ON contacts
  FOR EACH ROW WHEN (NEW.search_doc IS NULL) EXECUTE FUNCTION rally_contact_search_trigger();
