#include "query/filter.h"

#include <algorithm>

#include "base/clock.h"
#include "base/strings.h"
#include "fields/builtin_fields.h"

namespace rally::query {
namespace {

constexpr std::string_view kOpNames[] = {
    "eq", "neq", "in",      "not_in",   "contains",     "starts_with", "gt",      "gte",
    "lt", "lte", "between", "is_empty", "is_not_empty", "has_any",     "has_all", "has_none"};

constexpr size_t kMaxTextBytes = 4000;
constexpr int kMaxTerms = 100;
constexpr int kMaxDepth = 16;

bool IsSet(FieldKind k) { return k == FieldKind::kTags || k == FieldKind::kAdditionalEmails; }

bool IsOrdered(const FilterField& f) {
  if (f.kind == FieldKind::kStage || f.kind == FieldKind::kScore || f.kind == FieldKind::kTimestamp)
    return true;
  return f.kind == FieldKind::kCustom &&
         (f.def.type == fields::FieldType::kNumber || f.def.type == fields::FieldType::kDate);
}

bool IsTextLike(const FilterField& f) {
  switch (f.kind) {
    case FieldKind::kText:
    case FieldKind::kEmail:
    case FieldKind::kName:
    case FieldKind::kCompany:
    case FieldKind::kAdditionalEmails:
    case FieldKind::kTags:
      return true;
    case FieldKind::kCustom:
      return f.def.type == fields::FieldType::kText || f.def.type == fields::FieldType::kSelect;
    default:
      return false;
  }
}

// The op negated, when one op says it (eq <-> neq ...).
std::optional<Op> Negated(Op op) {
  switch (op) {
    case Op::kEq:
      return Op::kNeq;
    case Op::kNeq:
      return Op::kEq;
    case Op::kIn:
      return Op::kNotIn;
    case Op::kNotIn:
      return Op::kIn;
    case Op::kIsEmpty:
      return Op::kIsNotEmpty;
    case Op::kIsNotEmpty:
      return Op::kIsEmpty;
    case Op::kHasAny:
      return Op::kHasNone;
    case Op::kHasNone:
      return Op::kHasAny;
    default:
      return std::nullopt;
  }
}

FilterField Field(std::string name, FieldKind kind,
                  fields::FieldType type = fields::FieldType::kText, std::string column = "") {
  FilterField f;
  f.name = std::move(name);
  f.kind = kind;
  f.def.key = f.name;
  f.def.label = f.name;
  f.def.type = type;
  f.column = std::move(column);
  return f;
}

// --- Values ---

bool HasControl(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return true;
  return false;
}

// Why a value does not fit, or the normalized value. The message says what is wrong with the
// value; callers add where it is.
Result<json::value> NormalizeValue(const FilterField& f, Op op, std::string_view raw) {
  std::string_view text = Trim(raw);
  auto bad = [&](std::string why) -> Status {
    return FieldInvalid("", "filter_invalid_value", std::move(why));
  };
  if (text.empty()) return bad(f.name + " needs a value");
  if (!IsValidUtf8(text)) return bad("value is not valid UTF-8");
  if (HasControl(text)) return bad("value holds a control character");
  if (text.size() > 1000) return bad("value is longer than 1000 bytes");
  if (op == Op::kContains || op == Op::kStartsWith) return json::value(json::string(text));

  auto via_def = [&](const fields::FieldDef& def) -> Result<json::value> {
    auto v = fields::ParseText(def, text);
    if (!v.ok()) {
      std::string msg = v.status().message();
      // fields messages lead with the path ("custom.industry: ..."); the caller names the field.
      if (size_t colon = msg.find(": "); colon != std::string::npos) msg = msg.substr(colon + 2);
      return bad(f.name + ": " + msg);
    }
    return v;
  };
  switch (f.kind) {
    case FieldKind::kEmail:
    case FieldKind::kAdditionalEmails: {
      auto e = fields::NormalizeEmail(text, f.name);
      if (!e.ok())
        return bad(f.name + ": \"" + std::string(TruncateUtf8(text, 60)) + "\" is not an email");
      return json::value(json::string(e->key));
    }
    case FieldKind::kOwner: {
      std::string lower = AsciiLower(text);
      if (lower == "me" || lower == "none") return json::value(json::string(lower));
      auto e = fields::NormalizeEmail(text, f.name);
      if (!e.ok()) {
        return bad("owner is a user's email, me or none; got \"" +
                   std::string(TruncateUtf8(text, 60)) + "\"");
      }
      return json::value(json::string(e->key));
    }
    case FieldKind::kTags: {
      std::string name = CollapseSpaces(text);
      if (name.find(',') != std::string::npos) return bad("a tag name cannot contain a comma");
      return json::value(json::string(name));
    }
    case FieldKind::kTimestamp: {
      if (text.size() == 10) {
        if (!ParseDate(text))
          return bad(f.name + ": \"" + std::string(text) + "\" is not a date (YYYY-MM-DD)");
        return json::value(json::string(text));
      }
      auto t = ParseTimestamp(text);
      if (!t) {
        return bad(f.name + ": \"" + std::string(TruncateUtf8(text, 60)) +
                   "\" is not a date (YYYY-MM-DD) or an ISO 8601 timestamp");
      }
      return json::value(json::string(FormatTimestamp(*t)));
    }
    case FieldKind::kText:
    case FieldKind::kName:
    case FieldKind::kCompany:
      // Normalizing (a LinkedIn handle to its URL) but not length-checking beyond 1000 bytes.
      if (f.def.type == fields::FieldType::kUrl) return via_def(f.def);
      return json::value(json::string(CollapseSpaces(text)));
    case FieldKind::kStage:
    case FieldKind::kScore:
    case FieldKind::kBand:
    case FieldKind::kCustom:
      return via_def(f.def);
  }
  return bad("unsupported field");
}

// Checks that `op` applies to `f` and that the number of values fits it; then normalizes the
// values. Errors have an empty field (callers fill it in).
Result<Condition> MakeCondition(const FilterField& f, Op op, const std::vector<std::string>& raw) {
  auto bad_op = [&](std::string why) -> Status {
    return FieldInvalid("", "filter_invalid_op", std::move(why));
  };
  const std::string opname(OpName(op));
  // Canonical ops first: single-value in/not_in, and equality on sets.
  if (op == Op::kIn && raw.size() == 1) op = Op::kEq;
  if (op == Op::kNotIn && raw.size() == 1) op = Op::kNeq;
  if (IsSet(f.kind)) {
    if (op == Op::kEq || op == Op::kIn) op = Op::kHasAny;
    if (op == Op::kNeq || op == Op::kNotIn) op = Op::kHasNone;
  } else if (op == Op::kHasAny || op == Op::kHasAll || op == Op::kHasNone) {
    return bad_op(opname + " applies to tags and additional_emails, not " + f.name);
  }
  switch (op) {
    case Op::kContains:
    case Op::kStartsWith:
      if (!IsTextLike(f)) return bad_op(f.name + " is not text: " + opname + " does not apply");
      break;
    case Op::kGt:
    case Op::kGte:
    case Op::kLt:
    case Op::kLte:
    case Op::kBetween:
      if (!IsOrdered(f)) return bad_op(f.name + " has no order: " + opname + " does not apply");
      break;
    default:
      break;
  }
  if (f.kind == FieldKind::kOwner && (op == Op::kIn || op == Op::kNotIn)) {
    // owner:a,b is fine; "none" among them is not (say -owner:* or owner:none alone).
    for (const auto& r : raw)
      if (AsciiLower(Trim(r)) == "none")
        return bad_op("owner:none cannot be combined with other owners");
  }
  size_t want_min = 1, want_max = 1;
  if (op == Op::kIsEmpty || op == Op::kIsNotEmpty)
    want_min = want_max = 0;
  else if (op == Op::kBetween)
    want_min = want_max = 2;
  else if (op == Op::kIn || op == Op::kNotIn || op == Op::kHasAny || op == Op::kHasAll ||
           op == Op::kHasNone)
    want_max = 1000;
  if (raw.size() < want_min || raw.size() > want_max) {
    std::string n = want_min == want_max
                        ? std::to_string(want_min)
                        : std::to_string(want_min) + " to " + std::to_string(want_max);
    return bad_op(opname + " takes " + n + " value" + (want_max == 1 ? "" : "s") + ", got " +
                  std::to_string(raw.size()));
  }
  Condition c;
  c.field = f.name;
  c.op = op;
  for (const std::string& r : raw) {
    RALLY_ASSIGN_OR_RETURN(json::value v, NormalizeValue(f, op, r));
    c.values.push_back(std::move(v));
  }
  // owner:none is "has no owner".
  if (f.kind == FieldKind::kOwner && c.values.size() == 1 && c.values[0] == json::value("none")) {
    if (op != Op::kEq && op != Op::kNeq) return bad_op("owner:none takes no operator");
    c.op = op == Op::kEq ? Op::kIsEmpty : Op::kIsNotEmpty;
    c.values.clear();
  }
  return c;
}

// --- Canonical form ---

Node Canonical(Node n) {
  switch (n.kind) {
    case Node::Kind::kAnd:
    case Node::Kind::kOr: {
      std::vector<Node> flat;
      for (Node& c : n.children) {
        Node cc = Canonical(std::move(c));
        if (cc.kind == n.kind) {
          for (Node& g : cc.children) flat.push_back(std::move(g));
        } else {
          flat.push_back(std::move(cc));
        }
      }
      if (flat.size() == 1) return std::move(flat[0]);
      n.children = std::move(flat);
      return n;
    }
    case Node::Kind::kNot: {
      Node inner = Canonical(std::move(n.children.at(0)));
      if (inner.kind == Node::Kind::kNot) return std::move(inner.children.at(0));
      if (inner.kind == Node::Kind::kCondition) {
        if (auto neg = Negated(inner.condition.op)) {
          inner.condition.op = *neg;
          return inner;
        }
      }
      n.children.clear();
      n.children.push_back(std::move(inner));
      return n;
    }
    default:
      return n;
  }
}

Node MakeNot(Node inner) {
  Node n;
  n.kind = Node::Kind::kNot;
  n.children.push_back(std::move(inner));
  return n;
}

// --- Text parsing ---

// Code points before byte `b`.
size_t CharPos(std::string_view s, size_t b) {
  size_t n = 0;
  for (size_t i = 0; i < b && i < s.size(); ++i)
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) ++n;
  return n;
}

class TextParser {
 public:
  TextParser(std::string_view s, const FieldCatalog& catalog, std::string_view source)
      : s_(s), catalog_(catalog), source_(source) {}

