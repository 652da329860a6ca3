// Checks shared by the API scenario tests:
//  - DbSnapshot: every row of every table a refused request could have written, as one string,
//    so a test can say "the database is unchanged" by comparing two snapshots (DbCounts gives
//    row counts for messages).
//  - ErrorProblems: what is wrong with an error reply's shape,
//    {"error":{"code","message","details":[{"field","code","message"}...]}}.
//
// Left out of snapshots on purpose: api_tokens (last_used_at moves on every authenticated request), sessions
// and users (logins), which no data route writes.
#pragma once

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "app/services.h"
#include "fixtures/test_app.h"
#include "base/json.h"
#include "storage/database.h"

namespace rally::testing {

inline constexpr std::string_view kSnapshotTables[] = {
    "workspaces", "companies", "custom_fields", "contacts", "contact_emails",
    "tags",       "contact_tags", "activities"};

inline std::string DbSnapshot(TestApp& app) {
  std::string out;
  Status s = app.services().db->Read([&](storage::Connection& c) -> Status {
    for (std::string_view table : kSnapshotTables) {
      out += "## ";
      out += table;
      out += "\n";
      RALLY_RETURN_IF_ERROR(
          c.Query("SELECT * FROM " + std::string(table) + " ORDER BY 1, 2, 3", {}, [&](const storage::Row& r) {
            for (int i = 0; i < r.ColumnCount(); ++i) {
              out += r.IsNull(i) ? std::string_view("NULL") : r.Text(i);
              out += '|';
            }
            out += '\n';
            return true;
          }));
    }
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

// "contacts=3 tags=1 ..." for failure messages.
inline std::string DbCounts(TestApp& app) {
  std::string out;
  Status s = app.services().db->Read([&](storage::Connection& c) -> Status {
    for (std::string_view table : kSnapshotTables) {
      RALLY_ASSIGN_OR_RETURN(auto n, c.QueryInt("SELECT COUNT(*) FROM " + std::string(table)));
      out += std::string(table) + "=" + std::to_string(n.value_or(0)) + " ";
    }
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

// Problems with an error reply: its status, the shape of DESIGN.md §4 (code and non-empty
// message strings, details an array of {field, code, message} strings), the error code, and the
// fields its details must name. Empty when all is well.
// The string at v[key], "" when v is not an object or the key is absent or not a string.
inline std::string Str(const json::value& v, std::string_view key) {
  const json::value* x = v.is_object() ? v.get_object().if_contains(key) : nullptr;
  return x && x->is_string() ? std::string(x->get_string()) : "";
}

inline std::vector<std::string> ErrorProblems(const Reply& r, int want_status, std::string_view want_code,
                                              const std::vector<std::string>& want_fields = {}) {
  std::vector<std::string> problems;
  if (r.status != want_status)
    problems.push_back("status " + std::to_string(r.status) + ", want " + std::to_string(want_status));
  if (r.Header("Content-Type").rfind("application/json", 0) != 0) problems.push_back("not JSON");
  const json::value* error = r.json.is_object() ? r.json.get_object().if_contains("error") : nullptr;
  if (error == nullptr || !error->is_object()) {
    problems.push_back("no error object");
    return problems;
  }
  const json::object& e = error->get_object();
  const json::value* code = e.if_contains("code");
  const json::value* message = e.if_contains("message");
  const json::value* details = e.if_contains("details");
  if (!code || !code->is_string() || code->get_string() != want_code)
    problems.push_back("error.code is not \"" + std::string(want_code) + "\"");
  if (!message || !message->is_string() || message->get_string().empty())
    problems.push_back("error.message is missing or empty");
  if (!details || !details->is_array()) {
    problems.push_back("error.details is not an array");
    return problems;
  }
  std::set<std::string> named;
  for (const json::value& d : details->get_array()) {
    const json::object* o = d.if_object();
    bool ok = o != nullptr;
    for (const char* key : {"field", "code", "message"})
      ok = ok && o->contains(key) && o->at(key).is_string() && !o->at(key).get_string().empty();
    if (!ok) {
      problems.push_back("a detail lacks field, code or message: " + json::serialize(d));
      continue;
    }
    named.insert(std::string(o->at("field").get_string()));
  }
  for (const std::string& f : want_fields)
    if (!named.count(f)) problems.push_back("no detail names field \"" + f + "\"");
  return problems;
}

}  // namespace rally::testing
