// Social profile and generic URL normalization.
#include "base/strings.h"
#include "fields/field.h"

namespace rally::fields {
namespace {

bool IsHandleChar(char c, bool allow_dash) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         (allow_dash && c == '-');
}

// Strips scheme, "www."/"m."/"mobile." and returns host and the path after it (no query).
void SplitUrl(std::string_view s, std::string* host, std::string* path) {
  std::string lower = AsciiLower(s);
  size_t start = 0;
  if (lower.starts_with("https://")) start = 8;
  else if (lower.starts_with("http://")) start = 7;
  std::string_view rest = std::string_view(s).substr(start);
  size_t slash = rest.find_first_of("/?#");
  *host = AsciiLower(rest.substr(0, slash));
  for (std::string_view p : {"www.", "m.", "mobile."})
    if (host->starts_with(p)) host->erase(0, p.size());
  *path = slash == std::string_view::npos ? "" : std::string(rest.substr(slash));
  size_t q = path->find_first_of("?#");
  if (q != std::string::npos) path->resize(q);
}

}  // namespace

Result<std::string> NormalizeUrl(std::string_view input, UrlKind kind, std::string_view field) {
  std::string_view s = Trim(input);
  auto invalid = [&](std::string why) {
    return FieldInvalid(std::string(field), "invalid",
                        "\"" + ToValidUtf8(TruncateUtf8(s, 100)) + "\" is not a valid " + why);
  };
  if (s.size() > 2048) return invalid("URL (too long)");
  if (kind == UrlKind::kTwitter || kind == UrlKind::kLinkedIn) {
    bool linkedin = kind == UrlKind::kLinkedIn;
    std::string handle, section = "in";
    bool looks_like_url = s.find('/') != std::string_view::npos || s.find('.') != std::string_view::npos;
    if (!looks_like_url) {
      handle = std::string(s.starts_with('@') ? s.substr(1) : s);
    } else {
      std::string host, path;
      SplitUrl(s, &host, &path);
      bool host_ok = linkedin ? (host == "linkedin.com" || host.ends_with(".linkedin.com"))
                              : (host == "twitter.com" || host == "x.com");
      if (!host_ok) return invalid(linkedin ? "LinkedIn profile" : "Twitter/X profile");
      auto parts = Split(path, '/');
      std::vector<std::string_view> segs;
      for (auto p : parts)
        if (!p.empty()) segs.push_back(p);
      if (linkedin) {
        if (segs.size() < 2 || (segs[0] != "in" && segs[0] != "company" && segs[0] != "pub"))
          return invalid("LinkedIn profile (expected linkedin.com/in/<name>)");
        section = std::string(segs[0]);
        handle = std::string(segs[1]);
      } else {
        if (segs.empty()) return invalid("Twitter/X profile (expected x.com/<handle>)");
        handle = std::string(segs[0]);
        if (handle.starts_with('@')) handle.erase(0, 1);
      }
    }
    size_t max_len = linkedin ? 100 : 15;
    if (handle.empty() || handle.size() > max_len)
      return invalid(linkedin ? "LinkedIn profile" : "Twitter/X handle");
    for (char c : handle)
      if (!IsHandleChar(c, linkedin) && !(linkedin && c == '%'))
        return invalid(linkedin ? "LinkedIn profile" : "Twitter/X handle");
    if (linkedin) return "https://www.linkedin.com/" + section + "/" + AsciiLower(handle);
    return "https://x.com/" + handle;
  }
  // Generic: http(s) only, a host with a dot, no spaces.
  std::string url(s);
  std::string lower = AsciiLower(url);
  if (lower.find("://") == std::string::npos) {
    url = "https://" + url;
    // Checked again with the scheme added, so the normalized URL normalizes to itself.
    if (url.size() > 2048) return invalid("URL (too long)");
  } else if (!lower.starts_with("http://") && !lower.starts_with("https://")) {
    return invalid("URL (only http and https)");
  } else {
    // Schemes are case-insensitive (RFC 3986 §3.1); "HTTP://x.com" is stored as "http://x.com".
    size_t scheme_end = lower.find(':');
    url.replace(0, scheme_end, lower, 0, scheme_end);
  }
  std::string host, path;
  SplitUrl(url, &host, &path);
  if (host.find('.') == std::string::npos || url.find(' ') != std::string::npos)
    return invalid("URL");
  return url;
}

}  // namespace rally::fields