  Result<Node> Parse() {
    if (s_.size() > kMaxTextBytes) {
      return Error(kMaxTextBytes, s_.substr(kMaxTextBytes, 20), "filter_syntax",
                   "filter is longer than " + std::to_string(kMaxTextBytes) + " bytes");
    }
    if (!IsValidUtf8(s_)) {
      size_t b = 0;
      while (b < s_.size() && IsValidUtf8(s_.substr(0, b + 1))) ++b;
      return Status(StatusCode::kInvalidArgument, "filter is not valid UTF-8",
                    {FieldError{std::string(source_),
                                "filter_syntax",
                                "filter is not valid UTF-8 at " + std::to_string(CharPos(s_, b)),
                                {}}});
    }
    RALLY_ASSIGN_OR_RETURN(Node n, ParseOr(0));
    SkipSpace();
    if (i_ < s_.size()) return Error(i_, s_.substr(i_, 1), "filter_syntax", "unmatched )");
    return Canonical(std::move(n));
  }

 private:
  Status Error(size_t at, std::string_view term, std::string code, std::string what) {
    std::string shown(TruncateUtf8(term, 60));
    std::string msg = what + " in \"" + shown + (term.size() > shown.size() ? "..." : "") +
                      "\" at " + std::to_string(CharPos(s_, at));
    return Status(StatusCode::kInvalidArgument, std::string(source_) + ": " + msg,
                  {FieldError{std::string(source_), std::move(code), std::move(msg), {}}});
  }

