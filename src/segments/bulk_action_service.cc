#include "segments/bulk_action_service.h"

#include <algorithm>

#include "base/strings.h"
#include "contacts/contact_input.h"
#include "contacts/contact_repository.h"
#include "fields/custom_fields.h"
#include "fields/field.h"
#include "query/contact_query.h"
#include "query/filter.h"
#include "storage/dialect.h"

namespace rally::segments {

struct BulkActionService::Resolved {
  BulkCaller caller;
  BulkAction action;
  std::optional<query::Node> filter;  // set unless ids are
  std::optional<std::vector<Id>> ids;  // sorted, distinct
  query::FieldCatalog catalog;
  // A filter selects live contacts; for restore, deleted ones.
  bool deleted() const { return action.type == BulkActionType::kRestore; }
};

namespace {

// Where a contact input's field error points in a bulk request body.
std::string ActionField(const std::string& field) {
  if (field == "add_tags" || field == "remove_tags") return "action." + field;
  return "action.set." + field;
}

json::array IdsJson(std::span<const Id> ids) {
  json::array out;
  out.reserve(ids.size());
  for (Id id : ids) out.emplace_back(IdToString(id));
  return out;
}

}  // namespace

json::object BulkCounts::ToJson() const {
  return json::object{{"total", total}, {"changed", changed}, {"unchanged", unchanged}, {"skipped", skipped}};
}

json::object BulkOutcome::ToJson() const {
  if (job_id) {
    return json::object{{"state", "queued"},
                        {"job_id", IdToString(*job_id)},
                        {"job", "/api/v1/jobs/" + IdToString(*job_id)}};
  }
  return json::object{{"state", "succeeded"}, {"counts", counts.ToJson()}, {"ids", IdsJson(ids)}};
}

BulkActionService::BulkActionService(storage::Database& db, events::EventBus& events,
                                     contacts::ContactService& contacts, SavedViewService& views,
                                     jobs::JobQueue& jobs, BulkOptions options)
    : db_(db),
      events_(events),
      contacts_(contacts),
      views_(views),
      jobs_(jobs),
      options_(options),
      inline_limit_(options.inline_limit) {
  jobs_.RegisterHandler(std::string(kBulkJobKind), [this](jobs::JobContext& ctx) { return RunJob(ctx); });
}

Result<BulkActionService::Resolved> BulkActionService::Resolve(const BulkCaller& caller,
                                                               const BulkRequest& request) {
  Resolved r{caller, request.action, std::nullopt, request.selection.ids, query::FieldCatalog()};
  std::optional<json::value> filter = request.selection.filter;
  std::string source = "filter";
  if (request.selection.view) {
    RALLY_ASSIGN_OR_RETURN(filter, views_.RunnableFilter(
                                       Viewer{caller.workspace_id, caller.user_id.value_or(0), caller.admin},
                                       *request.selection.view));
    source = "view";
  }
  RALLY_RETURN_IF_ERROR(db_.Read([&](storage::Connection& c) -> Status {
    RALLY_ASSIGN_OR_RETURN(r.catalog, query::LoadFieldCatalog(c, caller.workspace_id));
    if (filter) {
      RALLY_ASSIGN_OR_RETURN(r.filter, query::ParseJson(*filter, r.catalog, source));
    } else if (request.selection.q) {
      RALLY_ASSIGN_OR_RETURN(r.filter, query::ParseText(*request.selection.q, r.catalog, "q"));
    }
    if (r.action.type != BulkActionType::kUpdate) return Status::Ok();
    // The change is checked now, against the workspace, so a job never fails at its first batch
    // for a typo: field values, custom field names, and the owner.
    std::vector<fields::CustomField> custom;
    if (contacts::NeedsCustomFields(r.action.change)) {
      RALLY_ASSIGN_OR_RETURN(custom, fields::ListCustomFields(c, caller.workspace_id));
    }
    auto patch = contacts::ParseContactInput(r.action.change, custom, /*create=*/false);
    if (!patch.ok()) {
      std::vector<FieldError> details = patch.status().details();
      for (FieldError& e : details) e.field = ActionField(e.field);
      return InvalidArgument(patch.status().message(), std::move(details));
    }
    if (patch->owner && *patch->owner) {
      const contacts::OwnerInput& o = **patch->owner;
      std::optional<contacts::OwnerRef> found;
      if (o.id) {
        RALLY_ASSIGN_OR_RETURN(found, contacts::ContactRepository::FindUserById(c, caller.workspace_id, *o.id));
      } else {
        auto e = fields::NormalizeEmail(o.email, "owner");
        std::string key = e.ok() ? e->key : CaseFold(Trim(o.email));
        RALLY_ASSIGN_OR_RETURN(found, contacts::ContactRepository::FindUserByEmailNorm(c, caller.workspace_id, key));
      }
      if (!found) return FieldInvalid("action.set.owner", "not_found", "no user " + (o.id ? IdToString(*o.id) : o.email) + " in this workspace");
    }
    return Status::Ok();
  }));
  return r;
}

Result<std::vector<Id>> BulkActionService::SelectIds(storage::Connection& c, const Resolved& r,
                                                     int64_t limit) {
  std::vector<Id> out;
  if (r.ids) {
    out = *r.ids;
    if (limit > 0 && static_cast<int64_t>(out.size()) > limit) out.resize(limit);
    return out;
  }
  query::QueryContext qc{r.caller.workspace_id, r.caller.user_id};
  RALLY_ASSIGN_OR_RETURN(query::CompiledFilter where, query::CompileWhere(c, qc, r.catalog, *r.filter));
  std::vector<storage::Value> params = {r.caller.workspace_id};
  params.insert(params.end(), where.params.begin(), where.params.end());
  std::string sql = std::string("SELECT c.id FROM contacts c WHERE c.workspace_id = ? AND c.deleted_at IS ") +
                    (r.deleted() ? "NOT NULL" : "NULL") + " AND (" + where.sql + ") ORDER BY c.id";
  if (limit > 0) {
    sql += " LIMIT ?";
    params.emplace_back(limit);
  }
  RALLY_RETURN_IF_ERROR(c.Query(sql, params, [&](const storage::Row& row) {
    out.push_back(row.Int(0));
    return true;
  }));
  return out;
}

Result<contacts::ContactService::ManyCounts> BulkActionService::ApplyBatch(const Resolved& r,
                                                                          std::span<const Id> ids) {
  contacts::ContactService::ManyCounts counts;
  Id ws = r.caller.workspace_id;
  RALLY_RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> Status {
    std::vector<events::Event> events;
    switch (r.action.type) {
      case BulkActionType::kUpdate: {
        auto got = contacts_.UpdateLiveManyInTx(tx, ws, ids, r.action.change, r.caller.actor, events);
        if (!got.ok()) {
          // Field errors point into the request body.
          std::vector<FieldError> details = got.status().details();
          for (FieldError& e : details) e.field = ActionField(e.field);
          return Status(got.status().code(), got.status().message(), std::move(details));
        }
        counts = *got;
        break;
      }
      case BulkActionType::kDelete: {
        RALLY_ASSIGN_OR_RETURN(counts, contacts_.DeleteManyInTx(tx, ws, ids, r.caller.actor, events));
        break;
      }
      case BulkActionType::kRestore: {
        RALLY_ASSIGN_OR_RETURN(counts, contacts_.RestoreManyInTx(tx, ws, ids, r.caller.actor, events));
        break;
      }
    }
    events_.PublishAfterCommit(tx, std::move(events));
    return Status::Ok();
  }));
  return counts;
}

