// Reading the JSON bodies of the auth, users and tokens routes: each field's type is checked,
// unknown fields are refused, and every problem is reported at once as FieldErrors.
// Private to auth_api.cc, users_api.cc, tokens_api.cc and workspace_api.cc.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/principal.h"
#include "base/ids.h"
#include "base/json.h"
#include "base/status.h"

namespace rally::api::auth_body {

class BodyReader {
 public:
  BodyReader(const json::object& body, std::initializer_list<std::string_view> allowed)
      : body_(body) {
    for (const auto& [key, value] : body) {
      bool known = false;
      for (std::string_view a : allowed) known = known || key == a;
      if (!known) {
        Add(std::string(key), "unknown_field", "unknown field \"" + std::string(key) + "\"");
      }
    }
  }

  // A string field; null counts as absent.
  std::optional<std::string> String(std::string_view key, bool required = false) {
    const json::value* v = body_.if_contains(key);
    if (!v || v->is_null()) {
      if (required) Add(std::string(key), "required", std::string(key) + " is required");
      return std::nullopt;
    }
    if (!v->is_string()) {
      Add(std::string(key), "invalid", std::string(key) + " must be a string");
      return std::nullopt;
    }
    return std::string(v->get_string());
  }

  std::optional<bool> Bool(std::string_view key) {
    const json::value* v = body_.if_contains(key);
    if (!v || v->is_null()) return std::nullopt;
    if (!v->is_bool()) {
      Add(std::string(key), "invalid", std::string(key) + " must be true or false");
      return std::nullopt;
    }
    return v->get_bool();
  }

  // An id as a decimal string (how ids are rendered) or a JSON integer.
  std::optional<Id> IdField(std::string_view key) {
    const json::value* v = body_.if_contains(key);
    if (!v || v->is_null()) return std::nullopt;
    std::optional<Id> id;
    if (v->is_string()) id = ParseId(v->get_string());
    if (v->is_int64() && v->get_int64() > 0) id = v->get_int64();
    if (v->is_uint64() && v->get_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
      id = static_cast<Id>(v->get_uint64());
    }
    if (!id) Add(std::string(key), "invalid", std::string(key) + " must be an id");
    return id;
  }

  std::optional<auth::Role> RoleField(std::string_view key) {
    auto text = String(key);
    if (!text) return std::nullopt;
    auto role = auth::ParseRole(*text);
    if (!role) Add(std::string(key), "invalid", std::string(key) + " must be \"admin\" or \"member\"");
    return role;
  }

  // OK, or invalid_argument carrying every problem found.
  Status Finish() {
    if (errors_.empty()) return Status::Ok();
    std::string message = errors_.front().message;
    return InvalidArgument(std::move(message), std::move(errors_));
  }

 private:
  void Add(std::string field, std::string code, std::string message) {
    errors_.push_back(FieldError{std::move(field), std::move(code), std::move(message), {}});
  }

  const json::object& body_;
  std::vector<FieldError> errors_;
};

}  // namespace rally::api::auth_body
