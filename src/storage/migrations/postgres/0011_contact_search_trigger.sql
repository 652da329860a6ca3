-- contacts.search_doc (0003) computed for about half the CPU per row: 0003's trigger passed the
-- company lookup to rally_contact_search_doc() as a sub-select, which keeps PL/pgSQL from
-- inlining that SQL function, so every insert ran the SQL-function executor around the
-- tsvector work and the sub-select ran even for a contact without a company. Now the company
-- name is read first (only when there is one) and the function call, its arguments plain
-- values, is inlined into a simple expression. Same document as before, same triggers. An
-- INSERT ... SELECT of 48,567 generated contacts into a copy of the table spent 2.10 s in the
-- old trigger and 1.08 s in this one (a shared, loaded machine; docs/benchmarks.md, issue 3).
CREATE OR REPLACE FUNCTION rally_contact_search_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  company_name text;
BEGIN
  IF NEW.company_id IS NOT NULL THEN
    SELECT name INTO company_name FROM companies
      WHERE workspace_id = NEW.workspace_id AND id = NEW.company_id;
  END IF;
  NEW.search_doc := rally_contact_search_doc(NEW.first_name, NEW.last_name, NEW.email, company_name);
  RETURN NEW;
END
$$;