  void SkipSpace() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r'))
      ++i_;
  }
  bool AtBoundary(size_t j) const {
    return j >= s_.size() || s_[j] == ' ' || s_[j] == '\t' || s_[j] == '\n' || s_[j] == '\r' ||
           s_[j] == ')';
  }
  bool AtOr() const {
    return s_.substr(i_, 2) == "OR" &&
           (i_ + 2 >= s_.size() || s_[i_ + 2] == ' ' || s_[i_ + 2] == '(' || s_[i_ + 2] == '\t');
  }
  // The text of the term starting at `start` (to the next unquoted space), for messages.
  std::string_view TermAt(size_t start) const {
    bool quoted = false;
    size_t j = start;
    for (; j < s_.size(); ++j) {
      if (s_[j] == '"')
        quoted = !quoted;
      else if (s_[j] == '\\' && quoted)
        ++j;
      else if (!quoted && (s_[j] == ' ' || s_[j] == '\t'))
        break;
    }
    return s_.substr(start, std::min(j, s_.size()) - start);
  }

  Result<Node> ParseOr(int depth) {
    if (depth > kMaxDepth) return Error(i_, TermAt(i_), "filter_syntax", "groups nest too deep");
    Node out;
    out.kind = Node::Kind::kOr;
    while (true) {
      RALLY_ASSIGN_OR_RETURN(Node a, ParseAnd(depth));
      out.children.push_back(std::move(a));
      SkipSpace();
      if (i_ < s_.size() && AtOr()) {
        size_t at = i_;
        i_ += 2;
        SkipSpace();
        if (i_ >= s_.size() || s_[i_] == ')')
          return Error(at, "OR", "filter_syntax", "OR needs a term after it");
        continue;
      }
      break;
    }
    if (out.children.size() == 1) return std::move(out.children[0]);
    return out;
  }

