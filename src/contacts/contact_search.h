// ContactSearch: the read side of contacts lists (issue 4). Filters (text or JSON, query/
// filter.h), sorts and keyset-pages the live contacts of a workspace through query/
// contact_query.h, then loads the records. Reads only: ContactService stays the one writer.
//
// Each call runs in one read snapshot: the workspace's custom fields (for the filter's field
// names), the ids of the page and the records agree with each other.
//
// Counts: with EnableCountIndex (the app does it on SQLite, whose file one process owns), counts
// of filters made of tags, stage, score, band and owner come from an in-memory index kept
// current from the write path's events (query/count_index.h); other counts, and every count
// without it, run SQL (query::CountContacts). Both give the same number.
//
// Thread safety: safe from any thread (state lives in the database).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "base/json.h"
#include "base/result.h"
#include "contacts/contact_service.h"
#include "events/event_bus.h"
#include "query/contact_query.h"
#include "query/count_index.h"
#include "query/filter.h"
#include "storage/database.h"

namespace rally::contacts {

struct ContactSearchRequest {
  std::string q;                      // the filter as text (q=, --filter); "" = all
  std::optional<json::value> filter;  // or as JSON (POST /contacts/search); wins when set
  std::string sort;                   // query::ParseSort; "" = newest first
  int limit = 50;                     // 1..query::kMaxLimit
  std::string cursor;                 // next_cursor of the previous page
};

class ContactSearch {
 public:
  explicit ContactSearch(storage::Database& db) : db_(db) {}

  // Answers counts from a query::CountIndex kept current by `bus`'s contact and tag events.
  // Only valid when every write of the database's contacts goes through a ContactService that
  // publishes to `bus` in this process (see query/count_index.h).
  // REQUIRES: start-up (it subscribes to `bus`), at most once.
  void EnableCountIndex(events::EventBus& bus);
  // The index, or nullptr when not enabled (tests, benchmarks).
  query::CountIndex* count_index() const { return count_index_.get(); }

  // A page of live contacts matching the request, in its sort order.
  // Errors: invalid_argument naming "q" (or the JSON path under "filter") with the offending
  // term and its position, "sort", "limit" or "cursor"; storage errors.
  Result<ContactPage> List(const query::QueryContext& ctx, const ContactSearchRequest& request);

  // How many live contacts match (sort, limit and cursor are ignored). Errors: as List.
  Result<int64_t> Count(const query::QueryContext& ctx, const ContactSearchRequest& request);
  // The same through SQL alone, never the index (tests compare the two).
  Result<int64_t> CountWithSql(const query::QueryContext& ctx, const ContactSearchRequest& request);

  // The filter parsed against the workspace's fields (for POST /filters/parse and saved views).
  // Errors: those of query::ParseText / query::ParseJson.
  Result<query::Node> Parse(Id workspace_id, const ContactSearchRequest& request);

 private:
  Result<int64_t> CountImpl(const query::QueryContext& ctx, const ContactSearchRequest& request,
                            bool use_index);

  storage::Database& db_;
  // Shared with the EventBus listener, which may outlive this object.
  std::shared_ptr<query::CountIndex> count_index_;
};

}  // namespace rally::contacts
