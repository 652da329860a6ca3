// ExportService on a real database (SQLite, and PostgreSQL in the pg: runs): what a filter,
// sort and column list put in the file, the errors that name the bad parameter, streaming (the
// same bytes as a direct run, one snapshot while contacts change, cancel on drop, the cap),
// and the round trip through the import pipeline.
#include "importexport/export_service.h"

#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "contacts/contacts_fixture.h"
#include "importexport/import_service.h"

namespace rally::importexport {
namespace {

using contacts::testing::kAda;
using contacts::testing::kEve;
using contacts::testing::kOtherWs;
using contacts::testing::kWs;

class ExportServiceTest : public contacts::testing::ContactsTest {
 protected:
  void SetUp() override {
    ContactsTest::SetUp();
    ExportServiceOptions o;
    o.page_size = 2;  // several pages even for a few contacts
    o.tmp_dir = dir_.File("");
    exports_ = std::make_unique<ExportService>(*db_, o);
  }

  Result<std::string> Csv(ExportRequest r, CsvOptions csv = {.delimiter = ',', .bom = false, .protect_formulas = false},
                          Id ws = kWs) {
    std::string out;
    CsvSink sink(csv, [&](std::string& chunk) {
      out += chunk;
      return Status::Ok();
    });
    RALLY_RETURN_IF_ERROR(exports_->Run({ws, kAda}, r, sink).status());
    return out;
  }

  std::string MustCsv(ExportRequest r, CsvOptions csv = {.delimiter = ',', .bom = false, .protect_formulas = false},
                      Id ws = kWs) {
    auto out = Csv(std::move(r), csv, ws);
    EXPECT_TRUE(out.ok()) << out.status().ToString();
    return out.ok() ? *out : "";
  }

  static ExportRequest Req(std::string q, std::string columns, std::string sort = "email") {
    ExportRequest r;
    r.q = std::move(q);
    r.columns = SplitColumns(columns);
    r.sort = std::move(sort);
    return r;
  }

  // The sample custom fields (CreateSamples' workspace's) defined alike in `ws`.
  void CopySampleFieldsTo(Id ws) {
    auto defs = fields_->List(kWs);
    ASSERT_TRUE(defs.ok());
    for (const char* key : {"industry", "employees", "renewal", "vip", "notes"}) {
      for (const auto& f : *defs) {
        if (f.def.key != key) continue;
        std::vector<std::string> options = f.def.options;
        AddCustomField(key, std::string(fields::FieldTypeName(f.def.type)), options, ws);
      }
    }
  }

  void CreateSamples() {
    MustCreate(R"json({"email":"zoe@example.com","first_name":"Zoë 🎉","last_name":"Ünal","company":"Acme, Inc.",
                   "title":"=HYPERLINK(\"http://evil\",\"click\")","lead_score":80,"lifecycle_stage":"customer",
                   "tags":["VIP","inbound"],"additional_emails":["z2@example.com"],
                   "custom":{"industry":"Retail","employees":250,"renewal":"2026-03-01","vip":true,
                             "notes":"two\nlines, \"quoted\""}})json");
    MustCreate(R"({"email":"ada@example.com","first_name":"Ada","last_name":"Lovelace","phone":"+1 415 555 0100",
                   "lead_score":30,"custom":{"employees":-5,"vip":false,"notes":"@mention -1"}})");
    MustCreate(R"({"email":"bob@example.com","first_name":"Bob","lifecycle_stage":"qualified"})");
  }

  std::unique_ptr<ExportService> exports_;
};

