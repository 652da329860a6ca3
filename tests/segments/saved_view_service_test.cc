#include "segments/saved_view_service.h"

#include <gtest/gtest.h>

#include "contacts/contact_search.h"
#include "contacts/contacts_fixture.h"
#include "query/filter.h"

namespace rally::segments {
namespace {

using contacts::testing::kAda;
using contacts::testing::kBob;
using contacts::testing::kEve;
using contacts::testing::kOtherWs;
using contacts::testing::kWs;
const Viewer kAdaV{kWs, kAda, /*admin=*/true};
const Viewer kBobV{kWs, kBob, /*admin=*/false};
const Viewer kEveV{kOtherWs, kEve, /*admin=*/true};

class SavedViewServiceTest : public contacts::testing::ContactsTest {
 protected:
  void SetUp() override {
    ContactsTest::SetUp();
    search_ = std::make_unique<contacts::ContactSearch>(*db_);
    views_ = std::make_unique<SavedViewService>(*db_, *search_);
  }
  static SavedViewInput In(std::string_view body) {
    auto in = ParseSavedViewInput(Obj(body));
    EXPECT_TRUE(in.ok()) << body << " -> " << in.status().ToString();
    return in.ok() ? *in : SavedViewInput{};
  }
  ShownView MustCreateView(const Viewer& v, std::string_view body) {
    auto made = views_->Create(v, In(body));
    EXPECT_TRUE(made.ok()) << body << " -> " << made.status().ToString();
    return made.ok() ? *made : ShownView{};
  }
  std::string Names(const Viewer& v) {
    auto list = views_->List(v);
    EXPECT_TRUE(list.ok()) << list.status().ToString();
    std::string out;
    if (!list.ok()) return out;
    for (const ShownView& s : *list) out += s.view.name + " ";
    return out;
  }
  std::string Emails(const Viewer& v, Id view, RunViewOptions o = {}) {
    auto page = views_->Run(v, view, o);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    std::string out;
    if (!page.ok()) return out;
    for (const contacts::Contact& c : page->data) out += c.email + " ";
    return out;
  }
  std::unique_ptr<contacts::ContactSearch> search_;
  std::unique_ptr<SavedViewService> views_;
};

TEST_F(SavedViewServiceTest, MembersSeeSharedViewsAndTheirOwn) {
  ShownView mine = MustCreateView(kAdaV, R"({"name":"Mine","q":"stage:lead"})");
  ShownView hot = MustCreateView(kAdaV, R"({"name":"Hot leads","q":"score:>50","visibility":"shared"})");
  ShownView bobs = MustCreateView(kBobV, R"({"name":"mine"})");  // names are per owner
  EXPECT_EQ(Names(kAdaV), "Hot leads Mine ");
  EXPECT_EQ(Names(kBobV), "Hot leads mine ");
  EXPECT_EQ(Names(kEveV), "");
  EXPECT_TRUE(views_->Get(kBobV, hot.view.id).ok());
  // Another user's private view does not exist for anyone else, admins included.
  EXPECT_EQ(views_->Get(kBobV, mine.view.id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(views_->Get(kAdaV, bobs.view.id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(views_->Get(kEveV, hot.view.id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(views_->Run(kBobV, mine.view.id, {}).status().code(), StatusCode::kNotFound);
}

TEST_F(SavedViewServiceTest, OnlyTheOwnerOrAnAdminChangesASharedView) {
  ShownView adas = MustCreateView(kAdaV, R"({"name":"Ada's","visibility":"shared"})");
  ShownView bobs = MustCreateView(kBobV, R"({"name":"Bob's","visibility":"shared"})");
  ShownView bob_private = MustCreateView(kBobV, R"({"name":"Bob's own"})");
  struct Case { std::string name; Viewer who; Id view; StatusCode want; };
  const Case cases[] = {
      {"member renames an admin's shared view", kBobV, adas.view.id, StatusCode::kPermissionDenied},
      {"admin renames a member's shared view", kAdaV, bobs.view.id, StatusCode::kOk},
      {"owner renames own private view", kBobV, bob_private.view.id, StatusCode::kOk},
      {"admin cannot see a member's private view", kAdaV, bob_private.view.id, StatusCode::kNotFound},
      {"other workspace", kEveV, adas.view.id, StatusCode::kNotFound},
  };
  for (const Case& c : cases) {
    auto got = views_->Update(c.who, c.view, In(R"({"name":"renamed )" + c.name + "\"}"));
    EXPECT_EQ(got.status().code(), c.want) << c.name << ": " << got.status().ToString();
  }
  EXPECT_EQ(views_->Delete(kBobV, adas.view.id).code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(views_->Delete(kAdaV, bob_private.view.id).code(), StatusCode::kNotFound);
  EXPECT_TRUE(views_->Delete(kAdaV, bobs.view.id).ok());
  EXPECT_TRUE(views_->Delete(kBobV, bob_private.view.id).ok());
  EXPECT_EQ(Names(kBobV), "Ada's ");
  EXPECT_EQ(views_->Delete(kAdaV, bobs.view.id).code(), StatusCode::kNotFound);
}

TEST_F(SavedViewServiceTest, BadInputNamesTheField) {
  ShownView shared = MustCreateView(kAdaV, R"({"name":"Shared one","visibility":"shared"})");
  MustCreateView(kBobV, R"({"name":"Taken"})");
  struct Case { std::string body; StatusCode code; std::string field; std::string error_code; };
  const Case cases[] = {
      {R"({"q":"stage:lead"})", StatusCode::kInvalidArgument, "name", "required"},
      {R"({"name":"   "})", StatusCode::kInvalidArgument, "name", "required"},
      {R"({"name":")" + std::string(101, 'x') + "\"}", StatusCode::kInvalidArgument, "name", "too_long"},
      {R"({"name":"a","q":"colour:red"})", StatusCode::kInvalidArgument, "q", "filter_unknown_field"},
      {R"({"name":"a","q":"score:>abc"})", StatusCode::kInvalidArgument, "q", "filter_invalid_value"},
      {R"({"name":"a","filter":{"field":"lead_score","op":"gt","value":"x"}})", StatusCode::kInvalidArgument,
       "filter.value", "filter_invalid_value"},
      {R"({"name":"a","sort":"-tags"})", StatusCode::kInvalidArgument, "sort", "invalid"},
      {R"({"name":"a","columns":["email","colour"]})", StatusCode::kInvalidArgument, "columns[1]", "unknown_field"},
      {R"({"name":"a","columns":["email","stage","lifecycle_stage"]})", StatusCode::kInvalidArgument,
       "columns[2]", "duplicate"},
      {R"({"name":"taken"})", StatusCode::kAlreadyExists, "name", "duplicate"},
      {R"({"name":"SHARED ONE","visibility":"shared"})", StatusCode::kAlreadyExists, "name", "duplicate"},
  };
  std::string before = Names(kBobV);
  for (const Case& c : cases) {
    auto got = views_->Create(kBobV, In(c.body));
    ASSERT_FALSE(got.ok()) << c.body;
    EXPECT_EQ(got.status().code(), c.code) << c.body << ": " << got.status().ToString();
    ASSERT_FALSE(got.status().details().empty()) << c.body;
    EXPECT_EQ(got.status().details()[0].field, c.field) << c.body << ": " << got.status().ToString();
    EXPECT_EQ(got.status().details()[0].code, c.error_code) << c.body << ": " << got.status().ToString();
  }
  EXPECT_EQ(Names(kBobV), before);
  auto dup = views_->Create(kBobV, In(R"({"name":"shared one","visibility":"shared"})"));
  EXPECT_EQ(dup.status().details().at(0).existing_id, IdToString(shared.view.id));
  // The body parser's own refusals.
  for (std::string_view body : {R"({"name":"a","colour":1})", R"({"name":"a","q":"x","filter":{"and":[]}})",
                                R"({"name":"a","visibility":"public"})", R"({"name":"a","columns":"email"})"}) {
    EXPECT_EQ(ParseSavedViewInput(Obj(body)).status().code(), StatusCode::kInvalidArgument) << body;
  }
}

TEST_F(SavedViewServiceTest, StoresTheCanonicalFilterAndRunsLive) {
  ShownView v = MustCreateView(kBobV, R"({"name":"VIP leads","q":"tag:VIP  stage:Lead","sort":"email",
                                      "columns":["email","Stage","custom.industry","score"]})");
  auto node = query::ParseText("tag:VIP stage:lead", query::FieldCatalog());
  ASSERT_TRUE(node.ok());
  EXPECT_EQ(json::serialize(v.view.filter), json::serialize(query::ToJson(*node)));
  EXPECT_EQ(v.q.value_or("?"), query::ToText(*node));
  EXPECT_EQ(json::serialize(v.ToJson()["columns"]), R"(["email","lifecycle_stage","custom.industry","lead_score"])");

  MustCreate(R"({"email":"b@x.io","tags":["vip"]})");
  MustCreate(R"({"email":"z@x.io","tags":["vip"],"lifecycle_stage":"customer"})");
  EXPECT_EQ(Emails(kBobV, v.view.id), "b@x.io ");
  // No stored membership: a contact that starts matching is in the next run.
  MustCreate(R"({"email":"a@x.io","tags":["VIP"]})");
  EXPECT_EQ(Emails(kBobV, v.view.id), "a@x.io b@x.io ");
  EXPECT_EQ(Emails(kBobV, v.view.id, RunViewOptions{"-email", 50, ""}), "b@x.io a@x.io ");
  auto page = views_->Run(kBobV, v.view.id, RunViewOptions{"", 1, ""});
  ASSERT_TRUE(page.ok());
  ASSERT_FALSE(page->next_cursor.empty());
  EXPECT_EQ(Emails(kBobV, v.view.id, RunViewOptions{"", 1, page->next_cursor}), "b@x.io ");

  // owner:me is the viewer.
  ShownView mine = MustCreateView(kBobV, R"({"name":"My contacts","q":"owner:me"})");
  MustCreate(R"({"email":"owned@x.io","owner":"bob@example.com"})");
  EXPECT_EQ(Emails(kBobV, mine.view.id), "owned@x.io ");

  auto updated = views_->Update(kBobV, v.view.id, In(R"({"q":"stage:customer"})"));
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated->view.name, "VIP leads");
  EXPECT_EQ(Emails(kBobV, v.view.id), "z@x.io ");
}

TEST_F(SavedViewServiceTest, AViewNamingADeletedCustomFieldSaysSoWhenRun) {
  fields::CustomField f = AddCustomField("region", "text");
  ShownView v = MustCreateView(kAdaV, R"({"name":"EMEA","q":"region:emea","columns":["email","region"]})");
  ShownView sorted = MustCreateView(kAdaV, R"({"name":"By region","sort":"custom.region"})");
  MustCreate(R"({"email":"a@x.io","custom":{"region":"EMEA"}})");
  EXPECT_EQ(Emails(kAdaV, v.view.id), "a@x.io ");
  ASSERT_TRUE(contacts_->DeleteCustomField(kWs, f.id, {timeline::ActorType::kUser, kAda}).ok());

  // The view stays (listed and shown, its text form gone) ...
  auto shown = views_->Get(kAdaV, v.view.id);
  ASSERT_TRUE(shown.ok());
  EXPECT_FALSE(shown->q.has_value());
  EXPECT_EQ(Names(kAdaV), "By region EMEA ");
  // ... but running it fails, naming the filter and the field.
  for (Id id : {v.view.id, sorted.view.id}) {
    auto run = views_->Run(kAdaV, id, {});
    ASSERT_EQ(run.status().code(), StatusCode::kFailedPrecondition) << run.status().ToString();
    EXPECT_NE(run.status().message().find("region"), std::string::npos) << run.status().message();
    EXPECT_EQ(run.status().details().at(0).field, id == v.view.id ? "filter" : "sort");
  }
  EXPECT_EQ(views_->RunnableFilter(kAdaV, v.view.id).status().code(), StatusCode::kFailedPrecondition);
  // Editing the filter mends it.
  ASSERT_TRUE(views_->Update(kAdaV, v.view.id, In(R"({"q":"email:a@x.io"})")).ok());
  EXPECT_EQ(Emails(kAdaV, v.view.id), "a@x.io ");
}

}  // namespace
}  // namespace rally::segments
