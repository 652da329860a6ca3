// The filter language of DESIGN.md §4: one AST (Node), two spellings (text and JSON), parsed
// against a FieldCatalog (the built-in fields plus a workspace's custom fields), printed back in
// canonical form. Compiling a Node to SQL lives in query/contact_query.h.
//
// Text (URL q=, CLI --filter, the UI filter bar). Terms separated by spaces are ANDed:
//   field:value        equals (text case-insensitive)    field:a,b       any of
//   -field:value       not equal                         -field:a,b      none of
//   field:"two words"  quoted value (\" and \\ escape)   field:>50 >= < <=
//   field:10..50       inclusive range                   field:~part     contains
//   field:pre*         starts with                       field:*  /  -field:*   has a value / empty
//   tag:a,b  has any   tag:a+b  has all                  -tag:a,b        has none
//   word / "two words" searches name, email and company by prefix (accent/case-insensitive)
//   a OR b, ( ... ), -( ... )   groups (AND binds tighter than OR); -term negates any term
// Fields: every built-in (aliases stage, score, tag, source), name (first + last), company,
// band, owner (an email, me or none), created, updated, last_activity (dates or ISO
// timestamps, UTC days), additional_emails, custom fields as custom.<key> or the bare key when
// it names no built-in.
//
// JSON (API bodies, saved views): a node is one of
//   {"and":[node,...]}  {"or":[node,...]}  {"not":node}  {"search":"words"}
//   {"field":"lead_score","op":"gt","value":50}
// with op one of eq neq in not_in contains starts_with gt gte lt lte between is_empty
// is_not_empty has_any has_all has_none; "value" is a scalar, or an array for in, not_in,
// between (two items) and has_*; absent for is_empty/is_not_empty.
//
// WHAT OTHER MODULES CAN RELY ON (saved views, bulk actions): Node, Op, FieldKind, the four
// functions ParseText/ParseJson/ToText/ToJson and their error contract below are stable. ToJson
// output is what to store (it parses back to an equal Node as long as the custom fields it names
// exist); ToText(ParseText(t)) is canonical and idempotent. Nodes hold normalized values (select
// options in their own spelling, numbers as numbers, dates as YYYY-MM-DD), so equal filters
// compare equal with operator==.
//
// Errors: invalid_argument with one FieldError{field, code, message}; field is the `source`
// argument ("q" for text by default, "filter" or its JSON path such as "filter.and[1].value"
// for JSON); code one of filter_syntax, filter_unknown_field, filter_invalid_value,
// filter_invalid_op (all answered 400 by api/); the message quotes the offending term and, for
// text, its position as a 0-based character (code point) offset: `unknown field "colour" in
// "colour:red" at 12`.
//
// Thread safety: plain values and pure functions; a FieldCatalog is immutable once built.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "base/result.h"
#include "fields/field.h"

namespace rally::query {

enum class Op {
  kEq,
  kNeq,
  kIn,
  kNotIn,
  kContains,
  kStartsWith,
  kGt,
  kGte,
  kLt,
  kLte,
  kBetween,
  kIsEmpty,
  kIsNotEmpty,
  kHasAny,
  kHasAll,
  kHasNone,
};
std::string_view OpName(Op op);  // "eq", "not_in", ...
std::optional<Op> ParseOp(std::string_view name);

// How the compiler reaches a field's value.
enum class FieldKind {
  kText,              // a text column: first_name, title, city, lead_source, phone, ...
  kEmail,             // the primary email (matched on its normalized key)
  kName,              // first_name + " " + last_name
  kStage,             // lifecycle_stage (select of kLifecycleStages, stored as 0..4, ordered)
  kScore,             // lead_score (integer 0..100)
  kBand,              // score band: cold, warm, hot, sales_ready (ranges of lead_score)
  kTags,              // a set: has_any, has_all, has_none, is_empty, is_not_empty
  kOwner,             // a user by email, or "me" (the caller); none = is_empty
  kCompany,           // the company's name
  kTimestamp,         // created_at, updated_at, last_activity_at
  kAdditionalEmails,  // a set of emails (not the primary one)
  kCustom,            // a custom field, by its type
};

struct FilterField {
  std::string name;  // canonical: "lead_score", "tags", "owner", "created", "custom.industry"
  FieldKind kind = FieldKind::kText;
  fields::FieldDef def;  // the value type; def.custom for custom fields (def.key is the bare key)
  std::string column;    // kText/kTimestamp: the contacts column
};

// The fields a filter may name: built-ins and one workspace's custom fields.
class FieldCatalog {
 public:
  // `custom` are the workspace's custom field definitions (fields::ListCustomFields).
  explicit FieldCatalog(std::vector<fields::FieldDef> custom = {});

  // Resolves a name as written: canonical names, aliases (stage, score, tag, source, created_at,
  // ...), custom.<key>, and a bare custom key that names no built-in. Case-insensitive.
  // nullptr when unknown.
  const FilterField* Find(std::string_view name) const;
  const std::vector<FilterField>& fields() const { return fields_; }

 private:
  std::vector<FilterField> fields_;
};

struct Condition {
  std::string field;  // FilterField::name (canonical)
  Op op = Op::kEq;
  // Normalized values: none for is_empty/is_not_empty, two for between, one or more for
  // in/not_in/has_*, one otherwise. Owner values are a user email (case-folded) or "me".
  // contains/starts_with values are the text as given.
  std::vector<json::value> values;
  bool operator==(const Condition&) const = default;
};

struct Node {
  enum class Kind { kAnd, kOr, kNot, kCondition, kSearch };
  Kind kind = Kind::kAnd;
  std::vector<Node> children;  // kAnd/kOr: any number (an empty kAnd matches all); kNot: one
  Condition condition;         // kCondition
  std::string search;          // kSearch: the words as given (trimmed)
  bool operator==(const Node&) const = default;

  static Node All() { return Node{}; }  // an empty AND: no filter
  bool IsAll() const { return kind == Kind::kAnd && children.empty(); }
};

// Canonical forms: a one-child AND/OR is its child; nested ANDs (ORs) are flattened; in/not_in
// with one value are eq/neq; eq/in on a set field (tags, additional_emails) is has_any and
// neq/not_in is has_none; owner "none" is is_empty.

// Errors: see the top of this file. Limits: 4,000 bytes of text, 100 terms, nesting 16 deep.
Result<Node> ParseText(std::string_view text, const FieldCatalog& catalog,
                       std::string_view source = "q");
Result<Node> ParseJson(const json::value& filter, const FieldCatalog& catalog,
                       std::string_view source = "filter");

// Canonical text; "" for Node::All(). ParseText(ToText(n)) == n.
std::string ToText(const Node& node);
// {"and":[]} for Node::All(). ParseJson(ToJson(n)) == n.
json::value ToJson(const Node& node);

}  // namespace rally::query
