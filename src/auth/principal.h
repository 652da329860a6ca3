// Principal: who is making a request, as established by auth (API token or session cookie).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/ids.h"

namespace rally::auth {

enum class Role { kMember, kAdmin };
std::string_view RoleName(Role r);  // "member", "admin"
std::optional<Role> ParseRole(std::string_view name);  // exact "member" or "admin"

struct Principal {
  Id workspace_id = 0;
  Id user_id = 0;
  Role role = Role::kMember;
  std::string user_email;
  Id token_id = 0;    // set when authenticated by an API token
  Id session_id = 0;  // set when authenticated by a session cookie
  std::string csrf_token;  // the session's CSRF token; empty for API tokens
};

}  // namespace rally::auth
