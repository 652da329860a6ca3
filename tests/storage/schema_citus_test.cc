// The schema fits Citus sharded by workspace (issue 3, item 4; docs/scaling.md): on a migrated
// database, read the catalog and check that every workspace-keyed table's primary key and every
// unique index lead with workspace_id and that every foreign key carries workspace_id to the
// referenced table's workspace column. Citus needs exactly this: a unique constraint or a
// foreign key between distributed tables is enforceable only when it includes the distribution
// column. Runs on SQLite and, in the "pg:" runs, on PostgreSQL.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "fixtures/temp_dir.h"
#include "storage/database.h"

namespace rally::storage {
namespace {

// Tables that are not distributed by workspace, and why. Every other table must pass the checks.
// - schema_migrations: the migration ledger, one row per schema version for the whole database;
//   a Citus reference table (replicated to every node).
// - contact_search*: SQLite's full-text index (never on Citus).
// - workspaces: its id IS the workspace id (the row every other table hangs from); a reference
//   table, so the foreign keys `workspace_id REFERENCES workspaces(id)` stay local on every node.
// jobs is NOT listed: its primary key is (workspace_id, id). Its claim/reap/purge indexes
// (jobs_claimable, jobs_leased, jobs_finished) do not lead with workspace_id, but they are
// non-unique, and Citus allows any non-unique index on a distributed table (each shard keeps its
// own); the claim query that uses them is the one sanctioned cross-workspace query (a fan-out).
const std::set<std::string>& AllowList() {
  static const std::set<std::string> tables = {
      "schema_migrations", "workspaces",
      // SQLite only (migration 0003): the FTS5 search index and its shadow tables, keyed by
      // contact id. PostgreSQL keeps the search vector on contacts itself.
      "contact_search", "contact_search_data", "contact_search_idx", "contact_search_content",
      "contact_search_docsize", "contact_search_config"};
  return tables;
}

// The column of a referenced table a foreign key must map workspace_id to: a table's own
// workspace_id, except workspaces, whose id is the workspace id.
std::string WorkspaceColumnOf(const std::string& table) {
  return table == "workspaces" ? "id" : "workspace_id";
}

struct ForeignKey {
  std::string referenced_table;
  std::vector<std::pair<std::string, std::string>> columns;  // (from, to), in key order
};

struct TableKeys {
  std::vector<std::string> primary_key;                      // in key order
  std::map<std::string, std::vector<std::string>> uniques;   // index name -> columns in order
  std::map<std::string, ForeignKey> foreign_keys;            // constraint id -> key
};

std::string Join(const std::vector<std::string>& cols) {
  std::string out;
  for (const std::string& c : cols) out += (out.empty() ? "" : ", ") + c;
  return out;
}

// The keys of every table in the database (the public schema on PostgreSQL). Expression columns
// of an index read as "<expr>".
Status ReadCatalog(Connection& c, std::map<std::string, TableKeys>& tables) {
  if (c.dialect() == Dialect::kSqlite) {
    RALLY_RETURN_IF_ERROR(c.Query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'", {},
        [&](const Row& r) {
          tables[std::string(r.Text(0))];
          return true;
        }));
    RALLY_RETURN_IF_ERROR(c.Query(
        "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p "
        "WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND p.pk > 0 ORDER BY m.name, p.pk",
        {}, [&](const Row& r) {
          tables[std::string(r.Text(0))].primary_key.emplace_back(r.Text(1));
          return true;
        }));
    // origin 'pk' is the primary key's own index (already read above); 'u' and 'c' are UNIQUE
    // constraints and CREATE UNIQUE INDEX.
    RALLY_RETURN_IF_ERROR(c.Query(
        "SELECT m.name, l.name, COALESCE(i.name, '<expr>') "
        "FROM sqlite_master m, pragma_index_list(m.name) l, pragma_index_info(l.name) i "
        "WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND l.\"unique\" = 1 "
        "AND l.origin <> 'pk' ORDER BY m.name, l.name, i.seqno",
        {}, [&](const Row& r) {
          tables[std::string(r.Text(0))].uniques[std::string(r.Text(1))].emplace_back(r.Text(2));
          return true;
        }));
    // "to" is NULL when the key names only the referenced table (its primary key): resolved below.
    RALLY_RETURN_IF_ERROR(c.Query(
        "SELECT m.name, f.id, f.\"table\", f.\"from\", f.\"to\", f.seq "
        "FROM sqlite_master m, pragma_foreign_key_list(m.name) f "
        "WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, f.id, f.seq",
        {}, [&](const Row& r) {
          ForeignKey& fk = tables[std::string(r.Text(0))].foreign_keys[std::to_string(r.Int(1))];
          fk.referenced_table = std::string(r.Text(2));
          fk.columns.emplace_back(std::string(r.Text(3)), r.IsNull(4) ? "" : std::string(r.Text(4)));
          return true;
        }));
    for (auto& [name, keys] : tables) {
      for (auto& [id, fk] : keys.foreign_keys) {
        for (size_t i = 0; i < fk.columns.size(); ++i) {
          if (!fk.columns[i].second.empty()) continue;
          const auto& pk = tables[fk.referenced_table].primary_key;
          fk.columns[i].second = i < pk.size() ? pk[i] : "?";
        }
      }
    }
    return Status::Ok();
  }
  RALLY_RETURN_IF_ERROR(c.Query(
      "SELECT table_name FROM information_schema.tables "
      "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
      {}, [&](const Row& r) {
        tables[std::string(r.Text(0))];
        return true;
      }));
  // pg_index covers primary keys, UNIQUE constraints and CREATE UNIQUE INDEX alike; only the key
  // columns count (not INCLUDE columns); attnum 0 is an expression.
  RALLY_RETURN_IF_ERROR(c.Query(
      "SELECT t.relname::text, ic.relname::text, x.indisprimary::int, "
      "       COALESCE(a.attname::text, '<expr>') "
      "FROM pg_index x "
      "JOIN pg_class t ON t.oid = x.indrelid "
      "JOIN pg_namespace n ON n.oid = t.relnamespace "
      "JOIN pg_class ic ON ic.oid = x.indexrelid "
      "CROSS JOIN LATERAL unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord) "
      "LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum "
      "WHERE n.nspname = 'public' AND t.relkind = 'r' AND x.indisunique "
      "AND k.ord <= x.indnkeyatts "
      "ORDER BY 1, 2, k.ord",
      {}, [&](const Row& r) {
        TableKeys& keys = tables[std::string(r.Text(0))];
        if (r.Int(2) != 0) {
          keys.primary_key.emplace_back(r.Text(3));
        } else {
          keys.uniques[std::string(r.Text(1))].emplace_back(r.Text(3));
        }
        return true;
      }));
  RALLY_RETURN_IF_ERROR(c.Query(
      "SELECT t.relname::text, con.conname::text, rt.relname::text, a.attname::text, "
      "       ra.attname::text "
      "FROM pg_constraint con "
      "JOIN pg_class t ON t.oid = con.conrelid "
      "JOIN pg_namespace n ON n.oid = t.relnamespace "
      "JOIN pg_class rt ON rt.oid = con.confrelid "
      "CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(col, refcol, ord) "
      "JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.col "
      "JOIN pg_attribute ra ON ra.attrelid = con.confrelid AND ra.attnum = k.refcol "
      "WHERE con.contype = 'f' AND n.nspname = 'public' "
      "ORDER BY 1, 2, k.ord",
      {}, [&](const Row& r) {
        ForeignKey& fk = tables[std::string(r.Text(0))].foreign_keys[std::string(r.Text(1))];
        fk.referenced_table = std::string(r.Text(2));
        fk.columns.emplace_back(std::string(r.Text(3)), std::string(r.Text(4)));
        return true;
      }));
  return Status::Ok();
}

// One line per rule broken, each starting with "<table>: ". Empty when the schema fits Citus.
std::vector<std::string> CitusViolations(const std::map<std::string, TableKeys>& tables) {
  std::vector<std::string> out;
  for (const auto& [name, keys] : tables) {
    if (AllowList().count(name) > 0) continue;
    if (keys.primary_key.empty() || keys.primary_key.front() != "workspace_id") {
      out.push_back(name + ": primary key (" + Join(keys.primary_key) +
                    ") does not lead with workspace_id");
    }
    for (const auto& [index, cols] : keys.uniques) {
      if (cols.empty() || cols.front() != "workspace_id") {
        out.push_back(name + ": unique " + index + " (" + Join(cols) +
                      ") does not lead with workspace_id");
      }
    }
    for (const auto& [id, fk] : keys.foreign_keys) {
      const std::string want = WorkspaceColumnOf(fk.referenced_table);
      bool carried = std::any_of(fk.columns.begin(), fk.columns.end(), [&](const auto& p) {
        return p.first == "workspace_id" && p.second == want;
      });
      if (!carried) {
        std::string cols;
        for (const auto& [from, to] : fk.columns) {
          cols += (cols.empty() ? "" : ", ") + from + "->" + to;
        }
        out.push_back(name + ": foreign key to " + fk.referenced_table + " (" + cols +
                      ") does not map workspace_id to " + fk.referenced_table + "." + want);
      }
    }
  }
  return out;
}

class SchemaCitusTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = rally::testing::OpenTestDatabase(dir_);
    ASSERT_NE(db_, nullptr);
  }
  std::map<std::string, TableKeys> Catalog() {
    std::map<std::string, TableKeys> tables;
    Status s = db_->Read([&](Connection& c) { return ReadCatalog(c, tables); });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return tables;
  }
  rally::testing::TempDir dir_;
  std::unique_ptr<Database> db_;
};

