// Services: the composition root's product. Opens the database, runs migrations, and builds
// every domain service in one visible order. Both `rally serve` and the CLI commands use it,
// so the CLI goes through the same write path as the API.
#pragma once

#include <memory>
#include <string>

#include "auth/auth_service.h"
#include "base/result.h"
#include "storage/database.h"

namespace rally::events { class EventBus; }
namespace rally::jobs { class JobQueue; class Runner; }
namespace rally::fields { class CustomFieldService; }
namespace rally::timeline { class TimelineService; }
namespace rally::companies { class CompanyService; }
namespace rally::contacts { class ContactService; class ContactSearch; }
namespace rally::segments { class TagService; class SavedViewService; class BulkActionService; }

namespace rally::importexport { class ImportService; class ExportService; class ExportJobs; }

namespace rally::app {

struct DatabaseConfig {
  std::string url = "sqlite:./data/rally.db";  // --db PATH or --database-url postgres://...
  int read_connections = 4;
  auth::AuthOptions auth;  // tests lower the password hashing cost
  // Imports: the largest upload accepted, and where a job writes an uploaded file back out
  // for its reader ("" = the system temp dir; uploads themselves live in the database).
  uint64_t import_max_upload_bytes = uint64_t{1} << 30;
  std::string import_spool_dir;
};

struct Services {
  Services();
  ~Services();  // closes the database after every service is gone

  std::unique_ptr<storage::Database> db;
  std::unique_ptr<events::EventBus> events;
  // The durable job queue; features register their handlers on it while being wired. The
  // runner is built here but started only by `rally serve` (RallyServer::Start), so one-shot
  // CLI commands submit jobs without running other processes' work.
  std::unique_ptr<jobs::JobQueue> jobs;
  std::unique_ptr<jobs::Runner> job_runner;
  std::unique_ptr<auth::AuthService> auth;
  std::unique_ptr<fields::CustomFieldService> custom_fields;
  std::unique_ptr<timeline::TimelineService> timeline;
  std::unique_ptr<companies::CompanyService> companies;
  std::unique_ptr<contacts::ContactService> contacts;
  std::unique_ptr<contacts::ContactSearch> contact_search;  // the read side of contact lists
  std::unique_ptr<segments::TagService> tags;
  // Imports of contacts (registers the import.contacts job handler).
  std::unique_ptr<importexport::ImportService> imports;
  std::unique_ptr<segments::SavedViewService> views;
  // Registers the contacts.bulk job handler; its inline limit is settable (tests).
  std::unique_ptr<segments::BulkActionService> bulk;
  // Exports of contacts: streamed downloads (each on its own producer thread).
  std::unique_ptr<importexport::ExportService> exports;
  // Export jobs (registers the export.contacts job handler); files kept 24 hours.
  std::unique_ptr<importexport::ExportJobs> export_jobs;
};

// Opens the database, applies migrations, wires the services.
// Errors: those of storage::Open and storage::Migrate.
Result<std::unique_ptr<Services>> OpenServices(const DatabaseConfig& config);

}  // namespace rally::app
