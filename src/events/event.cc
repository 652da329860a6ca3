#include "events/event.h"

#include <type_traits>

namespace rally::events {

std::string_view Event::Name() const {
  return std::visit(
      [](const auto& p) -> std::string_view {
        using T = std::decay_t<decltype(p)>;
        if constexpr (std::is_same_v<T, ContactCreated>) return "contact.created";
        else if constexpr (std::is_same_v<T, ContactUpdated>) return "contact.updated";
        else if constexpr (std::is_same_v<T, ContactDeleted>) return "contact.deleted";
        else if constexpr (std::is_same_v<T, ContactRestored>) return "contact.restored";
        else if constexpr (std::is_same_v<T, ContactPurged>) return "contact.purged";
        else if constexpr (std::is_same_v<T, TagAdded>) return "contact.tag_added";
        else if constexpr (std::is_same_v<T, TagRemoved>) return "contact.tag_removed";
        else if constexpr (std::is_same_v<T, LifecycleChanged>) return "contact.lifecycle_changed";
        else if constexpr (std::is_same_v<T, LeadScoreChanged>) return "contact.lead_score_changed";
        else if constexpr (std::is_same_v<T, ActivityAdded>) return "contact.activity_added";
        else if constexpr (std::is_same_v<T, CompanyCreated>) return "company.created";
        else if constexpr (std::is_same_v<T, TagRenamed>) return "tag.renamed";
        else if constexpr (std::is_same_v<T, TagMerged>) return "tag.merged";
        else if constexpr (std::is_same_v<T, TagDeleted>) return "tag.deleted";
        else if constexpr (std::is_same_v<T, CustomFieldDeleted>) return "custom_field.deleted";
        else static_assert(sizeof(T) == 0, "every event kind needs a name");
      },
      payload);
}

Id Event::ContactId() const {
  return std::visit(
      [](const auto& p) -> Id {
        if constexpr (requires { p.contact_id; }) return p.contact_id;
        else return 0;
      },
      payload);
}

}  // namespace rally::events
