#include "query/count_index.h"

#include <algorithm>
#include <bit>
#include <chrono>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/strings.h"
#include "query/filter_values.h"

namespace rally::query {
namespace {

using storage::Value;

// Past this share of a workspace's contacts queued as changed (and this many), a rebuild (two
// sequential scans) is cheaper than re-reading each one by id.
constexpr size_t kRebuildDivisor = 4;
constexpr size_t kRebuildMin = 1024;
// Ids per IN (...) when re-reading changed contacts.
constexpr size_t kRefreshChunk = 500;

std::string Placeholders(size_t n) {
  std::string s = "(";
  for (size_t i = 0; i < n; ++i) s += i ? ", ?" : "?";
  return s + ")";
}

// One bit per contact ordinal. Bits past the last ordinal stay zero.
class Bits {
 public:
  explicit Bits(size_t n) : n_(n), w_((n + 63) / 64, 0) {}
  static Bits All(size_t n) {
    Bits b(n);
    std::fill(b.w_.begin(), b.w_.end(), ~uint64_t{0});
    b.Trim();
    return b;
  }
  void Set(size_t i) { w_[i >> 6] |= uint64_t{1} << (i & 63); }
  bool Test(size_t i) const { return (w_[i >> 6] >> (i & 63)) & 1; }
  void Clear(size_t i) { w_[i >> 6] &= ~(uint64_t{1} << (i & 63)); }
  Bits& operator&=(const Bits& o) {
    for (size_t i = 0; i < w_.size(); ++i) w_[i] &= o.w_[i];
    return *this;
  }
  Bits& operator|=(const Bits& o) {
    for (size_t i = 0; i < w_.size(); ++i) w_[i] |= o.w_[i];
    return *this;
  }
  Bits Not() const {
    Bits b(n_);
    for (size_t i = 0; i < w_.size(); ++i) b.w_[i] = ~w_[i];
    b.Trim();
    return b;
  }
  Bits AndNot(const Bits& o) const {  // this & ~o
    Bits b(n_);
    for (size_t i = 0; i < w_.size(); ++i) b.w_[i] = w_[i] & ~o.w_[i];
    return b;
  }
  int64_t CountAnd(const Bits& o) const {
    int64_t n = 0;
    for (size_t i = 0; i < w_.size(); ++i) n += std::popcount(w_[i] & o.w_[i]);
    return n;
  }
  size_t size() const { return n_; }
  size_t bytes() const { return w_.size() * sizeof(uint64_t); }

 private:
  void Trim() {
    if (n_ % 64 != 0 && !w_.empty()) w_.back() &= (uint64_t{1} << (n_ % 64)) - 1;
  }
  size_t n_;
  std::vector<uint64_t> w_;
};

// A filter's value per contact in SQL's three-valued logic: `t` where it is TRUE, `f` where
// FALSE, neither where NULL (only `owner IN (...)` of a contact without an owner is NULL among
// the terms answered here). NOT swaps them; AND and OR combine them as SQL does.
struct Tri {
  Bits t, f;
  static Tri Definite(Bits t) {
    Bits f = t.Not();
    return Tri{std::move(t), std::move(f)};
  }
};

bool IsScalarOp(Op op) {
  switch (op) {
    case Op::kEq:
    case Op::kNeq:
    case Op::kIn:
    case Op::kNotIn:
    case Op::kGt:
    case Op::kGte:
    case Op::kLt:
    case Op::kLte:
    case Op::kBetween:
    case Op::kIsEmpty:
    case Op::kIsNotEmpty:
      return true;
    default:
      return false;
  }
}

bool CanAnswerCondition(const FieldCatalog& catalog, const Condition& c) {
  const FilterField* f = catalog.Find(c.field);
  if (f == nullptr) return false;
  switch (f->kind) {
    case FieldKind::kStage:
    case FieldKind::kScore:
      return IsScalarOp(c.op);
    case FieldKind::kBand:
    case FieldKind::kOwner:
      return c.op == Op::kEq || c.op == Op::kIn || c.op == Op::kNeq || c.op == Op::kNotIn ||
             c.op == Op::kIsEmpty || c.op == Op::kIsNotEmpty;
    case FieldKind::kTags:
      return c.op == Op::kHasAny || c.op == Op::kHasAll || c.op == Op::kHasNone ||
             c.op == Op::kIsEmpty || c.op == Op::kIsNotEmpty;
    default:
      return false;
  }
}

}  // namespace

struct CountIndex::Workspace {
  std::mutex mu;  // everything below but the queue; held by Count
  bool built = false;
  std::vector<Id> ids;         // ascending; a contact's ordinal is its position
  std::vector<uint8_t> stage;  // by ordinal
  std::vector<uint8_t> score;  // by ordinal
  std::vector<Id> owner;       // by ordinal; 0 = none
  std::vector<bool> live;      // by ordinal: the row exists and is not soft-deleted
  std::unordered_map<Id, std::vector<uint32_t>> tags;  // tag id -> ascending ordinals

