// Output formats of generated contacts: CSV (RFC 4180) and JSON lines in the REST API's shape.
//
// CSV: a header row of API field names (email, first_name, ..., tags, custom.industry, ...),
// CRLF line ends, cells quoted when they hold a comma, quote, CR/LF or leading/trailing space;
// tags as one comma-separated cell. JSON lines: one object per line, the body
// POST /api/v1/contacts takes, unset fields left out:
//   {"email":"...","first_name":"...","lead_score":42,"tags":["inbound"],
//    "custom":{"industry":"Software","annual_revenue":4700000,"renewal_date":"2026-03-01"}}
//
// Thread safety: pure functions.
#pragma once

#include <string>

#include "contact_generator.h"

namespace rally::datagen {

void AppendCsvHeader(std::string* out);
void AppendCsvRow(const Contact& c, std::string* out);

// One JSON object followed by '\n'.
void AppendJsonLine(const Contact& c, std::string* out);

// The custom field definitions (pools.h CustomFields()) as a JSON array of API bodies for
// POST /api/v1/custom-fields: [{"key":"industry","label":"Industry","type":"select",
// "options":["Software",...]}, ...].
std::string CustomFieldsJson();

}  // namespace rally::datagen
