// REST routes for exports (issue 7):
//   GET /api/v1/exports?q=&filter=&view=&sort=&columns=&format=csv|xlsx&delimiter=&bom=&protect=
//       the file, streamed (chunked) as it is read from one snapshot                 200
// Parameters: q (filter text) and/or filter (filter JSON, URL-encoded) and/or view (a saved view
// id: its filter, sort and columns; q then narrows it); sort (query::ParseSort; default the
// view's, else newest first); columns (comma-separated field keys or "all"; default the view's,
// else importexport::kDefaultColumns); format (csv, the default, or xlsx); CSV only: delimiter
// (, ; tab |), bom (true: UTF-8 BOM for Excel), protect (false: no formula-injection prefix,
// for machine pipelines). The header row holds the field keys, so the file re-imports as is.
// Bad parameters answer 400 before any byte of the file (naming q, filter, sort, columns,
// format, delimiter, bom, protect or view); 404 for an unknown view; 429 when too many exports
// stream at once. A failure after the first byte ends the chunked body without its last chunk,
// so clients see a truncated transfer, never a short file that looks whole.
//   POST /api/v1/exports          {"q","filter","view","sort","columns","format","delimiter","bom",
//                                 "protect"} -> an export job (importexport/export_jobs.h)      202
//   GET  /api/v1/exports/{id}     its state, progress, rows, file size, expiry                 200
//   GET  /api/v1/exports/{id}/file  the finished file (409 until it has succeeded; 404 once
//                                 purged, 24 hours after it finished)                          200
#pragma once

#include "api/authenticator.h"
#include "http/router.h"

namespace rally::importexport {
class ExportService;
class ExportJobs;
}  // namespace rally::importexport
namespace rally::segments {
class SavedViewService;
}

namespace rally::api {

// `views` may be null (no saved views: the view parameter is then refused).
void AddExportsRoutes(http::Router& router, const Authenticator& auth,
                      importexport::ExportService& exports, importexport::ExportJobs& export_jobs,
                      segments::SavedViewService* views);

}  // namespace rally::api