  std::mutex queue_mu;  // the queue of changed contacts
  std::vector<Id> changed;
  bool stale = false;  // rebuild at the next Count

  size_t Bytes() const {
    size_t b = ids.capacity() * sizeof(Id) + stage.capacity() + score.capacity() +
               owner.capacity() * sizeof(Id) + live.capacity() / 8;
    for (const auto& [id, list] : tags) b += sizeof(id) + list.capacity() * sizeof(uint32_t) + 32;
    return b;
  }

  std::optional<size_t> Ordinal(Id id) const {
    auto it = std::lower_bound(ids.begin(), ids.end(), id);
    if (it == ids.end() || *it != id) return std::nullopt;
    return static_cast<size_t>(it - ids.begin());
  }

  struct ContactRow {
    Id id;
    uint8_t stage, score;
    Id owner;
    bool live;
  };
  static ContactRow ReadContact(const storage::Row& r) {
    return {r.Int(0), static_cast<uint8_t>(r.Int(1)), static_cast<uint8_t>(r.Int(2)), r.Int(3),
            r.IsNull(4)};
  }
  void Append(const ContactRow& c) {
    ids.push_back(c.id);
    stage.push_back(c.stage);
    score.push_back(c.score);
    owner.push_back(c.owner);
    live.push_back(c.live);
  }

  Status Build(storage::Connection& conn, Id ws) {
    ids.clear();
    stage.clear();
    score.clear();
    owner.clear();
    live.clear();
    tags.clear();
    built = false;
    const std::vector<Value> p = {ws};
    RALLY_RETURN_IF_ERROR(
        conn.Query("SELECT id, lifecycle_stage, lead_score, owner_id, deleted_at FROM contacts "
                   "WHERE workspace_id = ? ORDER BY id",
                   p, [&](const storage::Row& r) {
                     Append(ReadContact(r));
                     return true;
                   }));
    // In contact order, so each tag's ordinals arrive ascending.
    Id last_contact = 0;
    std::optional<size_t> last_ord;
    RALLY_RETURN_IF_ERROR(conn.Query(
        "SELECT contact_id, tag_id FROM contact_tags WHERE workspace_id = ? ORDER BY contact_id", p,
        [&](const storage::Row& r) {
          Id contact = r.Int(0);
          if (contact != last_contact || !last_ord) {
            last_contact = contact;
            last_ord = Ordinal(contact);
          }
          if (last_ord) tags[r.Int(1)].push_back(static_cast<uint32_t>(*last_ord));
          return true;
        }));
    // Growth by doubling leaves up to half of each vector unused: give it back.
    ids.shrink_to_fit();
    stage.shrink_to_fit();
    score.shrink_to_fit();
    owner.shrink_to_fit();
    live.shrink_to_fit();
    for (auto& [id, list] : tags) list.shrink_to_fit();
    built = true;
    return Status::Ok();
  }

