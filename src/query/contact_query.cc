#include "query/contact_query.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "base/clock.h"
#include "base/strings.h"
#include "fields/builtin_fields.h"
#include "fields/custom_fields.h"
#include "query/filter_values.h"
#include "storage/dialect.h"

namespace rally::query {
namespace {

using storage::Dialect;
using storage::Value;

constexpr size_t kMaxSortKeys = 3;
constexpr size_t kMaxCursorBytes = 4096;

// --- base64url (no padding), for cursors ---

constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string Base64Url(std::string_view in) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : in) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kB64[(acc >> bits) & 63];
    }
  }
  if (bits > 0) out += kB64[(acc << (6 - bits)) & 63];
  return out;
}

std::optional<std::string> FromBase64Url(std::string_view in) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    const char* p = c ? std::strchr(kB64, c) : nullptr;
    if (p == nullptr) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(p - kB64);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return out;
}

// --- Sorting ---

enum class SortType { kInt, kText, kReal };

struct SortExpr {
  std::string sql;
  SortType type;
};

// The expression a sort key orders by. Empty values sort as the lowest value, so a keyset
// comparison never meets a NULL.
std::optional<SortExpr> SortExprFor(Dialect d, const FieldCatalog& catalog, std::string_view name) {
  if (name == "id") return SortExpr{"c.id", SortType::kInt};
  const FilterField* f = catalog.Find(name);
  if (f == nullptr) return std::nullopt;
  switch (f->kind) {
    case FieldKind::kText:
      return SortExpr{"LOWER(COALESCE(c." + f->column + ", ''))", SortType::kText};
    case FieldKind::kEmail:
      return SortExpr{"c.email_norm", SortType::kText};
    case FieldKind::kName:
      return SortExpr{"LOWER(COALESCE(c.first_name, '') || ' ' || COALESCE(c.last_name, ''))",
                      SortType::kText};
    case FieldKind::kStage:
      return SortExpr{"c.lifecycle_stage", SortType::kInt};
    case FieldKind::kScore:
    case FieldKind::kBand:
      return SortExpr{"c.lead_score", SortType::kInt};
    case FieldKind::kCompany:
      return SortExpr{
          "COALESCE((SELECT co.name_norm FROM companies co WHERE co.workspace_id = "
          "c.workspace_id AND co.id = c.company_id), '')",
          SortType::kText};
    case FieldKind::kTimestamp:
      return SortExpr{
          f->column == "last_activity_at" ? "COALESCE(c.last_activity_at, 0)" : "c." + f->column,
          SortType::kInt};
    case FieldKind::kCustom:
      switch (f->def.type) {
        case fields::FieldType::kNumber:
          return SortExpr{
              "COALESCE(" + storage::JsonNumberAt(d, "c.custom", f->def.key) + ", -1e300)",
              SortType::kReal};
        case fields::FieldType::kBoolean:
          return SortExpr{"COALESCE(" + storage::JsonBoolAt(d, "c.custom", f->def.key) + ", -1)",
                          SortType::kInt};
        default:
          return SortExpr{
              "LOWER(COALESCE(" + storage::JsonTextAt(d, "c.custom", f->def.key) + ", ''))",
              SortType::kText};
      }
    case FieldKind::kTags:
    case FieldKind::kOwner:
    case FieldKind::kAdditionalEmails:
      return std::nullopt;
  }
  return std::nullopt;
}

Value SortValueParam(const json::value& v) {
  if (v.is_string()) return std::string(v.get_string());
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64()) return static_cast<int64_t>(v.get_uint64());
  return v.is_double() ? v.get_double() : 0.0;
}

bool FitsType(const json::value& v, SortType t) {
  switch (t) {
    case SortType::kInt:
      return v.is_int64();
    case SortType::kText:
      return v.is_string();
    case SortType::kReal:
      return v.is_number();
  }
  return false;
}

// --- Compiling filters ---

std::string Placeholders(size_t n) {
  std::string s = "(";
  for (size_t i = 0; i < n; ++i) s += i ? ", ?" : "?";
  return s + ")";
}

// LIKE pattern for a literal, with \ as the escape character.
std::string LikeEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::string Str(const json::value& v) { return ValueText(v); }

// Day [start, end) in micros of a date value, or the instant [t, t+1) of a timestamp value.
std::pair<Micros, Micros> TimeRange(const json::value& v) {
  std::string s = Str(v);
  if (s.size() == 10) {
    Micros start = static_cast<Micros>(*ParseDate(s)) * kMicrosPerDay;
    return {start, start + kMicrosPerDay};
  }
  Micros t = ParseTimestamp(s).value_or(0);
  return {t, t + 1};
}

