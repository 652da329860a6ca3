#include "importexport/column_mapping.h"

#include <algorithm>
#include <cstdio>
#include <unordered_map>

#include "base/strings.h"
#include "fields/builtin_fields.h"

namespace rally::importexport {
namespace {

// Normalized header -> field, from the exports people bring. A header equal to a field's key or
// label (normalized) needs no entry. Ambiguous headers are left out on purpose: a wrong guess
// costs more than an unmapped column the user maps by hand.
const std::unordered_map<std::string, std::string>& Synonyms() {
  static const auto* m = new std::unordered_map<std::string, std::string>{
      // email: Outlook "E-mail Address", Google "E-mail 1 - Value", Mailchimp/LinkedIn
      // "Email Address", HubSpot/Salesforce "Email".
      {"email", "email"}, {"emailaddress", "email"}, {"email1value", "email"},
      {"email1", "email"}, {"primaryemail", "email"}, {"workemail", "email"},
      {"businessemail", "email"}, {"mail", "email"}, {"emailaddr", "email"},
      {"email2value", "additional_emails"}, {"email3value", "additional_emails"},
      {"email2address", "additional_emails"}, {"email3address", "additional_emails"},
      {"email2", "additional_emails"}, {"email3", "additional_emails"},
      {"otheremail", "additional_emails"}, {"secondaryemail", "additional_emails"},
      {"additionalemails", "additional_emails"}, {"additionalemail", "additional_emails"},
      {"personalemail", "additional_emails"},
      // names
      {"firstname", "first_name"}, {"givenname", "first_name"}, {"first", "first_name"},
      {"fname", "first_name"}, {"forename", "first_name"},
      {"lastname", "last_name"}, {"familyname", "last_name"}, {"surname", "last_name"},
      {"last", "last_name"}, {"lname", "last_name"},
      {"name", "full_name"}, {"fullname", "full_name"}, {"contactname", "full_name"},
      {"displayname", "full_name"}, {"contact", "full_name"},
      // phones: Google "Phone 1 - Value", Outlook "Business Phone" / "Mobile Phone"
      {"phone", "phone"}, {"phonenumber", "phone"}, {"phone1value", "phone"},
      {"businessphone", "phone"}, {"workphone", "phone"}, {"officephone", "phone"},
      {"telephone", "phone"}, {"tel", "phone"}, {"primaryphone", "phone"},
      {"mobile", "mobile"}, {"mobilephone", "mobile"}, {"mobilenumber", "mobile"},
      {"cellphone", "mobile"}, {"cell", "mobile"}, {"mobilephonenumber", "mobile"},
      // work: Google "Organization 1 - Name/Title/Department", LinkedIn "Position",
      // Salesforce "Account Name"
      {"company", "company"}, {"companyname", "company"}, {"organization", "company"},
      {"organisation", "company"}, {"organization1name", "company"},
      {"organizationname", "company"}, {"accountname", "company"}, {"employer", "company"},
      {"title", "title"}, {"jobtitle", "title"}, {"position", "title"},
      {"organization1title", "title"}, {"organizationtitle", "title"},
      {"department", "department"}, {"organization1department", "department"},
      {"organizationdepartment", "department"}, {"dept", "department"},
      // social
      {"linkedin", "linkedin"}, {"linkedinurl", "linkedin"}, {"linkedinprofile", "linkedin"},
      {"linkedinprofileurl", "linkedin"},
      {"twitter", "twitter"}, {"twitterhandle", "twitter"}, {"twitterusername", "twitter"},
      {"twitterurl", "twitter"},
      // address: Salesforce "Mailing ...", Outlook "Business ...", Google "Address 1 - ..."
      {"street", "street"}, {"address", "street"}, {"streetaddress", "street"},
      {"address1", "street"}, {"addressline1", "street"}, {"mailingstreet", "street"},
      {"businessstreet", "street"}, {"address1street", "street"},
      {"city", "city"}, {"town", "city"}, {"mailingcity", "city"}, {"businesscity", "city"},
      {"address1city", "city"},
      {"state", "state"}, {"province", "state"}, {"stateprovince", "state"},
      {"stateregion", "state"}, {"mailingstate", "state"}, {"mailingstateprovince", "state"},
      {"businessstate", "state"}, {"address1region", "state"}, {"region", "state"},
      {"postalcode", "postal_code"}, {"zip", "postal_code"}, {"zipcode", "postal_code"},
      {"postcode", "postal_code"}, {"zippostalcode", "postal_code"},
      {"mailingzippostalcode", "postal_code"}, {"mailingpostalcode", "postal_code"},
      {"businesspostalcode", "postal_code"}, {"address1postalcode", "postal_code"},
      {"country", "country"}, {"countryregion", "country"}, {"mailingcountry", "country"},
      {"businesscountryregion", "country"}, {"businesscountry", "country"},
      {"address1country", "country"},
      // CRM fields: HubSpot "Lifecycle Stage", "Lead Status", "Contact Owner",
      // "Original Source"; Salesforce "Lead Source", "Lead Owner"
      {"lifecyclestage", "lifecycle_stage"}, {"lifecycle", "lifecycle_stage"},
      {"stage", "lifecycle_stage"}, {"leadstatus", "lifecycle_stage"},
      {"leadscore", "lead_score"}, {"score", "lead_score"}, {"hubspotscore", "lead_score"},
      {"leadsource", "lead_source"}, {"source", "lead_source"},
      {"originalsource", "lead_source"},
      {"tags", "tags"}, {"tag", "tags"}, {"labels", "tags"}, {"groupmembership", "tags"},
      {"categories", "tags"}, {"lists", "tags"},
      {"owner", "owner"}, {"contactowner", "owner"}, {"leadowner", "owner"},
      {"owneremail", "owner"}, {"recordowner", "owner"},
  };
  return *m;
}

constexpr std::string_view kExtraTargets[][2] = {
    {"additional_emails", "Additional emails"}, {"company", "Company"},
    {"owner", "Owner (user email)"},            {"tags", "Tags"},
    {"full_name", "Full name (split into first and last)"}};

bool IsMulti(std::string_view key) { return key == "additional_emails" || key == "tags"; }

std::string Lower(std::string_view s) { return CaseFold(Trim(s)); }

// Splits a cell holding several values: Google writes "a ::: b", others use ";" or ",".
std::vector<std::string> SplitMulti(std::string_view cell) {
  std::string s(cell);
  for (size_t at = s.find(":::"); at != std::string::npos; at = s.find(":::", at)) {
    s.replace(at, 3, ",");
  }
  std::replace(s.begin(), s.end(), ';', ',');
  std::vector<std::string> out;
  for (std::string_view part : Split(s, ',')) {
    part = Trim(part);
    if (!part.empty()) out.emplace_back(part);
  }
  return out;
}

const fields::CustomField* FindCustom(std::span<const fields::CustomField> custom,
                                      std::string_view key) {
  for (const auto& f : custom)
    if (f.def.key == key) return &f;
  return nullptr;
}

bool ValidTarget(std::string_view key, std::span<const fields::CustomField> custom) {
  if (key.starts_with("custom.")) return FindCustom(custom, key.substr(7)) != nullptr;
  if (fields::FindBuiltinField(key)) return true;
  for (const auto& t : kExtraTargets)
    if (t[0] == key) return true;
  return false;
}

}  // namespace

std::vector<ImportTarget> ImportTargets(std::span<const fields::CustomField> custom) {
  std::vector<ImportTarget> out;
  for (const fields::FieldDef& f : fields::BuiltinContactFields()) {
    out.push_back({f.key, f.label, false});
    if (f.key == "last_name") out.push_back({"full_name", std::string(kExtraTargets[4][1]), false});
    if (f.key == "email")
      out.push_back({"additional_emails", std::string(kExtraTargets[0][1]), true});
  }
  out.push_back({"company", "Company", false});
  out.push_back({"owner", std::string(kExtraTargets[2][1]), false});
  out.push_back({"tags", "Tags", true});
  for (const auto& f : custom) out.push_back({"custom." + f.def.key, f.def.label, false});
  return out;
}

std::string NormalizeHeader(std::string_view header) {
  std::string folded = SearchKey(header);
  std::string out;
  out.reserve(folded.size());
  for (char c : folded) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out.push_back(c);
  }
  return out;
}