TEST_F(ExportServiceTest, FiltersSortsAndWritesTheChosenColumns) {
  CreateSamples();
  struct Case {
    std::string name;
    ExportRequest request;
    CsvOptions csv;
    std::string want;
  };
  const CsvOptions raw{.delimiter = ',', .bom = false, .protect_formulas = false};
  const CsvOptions safe{};
  const std::vector<Case> cases = {
      {"every contact by email", Req("", "email,first_name,lead_score"), raw,
       "email,first_name,lead_score\r\nada@example.com,Ada,30\r\nbob@example.com,Bob,0\r\nzoe@example.com,Zoë 🎉,80\r\n"},
      {"a filter and a descending sort", Req("score:>10", "email,stage", "-lead_score"), raw,
       "email,lifecycle_stage\r\nzoe@example.com,customer\r\nada@example.com,lead\r\n"},
      {"nothing matches: the header alone", Req("tag:nope", "email"), raw, "email\r\n"},
      {"relations, tags, custom fields (bare key accepted)",
       Req("tag:vip", "email,company,tags,additional_emails,custom.industry,employees,renewal,vip,notes,band"), raw,
       "email,company,tags,additional_emails,custom.industry,custom.employees,custom.renewal,custom.vip,custom.notes,band\r\n"
       "zoe@example.com,\"Acme, Inc.\",\"inbound, VIP\",z2@example.com,Retail,250,2026-03-01,true,\"two\nlines, \"\"quoted\"\"\",sales_ready\r\n"},
      {"protection prefixes formula-like text, not numbers", Req("", "email,phone,title,custom.employees,custom.notes"), safe,
       "email,phone,title,custom.employees,custom.notes\r\n"
       "ada@example.com,'+1 415 555 0100,,-5,'@mention -1\r\n"
       "bob@example.com,,,,\r\n"
       "zoe@example.com,,\"'=HYPERLINK(\"\"http://evil\"\",\"\"click\"\")\",250,\"two\nlines, \"\"quoted\"\"\"\r\n"},
      {"semicolon and BOM", Req("first_name:ada", "email,last_name"), {.delimiter = ';', .bom = true, .protect_formulas = true},
       "\xEF\xBB\xBF" "email;last_name\r\nada@example.com;Lovelace\r\n"},
      {"JSON filter", [] {
         ExportRequest r = Req("", "email");
         r.filter = *ParseJson(R"({"field":"lifecycle_stage","op":"eq","value":"qualified"})");
         return r;
       }(), raw, "email\r\nbob@example.com\r\n"},
      {"JSON filter narrowed by q", [] {
         ExportRequest r = Req("score:>50", "email");
         r.filter = *ParseJson(R"({"field":"lead_score","op":"gte","value":30})");
         return r;
       }(), raw, "email\r\nzoe@example.com\r\n"},
  };
  for (const Case& c : cases) EXPECT_EQ(MustCsv(c.request, c.csv), c.want) << c.name;
  // Another workspace's contacts never show.
  EXPECT_EQ(MustCsv(Req("", "email"), raw, kOtherWs), "email\r\n");
}

TEST_F(ExportServiceTest, AllColumnsAndDefaults) {
  auto all = exports_->Check({kWs, kAda}, Req("", "all"));
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  std::vector<std::string> keys;
  for (const ExportColumn& c : *all) keys.push_back(c.key);
  EXPECT_EQ(keys, (std::vector<std::string>{
                      "email", "additional_emails", "first_name", "last_name", "phone", "mobile", "title",
                      "department", "linkedin", "twitter", "street", "city", "state", "postal_code", "country",
                      "lifecycle_stage", "lead_score", "lead_source", "company", "owner", "tags", "custom.industry",
                      "custom.employees", "custom.renewal", "custom.vip", "custom.notes", "created_at", "updated_at"}));
  EXPECT_EQ((*all)[16].type, CellType::kNumber);
  EXPECT_EQ((*all)[23].type, CellType::kDate);
  EXPECT_EQ((*all)[24].type, CellType::kBoolean);
  EXPECT_EQ((*all)[26].type, CellType::kTimestamp);
  auto defaults = exports_->Check({kWs, kAda}, ExportRequest{});
  ASSERT_TRUE(defaults.ok());
  ASSERT_EQ(defaults->size(), std::size(kDefaultColumns));
  EXPECT_EQ(defaults->front().key, "email");
}