// The words of a search as both full-text indexes cut them: runs of letters and digits, accents
// and case folded away (SQLite's unicode61 remove_diacritics and PostgreSQL's unaccent agree with
// base/strings.h SearchKey on Latin scripts). Anything else separates words, non-ASCII
// punctuation included ("O’Brien" is o, brien): a token must never hold a character the index
// splits on, or FTS5 would read it as a phrase, which detail=none cannot answer.
std::vector<std::string> SearchTokens(const std::string& words) {
  std::string key = SearchKey(words);
  std::vector<std::string> tokens;
  std::string cur;
  int32_t i = 0;
  const int32_t n = static_cast<int32_t>(key.size());
  while (i < n) {
    int32_t start = i;
    UChar32 c = 0;
    U8_NEXT(key.data(), i, n, c);
    if (c >= 0 && u_isalnum(c)) {
      cur.append(key, static_cast<size_t>(start), static_cast<size_t>(i - start));
    } else if (!cur.empty()) {
      tokens.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) tokens.push_back(std::move(cur));
  return tokens;
}

// Every token as a prefix, all required: "jo"* AND "sm"*.
std::string Fts5Query(const std::vector<std::string>& tokens) {
  std::string q;
  for (const std::string& t : tokens) q += (q.empty() ? "\"" : " AND \"") + t + "\"*";
  return q;
}

class Compiler {
 public:
  Compiler(storage::Connection& conn, const QueryContext& ctx, const FieldCatalog& catalog)
      : conn_(conn), d_(conn.dialect()), ctx_(ctx), catalog_(catalog) {}

  Result<std::string> Compile(const Node& n) {
    switch (n.kind) {
      case Node::Kind::kAnd:
      case Node::Kind::kOr: {
        if (n.children.empty()) return std::string(n.kind == Node::Kind::kAnd ? "1 = 1" : "1 = 0");
        std::string out;
        for (const Node& c : n.children) {
          RALLY_ASSIGN_OR_RETURN(std::string s, Compile(c));
          out += (out.empty() ? "(" : n.kind == Node::Kind::kAnd ? " AND " : " OR ") + s;
        }
        return out + ")";
      }
      case Node::Kind::kNot: {
        RALLY_ASSIGN_OR_RETURN(std::string s, Compile(n.children.at(0)));
        return "NOT " + s;
      }
      case Node::Kind::kSearch:
        return Search(n.search);
      case Node::Kind::kCondition:
        return Condition(n.condition);
    }
    return Internal("unknown filter node");
  }

  std::vector<Value>& params() { return params_; }

 private:
  // Every compiled expression is parenthesized, so NOT and AND/OR compose without surprises.
  static std::string P(std::string s) { return "(" + s + ")"; }

  Result<std::string> Search(const std::string& words) {
    std::vector<std::string> tokens = SearchTokens(words);
    if (tokens.empty()) return std::string("(1 = 1)");
    if (d_ == Dialect::kPostgres) {
      std::string q;
      for (const std::string& t : tokens) q += (q.empty() ? "" : " & ") + t + ":*";
      params_.emplace_back(q);
      return std::string("(c.search_doc @@ to_tsquery('simple', ?))");
    }
    params_.emplace_back(Fts5Query(tokens));
    return std::string("(c.id IN (SELECT rowid FROM contact_search WHERE contact_search MATCH ?))");
  }

  // expr <op> values, for a scalar expression whose values bind as `bind(v)`.
  template <typename Bind>
  std::string Scalar(const std::string& expr, const Condition& c, Bind bind,
                     const std::string& empty_test, bool nullable) {
    auto one = [&](size_t i) {
      params_.push_back(bind(c.values.at(i)));
      return std::string("?");
    };
    auto list = [&] {
      for (const auto& v : c.values) params_.push_back(bind(v));
      return Placeholders(c.values.size());
    };
    std::string null_or = nullable ? "(" + expr + ") IS NULL OR " : "";
    switch (c.op) {
      case Op::kEq:
        return P(expr + " = " + one(0));
      case Op::kNeq:
        return P(null_or + expr + " <> " + one(0));
      case Op::kIn:
        return P(expr + " IN " + list());
      case Op::kNotIn:
        return P(null_or + expr + " NOT IN " + list());
      case Op::kGt:
        return P(expr + " > " + one(0));
      case Op::kGte:
        return P(expr + " >= " + one(0));
      case Op::kLt:
        return P(expr + " < " + one(0));
      case Op::kLte:
        return P(expr + " <= " + one(0));
      case Op::kBetween: {
        std::string lo = one(0), hi = one(1);
        return P(expr + " BETWEEN " + lo + " AND " + hi);
      }
      case Op::kContains: {
        params_.emplace_back("%" + LikeEscape(AsciiLower(Str(c.values.at(0)))) + "%");
        return P("LOWER(" + expr + ") LIKE ? ESCAPE '\\'");
      }
      case Op::kStartsWith: {
        params_.emplace_back(LikeEscape(AsciiLower(Str(c.values.at(0)))) + "%");
        return P("LOWER(" + expr + ") LIKE ? ESCAPE '\\'");
      }
      case Op::kIsEmpty:
        return P(empty_test);
      case Op::kIsNotEmpty:
        return P("NOT " + P(empty_test));
      default:
        return "(1 = 0)";
    }
  }

  Result<std::string> Condition(const query::Condition& c) {
    const FilterField* f = catalog_.Find(c.field);
    if (f == nullptr) return Internal("filter names a field the catalog lacks: " + c.field);
    auto lower_text = [](const json::value& v) -> Value { return AsciiLower(Str(v)); };
    switch (f->kind) {
      case FieldKind::kText: {
        std::string col = "c." + f->column;
        if (f->def.type == fields::FieldType::kPhone &&
            (c.op == Op::kEq || c.op == Op::kNeq || c.op == Op::kIn || c.op == Op::kNotIn)) {
          return Phone(col, c);
        }
        return Scalar("LOWER(" + col + ")", c, lower_text, col + " IS NULL OR " + col + " = ''",
                      true);
      }
      case FieldKind::kName: {
        std::string expr =
            "LOWER(TRIM(COALESCE(c.first_name, '') || ' ' || COALESCE(c.last_name, '')))";
        return Scalar(expr, c, lower_text, expr + " = ''", false);
      }
      case FieldKind::kEmail:
        return Scalar(
            "c.email_norm", c, [](const json::value& v) -> Value { return Str(v); }, "1 = 0",
            false);
      case FieldKind::kStage:
        return Scalar(
            "c.lifecycle_stage", c,
            [](const json::value& v) -> Value { return StageValue(v); },
            "1 = 0", false);
      case FieldKind::kScore:
        return Scalar(
            "c.lead_score", c,
            [](const json::value& v) -> Value { return ScoreValue(v); },
            "1 = 0", false);
      case FieldKind::kBand:
        return Band(c);
      case FieldKind::kTimestamp:
        return Timestamp("c." + f->column, c, f->column == "last_activity_at");
      case FieldKind::kCompany:
        return Company(c);
      case FieldKind::kOwner:
        return Owner(c);
      case FieldKind::kTags:
        return Tags(c);
      case FieldKind::kAdditionalEmails:
        return AdditionalEmails(c);
      case FieldKind::kCustom:
        return Custom(*f, c);
    }
    return Internal("unknown field kind");
  }

  // A phone matches as typed (case-insensitively) or by its E.164 form, so
  // phone:+14155550132 finds "(415) 555-0132" (parsed with the workspace's default region, as
  // the write path parses it).
  Result<std::string> Phone(const std::string& col, const query::Condition& c) {
    if (!region_) {
      const std::vector<Value> ws = {ctx_.workspace_id};
      RALLY_ASSIGN_OR_RETURN(
          auto r, conn_.QueryText("SELECT default_region FROM workspaces WHERE id = ?", ws));
      region_ = r.value_or("US");
    }
    std::vector<std::string> raw, e164;
    for (const json::value& v : c.values) {
      raw.push_back(AsciiLower(Str(v)));
      if (auto e = fields::PhoneToE164(Str(v), *region_)) e164.push_back(*e);
    }
    for (std::string& r : raw) params_.emplace_back(std::move(r));
    std::string any = "LOWER(" + col + ") IN " + Placeholders(raw.size());
    if (!e164.empty()) {
      for (std::string& e : e164) params_.emplace_back(std::move(e));
      any += " OR COALESCE(" + col + "_e164, '') IN " + Placeholders(e164.size());
    }
    if (c.op == Op::kEq || c.op == Op::kIn) return P(any);
    return P(col + " IS NULL OR NOT " + P(any));
  }

  std::string Band(const query::Condition& c) {
    std::string any;
    for (const json::value& v : c.values) {
      auto [lo, hi] = BandRange(v);
      params_.emplace_back(int64_t{lo});
      params_.emplace_back(int64_t{hi});
      any += (any.empty() ? "" : " OR ") + std::string("c.lead_score BETWEEN ? AND ?");
    }
    switch (c.op) {
      case Op::kEq:
      case Op::kIn:
        return P(any);
      case Op::kNeq:
      case Op::kNotIn:
        return P("NOT " + P(any));
      case Op::kIsEmpty:
        return "(1 = 0)";
      default:
        return "(1 = 1)";
    }
  }

  std::string Timestamp(const std::string& col, const query::Condition& c, bool nullable) {
    auto bound = [&](Micros t) {
      params_.emplace_back(t);
      return std::string("?");
    };
    std::string null_or = nullable ? col + " IS NULL OR " : "";
    switch (c.op) {
      case Op::kEq: {
        auto [a, b] = TimeRange(c.values.at(0));
        std::string lo = bound(a), hi = bound(b);
        return P(col + " >= " + lo + " AND " + col + " < " + hi);
      }
      case Op::kNeq: {
        auto [a, b] = TimeRange(c.values.at(0));
        std::string lo = bound(a), hi = bound(b);
        return P(null_or + col + " < " + lo + " OR " + col + " >= " + hi);
      }
      case Op::kIn:
      case Op::kNotIn: {
        std::string any;
        for (const json::value& v : c.values) {
          auto [a, b] = TimeRange(v);
          std::string lo = bound(a), hi = bound(b);
          any += (any.empty() ? "" : " OR ") + P(col + " >= " + lo + " AND " + col + " < " + hi);
        }
        return c.op == Op::kIn ? P(any) : P(null_or + "NOT " + P(any));
      }
      case Op::kGt:
        return P(col + " >= " + bound(TimeRange(c.values.at(0)).second));
      case Op::kGte:
        return P(col + " >= " + bound(TimeRange(c.values.at(0)).first));
      case Op::kLt:
        return P(col + " < " + bound(TimeRange(c.values.at(0)).first));
      case Op::kLte:
        return P(col + " < " + bound(TimeRange(c.values.at(0)).second));
      case Op::kBetween: {
        std::string lo = bound(TimeRange(c.values.at(0)).first);
        std::string hi = bound(TimeRange(c.values.at(1)).second);
        return P(col + " >= " + lo + " AND " + col + " < " + hi);
      }
      case Op::kIsEmpty:
        return P(nullable ? col + " IS NULL" : "1 = 0");
      case Op::kIsNotEmpty:
        return P(nullable ? col + " IS NOT NULL" : "1 = 1");
      default:
        return "(1 = 0)";
    }
  }

  std::string Company(const query::Condition& c) {
    if (c.op == Op::kIsEmpty) return "(c.company_id IS NULL)";
    if (c.op == Op::kIsNotEmpty) return "(c.company_id IS NOT NULL)";
    std::string match;
    params_.emplace_back(ctx_.workspace_id);
    if (c.op == Op::kContains || c.op == Op::kStartsWith) {
      std::string v = LikeEscape(CaseFold(Str(c.values.at(0))));
      params_.emplace_back(c.op == Op::kContains ? "%" + v + "%" : v + "%");
      match = "co.name_norm LIKE ? ESCAPE '\\'";
    } else {
      for (const json::value& v : c.values) params_.emplace_back(CaseFold(CollapseSpaces(Str(v))));
      match = "co.name_norm IN " + Placeholders(c.values.size());
    }
    std::string in =
        "c.company_id IN (SELECT co.id FROM companies co WHERE co.workspace_id = ? AND " + match +
        ")";
    if (c.op == Op::kNeq || c.op == Op::kNotIn) return P("c.company_id IS NULL OR NOT " + P(in));
    return P(in);
  }

  Result<std::string> Owner(const query::Condition& c) {
    if (c.op == Op::kIsEmpty) return std::string("(c.owner_id IS NULL)");
    if (c.op == Op::kIsNotEmpty) return std::string("(c.owner_id IS NOT NULL)");
    std::vector<Id> ids;
    std::vector<Value> emails;
    for (const json::value& v : c.values) {
      std::string s = Str(v);
      if (s == "me") {
        if (ctx_.me) ids.push_back(*ctx_.me);
      } else {
        emails.emplace_back(s);
      }
    }
    if (!emails.empty()) {
      std::vector<Value> p = {ctx_.workspace_id};
      p.insert(p.end(), emails.begin(), emails.end());
      RALLY_RETURN_IF_ERROR(
          conn_.Query("SELECT id FROM users WHERE workspace_id = ? AND email_norm IN " +
                          Placeholders(emails.size()),
                      p, [&](const storage::Row& r) {
                        ids.push_back(r.Int(0));
                        return true;
                      }));
    }
    bool positive = c.op == Op::kEq || c.op == Op::kIn;
    if (ids.empty()) return std::string(positive ? "(1 = 0)" : "(1 = 1)");
    for (Id id : ids) params_.emplace_back(id);
    std::string in = "c.owner_id IN " + Placeholders(ids.size());
    return positive ? P(in) : P("c.owner_id IS NULL OR NOT " + P(in));
  }

  Result<std::string> Tags(const query::Condition& c) {
    const std::string exists =
        "EXISTS (SELECT 1 FROM contact_tags ct WHERE ct.workspace_id = c.workspace_id AND "
        "ct.contact_id = c.id";
    if (c.op == Op::kIsEmpty) return "(NOT " + exists + "))";
    if (c.op == Op::kIsNotEmpty) return "(" + exists + "))";
    if (c.op == Op::kContains || c.op == Op::kStartsWith) {
      std::string v = LikeEscape(CaseFold(Str(c.values.at(0))));
      params_.emplace_back(c.op == Op::kContains ? "%" + v + "%" : v + "%");
      return "(" + exists +
             " AND ct.tag_id IN (SELECT t.id FROM tags t WHERE t.workspace_id = "
             "c.workspace_id AND t.name_norm LIKE ? ESCAPE '\\')))";
    }
    // Tag ids are looked up first, so the per-contact probe is one primary-key lookup.
    RALLY_ASSIGN_OR_RETURN(std::vector<Id> ids, TagIdsNamed(conn_, ctx_.workspace_id, c.values));
    std::sort(ids.begin(), ids.end());
    switch (c.op) {
      case Op::kHasAny:
      case Op::kHasNone: {
        if (ids.empty()) return std::string(c.op == Op::kHasAny ? "(1 = 0)" : "(1 = 1)");
        for (Id id : ids) params_.emplace_back(id);
        std::string e = exists + " AND ct.tag_id IN " + Placeholders(ids.size()) + ")";
        return c.op == Op::kHasAny ? P(e) : P("NOT " + e);
      }
      case Op::kHasAll: {
        if (ids.size() < c.values.size()) return std::string("(1 = 0)");  // an unknown tag
        std::string all;
        for (Id id : ids) {
          params_.emplace_back(id);
          all += (all.empty() ? "" : " AND ") + exists + " AND ct.tag_id = ?)";
        }
        return P(all);
      }
      default:
        return std::string("(1 = 0)");
    }
  }

  std::string AdditionalEmails(const query::Condition& c) {
    const std::string exists =
        "EXISTS (SELECT 1 FROM contact_emails e WHERE e.workspace_id = c.workspace_id AND "
        "e.contact_id = c.id AND e.position > 0";
    switch (c.op) {
      case Op::kIsEmpty:
        return "(NOT " + exists + "))";
      case Op::kIsNotEmpty:
        return "(" + exists + "))";
      case Op::kContains:
      case Op::kStartsWith: {
        std::string v = LikeEscape(AsciiLower(Str(c.values.at(0))));
        params_.emplace_back(c.op == Op::kContains ? "%" + v + "%" : v + "%");
        return "(" + exists + " AND e.email_norm LIKE ? ESCAPE '\\'))";
      }
      case Op::kHasAny:
      case Op::kHasNone: {
        // An email is one primary-key lookup: find the holders, not scan the contacts.
        params_.emplace_back(ctx_.workspace_id);
        for (const json::value& v : c.values) params_.emplace_back(Str(v));
        std::string in =
            "c.id IN (SELECT e.contact_id FROM contact_emails e WHERE e.workspace_id = ? AND "
            "e.position > 0 AND e.email_norm IN " +
            Placeholders(c.values.size()) + ")";
        return c.op == Op::kHasAny ? P(in) : P("NOT " + P(in));
      }
      case Op::kHasAll: {
        std::string all;
        for (const json::value& v : c.values) {
          params_.emplace_back(Str(v));
          all += (all.empty() ? "" : " AND ") + exists + " AND e.email_norm = ?)";
        }
        return P(all);
      }
      default:
        return "(1 = 0)";
    }
  }

  std::string Custom(const FilterField& f, const query::Condition& c) {
    const std::string& key = f.def.key;
    std::string text = storage::JsonTextAt(d_, "c.custom", key);
    std::string empty = text + " IS NULL";
    switch (f.def.type) {
      case fields::FieldType::kNumber:
        return Scalar(
            storage::JsonNumberAt(d_, "c.custom", key), c,
            [](const json::value& v) -> Value { return v.to_number<double>(); }, empty, true);
      case fields::FieldType::kBoolean:
        return Scalar(
            storage::JsonBoolAt(d_, "c.custom", key), c,
            [](const json::value& v) -> Value { return int64_t{v.is_bool() && v.get_bool()}; },
            empty, true);
      case fields::FieldType::kDate:
      case fields::FieldType::kSelect:
        // Stored normalized (YYYY-MM-DD sorts as text; an option in its own spelling).
        if (c.op == Op::kContains || c.op == Op::kStartsWith)
          return Scalar(
              text, c, [](const json::value& v) -> Value { return Str(v); }, empty, true);
        return Scalar(
            text, c, [](const json::value& v) -> Value { return Str(v); }, empty, true);
      default:
        return Scalar(
            "LOWER(" + text + ")", c,
            [](const json::value& v) -> Value { return AsciiLower(Str(v)); }, empty, true);
    }
  }

  storage::Connection& conn_;
  Dialect d_;
  const QueryContext& ctx_;
  const FieldCatalog& catalog_;
  std::vector<Value> params_;
  std::optional<std::string> region_;  // the workspace's default phone region, once looked up
};

}  // namespace

