#include "companies/company_service.h"

#include "timeline/cursor.h"

namespace rally::companies {
namespace {

Result<CompanySort> ParseSort(std::string_view s) {
  if (s.empty() || s == "name") return CompanySort::kName;
  if (s == "-name") return CompanySort::kNameDesc;
  if (s == "id") return CompanySort::kId;
  if (s == "-id") return CompanySort::kIdDesc;
  return FieldInvalid("sort", "invalid", "companies sort by name, -name, id or -id");
}

}  // namespace

json::object CompanyPage::ToJson() const {
  json::array items;
  for (size_t i = 0; i < data.size(); ++i) {
    items.push_back(CompanyToJson(data[i], i < contact_counts.size()
                                               ? std::optional<int64_t>(contact_counts[i])
                                               : std::nullopt));
  }
  json::object out;
  out["data"] = std::move(items);
  if (next_cursor.empty()) out["next_cursor"] = nullptr;
  else out["next_cursor"] = next_cursor;
  return out;
}

Result<FoundCompany> CompanyService::FindOrCreate(storage::Transaction& tx, Id workspace_id,
                                                  std::string_view name,
                                                  const std::optional<std::string>& domain,
                                                  std::string_view field) {
  RALLY_ASSIGN_OR_RETURN(CompanyName n, NormalizeCompanyName(name, field));
  RALLY_ASSIGN_OR_RETURN(auto found, CompanyRepository::FindByNameNorm(tx, workspace_id, n.norm));
  if (found) return FoundCompany{std::move(*found), false};
  Company c;
  c.id = NewId();
  c.workspace_id = workspace_id;
  c.name = n.display;
  if (domain) {
    RALLY_ASSIGN_OR_RETURN(c.domain, NormalizeDomain(*domain, std::string(field) + ".domain"));
  }
  c.created_at = c.updated_at = Now();
  RALLY_ASSIGN_OR_RETURN(bool inserted, CompanyRepository::InsertIfAbsent(tx, c, n.norm));
  if (inserted) return FoundCompany{std::move(c), true};
  // Another writer created it between our read and insert (possible on PostgreSQL).
  RALLY_ASSIGN_OR_RETURN(found, CompanyRepository::FindByNameNorm(tx, workspace_id, n.norm));
  if (!found) return Internal("company vanished while being created");
  return FoundCompany{std::move(*found), false};
}

Result<std::vector<std::pair<std::string, Company>>> CompanyService::FindManyIn(
    storage::Connection& conn, Id workspace_id, std::span<const std::string> norms) {
  return CompanyRepository::FindByNameNorms(conn, workspace_id, norms);
}

Result<Company> CompanyService::MakeNew(Id workspace_id, const CompanyName& name,
                                        const std::optional<std::string>& domain, Micros now,
                                        std::string_view field) {
  Company c;
  c.id = NewId();
  c.workspace_id = workspace_id;
  c.name = name.display;
  if (domain) {
    RALLY_ASSIGN_OR_RETURN(c.domain, NormalizeDomain(*domain, std::string(field) + ".domain"));
  }
  c.created_at = c.updated_at = now;
  return c;
}

Status CompanyService::InsertNew(storage::Transaction& tx, Id workspace_id,
                                 std::span<const CompanyRepository::NewCompany> companies) {
  return CompanyRepository::InsertMany(tx, workspace_id, companies);
}

Result<std::vector<Id>> CompanyService::InsertNewIfAbsent(
    storage::Transaction& tx, Id workspace_id,
    std::span<const CompanyRepository::NewCompany> companies) {
  return CompanyRepository::InsertManyIfAbsent(tx, workspace_id, companies);
}

Result<Company> CompanyService::GetIn(storage::Connection& conn, Id workspace_id, Id id) {
  RALLY_ASSIGN_OR_RETURN(auto found, CompanyRepository::FindById(conn, workspace_id, id));
  if (!found) return NotFound("no company " + IdToString(id));
  return std::move(*found);
}

Result<Company> CompanyService::Get(Id workspace_id, Id id) {
  std::optional<Company> out;
  RALLY_RETURN_IF_ERROR(db_.Read([&](storage::Connection& conn) -> Status {
    RALLY_ASSIGN_OR_RETURN(out, GetIn(conn, workspace_id, id));
    return Status::Ok();
  }));
  return std::move(*out);
}

Result<std::pair<Company, int64_t>> CompanyService::GetWithContactCount(Id workspace_id, Id id) {
  std::optional<std::pair<Company, int64_t>> out;
  RALLY_RETURN_IF_ERROR(db_.Read([&](storage::Connection& conn) -> Status {
    RALLY_ASSIGN_OR_RETURN(Company c, GetIn(conn, workspace_id, id));
    RALLY_ASSIGN_OR_RETURN(int64_t n, CompanyRepository::CountContacts(conn, workspace_id, id));
    out.emplace(std::move(c), n);
    return Status::Ok();
  }));
  return std::move(*out);
}

Result<CompanyPage> CompanyService::List(Id workspace_id, const CompanyListOptions& options) {
  RALLY_ASSIGN_OR_RETURN(CompanySort sort, ParseSort(options.sort));
  if (options.limit < 1 || options.limit > 1000) {
    return FieldInvalid("limit", "out_of_range", "limit must be between 1 and 1000");
  }
  std::optional<CompanyRepository::After> after;
  if (!options.cursor.empty()) {
    // The cursor carries its sort, so a cursor from another ordering is refused rather than
    // silently skipping rows.
    RALLY_ASSIGN_OR_RETURN(json::value v, timeline::DecodeCursor(options.cursor));
    const json::array* a = v.if_array();
    if (!a || a->size() != 3 || !(*a)[0].is_string() || !(*a)[1].is_string() ||
        !(*a)[2].is_int64() || (*a)[0].get_string() != (options.sort.empty() ? "name" : options.sort)) {
      return FieldInvalid("cursor", "invalid", "cursor is not valid for this list and sort");
    }
    after = CompanyRepository::After{std::string((*a)[1].get_string()), (*a)[2].get_int64()};
  }
  CompanyPage page;
  RALLY_RETURN_IF_ERROR(db_.Read([&](storage::Connection& conn) -> Status {
    RALLY_ASSIGN_OR_RETURN(auto rows, CompanyRepository::List(conn, workspace_id, sort, after,
                                                              options.limit + 1));
    bool more = rows.size() > static_cast<size_t>(options.limit);
    if (more) rows.pop_back();
    for (auto& r : rows) {
      page.data.push_back(std::move(r.company));
      page.contact_counts.push_back(r.contact_count);
    }
    if (more) {
      page.next_cursor = timeline::EncodeCursor(json::array{
          options.sort.empty() ? "name" : options.sort, rows.back().name_norm, page.data.back().id});
    }
    return Status::Ok();
  }));
  return page;
}

}  // namespace rally::companies