TEST_F(ExportServiceTest, BadRequestsNameTheParameter) {
  struct Case {
    std::string name;
    ExportRequest request;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"unknown column", Req("", "email,shoe_size"), "columns"},
      {"duplicate column", Req("", "email,EMAIL"), "columns"},
      {"bad filter", Req("score:>>", "email"), "q"},
      {"unknown filter field", Req("shoe:1", "email"), "q"},
      {"bad sort", Req("", "email", "tags"), "sort"},
  };
  for (const Case& c : cases) {
    auto r = exports_->Check({kWs, kAda}, c.request);
    ASSERT_FALSE(r.ok()) << c.name;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << c.name;
    ASSERT_FALSE(r.status().details().empty()) << c.name;
    EXPECT_EQ(r.status().details()[0].field, c.field) << c.name << ": " << r.status().ToString();
    EXPECT_FALSE(exports_->Stream({kWs, kAda}, c.request, ExportFormat::kCsv).ok()) << c.name;
  }
}

std::string Drain(ExportStream& s) {
  std::string out;
  for (;;) {
    auto more = s.Next(out, std::chrono::milliseconds(100));
    EXPECT_TRUE(more.ok()) << more.status().ToString();
    if (!more.ok() || !*more) return out;
  }
}

TEST_F(ExportServiceTest, StreamGivesTheBytesOfADirectRun) {
  CreateSamples();
  ExportRequest r = Req("", "all", "email");
  CsvOptions csv{.delimiter = ',', .bom = true, .protect_formulas = true};
  std::string direct = MustCsv(r, csv);
  auto s = exports_->Stream({kWs, kAda}, r, ExportFormat::kCsv, csv);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(Drain(**s), direct);
  EXPECT_EQ((*s)->rows(), 3);
}

TEST_F(ExportServiceTest, StreamReadsOneSnapshotWhileContactsChange) {
  for (int i = 0; i < 10; ++i) MustCreate("{\"email\":\"c" + std::to_string(i) + "@example.com\"}");
  // One row per page and one chunk in flight: the producer stays inside its read while the
  // test writes.
  ExportServiceOptions o;
  o.page_size = 1;
  o.queue_chunks = 1;
  ExportService slow(*db_, o);
  auto s = slow.Stream({kWs, kAda}, Req("", "email", "email"), ExportFormat::kCsv);
  ASSERT_TRUE(s.ok());
  std::string out;
  while (out.find("c0@") == std::string::npos) ASSERT_TRUE((*s)->Next(out, std::chrono::milliseconds(100)).ok());
  MustCreate(R"({"email":"c5a@example.com"})");
  ASSERT_TRUE(contacts_->Update(kWs, contacts_->GetByEmail(kWs, "c9@example.com")->id, Obj(R"({"email":"c99@example.com"})"),
                                {timeline::ActorType::kUser, kAda}).ok());
  out += Drain(**s);
  std::string want = "email\r\n";
  for (int i = 0; i < 10; ++i) want += "c" + std::to_string(i) + "@example.com\r\n";
  EXPECT_EQ(out, want);
}

TEST_F(ExportServiceTest, DroppingAStreamCancelsItAndTheCapHolds) {
  for (int i = 0; i < 20; ++i) MustCreate("{\"email\":\"c" + std::to_string(i) + "@example.com\"}");
  ExportServiceOptions o;
  o.page_size = 1;
  o.queue_chunks = 1;
  o.max_streams = 1;
  ExportService svc(*db_, o);
  auto first = svc.Stream({kWs, kAda}, Req("", "email"), ExportFormat::kCsv);
  ASSERT_TRUE(first.ok());
  auto second = svc.Stream({kWs, kAda}, Req("", "email"), ExportFormat::kCsv);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kResourceExhausted);
  std::string out;
  ASSERT_TRUE((*first)->Next(out, std::chrono::milliseconds(1000)).ok());
  first->reset();  // the client went away mid-file
  for (int i = 0; i < 200 && svc.active_streams() > 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(svc.active_streams(), 0);
  auto third = svc.Stream({kWs, kAda}, Req("", "email"), ExportFormat::kCsv);
  ASSERT_TRUE(third.ok()) << third.status().ToString();
  std::string all = Drain(**third);
  EXPECT_EQ(std::count(all.begin(), all.end(), '\n'), 21) << "a header and 20 rows";
}