std::string HeaderHash(std::span<const std::string> header) {
  // FNV-1a over the normalized cells, each terminated: a fingerprint, not a security measure.
  uint64_t h = 1469598103934665603ull;
  for (const std::string& cell : header) {
    for (char c : NormalizeHeader(cell) + '\x1f') {
      h ^= static_cast<unsigned char>(c);
      h *= 1099511628211ull;
    }
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

ColumnMapping SuggestMapping(std::span<const std::string> header,
                             std::span<const fields::CustomField> custom) {
  std::unordered_map<std::string, std::string> by_name;  // normalized key/label -> target
  for (const auto& f : custom) {
    by_name.emplace(NormalizeHeader(f.def.key), "custom." + f.def.key);
    by_name.emplace(NormalizeHeader(f.def.label), "custom." + f.def.key);
  }
  // Built-in keys and labels win over custom ones (a custom key never names a built-in).
  for (const fields::FieldDef& f : fields::BuiltinContactFields()) {
    by_name[NormalizeHeader(f.key)] = f.key;
    by_name[NormalizeHeader(f.label)] = f.key;
  }
  // LinkedIn's connections export calls the profile link "URL" (and has "Connected On").
  bool linkedin_export = std::any_of(header.begin(), header.end(), [](const std::string& h) {
    return NormalizeHeader(h) == "connectedon";
  });
  ColumnMapping out(header.size());
  std::vector<std::string> used;
  for (size_t i = 0; i < header.size(); ++i) {
    std::string norm = NormalizeHeader(header[i]);
    if (norm.empty()) continue;
    std::string target;
    // "custom.<key>": Rally's own export and the template's key form.
    std::string lower = Lower(header[i]);
    if (lower.starts_with("custom.") && FindCustom(custom, lower.substr(7))) target = lower;
    else if (auto it = by_name.find(norm); it != by_name.end()) target = it->second;
    else if (auto s = Synonyms().find(norm); s != Synonyms().end()) target = s->second;
    else if (linkedin_export && norm == "url") target = "linkedin";
    if (target.empty()) continue;
    if (!IsMulti(target) && std::find(used.begin(), used.end(), target) != used.end()) {
      if (target == "email") target = "additional_emails";  // a second email column
      else continue;
    }
    used.push_back(target);
    out[i] = std::move(target);
  }
  return out;
}

Result<ColumnMapping> ParseMapping(const json::value& mapping, std::span<const std::string> header,
                                   std::span<const fields::CustomField> custom,
                                   const ColumnMapping& base) {
  ColumnMapping out = base;
  out.resize(header.size());
  std::vector<bool> named(header.size(), false);
  auto field_of = [&](const json::value& v, std::string_view where) -> Result<std::string> {
    if (v.is_null()) return std::string();
    if (!v.is_string()) return FieldInvalid(std::string(where), "invalid", "a field name is a string");
    std::string f = Lower(std::string_view(v.as_string()));
    if (f.empty() || f == "ignore" || f == "skip") return std::string();
    if (f == "name") f = "full_name";
    if (!ValidTarget(f, custom)) {
      // A custom field may be named without its prefix.
      if (FindCustom(custom, f) && !fields::FindBuiltinField(f)) return "custom." + f;
      return FieldInvalid(std::string(where), "unknown_field",
                          "no field \"" + f + "\" to map to (see GET /api/v1/imports/fields)");
    }
    return f;
  };
  auto set = [&](size_t col, std::string field) {
    out[col] = std::move(field);
    named[col] = true;
  };
  auto columns_named = [&](std::string_view h) {
    std::vector<size_t> cols;
    for (size_t i = 0; i < header.size(); ++i)
      if (header[i] == h) cols.push_back(i);
    if (cols.empty()) {
      std::string norm = NormalizeHeader(h);
      for (size_t i = 0; i < header.size(); ++i)
        if (!norm.empty() && NormalizeHeader(header[i]) == norm) cols.push_back(i);
    }
    return cols;
  };
  if (mapping.is_object()) {
    for (const auto& kv : mapping.as_object()) {
      std::string h(kv.key());
      RALLY_ASSIGN_OR_RETURN(std::string f, field_of(kv.value(), "mapping." + h));
      auto cols = columns_named(h);
      if (cols.empty()) {
        return FieldInvalid("mapping." + h, "not_found", "the file has no column \"" + h + "\"");
      }
      for (size_t c : cols) set(c, f);
    }
  } else if (mapping.is_array()) {
    const json::array& a = mapping.as_array();
    for (size_t i = 0; i < a.size(); ++i) {
      const json::value& e = a[i];
      std::string where = "mapping[" + std::to_string(i) + "]";
      if (e.is_string() || e.is_null()) {
        if (i >= header.size()) return FieldInvalid(where, "out_of_range", "more entries than columns");
        RALLY_ASSIGN_OR_RETURN(std::string f, field_of(e, where));
        set(i, f);
        continue;
      }
      if (!e.is_object()) return FieldInvalid(where, "invalid", "an entry is a field name or an object");
      const json::object& o = e.as_object();
      const json::value* fv = o.if_contains("field");
      RALLY_ASSIGN_OR_RETURN(std::string f, field_of(fv ? *fv : json::value(nullptr), where + ".field"));
      if (const json::value* c = o.if_contains("column"); c && c->is_int64()) {
        int64_t col = c->as_int64();
        if (col < 0 || col >= static_cast<int64_t>(header.size())) {
          return FieldInvalid(where + ".column", "out_of_range", "no such column");
        }
        set(static_cast<size_t>(col), f);
      } else if (const json::string* h = GetString(o, "header")) {
        auto cols = columns_named(std::string_view(*h));
        if (cols.empty()) {
          return FieldInvalid(where + ".header", "not_found",
                              "the file has no column \"" + std::string(*h) + "\"");
        }
        for (size_t col : cols) set(col, f);
      } else {
        return FieldInvalid(where, "required", "an entry names a column or a header");
      }
    }
  } else {
    return FieldInvalid("mapping", "invalid", "mapping is an object (header -> field) or an array");
  }
  // Columns the client did not name keep the base entry, unless that field is now taken by a
  // named column (the client moved it).
  for (size_t i = 0; i < out.size(); ++i) {
    if (named[i] || out[i].empty() || IsMulti(out[i])) continue;
    for (size_t j = 0; j < out.size(); ++j) {
      if (named[j] && out[j] == out[i]) {
        out[i].clear();
        break;
      }
    }
  }
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i].empty() || IsMulti(out[i])) continue;
    for (size_t j = i + 1; j < out.size(); ++j) {
      if (out[j] == out[i]) {
        return FieldInvalid("mapping", "duplicate",
                            "columns \"" + header[i] + "\" and \"" + header[j] +
                                "\" both map to " + out[i] + "; map one of them elsewhere");
      }
    }
  }
  return out;
}

