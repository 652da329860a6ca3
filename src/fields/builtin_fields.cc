#include "fields/builtin_fields.h"

#include "base/strings.h"

namespace rally::fields {
namespace {

constexpr std::string_view kStageLabels[] = {"Lead", "Qualified", "Opportunity", "Customer",
                                             "Evangelist"};

FieldDef Text(std::string key, std::string label, size_t max_length = 200) {
  FieldDef d;
  d.key = std::move(key);
  d.label = std::move(label);
  d.max_length = max_length;
  return d;
}

FieldDef Typed(std::string key, std::string label, FieldType type) {
  FieldDef d = Text(std::move(key), std::move(label));
  d.type = type;
  return d;
}

std::vector<FieldDef> MakeBuiltins() {
  std::vector<FieldDef> out;
  out.push_back(Typed("email", "Email", FieldType::kEmail));
  out.push_back(Text("first_name", "First name"));
  out.push_back(Text("last_name", "Last name"));
  FieldDef phone = Typed("phone", "Phone", FieldType::kPhone);
  phone.max_length = 64;
  out.push_back(phone);
  phone.key = "mobile";
  phone.label = "Mobile";
  out.push_back(phone);
  out.push_back(Text("title", "Title"));
  out.push_back(Text("department", "Department"));
  FieldDef linkedin = Typed("linkedin", "LinkedIn", FieldType::kUrl);
  linkedin.url_kind = UrlKind::kLinkedIn;
  out.push_back(linkedin);
  FieldDef twitter = Typed("twitter", "Twitter", FieldType::kUrl);
  twitter.url_kind = UrlKind::kTwitter;
  out.push_back(twitter);
  out.push_back(Text("street", "Street", 500));
  out.push_back(Text("city", "City"));
  out.push_back(Text("state", "State"));
  out.push_back(Text("postal_code", "Postal code", 32));
  out.push_back(Text("country", "Country", 100));
  FieldDef stage = Typed("lifecycle_stage", "Lifecycle stage", FieldType::kSelect);
  for (std::string_view s : kLifecycleStages) stage.options.emplace_back(s);
  out.push_back(stage);
  FieldDef score = Typed("lead_score", "Lead score", FieldType::kNumber);
  score.min = 0;
  score.max = 100;
  score.integer = true;
  out.push_back(score);
  out.push_back(Text("lead_source", "Lead source"));
  return out;
}

}  // namespace

std::optional<int> ParseLifecycleStage(std::string_view text) {
  std::string folded = AsciiLower(CollapseSpaces(text));
  for (size_t i = 0; i < std::size(kLifecycleStages); ++i)
    if (kLifecycleStages[i] == folded) return static_cast<int>(i);
  return std::nullopt;
}

std::string_view LifecycleStageName(int stage) {
  return stage >= 0 && stage < 5 ? kLifecycleStages[stage] : "lead";
}

std::string_view LifecycleStageLabel(int stage) {
  return stage >= 0 && stage < 5 ? kStageLabels[stage] : "Lead";
}

std::string_view ScoreBand(int score) {
  if (score <= 25) return "cold";
  if (score <= 50) return "warm";
  if (score <= 75) return "hot";
  return "sales_ready";
}

const std::vector<FieldDef>& BuiltinContactFields() {
  static const std::vector<FieldDef> fields = MakeBuiltins();
  return fields;
}

const FieldDef* FindBuiltinField(std::string_view key) {
  for (const FieldDef& f : BuiltinContactFields())
    if (f.key == key) return &f;
  return nullptr;
}

}  // namespace rally::fields
