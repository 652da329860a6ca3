#include "timeline/actor.h"

namespace rally::timeline {
namespace {

struct ActorName {
  ActorType type;
  std::string_view name;
};
constexpr ActorName kActorNames[] = {
    {ActorType::kUser, "user"},         {ActorType::kApiToken, "api_token"},
    {ActorType::kSystem, "system"},     {ActorType::kImport, "import"},
    {ActorType::kWorkflow, "workflow"}, {ActorType::kEmailSync, "email_sync"},
};

}  // namespace

std::string_view ActorTypeName(ActorType t) {
  for (const ActorName& a : kActorNames)
    if (a.type == t) return a.name;
  return "system";
}

std::optional<ActorType> ParseActorType(std::string_view name) {
  for (const ActorName& a : kActorNames)
    if (a.name == name) return a.type;
  return std::nullopt;
}

}  // namespace rally::timeline
