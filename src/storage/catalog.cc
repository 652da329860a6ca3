#include "storage/catalog.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace rally::storage {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Orders `tables` (in creation order) so that each comes after the tables it references: a
// stable topological sort, the next table always the earliest-created one whose references are
// all placed. A cycle is broken by placing its earliest-created table.
std::vector<TableInfo> ParentsFirst(std::vector<TableInfo> tables) {
  std::vector<TableInfo> out;
  std::set<std::string> placed;
  std::vector<bool> done(tables.size(), false);
  while (out.size() < tables.size()) {
    size_t pick = tables.size();
    for (size_t i = 0; i < tables.size() && pick == tables.size(); ++i) {
      if (done[i]) continue;
      bool ready = std::all_of(tables[i].references.begin(), tables[i].references.end(),
                               [&](const std::string& r) {
                                 // A reference to a table outside the list cannot be waited for.
                                 bool known = std::any_of(tables.begin(), tables.end(),
                                                          [&](const TableInfo& t) { return t.name == r; });
                                 return placed.count(r) > 0 || !known;
                               });
      if (ready) pick = i;
    }
    if (pick == tables.size()) {
      pick = static_cast<size_t>(std::find(done.begin(), done.end(), false) - done.begin());
    }
    done[pick] = true;
    placed.insert(tables[pick].name);
    out.push_back(std::move(tables[pick]));
  }
  return out;
}

Status ReadSqlite(Connection& c, std::vector<TableInfo>& tables, std::map<std::string, size_t>& at) {
  // pragma_table_list (SQLite 3.37+) tells ordinary tables from virtual and shadow ones, which
  // sqlite_master lists as tables too. contact_search_queue (migration 0008) is an ordinary
  // table but part of the search index all the same: empty whenever committed, SQLite only.
  RALLY_RETURN_IF_ERROR(c.Query(
      "SELECT m.name FROM sqlite_master m JOIN pragma_table_list l "
      "ON l.schema = 'main' AND l.name = m.name AND l.type = 'table' "
      "WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' "
      "AND m.name <> 'contact_search_queue' ORDER BY m.rowid",
      {}, [&](const Row& r) {
        at[std::string(r.Text(0))] = tables.size();
        tables.push_back(TableInfo{std::string(r.Text(0)), {}, {}, {}});
        return true;
      }));
  // table_info leaves out generated columns (xinfo would show them as hidden): none can be
  // written, so none is copied.
  std::map<std::string, std::map<int64_t, std::string>> pk;  // table -> key position -> column
  RALLY_RETURN_IF_ERROR(c.Query(
      "SELECT m.name, p.name, p.type, p.pk FROM sqlite_master m, pragma_table_info(m.name) p "
      "WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.rowid, p.cid",
      {}, [&](const Row& r) {
        auto it = at.find(std::string(r.Text(0)));
        if (it == at.end()) return true;
        ColumnInfo col{std::string(r.Text(1)), std::string(r.Text(2)), ColumnKind::kText};
        col.kind = KindOfType(Dialect::kSqlite, col.declared_type);
        tables[it->second].columns.push_back(std::move(col));
        if (r.Int(3) > 0) pk[std::string(r.Text(0))][r.Int(3)] = std::string(r.Text(1));
        return true;
      }));
  for (auto& [table, cols] : pk)
    for (auto& [pos, col] : cols) tables[at[table]].primary_key.push_back(col);
  return c.Query(
      "SELECT DISTINCT m.name, f.\"table\" FROM sqlite_master m, pragma_foreign_key_list(m.name) f "
      "WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'",
      {}, [&](const Row& r) {
        auto it = at.find(std::string(r.Text(0)));
        if (it != at.end()) tables[it->second].references.emplace_back(r.Text(1));
        return true;
      });
}