Result<BulkOutcome> BulkActionService::Run(const BulkCaller& caller, const BulkRequest& request) {
  RALLY_ASSIGN_OR_RETURN(Resolved r, Resolve(caller, request));
  const int64_t inline_limit = inline_limit_.load();
  std::vector<Id> ids;
  if (r.ids) {
    ids = *r.ids;
  } else {
    // One past the limit tells whether the selection is small.
    RALLY_RETURN_IF_ERROR(db_.Read([&](storage::Connection& c) -> Status {
      RALLY_ASSIGN_OR_RETURN(ids, SelectIds(c, r, inline_limit + 1));
      return Status::Ok();
    }));
  }
  BulkOutcome out;
  if (static_cast<int64_t>(ids.size()) <= inline_limit) {
    RALLY_ASSIGN_OR_RETURN(auto counts, ApplyBatch(r, ids));
    out.counts = BulkCounts{static_cast<int64_t>(ids.size()), counts.changed, counts.unchanged, counts.skipped};
    out.ids = std::move(ids);
    return out;
  }
  json::object payload{{"action", BulkActionToJson(r.action)}};
  if (r.ids) payload["ids"] = IdsJson(*r.ids);
  else payload["filter"] = query::ToJson(*r.filter);
  if (caller.user_id) payload["user_id"] = IdToString(*caller.user_id);
  jobs::SubmitOptions so;
  so.max_attempts = 5;
  so.actor = jobs::JobActor{std::string(timeline::ActorTypeName(caller.actor.type)), caller.actor.id};
  so.created_by = caller.user_id.value_or(0);
  RALLY_ASSIGN_OR_RETURN(Id job, jobs_.Submit(caller.workspace_id, kBulkJobKind, std::move(payload), so));
  out.job_id = job;
  return out;
}

