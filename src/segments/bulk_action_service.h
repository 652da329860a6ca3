// BulkActionService: runs bulk actions (segments/bulk_action.h) through ContactService's batch
// entry points, so every changed contact gets the same timeline entries and events as a single
// edit (DESIGN.md §3).
//
// Small selections (at most inline_limit contacts, default 1,000) run at once, in one
// transaction, and answer with counts. Larger ones run as a durable job (kind "contacts.bulk",
// jobs/job_queue.h) that the caller follows through /api/v1/jobs/{id}: progress
// {"total","done","changed","unchanged","skipped"}, result the same counts.
//
// The job first snapshots the matching contact ids into bulk_job_contacts (one INSERT ...
// SELECT of the filter, so a contact that starts or stops matching while the job runs is
// neither skipped nor done twice), then walks the snapshot in contact id order, batch_size ids
// per transaction, storing progress after each. After a crash the job's lease expires and it
// runs again from its last stored progress; the batch that was running when it died is applied
// a second time, which changes nothing (updates whose values are already in place write
// nothing, deleted contacts are not deleted again), so its counts may then show as unchanged
// or skipped rather than changed. Cancel (POST /jobs/{id}/cancel) stops between batches; the
// batches done stay done.
//
// The CLI runs the same batches in its own process (RunNow) with a progress callback.
//
// Thread safety: safe from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>

#include "base/result.h"
#include "contacts/contact_service.h"
#include "events/event_bus.h"
#include "jobs/job_queue.h"
#include "segments/bulk_action.h"
#include "segments/saved_view_service.h"
#include "storage/database.h"
#include "timeline/actor.h"

namespace rally::segments {

inline constexpr std::string_view kBulkJobKind = "contacts.bulk";

struct BulkOptions {
  int64_t inline_limit = 1000;  // selections up to this size run inline
  size_t batch_size = 1000;     // contacts per transaction in jobs and RunNow
};

// Who runs the action.
struct BulkCaller {
  Id workspace_id = 0;
  std::optional<Id> user_id;  // for owner:me and saved views; nullopt: none (the CLI)
  bool admin = false;
  timeline::Actor actor;
};

struct BulkCounts {
  int64_t total = 0;      // contacts selected
  int64_t changed = 0;    // updated, deleted or restored
  int64_t unchanged = 0;  // the update changed nothing
  int64_t skipped = 0;    // gone, or in the wrong state (already deleted, not deleted)
  json::object ToJson() const;  // {"total","changed","unchanged","skipped"}
};

struct BulkOutcome {
  std::optional<Id> job_id;  // set when the action was queued as a job
  BulkCounts counts;         // when it ran inline
  std::vector<Id> ids;       // the contacts changed inline (for undo), in id order
  // Inline: {"state":"succeeded","counts":{...},"ids":[...]}; queued:
  // {"state":"queued","job_id":"...","job":"/api/v1/jobs/<id>"}.
  json::object ToJson() const;
};

class BulkActionService {
 public:
  // Registers the "contacts.bulk" job handler on `jobs`.
  BulkActionService(storage::Database& db, events::EventBus& events,
                    contacts::ContactService& contacts, SavedViewService& views,
                    jobs::JobQueue& jobs, BulkOptions options = {});

  // Runs `request` inline or queues it as a job, as above.
  // Errors: invalid_argument naming the filter term ("q", "filter..."), "action.set.<key>"
  // (a value the contact input refuses, an owner that is no user), "action" (restore needs
  // deleted contacts: only through ids or a filter); those of SavedViewService::RunnableFilter
  // for a view; storage errors.
  Result<BulkOutcome> Run(const BulkCaller& caller, const BulkRequest& request);

  // Runs `request` in the calling thread, in batches, whatever its size (the CLI), calling
  // `progress(done, total)` after each batch. Errors: those of Run.
  Result<BulkCounts> RunNow(const BulkCaller& caller, const BulkRequest& request,
                            const std::function<void(int64_t, int64_t)>& progress);

  // Tests lower the inline limit to exercise the job path with few contacts.
  void set_inline_limit(int64_t n) { inline_limit_.store(n); }

 private:
  struct Resolved;  // the request checked against the workspace
  Result<Resolved> Resolve(const BulkCaller& caller, const BulkRequest& request);
  // Ids matching the selection (sorted), at most `limit` (0: all).
  Result<std::vector<Id>> SelectIds(storage::Connection& c, const Resolved& r, int64_t limit);
  // One batch in one transaction.
  Result<contacts::ContactService::ManyCounts> ApplyBatch(const Resolved& r, std::span<const Id> ids);
  Status RunJob(jobs::JobContext& ctx);

  storage::Database& db_;
  events::EventBus& events_;
  contacts::ContactService& contacts_;
  SavedViewService& views_;
  jobs::JobQueue& jobs_;
  BulkOptions options_;
  std::atomic<int64_t> inline_limit_;
};

}  // namespace rally::segments
