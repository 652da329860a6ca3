#include "contacts/contact_input.h"

#include <algorithm>

#include "base/strings.h"
#include "companies/company.h"
#include "fields/builtin_fields.h"

namespace rally::contacts {
namespace {

constexpr std::string_view kReadOnlyKeys[] = {"id",         "band",       "phone_e164",
                                              "mobile_e164", "created_at", "updated_at",
                                              "last_activity_at", "deleted_at"};

// Every problem of one input, reported together.
class Errors {
 public:
  void Add(std::string field, std::string code, std::string message) {
    list_.push_back({std::move(field), std::move(code), std::move(message), {}});
  }
  // Appends the details of a failed fields:: call.
  void Add(const Status& s) {
    if (s.details().empty()) {
      Add("", std::string(StatusCodeName(s.code())), s.message());
      return;
    }
    for (const FieldError& e : s.details()) list_.push_back(e);
  }
  bool empty() const { return list_.empty(); }
  Status ToStatus() {
    std::string msg;
    if (list_.size() == 1) {
      msg = list_[0].message;
    } else {
      std::vector<std::string> names;
      for (const FieldError& e : list_) names.push_back(e.field);
      msg = std::to_string(list_.size()) + " invalid fields: " + Join(names, ", ");
    }
    return InvalidArgument(std::move(msg), std::move(list_));
  }

