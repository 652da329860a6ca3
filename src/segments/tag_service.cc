#include "segments/tag_service.h"

#include "contacts/contact_diff.h"
#include "contacts/contact_input.h"
#include "contacts/contact_repository.h"
#include "segments/tag_repository.h"

namespace rally::segments {
namespace {

Status TagNotFound(Id id) { return NotFound("no tag " + IdToString(id)); }

}  // namespace

json::object TagToJson(const Tag& t) {
  return json::object{{"id", IdToString(t.id)},
                      {"name", t.name},
                      {"contact_count", t.contact_count},
                      {"created_at", FormatTimestamp(t.created_at)}};
}

Result<std::vector<Tag>> TagService::List(Id workspace_id) {
  std::vector<Tag> out;
  RALLY_RETURN_IF_ERROR(db_.Read([&](storage::Connection& c) -> Status {
    RALLY_ASSIGN_OR_RETURN(out, TagRepository::List(c, workspace_id));
    return Status::Ok();
  }));
  return out;
}

Result<Tag> TagService::Get(Id workspace_id, Id id) {
  std::optional<Tag> out;
  RALLY_RETURN_IF_ERROR(db_.Read([&](storage::Connection& c) -> Status {
    RALLY_ASSIGN_OR_RETURN(out, TagRepository::FindById(c, workspace_id, id));
    return out ? Status::Ok() : TagNotFound(id);
  }));
  return std::move(*out);
}

Result<Tag> TagService::Rename(Id workspace_id, Id id, std::string_view name,
                               const timeline::Actor& actor) {
  RALLY_ASSIGN_OR_RETURN(contacts::TagName n, contacts::NormalizeTag(name, "name"));
  std::optional<Tag> out;
  RALLY_RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> Status {
    RALLY_ASSIGN_OR_RETURN(out, TagRepository::FindById(tx, workspace_id, id));
    if (!out) return TagNotFound(id);
    RALLY_ASSIGN_OR_RETURN(auto holder, TagRepository::FindIdByNorm(tx, workspace_id, n.norm));
    if (holder && *holder != id) {
      return AlreadyExists("a tag named \"" + n.display + "\" already exists (id " +
                               IdToString(*holder) + "); merge instead",
                           {FieldError{"name", "duplicate", "tag name taken", IdToString(*holder)}});
    }
    if (out->name == n.display) return Status::Ok();
    RALLY_RETURN_IF_ERROR(TagRepository::Rename(tx, workspace_id, id, n.display, n.norm));
    Micros now = Now();
    events_.PublishAfterCommit(
        tx, {contacts::MakeEvent(workspace_id, actor, now, events::TagRenamed{id, out->name, n.display})});
    out->name = n.display;
    return Status::Ok();
  }));
  return std::move(*out);
}

Result<Tag> TagService::Merge(Id workspace_id, Id source, Id target, const timeline::Actor& actor) {
  if (source == target) return FieldInvalid("into", "invalid", "cannot merge a tag into itself");
  std::optional<Tag> out;
  RALLY_RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> Status {
    RALLY_ASSIGN_OR_RETURN(auto from, TagRepository::FindById(tx, workspace_id, source));
    if (!from) return TagNotFound(source);
    RALLY_ASSIGN_OR_RETURN(auto into, TagRepository::FindById(tx, workspace_id, target));
    if (!into) return TagNotFound(target);
    RALLY_ASSIGN_OR_RETURN(std::vector<Id> ids,
                           contacts::ContactRepository::ContactsWithTag(tx, workspace_id, source));
    std::vector<events::Event> events;
    json::object change{{"remove_tags", json::array{from->name}}, {"add_tags", json::array{into->name}}};
    RALLY_RETURN_IF_ERROR(contacts_.UpdateManyInTx(tx, workspace_id, ids, change, actor, events));
    RALLY_RETURN_IF_ERROR(TagRepository::Delete(tx, workspace_id, source));
    events.push_back(contacts::MakeEvent(workspace_id, actor, Now(), events::TagMerged{source, target}));
    events_.PublishAfterCommit(tx, std::move(events));
    RALLY_ASSIGN_OR_RETURN(out, TagRepository::FindById(tx, workspace_id, target));
    return Status::Ok();
  }));
  return std::move(*out);
}

Status TagService::Delete(Id workspace_id, Id id, const timeline::Actor& actor) {
  return db_.Write([&](storage::Transaction& tx) -> Status {
    RALLY_ASSIGN_OR_RETURN(auto tag, TagRepository::FindById(tx, workspace_id, id));
    if (!tag) return TagNotFound(id);
    RALLY_ASSIGN_OR_RETURN(std::vector<Id> ids,
                           contacts::ContactRepository::ContactsWithTag(tx, workspace_id, id));
    std::vector<events::Event> events;
    json::object change{{"remove_tags", json::array{tag->name}}};
    RALLY_RETURN_IF_ERROR(contacts_.UpdateManyInTx(tx, workspace_id, ids, change, actor, events));
    RALLY_RETURN_IF_ERROR(TagRepository::Delete(tx, workspace_id, id));
    events.push_back(contacts::MakeEvent(workspace_id, actor, Now(), events::TagDeleted{id, tag->name}));
    events_.PublishAfterCommit(tx, std::move(events));
    return Status::Ok();
  });
}

}  // namespace rally::segments