std::string Sort::ToString() const {
  std::vector<std::string> parts;
  for (const SortKey& k : keys) parts.push_back((k.desc ? "-" : "") + k.field);
  return Join(parts, ",");
}

Result<Sort> ParseSort(std::string_view text, const FieldCatalog& catalog) {
  Sort out;
  if (Trim(text).empty()) {
    out.keys.push_back({"id", true});
    return out;
  }
  for (std::string_view part : Split(text, ',')) {
    part = Trim(part);
    bool desc = !part.empty() && part.front() == '-';
    if (desc || (!part.empty() && part.front() == '+')) part.remove_prefix(1);
    std::string name;
    if (part == "id") {
      name = "id";
    } else {
      const FilterField* f = catalog.Find(part);
      // Either dialect will do to ask whether a field sorts at all.
      if (f == nullptr || !SortExprFor(Dialect::kSqlite, catalog, f->name)) {
        return FieldInvalid(
            "sort", "invalid",
            "cannot sort contacts by \"" + std::string(TruncateUtf8(part, 60)) + "\"");
      }
      name = f->kind == FieldKind::kBand ? "lead_score" : f->name;
    }
    bool repeated = std::any_of(out.keys.begin(), out.keys.end(),
                                [&](const SortKey& k) { return k.field == name; });
    if (repeated)
      return FieldInvalid("sort", "invalid", "sort names " + std::string(part) + " twice");
    out.keys.push_back({name, desc});
    if (name == "id") break;  // id is unique: later keys could never matter
  }
  if (out.keys.size() > kMaxSortKeys + (out.keys.back().field == "id" ? 1 : 0)) {
    return FieldInvalid("sort", "invalid", "sort by at most 3 fields");
  }
  if (out.keys.back().field != "id") out.keys.push_back({"id", out.keys.front().desc});
  return out;
}

