#include "companies/company_repository.h"

#include "storage/dialect.h"

namespace rally::companies {
namespace {

#define RALLY_COMPANY_COLUMNS "id, name, domain, created_at, updated_at"

constexpr std::string_view kById =
    "SELECT " RALLY_COMPANY_COLUMNS " FROM companies WHERE workspace_id = ? AND id = ?";
constexpr std::string_view kByName =
    "SELECT " RALLY_COMPANY_COLUMNS " FROM companies WHERE workspace_id = ? AND name_norm = ?";
constexpr std::string_view kInsert =
    "INSERT INTO companies (workspace_id, id, name, name_norm, domain, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (workspace_id, name_norm) DO NOTHING";
constexpr std::string_view kCountContacts =
    "SELECT COUNT(*) FROM contacts WHERE workspace_id = ? AND company_id = ? AND deleted_at IS NULL";

#define RALLY_COMPANY_LIST                                                                  \
  "SELECT co.id, co.name, co.domain, co.created_at, co.updated_at, co.name_norm, "           \
  "(SELECT COUNT(*) FROM contacts c WHERE c.workspace_id = co.workspace_id AND "            \
  "c.company_id = co.id AND c.deleted_at IS NULL) FROM companies co WHERE co.workspace_id = ? "

// One fixed statement per (sort, first page or not), so each stays cached.
std::string_view ListSql(CompanySort sort, bool after) {
  switch (sort) {
    case CompanySort::kName:
      return after ? RALLY_COMPANY_LIST
                 "AND (co.name_norm > ? OR (co.name_norm = ? AND co.id > ?)) "
                 "ORDER BY co.name_norm, co.id LIMIT ?"
                   : RALLY_COMPANY_LIST "ORDER BY co.name_norm, co.id LIMIT ?";
    case CompanySort::kNameDesc:
      return after ? RALLY_COMPANY_LIST
                 "AND (co.name_norm < ? OR (co.name_norm = ? AND co.id < ?)) "
                 "ORDER BY co.name_norm DESC, co.id DESC LIMIT ?"
                   : RALLY_COMPANY_LIST "ORDER BY co.name_norm DESC, co.id DESC LIMIT ?";
    case CompanySort::kId:
      return after ? RALLY_COMPANY_LIST "AND co.id > ? ORDER BY co.id LIMIT ?"
                   : RALLY_COMPANY_LIST "ORDER BY co.id LIMIT ?";
    case CompanySort::kIdDesc:
      return after ? RALLY_COMPANY_LIST "AND co.id < ? ORDER BY co.id DESC LIMIT ?"
                   : RALLY_COMPANY_LIST "ORDER BY co.id DESC LIMIT ?";
  }
  return "";
}

Company ReadCompany(const storage::Row& r, Id ws) {
  Company c;
  c.workspace_id = ws;
  c.id = r.Int(0);
  c.name = std::string(r.Text(1));
  c.domain = r.OptText(2);
  c.created_at = r.Int(3);
  c.updated_at = r.Int(4);
  return c;
}

Result<std::optional<Company>> FindOne(storage::Connection& c, std::string_view sql,
                                       storage::Params params, Id ws) {
  std::optional<Company> out;
  RALLY_RETURN_IF_ERROR(c.Query(sql, params, [&](const storage::Row& r) {
    out = ReadCompany(r, ws);
    return false;
  }));
  return out;
}

}  // namespace

Result<std::optional<Company>> CompanyRepository::FindById(storage::Connection& c, Id ws, Id id) {
  storage::Value params[] = {ws, id};
  return FindOne(c, kById, params, ws);
}

Result<std::optional<Company>> CompanyRepository::FindByNameNorm(storage::Connection& c, Id ws,
                                                                 std::string_view name_norm) {
  storage::Value params[] = {ws, std::string(name_norm)};
  return FindOne(c, kByName, params, ws);
}

Result<bool> CompanyRepository::InsertIfAbsent(storage::Transaction& tx, const Company& co,
                                                std::string_view name_norm) {
  storage::Value params[] = {co.workspace_id, co.id,         co.name,      std::string(name_norm),
                             storage::Opt(co.domain), co.created_at, co.updated_at};
  RALLY_ASSIGN_OR_RETURN(int64_t changed, tx.Execute(kInsert, params));
  return changed > 0;
}

Result<std::vector<std::pair<std::string, Company>>> CompanyRepository::FindByNameNorms(
    storage::Connection& c, Id ws, std::span<const std::string> name_norms) {
  static constexpr storage::RowColumn kColumns[] = {{"norm", storage::ColumnType::kText}};
  storage::Rows rows(kColumns);
  rows.Reserve(name_norms.size());
  for (const std::string& n : name_norms) rows.Push(n);
  storage::Value params[] = {ws};
  std::vector<std::pair<std::string, Company>> out;
  RALLY_RETURN_IF_ERROR(storage::QueryRows(
      c,
      "SELECT " RALLY_COMPANY_COLUMNS ", name_norm FROM companies WHERE workspace_id = ? AND "
      "name_norm IN (SELECT v.norm FROM {rows})",
      params, rows, [&](const storage::Row& r) {
        out.emplace_back(std::string(r.Text(5)), ReadCompany(r, ws));
        return true;
      }));
  return out;
}

namespace {

constexpr std::string_view kInsertMany =
    "INSERT INTO companies (workspace_id, id, name, name_norm, domain, created_at, updated_at) "
    "SELECT ?, v.id, v.name, v.name_norm, v.domain, v.created_at, v.updated_at FROM {rows} "
    "WHERE true";

storage::Rows NewCompanyRows(std::span<const CompanyRepository::NewCompany> companies) {
  static constexpr storage::RowColumn kColumns[] = {
      {"id", storage::ColumnType::kInt},         {"name", storage::ColumnType::kText},
      {"name_norm", storage::ColumnType::kText}, {"domain", storage::ColumnType::kText},
      {"created_at", storage::ColumnType::kInt}, {"updated_at", storage::ColumnType::kInt}};
  storage::Rows rows(kColumns);
  rows.Reserve(companies.size());
  for (const CompanyRepository::NewCompany& n : companies) {
    rows.Push(n.company->id);
    rows.Push(n.company->name);
    rows.Push(n.name_norm);
    rows.Push(storage::Opt(n.company->domain));
    rows.Push(n.company->created_at);
    rows.Push(n.company->updated_at);
  }
  return rows;
}

}  // namespace

Status CompanyRepository::InsertMany(storage::Transaction& tx, Id ws,
                                     std::span<const NewCompany> companies) {
  storage::Value params[] = {ws};
  return storage::ExecuteRows(tx, kInsertMany, params, NewCompanyRows(companies)).status();
}

Result<std::vector<Id>> CompanyRepository::InsertManyIfAbsent(
    storage::Transaction& tx, Id ws, std::span<const NewCompany> companies) {
  static const std::string kSql =
      std::string(kInsertMany) + " ON CONFLICT (workspace_id, name_norm) DO NOTHING RETURNING id";
  storage::Value params[] = {ws};
  std::vector<Id> inserted;
  RALLY_RETURN_IF_ERROR(storage::QueryRows(tx, kSql, params, NewCompanyRows(companies),
                                           [&](const storage::Row& r) {
                                             inserted.push_back(r.Int(0));
                                             return true;
                                           }));
  return inserted;
}

Result<std::vector<CompanyRepository::Listed>> CompanyRepository::List(
    storage::Connection& c, Id ws, CompanySort sort, const std::optional<After>& after, int limit) {
  std::vector<storage::Value> params = {ws};
  if (after) {
    if (sort == CompanySort::kName || sort == CompanySort::kNameDesc) {
      params.insert(params.end(), {after->name_norm, after->name_norm, after->id});
    } else {
      params.emplace_back(after->id);
    }
  }
  params.emplace_back(int64_t{limit});
  std::vector<Listed> out;
  RALLY_RETURN_IF_ERROR(c.Query(ListSql(sort, after.has_value()), params, [&](const storage::Row& r) {
    out.push_back(Listed{ReadCompany(r, ws), std::string(r.Text(5)), r.Int(6)});
    return true;
  }));
  return out;
}

Result<int64_t> CompanyRepository::CountContacts(storage::Connection& c, Id ws, Id company_id) {
  RALLY_ASSIGN_OR_RETURN(auto n, c.QueryInt(kCountContacts, {ws, company_id}));
  return n.value_or(0);
}

}  // namespace rally::companies
