// A fresh database with two workspaces, users and custom fields, and the real contact services
// wired as app/ wires them. Header-only so the segments tests can use it too.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "companies/company_service.h"
#include "contacts/contact_service.h"
#include "events/event_bus.h"
#include "fields/custom_fields.h"
#include "fixtures/temp_dir.h"
#include "timeline/timeline_service.h"

namespace rally::contacts::testing {

inline constexpr Id kWs = 1;
inline constexpr Id kOtherWs = 2;
inline constexpr Id kAda = 10;  // admin user of kWs
inline constexpr Id kBob = 11;  // member of kWs
inline constexpr Id kEve = 12;  // user of kOtherWs
inline constexpr Id kToken = 20;

class ContactsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = rally::testing::OpenTestDatabase(dir_);
    ASSERT_NE(db_, nullptr);
    Status s = db_->Write([](storage::Transaction& tx) {
      return tx.ExecScript(R"(
        INSERT INTO workspaces (id, name, default_region, created_at)
          VALUES (1, 'one', 'US', 0), (2, 'two', 'DE', 0);
        INSERT INTO users (workspace_id, id, email, email_norm, name, role, created_at)
          VALUES (1, 10, 'ada@example.com', 'ada@example.com', 'Ada Lovelace', 'admin', 0),
                 (1, 11, 'Bob@Example.com', 'bob@example.com', '', 'member', 0),
                 (2, 12, 'eve@example.com', 'eve@example.com', 'Eve', 'admin', 0);
        INSERT INTO api_tokens (workspace_id, id, user_id, name, token_hash, created_at)
          VALUES (1, 20, 10, 'zapier', 'h', 0);
      )");
    });
    ASSERT_TRUE(s.ok()) << s.ToString();
    bus_ = std::make_unique<events::EventBus>();
    // Listeners are called from every committing thread at once (events/event_bus.h).
    bus_->Subscribe("recorder", [this](std::span<const events::Event> batch) {
      std::lock_guard lock(batches_mu_);
      batches_.emplace_back(batch.begin(), batch.end());
    });
    fields_ = std::make_unique<fields::CustomFieldService>(*db_);
    companies_ = std::make_unique<companies::CompanyService>(*db_);
    contacts_ = std::make_unique<ContactService>(*db_, *bus_, *companies_);
    timeline_ = std::make_unique<timeline::TimelineService>(*db_);
    AddCustomField("industry", "select", {"Retail", "Software", "Health care"});
    AddCustomField("employees", "number");
    AddCustomField("renewal", "date");
    AddCustomField("vip", "boolean");
    AddCustomField("notes", "text");
  }

  fields::CustomField AddCustomField(std::string key, std::string type,
                                     std::vector<std::string> options = {}, Id ws = kWs) {
    fields::CustomFieldInput in;
    in.key = key;
    in.type = type;
    if (!options.empty()) in.options = options;
    auto f = fields_->Create(ws, in);
    EXPECT_TRUE(f.ok()) << f.status().ToString();
    return f.ok() ? *f : fields::CustomField{};
  }

  static json::object Obj(std::string_view text) {
    auto v = ParseJson(text);
    EXPECT_TRUE(v.ok() && v->is_object()) << text;
    return v.ok() && v->is_object() ? v->as_object() : json::object{};
  }

  Contact MustCreate(std::string_view input, Id ws = kWs,
                     timeline::Actor actor = {timeline::ActorType::kUser, kAda}) {
    auto c = contacts_->Create(ws, Obj(input), actor);
    EXPECT_TRUE(c.ok()) << input << " -> " << c.status().ToString();
    return c.ok() ? *c : Contact{};
  }

  // Every timeline entry of a contact, newest first, as "type payload".
  std::vector<std::string> Timeline(Id contact, Id ws = kWs) {
    std::vector<std::string> out;
    timeline::ActivityQuery q;
    q.limit = 1000;
    auto page = timeline_->List(ws, contact, q);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    if (!page.ok()) return out;
    for (const timeline::Activity& a : page->data) {
      out.push_back(std::string(timeline::ActivityTypeName(a.type)) + " " + json::serialize(a.payload));
    }
    return out;
  }

  int64_t Count(std::string_view sql) {
    int64_t n = -1;
    Status s = db_->Read([&](storage::Connection& c) -> Status {
      RALLY_ASSIGN_OR_RETURN(auto v, c.QueryInt(sql));
      n = v.value_or(0);
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return n;
  }

  // A fingerprint of every table the contact write path touches, to prove a refusal changed
  // nothing.
  std::string Snapshot() {
    std::string out;
    for (std::string_view t : {"contacts", "contact_emails", "contact_tags", "tags", "activities",
                               "companies"}) {
      out += std::string(t) + "=" +
             std::to_string(Count("SELECT COUNT(*) FROM " + std::string(t))) + ";";
    }
    out += "updated=" + std::to_string(Count("SELECT COALESCE(SUM(updated_at), 0) FROM contacts"));
    return out;
  }

  std::vector<std::string> EventNames() {
    std::vector<std::string> out;
    std::lock_guard lock(batches_mu_);
    for (const auto& b : batches_)
      for (const auto& e : b) out.emplace_back(e.Name());
    return out;
  }

  rally::testing::TempDir dir_;
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<events::EventBus> bus_;
  std::mutex batches_mu_;
  std::vector<std::vector<events::Event>> batches_;  // guarded by batches_mu_
  std::unique_ptr<fields::CustomFieldService> fields_;
  std::unique_ptr<companies::CompanyService> companies_;
  std::unique_ptr<ContactService> contacts_;
  std::unique_ptr<timeline::TimelineService> timeline_;
};

inline std::vector<std::string> ErrorList(const Status& s) {
  std::vector<std::string> out;
  for (const FieldError& e : s.details()) out.push_back(e.field + ":" + e.code);
  return out;
}

}  // namespace rally::contacts::testing
