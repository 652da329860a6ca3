// Bulk tagging: one patch that only adds and/or removes tags, applied to a batch of contacts.
// The hot path of bulk actions (issue 4: add a tag to 100,000 contacts at 50,000 contacts/s,
// timeline entries included). Internal to contacts/: ContactService::UpdateLiveManyInTx hands
// such patches here.
//
// It writes exactly what ContactWriter writes for the same patch (tag assignments, updated_at,
// one tag_added / tag_removed timeline entry per change in the same order, events
// ContactUpdated {"tags"}, TagAdded, TagRemoved), but it reads only each contact's id,
// deleted_at and its assignments of the patch's tags, rather than loading whole contacts (emails,
// tags, company, owner, custom fields) to diff them; and it writes each table with one multi-row
// statement per batch.
//
// Thread safety: none; runs inside one Database::Write callback.
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "base/clock.h"
#include "base/ids.h"
#include "base/result.h"
#include "contacts/contact_input.h"
#include "events/event.h"
#include "storage/database.h"
#include "timeline/actor.h"

namespace rally::contacts {

// Whether `patch` does nothing but add_tags / remove_tags (not a `tags` replacement).
bool OnlyAddsOrRemovesTags(const ContactPatch& patch);

struct TagManyCounts {
  int64_t changed = 0;    // tags added or removed
  int64_t unchanged = 0;  // live, but already as the patch asks
  int64_t skipped = 0;    // no such contact (or a repeated id), or soft-deleted
};

// Applies `patch` (REQUIRES: OnlyAddsOrRemovesTags) to the live contacts among `ids` of
// `workspace_id`, stamping changes with `now` and `actor`; events are appended to `events` for
// the caller to publish after commit. Returns nullopt, having done nothing, when a tag the patch
// adds does not exist yet: the caller takes ContactWriter's path, which creates it.
// Errors: storage errors.
Result<std::optional<TagManyCounts>> AddRemoveTagsMany(storage::Transaction& tx, Id workspace_id,
                                                       std::span<const Id> ids,
                                                       const ContactPatch& patch,
                                                       const timeline::Actor& actor, Micros now,
                                                       std::vector<events::Event>& events);

}  // namespace rally::contacts