  Result<Node> ParseAnd(int depth) {
    Node out;
    out.kind = Node::Kind::kAnd;
    while (true) {
      SkipSpace();
      if (i_ >= s_.size() || s_[i_] == ')') break;
      if (AtOr()) {
        if (out.children.empty())
          return Error(i_, "OR", "filter_syntax", "OR needs a term before it");
        break;
      }
      if (++terms_ > kMaxTerms) {
        return Error(i_, TermAt(i_), "filter_syntax",
                     "a filter holds at most " + std::to_string(kMaxTerms) + " terms");
      }
      RALLY_ASSIGN_OR_RETURN(Node t, ParseTerm(depth));
      out.children.push_back(std::move(t));
    }
    return out;
  }

  Result<Node> ParseTerm(int depth) {
    size_t start = i_;
    bool neg = false;
    if (s_[i_] == '-') {
      if (AtBoundary(i_ + 1)) return Error(start, "-", "filter_syntax", "a lone - negates nothing");
      neg = true;
      ++i_;
    }
    Node term;
    if (s_[i_] == '(') {
      ++i_;
      RALLY_ASSIGN_OR_RETURN(term, ParseOr(depth + 1));
      SkipSpace();
      if (i_ >= s_.size() || s_[i_] != ')')
        return Error(start, TermAt(start), "filter_syntax", "unclosed (");
      ++i_;
    } else if (s_[i_] == '"') {
      RALLY_ASSIGN_OR_RETURN(std::string phrase, Quoted(start));
      if (!AtBoundary(i_))
        return Error(start, TermAt(start), "filter_syntax", "text after a closing quote");
      RALLY_ASSIGN_OR_RETURN(term, Search(phrase, start));
    } else {
      size_t name_start = i_;
      while (i_ < s_.size() && s_[i_] != ':' && !AtBoundary(i_) && s_[i_] != '(') ++i_;
      std::string_view name = s_.substr(name_start, i_ - name_start);
      if (i_ < s_.size() && s_[i_] == ':') {
        ++i_;
        RALLY_ASSIGN_OR_RETURN(term, FieldTerm(start, name, neg));
        return term;  // FieldTerm applied the negation
      }
      if (i_ < s_.size() && s_[i_] == '(')
        return Error(start, TermAt(start), "filter_syntax", "unexpected (");
      RALLY_ASSIGN_OR_RETURN(term, Search(std::string(name), start));
    }
    return neg ? MakeNot(std::move(term)) : std::move(term);
  }

  Result<Node> Search(std::string words, size_t start) {
    std::string w = CollapseSpaces(words);
    if (w.empty()) return Error(start, TermAt(start), "filter_syntax", "empty search");
    if (HasControl(w))
      return Error(start, TermAt(start), "filter_invalid_value",
                   "search holds a control character");
    Node n;
    n.kind = Node::Kind::kSearch;
    n.search = std::move(w);
    return n;
  }

  // A quoted string starting at i_ (on the opening quote); leaves i_ after the closing one.
  Result<std::string> Quoted(size_t term_start) {
    ++i_;
    std::string out;
    while (i_ < s_.size() && s_[i_] != '"') {
      if (s_[i_] == '\\' && i_ + 1 < s_.size()) ++i_;
      out += s_[i_++];
    }
    if (i_ >= s_.size())
      return Error(term_start, TermAt(term_start), "filter_syntax", "unclosed quote");
    ++i_;
    return out;
  }

  struct Item {
    std::string text;
    bool quoted = false;
  };

  // One value item: quoted, or bare up to a separator.
  Result<Item> ReadItem(size_t start, bool set_field) {
    Item it;
    if (i_ < s_.size() && s_[i_] == '"') {
      RALLY_ASSIGN_OR_RETURN(it.text, Quoted(start));
      it.quoted = true;
      return it;
    }
    size_t b = i_;
    while (i_ < s_.size() && !AtBoundary(i_) && s_[i_] != ',' && !(set_field && s_[i_] == '+'))
      ++i_;
    it.text = std::string(s_.substr(b, i_ - b));
    return it;
  }