Result<CompiledFilter> CompileWhere(storage::Connection& conn, const QueryContext& ctx,
                                    const FieldCatalog& catalog, const Node& filter) {
  Compiler compiler(conn, ctx, catalog);
  RALLY_ASSIGN_OR_RETURN(std::string sql, compiler.Compile(filter));
  return CompiledFilter{std::move(sql), std::move(compiler.params())};
}

Result<IdPage> ListContactIds(storage::Connection& conn, const QueryContext& ctx,
                              const FieldCatalog& catalog, const Node& filter, const Sort& sort,
                              int limit, std::string_view cursor) {
  if (limit < 1 || limit > kMaxLimit) {
    return FieldInvalid("limit", "out_of_range",
                        "limit must be between 1 and " + std::to_string(kMaxLimit));
  }
  IdPage page;
  RALLY_ASSIGN_OR_RETURN(page.next_cursor,
                         ScanContactPage(conn, ctx, catalog, filter, sort, limit, cursor, {},
                                         [&](const storage::Row& r, int) {
                                           page.ids.push_back(r.Int(0));
                                           return Status::Ok();
                                         }));
  return page;
}

namespace {

// One scan statement: its SQL and parameters, and how to read its rows.
struct ScanPlan {
  std::string sql;
  std::vector<Value> params;
  std::vector<SortExpr> exprs;  // the sort's columns, selected after the id
  std::string sort_text;
  int first_selected = 0;  // the index of the caller's first selected column
};

// The statement of ScanContactPage (limit > 0: it reads limit + 1 rows) and of ScanContacts
// (limit 0: no LIMIT, no cursor).
Result<ScanPlan> PlanScan(storage::Connection& conn, const QueryContext& ctx,
                          const FieldCatalog& catalog, const Node& filter, const Sort& sort,
                          int limit, std::string_view cursor, const ScanColumns& columns) {
  std::vector<SortExpr> exprs;
  for (const SortKey& k : sort.keys) {
    auto e = SortExprFor(conn.dialect(), catalog, k.field);
    if (!e) return FieldInvalid("sort", "invalid", "cannot sort contacts by \"" + k.field + "\"");
    exprs.push_back(std::move(*e));
  }
  std::string sort_text = sort.ToString();
  json::array after;
  if (!cursor.empty()) {
    auto bad = [] {
      return FieldInvalid("cursor", "invalid", "cursor is not valid for this list and sort");
    };
    if (cursor.size() > kMaxCursorBytes) return bad();
    auto raw = FromBase64Url(cursor);
    if (!raw) return bad();
    auto v = rally::ParseJson(*raw);
    const json::object* o = v.ok() ? v->if_object() : nullptr;
    const json::string* s = o ? GetString(*o, "s") : nullptr;
    const json::value* k = o ? o->if_contains("k") : nullptr;
    if (!s || *s != sort_text || !k || !k->is_array() || k->get_array().size() != exprs.size())
      return bad();
    for (size_t i = 0; i < exprs.size(); ++i)
      if (!FitsType(k->get_array()[i], exprs[i].type)) return bad();
    after = k->get_array();
  }

  // Search as you type on SQLite in id order (the default, newest first): walk the full-text
  // index in rowid (= contact id) order and stop after a page, rather than collecting every
  // match first (a two-letter prefix matches a third of a million contacts in a million).
  std::optional<std::string> fts_match;
  const Node* rest = &filter;
  Node rest_storage;
  if (conn.dialect() == Dialect::kSqlite && sort.keys.size() == 1 && sort.keys[0].field == "id") {
    auto match_of = [](const Node& n) -> std::optional<std::string> {
      if (n.kind != Node::Kind::kSearch) return std::nullopt;
      std::vector<std::string> tokens = SearchTokens(n.search);
      if (tokens.empty()) return std::nullopt;
      return Fts5Query(tokens);
    };
    if ((fts_match = match_of(filter))) {
      rest = &rest_storage;  // an empty AND
    } else if (filter.kind == Node::Kind::kAnd) {
      for (size_t i = 0; i < filter.children.size() && !fts_match; ++i) {
        if ((fts_match = match_of(filter.children[i]))) {
          rest_storage = filter;
          rest_storage.children.erase(rest_storage.children.begin() + static_cast<long>(i));
          rest = &rest_storage;
        }
      }
    }
    if (fts_match) exprs[0].sql = "s.rowid";
  }

  Compiler compiler(conn, ctx, catalog);
  RALLY_ASSIGN_OR_RETURN(std::string where, compiler.Compile(*rest));
  std::vector<Value> params = {ctx.workspace_id};
  if (fts_match) params.emplace_back(*fts_match);
  for (Value& p : compiler.params()) params.push_back(std::move(p));

  std::string keyset;
  if (!after.empty()) {
    bool same_direction = std::all_of(sort.keys.begin(), sort.keys.end(), [&](const SortKey& k) {
      return k.desc == sort.keys[0].desc;
    });
    if (same_direction) {
      // A row-value comparison: both databases seek an index in this order to it directly.
      std::string lhs, rhs;
      for (size_t i = 0; i < exprs.size(); ++i) {
        lhs += (i ? ", " : "") + exprs[i].sql;
        rhs += i ? ", ?" : "?";
        params.push_back(SortValueParam(after[i]));
      }
      keyset = " AND (" + lhs + ") " + (sort.keys[0].desc ? "<" : ">") + " (" + rhs + ")";
    } else {
      // (k1 > v1) OR (k1 = v1 AND k2 > v2) OR ..., with < for descending keys.
      for (size_t i = 0; i < exprs.size(); ++i) {
        keyset += i ? " OR (" : "(";
        for (size_t j = 0; j < i; ++j) {
          keyset += exprs[j].sql + " = ? AND ";
          params.push_back(SortValueParam(after[j]));
        }
        keyset += exprs[i].sql + (sort.keys[i].desc ? " < ?" : " > ?") + ")";
        params.push_back(SortValueParam(after[i]));
      }
      keyset = " AND (" + keyset + ")";
    }
  }
  std::string selected, order;
  for (size_t i = 0; i < exprs.size(); ++i) {
    selected += ", " + exprs[i].sql;
    order += (i ? ", " : "") + exprs[i].sql + (sort.keys[i].desc ? " DESC" : "");
  }
  if (!columns.select.empty()) {
    selected += ", ";
    selected += columns.select;
  }
  std::string joins = columns.joins.empty() ? "" : " " + std::string(columns.joins);
  std::string from =
      fts_match ? " FROM contact_search s JOIN contacts c ON c.workspace_id = ? AND c.id = s.rowid" +
                      joins + " WHERE contact_search MATCH ? AND "
                : " FROM contacts c" + joins + " WHERE c.workspace_id = ? AND ";
  ScanPlan plan;
  plan.sql = "SELECT c.id" + selected + from + "c.deleted_at IS NULL AND " + where + keyset +
             " ORDER BY " + order;
  if (limit > 0) {
    plan.sql += " LIMIT ?";
    params.emplace_back(int64_t{limit} + 1);
  }
  plan.first_selected = 1 + static_cast<int>(exprs.size());
  plan.params = std::move(params);
  plan.exprs = std::move(exprs);
  plan.sort_text = std::move(sort_text);
  return plan;
}

}  // namespace