Result<json::object> ParseMapFlag(std::string_view flag) {
  json::object out;
  for (std::string_view entry : Split(flag, ',')) {
    if (Trim(entry).empty()) continue;
    size_t eq = entry.rfind('=');
    if (eq == std::string_view::npos) {
      return FieldInvalid("map", "invalid",
                          "--map entries are Header=field; got \"" + std::string(entry) + "\"");
    }
    out[std::string(Trim(entry.substr(0, eq)))] = std::string(Trim(entry.substr(eq + 1)));
  }
  return out;
}

json::object MappingToJson(const ColumnMapping& mapping, std::span<const std::string> header) {
  json::object out;
  for (size_t i = 0; i < mapping.size() && i < header.size(); ++i) {
    if (mapping[i].empty() || out.contains(header[i])) continue;
    out[header[i]] = mapping[i];
  }
  return out;
}

json::array MappingToArray(const ColumnMapping& mapping, std::span<const std::string> header) {
  json::array out;
  for (size_t i = 0; i < header.size(); ++i) {
    json::object e{{"column", i}, {"header", header[i]}};
    if (i < mapping.size() && !mapping[i].empty()) e["field"] = mapping[i];
    else e["field"] = nullptr;
    out.push_back(std::move(e));
  }
  return out;
}

bool Maps(const ColumnMapping& mapping, std::string_view key) {
  return std::find(mapping.begin(), mapping.end(), key) != mapping.end();
}