  Result<Node> FieldTerm(size_t start, std::string_view name, bool neg) {
    std::string_view term = TermAt(start);
    if (name.empty()) return Error(start, term, "filter_syntax", "missing field name before :");
    const FilterField* f = catalog_.Find(name);
    if (f == nullptr) {
      return Error(start, term, "filter_unknown_field",
                   "unknown field \"" + std::string(TruncateUtf8(name, 60)) + "\"");
    }
    bool set_field = IsSet(f->kind);
    Op op = Op::kEq;
    std::vector<std::string> values;
    if (AtBoundary(i_))
      return Error(start, term, "filter_syntax", "missing value after " + std::string(name) + ":");
    if (s_[i_] == '*' && AtBoundary(i_ + 1)) {
      ++i_;
      op = Op::kIsNotEmpty;
    } else if (s_[i_] == '>' || s_[i_] == '<' || s_[i_] == '~') {
      char c = s_[i_++];
      bool eq = c != '~' && i_ < s_.size() && s_[i_] == '=';
      if (eq) ++i_;
      op = c == '~'   ? Op::kContains
           : c == '>' ? (eq ? Op::kGte : Op::kGt)
                      : (eq ? Op::kLte : Op::kLt);
      RALLY_ASSIGN_OR_RETURN(Item it, ReadItem(start, false));
      values.push_back(std::move(it.text));
    } else {
      char sep = 0;
      std::vector<Item> items;
      while (true) {
        RALLY_ASSIGN_OR_RETURN(Item it, ReadItem(start, set_field));
        items.push_back(std::move(it));
        if (i_ < s_.size() && (s_[i_] == ',' || (set_field && s_[i_] == '+'))) {
          if (sep != 0 && s_[i_] != sep) {
            return Error(start, term, "filter_syntax", "mix of , (any of) and + (all of)");
          }
          sep = s_[i_++];
          continue;
        }
        break;
      }
      if (items.size() == 1 && !items[0].quoted) {
        const std::string& t = items[0].text;
        size_t dots = t.find("..");
        if (dots != std::string::npos && dots > 0 && dots + 2 < t.size()) {
          op = Op::kBetween;
          values = {t.substr(0, dots), t.substr(dots + 2)};
        } else if (t.size() > 1 && t.back() == '*') {
          op = Op::kStartsWith;
          values = {t.substr(0, t.size() - 1)};
        } else {
          values = {t};
        }
      } else if (items.size() == 1 && i_ < s_.size() && s_[i_] == '*' && AtBoundary(i_ + 1)) {
        ++i_;  // "two words"*
        op = Op::kStartsWith;
        values = {items[0].text};
      } else {
        for (Item& it : items) values.push_back(std::move(it.text));
        op = items.size() == 1 ? Op::kEq : sep == '+' ? Op::kHasAll : Op::kIn;
      }
    }
    if (!AtBoundary(i_))
      return Error(start, term, "filter_syntax", "unexpected text after the value");
    auto cond = MakeCondition(*f, op, values);
    if (!cond.ok()) {
      const FieldError& d = cond.status().details().at(0);
      return Error(start, term, d.code, d.message);
    }
    Node n;
    n.kind = Node::Kind::kCondition;
    n.condition = std::move(*cond);
    if (neg) n = Canonical(MakeNot(std::move(n)));
    return n;
  }

  std::string_view s_;
  const FieldCatalog& catalog_;
  std::string_view source_;
  size_t i_ = 0;
  int terms_ = 0;
};

// --- JSON parsing ---

class JsonParser {
 public:
  JsonParser(const FieldCatalog& catalog, std::string_view source)
      : catalog_(catalog), source_(source) {}

