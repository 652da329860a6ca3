"""SQLite's own floor for bench/api's single creates (used by bench/api/floor).

The rows that N creates through POST /api/v1/contacts wrote (the contact, its email row, tag rows,
timeline entry) are copied set-based, G contacts per transaction, into a copy of the database they
were created in, with the writer's pragmas and the search indexing and merge that Rally's writer
runs at each commit (storage/dialect.cc, IndexQueuedSearch). No HTTP, JSON, validation, lookups
or C++: what is left is what SQLite itself spends on this schema.

  floor.py stage SRC_DB FIRST_ROWID G STAGE_DB
      copies the contacts of SRC_DB with rowid > FIRST_ROWID and their rows into STAGE_DB,
      numbered into transactions of G contacts in creation order; prints "contacts batches"
  floor.py script STAGE_DB G BATCHES AUTOCHECKPOINT
      prints the sqlite3 script that inserts the first BATCHES transactions of STAGE_DB into the
      database it runs on, with PRAGMA wal_autocheckpoint=AUTOCHECKPOINT (0: no checkpoints)
"""
import sqlite3
import sys

TABLES = ["contacts", "contact_emails", "contact_tags", "activities"]
CONTACT_KEY = {"contacts": "id", "contact_emails": "contact_id", "contact_tags": "contact_id",
               "activities": "contact_id"}
# The statements of IndexQueuedSearchStatements (src/storage/dialect.cc), then its merge.
INDEX_SEARCH = [
    "DELETE FROM contact_search WHERE rowid IN (SELECT contact_id FROM contact_search_queue);",
    "INSERT INTO contact_search (rowid, doc) SELECT c.id, COALESCE(c.first_name, '') || ' ' || "
    "COALESCE(c.last_name, '') || ' ' || c.email || ' ' || COALESCE(co.name, '') "
    "FROM contact_search_queue q CROSS JOIN contacts c ON c.workspace_id = q.workspace_id "
    "AND c.id = q.contact_id LEFT JOIN companies co ON co.workspace_id = c.workspace_id "
    "AND co.id = c.company_id;",
    "DELETE FROM contact_search_queue;",
]
MIN_MERGE_PAGES = 4  # kMinMergePages


def stage(src, first_rowid, group, out):
    con = sqlite3.connect(out)
    con.execute("ATTACH ? AS o", (src,))
    con.execute(
        "CREATE TABLE ord AS SELECT workspace_id, id, "
        f"(ROW_NUMBER() OVER (ORDER BY rowid) - 1) / {group} AS b "
        f"FROM o.contacts WHERE rowid > {first_rowid}")
    con.execute("CREATE INDEX ord_id ON ord (workspace_id, id)")
    for t in TABLES:
        con.execute(
            f"CREATE TABLE s_{t} AS SELECT ord.b AS b__, x.* FROM o.{t} x JOIN ord "
            f"ON ord.workspace_id = x.workspace_id AND ord.id = x.{CONTACT_KEY[t]} "
            "ORDER BY ord.b, x.rowid")
        con.execute(f"CREATE INDEX s_{t}_b ON s_{t} (b__)")
    con.commit()
    contacts, last = con.execute("SELECT COUNT(*), MAX(b) FROM ord").fetchone()
    print(contacts, (last or -1) + 1)


def script(staged, group, batches, autocheckpoint):
    con = sqlite3.connect(staged)
    cols = {t: ", ".join(r[1] for r in con.execute(f"PRAGMA table_info(s_{t})") if r[1] != "b__")
            for t in TABLES}
    out = [f"ATTACH '{staged}' AS s;",
           "PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536; "
           f"PRAGMA temp_store=MEMORY; PRAGMA wal_autocheckpoint={autocheckpoint};"]
    merge = max(MIN_MERGE_PAGES, group // 2)
    for b in range(batches):
        out.append("BEGIN IMMEDIATE;")
        for t in TABLES:
            out.append(f"INSERT INTO main.{t} ({cols[t]}) SELECT {cols[t]} FROM s.s_{t} "
                       f"WHERE b__ = {b};")
        out.extend(INDEX_SEARCH)
        out.append(f"INSERT INTO contact_search (contact_search, rank) VALUES ('merge', {merge});")
        out.append("COMMIT;")
    print("\n".join(out))


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "stage":
        stage(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
    elif len(sys.argv) == 6 and sys.argv[1] == "script":
        script(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
    else:
        sys.exit(__doc__)