Result<std::string> ScanContactPage(storage::Connection& conn, const QueryContext& ctx,
                                    const FieldCatalog& catalog, const Node& filter,
                                    const Sort& sort, int limit, std::string_view cursor,
                                    const ScanColumns& columns, const PageRowFn& on_row) {
  if (limit < 1 || limit > kMaxScanLimit) {
    return FieldInvalid("limit", "out_of_range",
                        "limit must be between 1 and " + std::to_string(kMaxScanLimit));
  }
  RALLY_ASSIGN_OR_RETURN(ScanPlan plan,
                         PlanScan(conn, ctx, catalog, filter, sort, limit, cursor, columns));
  const std::vector<SortExpr>& exprs = plan.exprs;
  std::string next_cursor;
  int rows = 0;
  Status row_status;
  json::array last;
  RALLY_RETURN_IF_ERROR(conn.Query(plan.sql, plan.params, [&](const storage::Row& r) {
    if (rows == limit) {
      // One row beyond the page: there is a next page, starting after the page's last row.
      next_cursor = Base64Url(json::serialize(json::object{{"s", plan.sort_text}, {"k", last}}));
      return false;
    }
    ++rows;
    row_status = on_row(r, plan.first_selected);
    if (!row_status.ok()) return false;
    last.clear();
    for (size_t i = 0; i < exprs.size(); ++i) {
      int col = static_cast<int>(i) + 1;
      switch (exprs[i].type) {
        case SortType::kInt:
          last.emplace_back(r.Int(col));
          break;
        case SortType::kText:
          last.emplace_back(json::string(r.Text(col)));
          break;
        case SortType::kReal:
          last.emplace_back(r.Real(col));
          break;
      }
    }
    return true;
  }));
  RALLY_RETURN_IF_ERROR(row_status);
  return next_cursor;
}