  // Re-reads the contacts `changed` (ascending, unique). Sets `rebuild` instead when one of
  // them is new but sorts before a known contact (ordinals are positions in id order).
  Status Refresh(storage::Connection& conn, Id ws, const std::vector<Id>& changed, bool& rebuild) {
    if (changed.empty()) return Status::Ok();
    std::vector<ContactRow> rows;
    std::vector<std::pair<Id, Id>> pairs;  // (contact, tag)
    for (size_t at = 0; at < changed.size(); at += kRefreshChunk) {
      size_t n = std::min(kRefreshChunk, changed.size() - at);
      std::vector<Value> p = {ws};
      for (size_t i = 0; i < n; ++i) p.emplace_back(changed[at + i]);
      const std::string in = Placeholders(n);
      RALLY_RETURN_IF_ERROR(
          conn.Query("SELECT id, lifecycle_stage, lead_score, owner_id, deleted_at FROM contacts "
                     "WHERE workspace_id = ? AND id IN " +
                         in,
                     p, [&](const storage::Row& r) {
                       rows.push_back(ReadContact(r));
                       return true;
                     }));
      RALLY_RETURN_IF_ERROR(conn.Query(
          "SELECT contact_id, tag_id FROM contact_tags WHERE workspace_id = ? AND contact_id IN " +
              in,
          p, [&](const storage::Row& r) {
            pairs.emplace_back(r.Int(0), r.Int(1));
            return true;
          }));
    }
    std::sort(rows.begin(), rows.end(),
              [](const ContactRow& a, const ContactRow& b) { return a.id < b.id; });
    // Contacts: update in place, append new ones, mark purged ones (no row) not live.
    size_t r = 0;
    for (Id id : changed) {
      const ContactRow* row = r < rows.size() && rows[r].id == id ? &rows[r++] : nullptr;
      if (auto ord = Ordinal(id)) {
        if (row == nullptr) {
          live[*ord] = false;
        } else {
          stage[*ord] = row->stage;
          score[*ord] = row->score;
          owner[*ord] = row->owner;
          live[*ord] = row->live;
        }
      } else if (row != nullptr) {
        if (!ids.empty() && id < ids.back()) {
          rebuild = true;
          return Status::Ok();
        }
        Append(*row);
      }
    }
    // Tags: drop every assignment of a changed contact, then add back what the database holds.
    std::vector<bool> dirty(ids.size(), false);
    for (Id id : changed)
      if (auto ord = Ordinal(id)) dirty[*ord] = true;
    for (auto it = tags.begin(); it != tags.end();) {
      std::erase_if(it->second, [&](uint32_t o) { return dirty[o]; });
      it = it->second.empty() ? tags.erase(it) : std::next(it);
    }
    std::unordered_map<Id, std::vector<uint32_t>> added;
    for (const auto& [contact, tag] : pairs)
      if (auto ord = Ordinal(contact)) added[tag].push_back(static_cast<uint32_t>(*ord));
    for (auto& [tag, ords] : added) {
      std::sort(ords.begin(), ords.end());
      std::vector<uint32_t>& list = tags[tag];
      size_t mid = list.size();
      list.insert(list.end(), ords.begin(), ords.end());
      std::inplace_merge(list.begin(), list.begin() + static_cast<long>(mid), list.end());
    }
    return Status::Ok();
  }
};

// Evaluates a filter the index can answer (CanAnswer) over one workspace's index, resolving
// tag names and owner emails through `conn` exactly as the SQL compiler does.
class Evaluator {
 public:
  Evaluator(storage::Connection& conn, const QueryContext& ctx, const FieldCatalog& catalog,
            const CountIndex::Workspace& w)
      : conn_(conn), ctx_(ctx), catalog_(catalog), w_(w), n_(w.ids.size()) {}

  Result<Tri> Eval(const Node& node) {
    switch (node.kind) {
      case Node::Kind::kAnd:
      case Node::Kind::kOr: {
        const bool is_and = node.kind == Node::Kind::kAnd;
        Tri acc = Tri::Definite(is_and ? Bits::All(n_) : Bits(n_));
        for (const Node& child : node.children) {
          RALLY_ASSIGN_OR_RETURN(Tri c, Eval(child));
          if (is_and) {
            acc.t &= c.t;
            acc.f |= c.f;
          } else {
            acc.t |= c.t;
            acc.f &= c.f;
          }
        }
        return acc;
      }
      case Node::Kind::kNot: {
        RALLY_ASSIGN_OR_RETURN(Tri c, Eval(node.children.at(0)));
        return Tri{std::move(c.f), std::move(c.t)};
      }
      case Node::Kind::kCondition:
        return Condition(node.condition);
      case Node::Kind::kSearch:
        break;
    }
    return Internal("count index: a filter term it cannot answer");
  }

 private:
  template <typename Pred>
  Bits Where(Pred pred) const {
    Bits b(n_);
    for (size_t i = 0; i < n_; ++i)
      if (pred(i)) b.Set(i);
    return b;
  }

