// CompanyRepository: the SQL of the companies table. Every query filters by workspace_id.
//
// Thread safety: stateless; the connection belongs to the calling thread.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "companies/company.h"
#include "storage/database.h"

namespace rally::companies {

enum class CompanySort { kName, kNameDesc, kId, kIdDesc };

class CompanyRepository {
 public:
  static Result<std::optional<Company>> FindById(storage::Connection& c, Id ws, Id id);
  static Result<std::optional<Company>> FindByNameNorm(storage::Connection& c, Id ws,
                                                       std::string_view name_norm);
  // Inserts unless a company with the same name_norm exists (then returns false and writes
  // nothing), so concurrent creators on PostgreSQL do not fail.
  static Result<bool> InsertIfAbsent(storage::Transaction& tx, const Company& company,
                                     std::string_view name_norm);

  // Batch writers: the companies holding these name_norms (one statement), and many inserted
  // at once. InsertMany errors: already_exists when a name_norm is taken (a concurrent writer
  // on PostgreSQL: the transaction runs again and finds it).
  static Result<std::vector<std::pair<std::string, Company>>> FindByNameNorms(
      storage::Connection& c, Id ws, std::span<const std::string> name_norms);
  struct NewCompany {
    const Company* company;
    std::string name_norm;
  };
  static Status InsertMany(storage::Transaction& tx, Id ws, std::span<const NewCompany> companies);
  // The same, skipping names that exist; returns the ids it inserted.
  static Result<std::vector<Id>> InsertManyIfAbsent(storage::Transaction& tx, Id ws,
                                                    std::span<const NewCompany> companies);

  // Up to `limit` companies after the key (sort value, id) of `after`, with contact counts
  // (non-deleted contacts).
  struct Listed {
    Company company;
    std::string name_norm;
    int64_t contact_count = 0;
  };
  struct After {
    std::string name_norm;
    Id id = 0;
  };
  static Result<std::vector<Listed>> List(storage::Connection& c, Id ws, CompanySort sort,
                                          const std::optional<After>& after, int limit);

  static Result<int64_t> CountContacts(storage::Connection& c, Id ws, Id company_id);
};

}  // namespace rally::companies
