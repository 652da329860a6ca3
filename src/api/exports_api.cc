// Routes: GET /api/v1/exports (see exports_api.h).
#include "api/exports_api.h"

#include <algorithm>
#include <stdexcept>

#include "api/api.h"
#include "base/clock.h"
#include "base/strings.h"
#include "importexport/export_jobs.h"
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
    if (c == 'T')
      stamp += '-';
    else if (c != '-' && c != ':')
      stamp += c;
  }
  return "contacts-" + stamp + "." + std::string(importexport::ExportFormatName(f));
}

struct Parsed {
  importexport::ExportRequest request;
  importexport::ExportFormat format = importexport::ExportFormat::kCsv;
  importexport::CsvOptions csv;
};

// A saved view's filter, sort and columns as the export's. Errors: invalid_argument naming
// "view"; the view service's not_found.
Status ApplyView(std::string_view view, const auth::Principal& p,
                 segments::SavedViewService* views, Parsed& out) {
  auto id = ParseId(view);
  if (!id) return FieldInvalid("view", "invalid", "view must be a saved view id");
  if (views == nullptr) return FieldInvalid("view", "invalid", "saved views are not available");
  RALLY_ASSIGN_OR_RETURN(
      segments::ShownView shown,
      views->Get(segments::Viewer{p.workspace_id, p.user_id, p.role == auth::Role::kAdmin}, *id));
  out.request.filter = shown.view.filter;
  out.request.sort = shown.view.sort;
  out.request.columns = shown.view.columns;
  return Status::Ok();
}

Result<Parsed> ParseExportQuery(const Request& req, const auth::Principal& p,
                                segments::SavedViewService* views) {
  Parsed out;
  if (auto v = req.QueryParam("view"); v && !v->empty()) {
    RALLY_RETURN_IF_ERROR(ApplyView(*v, p, views, out));
  }
  if (auto q = req.QueryParam("q")) out.request.q = std::string(*q);
  if (auto f = req.QueryParam("filter"); f && !f->empty()) {
    if (out.request.filter)
      return FieldInvalid("filter", "invalid", "give filter or view, not both");
    auto parsed = ParseJson(*f);
    if (!parsed.ok()) return FieldInvalid("filter", "invalid", "filter is not valid JSON");
    out.request.filter = std::move(*parsed);
  }
  if (auto s = req.QueryParam("sort"); s && !s->empty()) out.request.sort = std::string(*s);
  if (auto c = req.QueryParam("columns"); c && !c->empty())
    out.request.columns = importexport::SplitColumns(*c);
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

// POST /api/v1/exports:
// {"q","filter","view","sort","columns":[...]|"a,b","format","delimiter","bom","protect"}.
Result<Parsed> ParseExportBody(const json::object& body, const auth::Principal& p,
                               segments::SavedViewService* views) {
  Parsed out;
  auto str = [&](std::string_view k) -> Result<std::optional<std::string>> {
    const json::value* v = body.if_contains(k);
    if (!v || v->is_null()) return std::optional<std::string>();
    if (!v->is_string())
      return FieldInvalid(std::string(k), "invalid", std::string(k) + " must be a string");
    return std::optional<std::string>(std::string(v->get_string()));
  };
  auto boolean = [&](std::string_view k, bool fallback) -> Result<bool> {
    const json::value* v = body.if_contains(k);
    if (!v || v->is_null()) return fallback;
    if (!v->is_bool())
      return FieldInvalid(std::string(k), "invalid", std::string(k) + " must be true or false");
    return v->get_bool();
  };
  for (const auto& kv : body) {
    static constexpr std::string_view kKnown[] = {
        "q", "filter", "view", "sort", "columns", "format", "delimiter", "bom", "protect"};
    if (std::find(std::begin(kKnown), std::end(kKnown), kv.key()) == std::end(kKnown)) {
      return FieldInvalid(std::string(kv.key()), "unknown_field",
                          "unknown member \"" + std::string(kv.key()) + "\"");
    }
  }
  RALLY_ASSIGN_OR_RETURN(auto view, str("view"));
  if (view && !view->empty()) {
    RALLY_RETURN_IF_ERROR(ApplyView(*view, p, views, out));
  }
  RALLY_ASSIGN_OR_RETURN(auto q, str("q"));
  if (q) out.request.q = *q;
  if (const json::value* f = body.if_contains("filter"); f && !f->is_null()) {
    if (out.request.filter)
      return FieldInvalid("filter", "invalid", "give filter or view, not both");
    out.request.filter = *f;
  }
  RALLY_ASSIGN_OR_RETURN(auto sort, str("sort"));
  if (sort && !sort->empty()) out.request.sort = *sort;
  if (const json::value* c = body.if_contains("columns"); c && !c->is_null()) {
    if (c->is_string()) {
      out.request.columns = importexport::SplitColumns(c->get_string());
    } else if (c->is_array()) {
      out.request.columns.clear();
      for (const json::value& k : c->get_array()) {
        if (!k.is_string())
          return FieldInvalid("columns", "invalid", "columns are field keys (strings)");
        out.request.columns.emplace_back(k.get_string());
      }
    } else {
      return FieldInvalid("columns", "invalid",
                          "columns must be an array of field keys or a comma-separated string");
    }
  }
  RALLY_ASSIGN_OR_RETURN(auto format, str("format"));
  if (format) {
    RALLY_ASSIGN_OR_RETURN(out.format, importexport::ParseExportFormat(*format));
  }
  RALLY_ASSIGN_OR_RETURN(auto delimiter, str("delimiter"));
  if (delimiter && !delimiter->empty()) {
    RALLY_ASSIGN_OR_RETURN(out.csv.delimiter, importexport::ParseDelimiter(*delimiter));
  }
  RALLY_ASSIGN_OR_RETURN(out.csv.bom, boolean("bom", false));
  RALLY_ASSIGN_OR_RETURN(out.csv.protect_formulas, boolean("protect", true));
  return out;
}

std::string_view ContentType(importexport::ExportFormat f) {
  return f == importexport::ExportFormat::kXlsx
             ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
             : "text/csv; charset=utf-8";
}

}  // namespace