Result<BulkCounts> BulkActionService::RunNow(const BulkCaller& caller, const BulkRequest& request,
                                             const std::function<void(int64_t, int64_t)>& progress) {
  RALLY_ASSIGN_OR_RETURN(Resolved r, Resolve(caller, request));
  // The ids are taken once, up front: the same snapshot a job takes, kept in memory.
  std::vector<Id> ids;
  RALLY_RETURN_IF_ERROR(db_.Read([&](storage::Connection& c) -> Status {
    RALLY_ASSIGN_OR_RETURN(ids, SelectIds(c, r, 0));
    return Status::Ok();
  }));
  BulkCounts counts;
  counts.total = static_cast<int64_t>(ids.size());
  int64_t done = 0;
  if (progress) progress(0, counts.total);
  for (size_t i = 0; i < ids.size(); i += options_.batch_size) {
    std::span<const Id> batch(ids.data() + i, std::min(options_.batch_size, ids.size() - i));
    RALLY_ASSIGN_OR_RETURN(auto c, ApplyBatch(r, batch));
    counts.changed += c.changed;
    counts.unchanged += c.unchanged;
    counts.skipped += c.skipped;
    done += static_cast<int64_t>(batch.size());
    if (progress) progress(done, counts.total);
  }
  return counts;
}