Status ScanContacts(storage::Connection& conn, const QueryContext& ctx,
                    const FieldCatalog& catalog, const Node& filter, const Sort& sort,
                    const ScanColumns& columns, const PageRowFn& on_row) {
  RALLY_ASSIGN_OR_RETURN(ScanPlan plan,
                         PlanScan(conn, ctx, catalog, filter, sort, 0, "", columns));
  Status row_status;
  RALLY_RETURN_IF_ERROR(conn.QueryStream(plan.sql, plan.params, [&](const storage::Row& r) {
    row_status = on_row(r, plan.first_selected);
    return row_status.ok();
  }));
  return row_status;
}

Result<int64_t> CountContacts(storage::Connection& conn, const QueryContext& ctx,
                              const FieldCatalog& catalog, const Node& filter) {
  Compiler compiler(conn, ctx, catalog);
  RALLY_ASSIGN_OR_RETURN(std::string where, compiler.Compile(filter));
  std::vector<Value> params = {ctx.workspace_id};
  for (Value& p : compiler.params()) params.push_back(std::move(p));
  RALLY_ASSIGN_OR_RETURN(
      auto n, conn.QueryInt("SELECT COUNT(*) FROM contacts c WHERE c.workspace_id = ? AND "
                            "c.deleted_at IS NULL AND " +
                                where,
                            params));
  return n.value_or(0);
}

Result<FieldCatalog> LoadFieldCatalog(storage::Connection& conn, Id workspace_id) {
  RALLY_ASSIGN_OR_RETURN(auto custom, fields::ListCustomFields(conn, workspace_id));
  std::vector<fields::FieldDef> defs;
  defs.reserve(custom.size());
  for (auto& f : custom) defs.push_back(std::move(f.def));
  return FieldCatalog(std::move(defs));
}

Result<std::vector<Id>> TagIdsNamed(storage::Connection& conn, Id workspace_id,
                                    std::span<const json::value> names) {
  std::vector<Id> ids;
  if (names.empty()) return ids;
  std::vector<Value> p = {workspace_id};
  for (const json::value& v : names) p.emplace_back(CaseFold(ValueText(v)));
  RALLY_RETURN_IF_ERROR(conn.Query(
      "SELECT id FROM tags WHERE workspace_id = ? AND name_norm IN " + Placeholders(names.size()),
      p, [&](const storage::Row& r) {
        ids.push_back(r.Int(0));
        return true;
      }));
  return ids;
}

}  // namespace rally::query
