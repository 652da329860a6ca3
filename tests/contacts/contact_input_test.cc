#include "contacts/contact_input.h"

#include <gtest/gtest.h>

#include "base/strings.h"
#include "contacts/contact_diff.h"

namespace rally::contacts {
namespace {

json::object Obj(std::string_view text) {
  auto v = ParseJson(text);
  return v.ok() && v->is_object() ? v->as_object() : json::object{};
}

std::vector<std::string> Displays(const std::vector<TagName>& tags) {
  std::vector<std::string> out;
  for (const TagName& t : tags) out.push_back(t.display + "/" + t.norm);
  return out;
}

TEST(ContactInputTest, Tags) {
  struct Case {
    std::string json;
    std::vector<std::string> want;  // display/norm; empty with error set
    std::string error;
  };
  const Case cases[] = {
      {R"(["Inbound", "  event   attendee "])", {"Inbound/inbound", "event attendee/event attendee"}, ""},
      {R"("a, B ,,  c d ")", {"a/a", "B/b", "c d/c d"}, ""},
      {R"(["VIP", "vip", "Vip"])", {"VIP/vip"}, ""},
      {R"(["a, b", "c"])", {"a/a", "b/b", "c/c"}, ""},
      {R"(["ÉTÉ", "été"])", {"ÉTÉ/été"}, ""},
      {R"(null)", {}, ""},
      {R"("")", {}, ""},
      {R"([" "])", {}, ""},
      {R"(5)", {}, "invalid"},
      {R"([["x"]])", {}, "invalid"},
  };
  for (const Case& c : cases) {
    auto v = ParseJson(c.json);
    ASSERT_TRUE(v.ok()) << c.json;
    auto got = ParseTags(*v);
    if (!c.error.empty()) {
      ASSERT_FALSE(got.ok()) << c.json;
      EXPECT_EQ(got.status().details().at(0).code, c.error);
      continue;
    }
    ASSERT_TRUE(got.ok()) << c.json;
    EXPECT_EQ(Displays(*got), c.want) << c.json;
  }
  json::array many;
  for (int i = 0; i <= static_cast<int>(kMaxTagsPerContact); ++i) many.emplace_back("t" + std::to_string(i));
  EXPECT_EQ(ParseTags(many).status().details().at(0).code, "too_many");
  EXPECT_EQ(NormalizeTag("a,b").status().details().at(0).code, "invalid");
}

TEST(ContactInputTest, PatchShapes) {
  auto p = ParseContactInput(Obj(R"({"email":" A@B.io ","owner":"7","company":{"id":"9"},
                                      "first_name":null,"additional_emails":"x@y.io, X@Y.IO,z@y.io"})"),
                             {}, true);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->email->display, "A@B.io");
  EXPECT_EQ(p->email->key, "a@b.io");
  EXPECT_EQ((*p->owner)->id, 7);
  EXPECT_EQ((*p->company)->id, 9);
  ASSERT_EQ(p->text.size(), 1u);
  EXPECT_EQ(TextColumns()[p->text[0].first].key, "first_name");
  EXPECT_EQ(p->text[0].second, std::nullopt);
  EXPECT_EQ(p->additional_emails->size(), 2u);

  auto patch = ParseContactInput(Obj(R"({"owner":null,"company":null,"tags":null})"), {}, false);
  ASSERT_TRUE(patch.ok());
  EXPECT_FALSE(patch->email);
  EXPECT_TRUE(patch->owner && !*patch->owner);
  EXPECT_TRUE(patch->company && !*patch->company);
  EXPECT_TRUE(patch->tags && patch->tags->empty());
}

TEST(ContactInputTest, MergeFollowsApplyOrder) {
  // Applying A then B must equal applying A.MergeFrom(B): checked on the tag algebra, the
  // subtle part.
  auto parse = [](std::string_view j) { return *ParseContactInput(Obj(j), {}, false); };
  struct Case { std::string a, b; std::vector<std::string> add, remove; bool replaced; };
  const Case cases[] = {
      {R"({"add_tags":["x"]})", R"({"remove_tags":["x"]})", {"x/x"}, {"x/x"}, false},
      {R"({"remove_tags":["x"]})", R"({"add_tags":["X"]})", {"X/x"}, {}, false},
      {R"({"add_tags":["x"],"remove_tags":["y"]})", R"({"add_tags":["z"]})", {"x/x", "z/z"}, {"y/y"}, false},
      {R"({"tags":["a"],"add_tags":["b"]})", R"({"add_tags":["c"]})", {"b/b", "c/c"}, {}, true},
      {R"({"add_tags":["b"]})", R"({"tags":["q"],"remove_tags":["q"]})", {}, {"q/q"}, true},
  };
  for (const Case& c : cases) {
    ContactPatch merged = parse(c.a);
    merged.MergeFrom(parse(c.b));
    EXPECT_EQ(Displays(merged.add_tags), c.add) << c.a << " + " << c.b;
    EXPECT_EQ(Displays(merged.remove_tags), c.remove) << c.a << " + " << c.b;
    EXPECT_EQ(merged.tags.has_value(), c.replaced) << c.a << " + " << c.b;
  }
  ContactPatch a = parse(R"({"title":"A","city":"X"})");
  a.custom = {{"k", 1}};
  ContactPatch b = parse(R"({"title":"B"})");
  b.custom = {{"j", 2}};
  a.MergeFrom(b);
  ASSERT_EQ(a.text.size(), 2u);
  EXPECT_EQ(a.text[0].second, "B");
  EXPECT_EQ(json::serialize(a.custom), R"({"k":1,"j":2})");
}

