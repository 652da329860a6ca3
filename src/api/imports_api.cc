// Routes (see imports_api.h for the table): POST|GET /api/v1/imports,
//   GET /api/v1/imports/{id}, POST /api/v1/imports/{id}/preview|dry-run|start|cancel|revert,
//   GET /api/v1/imports/{id}/errors.csv, GET /api/v1/imports/fields,
//   GET /api/v1/imports/template.csv|template.xlsx,
//   GET|POST /api/v1/import-mappings, DELETE /api/v1/import-mappings/{id}
#include "api/imports_api.h"

#include <filesystem>
#include <fstream>

#include "api/api.h"
#include "base/strings.h"
#include "importexport/import_service.h"
#include "jobs/job_queue.h"

namespace rally::api {
namespace {

using http::Method;
using http::Request;
using http::Response;

// A file removed when the request is done with it.
struct ScratchFile {
  std::string path;
  ~ScratchFile() {
    std::error_code ec;
    if (!path.empty()) std::filesystem::remove(path, ec);
  }
};

// The parameter `name` of a header value such as `multipart/form-data; boundary=xyz` or
// `form-data; name="file"; filename="a.csv"`.
std::string HeaderParam(std::string_view value, std::string_view name) {
  for (std::string_view part : Split(value, ';')) {
    part = Trim(part);
    size_t eq = part.find('=');
    if (eq == std::string_view::npos || AsciiLower(Trim(part.substr(0, eq))) != name) continue;
    std::string_view v = Trim(part.substr(eq + 1));
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
    return std::string(v);
  }
  return "";
}

struct Multipart {
  std::string file_name;
  std::string options;  // the "options" part, JSON
};

// Splits a multipart/form-data body held in `body_path`: the "file" part is written to
// `file_path`, the small parts kept. Streams in 1 MiB reads, so the upload never sits in memory.
// Errors: invalid_argument naming "body" (malformed) or "file" (no file part).
Result<Multipart> SplitMultipart(const std::string& body_path, const std::string& boundary,
                                 const std::string& file_path) {
  if (boundary.empty() || boundary.size() > 200) {
    return FieldInvalid("body", "malformed_multipart", "multipart body without a usable boundary");
  }
  std::ifstream in(body_path, std::ios::binary);
  std::ofstream file;
  const std::string delim = "\r\n--" + boundary;
  std::string buf = "\r\n";  // so the first delimiter looks like the others
  bool eof = false, saw_file = false;
  enum class State { kPreamble, kAfterDelim, kHeaders, kContent, kDone } state = State::kPreamble;
  std::string part_name;
  std::string* small = nullptr;
  std::string ignored;
  Multipart out;
  constexpr size_t kRead = 1 << 20;
  auto malformed = [](std::string why) { return FieldInvalid("body", "malformed_multipart", std::move(why)); };
  auto emit = [&](std::string_view bytes) -> Status {
    if (part_name == "file") {
      file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
      return file ? Status::Ok() : Unavailable("cannot write the upload");
    }
    if (small) {
      if (small->size() + bytes.size() > (1 << 20)) return malformed("part " + part_name + " is over 1 MiB");
      small->append(bytes);
    }
    return Status::Ok();
  };
  while (state != State::kDone) {
    if (!eof && buf.size() < 2 * kRead) {
      size_t old = buf.size();
      buf.resize(old + kRead);
      in.read(buf.data() + old, kRead);
      buf.resize(old + static_cast<size_t>(in.gcount()));
      if (in.gcount() == 0) eof = true;
    }
    switch (state) {
      case State::kPreamble:
      case State::kContent: {
        size_t pos = buf.find(delim);
        if (pos == std::string::npos) {
          if (eof) return malformed("the body ends inside a part");
          size_t keep = std::min(buf.size(), delim.size());
          if (state == State::kContent) RALLY_RETURN_IF_ERROR(emit(std::string_view(buf).substr(0, buf.size() - keep)));
          buf.erase(0, buf.size() - keep);
          continue;
        }
        if (state == State::kContent) RALLY_RETURN_IF_ERROR(emit(std::string_view(buf).substr(0, pos)));
        if (part_name == "file") file.close();
        buf.erase(0, pos + delim.size());
        state = State::kAfterDelim;
        break;
      }
      case State::kAfterDelim:
        if (buf.size() < 2) {
          if (eof) return malformed("the body ends after a boundary");
          continue;
        }
        if (buf.compare(0, 2, "--") == 0) {
          state = State::kDone;
        } else {
          size_t eol = buf.find("\r\n");
          if (eol == std::string::npos) {
            if (eof) return malformed("a boundary line does not end");
            continue;
          }
          buf.erase(0, eol + 2);  // transport padding after the boundary is allowed
          state = State::kHeaders;
        }
        break;
      case State::kHeaders: {
        size_t end = buf.find("\r\n\r\n");
        if (end == std::string::npos) {
          if (eof || buf.size() > (64 << 10)) return malformed("a part's headers do not end");
          continue;
        }
        std::string_view headers = std::string_view(buf).substr(0, end);
        part_name.clear();
        std::string filename;
        for (std::string_view line : Split(headers, '\n')) {
          line = Trim(line);
          size_t colon = line.find(':');
          if (colon == std::string_view::npos) continue;
          if (AsciiLower(Trim(line.substr(0, colon))) != "content-disposition") continue;
          part_name = HeaderParam(line.substr(colon + 1), "name");
          filename = HeaderParam(line.substr(colon + 1), "filename");
        }
        small = nullptr;
        if (part_name == "file") {
          if (saw_file) return FieldInvalid("file", "duplicate", "one file per import");
          saw_file = true;
          out.file_name = filename;
          file.open(file_path, std::ios::binary | std::ios::trunc);
          if (!file) return Unavailable("cannot write the upload");
        } else if (part_name == "options") {
          small = &out.options;
        } else {
          small = &ignored;
          ignored.clear();
        }
        buf.erase(0, end + 4);
        state = State::kContent;
        break;
      }
      case State::kDone:
        break;
    }
  }
  if (!saw_file) return FieldInvalid("file", "required", "the multipart body has no \"file\" part");
  return out;
}

Result<json::value> OptionsParam(std::string_view text) {
  if (Trim(text).empty()) return json::value(json::object{});
  auto v = ParseJson(text);
  if (!v.ok() || !v->is_object()) {
    return FieldInvalid("options", "invalid", "options is a JSON object of import options");
  }
  return v;
}

// The body of .../dry-run, .../start, .../preview: import options over the stored ones, or
// nothing.
Result<json::object> OptionsBody(const Request& req) {
  if (Trim(req.body).empty()) return json::object{};
  return ParseObjectBody(req);
}

json::object WithProgress(const importexport::Import& imp, jobs::JobQueue& jobs) {
  json::object out = importexport::ImportToJson(imp);
  out["progress"] = nullptr;
  if (imp.job_id) {
    auto job = jobs.Get(imp.workspace_id, imp.job_id);
    if (job.ok()) {
      out["progress"] = job->progress;
      out["job_state"] = jobs::JobStateName(job->state);
    }
  }
  return out;
}

Response Upload(importexport::ImportService& imports, Request& req, const auth::Principal& p) {
  if (req.body_file.empty() && req.body.empty()) {
    return ErrorResponse(FieldInvalid("body", "empty", "send the file as the body, or multipart/form-data"));
  }
  // Bodies the server kept in memory (never for this route; tests) go to a file too.
  ScratchFile in_memory;
  std::string body_path = req.body_file;
  if (body_path.empty()) {
    in_memory.path = (std::filesystem::temp_directory_path() / ("rally-upload-" + IdToString(NewId()))).string();
    std::ofstream(in_memory.path, std::ios::binary) << req.body;
    body_path = in_memory.path;
  }
  std::string content_type = AsciiLower(req.Header("content-type").value_or(""));
  std::string file_name(req.QueryParam("file_name").value_or(""));
  auto options = OptionsParam(req.QueryParam("options").value_or(""));
  if (!options.ok()) return ErrorResponse(options.status());
  ScratchFile part;
  std::string file_path = body_path;
  if (content_type.starts_with("multipart/form-data")) {
    part.path = body_path + ".file";
    auto m = SplitMultipart(body_path, HeaderParam(req.Header("content-type").value_or(""), "boundary"), part.path);
    if (!m.ok()) return ErrorResponse(m.status());
    if (file_name.empty()) file_name = m->file_name;
    if (!m->options.empty()) {
      options = OptionsParam(m->options);
      if (!options.ok()) return ErrorResponse(options.status());
    }
    file_path = part.path;
  }
  if (file_name.empty()) file_name = "upload";
  auto imp = imports.Upload(p.workspace_id, p.user_id, file_name, file_path, *options);
  if (!imp.ok()) return ErrorResponse(imp.status());
  Response res = JsonResponse(201, importexport::ImportToJson(*imp));
  res.headers.emplace_back("Location", "/api/v1/imports/" + IdToString(imp->id));
  return res;
}

}  // namespace

void AddImportsRoutes(http::Router& router, const Authenticator& auth,
                      importexport::ImportService& imports, jobs::JobQueue& jobs) {
  http::BodyOptions upload;
  upload.max_bytes = imports.options().max_upload_bytes;
  upload.to_file = true;
  router.Add(Method::kPost, "/api/v1/imports",
             auth.Require([&](Request& req, const auth::Principal& p) { return Upload(imports, req, p); }),
             upload);

  router.Add(Method::kGet, "/api/v1/imports", auth.Require([&](Request& req, const auth::Principal& p) {
               auto limit = ParseLimit(req, 50, 200);
               if (!limit.ok()) return ErrorResponse(limit.status());
               auto page = imports.List(p.workspace_id, *limit, req.QueryParam("cursor").value_or(""));
               if (!page.ok()) return ErrorResponse(page.status());
               return JsonResponse(200, page->ToJson());
             }));

  router.Add(Method::kGet, "/api/v1/imports/{id}", auth.Require([&](Request& req, const auth::Principal& p) {
               auto id = PathId(req);
               if (!id.ok()) return ErrorResponse(id.status());
               auto imp = imports.Get(p.workspace_id, *id);
               if (!imp.ok()) return ErrorResponse(imp.status());
               return JsonResponse(200, WithProgress(*imp, jobs));
             }));

  router.Add(Method::kPost, "/api/v1/imports/{id}/preview",
             auth.Require([&](Request& req, const auth::Principal& p) {
               auto id = PathId(req);
               if (!id.ok()) return ErrorResponse(id.status());
               auto body = OptionsBody(req);
               if (!body.ok()) return ErrorResponse(body.status());
               auto preview = imports.Preview(p.workspace_id, *id, *body);
               if (!preview.ok()) return ErrorResponse(preview.status());
               return JsonResponse(200, *preview);
             }));

  router.Add(Method::kPost, "/api/v1/imports/{id}/dry-run",
             auth.Require([&](Request& req, const auth::Principal& p) {
               auto id = PathId(req);
               if (!id.ok()) return ErrorResponse(id.status());
               auto body = OptionsBody(req);
               if (!body.ok()) return ErrorResponse(body.status());
               auto report = imports.DryRun(p.workspace_id, *id, *body);
               if (!report.ok()) return ErrorResponse(report.status());
               return JsonResponse(200, *report);
             }));

  router.Add(Method::kPost, "/api/v1/imports/{id}/start",
             auth.Require([&](Request& req, const auth::Principal& p) {
               auto id = PathId(req);
               if (!id.ok()) return ErrorResponse(id.status());
               auto body = OptionsBody(req);
               if (!body.ok()) return ErrorResponse(body.status());
               auto imp = imports.Start(p.workspace_id, *id, *body, p.user_id);
               if (!imp.ok()) return ErrorResponse(imp.status());
               return JsonResponse(202, WithProgress(*imp, jobs));
             }));

  router.Add(Method::kPost, "/api/v1/imports/{id}/cancel",
             auth.Require([&](Request& req, const auth::Principal& p) {
               auto id = PathId(req);
               if (!id.ok()) return ErrorResponse(id.status());
               auto imp = imports.Cancel(p.workspace_id, *id, &jobs);
               if (!imp.ok()) return ErrorResponse(imp.status());
               return JsonResponse(200, WithProgress(*imp, jobs));
             }));

  router.Add(Method::kPost, "/api/v1/imports/{id}/revert",
             auth.Require([&](Request& req, const auth::Principal& p) {
               auto id = PathId(req);
               if (!id.ok()) return ErrorResponse(id.status());
               auto imp = imports.Get(p.workspace_id, *id);
               if (!imp.ok()) return ErrorResponse(imp.status());
               if (p.role != auth::Role::kAdmin && imp->created_by != p.user_id) {
                 return ErrorResponse(PermissionDenied("only an admin or the user who ran an import may revert it"));
               }
               auto report = imports.Revert(p.workspace_id, *id, {timeline::ActorType::kUser, p.user_id});
               if (!report.ok()) return ErrorResponse(report.status());
               return JsonResponse(200, *report);
             }));

  router.Add(Method::kGet, "/api/v1/imports/{id}/errors.csv",
             auth.Require([&](Request& req, const auth::Principal& p) {
               auto id = PathId(req);
               if (!id.ok()) return ErrorResponse(id.status());
               std::string csv;
               Status s = imports.WriteErrorsCsv(p.workspace_id, *id, [&](std::string_view b) { csv.append(b); });
               if (!s.ok()) return ErrorResponse(s);
               Response res = Response::Text(200, std::move(csv), "text/csv; charset=utf-8");
               res.headers.emplace_back("Content-Disposition",
                                        "attachment; filename=\"import-" + IdToString(*id) + "-errors.csv\"");
               return res;
             }));

  router.Add(Method::kGet, "/api/v1/imports/fields", auth.Require([&](Request&, const auth::Principal& p) {
               auto targets = imports.Targets(p.workspace_id);
               if (!targets.ok()) return ErrorResponse(targets.status());
               return JsonResponse(200, json::object{{"data", std::move(*targets)}});
             }));

  router.Add(Method::kGet, "/api/v1/imports/template.csv", auth.Require([&](Request&, const auth::Principal& p) {
               auto csv = imports.TemplateCsv(p.workspace_id);
               if (!csv.ok()) return ErrorResponse(csv.status());
               Response res = Response::Text(200, std::move(*csv), "text/csv; charset=utf-8");
               res.headers.emplace_back("Content-Disposition", "attachment; filename=\"rally-import-template.csv\"");
               return res;
             }));

  router.Add(Method::kGet, "/api/v1/imports/template.xlsx", auth.Require([&](Request&, const auth::Principal& p) {
               auto xlsx = imports.TemplateXlsx(p.workspace_id);
               if (!xlsx.ok()) return ErrorResponse(xlsx.status());
               Response res = Response::Text(
                   200, std::move(*xlsx), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
               res.headers.emplace_back("Content-Disposition", "attachment; filename=\"rally-import-template.xlsx\"");
               return res;
             }));

  router.Add(Method::kGet, "/api/v1/import-mappings", auth.Require([&](Request& req, const auth::Principal& p) {
               auto list = imports.ListMappings(p.workspace_id, req.QueryParam("header_hash").value_or(""));
               if (!list.ok()) return ErrorResponse(list.status());
               json::array data;
               for (const auto& m : *list) data.push_back(m.ToJson());
               return JsonResponse(200, json::object{{"data", std::move(data)}});
             }));

  router.Add(Method::kPost, "/api/v1/import-mappings", auth.Require([&](Request& req, const auth::Principal& p) {
               auto body = ParseObjectBody(req);
               if (!body.ok()) return ErrorResponse(body.status());
               auto saved = imports.SaveMapping(p.workspace_id, p.user_id, *body);
               if (!saved.ok()) return ErrorResponse(saved.status());
               return JsonResponse(201, saved->ToJson());
             }));

  router.Add(Method::kDelete, "/api/v1/import-mappings/{id}",
             auth.Require([&](Request& req, const auth::Principal& p) {
               auto id = PathId(req);
               if (!id.ok()) return ErrorResponse(id.status());
               Status s = imports.DeleteMapping(p.workspace_id, *id);
               if (!s.ok()) return ErrorResponse(s);
               return Response::NoContent();
             }));
}

}  // namespace rally::api
