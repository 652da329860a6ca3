#include "importexport/import_repository.h"

#include <array>

namespace rally::importexport {
namespace {

constexpr std::string_view kColumns =
    "workspace_id, id, state, file_name, file_size, file_store, file_path, format, header_hash, "
    "detected, options, job_id, checkpoint_row, counts, dry_run, revert, error, created_by, "
    "created_at, updated_at, started_at, finished_at";

json::value ParseOr(std::string_view text, json::value fallback) {
  if (text.empty()) return fallback;
  auto v = ParseJson(text);
  return v.ok() ? std::move(v).value() : fallback;
}

Import FromRow(const storage::Row& r) {
  Import i;
  i.workspace_id = r.Int(0);
  i.id = r.Int(1);
  i.state = ParseImportState(r.Text(2)).value_or(ImportState::kFailed);
  i.file_name = std::string(r.Text(3));
  i.file_size = r.Int(4);
  i.file_store = std::string(r.Text(5));
  i.file_path = std::string(r.Text(6));
  i.format = std::string(r.Text(7));
  i.header_hash = std::string(r.Text(8));
  json::value d = ParseOr(r.Text(9), json::object{});
  if (d.is_object()) i.detected = d.as_object();
  auto opts = ImportOptions::FromJson(ParseOr(r.Text(10), nullptr));
  if (opts.ok()) i.options = std::move(opts).value();
  i.job_id = r.Int(11);
  i.checkpoint_row = r.Int(12);
  i.counts = ImportCounts::FromJson(ParseOr(r.Text(13), nullptr));
  i.dry_run = r.IsNull(14) ? json::value(nullptr) : ParseOr(r.Text(14), nullptr);
  i.revert = r.IsNull(15) ? json::value(nullptr) : ParseOr(r.Text(15), nullptr);
  i.error = std::string(r.Text(16));
  i.created_by = r.Int(17);
  i.created_at = r.Int(18);
  i.updated_at = r.Int(19);
  i.started_at = r.OptInt(20);
  i.finished_at = r.OptInt(21);
  return i;
}

storage::Value OptJson(const json::value& v) {
  if (v.is_null()) return storage::Null();
  return storage::Value(ToJson(v));
}

storage::Value OptId(Id id) { return id ? storage::Value(int64_t{id}) : storage::Null(); }

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

}  // namespace

std::string Base64Encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t n = (uint32_t(uint8_t(bytes[i])) << 16) | (uint32_t(uint8_t(bytes[i + 1])) << 8) |
                 uint8_t(bytes[i + 2]);
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(kAlphabet[(n >> 6) & 63]);
    out.push_back(kAlphabet[n & 63]);
  }
  size_t rest = bytes.size() - i;
  if (rest) {
    uint32_t n = uint32_t(uint8_t(bytes[i])) << 16;
    if (rest == 2) n |= uint32_t(uint8_t(bytes[i + 1])) << 8;
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(rest == 2 ? kAlphabet[(n >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

Result<std::string> Base64Decode(std::string_view text) {
  static const std::array<int8_t, 256> kValue = [] {
    std::array<int8_t, 256> t{};
    t.fill(-1);
    for (int i = 0; i < 64; ++i) t[static_cast<uint8_t>(kAlphabet[i])] = static_cast<int8_t>(i);
    return t;
  }();
  if (text.size() % 4 != 0) return InvalidArgument("base64 length is not a multiple of 4");
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    int v[4];
    int pad = 0;
    for (int k = 0; k < 4; ++k) {
      char c = text[i + k];
      if (c == '=' && i + 4 == text.size() && k >= 2) {
        v[k] = 0;
        ++pad;
        continue;
      }
      if (pad) return InvalidArgument("base64 padding in the middle");
      v[k] = kValue[static_cast<uint8_t>(c)];
      if (v[k] < 0) return InvalidArgument("not base64");
    }
    uint32_t n = (uint32_t(v[0]) << 18) | (uint32_t(v[1]) << 12) | (uint32_t(v[2]) << 6) | v[3];
    out.push_back(static_cast<char>(n >> 16));
    if (pad < 2) out.push_back(static_cast<char>((n >> 8) & 0xff));
    if (pad < 1) out.push_back(static_cast<char>(n & 0xff));
  }
  return out;
}

json::object SavedMapping::ToJson() const {
  json::array h;
  for (const auto& s : headers) h.emplace_back(s);
  return {{"id", IdToString(id)},
          {"name", name},
          {"header_hash", header_hash},
          {"headers", std::move(h)},
          {"mapping", mapping},
          {"created_at", FormatTimestamp(created_at)},
          {"updated_at", FormatTimestamp(updated_at)}};
}

Status ImportRepository::Insert(storage::Transaction& tx, const Import& i) {
  return tx
      .Execute("INSERT INTO imports (" + std::string(kColumns) +
                   ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
               {int64_t{i.workspace_id}, int64_t{i.id}, std::string(ImportStateName(i.state)),
                i.file_name, i.file_size, i.file_store, i.file_path, i.format, i.header_hash,
                ToJson(i.detected), ToJson(i.options.ToJson()), OptId(i.job_id), i.checkpoint_row,
                ToJson(i.counts.ToJson()), OptJson(i.dry_run), OptJson(i.revert),
                i.error.empty() ? storage::Null() : storage::Value(i.error), OptId(i.created_by),
                i.created_at, i.updated_at, storage::Opt(i.started_at),
                storage::Opt(i.finished_at)})
      .status();
}

Status ImportRepository::Save(storage::Transaction& tx, const Import& i) {
  RALLY_ASSIGN_OR_RETURN(
      int64_t n,
      tx.Execute("UPDATE imports SET state = ?, file_name = ?, format = ?, header_hash = ?, "
                 "detected = ?, options = ?, job_id = ?, checkpoint_row = ?, counts = ?, "
                 "dry_run = ?, revert = ?, error = ?, updated_at = ?, started_at = ?, "
                 "finished_at = ? WHERE workspace_id = ? AND id = ?",
                 {std::string(ImportStateName(i.state)), i.file_name, i.format, i.header_hash,
                  ToJson(i.detected), ToJson(i.options.ToJson()), OptId(i.job_id),
                  i.checkpoint_row, ToJson(i.counts.ToJson()), OptJson(i.dry_run),
                  OptJson(i.revert), i.error.empty() ? storage::Null() : storage::Value(i.error),
                  i.updated_at, storage::Opt(i.started_at), storage::Opt(i.finished_at),
                  int64_t{i.workspace_id}, int64_t{i.id}}));
  if (n == 0) return NotFound("no import " + IdToString(i.id));
  return Status::Ok();
}

Result<std::optional<Import>> ImportRepository::Find(storage::Connection& c, Id ws, Id id) {
  std::optional<Import> out;
  RALLY_RETURN_IF_ERROR(c.Query("SELECT " + std::string(kColumns) +
                                    " FROM imports WHERE workspace_id = ? AND id = ?",
                                {int64_t{ws}, int64_t{id}}, [&](const storage::Row& r) {
                                  out = FromRow(r);
                                  return false;
                                }));
  return out;
}

Result<std::vector<Import>> ImportRepository::List(storage::Connection& c, Id ws, int limit,
                                                   std::optional<std::pair<Micros, Id>> before) {
  std::vector<Import> out;
  auto add = [&](const storage::Row& r) {
    out.push_back(FromRow(r));
    return true;
  };
  if (before) {
    RALLY_RETURN_IF_ERROR(c.Query(
        "SELECT " + std::string(kColumns) +
            " FROM imports WHERE workspace_id = ? AND (created_at < ? OR (created_at = ? AND id < ?))"
            " ORDER BY created_at DESC, id DESC LIMIT ?",
        {int64_t{ws}, before->first, before->first, int64_t{before->second}, int64_t{limit}}, add));
  } else {
    RALLY_RETURN_IF_ERROR(c.Query("SELECT " + std::string(kColumns) +
                                      " FROM imports WHERE workspace_id = ?"
                                      " ORDER BY created_at DESC, id DESC LIMIT ?",
                                  {int64_t{ws}, int64_t{limit}}, add));
  }
  return out;
}

Status ImportRepository::Checkpoint(storage::Transaction& tx, Id ws, Id id, int64_t row,
                                    const ImportCounts& counts, Micros now) {
  return tx
      .Execute("UPDATE imports SET checkpoint_row = ?, counts = ?, updated_at = ? "
               "WHERE workspace_id = ? AND id = ?",
               {row, ToJson(counts.ToJson()), now, int64_t{ws}, int64_t{id}})
      .status();
}

Result<int64_t> ImportRepository::SetState(storage::Transaction& tx, Id ws, Id id,
                                           ImportState state, std::string_view error, Micros now) {
  bool done = state == ImportState::kSucceeded || state == ImportState::kFailed ||
              state == ImportState::kCanceled;
  return tx.Execute(
      "UPDATE imports SET state = ?, error = ?, updated_at = ?, "
      "finished_at = CASE WHEN ? = 1 THEN ? ELSE finished_at END, "
      "started_at = CASE WHEN ? = 1 AND started_at IS NULL THEN ? ELSE started_at END "
      "WHERE workspace_id = ? AND id = ?",
      {std::string(ImportStateName(state)),
       error.empty() ? storage::Null() : storage::Value(std::string(error)), now,
       int64_t{done ? 1 : 0}, now, int64_t{state == ImportState::kRunning ? 1 : 0}, now,
       int64_t{ws}, int64_t{id}});
}

Status ImportRepository::AppendChunk(storage::Transaction& tx, Id ws, Id id, int64_t seq,
                                     std::string_view bytes) {
  return tx
      .Execute("INSERT INTO import_chunks (workspace_id, import_id, seq, data) VALUES (?,?,?,?)",
               {int64_t{ws}, int64_t{id}, seq, Base64Encode(bytes)})
      .status();
}

Status ImportRepository::ReadChunks(storage::Connection& c, Id ws, Id id,
                                    const std::function<Status(std::string_view)>& fn) {
  // One chunk per statement, so a 1 GiB upload is never held in memory at once.
  for (int64_t seq = 0;; ++seq) {
    std::optional<std::string> data;
    RALLY_RETURN_IF_ERROR(c.Query(
        "SELECT data FROM import_chunks WHERE workspace_id = ? AND import_id = ? AND seq = ?",
        {int64_t{ws}, int64_t{id}, seq}, [&](const storage::Row& r) {
          data = std::string(r.Text(0));
          return false;
        }));
    if (!data) return Status::Ok();
    auto bytes = Base64Decode(*data);
    if (!bytes.ok()) return Internal("import " + IdToString(id) + " chunk " + std::to_string(seq) +
                                     " is corrupt: " + bytes.status().message());
    RALLY_RETURN_IF_ERROR(fn(*bytes));
  }
}

Status ImportRepository::DeleteChunks(storage::Transaction& tx, Id ws, Id id) {
  return tx
      .Execute("DELETE FROM import_chunks WHERE workspace_id = ? AND import_id = ?",
               {int64_t{ws}, int64_t{id}})
      .status();
}

Status ImportRepository::InsertRejected(storage::Transaction& tx, Id ws, Id id,
                                        const std::vector<RejectedRow>& rows) {
  for (const RejectedRow& r : rows) {
    json::array cells;
    for (const auto& c : r.cells) cells.emplace_back(c);
    RALLY_RETURN_IF_ERROR(
        tx.Execute("INSERT INTO import_errors (workspace_id, import_id, row_number, column_name, "
                   "reason, cells) VALUES (?,?,?,?,?,?) ON CONFLICT DO NOTHING",
                   {int64_t{ws}, int64_t{id}, r.row_number, r.column, r.reason, ToJson(cells)})
            .status());
  }
  return Status::Ok();
}

Status ImportRepository::ListRejected(storage::Connection& c, Id ws, Id id,
                                      const std::function<bool(RejectedRow&&)>& fn,
                                      int64_t limit) {
  // Keyset pages of 1000, so the error file streams.
  int64_t after = 0, seen = 0;
  for (;;) {
    int64_t n = 0;
    bool stop = false;
    RALLY_RETURN_IF_ERROR(c.Query(
        "SELECT row_number, column_name, reason, cells FROM import_errors "
        "WHERE workspace_id = ? AND import_id = ? AND row_number > ? ORDER BY row_number LIMIT 1000",
        {int64_t{ws}, int64_t{id}, after}, [&](const storage::Row& r) {
          ++n;
          RejectedRow row;
          row.row_number = r.Int(0);
          row.column = std::string(r.Text(1));
          row.reason = std::string(r.Text(2));
          json::value cells = ParseOr(r.Text(3), json::array{});
          if (cells.is_array())
            for (const auto& v : cells.as_array())
              row.cells.emplace_back(v.is_string() ? std::string(v.as_string()) : "");
          after = row.row_number;
          if (!fn(std::move(row)) || (limit >= 0 && ++seen >= limit)) {
            stop = true;
            return false;
          }
          return true;
        }));
    if (stop || n < 1000) return Status::Ok();
  }
}

Status ImportRepository::SaveMapping(storage::Transaction& tx, Id ws, const SavedMapping& m) {
  json::array h;
  for (const auto& s : m.headers) h.emplace_back(s);
  return tx
      .Execute("INSERT INTO import_mappings (workspace_id, id, name, header_hash, headers, mapping, "
               "created_by, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?) "
               "ON CONFLICT (workspace_id, name) DO UPDATE SET header_hash = excluded.header_hash, "
               "headers = excluded.headers, mapping = excluded.mapping, "
               "updated_at = excluded.updated_at",
               {int64_t{ws}, int64_t{m.id}, m.name, m.header_hash, ToJson(h), ToJson(m.mapping),
                OptId(m.created_by), m.created_at, m.updated_at})
      .status();
}

Result<std::vector<SavedMapping>> ImportRepository::ListMappings(storage::Connection& c, Id ws,
                                                                 std::string_view header_hash) {
  std::vector<SavedMapping> out;
  auto add = [&](const storage::Row& r) {
    SavedMapping m;
    m.id = r.Int(0);
    m.name = std::string(r.Text(1));
    m.header_hash = std::string(r.Text(2));
    json::value h = ParseOr(r.Text(3), json::array{});
    if (h.is_array())
      for (const auto& v : h.as_array())
        if (v.is_string()) m.headers.emplace_back(v.as_string());
    m.mapping = ParseOr(r.Text(4), json::object{});
    m.created_by = r.Int(5);
    m.created_at = r.Int(6);
    m.updated_at = r.Int(7);
    out.push_back(std::move(m));
    return true;
  };
  constexpr std::string_view kSelect =
      "SELECT id, name, header_hash, headers, mapping, created_by, created_at, updated_at "
      "FROM import_mappings WHERE workspace_id = ?";
  if (header_hash.empty()) {
    RALLY_RETURN_IF_ERROR(c.Query(std::string(kSelect) + " ORDER BY name", {int64_t{ws}}, add));
  } else {
    RALLY_RETURN_IF_ERROR(c.Query(std::string(kSelect) +
                                      " AND header_hash = ? ORDER BY updated_at DESC, id DESC",
                                  {int64_t{ws}, std::string(header_hash)}, add));
  }
  return out;
}

Result<bool> ImportRepository::DeleteMapping(storage::Transaction& tx, Id ws, Id id) {
  RALLY_ASSIGN_OR_RETURN(int64_t n, tx.Execute("DELETE FROM import_mappings WHERE workspace_id = ? AND id = ?",
                                               {int64_t{ws}, int64_t{id}}));
  return n > 0;
}

}  // namespace rally::importexport