// Found by fuzz/contact_input: the CLI and importers build the input from raw bytes, and an
// owner email was kept without a UTF-8 check; a too-long tag's message cut a character in two.
TEST(ContactInputTest, FuzzRegressionsKeepUtf8) {
  for (json::value owner : {json::value("\xFF@example.com"),
                            json::value(json::object{{"email", "o\xC3@example.com"}})}) {
    auto p = ParseContactInput(json::object{{"owner", owner}}, {}, false);
    ASSERT_FALSE(p.ok());
    EXPECT_EQ(p.status().details().at(0).field, "owner");
  }
  std::string tag = "a";
  for (int i = 0; i < 60; ++i) tag += "\xC3\xA9";  // é from byte 1 on: byte 40 cuts one
  auto p = ParseContactInput(json::object{{"tags", tag}}, {}, false);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().details().at(0).code, "too_long");
  EXPECT_TRUE(IsValidUtf8(p.status().message())) << p.status().message();
}

TEST(ContactDiffTest, NamesEachChange) {
  Contact before;
  before.id = 1;
  before.workspace_id = 1;
  before.email = "a@x.io";
  before.title = "Eng";
  before.tags = {{1, "A", "a"}, {2, "B", "b"}};
  before.custom = {{"k", 1}};
  before.company = CompanyRef{5, "Acme"};
  Contact after = before;
  EXPECT_TRUE(DiffContacts(before, after).empty());
  after.title = std::nullopt;
  after.lifecycle_stage = 2;
  after.lead_score = 30;
  after.tags = {{2, "B", "b"}, {3, "C", "c"}};
  after.custom = {{"k", 2}, {"n", true}};
  after.company.reset();
  after.owner = OwnerRef{9, "o@x.io", "O"};
  ContactDiff d = DiffContacts(before, after);
  EXPECT_EQ(d.changed_fields, (std::vector<std::string>{"title", "company", "owner", "lifecycle_stage",
                                                        "lead_score", "tags", "custom.k", "custom.n"}));
  std::vector<std::string> updates;
  for (const auto& u : d.field_updates) updates.push_back(json::serialize(u));
  EXPECT_EQ(updates, (std::vector<std::string>{
                         R"({"field":"title","from":"Eng","to":null})",
                         R"({"field":"company","from":"Acme","to":null})",
                         R"({"field":"owner","from":null,"to":"o@x.io"})",
                         R"({"field":"lead_score","from":0,"to":30})",
                         R"({"field":"custom.k","from":1,"to":2})",
                         R"({"field":"custom.n","from":null,"to":true})",
                     }));
  ASSERT_EQ(d.tags_added.size(), 1u);
  EXPECT_EQ(d.tags_added[0].name, "C");
  ASSERT_EQ(d.tags_removed.size(), 1u);
  EXPECT_EQ(d.tags_removed[0].name, "A");

  std::vector<timeline::Activity> acts;
  std::vector<events::Event> evs;
  RecordWrite(&before, after, d, {timeline::ActorType::kWorkflow, 4}, 99, acts, evs);
  ASSERT_EQ(acts.size(), 6u + 1 + 2);
  for (const auto& a : acts) {
    EXPECT_EQ(a.actor.type, timeline::ActorType::kWorkflow);
    EXPECT_EQ(a.occurred_at, 99);
    EXPECT_EQ(a.contact_id, 1);
  }
  EXPECT_EQ(json::serialize(acts[6].payload), R"({"from":"lead","to":"opportunity"})");
  EXPECT_EQ(evs.size(), 1u + 1 + 1 + 2);
  EXPECT_EQ(evs[0].actor_type, "workflow");
}

}  // namespace
}  // namespace rally::contacts
