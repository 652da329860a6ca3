#include "formats.h"

#include <charconv>
#include <string_view>

#include "pools.h"

namespace rally::datagen {
namespace {

void AppendCsvCell(std::string_view v, std::string* out) {
  const bool quote = v.find_first_of(",\"\r\n") != std::string_view::npos ||
                     (!v.empty() && (v.front() == ' ' || v.back() == ' '));
  if (!quote) {
    out->append(v);
    return;
  }
  out->push_back('"');
  for (char c : v) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

// Escapes what JSON requires (quote, backslash, control characters); UTF-8 passes through.
void AppendJsonString(std::string_view v, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (char ch : v) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(ch);
    } else if (c < 0x20) {
      out->append("\\u00");
      out->push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 15]);
    } else {
      out->push_back(ch);
    }
  }
  out->push_back('"');
}

void AppendInt(int64_t v, std::string* out) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out->append(buf, end);
}

// The text fields in column order; lead_score, tags and the custom fields follow them.
struct TextField {
  std::string_view name;
  std::string Contact::*member;
};
constexpr TextField kTextFields[] = {
    {"email", &Contact::email},
    {"first_name", &Contact::first_name},
    {"last_name", &Contact::last_name},
    {"phone", &Contact::phone},
    {"mobile", &Contact::mobile},
    {"title", &Contact::title},
    {"department", &Contact::department},
    {"company", &Contact::company},
    {"linkedin", &Contact::linkedin},
    {"twitter", &Contact::twitter},
    {"street", &Contact::street},
    {"city", &Contact::city},
    {"state", &Contact::state},
    {"postal_code", &Contact::postal_code},
    {"country", &Contact::country},
    {"lead_source", &Contact::lead_source},
    {"lifecycle_stage", &Contact::lifecycle_stage},
};

}  // namespace

void AppendCsvHeader(std::string* out) {
  for (const TextField& f : kTextFields) out->append(f.name).push_back(',');
  out->append("lead_score,tags,custom.industry,custom.annual_revenue,custom.renewal_date\r\n");
}

void AppendCsvRow(const Contact& c, std::string* out) {
  for (const TextField& f : kTextFields) {
    AppendCsvCell(c.*f.member, out);
    out->push_back(',');
  }
  AppendInt(c.lead_score, out);
  out->push_back(',');
  std::string tags;
  for (const std::string& t : c.tags) {
    if (!tags.empty()) tags.push_back(',');
    tags.append(t);
  }
  AppendCsvCell(tags, out);
  out->push_back(',');
  AppendCsvCell(c.industry, out);
  out->push_back(',');
  if (c.annual_revenue >= 0) AppendInt(c.annual_revenue, out);
  out->push_back(',');
  AppendCsvCell(c.renewal_date, out);
  out->append("\r\n");
}

void AppendJsonLine(const Contact& c, std::string* out) {
  out->push_back('{');
  bool first = true;
  auto key = [&](std::string_view name) {
    if (!first) out->push_back(',');
    first = false;
    AppendJsonString(name, out);
    out->push_back(':');
  };
  for (const TextField& f : kTextFields) {
    const std::string& v = c.*f.member;
    if (v.empty()) continue;
    key(f.name);
    AppendJsonString(v, out);
  }
  key("lead_score");
  AppendInt(c.lead_score, out);
  if (!c.tags.empty()) {
    key("tags");
    out->push_back('[');
    for (size_t i = 0; i < c.tags.size(); ++i) {
      if (i > 0) out->push_back(',');
      AppendJsonString(c.tags[i], out);
    }
    out->push_back(']');
  }
  if (!c.industry.empty() || c.annual_revenue >= 0 || !c.renewal_date.empty()) {
    key("custom");
    out->push_back('{');
    bool first_custom = true;
    auto custom_key = [&](std::string_view name) {
      if (!first_custom) out->push_back(',');
      first_custom = false;
      AppendJsonString(name, out);
      out->push_back(':');
    };
    if (!c.industry.empty()) {
      custom_key("industry");
      AppendJsonString(c.industry, out);
    }
    if (c.annual_revenue >= 0) {
      custom_key("annual_revenue");
      AppendInt(c.annual_revenue, out);
    }
    if (!c.renewal_date.empty()) {
      custom_key("renewal_date");
      AppendJsonString(c.renewal_date, out);
    }
    out->push_back('}');
  }
  out->append("}\n");
}

std::string CustomFieldsJson() {
  std::string out = "[";
  for (const CustomFieldDef& f : CustomFields()) {
    if (out.size() > 1) out.push_back(',');
    out.append("{\"key\":");
    AppendJsonString(f.key, &out);
    out.append(",\"label\":");
    AppendJsonString(f.label, &out);
    out.append(",\"type\":");
    AppendJsonString(f.type, &out);
    if (!f.options.empty()) {
      out.append(",\"options\":[");
      for (size_t i = 0; i < f.options.size(); ++i) {
        if (i > 0) out.push_back(',');
        AppendJsonString(f.options[i], &out);
      }
      out.push_back(']');
    }
    out.push_back('}');
  }
  out.append("]");
  return out;
}

}  // namespace rally::datagen
