-- The PostgreSQL floor of bench/bulk: the same rows as the service's batch path, loaded the
-- plain set-based way. psql runs it with the rally-datagen CSV on standard input:
--
--   psql -X -q -v ws=1 -v now=1 -f baseline_postgres.sql URL < contacts.csv
--
-- One transaction: COPY into a temporary staging table, one row per normalized email (the last
-- in the file wins), then one INSERT ... ON CONFLICT each for companies, contacts (+ their
-- primary email rows), tags and contact_tags. Into the same schema (indexes, foreign keys and
-- triggers) as Rally writes, on a fresh database migrated by `rally migrate`. What it does not
-- do, and the service does: validate and normalize each field (phones, URLs, emails with IDN,
-- select options), timeline entries, domain events, per-item results.
\set ON_ERROR_STOP on
BEGIN;
CREATE TEMP SEQUENCE bench_ids START 1000;
CREATE TEMP TABLE staging (
  line bigserial,
  email text, first_name text, last_name text, phone text, mobile text, title text,
  department text, company text, linkedin text, twitter text, street text, city text,
  state text, postal_code text, country text, lead_source text, lifecycle_stage text,
  lead_score text, tags text, industry text, annual_revenue text, renewal_date text
) ON COMMIT DROP;
\copy staging (email, first_name, last_name, phone, mobile, title, department, company, linkedin, twitter, street, city, state, postal_code, country, lead_source, lifecycle_stage, lead_score, tags, industry, annual_revenue, renewal_date) FROM pstdin WITH (FORMAT csv, HEADER true)

CREATE TEMP TABLE batch ON COMMIT DROP AS
  SELECT DISTINCT ON (email_norm) *
  FROM (SELECT lower(btrim(email)) AS email_norm, lower(btrim(company)) AS company_norm, * FROM staging) s
  ORDER BY email_norm, line DESC;
-- Statistics for the planner (a temporary table has none), so the joins below hash.
ANALYZE batch;

INSERT INTO companies (workspace_id, id, name, name_norm, created_at, updated_at)
  SELECT :ws, nextval('bench_ids'), min(btrim(company)), company_norm, :now, :now
  FROM batch WHERE company_norm <> '' GROUP BY company_norm
  ON CONFLICT (workspace_id, name_norm) DO NOTHING;

WITH upserted AS (
  INSERT INTO contacts (workspace_id, id, email, email_norm, first_name, last_name, phone, mobile,
                        title, department, linkedin, twitter, street, city, state, postal_code,
                        country, lead_source, company_id, lifecycle_stage, lead_score, custom,
                        created_at, updated_at)
  SELECT :ws, COALESCE(e.contact_id, nextval('bench_ids')), btrim(b.email), b.email_norm,
         NULLIF(b.first_name, ''), NULLIF(b.last_name, ''), NULLIF(b.phone, ''), NULLIF(b.mobile, ''),
         NULLIF(b.title, ''), NULLIF(b.department, ''), NULLIF(b.linkedin, ''), NULLIF(b.twitter, ''),
         NULLIF(b.street, ''), NULLIF(b.city, ''), NULLIF(b.state, ''), NULLIF(b.postal_code, ''),
         NULLIF(b.country, ''), NULLIF(b.lead_source, ''), co.id,
         CASE lower(b.lifecycle_stage) WHEN 'qualified' THEN 1 WHEN 'opportunity' THEN 2
           WHEN 'customer' THEN 3 WHEN 'evangelist' THEN 4 ELSE 0 END,
         COALESCE(NULLIF(b.lead_score, '')::bigint, 0),
         json_strip_nulls(json_build_object('industry', NULLIF(b.industry, ''),
           'annual_revenue', NULLIF(b.annual_revenue, '')::numeric,
           'renewal_date', NULLIF(b.renewal_date, ''))),
         :now, :now
  FROM batch b
  LEFT JOIN contact_emails e ON e.workspace_id = :ws AND e.email_norm = b.email_norm
  LEFT JOIN companies co ON co.workspace_id = :ws AND co.name_norm = b.company_norm
  ON CONFLICT (workspace_id, id) DO UPDATE SET
    email = excluded.email, first_name = excluded.first_name, last_name = excluded.last_name,
    phone = excluded.phone, mobile = excluded.mobile, title = excluded.title,
    department = excluded.department, linkedin = excluded.linkedin, twitter = excluded.twitter,
    street = excluded.street, city = excluded.city, state = excluded.state,
    postal_code = excluded.postal_code, country = excluded.country,
    lead_source = excluded.lead_source, company_id = excluded.company_id,
    lifecycle_stage = excluded.lifecycle_stage, lead_score = excluded.lead_score,
    custom = excluded.custom, updated_at = excluded.updated_at
  RETURNING id, email, email_norm
)
INSERT INTO contact_emails (workspace_id, email_norm, contact_id, email, position)
  SELECT :ws, email_norm, id, email, 0 FROM upserted
  ON CONFLICT (workspace_id, email_norm) DO NOTHING;

INSERT INTO tags (workspace_id, id, name, name_norm, created_at)
  SELECT :ws, nextval('bench_ids'), min(t), lower(t), :now
  FROM (SELECT btrim(x) AS t FROM batch, unnest(string_to_array(tags, ',')) AS x) s
  WHERE t <> '' GROUP BY lower(t)
  ON CONFLICT (workspace_id, name_norm) DO NOTHING;

INSERT INTO contact_tags (workspace_id, contact_id, tag_id)
  SELECT DISTINCT :ws, e.contact_id, t.id
  FROM batch b
  JOIN contact_emails e ON e.workspace_id = :ws AND e.email_norm = b.email_norm
  CROSS JOIN LATERAL unnest(string_to_array(b.tags, ',')) AS x(name)
  JOIN tags t ON t.workspace_id = :ws AND t.name_norm = lower(btrim(x.name))
  ON CONFLICT DO NOTHING;
COMMIT;
