// ImportRepository: the SQL of imports, their uploaded file chunks, rejected rows and saved
// column mappings (migration 0005). No rules live here; ImportService decides. Every statement
// filters by workspace_id.
//
// Thread safety: stateless; the connection belongs to the calling thread.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "importexport/import.h"
#include "storage/database.h"

namespace rally::importexport {

struct RejectedRow {
  int64_t row_number = 0;
  std::string column;  // the header blamed, "" when the row as a whole is bad
  std::string reason;
  std::vector<std::string> cells;
};

struct SavedMapping {
  Id id = 0;
  std::string name;
  std::string header_hash;
  std::vector<std::string> headers;
  json::value mapping;  // as given (header -> field object)
  Id created_by = 0;
  Micros created_at = 0, updated_at = 0;

  json::object ToJson() const;
};

class ImportRepository {
 public:
  static Status Insert(storage::Transaction& tx, const Import& imp);
  // Writes every mutable column of `imp` (state, options, detected, counts, reports, times).
  static Status Save(storage::Transaction& tx, const Import& imp);
  static Result<std::optional<Import>> Find(storage::Connection& c, Id ws, Id id);
  // Newest first; `before` = (created_at, id) of the last import of the previous page.
  static Result<std::vector<Import>> List(storage::Connection& c, Id ws, int limit,
                                          std::optional<std::pair<Micros, Id>> before);
  // The batch checkpoint, in the batch's own transaction.
  static Status Checkpoint(storage::Transaction& tx, Id ws, Id id, int64_t row,
                           const ImportCounts& counts, Micros now);
  // Moves queued/running imports of this job's state; returns rows changed.
  static Result<int64_t> SetState(storage::Transaction& tx, Id ws, Id id, ImportState state,
                                  std::string_view error, Micros now);

  // Uploaded bytes, base64 in TEXT rows of at most a few MiB each.
  static Status AppendChunk(storage::Transaction& tx, Id ws, Id id, int64_t seq,
                            std::string_view bytes);
  // Calls `fn` with each chunk's decoded bytes in order. Errors: fn's, storage's, internal for
  // a corrupt chunk.
  static Status ReadChunks(storage::Connection& c, Id ws, Id id,
                           const std::function<Status(std::string_view)>& fn);
  static Status DeleteChunks(storage::Transaction& tx, Id ws, Id id);

  static Status InsertRejected(storage::Transaction& tx, Id ws, Id id,
                               const std::vector<RejectedRow>& rows);
  // In row order; fn returns false to stop.
  static Status ListRejected(storage::Connection& c, Id ws, Id id,
                             const std::function<bool(RejectedRow&&)>& fn, int64_t limit = -1);

  // Saved mappings. Upsert by name. Errors: storage's.
  static Status SaveMapping(storage::Transaction& tx, Id ws, const SavedMapping& m);
  static Result<std::vector<SavedMapping>> ListMappings(storage::Connection& c, Id ws,
                                                        std::string_view header_hash);
  static Result<bool> DeleteMapping(storage::Transaction& tx, Id ws, Id id);
};

// Base64 (RFC 4648, with padding), for file chunks in TEXT columns.
std::string Base64Encode(std::string_view bytes);
// Errors: invalid_argument for characters outside the alphabet or a bad length.
Result<std::string> Base64Decode(std::string_view text);

}  // namespace rally::importexport
