// StaticFiles: serves the web UI's built files (Vite's dist/: index.html plus hashed bundles
// under assets/) for every GET or HEAD that no API route matched.
//
// Two sources:
//   - files held in memory, normally the ones embedded into the binary at build time
//     (app/web_assets.h), each optionally with a gzip copy made at build time;
//   - a directory on disk, read on every request, for development (`rally serve --web-dir
//     web/dist` beside `vite build --watch`), never gzipped.
//
// What a request gets:
//   - an existing file: its bytes, a Content-Type from its extension, an ETag (304 on a matching
//     If-None-Match); "Cache-Control: public, max-age=31536000, immutable" under assets/ (Vite
//     puts a content hash in those names), "no-cache" for everything else;
//     "Content-Encoding: gzip" when a gzip copy exists and Accept-Encoding allows it;
//   - a path whose last segment has no dot (a client-side route such as /contacts/42): index.html,
//     so a reload or a shared link lands in the app;
//   - a path under /api/, a missing file that looks like one ("/assets/x.js"), or a method other
//     than GET and HEAD: the router's JSON 404.
//
// Thread safety: immutable after construction; Serve() from any thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.h"

namespace rally::http {

// One file of the UI. `path` is relative to the dist root, '/'-separated: "index.html",
// "assets/index-3f2a1c.js". `gzip` is empty when no compressed copy was made.
struct StaticFile {
  std::string_view path;
  std::string_view body;
  std::string_view gzip;
};

class StaticFiles {
 public:
  // Serves `files`, whose bytes must outlive this object (embedded arrays do).
  static std::unique_ptr<StaticFiles> InMemory(std::vector<StaticFile> files);
  // Serves the files under `dir`, read per request (paths with ".." segments are refused).
  static std::unique_ptr<StaticFiles> FromDirectory(std::string dir);

  ~StaticFiles();
  StaticFiles(const StaticFiles&) = delete;
  StaticFiles& operator=(const StaticFiles&) = delete;

  // True when there is an index.html to serve (false for an empty embedded set: a build with
  // RALLY_EMBED_WEB=OFF and no --web-dir).
  bool HasIndex() const;

  // The answer for `req` as described above.
  Response Serve(const Request& req) const;

  // "text/javascript; charset=utf-8" for "x.js", ...; "application/octet-stream" when unknown.
  static std::string_view ContentType(std::string_view path);

 private:
  struct Impl;
  explicit StaticFiles(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace rally::http
