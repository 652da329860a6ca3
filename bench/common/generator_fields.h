// The custom fields rally-datagen's contacts carry (datagen::CustomFields(): industry,
// annual_revenue, renewal_date, ...), created in a workspace so that their values validate.
#pragma once

#include "base/ids.h"
#include "base/status.h"
#include "fields/custom_fields.h"

namespace rally::bench {

// Errors: those of CustomFieldService::Create (already_exists when run twice).
Status CreateGeneratorFields(fields::CustomFieldService& fields, Id workspace_id);

}  // namespace rally::bench