  Result<Node> Parse(const json::value& v, const std::string& path, int depth) {
    if (depth > kMaxDepth) return Error(path, "filter_syntax", "filter nests too deep");
    if (++nodes_ > kMaxTerms * 2)
      return Error(path, "filter_syntax", "filter holds too many nodes");
    const json::object* o = v.if_object();
    if (o == nullptr) return Error(path, "filter_syntax", "a filter node must be an object");
    if (o->contains("field") || o->contains("op")) return Cond(*o, path);
    if (o->size() != 1) {
      return Error(path, "filter_syntax",
                   "a filter node holds one of and, or, not, search, or field/op/value");
    }
    const auto& [key, val] = *o->begin();
    std::string sub = path + "." + std::string(key);
    if (key == "and" || key == "or") {
      const json::array* a = val.if_array();
      if (a == nullptr)
        return Error(sub, "filter_syntax", std::string(key) + " takes an array of nodes");
      if (key == "or" && a->empty())
        return Error(sub, "filter_syntax", "or needs at least one node");
      Node n;
      n.kind = key == "and" ? Node::Kind::kAnd : Node::Kind::kOr;
      for (size_t i = 0; i < a->size(); ++i) {
        RALLY_ASSIGN_OR_RETURN(Node c,
                               Parse((*a)[i], sub + "[" + std::to_string(i) + "]", depth + 1));
        n.children.push_back(std::move(c));
      }
      return n;
    }
    if (key == "not") {
      RALLY_ASSIGN_OR_RETURN(Node c, Parse(val, sub, depth + 1));
      return MakeNot(std::move(c));
    }
    if (key == "search") {
      if (!val.is_string()) return Error(sub, "filter_invalid_value", "search takes a string");
      std::string w = CollapseSpaces(val.get_string());
      if (w.empty()) return Error(sub, "filter_invalid_value", "empty search");
      if (!IsValidUtf8(w) || HasControl(w))
        return Error(sub, "filter_invalid_value", "search is not plain text");
      Node n;
      n.kind = Node::Kind::kSearch;
      n.search = std::move(w);
      return n;
    }
    return Error(sub, "filter_syntax",
                 "unknown node \"" + std::string(TruncateUtf8(key, 40)) + "\"");
  }

 private:
  Status Error(const std::string& path, std::string code, std::string what) {
    return Status(StatusCode::kInvalidArgument, path + ": " + what,
                  {FieldError{path, std::move(code), std::move(what), {}}});
  }

  static Result<std::string> ScalarText(const json::value& v) {
    if (v.is_string()) return std::string(v.get_string());
    if (v.is_bool()) return std::string(v.get_bool() ? "true" : "false");
    if (v.is_int64() || v.is_uint64() || v.is_double()) {
      fields::FieldDef num;
      num.type = fields::FieldType::kNumber;
      return fields::FormatText(num, v);
    }
    return InvalidArgument("values are strings, numbers or booleans");
  }

  Result<Node> Cond(const json::object& o, const std::string& path) {
    for (const auto& kv : o) {
      if (kv.key() != "field" && kv.key() != "op" && kv.key() != "value") {
        return Error(path + "." + std::string(kv.key()), "filter_syntax",
                     "a condition holds field, op and value only");
      }
    }
    const json::string* name = GetString(o, "field");
    if (name == nullptr)
      return Error(path + ".field", "filter_syntax", "a condition needs \"field\" (a string)");
    const FilterField* f = catalog_.Find(*name);
    if (f == nullptr) {
      return Error(path + ".field", "filter_unknown_field",
                   "unknown field \"" + std::string(TruncateUtf8(*name, 60)) + "\"");
    }
    const json::string* opname = GetString(o, "op");
    std::optional<Op> op = opname ? ParseOp(*opname) : std::nullopt;
    if (!op) {
      return Error(path + ".op", "filter_invalid_op",
                   opname ? "unknown op \"" + std::string(TruncateUtf8(*opname, 40)) + "\""
                          : std::string("a condition needs \"op\" (a string)"));
    }
    std::vector<std::string> raw;
    const json::value* value = o.if_contains("value");
    bool many = *op == Op::kIn || *op == Op::kNotIn || *op == Op::kBetween || *op == Op::kHasAny ||
                *op == Op::kHasAll || *op == Op::kHasNone;
    if (*op == Op::kIsEmpty || *op == Op::kIsNotEmpty) {
      if (value != nullptr && !value->is_null())
        return Error(path + ".value", "filter_invalid_value",
                     std::string(*opname) + " takes no value");
    } else if (value == nullptr || value->is_null()) {
      return Error(path + ".value", "filter_invalid_value",
                   std::string(*opname) + " needs a value");
    } else if (value->is_array()) {
      if (!many)
        return Error(path + ".value", "filter_invalid_value",
                     std::string(*opname) + " takes one value, not an array");
      for (size_t i = 0; i < value->get_array().size(); ++i) {
        auto t = ScalarText(value->get_array()[i]);
        if (!t.ok())
          return Error(path + ".value[" + std::to_string(i) + "]", "filter_invalid_value",
                       t.status().message());
        raw.push_back(std::move(*t));
      }
    } else {
      auto t = ScalarText(*value);
      if (!t.ok()) return Error(path + ".value", "filter_invalid_value", t.status().message());
      raw.push_back(std::move(*t));
    }
    auto cond = MakeCondition(*f, *op, raw);
    if (!cond.ok()) {
      const FieldError& d = cond.status().details().at(0);
      return Error(path + (d.code == "filter_invalid_op" ? ".op" : ".value"), d.code, d.message);
    }
    Node n;
    n.kind = Node::Kind::kCondition;
    n.condition = std::move(*cond);
    return n;
  }