std::pair<std::string, std::string> SplitFullName(std::string_view full) {
  std::string s = CollapseSpaces(Trim(full));
  // "Lovelace, Ada": the comma form puts the family name first.
  if (size_t comma = s.find(','); comma != std::string::npos) {
    std::string last(Trim(std::string_view(s).substr(0, comma)));
    std::string rest(Trim(std::string_view(s).substr(comma + 1)));
    // "Ada Lovelace, PhD" is a suffix, not the comma form.
    static const std::vector<std::string> kSuffixes = {"jr", "sr", "ii", "iii", "iv", "phd",
                                                       "md", "esq", "mba"};
    std::string norm = NormalizeHeader(rest);
    if (std::find(kSuffixes.begin(), kSuffixes.end(), norm) == kSuffixes.end()) {
      return {rest, last};
    }
    s = last;
  }
  std::vector<std::string> words;
  for (std::string_view w : Split(s, ' '))
    if (!w.empty()) words.emplace_back(w);
  static const std::vector<std::string> kPrefixes = {"mr", "mrs", "ms", "miss", "dr", "prof", "mx"};
  static const std::vector<std::string> kTrailing = {"jr", "sr", "ii", "iii", "iv", "phd", "md"};
  if (words.size() > 1 &&
      std::find(kPrefixes.begin(), kPrefixes.end(), NormalizeHeader(words.front())) != kPrefixes.end()) {
    words.erase(words.begin());
  }
  if (words.size() > 1 &&
      std::find(kTrailing.begin(), kTrailing.end(), NormalizeHeader(words.back())) != kTrailing.end()) {
    words.pop_back();
  }
  if (words.empty()) return {"", ""};
  if (words.size() == 1) return {words[0], ""};
  std::string last = words.back();
  words.pop_back();
  return {Join(words, " "), last};
}

