// Import: the record of one import of contacts (table `imports`, migration 0005) and its
// options, as values with their JSON forms. See import_service.h for the life of an import.
//
// Thread safety: plain values and pure functions.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/ids.h"
#include "base/json.h"
#include "base/result.h"
#include "contacts/contact_service.h"

namespace rally::importexport {

enum class ImportState { kUploaded, kQueued, kRunning, kSucceeded, kFailed, kCanceled, kReverted };
std::string_view ImportStateName(ImportState s);  // "uploaded", "queued", ...
std::optional<ImportState> ParseImportState(std::string_view s);

// What happened to the rows so far. rows_read == created + updated + skipped + merged + rejected.
struct ImportCounts {
  int64_t rows_read = 0;
  int64_t created = 0;   // contacts created
  int64_t updated = 0;   // contacts that existed before the import and changed
  int64_t skipped = 0;   // rows that changed nothing (already equal, or excluded by the mode)
  int64_t merged = 0;    // rows folded into a contact an earlier row of this file wrote
  int64_t rejected = 0;  // rows refused (see the error file)

  json::object ToJson() const;
  static ImportCounts FromJson(const json::value& v);
  void Add(const ImportCounts& o);
};

// The options of an import (the JSON body of POST /imports and of .../dry-run and .../start;
// every key optional):
//   {"mapping": {...}|[...]          (column_mapping.h ParseMapping; default: the suggestion)
//    "mode": "create_and_update"|"create_only"|"update_only",
//    "match_on": "email"|"custom.<key>",  what matches a row to a contact: the email (primary and
//                                    additional; the default) or a unique custom field, which
//                                    must be mapped (CheckMatchOn); rows matched by it may
//                                    change the contact's email
//    "clear_empty": false,           empty cells clear the field instead of keeping it
//    "allow_stage_regression": false,
//    "tags": ["Imported"],           added to every row's contact
//    "owner": "ada@example.com",     lifecycle_stage, lead_source: for created contacts when no
//    "lifecycle_stage": "lead",      column maps to them; lead_source defaults to "import"
//    "lead_source": "import",
//    "sheet": "Contacts", "header_row": 3, "delimiter": ";", "encoding": "windows-1252"}
struct ImportOptions {
  json::value mapping;  // null: the suggested mapping
  contacts::BatchMode mode = contacts::BatchMode::kCreateOrUpdate;
  std::string match_on = "email";  // or "custom.<key>"
  bool clear_empty = false;
  bool allow_stage_regression = false;
  std::vector<std::string> tags;
  std::string owner;
  std::string lifecycle_stage;
  std::string lead_source = "import";
  std::string sheet;
  int64_t header_row = 0;
  std::string delimiter;
  std::string encoding;

  json::object ToJson() const;
  // Errors: invalid_argument naming the key ("mode", "tags", "header_row", "delimiter", ...).
  static Result<ImportOptions> FromJson(const json::value& v);
  // Overlays the keys present in `patch` onto these options (.../start with a changed mapping).
  Status Merge(const json::object& patch);
};

// Whether a file can run with these options and this mapping (a field key per column, as
// column_mapping.h's ColumnMapping): matching on email needs a column mapped to email; matching
// on a custom field needs that field to exist, be unique (in `custom`, the workspace's
// definitions) and be mapped.
// Errors: invalid_argument naming "mapping" (email not mapped) or "match_on".
Status CheckMatchOn(const ImportOptions& options, std::span<const std::string> mapping,
                    std::span<const fields::CustomField> custom);

struct Import {
  Id workspace_id = 0;
  Id id = 0;
  ImportState state = ImportState::kUploaded;
  std::string file_name;
  int64_t file_size = 0;
  std::string file_store = "db";  // "db" (import_chunks) or "local" (file_path)
  std::string file_path;
  std::string format = "csv";
  std::string header_hash;
  json::object detected;  // encoding, delimiter, header_row, header, sheets, sheet
  ImportOptions options;
  Id job_id = 0;
  int64_t checkpoint_row = 0;  // the last source row whose batch committed
  ImportCounts counts;
  json::value dry_run;  // the last dry run's report, null before one
  json::value revert;   // the revert's report, null before one
  std::string error;
  Id created_by = 0;
  Micros created_at = 0, updated_at = 0;
  std::optional<Micros> started_at, finished_at;
};

// {"id","state","file":{"name","size","format"},"detected",...,"options","counts","progress"?...}
json::object ImportToJson(const Import& imp);

}  // namespace rally::importexport