  const FieldCatalog& catalog_;
  std::string_view source_;
  int nodes_ = 0;
};

// --- Printing ---

bool NeedsQuotes(std::string_view v, bool set_field) {
  if (v.empty() || v == "*" || v == "OR" || v.find("..") != std::string_view::npos) return true;
  // A leading '-' needs no quotes: negation goes before the field name, not the value.
  if (v.front() == '>' || v.front() == '<' || v.front() == '~' || v.front() == '"' ||
      v.front() == '(' || v.back() == '*')
    return true;
  for (char c : v) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' || c == ')' || c == '"' ||
        c == '\\' || (set_field && c == '+'))
      return true;
  }
  return false;
}

std::string Quote(std::string_view v) {
  std::string out = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string ValueText(const json::value& v, bool set_field) {
  fields::FieldDef any;
  std::string t = fields::FormatText(any, v);
  return NeedsQuotes(t, set_field) ? Quote(t) : t;
}

std::string ConditionText(const Condition& c) {
  bool set_field = c.field == "tags" || c.field == "additional_emails";
  auto join = [&](std::string_view sep) {
    std::string out;
    for (size_t i = 0; i < c.values.size(); ++i)
      out += (i ? std::string(sep) : "") + ValueText(c.values[i], set_field);
    return out;
  };
  const std::string& f = c.field;
  fields::FieldDef any;
  switch (c.op) {
    case Op::kEq:
      return f + ":" + join(",");
    case Op::kNeq:
      return "-" + f + ":" + join(",");
    case Op::kIn:
      return f + ":" + join(",");
    case Op::kNotIn:
      return "-" + f + ":" + join(",");
    case Op::kHasAny:
      return f + ":" + join(",");
    case Op::kHasAll:
      return f + ":" + join("+");
    case Op::kHasNone:
      return "-" + f + ":" + join(",");
    case Op::kIsEmpty:
      return "-" + f + ":*";
    case Op::kIsNotEmpty:
      return f + ":*";
    case Op::kContains: {
      std::string t = fields::FormatText(any, c.values.at(0));
      // After ~ the item is read up to a space, so only those (and quotes) need quoting.
      bool q =
          t.empty() || t.front() == '"' || t.find_first_of(" \t\r\n),\"\\") != std::string::npos;
      return f + ":~" + (q ? Quote(t) : t);
    }
    case Op::kStartsWith: {
      std::string t = fields::FormatText(any, c.values.at(0));
      return f + ":" + (NeedsQuotes(t + "x", set_field) || t.front() == '*' ? Quote(t) : t) + "*";
    }
    case Op::kGt:
      return f + ":>" + ValueText(c.values.at(0), false);
    case Op::kGte:
      return f + ":>=" + ValueText(c.values.at(0), false);
    case Op::kLt:
      return f + ":<" + ValueText(c.values.at(0), false);
    case Op::kLte:
      return f + ":<=" + ValueText(c.values.at(0), false);
    case Op::kBetween:
      return f + ":" + ValueText(c.values.at(0), false) + ".." + ValueText(c.values.at(1), false);
  }
  return f;
}

std::string SearchText(const std::string& s) {
  bool q = s.empty() || s == "OR" || s.front() == '-' || s.front() == '(' || s.front() == '"' ||
           s.find_first_of(" \t\r\n():\"\\") != std::string::npos;
  return q ? Quote(s) : s;
}

std::string Print(const Node& n, bool in_and) {
  switch (n.kind) {
    case Node::Kind::kAnd: {
      if (n.children.empty()) return "()";  // ToText prints the top-level "match all" as
      std::string out;
      for (const Node& c : n.children) out += (out.empty() ? "" : " ") + Print(c, true);
      return out;
    }
    case Node::Kind::kOr: {
      std::string out;
      for (const Node& c : n.children) out += (out.empty() ? "" : " OR ") + Print(c, false);
      return in_and ? "(" + out + ")" : out;
    }
    case Node::Kind::kNot: {
      const Node& c = n.children.at(0);
      if (c.kind == Node::Kind::kCondition || c.kind == Node::Kind::kSearch)
        return "-" + Print(c, true);
      return "-(" + Print(c, false) + ")";
    }
    case Node::Kind::kCondition:
      return ConditionText(n.condition);
    case Node::Kind::kSearch:
      return SearchText(n.search);
  }
  return "";
}

json::value ConditionJson(const Condition& c) {
  json::object o{{"field", c.field}, {"op", OpName(c.op)}};
  bool many = c.op == Op::kIn || c.op == Op::kNotIn || c.op == Op::kBetween ||
              c.op == Op::kHasAny || c.op == Op::kHasAll || c.op == Op::kHasNone;
  if (many)
    o["value"] = json::array(c.values.begin(), c.values.end());
  else if (!c.values.empty())
    o["value"] = c.values[0];
  return o;
}

}  // namespace

