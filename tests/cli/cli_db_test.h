// A test fixture for `rally` commands run as the real binary against a SQLite file of the test's
// own (TempDir), with the helpers most CLI tests need: run a command with --db, run it with
// --json and parse the one JSON object it prints, write an input file, and count rows with SQL
// read straight from the file (the way a script would check what the command left behind).
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "cli/rally_process.h"
#include "fixtures/temp_dir.h"
#include "storage/database.h"

namespace rally::testing {

class CliDbTest : public ::testing::Test {
 protected:
  RunResult Rally(std::vector<std::string> args) {
    args.push_back("--db");
    args.push_back(db_);
    return RunRally(args, dir_.path());
  }
  // Fails the test unless the command exits 0 and prints one JSON object.
  json::object RallyJson(std::vector<std::string> args) {
    args.push_back("--json");
    RunResult r = Rally(args);
    EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
    auto v = ParseJson(r.out);
    EXPECT_TRUE(v.ok() && v->is_object()) << "stdout is not one JSON object: " << r.out;
    return v.ok() && v->is_object() ? v->as_object() : json::object{};
  }
  std::string Write(const std::string& name, const std::string& text) {
    std::string path = dir_.File(name);
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  // The integer `sql` returns (0 for no row, -1 when it fails).
  int64_t Count(std::string_view sql) {
    storage::OpenOptions o;
    o.url = "sqlite:" + db_;
    auto db = storage::Open(o);
    EXPECT_TRUE(db.ok());
    if (!db.ok()) return -1;
    int64_t n = -1;
    Status s = (*db)->Read([&](storage::Connection& c) -> Status {
      RALLY_ASSIGN_OR_RETURN(auto v, c.QueryInt(sql));
      n = v.value_or(0);
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    (*db)->Close();
    return n;
  }

  TempDir dir_;
  std::string db_ = dir_.File("rally.db");
};

}  // namespace rally::testing
