// CompanyService: company records. Companies are created on first use from the contact write
// path (FindOrCreate inside ContactService's transaction), and read through Get and List.
//
// Thread safety: safe from any thread (state lives in the database).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/result.h"
#include "companies/company.h"
#include "companies/company_repository.h"
#include "storage/database.h"

namespace rally::companies {

struct CompanyListOptions {
  std::string sort = "name";  // name, -name, id, -id
  int limit = 50;             // 1..1000
  std::string cursor;         // next_cursor of the previous page
};

struct CompanyPage {
  std::vector<Company> data;
  std::vector<int64_t> contact_counts;  // contact_counts[i] belongs to data[i]
  std::string next_cursor;              // "" on the last page

  // {"data":[CompanyToJson with contact_count...],"next_cursor":...}
  json::object ToJson() const;
};

struct FoundCompany {
  Company company;
  bool created = false;  // the caller records events::CompanyCreated
};

class CompanyService {
 public:
  explicit CompanyService(storage::Database& db) : db_(db) {}

  // The company with this name (matched after NormalizeCompanyName), created when new with
  // `domain` (normalized) if given; an existing company keeps its domain. Runs in the caller's
  // transaction.
  // Errors: invalid_argument naming `field` (blank, too long, bad domain); storage errors.
  Result<FoundCompany> FindOrCreate(storage::Transaction& tx, Id workspace_id,
                                    std::string_view name,
                                    const std::optional<std::string>& domain = std::nullopt,
                                    std::string_view field = "company");

  // FindOrCreate for batch writers, in parts, so that a batch's companies cost two statements
  // in all. FindManyIn: the existing companies of these normalized names (CompanyName::norm),
  // as (norm, company). MakeNew: a company record for a name not found (nothing written; the
  // domain normalized). InsertNew: writes such records in one statement; the caller records
  // events::CompanyCreated for each.
  // Errors: MakeNew: invalid_argument naming `field`.domain; InsertNew: already_exists when a
  // concurrent writer created one of the names first (PostgreSQL runs the transaction again,
  // and FindManyIn then finds it); storage errors.
  Result<std::vector<std::pair<std::string, Company>>> FindManyIn(
      storage::Connection& conn, Id workspace_id, std::span<const std::string> norms);
  static Result<Company> MakeNew(Id workspace_id, const CompanyName& name,
                                 const std::optional<std::string>& domain, Micros now,
                                 std::string_view field = "company");
  Status InsertNew(storage::Transaction& tx, Id workspace_id,
                   std::span<const CompanyRepository::NewCompany> companies);
  // InsertNew skipping names taken meanwhile; returns the ids it created.
  Result<std::vector<Id>> InsertNewIfAbsent(storage::Transaction& tx, Id workspace_id,
                                            std::span<const CompanyRepository::NewCompany> companies);

  // By id on the caller's connection. Errors: not_found.
  Result<Company> GetIn(storage::Connection& conn, Id workspace_id, Id id);

  // Errors: not_found (including ids of other workspaces).
  Result<Company> Get(Id workspace_id, Id id);
  // The company and how many (non-deleted) contacts link to it. Errors: not_found.
  Result<std::pair<Company, int64_t>> GetWithContactCount(Id workspace_id, Id id);

  // Errors: invalid_argument naming "sort", "limit" or "cursor".
  Result<CompanyPage> List(Id workspace_id, const CompanyListOptions& options);

 private:
  storage::Database& db_;
};

}  // namespace rally::companies