Status BulkActionService::RunJob(jobs::JobContext& ctx) {
  const Id ws = ctx.workspace_id(), job_id = ctx.job_id();
  if (!ctx.payload().is_object()) return InvalidArgument("bulk job payload is not an object");
  const json::object& payload = ctx.payload().get_object();
  BulkCaller caller;
  caller.workspace_id = ws;
  if (const json::value* u = payload.if_contains("user_id"); u && u->is_string()) {
    caller.user_id = ParseId(u->get_string());
  }
  caller.actor = timeline::Actor{timeline::ParseActorType(ctx.actor().type).value_or(timeline::ActorType::kSystem),
                                 ctx.actor().id};
  BulkRequest request;
  RALLY_ASSIGN_OR_RETURN(request.action, BulkActionFromJson(payload.contains("action") ? payload.at("action") : json::value()));
  if (const json::value* f = payload.if_contains("filter")) {
    request.selection.filter = *f;
  } else if (const json::value* ids = payload.if_contains("ids"); ids && ids->is_array()) {
    std::vector<Id> list;
    for (const json::value& v : ids->get_array())
      if (auto id = v.is_string() ? ParseId(v.get_string()) : std::nullopt) list.push_back(*id);
    request.selection.ids = std::move(list);
  } else {
    return InvalidArgument("bulk job payload names no contacts");
  }
  RALLY_ASSIGN_OR_RETURN(Resolved r, Resolve(caller, request));

  BulkCounts counts;
  Id last_id = 0;
  const json::object& progress = ctx.job().progress;
  auto num = [&](std::string_view key) -> int64_t {
    const json::value* v = progress.if_contains(key);
    return v && v->is_int64() ? v->get_int64() : 0;
  };
  auto report = [&]() {
    return ctx.ReportProgress(json::object{{"total", counts.total},
                                           {"done", counts.changed + counts.unchanged + counts.skipped},
                                           {"changed", counts.changed},
                                           {"unchanged", counts.unchanged},
                                           {"skipped", counts.skipped},
                                           {"last_id", IdToString(last_id)}});
  };
  if (progress.contains("total")) {
    // A run after a crash or a hand-back: the snapshot is taken, carry on after the last batch
    // whose progress was stored.
    counts = BulkCounts{num("total"), num("changed"), num("unchanged"), num("skipped")};
    if (const json::value* v = progress.if_contains("last_id"); v && v->is_string())
      last_id = ParseId(v->get_string()).value_or(0);
  } else {
    // The snapshot, in one transaction: the contacts matching now are the ones the job does.
    RALLY_RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> Status {
      RALLY_RETURN_IF_ERROR(
          tx.Execute("DELETE FROM bulk_job_contacts WHERE workspace_id = ? AND job_id = ?", {ws, job_id}).status());
      if (r.ids) {
        for (Id id : *r.ids) {
          RALLY_RETURN_IF_ERROR(
              tx.Execute("INSERT INTO bulk_job_contacts (workspace_id, job_id, contact_id) VALUES (?, ?, ?)",
                         {ws, job_id, id})
                  .status());
        }
      } else {
        // The filter may search (FTS5 on SQLite): contacts written earlier in this group commit
        // are only queued for the search index until it commits (storage/dialect.h).
        RALLY_RETURN_IF_ERROR(storage::IndexQueuedSearch(tx));
        query::QueryContext qc{ws, caller.user_id};
        RALLY_ASSIGN_OR_RETURN(query::CompiledFilter where, query::CompileWhere(tx, qc, r.catalog, *r.filter));
        std::vector<storage::Value> params = {job_id, ws};
        params.insert(params.end(), where.params.begin(), where.params.end());
        RALLY_RETURN_IF_ERROR(
            tx.Execute(std::string("INSERT INTO bulk_job_contacts (workspace_id, job_id, contact_id) "
                                   "SELECT c.workspace_id, ?, c.id FROM contacts c WHERE c.workspace_id = ? "
                                   "AND c.deleted_at IS ") +
                           (r.deleted() ? "NOT NULL" : "NULL") + " AND (" + where.sql + ")",
                       params)
                .status());
      }
      RALLY_ASSIGN_OR_RETURN(auto n, tx.QueryInt("SELECT COUNT(*) FROM bulk_job_contacts WHERE workspace_id = ? "
                                                 "AND job_id = ?",
                                                 {ws, job_id}));
      counts.total = n.value_or(0);
      return Status::Ok();
    }));
    RALLY_RETURN_IF_ERROR(report());
  }

  for (;;) {
    std::vector<Id> batch;
    RALLY_RETURN_IF_ERROR(db_.Read([&](storage::Connection& c) -> Status {
      return c.Query("SELECT contact_id FROM bulk_job_contacts WHERE workspace_id = ? AND job_id = ? "
                     "AND contact_id > ? ORDER BY contact_id LIMIT ?",
                     {ws, job_id, last_id, static_cast<int64_t>(options_.batch_size)},
                     [&](const storage::Row& row) {
                       batch.push_back(row.Int(0));
                       return true;
                     });
    }));
    if (batch.empty()) break;
    RALLY_ASSIGN_OR_RETURN(auto c, ApplyBatch(r, batch));
    counts.changed += c.changed;
    counts.unchanged += c.unchanged;
    counts.skipped += c.skipped;
    last_id = batch.back();
    RALLY_RETURN_IF_ERROR(report());
  }
  return db_.Write([&](storage::Transaction& tx) -> Status {
    RALLY_RETURN_IF_ERROR(
        tx.Execute("DELETE FROM bulk_job_contacts WHERE workspace_id = ? AND job_id = ?", {ws, job_id}).status());
    return ctx.CompleteInTx(tx, counts.ToJson());
  });
}

}  // namespace rally::segments
