#include "app/services.h"

#include "auth/auth_service.h"
#include "companies/company_service.h"
#include "contacts/contact_search.h"
#include "contacts/contact_service.h"
#include "events/event_bus.h"
#include "fields/custom_fields.h"
#include "importexport/export_jobs.h"
#include "importexport/export_service.h"
#include "importexport/import_service.h"
#include "jobs/job_queue.h"
#include "jobs/job_runner.h"
#include "segments/bulk_action_service.h"
#include "segments/saved_view_service.h"
#include "segments/tag_service.h"
#include "storage/migrations.h"
#include "timeline/timeline_service.h"

namespace rally::app {

Services::Services() = default;

Services::~Services() {
  // Services hold references to the database and to each other: tear down in reverse order of
  // construction, then close the database (which finishes queued writes). The runner first:
  // its handlers may use any service.
  job_runner.reset();
  export_jobs.reset();
  exports.reset();  // cancels streamed exports and waits for their producers
  imports.reset();
  bulk.reset();
  views.reset();
  tags.reset();
  contact_search.reset();
  contacts.reset();
  companies.reset();
  timeline.reset();
  custom_fields.reset();
  auth.reset();
  jobs.reset();
  events.reset();
  if (db) db->Close();
}

Result<std::unique_ptr<Services>> OpenServices(const DatabaseConfig& config) {
  storage::OpenOptions open;
  open.url = config.url;
  open.read_connections = config.read_connections;
  auto s = std::make_unique<Services>();
  RALLY_ASSIGN_OR_RETURN(s->db, storage::Open(open));
  RALLY_RETURN_IF_ERROR(storage::Migrate(*s->db).status());

  // The wiring, bottom of the layering first.
  s->events = std::make_unique<events::EventBus>();
  s->jobs = std::make_unique<jobs::JobQueue>(*s->db);
  s->auth = std::make_unique<auth::AuthService>(*s->db, config.auth);
  s->custom_fields = std::make_unique<fields::CustomFieldService>(*s->db);
  s->timeline = std::make_unique<timeline::TimelineService>(*s->db);
  s->companies = std::make_unique<companies::CompanyService>(*s->db);
  s->contacts = std::make_unique<contacts::ContactService>(*s->db, *s->events, *s->companies);
  s->contact_search = std::make_unique<contacts::ContactSearch>(*s->db);
  // Counts of tag/stage/score/owner segments from memory on SQLite, whose file this process
  // writes alone; PostgreSQL may be shared by several processes, so it counts with SQL.
  if (s->db->dialect() == storage::Dialect::kSqlite) {
    s->contact_search->EnableCountIndex(*s->events);
  }
  s->tags = std::make_unique<segments::TagService>(*s->db, *s->events, *s->contacts);
  importexport::ImportServiceOptions import_options;
  import_options.max_upload_bytes = config.import_max_upload_bytes;
  import_options.spool_dir = config.import_spool_dir;
  s->imports = std::make_unique<importexport::ImportService>(*s->db, *s->contacts, import_options);
  s->imports->RegisterJobs(*s->jobs);
  s->views = std::make_unique<segments::SavedViewService>(*s->db, *s->contact_search);
  s->bulk = std::make_unique<segments::BulkActionService>(*s->db, *s->events, *s->contacts,
                                                         *s->views, *s->jobs);
  s->exports = std::make_unique<importexport::ExportService>(*s->db);
  s->export_jobs = std::make_unique<importexport::ExportJobs>(*s->db, *s->exports, *s->jobs);
  s->export_jobs->RegisterJobs();
  s->job_runner = std::make_unique<jobs::Runner>(*s->jobs, jobs::RunnerOptions{});
  return s;
}

}  // namespace rally::app
