// Actor: who made a change, recorded on every timeline entry ("by Ada Lovelace", "by import #12",
// "by API token 'zapier'", "by workflow 'Qualify hot leads'").
#pragma once

#include <optional>
#include <string_view>

#include "base/ids.h"

namespace rally::timeline {

enum class ActorType { kUser, kApiToken, kSystem, kImport, kWorkflow, kEmailSync };

// "user", "api_token", "system", "import", "workflow", "email_sync".
std::string_view ActorTypeName(ActorType t);
std::optional<ActorType> ParseActorType(std::string_view name);

struct Actor {
  ActorType type = ActorType::kSystem;
  Id id = 0;  // the user, token, import, workflow or mail account; 0 for system
};

inline Actor SystemActor() { return Actor{ActorType::kSystem, 0}; }

}  // namespace rally::timeline