  // lifecycle_stage or lead_score (never NULL) against the condition's values.
  Tri Scalar(const std::vector<uint8_t>& col, const query::Condition& c,
             int64_t (*value)(const json::value&)) const {
    std::vector<int64_t> v;
    for (const json::value& x : c.values) v.push_back(value(x));
    auto at = [&](size_t i) { return int64_t{col[i]}; };
    switch (c.op) {
      case Op::kEq:
        return Tri::Definite(Where([&](size_t i) { return at(i) == v.at(0); }));
      case Op::kNeq:
        return Tri::Definite(Where([&](size_t i) { return at(i) != v.at(0); }));
      case Op::kIn:
      case Op::kNotIn: {
        bool in_set[256] = {};  // a value outside 0..255 equals no contact's
        for (int64_t x : v)
          if (x >= 0 && x < 256) in_set[x] = true;
        const bool want = c.op == Op::kIn;
        return Tri::Definite(Where([&](size_t i) { return in_set[col[i]] == want; }));
      }
      case Op::kGt:
        return Tri::Definite(Where([&](size_t i) { return at(i) > v.at(0); }));
      case Op::kGte:
        return Tri::Definite(Where([&](size_t i) { return at(i) >= v.at(0); }));
      case Op::kLt:
        return Tri::Definite(Where([&](size_t i) { return at(i) < v.at(0); }));
      case Op::kLte:
        return Tri::Definite(Where([&](size_t i) { return at(i) <= v.at(0); }));
      case Op::kBetween:
        return Tri::Definite(Where([&](size_t i) { return at(i) >= v.at(0) && at(i) <= v.at(1); }));
      case Op::kIsEmpty:  // the columns are NOT NULL
        return Tri::Definite(Bits(n_));
      default:  // kIsNotEmpty (CanAnswer admits no other)
        return Tri::Definite(Bits::All(n_));
    }
  }

  Tri Band(const query::Condition& c) const {
    bool in_band[256] = {};
    for (const json::value& x : c.values) {
      auto [lo, hi] = BandRange(x);
      for (int s = lo; s <= hi; ++s) in_band[s] = true;
    }
    switch (c.op) {
      case Op::kEq:
      case Op::kIn:
        return Tri::Definite(Where([&](size_t i) { return in_band[w_.score[i]]; }));
      case Op::kNeq:
      case Op::kNotIn:
        return Tri::Definite(Where([&](size_t i) { return !in_band[w_.score[i]]; }));
      case Op::kIsEmpty:
        return Tri::Definite(Bits(n_));
      default:
        return Tri::Definite(Bits::All(n_));
    }
  }

  Result<Tri> Owner(const query::Condition& c) {
    if (c.op == Op::kIsEmpty) return Tri::Definite(Where([&](size_t i) { return !w_.owner[i]; }));
    if (c.op == Op::kIsNotEmpty)
      return Tri::Definite(Where([&](size_t i) { return w_.owner[i] != 0; }));
    std::vector<Id> ids;
    std::vector<Value> p = {ctx_.workspace_id};
    for (const json::value& v : c.values) {
      std::string s = ValueText(v);
      if (s == "me") {
        if (ctx_.me) ids.push_back(*ctx_.me);
      } else {
        p.emplace_back(std::move(s));
      }
    }
    if (p.size() > 1) {
      RALLY_RETURN_IF_ERROR(
          conn_.Query("SELECT id FROM users WHERE workspace_id = ? AND email_norm IN " +
                          Placeholders(p.size() - 1),
                      p, [&](const storage::Row& r) {
                        ids.push_back(r.Int(0));
                        return true;
                      }));
    }
    const bool positive = c.op == Op::kEq || c.op == Op::kIn;
    if (ids.empty()) return Tri::Definite(positive ? Bits(n_) : Bits::All(n_));
    std::sort(ids.begin(), ids.end());
    Bits has = Where([&](size_t i) { return w_.owner[i] != 0; });
    Bits in = Where([&](size_t i) {
      return w_.owner[i] != 0 && std::binary_search(ids.begin(), ids.end(), w_.owner[i]);
    });
    // owner_id IN (...) is NULL for a contact without an owner; the negative form is
    // "owner_id IS NULL OR NOT (owner_id IN (...))", never NULL.
    if (positive) {
      Bits f = has.AndNot(in);
      return Tri{std::move(in), std::move(f)};
    }
    return Tri::Definite(in.Not());
  }