TEST_F(SchemaCitusTest, EveryWorkspaceTableIsKeyedByWorkspace) {
  std::map<std::string, TableKeys> tables = Catalog();
  // Guard against a catalog read that silently finds nothing (which would pass every check):
  // the core tables and their keys must be seen.
  for (const char* t : {"workspaces", "users", "contacts", "contact_tags", "jobs"}) {
    EXPECT_EQ(tables.count(t), 1u) << t;
  }
  EXPECT_EQ(tables["contact_tags"].primary_key,
            (std::vector<std::string>{"workspace_id", "contact_id", "tag_id"}));
  EXPECT_FALSE(tables["users"].uniques.empty());
  EXPECT_EQ(tables["contact_tags"].foreign_keys.size(), 2u);
  for (const std::string& v : CitusViolations(tables)) ADD_FAILURE() << v;
}

TEST_F(SchemaCitusTest, CheckerFlagsTablesThatBreakTheRules) {
  // One table per rule, each breaking only that rule. The FK of citus_bad_fk names workspace_id
  // but maps it to contacts.id (the referenced columns are in the wrong order).
  ASSERT_TRUE(db_->Write([](Transaction& tx) {
                   return tx.ExecScript(
                       "CREATE TABLE citus_bad_pk (id BIGINT PRIMARY KEY, workspace_id BIGINT);"
                       "CREATE TABLE citus_bad_unique (workspace_id BIGINT NOT NULL, "
                       "  id BIGINT NOT NULL, email TEXT, PRIMARY KEY (workspace_id, id), "
                       "  UNIQUE (email));"
                       "CREATE TABLE citus_bad_fk (workspace_id BIGINT NOT NULL, "
                       "  id BIGINT NOT NULL, contact_id BIGINT, PRIMARY KEY (workspace_id, id), "
                       "  FOREIGN KEY (workspace_id, contact_id) "
                       "  REFERENCES contacts (id, workspace_id));"
                       "CREATE TABLE citus_bad_fk_missing (workspace_id BIGINT NOT NULL, "
                       "  id BIGINT NOT NULL, email TEXT, PRIMARY KEY (workspace_id, id), "
                       "  FOREIGN KEY (email) REFERENCES citus_bad_unique (email))");
                 }).ok());
  struct Case {
    std::string table;
    std::string want;  // in the table's one violation
  };
  const std::vector<Case> cases = {
      {"citus_bad_pk", "primary key (id) does not lead with workspace_id"},
      {"citus_bad_unique", "(email) does not lead with workspace_id"},
      {"citus_bad_fk", "foreign key to contacts (workspace_id->id, contact_id->workspace_id)"},
      {"citus_bad_fk_missing", "foreign key to citus_bad_unique (email->email)"},
  };
  std::vector<std::string> violations = CitusViolations(Catalog());
  EXPECT_EQ(violations.size(), cases.size()) << "the migrated tables must add none";
  for (const Case& c : cases) {
    int found = 0;
    for (const std::string& v : violations) {
      if (v.rfind(c.table + ": ", 0) == 0) {
        ++found;
        EXPECT_NE(v.find(c.want), std::string::npos) << v;
      }
    }
    EXPECT_EQ(found, 1) << c.table;
  }
}

}  // namespace
}  // namespace rally::storage
