// The built-in contact fields (DESIGN.md §2) as FieldDefs, so they go through the same parsing,
// validation, filtering, import and export code as custom fields.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "fields/field.h"

namespace rally::fields {

// Lifecycle stages in order; stored as their index 0..4.
inline constexpr std::string_view kLifecycleStages[] = {"lead", "qualified", "opportunity",
                                                        "customer", "evangelist"};
// Case-insensitive; nullopt for an unknown stage.
std::optional<int> ParseLifecycleStage(std::string_view text);
std::string_view LifecycleStageName(int stage);   // "lead"
std::string_view LifecycleStageLabel(int stage);  // "Lead"

// Score bands: 0-25 cold, 26-50 warm, 51-75 hot, 76-100 sales_ready.
std::string_view ScoreBand(int score);
inline constexpr std::string_view kScoreBands[] = {"cold", "warm", "hot", "sales_ready"};

// Plain scalar built-in fields of a contact (email, first_name, ..., lifecycle_stage,
// lead_score, lead_source), in display order. Relations (company, owner), tags, additional
// emails and timestamps are handled by the contacts module and are not in this list.
const std::vector<FieldDef>& BuiltinContactFields();

// The built-in field with that key, or nullptr.
const FieldDef* FindBuiltinField(std::string_view key);

}  // namespace rally::fields
