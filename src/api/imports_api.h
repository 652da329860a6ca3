// REST routes for contact imports (importexport/import_service.h has the life of an import):
//   POST   /api/v1/imports                    upload: the file as the raw body (options in
//                                             ?options=<JSON> and ?file_name=) or
//                                             multipart/form-data (parts "file", "options");
//                                             streamed to disk, up to the configured limit   201
//   GET    /api/v1/imports                    the workspace's imports, newest first          200
//   GET    /api/v1/imports/{id}               one import: state, counts, live job progress   200
//   POST   /api/v1/imports/{id}/preview       detected format, first rows, mappings          200
//   POST   /api/v1/imports/{id}/dry-run       what would happen; nothing written             200
//   POST   /api/v1/imports/{id}/start         queue the import job (body: final options)     202
//   POST   /api/v1/imports/{id}/cancel        cancel                                         200
//   POST   /api/v1/imports/{id}/revert        undo (admins or the importer)                  200
//   GET    /api/v1/imports/{id}/errors.csv    rejected rows + an "error" column             200
//   GET    /api/v1/imports/fields             the fields a column may map to                 200
//   GET    /api/v1/imports/template.csv|.xlsx a header per field and one example row         200
//   GET    /api/v1/import-mappings?header_hash=  saved mappings                              200
//   POST   /api/v1/import-mappings            save (upsert by name)                          201
//   DELETE /api/v1/import-mappings/{id}                                                      204
#pragma once

#include <cstdint>

#include "api/authenticator.h"
#include "http/router.h"

namespace rally::importexport {
class ImportService;
}
namespace rally::jobs {
class JobQueue;
}

namespace rally::api {

void AddImportsRoutes(http::Router& router, const Authenticator& auth,
                      importexport::ImportService& imports, jobs::JobQueue& jobs);

}  // namespace rally::api