Status ReadPostgres(Connection& c, std::vector<TableInfo>& tables, std::map<std::string, size_t>& at) {
  // Creation order: table oids grow as tables are created (until the oid counter wraps, which
  // would only make the order below fall back on the foreign keys alone).
  constexpr std::string_view kTables =
      "FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace "
      "WHERE n.nspname = current_schema() AND t.relkind IN ('r', 'p') ";
  RALLY_RETURN_IF_ERROR(c.Query("SELECT t.relname::text " + std::string(kTables) + "ORDER BY t.oid",
                                {}, [&](const Row& r) {
                                  at[std::string(r.Text(0))] = tables.size();
                                  tables.push_back(TableInfo{std::string(r.Text(0)), {}, {}, {}});
                                  return true;
                                }));
  RALLY_RETURN_IF_ERROR(c.Query(
      "SELECT t.relname::text, a.attname::text, format_type(a.atttypid, a.atttypmod) "
      "FROM pg_attribute a JOIN pg_class t ON t.oid = a.attrelid "
      "JOIN pg_namespace n ON n.oid = t.relnamespace "
      "WHERE n.nspname = current_schema() AND t.relkind IN ('r', 'p') AND a.attnum > 0 "
      "AND NOT a.attisdropped AND a.attgenerated = '' ORDER BY t.oid, a.attnum",
      {}, [&](const Row& r) {
        auto it = at.find(std::string(r.Text(0)));
        if (it == at.end()) return true;
        ColumnInfo col{std::string(r.Text(1)), std::string(r.Text(2)), ColumnKind::kText};
        col.kind = KindOfType(Dialect::kPostgres, col.declared_type);
        tables[it->second].columns.push_back(std::move(col));
        return true;
      }));
  RALLY_RETURN_IF_ERROR(c.Query(
      "SELECT t.relname::text, a.attname::text "
      "FROM pg_index x JOIN pg_class t ON t.oid = x.indrelid "
      "JOIN pg_namespace n ON n.oid = t.relnamespace "
      "CROSS JOIN LATERAL unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord) "
      "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum "
      "WHERE n.nspname = current_schema() AND x.indisprimary ORDER BY t.oid, k.ord",
      {}, [&](const Row& r) {
        auto it = at.find(std::string(r.Text(0)));
        if (it != at.end()) tables[it->second].primary_key.emplace_back(r.Text(1));
        return true;
      }));
  return c.Query(
      "SELECT DISTINCT t.relname::text, rt.relname::text FROM pg_constraint con "
      "JOIN pg_class t ON t.oid = con.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace "
      "JOIN pg_class rt ON rt.oid = con.confrelid "
      "WHERE con.contype = 'f' AND n.nspname = current_schema()",
      {}, [&](const Row& r) {
        auto it = at.find(std::string(r.Text(0)));
        if (it != at.end()) tables[it->second].references.emplace_back(r.Text(1));
        return true;
      });
}

}  // namespace

const ColumnInfo* TableInfo::Column(std::string_view column) const {
  for (const ColumnInfo& c : columns)
    if (c.name == column) return &c;
  return nullptr;
}

ColumnKind KindOfType(Dialect dialect, std::string_view declared_type) {
  std::string t = Lower(declared_type);
  if (dialect == Dialect::kSqlite) {
    // SQLite's column affinity rules (https://sqlite.org/datatype3.html, 3.1), in their order.
    if (t.find("int") != std::string::npos) return ColumnKind::kInteger;
    if (t.find("char") != std::string::npos || t.find("clob") != std::string::npos ||
        t.find("text") != std::string::npos)
      return ColumnKind::kText;
    if (t.empty() || t.find("blob") != std::string::npos) return ColumnKind::kUnsupported;
    if (t.find("real") != std::string::npos || t.find("floa") != std::string::npos ||
        t.find("doub") != std::string::npos)
      return ColumnKind::kReal;
    return ColumnKind::kText;  // NUMERIC affinity: its text form converts back
  }
  if (t == "smallint" || t == "integer" || t == "bigint" || t == "boolean")
    return ColumnKind::kInteger;  // booleans read as 1/0 and bind back as '1'/'0'
  if (t == "real" || t == "double precision") return ColumnKind::kReal;
  if (t == "bytea" || t.ends_with("[]")) return ColumnKind::kUnsupported;
  return ColumnKind::kText;
}

Result<std::vector<TableInfo>> ReadTables(Connection& c) {
  std::vector<TableInfo> tables;
  std::map<std::string, size_t> at;  // name -> index in tables
  if (c.dialect() == Dialect::kSqlite) {
    RALLY_RETURN_IF_ERROR(ReadSqlite(c, tables, at));
  } else {
    RALLY_RETURN_IF_ERROR(ReadPostgres(c, tables, at));
  }
  for (TableInfo& t : tables) {
    std::sort(t.references.begin(), t.references.end());
    t.references.erase(std::unique(t.references.begin(), t.references.end()), t.references.end());
    // A table that references itself needs its rows in order, not itself placed first.
    std::erase(t.references, t.name);
  }
  return ParentsFirst(std::move(tables));
}

}  // namespace rally::storage
