#include "timeline/activity.h"

#include <gtest/gtest.h>

#include "timeline/cursor.h"

namespace rally::timeline {
namespace {

TEST(ActivityTest, TypeAndActorNamesRoundTrip) {
  for (int i = 0; i <= static_cast<int>(ActivityType::kContactRestored); ++i) {
    auto t = static_cast<ActivityType>(i);
    EXPECT_EQ(ParseActivityType(ActivityTypeName(t)), t) << ActivityTypeName(t);
  }
  EXPECT_EQ(ParseActivityType("Note"), std::nullopt);
  for (int i = 0; i <= static_cast<int>(ActorType::kEmailSync); ++i) {
    auto t = static_cast<ActorType>(i);
    EXPECT_EQ(ParseActorType(ActorTypeName(t)), t) << ActorTypeName(t);
  }
  EXPECT_EQ(ParseActorType("robot"), std::nullopt);
}

TEST(ActivityTest, ParseNewActivity) {
  struct Case {
    std::string body;
    std::string want_payload;            // serialized, when OK
    std::vector<std::string> want_errors;  // "field:code", in order
  };
  const Case cases[] = {
      {R"({"type":"note","body":"  Called, left a message "})", R"({"body":"Called, left a message"})", {}},
      {R"({"type":" NOTE ","body":"x"})", R"({"body":"x"})", {}},
      {R"({"type":"note"})", "", {"body:required"}},
      {R"({"type":"note","body":"   "})", "", {"body:required"}},
      {R"({"type":"note","body":7})", "", {"body:invalid"}},
      {R"({"body":"x"})", "", {"type:required"}},
      {R"({"type":"field_updated","body":"x"})", "", {"type:unsupported"}},
      {R"({"type":"note","body":"x","color":"red"})", "", {"color:unknown_field"}},
      {R"({"type":"note","body":"x","occurred_at":"yesterday"})", "", {"occurred_at:invalid"}},
      {R"({"type":"call","direction":"Outbound","duration_s":90,"outcome":"connected"})",
       R"({"direction":"outbound","outcome":"connected","duration_s":90})", {}},
      {R"({"type":"call","direction":"sideways","duration_s":-5})", "",
       {"direction:not_an_option", "duration_s:out_of_range"}},
      {R"({"type":"call","direction":"inbound","duration_s":1.5})", "", {"duration_s:out_of_range"}},
      {R"({"type":"meeting","status":"no_show","title":"Demo"})",
       R"({"status":"no_show","title":"Demo"})", {}},
      {R"({"type":"meeting"})", "", {"status:required"}},
  };
  for (const Case& c : cases) {
    auto body = ParseJson(c.body);
    ASSERT_TRUE(body.ok() && body->is_object()) << c.body;
    auto got = ParseNewActivity(body->as_object());
    if (c.want_errors.empty()) {
      ASSERT_TRUE(got.ok()) << c.body << " -> " << got.status().ToString();
      EXPECT_EQ(json::serialize(got->payload), c.want_payload) << c.body;
      continue;
    }
    ASSERT_FALSE(got.ok()) << c.body;
    EXPECT_EQ(got.status().code(), StatusCode::kInvalidArgument);
    std::vector<std::string> errors;
    for (const FieldError& e : got.status().details()) errors.push_back(e.field + ":" + e.code);
    EXPECT_EQ(errors, c.want_errors) << c.body;
  }
}

TEST(ActivityTest, NoteBodyLimit) {
  json::object body{{"type", "note"}, {"body", std::string(kMaxNoteBytes + 1, 'x')}};
  auto got = ParseNewActivity(body);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().details().at(0).code, "too_long");
  body["body"] = std::string(kMaxNoteBytes, 'x');
  EXPECT_TRUE(ParseNewActivity(body).ok());
}

TEST(ActivityTest, ToJsonRendersActor) {
  Activity a{5, 1, 9, 0, ActivityType::kTagAdded, Actor{ActorType::kApiToken, 3},
             json::object{{"tag", "vip"}}};
  json::object j = ActivityToJson(a, ActorView{a.actor, "zapier"});
  EXPECT_EQ(json::serialize(j),
            R"({"id":"5","contact_id":"9","type":"tag_added","occurred_at":"1970-01-01T00:00:00.000Z",)"
            R"("actor":{"type":"api_token","id":"3","name":"zapier"},"payload":{"tag":"vip"}})");
  a.actor = SystemActor();
  EXPECT_TRUE(ActivityToJson(a, ActorView{a.actor, "system"})["actor"].as_object()["id"].is_null());
}

TEST(CursorTest, RoundTripsAndRejectsForgeries) {
  const json::value values[] = {json::array{1, 2}, json::array{"ü", nullptr, -3}, json::object{},
                                json::array{int64_t{1} << 62, "a"}};
  for (const json::value& v : values) {
    std::string c = EncodeCursor(v);
    EXPECT_EQ(c.find_first_of("+/="), std::string::npos) << c;
    auto back = DecodeCursor(c);
    ASSERT_TRUE(back.ok()) << c;
    EXPECT_EQ(*back, v);
  }
  for (const std::string& bad : std::vector<std::string>{"", "!!!!", "a", "YWJj", std::string(5000, 'A')}) {
    auto got = DecodeCursor(bad);
    ASSERT_FALSE(got.ok()) << bad;
    EXPECT_EQ(got.status().details().at(0).field, "cursor");
  }
}

}  // namespace
}  // namespace rally::timeline