std::string TranslateStage(std::string_view value) {
  static const std::unordered_map<std::string, std::string> kStages = {
      {"subscriber", "lead"}, {"new", "lead"}, {"open", "lead"}, {"opennotcontacted", "lead"},
      {"workingcontacted", "lead"}, {"working", "lead"}, {"attemptingtocontact", "lead"},
      {"other", "lead"}, {"inprogress", "lead"}, {"connected", "lead"},
      {"marketingqualifiedlead", "qualified"}, {"mql", "qualified"},
      {"salesqualifiedlead", "qualified"}, {"sql", "qualified"},
      {"qualified", "qualified"}, {"openDeal", "opportunity"}, {"opendeal", "opportunity"},
      {"closedconverted", "customer"}, {"closedwon", "customer"}, {"won", "customer"},
      {"advocate", "evangelist"}, {"promoter", "evangelist"},
  };
  auto it = kStages.find(NormalizeHeader(value));
  return it == kStages.end() ? std::string(value) : it->second;
}

std::optional<contacts::ContactInput> RowToInput(const ColumnMapping& mapping,
                                                 std::span<const std::string> cells,
                                                 const RowOptions& options) {
  contacts::ContactInput in;
  json::array extra_emails, tags;
  json::object custom;
  std::string full_name;
  bool has_email = false;
  for (size_t i = 0; i < mapping.size() && i < cells.size(); ++i) {
    const std::string& key = mapping[i];
    if (key.empty()) continue;
    std::string_view cell = Trim(cells[i]);
    if (cell.empty()) {
      if (!options.clear_empty) continue;
      if (key == "email" || key == "tags" || key == "full_name" || key == "additional_emails") continue;
      if (key.starts_with("custom.")) custom[key.substr(7)] = nullptr;
      else in[key] = nullptr;
      continue;
    }
    if (key == "email") {
      // Google writes several addresses in one cell: "a@x.io ::: b@x.io".
      auto parts = SplitMulti(cell);
      if (parts.empty()) continue;
      if (parts.size() == 1 || cell.find(":::") != std::string_view::npos) {
        in["email"] = parts[0];
        for (size_t p = 1; p < parts.size(); ++p) extra_emails.emplace_back(parts[p]);
      } else {
        in["email"] = std::string(cell);  // let validation name it
      }
      has_email = true;
    } else if (key == "additional_emails") {
      for (std::string& e : SplitMulti(cell)) extra_emails.emplace_back(e);
    } else if (key == "tags") {
      for (std::string& t : SplitMulti(cell)) {
        // Google's system label "* myContacts" is not a tag anyone chose.
        if (t.starts_with("* ")) continue;
        tags.emplace_back(t);
      }
    } else if (key == "full_name") {
      full_name = std::string(cell);
    } else if (key == "lifecycle_stage") {
      in[key] = TranslateStage(cell);
    } else if (key.starts_with("custom.")) {
      custom[key.substr(7)] = std::string(cell);
    } else {
      in[key] = std::string(cell);
    }
  }
  if (!has_email && !options.email_optional) return std::nullopt;
  if (!full_name.empty()) {
    auto [first, last] = SplitFullName(full_name);
    if (!in.contains("first_name") && !first.empty()) in["first_name"] = first;
    if (!in.contains("last_name") && !last.empty()) in["last_name"] = last;
  }
  if (!extra_emails.empty()) in["additional_emails"] = std::move(extra_emails);
  for (const std::string& t : options.add_tags) tags.emplace_back(t);
  if (!tags.empty()) in["add_tags"] = std::move(tags);
  if (!custom.empty()) in["custom"] = std::move(custom);
  return in;
}

int ColumnForField(const ColumnMapping& mapping, std::string_view field) {
  std::string_view f = field;
  if (f == "add_tags") f = "tags";
  for (size_t i = 0; i < mapping.size(); ++i)
    if (mapping[i] == f) return static_cast<int>(i);
  if (f == "first_name" || f == "last_name") return ColumnForField(mapping, "full_name");
  if (f == "email") return ColumnForField(mapping, "additional_emails");
  return -1;
}

}  // namespace rally::importexport
