#include "http/static_files.h"

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

namespace rally::http {
namespace {

constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";
constexpr std::string_view kRevalidate = "no-cache";

// A strong validator from the bytes: FNV-1a is enough to tell two builds' files apart.
std::string ETagOf(std::string_view body) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : body) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char buf[24];
  std::snprintf(buf, sizeof buf, "\"%016llx\"", static_cast<unsigned long long>(h));
  return buf;
}

// Accept-Encoding lists codings with optional q-values; gzip counts unless its q is 0.
bool AcceptsGzip(const Request& req) {
  auto header = req.Header("accept-encoding");
  if (!header) return false;
  std::string_view rest = *header;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    size_t semi = item.find(';');
    std::string_view coding = item.substr(0, semi);
    while (!coding.empty() && coding.back() == ' ') coding.remove_suffix(1);
    if (coding != "gzip" && coding != "*") continue;
    if (semi == std::string_view::npos) return true;
    std::string_view params = item.substr(semi + 1);
    size_t q = params.find("q=");
    if (q == std::string_view::npos) return true;
    std::string_view value = params.substr(q + 2);
    // "q=0", "q=0.0", "q=0.000" refuse; anything else accepts.
    bool zero = !value.empty() && value.front() == '0';
    for (size_t i = 1; zero && i < value.size() && value[i] != ' '; ++i) {
      if (value[i] != '.' && value[i] != '0') zero = false;
    }
    return !zero;
  }
  return false;
}

bool LastSegmentHasDot(std::string_view path) {
  size_t slash = path.rfind('/');
  std::string_view last = slash == std::string_view::npos ? path : path.substr(slash + 1);
  return last.find('.') != std::string_view::npos;
}

bool IsApiPath(std::string_view path) {
  return path == "/api" || path.substr(0, 5) == "/api/";
}

// "/a/b" -> "a/b"; nullopt for paths that must not reach the file system (".." or "."
// segments, empty segments, backslashes, NUL).
std::optional<std::string> RelativePath(std::string_view path) {
  if (path.empty() || path.front() != '/') return std::nullopt;
  std::string rel(path.substr(1));
  if (rel.find('\\') != std::string::npos || rel.find('\0') != std::string::npos) return std::nullopt;
  std::string_view rest = rel;
  while (!rest.empty()) {
    size_t slash = rest.find('/');
    std::string_view seg = rest.substr(0, slash);
    if (seg.empty() || seg == "." || seg == "..") return std::nullopt;
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return rel;
}

struct Found {
  std::string path;       // relative, as served
  std::string_view body;
  std::string_view gzip;
  std::string etag;
};

}  // namespace

struct StaticFiles::Impl {
  struct Entry {
    StaticFile file;
    std::string etag;
  };
  std::map<std::string, Entry, std::less<>> files;  // in-memory source
  std::string dir;                                   // disk source
  bool from_disk = false;

  // Looks a relative path up; for the disk source, `storage` keeps the bytes alive.
  std::optional<Found> Lookup(std::string_view rel, std::string& storage) const {
    if (!from_disk) {
      auto it = files.find(rel);
      if (it == files.end()) return std::nullopt;
      return Found{std::string(it->second.file.path), it->second.file.body, it->second.file.gzip, it->second.etag};
    }
    std::ifstream in(dir + "/" + std::string(rel), std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) return std::nullopt;
    storage = ss.str();
    return Found{std::string(rel), storage, {}, ETagOf(storage)};
  }
};

StaticFiles::StaticFiles(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
StaticFiles::~StaticFiles() = default;

std::unique_ptr<StaticFiles> StaticFiles::InMemory(std::vector<StaticFile> files) {
  auto impl = std::make_unique<Impl>();
  for (const StaticFile& f : files) {
    impl->files.emplace(std::string(f.path), Impl::Entry{f, ETagOf(f.body)});
  }
  return std::unique_ptr<StaticFiles>(new StaticFiles(std::move(impl)));
}

std::unique_ptr<StaticFiles> StaticFiles::FromDirectory(std::string dir) {
  auto impl = std::make_unique<Impl>();
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  impl->dir = std::move(dir);
  impl->from_disk = true;
  return std::unique_ptr<StaticFiles>(new StaticFiles(std::move(impl)));
}

bool StaticFiles::HasIndex() const {
  std::string storage;
  return impl_->Lookup("index.html", storage).has_value();
}

std::string_view StaticFiles::ContentType(std::string_view path) {
  static const std::map<std::string_view, std::string_view, std::less<>> kTypes = {
      {"html", "text/html; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"json", "application/json"},
      {"map", "application/json"},
      {"webmanifest", "application/manifest+json"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"gif", "image/gif"},
      {"webp", "image/webp"},
      {"ico", "image/x-icon"},
      {"woff", "font/woff"},
      {"woff2", "font/woff2"},
      {"ttf", "font/ttf"},
      {"txt", "text/plain; charset=utf-8"},
  };
  size_t slash = path.rfind('/');
  size_t dot = path.rfind('.');
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) {
    return "application/octet-stream";
  }
  auto it = kTypes.find(path.substr(dot + 1));
  return it == kTypes.end() ? std::string_view("application/octet-stream") : it->second;
}

Response StaticFiles::Serve(const Request& req) const {
  if (IsApiPath(req.path)) return JsonError(404, "not_found", "no route for " + req.path);
  if (req.method != Method::kGet && req.method != Method::kHead) {
    return JsonError(404, "not_found", "no route for " + req.path);
  }
  std::string storage;
  std::optional<Found> found;
  if (req.path != "/") {
    auto rel = RelativePath(req.path);
    if (!rel) return JsonError(404, "not_found", "no file for " + req.path);
    found = impl_->Lookup(*rel, storage);
    if (!found && LastSegmentHasDot(req.path)) {
      return JsonError(404, "not_found", "no file for " + req.path);
    }
  }
  if (!found) found = impl_->Lookup("index.html", storage);
  if (!found) {
    return Response::Text(404,
                          "This rally binary was built without the web UI (RALLY_EMBED_WEB=OFF).\n"
                          "Start it with --web-dir web/dist, or use the API under /api/v1.\n");
  }

  Response res;
  res.status = 200;
  res.content_type = std::string(ContentType(found->path));
  bool immutable = found->path.substr(0, 7) == "assets/";
  res.headers.emplace_back("Cache-Control", std::string(immutable ? kImmutable : kRevalidate));
  res.headers.emplace_back("X-Content-Type-Options", "nosniff");
  if (!found->gzip.empty()) res.headers.emplace_back("Vary", "Accept-Encoding");
  if (found->path == "index.html") {
    res.headers.emplace_back("Content-Security-Policy",
                             "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                             "frame-ancestors 'none'; base-uri 'self'; form-action 'self'");
    res.headers.emplace_back("Referrer-Policy", "same-origin");
  }
  // The gzip copy is another representation, so it gets its own validator.
  bool gzip = !found->gzip.empty() && AcceptsGzip(req);
  std::string etag = found->etag;
  if (gzip) etag.insert(etag.size() - 1, "-gz");
  res.headers.emplace_back("ETag", etag);
  if (auto inm = req.Header("if-none-match"); inm && *inm == etag) {
    res.status = 304;
    return res;
  }
  if (gzip) {
    res.headers.emplace_back("Content-Encoding", "gzip");
    res.body.assign(found->gzip);
  } else {
    res.body.assign(found->body);
  }
  return res;
}

}  // namespace rally::http