void AddExportsRoutes(http::Router& router, const Authenticator& auth,
                      importexport::ExportService& exports, importexport::ExportJobs& export_jobs,
                      segments::SavedViewService* views) {
  router.Add(Method::kGet, "/api/v1/exports",
             auth.Require([&exports, views](Request& req, const auth::Principal& p) {
               auto parsed = ParseExportQuery(req, p, views);
               if (!parsed.ok()) return ErrorResponse(parsed.status());
               auto stream = exports.Stream(query::QueryContext{p.workspace_id, p.user_id},
                                            parsed->request, parsed->format, parsed->csv);
               if (!stream.ok()) return ErrorResponse(stream.status());
               Response res;
               res.status = 200;
               res.content_type = std::string(ContentType(parsed->format));
               res.headers.emplace_back("Content-Disposition", "attachment; filename=\"" +
                                                                   FileName(parsed->format) + "\"");
               res.headers.emplace_back("Cache-Control", "no-store");
               // Copies of the writer share the stream; the last one dropped (the response, once
               // sent or abandoned by a client that went away) cancels the export and frees its
               // connection.
               res.stream = [s = std::move(*stream)](std::string& out) {
                 auto more = s->Next(out, kChunkWait);
                 // The status line is long gone: throwing makes the session end the body without
                 // its last chunk, which is how HTTP says "incomplete".
                 if (!more.ok())
                   throw std::runtime_error("export failed: " + more.status().message());
                 return *more;
               };
               return res;
             }));

  router.Add(Method::kPost, "/api/v1/exports",
             auth.Require([&export_jobs, views](Request& req, const auth::Principal& p) {
               auto body = ParseObjectBody(req);
               if (!body.ok()) return ErrorResponse(body.status());
               auto parsed = ParseExportBody(*body, p, views);
               if (!parsed.ok()) return ErrorResponse(parsed.status());
               auto rec = export_jobs.Start(query::QueryContext{p.workspace_id, p.user_id},
                                            parsed->request, parsed->format, parsed->csv);
               if (!rec.ok()) return ErrorResponse(rec.status());
               Response res = JsonResponse(202, rec->ToJson());
               res.headers.emplace_back("Location", "/api/v1/exports/" + IdToString(rec->id));
               return res;
             }));

  router.Add(Method::kGet, "/api/v1/exports/{id}",
             auth.Require([&export_jobs](Request& req, const auth::Principal& p) {
               auto id = PathId(req);
               if (!id.ok()) return ErrorResponse(id.status());
               auto rec = export_jobs.Get(p.workspace_id, *id);
               if (!rec.ok()) return ErrorResponse(rec.status());
               return JsonResponse(200, rec->ToJson());
             }));

  router.Add(Method::kGet, "/api/v1/exports/{id}/file",
             auth.Require([&export_jobs](Request& req, const auth::Principal& p) {
               auto id = PathId(req);
               if (!id.ok()) return ErrorResponse(id.status());
               auto rec = export_jobs.Get(p.workspace_id, *id);
               if (!rec.ok()) return ErrorResponse(rec.status());
               if (rec->state != jobs::JobState::kSucceeded) {
                 return ErrorResponse(Status(StatusCode::kFailedPrecondition,
                                             "export " + IdToString(*id) + " is " +
                                                 std::string(jobs::JobStateName(rec->state)) +
                                                 "; its file is ready once it has succeeded"));
               }
               Response res;
               res.content_type = std::string(ContentType(rec->format));
               res.headers.emplace_back("Content-Disposition",
                                        "attachment; filename=\"" + rec->file_name + "\"");
               res.headers.emplace_back("Cache-Control", "no-store");
               // One chunk (1 MiB) per call, read on the worker: the file never sits in memory
               // whole.
               auto next = std::make_shared<int64_t>(0);
               res.stream = [&export_jobs, ws = p.workspace_id, id = *id, count = rec->chunk_count,
                             next](std::string& out) {
                 if (*next >= count) return false;
                 auto chunk = export_jobs.Chunk(ws, id, (*next)++);
                 if (!chunk.ok())
                   throw std::runtime_error("export file: " + chunk.status().message());
                 out += *chunk;
                 return *next < count;
               };
               return res;
             }));
}

}  // namespace rally::api