TEST_F(ExportServiceTest, StreamsAnXlsxWorkbook) {
  CreateSamples();
  auto s = exports_->Stream({kWs, kAda}, Req("", "email,lead_score"), ExportFormat::kXlsx);
  ASSERT_TRUE(s.ok());
  std::string bytes = Drain(**s);
  ASSERT_GT(bytes.size(), 4u);
  EXPECT_EQ(bytes.substr(0, 2), "PK");
  auto reader = OpenXlsxReaderFromMemory(bytes, {});
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  Row row;
  std::vector<std::vector<std::string>> rows;
  while (*(*reader)->Next(row)) rows.push_back(row.cells);
  EXPECT_EQ((*reader)->Detected().header, (std::vector<std::string>{"email", "lead_score"}));
  EXPECT_EQ(rows, (std::vector<std::vector<std::string>>{
                      {"ada@example.com", "30"}, {"bob@example.com", "0"}, {"zoe@example.com", "80"}}));
}

// Every column an import can fill (created_at/updated_at are the database's own): what the round
// trips export, import and export again.
constexpr const char* kRoundTripColumns =
    "email,additional_emails,first_name,last_name,phone,mobile,title,department,linkedin,twitter,street,city,"
    "state,postal_code,country,lifecycle_stage,lead_score,lead_source,company,tags,custom.industry,"
    "custom.employees,custom.renewal,custom.vip,custom.notes";

// Export every importable field, import the file into an empty workspace, export again: the two
// files are identical. Formula protection is off for the machine round trip (decision: the
// importer keeps cells as written, so a protected "'=x" would come back with its quote).
TEST_F(ExportServiceTest, RoundTripThroughImportIsExact) {
  CreateSamples();
  CopySampleFieldsTo(kOtherWs);
  const std::string columns = kRoundTripColumns;
  std::string first = MustCsv(Req("", columns));
  std::string path = dir_.File("round.csv");
  std::ofstream(path, std::ios::binary) << first;
  ImportServiceOptions io;
  io.spool_dir = dir_.File("spool");
  ImportService imports(*db_, *contacts_, io);
  auto imp = imports.CreateLocal(kOtherWs, kEve, path, json::object{});
  ASSERT_TRUE(imp.ok()) << imp.status().ToString();
  auto done = imports.Run(kOtherWs, imp->id);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  std::string second = MustCsv(Req("", columns), {.delimiter = ',', .bom = false, .protect_formulas = false}, kOtherWs);
  EXPECT_EQ(second, first);
}

// The same round trip through an .xlsx file (importexport/xlsx_writer.h): the typed cells
// (numbers, dates, booleans, timestamps' workspace order aside), text that looks like a
// formula, UTF-8, emoji, embedded newlines and quotes all come back as they were, so an export
// of the imported workspace equals the original's, field for field.
TEST_F(ExportServiceTest, XlsxRoundTripThroughImportIsExact) {
  CreateSamples();
  MustCreate(R"({"email":"cy@example.com","first_name":" padded ","last_name":"_x0041_ & <b>",
                 "title":"+1 (555) 0100","custom":{"notes":"tab\there\r\nCRLF _x000D_","employees":3.25}})");
  CopySampleFieldsTo(kOtherWs);
  const std::string columns = kRoundTripColumns;
  std::string path = dir_.File("round.xlsx");
  XlsxSink sink(path);
  auto rows = exports_->Run({kWs, kAda}, Req("", columns), sink);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(*rows, 4);
  ImportServiceOptions io;
  io.spool_dir = dir_.File("spool");
  ImportService imports(*db_, *contacts_, io);
  auto imp = imports.CreateLocal(kOtherWs, kEve, path, json::object{});
  ASSERT_TRUE(imp.ok()) << imp.status().ToString();
  auto done = imports.Run(kOtherWs, imp->id);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  std::string want = MustCsv(Req("", columns));
  EXPECT_NE(want.find("_x0041_ & <b>"), std::string::npos);
  EXPECT_EQ(MustCsv(Req("", columns), {.delimiter = ',', .bom = false, .protect_formulas = false}, kOtherWs), want);
}

}  // namespace
}  // namespace rally::importexport