 private:
  std::vector<FieldError> list_;
};

std::string Kind(const json::value& v) {
  switch (v.kind()) {
    case json::kind::string: return "a string";
    case json::kind::array: return "an array";
    case json::kind::object: return "an object";
    case json::kind::bool_: return "a boolean";
    case json::kind::null: return "null";
    default: return "a number";
  }
}

std::optional<Id> IdFromJson(const json::value& v) {
  if (v.is_string()) return ParseId(Trim(std::string_view(v.get_string())));
  if (v.is_int64() && v.get_int64() > 0) return v.get_int64();
  return std::nullopt;
}

void ParseEmail(const json::value& v, ContactPatch& out, Errors& errors) {
  if (v.is_null()) {
    errors.Add("email", "required", "email is required and cannot be cleared");
    return;
  }
  if (!v.is_string()) {
    errors.Add("email", "invalid", "email must be a string, got " + Kind(v));
    return;
  }
  auto e = fields::NormalizeEmail(std::string_view(v.get_string()), "email");
  if (!e.ok()) return errors.Add(e.status());
  out.email = std::move(e).value();
}

void ParseAdditionalEmails(const json::value& v, ContactPatch& out, Errors& errors) {
  std::vector<std::pair<std::string, std::string_view>> items;  // (field path, text)
  if (v.is_null()) {
    out.additional_emails.emplace();
    return;
  }
  if (v.is_string()) {
    std::vector<std::string_view> parts = Split(std::string_view(v.get_string()), ',');
    for (size_t i = 0; i < parts.size(); ++i) {
      if (!Trim(parts[i]).empty()) items.emplace_back("additional_emails", parts[i]);
    }
  } else if (v.is_array()) {
    const json::array& a = v.get_array();
    for (size_t i = 0; i < a.size(); ++i) {
      std::string path = "additional_emails[" + std::to_string(i) + "]";
      if (!a[i].is_string()) {
        errors.Add(path, "invalid", path + " must be a string, got " + Kind(a[i]));
        continue;
      }
      items.emplace_back(path, std::string_view(a[i].get_string()));
    }
  } else {
    errors.Add("additional_emails", "invalid", "additional_emails must be an array of emails");
    return;
  }
  std::vector<fields::NormalizedEmail> emails;
  for (const auto& [path, text] : items) {
    auto e = fields::NormalizeEmail(text, path);
    if (!e.ok()) {
      errors.Add(e.status());
      continue;
    }
    bool dup = std::any_of(emails.begin(), emails.end(),
                           [&](const fields::NormalizedEmail& x) { return x.key == e->key; });
    if (!dup) emails.push_back(std::move(e).value());
  }
  if (emails.size() > kMaxAdditionalEmails) {
    errors.Add("additional_emails", "too_many",
               "at most " + std::to_string(kMaxAdditionalEmails) + " additional emails");
    return;
  }
  out.additional_emails = std::move(emails);
}

void ParseCompany(const json::value& v, ContactPatch& out, Errors& errors) {
  if (v.is_null()) {
    out.company.emplace(std::nullopt);
    return;
  }
  CompanyInput in;
  const json::value* name = nullptr;
  if (v.is_string()) {
    name = &v;
  } else if (v.is_object()) {
    const json::object& o = v.get_object();
    for (const auto& kv : o) {
      if (kv.key() != "id" && kv.key() != "name" && kv.key() != "domain") {
        errors.Add("company." + std::string(kv.key()), "unknown_field",
                   "company takes id, name and domain");
        return;
      }
    }
    if (auto it = o.find("id"); it != o.end() && !it->value().is_null()) {
      in.id = IdFromJson(it->value());
      if (!in.id) {
        errors.Add("company", "invalid", "company.id is not an id");
        return;
      }
    }
    if (auto it = o.find("name"); it != o.end() && !it->value().is_null()) name = &it->value();
    if (auto it = o.find("domain"); it != o.end() && !it->value().is_null()) {
      if (!it->value().is_string()) {
        errors.Add("company.domain", "invalid", "company.domain must be a string");
        return;
      }
      auto d = companies::NormalizeDomain(std::string_view(it->value().get_string()), "company.domain");
      if (!d.ok()) return errors.Add(d.status());
      in.domain = std::move(d).value();
    }
    if (!in.id && !name) {
      errors.Add("company", "required", "company needs an id or a name");
      return;
    }
  } else {
    errors.Add("company", "invalid", "company must be a name, {\"id\"} or {\"name\"}, got " + Kind(v));
    return;
  }
  if (name && !in.id) {
    if (!name->is_string()) {
      errors.Add("company", "invalid", "company name must be a string");
      return;
    }
    auto n = companies::NormalizeCompanyName(std::string_view(name->get_string()), "company");
    if (!n.ok()) return errors.Add(n.status());
    in.name = n->display;
  }
  out.company.emplace(std::move(in));
}

void ParseOwner(const json::value& v, ContactPatch& out, Errors& errors) {
  if (v.is_null()) {
    out.owner.emplace(std::nullopt);
    return;
  }
  OwnerInput in;
  auto from_text = [&](std::string_view text) {
    text = Trim(text);
    if (text.find('@') != std::string_view::npos) {
      in.email = std::string(text);
      return true;
    }
    in.id = ParseId(text);
    return in.id.has_value();
  };
  bool ok = false;
  if (v.is_string()) {
    ok = from_text(std::string_view(v.get_string()));
  } else if (v.is_object()) {
    const json::object& o = v.get_object();
    if (auto it = o.find("id"); it != o.end() && !it->value().is_null()) {
      in.id = IdFromJson(it->value());
      ok = in.id.has_value();
    } else if (const json::string* e = GetString(o, "email")) {
      in.email = std::string(Trim(std::string_view(*e)));
      ok = !in.email.empty();
    }
  }
  // The CLI and importers pass raw bytes; a patch never holds invalid UTF-8.
  if (ok && !IsValidUtf8(in.email)) ok = false;
  if (!ok) {
    errors.Add("owner", "invalid", "owner must be a user's email or id");
    return;
  }
  out.owner.emplace(std::move(in));
}

void ParseCustom(const json::value& v, std::span<const fields::CustomField> defs,
                 ContactPatch& out, Errors& errors) {
  if (v.is_null()) {
    out.clear_custom = true;
    return;
  }
  if (!v.is_object()) {
    errors.Add("custom", "invalid", "custom must be an object of field key -> value");
    return;
  }
  for (const auto& kv : v.get_object()) {
    auto def = std::find_if(defs.begin(), defs.end(),
                            [&](const fields::CustomField& f) { return f.def.key == kv.key(); });
    if (def == defs.end()) {
      errors.Add("custom." + std::string(kv.key()), "unknown_field",
                 "no custom field with key \"" + std::string(kv.key()) + "\"");
      continue;
    }
    auto value = fields::ParseValue(def->def, kv.value());
    if (!value.ok()) {
      errors.Add(value.status());
      continue;
    }
    out.custom[kv.key()] = std::move(value).value();
  }
}

void MergeTagLists(std::vector<TagName>& into, const std::vector<TagName>& more) {
  for (const TagName& t : more) {
    bool has = std::any_of(into.begin(), into.end(), [&](const TagName& x) { return x.norm == t.norm; });
    if (!has) into.push_back(t);
  }
}

void RemoveTags(std::vector<TagName>& from, const std::vector<TagName>& gone) {
  std::erase_if(from, [&](const TagName& t) {
    return std::any_of(gone.begin(), gone.end(), [&](const TagName& g) { return g.norm == t.norm; });
  });
}

}  // namespace

Result<TagName> NormalizeTag(std::string_view text, std::string_view field) {
  if (!IsValidUtf8(text)) return FieldInvalid(std::string(field), "invalid", "tag is not valid UTF-8");
  if (text.find(',') != std::string_view::npos) {
    // Commas separate tags everywhere (input strings, CSV cells, the filter language).
    return FieldInvalid(std::string(field), "invalid", "a tag name cannot contain a comma");
  }
  TagName t;
  t.display = CollapseSpaces(text);
  if (t.display.empty()) return FieldInvalid(std::string(field), "required", "tag name is empty");
  if (t.display.size() > kMaxTagBytes) {
    return FieldInvalid(std::string(field), "too_long",
                        "tag \"" + std::string(TruncateUtf8(t.display, 40)) + "...\" is longer than " +
                            std::to_string(kMaxTagBytes) + " bytes");
  }
  t.norm = CaseFold(t.display);
  return t;
}

Result<std::vector<TagName>> ParseTags(const json::value& v, std::string_view field) {
  std::vector<std::string_view> pieces;
  if (v.is_null()) return std::vector<TagName>{};
  if (v.is_string()) {
    pieces = Split(std::string_view(v.get_string()), ',');
  } else if (v.is_array()) {
    for (const json::value& item : v.get_array()) {
      if (!item.is_string()) {
        return FieldInvalid(std::string(field), "invalid",
                            std::string(field) + " must be strings, got " + Kind(item));
      }
      // Commas separate tags in every form, so ["a, b"] is two tags, as "a, b" is.
      for (std::string_view p : Split(std::string_view(item.get_string()), ',')) pieces.push_back(p);
    }
  } else {
    return FieldInvalid(std::string(field), "invalid",
                        std::string(field) + " must be an array or a comma-separated string");
  }
  std::vector<TagName> out;
  for (std::string_view p : pieces) {
    if (Trim(p).empty()) continue;
    RALLY_ASSIGN_OR_RETURN(TagName t, NormalizeTag(p, field));
    MergeTagLists(out, {t});
  }
  if (out.size() > kMaxTagsPerContact) {
    return FieldInvalid(std::string(field), "too_many",
                        "at most " + std::to_string(kMaxTagsPerContact) + " tags per contact");
  }
  return out;
}

void ContactPatch::MergeFrom(const ContactPatch& later) {
  if (later.email) email = later.email;
  if (later.additional_emails) additional_emails = later.additional_emails;
  // No structured binding here: clang 14 (the fuzz build) cannot capture one in a lambda.
  for (const auto& change : later.text) {
    auto it = std::find_if(text.begin(), text.end(),
                           [&](const auto& p) { return p.first == change.first; });
    if (it != text.end()) it->second = change.second;
    else text.push_back(change);
  }
  if (later.lifecycle_stage) lifecycle_stage = later.lifecycle_stage;
  if (later.lead_score) lead_score = later.lead_score;
  if (later.company) company = later.company;
  if (later.owner) owner = later.owner;
  if (later.tags) {
    tags = later.tags;
    add_tags = later.add_tags;
    remove_tags = later.remove_tags;
  } else {
    // ((S + A0) - R0 + A1) - R1 == (S + (A0 + A1)) - ((R0 - A1) + R1)
    MergeTagLists(add_tags, later.add_tags);
    RemoveTags(remove_tags, later.add_tags);
    MergeTagLists(remove_tags, later.remove_tags);
  }
  if (later.clear_custom) {
    clear_custom = true;
    custom = later.custom;
  } else {
    for (const auto& kv : later.custom) custom[kv.key()] = kv.value();
  }
}

bool NeedsCustomFields(const ContactInput& input) { return input.contains("custom"); }

bool SetsPhones(const ContactPatch& patch) {
  return std::any_of(patch.text.begin(), patch.text.end(), [](const auto& t) {
    std::string_view key = TextColumns()[t.first].key;
    return key == "phone" || key == "mobile";
  });
}

void FillPhoneE164(ContactPatch& patch, std::string_view default_region) {
  for (const auto& [index, value] : patch.text) {
    std::string_view key = TextColumns()[index].key;
    if (key != "phone" && key != "mobile") continue;
    std::optional<std::string> e164;
    if (value) e164 = fields::PhoneToE164(*value, default_region);
    (key == "phone" ? patch.phone_e164 : patch.mobile_e164) = std::move(e164);
  }
}

Result<ContactPatch> ParseContactInput(const ContactInput& input,
                                       std::span<const fields::CustomField> custom_fields,
                                       bool create) {
  ContactPatch out;
  Errors errors;
  if (create && !input.contains("email")) errors.Add("email", "required", "email is required");
  for (const auto& kv : input) {
    std::string_view key = kv.key();
    const json::value& v = kv.value();
    if (key == "email") {
      ParseEmail(v, out, errors);
    } else if (key == "additional_emails") {
      ParseAdditionalEmails(v, out, errors);
    } else if (const TextColumn* col = FindTextColumn(key)) {
      const fields::FieldDef* def = fields::FindBuiltinField(key);
      if (def == nullptr) {
        errors.Add(std::string(key), "unknown_field", "no field definition for " + std::string(key));
        continue;
      }
      auto value = fields::ParseValue(*def, v);
      if (!value.ok()) {
        errors.Add(value.status());
        continue;
      }
      std::optional<std::string> text;
      if (value->is_string()) text = std::string(value->get_string());
      out.text.emplace_back(col - TextColumns().data(), std::move(text));
    } else if (key == "lifecycle_stage") {
      auto value = fields::ParseValue(*fields::FindBuiltinField(key), v);
      if (!value.ok()) {
        errors.Add(value.status());
        continue;
      }
      out.lifecycle_stage =
          value->is_string() ? fields::ParseLifecycleStage(std::string_view(value->get_string()))
                                   .value_or(0)
                             : 0;
    } else if (key == "lead_score") {
      auto value = fields::ParseValue(*fields::FindBuiltinField(key), v);
      if (!value.ok()) {
        errors.Add(value.status());
        continue;
      }
      out.lead_score = value->is_int64() ? static_cast<int>(value->get_int64()) : 0;
    } else if (key == "company") {
      ParseCompany(v, out, errors);
    } else if (key == "owner") {
      ParseOwner(v, out, errors);
    } else if (key == "tags" || key == "add_tags" || key == "remove_tags") {
      auto tags = ParseTags(v, key);
      if (!tags.ok()) {
        errors.Add(tags.status());
        continue;
      }
      if (key == "tags") out.tags = std::move(tags).value();
      else if (key == "add_tags") out.add_tags = std::move(tags).value();
      else out.remove_tags = std::move(tags).value();
    } else if (key == "custom") {
      ParseCustom(v, custom_fields, out, errors);
    } else if (std::find(std::begin(kReadOnlyKeys), std::end(kReadOnlyKeys), key) ==
               std::end(kReadOnlyKeys)) {
      errors.Add(std::string(key), "unknown_field", "unknown field \"" + std::string(key) + "\"");
    }
  }
  if (!errors.empty()) return errors.ToStatus();
  return out;
}

}  // namespace rally::contacts