  Bits TagUnion(const std::vector<Id>& tag_ids) const {
    Bits b(n_);
    for (Id t : tag_ids) {
      auto it = w_.tags.find(t);
      if (it == w_.tags.end()) continue;
      for (uint32_t o : it->second) b.Set(o);
    }
    return b;
  }

  Result<Tri> Tags(const query::Condition& c) {
    if (c.op == Op::kIsEmpty || c.op == Op::kIsNotEmpty) {
      Bits any(n_);
      for (const auto& [id, list] : w_.tags)
        for (uint32_t o : list) any.Set(o);
      return Tri::Definite(c.op == Op::kIsNotEmpty ? std::move(any) : any.Not());
    }
    RALLY_ASSIGN_OR_RETURN(std::vector<Id> ids, TagIdsNamed(conn_, ctx_.workspace_id, c.values));
    switch (c.op) {
      case Op::kHasAny:
        return Tri::Definite(TagUnion(ids));
      case Op::kHasNone:
        return Tri::Definite(TagUnion(ids).Not());
      default: {                                                           // kHasAll
        if (ids.size() < c.values.size()) return Tri::Definite(Bits(n_));  // an unknown tag
        Bits all = Bits::All(n_);
        for (Id t : ids) all &= TagUnion({t});
        return Tri::Definite(std::move(all));
      }
    }
  }

  Result<Tri> Condition(const query::Condition& c) {
    const FilterField* f = catalog_.Find(c.field);
    if (f == nullptr) return Internal("filter names a field the catalog lacks: " + c.field);
    switch (f->kind) {
      case FieldKind::kStage:
        return Scalar(w_.stage, c, &StageValue);
      case FieldKind::kScore:
        return Scalar(w_.score, c, &ScoreValue);
      case FieldKind::kBand:
        return Band(c);
      case FieldKind::kOwner:
        return Owner(c);
      case FieldKind::kTags:
        return Tags(c);
      default:
        return Internal("count index: a filter term it cannot answer");
    }
  }

