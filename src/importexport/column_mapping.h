// Column mapping: which contact field each column of an imported file fills, the suggestions
// made from header names, and turning one mapped row into a ContactInput for
// ContactService::Batch (the only writer; this file decides nothing about storage).
//
// Targets ("fields" below) a column may map to:
//   every built-in scalar (fields::BuiltinContactFields: email, first_name, ..., lead_source),
//   "additional_emails", "company", "owner", "tags",
//   "full_name" (split into first_name / last_name where the row has no column of its own for
//   them), "custom.<key>" for each custom field, or "" to ignore the column.
//
// Suggestions compare a header, normalized (case-folded, accents and everything but letters and
// digits dropped: "E-mail Address" -> "emailaddress"), with the field keys, labels and the
// synonyms found in exports of Google Contacts, Outlook, HubSpot, Salesforce, Mailchimp and
// LinkedIn, and with custom field keys and labels. Each single-valued field is suggested for the
// first column that names it; a second email column becomes additional_emails.
//
// Thread safety: pure functions and immutable values.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "base/result.h"
#include "contacts/contact_input.h"
#include "fields/custom_fields.h"

namespace rally::importexport {

struct ImportTarget {
  std::string key;    // "email", "custom.industry", "full_name"
  std::string label;  // "Email", "Industry", "Full name (split)"
  bool multi = false; // several columns may map to it (additional_emails, tags)
};

// Every field a column may map to, built-ins first, then custom fields in their order.
std::vector<ImportTarget> ImportTargets(std::span<const fields::CustomField> custom);

// "E-mail Address" -> "emailaddress" (see above).
std::string NormalizeHeader(std::string_view header);

// A stable fingerprint of a header row (its normalized cells in order), used to find a saved
// mapping again for a file with the same headers: 16 hex digits.
std::string HeaderHash(std::span<const std::string> header);

// One entry per column of the header: the target key, or "" to ignore it.
using ColumnMapping = std::vector<std::string>;

// The suggested mapping of `header`.
ColumnMapping SuggestMapping(std::span<const std::string> header,
                             std::span<const fields::CustomField> custom);

// Reads a mapping given by a client, onto `header`:
//   {"Header":"field", ...}   every column with that header (exact, else normalized match)
//   ["field", "", ...]        by column position
//   [{"column":0,"field":"email"}, {"header":"Name","field":"full_name"}]
// Columns the mapping does not name keep `base`'s entry (pass the suggestion to adjust it, or
// an empty mapping to start from nothing). Field names are checked against ImportTargets;
// "ignore", "" and null ignore a column.
// Errors: invalid_argument naming "mapping" (unknown field, a header not in the file, a column
// out of range, a single-valued field mapped twice) or "mapping.<header>".
Result<ColumnMapping> ParseMapping(const json::value& mapping, std::span<const std::string> header,
                                   std::span<const fields::CustomField> custom,
                                   const ColumnMapping& base);

// The CLI's --map 'Header=field,Other=field' as the JSON object form above.
// Errors: invalid_argument naming "map" for an entry without '='.
Result<json::object> ParseMapFlag(std::string_view flag);

// {"Header":"field"} for the columns that are not ignored (the CLI's --json "mapping"); a
// repeated header is listed once, with its first column's field.
json::object MappingToJson(const ColumnMapping& mapping, std::span<const std::string> header);
// [{"column":0,"header":"Email","field":"email"}, ...] for every column (ignored: "field":null).
json::array MappingToArray(const ColumnMapping& mapping, std::span<const std::string> header);

// Whether `mapping` maps some column to `key`.
bool Maps(const ColumnMapping& mapping, std::string_view key);

// Splits a full name: "Ada Lovelace" -> (Ada, Lovelace); "Lovelace, Ada" -> (Ada, Lovelace);
// "Dr. Ada King Lovelace Jr." -> (Ada King, Lovelace); one word -> (word, "").
std::pair<std::string, std::string> SplitFullName(std::string_view full);

// An imported lifecycle stage in the words other CRMs use ("Subscriber", "Marketing Qualified
// Lead", "SQL", "Closed - Converted", ...) as one of Rally's stages; other text unchanged (the
// contact field's own validation then names it).
std::string TranslateStage(std::string_view value);

// How a row becomes a contact input.
struct RowOptions {
  bool clear_empty = false;           // empty cells clear the field (else keep the stored value)
  std::vector<std::string> add_tags;  // tags every row gets, merged with its own
  // Rows are matched on a unique custom field (ImportOptions::match_on): a row without an
  // email may still update the contact it matches, so it is not refused here.
  bool email_optional = false;
};

// Builds the Batch item for one row (cells aligned with the mapping). Non-empty cells set their
// field; empty ones are left out (or clear it, with clear_empty); tags merge (add_tags) rather
// than replace. Returns nullopt when the row has no email cell at all (the caller rejects it
// naming the email column), unless options.email_optional.
std::optional<contacts::ContactInput> RowToInput(const ColumnMapping& mapping,
                                                 std::span<const std::string> cells,
                                                 const RowOptions& options);

// The column (index into the header) to blame for an error on contact field `field`
// ("email", "custom.industry", "first_name", "tags", ...), or -1.
int ColumnForField(const ColumnMapping& mapping, std::string_view field);

}  // namespace rally::importexport
