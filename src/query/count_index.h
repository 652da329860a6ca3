// CountIndex: an in-memory index of the contact fields most segments filter on (tags, lifecycle
// stage, lead score and its band, owner, deleted or not), answering COUNTs of filters made only
// of those terms in a few milliseconds at a million contacts, where SQL must probe a row or an
// index entry per candidate (issue 4; docs/decisions/0016).
//
// WHAT IT ANSWERS. Count() returns the exact count when every term of the filter is one of:
// tags has_any / has_all / has_none / is_empty / is_not_empty; stage and score with eq, neq,
// in, not_in, gt, gte, lt, lte, between, is_empty, is_not_empty; band; owner (eq, in, neq,
// not_in, is_empty, is_not_empty); combined with and / or / not (SQL's three-valued logic
// included: `NOT owner:x` excludes contacts without an owner, as SQL does). Anything else (search
// words, text fields, dates, companies, custom fields, tag prefixes) gives nullopt: the caller
// counts with SQL (query::CountContacts). Tag names and owner emails are resolved to ids with
// the same lookups the SQL compiler makes, so both paths agree on names.
//
// HOW IT STAYS CURRENT. The index of a workspace is built lazily by its first Count (so
// start-up costs nothing): one pass over its contacts and one over its tag assignments, in one
// read snapshot. After that, the write path's events name the contacts that changed
// (MarkChanged; contacts/contact_search.h subscribes it to the EventBus): they are queued, and
// the next Count re-reads just those rows (in a read snapshot taken after the queue was taken,
// so it sees at least what the events announced) before answering. Many changes at once (over a
// quarter of the workspace) rebuild instead. Invalidate() drops a workspace's index (tag merges
// and deletes; tests that write raw SQL).
//
// ASSUMPTION. Every write of contacts and tag assignments goes through ContactService and
// publishes its events. In THIS process, those events keep the index current; a commit by
// another process on the same SQLite file (a CLI command while the server runs) is noticed by
// the SQLite writer connection's `PRAGMA data_version` (read by an empty write, at most once a
// second: kForeignCheckEvery), and rebuilds every index. So such a commit shows in counts
// within about a second. NOT usable on PostgreSQL shared by several processes, so the app
// wires the index for SQLite only. A count that overlaps a commit may reflect the state just before
// it, as a read snapshot taken a moment earlier would.
//
// MEMORY. Per contact: its id (8 bytes), stage and score (1 + 1), owner (8), a live bit; per
// tag assignment 4 bytes: 27.9 MB measured at 969,571 contacts with 2.6 million assignments,
// plus one bit per contact per filter term while a count runs. MemoryBytes() reports it.
//
// Thread safety: all methods may be called from any thread. Counts of one workspace are
// serialized (they may refresh it); MarkChanged only appends to a queue under a short lock.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>

#include "base/ids.h"
#include "base/result.h"
#include "query/contact_query.h"
#include "query/filter.h"
#include "storage/database.h"

namespace rally::query {

// How often Count looks for other processes' commits (see ASSUMPTION above).
constexpr std::chrono::milliseconds kForeignCheckEvery{1000};

class CountIndex {
 public:
  explicit CountIndex(storage::Database& db);
  ~CountIndex();
  CountIndex(const CountIndex&) = delete;
  CountIndex& operator=(const CountIndex&) = delete;

  // Whether the index can answer `filter` exactly (no database access).
  static bool CanAnswer(const FieldCatalog& catalog, const Node& filter);

  // How many non-deleted contacts of ctx.workspace_id match `filter`, or nullopt when the filter
  // has a term the index does not answer (see above). Builds or refreshes the workspace's
  // index first when needed. Errors: storage errors (of the build, the refresh or a name lookup).
  Result<std::optional<int64_t>> Count(const QueryContext& ctx, const FieldCatalog& catalog,
                                       const Node& filter);

  // The contacts `ids` of `workspace_id` changed (were created, updated, tagged, deleted,
  // restored or purged) in a committed transaction. Call after commit. No-op for a workspace
  // whose index was never built.
  void MarkChanged(Id workspace_id, std::span<const Id> ids);
  // Forget `workspace_id`'s index: the next Count rebuilds it.
  void Invalidate(Id workspace_id);

  // Bytes held by every workspace's index (not counting a running count's scratch bitsets).
  size_t MemoryBytes() const;
  // How many times a workspace index was built from scratch (tests, benchmarks).
  int64_t builds() const;

  struct Workspace;  // one workspace's index (count_index.cc)

 private:
  std::shared_ptr<Workspace> Get(Id workspace_id, bool create);
  // Whether another connection committed since the last call (false on the first).
  Result<bool> ForeignCommits();

  storage::Database& db_;
  mutable std::mutex mu_;  // guards workspaces_ (the map, not the indexes in it) and builds_
  std::map<Id, std::shared_ptr<Workspace>> workspaces_;
  int64_t builds_ = 0;
  int64_t writer_data_version_ = -1;  // guarded by mu_; -1 until first read
  std::chrono::steady_clock::time_point last_foreign_check_;  // guarded by mu_
};

}  // namespace rally::query
