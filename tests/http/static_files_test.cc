#include "http/static_files.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace rally::http {
namespace {

std::string HeaderOf(const Response& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

Request Get(std::string path, std::vector<std::pair<std::string, std::string>> headers = {}) {
  Request req;
  req.method = Method::kGet;
  req.path = std::move(path);
  req.headers = std::move(headers);
  return req;
}

constexpr std::string_view kIndex = "<!doctype html><title>Rally</title>";
constexpr std::string_view kJs = "console.log('rally')";
constexpr std::string_view kJsGz = "\x1f\x8b-pretend-gzip";

struct Case {
  const char* name;
  Method method;
  std::string path;
  std::string accept_encoding;
  int status;
  std::string body;           // expected body ("" = don't check)
  std::string content_type;   // prefix
  std::string cache_control;  // "" = don't check
  std::string encoding;       // Content-Encoding
};

void RunCases(const StaticFiles& files, bool gzip_available) {
  const Case kCases[] = {
      {"root is index.html", Method::kGet, "/", "", 200, std::string(kIndex), "text/html", "no-cache", ""},
      {"client route falls back to index.html", Method::kGet, "/contacts/42", "", 200, std::string(kIndex), "text/html", "no-cache", ""},
      {"hashed asset cached for a year", Method::kGet, "/assets/index-abc123.js", "", 200, std::string(kJs), "text/javascript", "public, max-age=31536000, immutable", ""},
      {"gzip when accepted", Method::kGet, "/assets/index-abc123.js", "br, gzip", 200, gzip_available ? std::string(kJsGz) : std::string(kJs), "text/javascript", "", gzip_available ? "gzip" : ""},
      {"gzip;q=0 refuses gzip", Method::kGet, "/assets/index-abc123.js", "gzip;q=0", 200, std::string(kJs), "text/javascript", "", ""},
      {"missing file that looks like one", Method::kGet, "/assets/missing.js", "", 404, "", "application/json", "", ""},
      {"api paths keep the JSON 404", Method::kGet, "/api/v1/nope", "", 404, "", "application/json", "", ""},
      {"dot-dot never reaches the disk", Method::kGet, "/../etc/passwd", "", 404, "", "application/json", "", ""},
      {"other methods 404", Method::kPost, "/contacts", "", 404, "", "application/json", "", ""},
      {"HEAD like GET", Method::kHead, "/", "", 200, "", "text/html", "", ""},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    Request req = Get(c.path);
    req.method = c.method;
    if (!c.accept_encoding.empty()) req.headers.emplace_back("accept-encoding", c.accept_encoding);
    Response r = files.Serve(req);
    EXPECT_EQ(r.status, c.status);
    if (!c.body.empty()) EXPECT_EQ(r.body, c.body);
    EXPECT_EQ(r.content_type.rfind(c.content_type, 0), 0u) << r.content_type;
    if (!c.cache_control.empty()) EXPECT_EQ(HeaderOf(r, "Cache-Control"), c.cache_control);
    EXPECT_EQ(HeaderOf(r, "Content-Encoding"), c.encoding);
  }
}

TEST(StaticFilesTest, InMemory) {
  auto files = StaticFiles::InMemory({
      {"index.html", kIndex, {}},
      {"assets/index-abc123.js", kJs, kJsGz},
  });
  EXPECT_TRUE(files->HasIndex());
  RunCases(*files, /*gzip_available=*/true);
}

TEST(StaticFilesTest, FromDirectory) {
  auto dir = std::filesystem::temp_directory_path() / ("rally-static-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "assets");
  std::ofstream(dir / "index.html") << kIndex;
  std::ofstream(dir / "assets" / "index-abc123.js") << kJs;
  auto files = StaticFiles::FromDirectory(dir.string());
  EXPECT_TRUE(files->HasIndex());
  RunCases(*files, /*gzip_available=*/false);
  std::filesystem::remove_all(dir);
}

TEST(StaticFilesTest, ETagAnswers304) {
  auto files = StaticFiles::InMemory({{"index.html", kIndex, {}}});
  Response first = files->Serve(Get("/"));
  std::string etag = HeaderOf(first, "ETag");
  ASSERT_FALSE(etag.empty());
  Response again = files->Serve(Get("/", {{"if-none-match", etag}}));
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
}

TEST(StaticFilesTest, WithoutTheUiSaysSo) {
  auto files = StaticFiles::InMemory({});
  EXPECT_FALSE(files->HasIndex());
  Response r = files->Serve(Get("/contacts"));
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find("--web-dir"), std::string::npos);
}

TEST(StaticFilesTest, ContentTypes) {
  const std::pair<const char*, const char*> kCases[] = {
      {"a.css", "text/css; charset=utf-8"}, {"a.svg", "image/svg+xml"}, {"a.woff2", "font/woff2"},
      {"dir.v1/noext", "application/octet-stream"}, {"a.unknown", "application/octet-stream"},
  };
  for (const auto& [path, type] : kCases) EXPECT_EQ(StaticFiles::ContentType(path), type) << path;
}

}  // namespace
}  // namespace rally::http
