// How a condition's values are read when a filter is evaluated: the SQL compiler
// (contact_query.cc) and the in-memory count index (count_index.cc) both go through these, so a
// value means the same thing on both paths (a count from the index must equal the SQL count).
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <iterator>
#include <string>
#include <utility>

#include "base/json.h"
#include "fields/builtin_fields.h"
#include "fields/field.h"

namespace rally::query {

// A value as text, as the field-type code formats it ("lead", "50", "a@b.c").
inline std::string ValueText(const json::value& v) {
  fields::FieldDef any;
  return fields::FormatText(any, v);
}

// A lifecycle stage value as its stored index 0..4; -1 (matches no contact) when unknown.
inline int64_t StageValue(const json::value& v) {
  return int64_t{fields::ParseLifecycleStage(ValueText(v)).value_or(-1)};
}

// A lead score value as the integer compared with lead_score (fractions truncated).
inline int64_t ScoreValue(const json::value& v) {
  return v.is_int64() ? v.get_int64() : static_cast<int64_t>(v.to_number<double>());
}

// The inclusive lead_score range of a band name; {1, 0} (empty) for an unknown one.
inline std::pair<int, int> BandRange(const json::value& v) {
  constexpr std::pair<int, int> kRanges[] = {{0, 25}, {26, 50}, {51, 75}, {76, 100}};
  std::string s = ValueText(v);
  for (size_t i = 0; i < std::size(fields::kScoreBands); ++i)
    if (fields::kScoreBands[i] == s) return kRanges[i];
  return {1, 0};
}

}  // namespace rally::query
