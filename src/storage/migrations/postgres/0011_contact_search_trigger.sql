-- contacts.search_doc (0003) set by the statement itself where it can be: the insert trigger
-- now fires only for a row that arrives without a search document. The batch path
-- (ContactRepository::InsertMany) computes the document in its INSERT ... SELECT from the same
-- rally_contact_search_doc(), joined with the company name: there the SQL function is inlined
-- and there is no PL/pgSQL call and company sub-select per row, which cost about as much as the
-- tsvector itself (48,567 generated contacts inserted into a copy of the table: 2.7-3.1 s with
-- the trigger, 1.7 s computing the document in the statement, on a shared, loaded machine;
-- docs/benchmarks.md, issue 3). Every other insert (single creates, rally copy from SQLite)
-- leaves search_doc NULL and gets it from the trigger as before; updates are unchanged.
DROP TRIGGER contact_search_insert ON contacts;
CREATE TRIGGER contact_search_insert BEFORE INSERT ON contacts
  FOR EACH ROW WHEN (NEW.search_doc IS NULL) EXECUTE FUNCTION rally_contact_search_trigger();
