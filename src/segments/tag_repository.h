// TagRepository: the SQL of managing tags (the tags table). Assigning tags to contacts is
// contacts/contact_repository's. Every statement filters by workspace_id.
//
// Thread safety: stateless; the connection belongs to the calling thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "segments/tag_service.h"
#include "storage/database.h"

namespace rally::segments {

class TagRepository {
 public:
  static Result<std::vector<Tag>> List(storage::Connection& c, Id ws);
  static Result<std::optional<Tag>> FindById(storage::Connection& c, Id ws, Id id);
  static Result<std::optional<Id>> FindIdByNorm(storage::Connection& c, Id ws,
                                                std::string_view norm);
  static Status Rename(storage::Transaction& tx, Id ws, Id id, std::string_view name,
                       std::string_view norm);
  static Status Delete(storage::Transaction& tx, Id ws, Id id);
};

}  // namespace rally::segments
