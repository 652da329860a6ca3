#include "contacts/contact_search.h"

#include <map>
#include <unordered_map>

#include "contacts/contact_repository.h"

namespace rally::contacts {
namespace {

Result<query::Node> ParseFilter(const query::FieldCatalog& catalog, const ContactSearchRequest& r) {
  if (r.filter) return query::ParseJson(*r.filter, catalog, "filter");
  return query::ParseText(r.q, catalog, "q");
}

}  // namespace

Result<query::Node> ContactSearch::Parse(Id workspace_id, const ContactSearchRequest& request) {
  std::optional<query::Node> out;
  RALLY_RETURN_IF_ERROR(db_.Read([&](storage::Connection& conn) -> Status {
    RALLY_ASSIGN_OR_RETURN(query::FieldCatalog catalog,
                           query::LoadFieldCatalog(conn, workspace_id));
    RALLY_ASSIGN_OR_RETURN(out, ParseFilter(catalog, request));
    return Status::Ok();
  }));
  return std::move(*out);
}

Result<ContactPage> ContactSearch::List(const query::QueryContext& ctx,
                                        const ContactSearchRequest& request) {
  ContactPage page;
  RALLY_RETURN_IF_ERROR(db_.Read([&](storage::Connection& conn) -> Status {
    RALLY_ASSIGN_OR_RETURN(query::FieldCatalog catalog,
                           query::LoadFieldCatalog(conn, ctx.workspace_id));
    RALLY_ASSIGN_OR_RETURN(query::Node filter, ParseFilter(catalog, request));
    RALLY_ASSIGN_OR_RETURN(query::Sort sort, query::ParseSort(request.sort, catalog));
    RALLY_ASSIGN_OR_RETURN(
        query::IdPage ids,
        query::ListContactIds(conn, ctx, catalog, filter, sort, request.limit, request.cursor));
    RALLY_ASSIGN_OR_RETURN(std::vector<Contact> found,
                           ContactRepository::FindByIds(conn, ctx.workspace_id, ids.ids));
    std::unordered_map<Id, Contact*> by_id;
    for (Contact& c : found) by_id[c.id] = &c;
    page.data.reserve(ids.ids.size());
    for (Id id : ids.ids) {
      auto it = by_id.find(id);
      if (it != by_id.end()) page.data.push_back(std::move(*it->second));
    }
    page.next_cursor = std::move(ids.next_cursor);
    return Status::Ok();
  }));
  return page;
}

Result<int64_t> ContactSearch::Count(const query::QueryContext& ctx,
                                     const ContactSearchRequest& request) {
  return CountImpl(ctx, request, true);
}

Result<int64_t> ContactSearch::CountWithSql(const query::QueryContext& ctx,
                                            const ContactSearchRequest& request) {
  return CountImpl(ctx, request, false);
}

Result<int64_t> ContactSearch::CountImpl(const query::QueryContext& ctx,
                                         const ContactSearchRequest& request, bool use_index) {
  int64_t n = 0;
  bool counted = false;
  std::optional<query::FieldCatalog> catalog;
  std::optional<query::Node> filter;
  RALLY_RETURN_IF_ERROR(db_.Read([&](storage::Connection& conn) -> Status {
    RALLY_ASSIGN_OR_RETURN(catalog, query::LoadFieldCatalog(conn, ctx.workspace_id));
    RALLY_ASSIGN_OR_RETURN(filter, ParseFilter(*catalog, request));
    if (use_index && count_index_ && query::CountIndex::CanAnswer(*catalog, *filter))
      return Status::Ok();  // counted below, outside this snapshot (the index takes its own)
    RALLY_ASSIGN_OR_RETURN(n, query::CountContacts(conn, ctx, *catalog, *filter));
    counted = true;
    return Status::Ok();
  }));
  if (counted) return n;
  RALLY_ASSIGN_OR_RETURN(std::optional<int64_t> indexed,
                         count_index_->Count(ctx, *catalog, *filter));
  if (indexed) return *indexed;
  return CountImpl(ctx, request, false);
}

void ContactSearch::EnableCountIndex(events::EventBus& bus) {
  count_index_ = std::make_shared<query::CountIndex>(db_);
  bus.Subscribe(
      "contact-count-index", [index = count_index_](std::span<const events::Event> batch) {
        std::map<Id, std::vector<Id>> changed;  // workspace -> contacts
        for (const events::Event& e : batch) {
          if (e.As<events::TagMerged>() != nullptr || e.As<events::TagDeleted>() != nullptr) {
            // Their contacts' events come too; rebuilding after these rare admin actions is the
            // simple, certain way.
            index->Invalidate(e.workspace_id);
            continue;
          }
          if (e.As<events::ActivityAdded>() != nullptr) continue;  // changes nothing indexed
          if (Id c = e.ContactId()) changed[e.workspace_id].push_back(c);
        }
        for (const auto& [ws, ids] : changed) index->MarkChanged(ws, ids);
      });
}

}  // namespace rally::contacts