std::string_view OpName(Op op) { return kOpNames[static_cast<int>(op)]; }

std::optional<Op> ParseOp(std::string_view name) {
  for (size_t i = 0; i < std::size(kOpNames); ++i)
    if (kOpNames[i] == name) return static_cast<Op>(i);
  return std::nullopt;
}

FieldCatalog::FieldCatalog(std::vector<fields::FieldDef> custom) {
  for (const fields::FieldDef& d : fields::BuiltinContactFields()) {
    FilterField f;
    f.name = d.key;
    f.def = d;
    f.column = d.key;
    f.kind = d.key == "email"             ? FieldKind::kEmail
             : d.key == "lifecycle_stage" ? FieldKind::kStage
             : d.key == "lead_score"      ? FieldKind::kScore
                                          : FieldKind::kText;
    fields_.push_back(std::move(f));
  }
  fields_.push_back(Field("name", FieldKind::kName));
  fields_.push_back(Field("company", FieldKind::kCompany));
  FilterField band = Field("band", FieldKind::kBand, fields::FieldType::kSelect);
  for (std::string_view b : fields::kScoreBands) band.def.options.emplace_back(b);
  fields_.push_back(std::move(band));
  fields_.push_back(Field("tags", FieldKind::kTags));
  fields_.push_back(Field("owner", FieldKind::kOwner));
  fields_.push_back(
      Field("created", FieldKind::kTimestamp, fields::FieldType::kText, "created_at"));
  fields_.push_back(
      Field("updated", FieldKind::kTimestamp, fields::FieldType::kText, "updated_at"));
  fields_.push_back(
      Field("last_activity", FieldKind::kTimestamp, fields::FieldType::kText, "last_activity_at"));
  fields_.push_back(
      Field("additional_emails", FieldKind::kAdditionalEmails, fields::FieldType::kEmail));
  for (fields::FieldDef& d : custom) {
    FilterField f;
    f.name = "custom." + d.key;
    f.kind = FieldKind::kCustom;
    d.custom = true;
    f.def = std::move(d);
    fields_.push_back(std::move(f));
  }
}

const FilterField* FieldCatalog::Find(std::string_view raw) const {
  std::string name = AsciiLower(raw);
  static const std::pair<std::string_view, std::string_view> kAliases[] = {
      {"stage", "lifecycle_stage"},
      {"score", "lead_score"},
      {"tag", "tags"},
      {"source", "lead_source"},
      {"created_at", "created"},
      {"updated_at", "updated"},
      {"last_activity_at", "last_activity"},
      {"additional_email", "additional_emails"}};
  for (const auto& [alias, canonical] : kAliases)
    if (name == alias) name = canonical;
  for (const FilterField& f : fields_)
    if (f.name == name) return &f;
  // A bare custom key, where it names no built-in (built-ins were checked above).
  if (name.find('.') == std::string::npos) {
    for (const FilterField& f : fields_)
      if (f.kind == FieldKind::kCustom && f.def.key == name) return &f;
  }
  return nullptr;
}

Result<Node> ParseText(std::string_view text, const FieldCatalog& catalog,
                       std::string_view source) {
  return TextParser(text, catalog, source).Parse();
}

Result<Node> ParseJson(const json::value& filter, const FieldCatalog& catalog,
                       std::string_view source) {
  JsonParser p(catalog, source);
  RALLY_ASSIGN_OR_RETURN(Node n, p.Parse(filter, std::string(source), 0));
  return Canonical(std::move(n));
}

std::string ToText(const Node& node) { return node.IsAll() ? "" : Print(node, false); }

json::value ToJson(const Node& n) {
  switch (n.kind) {
    case Node::Kind::kAnd:
    case Node::Kind::kOr: {
      json::array a;
      for (const Node& c : n.children) a.push_back(ToJson(c));
      return json::object{{n.kind == Node::Kind::kAnd ? "and" : "or", std::move(a)}};
    }
    case Node::Kind::kNot:
      return json::object{{"not", ToJson(n.children.at(0))}};
    case Node::Kind::kCondition:
      return ConditionJson(n.condition);
    case Node::Kind::kSearch:
      return json::object{{"search", n.search}};
  }
  return json::object{};
}

}  // namespace rally::query
