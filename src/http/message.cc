#include "http/message.h"

#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include "base/strings.h"
#include "http/target.h"

namespace rally::http {
namespace {

constexpr std::string_view kMethodNames[kMethodCount] = {"GET",    "HEAD",    "POST",  "PUT",
                                                         "PATCH",  "DELETE",  "OPTIONS", "OTHER"};

char LowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (LowerAscii(a[i]) != LowerAscii(b[i])) return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Splits "a=1&b=x+y&c" into decoded pairs. False on a bad escape.
bool ParseQuery(std::string_view query, std::vector<std::pair<std::string, std::string>>& out) {
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view part = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (part.empty()) continue;  // "a=1&&b=2"
    size_t eq = part.find('=');
    std::pair<std::string, std::string> kv;
    if (!internal::PercentDecode(part.substr(0, eq), true, kv.first)) return false;
    if (eq != std::string_view::npos &&
        !internal::PercentDecode(part.substr(eq + 1), true, kv.second)) {
      return false;
    }
    out.push_back(std::move(kv));
  }
  return true;
}

}  // namespace

namespace internal {

bool PercentDecode(std::string_view in, bool plus_as_space, std::string& out) {
  out.reserve(out.size() + in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      int hi = HexValue(in[i + 1]);
      int lo = HexValue(in[i + 2]);
      if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) return false;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_as_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return true;
}

std::string_view EncodedPath(std::string_view target) {
  if (!target.empty() && target.front() != '/') {
    // absolute-form: skip "scheme://authority".
    size_t scheme_end = target.find("://");
    if (scheme_end == std::string_view::npos) return target;  // not a form SetTarget accepts
    size_t slash = target.find_first_of("/?#", scheme_end + 3);
    if (slash == std::string_view::npos || target[slash] != '/') return "/";
    target.remove_prefix(slash);
  }
  size_t end = target.find_first_of("?#");
  return target.substr(0, end);
}

}  // namespace internal

std::string_view MethodName(Method m) {
  int i = static_cast<int>(m);
  return (i >= 0 && i < kMethodCount) ? kMethodNames[i] : kMethodNames[kMethodCount - 1];
}

Method ParseMethod(std::string_view name) {
  for (int i = 0; i < kMethodCount - 1; ++i) {
    if (kMethodNames[i] == name) return static_cast<Method>(i);
  }
  return Method::kOther;
}

std::optional<std::string_view> Request::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (EqualsIgnoreCase(k, name)) return std::string_view(v);
  }
  return std::nullopt;
}

std::optional<std::string_view> Request::QueryParam(std::string_view name) const {
  for (const auto& [k, v] : query) {
    if (k == name) return std::string_view(v);
  }
  return std::nullopt;
}

std::optional<std::string_view> Request::Cookie(std::string_view name) const {
  // Every Cookie header counts (HTTP/2 proxies may split them); pairs are "; "-separated.
  for (const auto& [k, v] : headers) {
    if (!EqualsIgnoreCase(k, "cookie")) continue;
    std::string_view rest = v;
    while (!rest.empty()) {
      size_t semi = rest.find(';');
      std::string_view pair = Trim(rest.substr(0, semi));
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      size_t eq = pair.find('=');
      if (eq == std::string_view::npos || Trim(pair.substr(0, eq)) != name) continue;
      std::string_view value = Trim(pair.substr(eq + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
      return value;
    }
  }
  return std::nullopt;
}

std::string_view Request::Param(std::string_view name) const {
  auto it = path_params.find(name);
  return it == path_params.end() ? std::string_view() : std::string_view(it->second);
}

Response Response::Json(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

Response Response::Text(int status, std::string body, std::string content_type) {
  Response r;
  r.status = status;
  r.content_type = std::move(content_type);
  r.body = std::move(body);
  return r;
}

Response Response::NoContent() {
  Response r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

Response JsonError(int status, std::string_view code, std::string_view message) {
  boost::json::object error;
  error["code"] = code;
  // Messages may quote the decoded path ("no route for /%FF"): keep the body valid UTF-8.
  error["message"] = ToValidUtf8(message);
  // The same shape as every API error (api/api.h): details always present, and the limits the
  // HTTP layer enforces name what was over them.
  boost::json::array details;
  if (status == 413 || status == 431) {
    details.push_back(boost::json::object{{"field", status == 413 ? "body" : "headers"},
                                          {"code", "too_large"},
                                          {"message", error["message"]}});
  }
  error["details"] = std::move(details);
  boost::json::object root;
  root["error"] = std::move(error);
  return Response::Json(status, boost::json::serialize(root));
}

Status SetTarget(Request& req, std::string target) {
  req.target = std::move(target);
  req.path.clear();
  req.query.clear();
  std::string_view t = req.target;
  // Boost.URL checks the grammar (allowed characters, well-formed escapes); decoding is ours so
  // that '+' in queries and escaped NULs are handled one way everywhere.
  auto parsed = (!t.empty() && t.front() == '/') ? boost::urls::parse_origin_form(t)
                                                 : boost::urls::parse_absolute_uri(t);
  if (!parsed) return InvalidArgument("malformed request target");
  std::string_view path = parsed->encoded_path();
  // absolute-form needs an authority and an absolute path. "urn:x" has neither, and Boost.URL
  // 1.81 reads "http://h:8x/y" as host h, port 8 and the rootless path "x/y". Either would
  // leave a path without its leading '/', which the router would split wrongly.
  if ((t.front() != '/' && !parsed->has_authority()) || (!path.empty() && path.front() != '/')) {
    return InvalidArgument("malformed request target");
  }
  if (path.empty()) path = "/";
  if (!internal::PercentDecode(path, false, req.path) ||
      (parsed->has_query() && !ParseQuery(parsed->encoded_query(), req.query))) {
    req.path.clear();
    req.query.clear();
    return InvalidArgument("malformed percent-encoding in request target");
  }
  return Status::Ok();
}

}  // namespace rally::http
