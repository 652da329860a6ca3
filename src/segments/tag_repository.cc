#include "segments/tag_repository.h"

namespace rally::segments {
namespace {

#define RALLY_TAG_SELECT                                                                      \
  "SELECT t.id, t.name, t.created_at, (SELECT COUNT(*) FROM contact_tags ct JOIN contacts c " \
  "ON c.workspace_id = ct.workspace_id AND c.id = ct.contact_id WHERE ct.workspace_id = "     \
  "t.workspace_id AND ct.tag_id = t.id AND c.deleted_at IS NULL) FROM tags t "

Tag ReadTag(const storage::Row& r) {
  return Tag{r.Int(0), std::string(r.Text(1)), r.Int(3), r.Int(2)};
}

}  // namespace

Result<std::vector<Tag>> TagRepository::List(storage::Connection& c, Id ws) {
  std::vector<Tag> out;
  RALLY_RETURN_IF_ERROR(c.Query(RALLY_TAG_SELECT "WHERE t.workspace_id = ? ORDER BY t.name_norm, t.id",
                                {ws}, [&](const storage::Row& r) {
                                  out.push_back(ReadTag(r));
                                  return true;
                                }));
  return out;
}

Result<std::optional<Tag>> TagRepository::FindById(storage::Connection& c, Id ws, Id id) {
  std::optional<Tag> out;
  RALLY_RETURN_IF_ERROR(c.Query(RALLY_TAG_SELECT "WHERE t.workspace_id = ? AND t.id = ?", {ws, id},
                                [&](const storage::Row& r) {
                                  out = ReadTag(r);
                                  return false;
                                }));
  return out;
}

Result<std::optional<Id>> TagRepository::FindIdByNorm(storage::Connection& c, Id ws,
                                                      std::string_view norm) {
  return c.QueryInt("SELECT id FROM tags WHERE workspace_id = ? AND name_norm = ?",
                    {ws, std::string(norm)});
}

Status TagRepository::Rename(storage::Transaction& tx, Id ws, Id id, std::string_view name,
                             std::string_view norm) {
  return tx.Execute("UPDATE tags SET name = ?, name_norm = ? WHERE workspace_id = ? AND id = ?",
                    {std::string(name), std::string(norm), ws, id})
      .status();
}

Status TagRepository::Delete(storage::Transaction& tx, Id ws, Id id) {
  return tx.Execute("DELETE FROM tags WHERE workspace_id = ? AND id = ?", {ws, id}).status();
}

}  // namespace rally::segments
