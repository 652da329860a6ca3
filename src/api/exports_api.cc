// Routes: GET /api/v1/exports (see exports_api.h).
#include "api/exports_api.h"

#include <stdexcept>

#include "api/api.h"
#include "base/clock.h"
#include "base/strings.h"
#include "importexport/export_service.h"
#include "segments/saved_view_service.h"

namespace rally::api {
namespace {

using http::Method;
using http::Request;
using http::Response;

// How long one trip of the body writer waits for the producer before giving its worker back.
constexpr std::chrono::milliseconds kChunkWait{50};

Result<bool> BoolParam(const Request& req, std::string_view name, bool fallback) {
  auto v = req.QueryParam(name);
  if (!v) return fallback;
  std::string t = AsciiLower(*v);
  if (t == "true" || t == "1" || t == "yes" || t.empty()) return true;
  if (t == "false" || t == "0" || t == "no") return false;
  return FieldInvalid(std::string(name), "invalid", std::string(name) + " must be true or false");
}

std::string FileName(importexport::ExportFormat f) {
  // "2026-11-26T06:06:43.123Z" -> contacts-20261126-060643.csv
  std::string ts = FormatTimestamp(Now());
  std::string stamp;
  for (char c : ts.substr(0, 19)) {
    if (c == 'T') stamp += '-';
    else if (c != '-' && c != ':') stamp += c;
  }
  return "contacts-" + stamp + "." + std::string(importexport::ExportFormatName(f));
}

struct Parsed {
  importexport::ExportRequest request;
  importexport::ExportFormat format = importexport::ExportFormat::kCsv;
  importexport::CsvOptions csv;
};

Result<Parsed> ParseExportQuery(const Request& req, const auth::Principal& p,
                                segments::SavedViewService* views) {
  Parsed out;
  if (auto v = req.QueryParam("view"); v && !v->empty()) {
    auto id = ParseId(*v);
    if (!id) return FieldInvalid("view", "invalid", "view must be a saved view id");
    if (views == nullptr) return FieldInvalid("view", "invalid", "saved views are not available");
    RALLY_ASSIGN_OR_RETURN(segments::ShownView shown,
                           views->Get(segments::Viewer{p.workspace_id, p.user_id, p.role == auth::Role::kAdmin}, *id));
    out.request.filter = shown.view.filter;
    out.request.sort = shown.view.sort;
    out.request.columns = shown.view.columns;
  }
  if (auto q = req.QueryParam("q")) out.request.q = std::string(*q);
  if (auto f = req.QueryParam("filter"); f && !f->empty()) {
    if (out.request.filter) return FieldInvalid("filter", "invalid", "give filter or view, not both");
    auto parsed = ParseJson(*f);
    if (!parsed.ok()) return FieldInvalid("filter", "invalid", "filter is not valid JSON");
    out.request.filter = std::move(*parsed);
  }
  if (auto s = req.QueryParam("sort"); s && !s->empty()) out.request.sort = std::string(*s);
  if (auto c = req.QueryParam("columns"); c && !c->empty()) out.request.columns = importexport::SplitColumns(*c);
  if (auto f = req.QueryParam("format")) {
    RALLY_ASSIGN_OR_RETURN(out.format, importexport::ParseExportFormat(*f));
  }
  if (auto d = req.QueryParam("delimiter"); d && !d->empty()) {
    RALLY_ASSIGN_OR_RETURN(out.csv.delimiter, importexport::ParseDelimiter(*d));
  }
  RALLY_ASSIGN_OR_RETURN(out.csv.bom, BoolParam(req, "bom", false));
  RALLY_ASSIGN_OR_RETURN(out.csv.protect_formulas, BoolParam(req, "protect", true));
  return out;
}

}  // namespace

void AddExportsRoutes(http::Router& router, const Authenticator& auth, importexport::ExportService& exports,
                      segments::SavedViewService* views) {
  router.Add(Method::kGet, "/api/v1/exports", auth.Require([&exports, views](Request& req, const auth::Principal& p) {
    auto parsed = ParseExportQuery(req, p, views);
    if (!parsed.ok()) return ErrorResponse(parsed.status());
    auto stream = exports.Stream(query::QueryContext{p.workspace_id, p.user_id}, parsed->request, parsed->format,
                                 parsed->csv);
    if (!stream.ok()) return ErrorResponse(stream.status());
    Response res;
    res.status = 200;
    res.content_type = parsed->format == importexport::ExportFormat::kXlsx
                           ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                           : "text/csv; charset=utf-8";
    res.headers.emplace_back("Content-Disposition",
                             "attachment; filename=\"" + FileName(parsed->format) + "\"");
    res.headers.emplace_back("Cache-Control", "no-store");
    // Copies of the writer share the stream; the last one dropped (the response, once sent or
    // abandoned by a client that went away) cancels the export and frees its connection.
    res.stream = [s = std::move(*stream)](std::string& out) {
      auto more = s->Next(out, kChunkWait);
      // The status line is long gone: throwing makes the session end the body without its last
      // chunk, which is how HTTP says "incomplete".
      if (!more.ok()) throw std::runtime_error("export failed: " + more.status().message());
      return *more;
    };
    return res;
  }));
}

}  // namespace rally::api
