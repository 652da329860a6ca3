#include "generator_fields.h"

#include <string>
#include <vector>

#include "pools.h"

namespace rally::bench {

Status CreateGeneratorFields(fields::CustomFieldService& fields, Id workspace_id) {
  for (const datagen::CustomFieldDef& f : datagen::CustomFields()) {
    fields::CustomFieldInput in;
    in.key = std::string(f.key);
    in.label = std::string(f.label);
    in.type = std::string(f.type);
    if (!f.options.empty()) in.options = std::vector<std::string>(f.options.begin(), f.options.end());
    RALLY_RETURN_IF_ERROR(fields.Create(workspace_id, in).status());
  }
  return Status::Ok();
}

}  // namespace rally::bench