  storage::Connection& conn_;
  const QueryContext& ctx_;
  const FieldCatalog& catalog_;
  const CountIndex::Workspace& w_;
  size_t n_;
};

CountIndex::CountIndex(storage::Database& db) : db_(db) {}
CountIndex::~CountIndex() = default;

bool CountIndex::CanAnswer(const FieldCatalog& catalog, const Node& filter) {
  switch (filter.kind) {
    case Node::Kind::kAnd:
    case Node::Kind::kOr:
    case Node::Kind::kNot:
      return std::all_of(filter.children.begin(), filter.children.end(),
                         [&](const Node& c) { return CanAnswer(catalog, c); });
    case Node::Kind::kCondition:
      return CanAnswerCondition(catalog, filter.condition);
    case Node::Kind::kSearch:
      return false;
  }
  return false;
}

std::shared_ptr<CountIndex::Workspace> CountIndex::Get(Id workspace_id, bool create) {
  std::lock_guard lock(mu_);
  auto it = workspaces_.find(workspace_id);
  if (it != workspaces_.end()) return it->second;
  if (!create) return nullptr;
  return workspaces_[workspace_id] = std::make_shared<Workspace>();
}

Result<std::optional<int64_t>> CountIndex::Count(const QueryContext& ctx,
                                                 const FieldCatalog& catalog, const Node& filter) {
  if (!CanAnswer(catalog, filter)) return std::optional<int64_t>();
  // The entry exists before any snapshot is taken, so changes committed from here on are
  // queued for it (MarkChanged ignores workspaces without one).
  std::shared_ptr<Workspace> w = Get(ctx.workspace_id, true);
  // Another process's commits (a CLI command writing to the same SQLite file) publish no event
  // here: every index is rebuilt when one happened since the last count. When it cannot be
  // told (the file is busy), SQL counts.
  auto foreign = ForeignCommits();
  if (!foreign.ok()) return std::optional<int64_t>();
  if (*foreign) {
    std::vector<std::shared_ptr<Workspace>> all;
    {
      std::lock_guard lock(mu_);
      for (const auto& [id, ws] : workspaces_) all.push_back(ws);
    }
    for (const auto& ws : all) {
      std::lock_guard q(ws->queue_mu);
      ws->changed.clear();
      ws->stale = true;
    }
  }
  std::lock_guard lock(w->mu);
  std::vector<Id> changed;
  bool rebuild = false;
  {
    // Taken before the read snapshot below begins: every change queued here committed
    // earlier, so the snapshot sees it.
    std::lock_guard q(w->queue_mu);
    changed.swap(w->changed);
    rebuild = w->stale || !w->built;
    w->stale = false;
  }
  std::sort(changed.begin(), changed.end());
  changed.erase(std::unique(changed.begin(), changed.end()), changed.end());
  if (changed.size() > std::max(w->ids.size() / kRebuildDivisor, kRebuildMin)) rebuild = true;

  int64_t n = 0;
  Status s = db_.Read([&](storage::Connection& conn) -> Status {
    if (!rebuild) RALLY_RETURN_IF_ERROR(w->Refresh(conn, ctx.workspace_id, changed, rebuild));
    if (rebuild) {
      RALLY_RETURN_IF_ERROR(w->Build(conn, ctx.workspace_id));
      std::lock_guard lock(mu_);
      ++builds_;
    }
    Evaluator eval(conn, ctx, catalog, *w);
    RALLY_ASSIGN_OR_RETURN(Tri r, eval.Eval(filter));
    Bits live(w->ids.size());
    for (size_t i = 0; i < w->ids.size(); ++i)
      if (w->live[i]) live.Set(i);
    n = r.t.CountAnd(live);
    return Status::Ok();
  });
  if (!s.ok()) {
    // A half-applied refresh or build cannot be trusted: start over next time.
    w->built = false;
    return s;
  }
  return std::optional<int64_t>(n);
}

Result<bool> CountIndex::ForeignCommits() {
  // The writer connection's data_version moves only when ANOTHER connection commits: this
  // process's own writes all go through that one connection (and announce themselves with
  // events), and checkpoints are not commits. Read on the writer, in a write that changes
  // nothing. (On PostgreSQL, where only tests use the index, nothing to tell.)
  if (db_.dialect() != storage::Dialect::kSqlite) return false;
  // At most once per kForeignCheckEvery: the empty write waits for the writer's group (and, with
  // a large WAL, for its inline checkpoint: 130 ms measured after a 1M-row load), so counts in
  // quick succession share one check.
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mu_);
    if (writer_data_version_ >= 0 && now - last_foreign_check_ < kForeignCheckEvery) return false;
    last_foreign_check_ = now;
  }
  int64_t version = -1;
  RALLY_RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> Status {
    return tx.Query("PRAGMA data_version", {}, [&](const storage::Row& r) {
      version = r.Int(0);
      return false;
    });
  }));
  std::lock_guard lock(mu_);
  bool moved = writer_data_version_ >= 0 && version != writer_data_version_;
  writer_data_version_ = version;
  return moved;
}

void CountIndex::MarkChanged(Id workspace_id, std::span<const Id> ids) {
  if (ids.empty()) return;
  std::shared_ptr<Workspace> w = Get(workspace_id, false);
  if (!w) return;
  std::lock_guard q(w->queue_mu);
  if (w->stale) return;
  w->changed.insert(w->changed.end(), ids.begin(), ids.end());
  // A queue this long means a rebuild anyway; stop growing it.
  if (w->changed.size() > (1u << 22)) {
    w->changed.clear();
    w->stale = true;
  }
}

void CountIndex::Invalidate(Id workspace_id) {
  std::shared_ptr<Workspace> w = Get(workspace_id, false);
  if (!w) return;
  std::lock_guard q(w->queue_mu);
  w->changed.clear();
  w->stale = true;
}

size_t CountIndex::MemoryBytes() const {
  std::vector<std::shared_ptr<Workspace>> all;
  {
    std::lock_guard lock(mu_);
    for (const auto& [id, w] : workspaces_) all.push_back(w);
  }
  size_t b = 0;
  for (const auto& w : all) {
    std::lock_guard lock(w->mu);
    b += w->Bytes();
  }
  return b;
}

int64_t CountIndex::builds() const {
  std::lock_guard lock(mu_);
  return builds_;
}

}  // namespace rally::query
