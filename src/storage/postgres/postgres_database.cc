#include "storage/postgres/postgres_database.h"

#include <libpq-fe.h>

#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_map>
#include <vector>

#include "base/blocking.h"
#include "base/log.h"
#include "storage/dialect.h"

namespace rally::storage {
namespace {

constexpr int kMaxWriteAttempts = 8;           // first try + retries after serialization failures
constexpr size_t kMaxCachedStatements = 2000;  // per connection; then the cache starts over
constexpr unsigned kBoolOid = 16;              // pg_type.oid of boolean
// Writes run REPEATABLE READ: one snapshot, and a row changed by a concurrent transaction since
// fails the write (40001) instead of being overwritten, so read-modify-write closures retry
// rather than lose updates (docs/decisions/0006-postgres-backend.md).
constexpr const char* kWriteBegin = "BEGIN ISOLATION LEVEL REPEATABLE READ";

using ResultPtr = std::unique_ptr<PGresult, decltype(&PQclear)>;

ResultPtr Wrap(PGresult* r) { return ResultPtr(r, &PQclear); }

std::string TrimMessage(const char* m) {
  std::string s = m ? m : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

bool IsConnectionState(std::string_view state) {
  return state.starts_with("08") || state == "57P01" || state == "57P02" || state == "57P03" ||
         state == "53300";  // admin/crash shutdown, cannot connect now, too many connections
}

bool IsRetryableState(std::string_view state) { return state == "40001" || state == "40P01"; }

// Maps a failed result (or, without one, the connection's error) to a Status. The message is
// the server's primary one alone: its DETAIL would quote the row's values (a duplicate key),
// which may travel on to an API client.
Status PgError(PGconn* conn, const PGresult* res, std::string_view what) {
  const char* primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  std::string msg = TrimMessage(primary ? primary : PQerrorMessage(conn));
  if (msg.empty()) msg = TrimMessage(PQerrorMessage(conn));
  if (msg.empty()) msg = "unknown error";
  const char* raw_state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  std::string_view state = raw_state ? raw_state : "";
  std::string text = std::string(what) + ": " + msg;
  if (PQstatus(conn) == CONNECTION_BAD || IsConnectionState(state)) {
    return Status(StatusCode::kUnavailable, text);
  }
  if (state == "23505") return Status(StatusCode::kAlreadyExists, text);
  if (state.starts_with("23")) return Status(StatusCode::kFailedPrecondition, text);
  if (IsRetryableState(state) || state == "57014" || state == "55P03") {
    // Lost a conflict, or a lock or statement timeout: worth trying again later.
    return Status(StatusCode::kUnavailable, text);
  }
  if (state.starts_with("22")) return Status(StatusCode::kInvalidArgument, text);
  return Status(StatusCode::kInternal, text);
}

// Parses a column's text as an integer as SQLite's sqlite3_column_int64 would read the value:
// booleans as 1/0, reals truncated, anything else 0.
int64_t ParseInt(const char* p, int len, unsigned type) {
  if (type == kBoolOid) return len > 0 && p[0] == 't' ? 1 : 0;
  int64_t v = 0;
  auto [end, ec] = std::from_chars(p, p + len, v);
  if (ec == std::errc() && end == p + len) return v;
  double d = std::strtod(std::string(p, static_cast<size_t>(len)).c_str(), nullptr);
  if (!(d == d) || d >= 9.2233720368547758e18 || d <= -9.2233720368547758e18) return 0;
  return static_cast<int64_t>(d);
}

class PgRow final : public Row {
 public:
  explicit PgRow(const PGresult* res) : res_(res) {}
  void set_row(int row) { row_ = row; }

  int ColumnCount() const override { return PQnfields(res_); }
  bool IsNull(int col) const override { return PQgetisnull(res_, row_, col) != 0; }
  int64_t Int(int col) const override {
    if (IsNull(col)) return 0;
    return ParseInt(PQgetvalue(res_, row_, col), PQgetlength(res_, row_, col),
                    PQftype(res_, col));
  }
  double Real(int col) const override {
    if (IsNull(col)) return 0;
    if (PQftype(res_, col) == kBoolOid) return Int(col);
    return std::strtod(PQgetvalue(res_, row_, col), nullptr);
  }
  std::string_view Text(int col) const override {
    if (IsNull(col)) return {};
    // Booleans read as SQLite shows them ("1"/"0"), not as PostgreSQL spells them ("t"/"f").
    if (PQftype(res_, col) == kBoolOid) return Int(col) ? "1" : "0";
    return {PQgetvalue(res_, row_, col), static_cast<size_t>(PQgetlength(res_, row_, col))};
  }

 private:
  const PGresult* res_;
  int row_ = 0;
};

// Each parameter in libpq's text format. Strings are passed as they are (NUL-terminated by
// std::string); numbers are formatted into `storage`.
class TextParams {
 public:
  Status Set(Params params) {
    values_.resize(params.size());
    storage_.resize(params.size());
    for (size_t i = 0; i < params.size(); ++i) {
      const Value& v = params[i];
      if (std::holds_alternative<std::monostate>(v)) {
        values_[i] = nullptr;
      } else if (const auto* n = std::get_if<int64_t>(&v)) {
        storage_[i] = std::to_string(*n);
        values_[i] = storage_[i].c_str();
      } else if (const auto* d = std::get_if<double>(&v)) {
        char buf[32];
        auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), *d);  // shortest round-trip form
        storage_[i].assign(buf, end);
        if (storage_[i] == "inf") storage_[i] = "Infinity";
        if (storage_[i] == "-inf") storage_[i] = "-Infinity";
        if (storage_[i] == "nan" || storage_[i] == "-nan") storage_[i] = "NaN";
        values_[i] = storage_[i].c_str();
      } else {
        const std::string& s = std::get<std::string>(v);
        // libpq's text format ends a value at its first NUL, and PostgreSQL text cannot hold
        // one: refuse rather than store a silently shortened value.
        if (std::memchr(s.data(), 0, s.size()) != nullptr) {
          return InvalidArgument("text value contains a NUL character");
        }
        values_[i] = s.c_str();
      }
    }
    return Status::Ok();
  }
  const char* const* values() const { return values_.data(); }

 private:
  std::vector<const char*> values_;
  std::vector<std::string> storage_;
};

// One libpq connection with its prepared-statement cache. Not thread-safe: used by one thread
// at a time (the pool hands it out).
//
// Round trips are what a request waits for, so a transaction costs as few as possible: BEGIN
// travels with the transaction's first statement, and a new statement's Parse with its first
// Execute (one libpq pipeline, one round trip); a read's closing ROLLBACK is sent without
// waiting, its answer collected before the connection's next command. A transaction that ran
// no statement sends nothing at all.
class PgConn final : public Connection {
 public:
  explicit PgConn(PGconn* conn) : conn_(conn) {}
  ~PgConn() override { PQfinish(conn_); }

  Dialect dialect() const override { return Dialect::kPostgres; }

  Status ExecScript(std::string_view script) override {
    RALLY_RETURN_IF_ERROR(SendPendingBegin());
    return Exec(std::string(script).c_str(), "script");
  }

  Result<int64_t> Execute(std::string_view sql, Params params) override {
    int64_t changed = 0;
    RALLY_RETURN_IF_ERROR(Run(sql, params, nullptr, &changed));
    return changed;
  }

  Status Query(std::string_view sql, Params params, const RowFn& fn) override {
    return Run(sql, params, &fn, nullptr);
  }

  Status QueryStream(std::string_view sql, Params params, const RowFn& fn) override {
    RALLY_RETURN_IF_ERROR(text_params_.Set(params));
    int expected = 0;
    std::string text = RewritePlaceholdersForPostgres(sql, &expected);
    RALLY_RETURN_IF_ERROR(CheckParamCount(expected, params));
    RALLY_RETURN_IF_ERROR(SendPendingBegin());
    // Without JIT: compiling a million-row export's plan delays its first row by ~200 ms (the
    // first byte of a download) and gained nothing over the whole (7.33 s against 7.36 s).
    RALLY_RETURN_IF_ERROR(Exec("SET LOCAL jit = off", "set"));
    ScopedBlocking blocking;
    if (PQsendQueryParams(conn_, text.c_str(), static_cast<int>(params.size()), nullptr,
                          text_params_.values(), nullptr, nullptr, 0) != 1) {
      return Failed(nullptr, "send");
    }
    PQsetSingleRowMode(conn_);
    Status s;
    bool stopped = false;
    while (PGresult* r = PQgetResult(conn_)) {
      ResultPtr res = Wrap(r);
      if (stopped) continue;  // draining what the server sent before the cancel took effect
      ExecStatusType st = PQresultStatus(r);
      if (st == PGRES_SINGLE_TUPLE) {
        PgRow row(r);
        row.set_row(0);
        if (!fn(row)) {
          // Rather than reading (and dropping) the rest of a million-row result.
          stopped = true;
          if (PGcancel* cancel = PQgetCancel(conn_)) {
            char err[256];
            (void)PQcancel(cancel, err, sizeof err);
            PQfreeCancel(cancel);
          }
        }
      } else if (st != PGRES_TUPLES_OK && s.ok()) {
        s = Failed(r, "query");
      }
    }
    if (s.ok() && !stopped && broken()) s = Failed(nullptr, "query");
    return s;
  }

  // Starts a transaction with `begin` (a static string), sent with the first statement.
  void StartTransaction(const char* begin) {
    pending_begin_ = begin;
    first_exchange_lost_ = false;
    failed_state_.clear();
    failed_status_ = Status::Ok();
    failed_conflict_.clear();
  }

  // Commits and waits for the answer; `*tag` receives the server's command tag ("COMMIT", or
  // "ROLLBACK" when the transaction had failed).
  Status Commit(std::string* tag) {
    if (pending_begin_) {  // nothing was sent: nothing to commit
      pending_begin_ = nullptr;
      *tag = "COMMIT";
      return Status::Ok();
    }
    return Exec("COMMIT", "commit", tag);
  }

  // Ends the transaction without keeping anything, without waiting for the server's answer.
  void RollbackAsync() {
    if (pending_begin_) {
      pending_begin_ = nullptr;
      return;
    }
    if (broken() || pending_answer_) return;
    if (PQsendQuery(conn_, "ROLLBACK") == 1) pending_answer_ = true;
  }

  bool broken() const { return PQstatus(conn_) == CONNECTION_BAD; }

  // Whether the connection was found dead by the transaction's first exchange with the server,
  // so that nothing of the transaction ran and it may be run again on another connection.
  bool first_exchange_lost() const { return first_exchange_lost_; }

  // The SQLSTATE of the transaction's first failed statement ("" when none failed), and the
  // status it was reported with.
  const std::string& failed_state() const { return failed_state_; }
  const Status& failed_status() const { return failed_status_; }
  // The constraint and key of that failure (a unique violation: which row was in the way).
  const std::string& failed_conflict() const { return failed_conflict_; }

 private:
  Status Failed(const PGresult* res, std::string_view what) {
    Status s = PgError(conn_, res, what);
    if (failed_status_.ok()) {
      const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
      failed_state_ = state ? state : (broken() ? "08006" : "XX000");
      failed_status_ = s;
      const char* constraint = res ? PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME) : nullptr;
      const char* detail = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : nullptr;
      failed_conflict_ = std::string(constraint ? constraint : "") + "|" + (detail ? detail : "");
    }
    return s;
  }

  static Status CheckParamCount(int expected, Params params) {
    if (static_cast<size_t>(expected) == params.size()) return Status::Ok();
    return Internal("statement takes " + std::to_string(expected) + " parameters, got " +
                    std::to_string(params.size()));
  }

  // Collects the answer to a command sent without waiting (a read's ROLLBACK).
  Status CollectPendingAnswer() {
    if (!pending_answer_) return Status::Ok();
    pending_answer_ = false;
    Status s;
    ScopedBlocking blocking;
    while (PGresult* r = PQgetResult(conn_)) {
      ResultPtr res = Wrap(r);
      if (s.ok() && PQresultStatus(r) != PGRES_COMMAND_OK) s = PgError(conn_, r, "rollback");
    }
    if (s.ok() && broken()) s = PgError(conn_, nullptr, "rollback");
    return s;
  }

  // Starts the exchange that opens the transaction: marks it lost when the connection is.
  Status LostIfBroken(Status s, bool opening) {
    if (!s.ok() && opening && broken()) first_exchange_lost_ = true;
    return s;
  }

  Status SendPendingBegin() {
    bool opening = pending_begin_ != nullptr;
    RALLY_RETURN_IF_ERROR(LostIfBroken(CollectPendingAnswer(), opening));
    if (!opening) return Status::Ok();
    const char* begin = pending_begin_;
    pending_begin_ = nullptr;
    return LostIfBroken(Exec(begin, "begin"), true);
  }

  // One command without parameters, waiting for its answer.
  Status Exec(const char* sql, std::string_view what, std::string* tag = nullptr) {
    RALLY_RETURN_IF_ERROR(CollectPendingAnswer());
    ResultPtr res = Wrap(nullptr);
    {
      ScopedBlocking blocking;
      res = Wrap(PQexec(conn_, sql));
    }
    ExecStatusType st = PQresultStatus(res.get());
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY) {
      return Failed(res.get(), what);
    }
    if (tag) *tag = PQcmdStatus(res.get());
    return Status::Ok();
  }

  // Hands a statement's result to `fn` row by row, and its row count to `changed`.
  Status Deliver(const PGresult* res, const RowFn* fn, int64_t* changed) {
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) return Failed(res, "query");
    if (st == PGRES_TUPLES_OK && fn) {
      PgRow row(res);
      int n = PQntuples(res);
      for (int i = 0; i < n; ++i) {
        row.set_row(i);
        if (!(*fn)(row)) break;
      }
    }
    if (changed) *changed = std::strtoll(PQcmdTuples(const_cast<PGresult*>(res)), nullptr, 10);
    return Status::Ok();
  }

  Status Run(std::string_view sql, Params params, const RowFn* fn, int64_t* changed) {
    RALLY_RETURN_IF_ERROR(text_params_.Set(params));
    auto it = cache_.find(sql);
    if (it == cache_.end() && cache_.size() >= kMaxCachedStatements) {
      // Rare (dynamic SQL of many shapes): start over rather than track recency.
      RALLY_RETURN_IF_ERROR(SendPendingBegin());
      RALLY_RETURN_IF_ERROR(Exec("DEALLOCATE ALL", "deallocate"));
      cache_.clear();
    }
    int expected = 0;
    std::string parse_text, new_name;
    const std::string* name;
    if (it != cache_.end()) {
      expected = it->second.params;
      name = &it->second.name;
    } else {
      parse_text = RewritePlaceholdersForPostgres(sql, &expected);
      new_name = "r" + std::to_string(++statement_counter_);
      name = &new_name;
    }
    RALLY_RETURN_IF_ERROR(CheckParamCount(expected, params));
    int nparams = static_cast<int>(params.size());

    if (pending_begin_ == nullptr && it != cache_.end()) {
      // The common case: one prepared statement, one round trip.
      RALLY_RETURN_IF_ERROR(CollectPendingAnswer());
      ResultPtr res = Wrap(nullptr);
      {
        ScopedBlocking blocking;
        res = Wrap(PQexecPrepared(conn_, name->c_str(), nparams, text_params_.values(), nullptr,
                                  nullptr, 0));
      }
      return Deliver(res.get(), fn, changed);
    }

    // BEGIN and/or Parse before the Execute: one pipeline.
    bool opening = pending_begin_ != nullptr;
    RALLY_RETURN_IF_ERROR(LostIfBroken(CollectPendingAnswer(), opening));
    const char* begin = pending_begin_;
    pending_begin_ = nullptr;
    ScopedBlocking blocking;
    bool sent = PQenterPipelineMode(conn_) == 1;
    if (sent && begin) sent = PQsendQueryParams(conn_, begin, 0, nullptr, nullptr, nullptr, nullptr, 0) == 1;
    if (sent && !parse_text.empty()) {
      sent = PQsendPrepare(conn_, name->c_str(), parse_text.c_str(), 0, nullptr) == 1;
    }
    if (sent) {
      sent = PQsendQueryPrepared(conn_, name->c_str(), nparams, text_params_.values(), nullptr,
                                 nullptr, 0) == 1;
    }
    if (sent) sent = PQpipelineSync(conn_) == 1;
    if (!sent) {
      Status s = Failed(nullptr, "send");
      PQexitPipelineMode(conn_);
      return LostIfBroken(s, opening);
    }
    // One result per command (then a null), and the sync's.
    Status s;
    bool parsed = false;
    auto next = [&](std::string_view what, bool deliver) {
      PGresult* r = PQgetResult(conn_);
      if (r == nullptr) {
        if (s.ok()) s = Failed(nullptr, what);
        return false;
      }
      ResultPtr res = Wrap(r);
      ExecStatusType st = PQresultStatus(r);
      if (st == PGRES_PIPELINE_ABORTED) {
        // Skipped because an earlier command of the pipeline failed: that one is the error.
      } else if (deliver) {
        Status d = Deliver(r, fn, changed);
        if (s.ok()) s = d;
      } else if (st != PGRES_COMMAND_OK) {
        if (s.ok()) s = Failed(r, what);
      } else if (what == "prepare") {
        parsed = true;
      }
      while (PGresult* extra = PQgetResult(conn_)) PQclear(extra);  // up to the command's null
      return !broken();
    };
    bool alive = (!begin || next("begin", false)) &&
                 (parse_text.empty() || next("prepare", false)) && next("query", true);
    if (alive) {
      ResultPtr sync = Wrap(PQgetResult(conn_));
      if (PQresultStatus(sync.get()) != PGRES_PIPELINE_SYNC && s.ok()) s = Failed(sync.get(), "sync");
    }
    PQexitPipelineMode(conn_);
    // A prepared statement outlives a failed Execute (and a rolled-back transaction).
    if (parsed) cache_.emplace(std::string(sql), Prepared{std::move(new_name), expected});
    return LostIfBroken(s, opening);
  }

  struct Prepared {
    std::string name;
    int params;
  };
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };

  PGconn* conn_;
  std::unordered_map<std::string, Prepared, Hash, std::equal_to<>> cache_;
  uint64_t statement_counter_ = 0;
  TextParams text_params_;
  const char* pending_begin_ = nullptr;  // BEGIN not sent yet
  bool pending_answer_ = false;          // a command's answer not collected yet
  bool first_exchange_lost_ = false;
  std::string failed_state_;
  Status failed_status_;
  std::string failed_conflict_;
};

class PgTx final : public Transaction {
 public:
  explicit PgTx(PgConn& conn) : conn_(conn) {}
  Dialect dialect() const override { return Dialect::kPostgres; }
  Status ExecScript(std::string_view s) override { return conn_.ExecScript(s); }
  Result<int64_t> Execute(std::string_view sql, Params p) override { return conn_.Execute(sql, p); }
  Status Query(std::string_view sql, Params p, const RowFn& fn) override {
    return conn_.Query(sql, p, fn);
  }
  Status QueryStream(std::string_view sql, Params p, const RowFn& fn) override {
    return conn_.QueryStream(sql, p, fn);
  }
  void AfterCommit(std::function<void()> hook) override { hooks_.push_back(std::move(hook)); }
  std::vector<std::function<void()>> TakeHooks() { return std::move(hooks_); }

 private:
  PgConn& conn_;
  std::vector<std::function<void()>> hooks_;
};

Result<std::unique_ptr<PgConn>> Connect(const std::string& url) {
  // Our defaults come before the URL's own parameters, which override them.
  const char* keys[] = {"connect_timeout", "application_name", "client_encoding", "options",
                        "dbname", nullptr};
  const char* values[] = {"10", "rally", "UTF8",
                          "-c TimeZone=UTC",
                          url.c_str(), nullptr};
  PGconn* conn;
  {
    ScopedBlocking blocking;
    conn = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  }
  if (conn == nullptr) return Unavailable("cannot connect to PostgreSQL: out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string msg = TrimMessage(PQerrorMessage(conn));
    PQfinish(conn);
    return Unavailable("cannot connect to PostgreSQL: " + msg);
  }
  // Notices ("relation already exists, skipping") would go to stderr by default.
  PQsetNoticeProcessor(
      conn, [](void*, const char* message) { log::Debug(TrimMessage(message)); }, nullptr);
  return std::make_unique<PgConn>(conn);
}

// How many pooled connections the calling thread holds (a Read inside a Write holds two): a
// thread that holds one never waits for another, which could deadlock a full pool.
thread_local int t_held = 0;
thread_local bool t_in_write = false;

class PgDatabase final : public Database {
 public:
  PgDatabase(std::string url, int max_connections, std::unique_ptr<PgConn> first)
      : url_(std::move(url)), max_(max_connections) {
    idle_.push_back(std::move(first));
    open_ = 1;
  }
  ~PgDatabase() override { Close(); }

  Dialect dialect() const override { return Dialect::kPostgres; }

  Status Read(const ReadFn& fn) override {
    for (int attempt = 1;; ++attempt) {
      RALLY_ASSIGN_OR_RETURN(Lease lease, Acquire());
      PgConn& conn = *lease.conn;
      conn.StartTransaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
      Status s;
      try {
        s = fn(conn);
      } catch (...) {
        conn.RollbackAsync();
        Release(std::move(lease));
        throw;
      }
      bool lost = conn.first_exchange_lost();
      conn.RollbackAsync();  // read only: nothing to keep
      Release(std::move(lease));
      if (!lost || attempt > 1) return s;
      DropIdle();
    }
  }

  Status Write(const WriteFn& fn) override {
    if (t_in_write) return Internal("nested Database::Write");
    t_in_write = true;
    struct Reset {
      ~Reset() { t_in_write = false; }
    } reset;
    bool reconnected = false;
    std::string last_conflict;  // of the last unique violation
    for (int attempt = 1;; ++attempt) {
      RALLY_ASSIGN_OR_RETURN(Lease lease, Acquire());
      PgConn& conn = *lease.conn;
      conn.StartTransaction(kWriteBegin);
      PgTx tx(conn);
      Status s;
      try {
        s = fn(tx);
      } catch (const std::exception& e) {
        s = Internal(std::string("exception in write: ") + e.what());
      } catch (...) {
        s = Internal("unknown exception in write");
      }
      if (s.ok()) {
        std::string tag;
        s = conn.Commit(&tag);
        if (s.ok() && tag != "COMMIT") {
          // The server answers COMMIT with ROLLBACK when a statement failed earlier in the
          // transaction and the closure carried on regardless.
          s = conn.failed_status().ok() ? Internal("transaction was rolled back by the server")
                                        : conn.failed_status();
        }
      } else {
        conn.RollbackAsync();
      }
      bool lost = conn.first_exchange_lost();
      const std::string state = conn.failed_state();
      std::string conflict = conn.failed_conflict();
      std::vector<std::function<void()>> hooks = tx.TakeHooks();
      Release(std::move(lease));
      if (s.ok()) {
        for (auto& hook : hooks) hook();
        return s;
      }
      if (lost && !reconnected) {
        // The pooled connection had died (a server restart) before anything ran on it: the
        // other idle ones are as dead; run the closure again on a new connection.
        reconnected = true;
        DropIdle();
        continue;
      }
      if (attempt >= kMaxWriteAttempts) return s;
      if (state == "23505") {
        // A unique violation is usually a concurrent insert that the closure's own check could
        // not see in its snapshot: run again, and the closure sees the row and answers as it
        // would have. The same violation again on a fresh snapshot is a real one.
        if (conflict == last_conflict) return s;
        last_conflict = std::move(conflict);
        continue;
      }
      // Lost a conflict with a concurrent transaction: run again on a fresh snapshot.
      if (!IsRetryableState(state)) return s;
      // Conflicting writers back off for a random while, growing, so they stop colliding.
      thread_local std::mt19937 rng(std::random_device{}());
      int max_us = 500 << std::min(attempt, 7);
      ScopedBlocking blocking;
      std::this_thread::sleep_for(std::chrono::microseconds(
          std::uniform_int_distribution<int>(max_us / 4, max_us)(rng)));
    }
  }

  void Close() override {
    std::unique_lock lock(mu_);
    if (closed_) return;
    closed_ = true;
    free_cv_.notify_all();
    // Wait for connections in use to come back before closing them.
    returned_cv_.wait(lock, [&] { return in_use_ == 0; });
    idle_.clear();
    open_ = 0;
  }

 private:
  struct Lease {
    std::unique_ptr<PgConn> conn;
  };

  Result<Lease> Acquire() {
    std::unique_lock lock(mu_);
    for (;;) {
      if (closed_) return Unavailable("database is closed");
      if (!idle_.empty()) {
        Lease lease{std::move(idle_.back())};
        idle_.pop_back();
        ++in_use_;
        ++t_held;
        return lease;
      }
      if (open_ < max_ || t_held > 0) break;
      ScopedBlocking blocking;
      free_cv_.wait(lock);
    }
    ++open_;
    ++in_use_;
    lock.unlock();
    auto conn = Connect(url_);
    if (!conn.ok()) {
      lock.lock();
      --open_;
      --in_use_;
      free_cv_.notify_one();
      if (closed_) returned_cv_.notify_all();
      return conn.status();
    }
    ++t_held;
    return Lease{std::move(conn).value()};
  }

  void Release(Lease lease) {
    --t_held;
    std::unique_ptr<PgConn> drop;  // closed outside the lock
    {
      std::lock_guard lock(mu_);
      --in_use_;
      if (lease.conn->broken() || open_ > max_ || closed_) {
        drop = std::move(lease.conn);
        --open_;
      } else {
        idle_.push_back(std::move(lease.conn));
      }
      if (closed_) returned_cv_.notify_all();
    }
    // One connection came free: wake one waiter (waking all would have them fight for it).
    free_cv_.notify_one();
  }

  void DropIdle() {
    std::vector<std::unique_ptr<PgConn>> drop;
    {
      std::lock_guard lock(mu_);
      drop.swap(idle_);
      open_ -= static_cast<int>(drop.size());
    }
    free_cv_.notify_all();
  }

  const std::string url_;
  const int max_;
  std::mutex mu_;
  std::condition_variable free_cv_;      // a connection is idle or may be opened
  std::condition_variable returned_cv_;  // Close() waits on it for connections in use
  std::vector<std::unique_ptr<PgConn>> idle_;  // guarded by mu_
  int open_ = 0;                               // idle + in use, guarded by mu_
  int in_use_ = 0;                             // guarded by mu_
  bool closed_ = false;                        // guarded by mu_
};

}  // namespace

Result<std::unique_ptr<Database>> OpenPostgres(const OpenOptions& options) {
  RALLY_ASSIGN_OR_RETURN(auto first, Connect(options.url));
  return std::unique_ptr<Database>(
      new PgDatabase(options.url, std::max(1, options.read_connections), std::move(first)));
}

Status ExecPostgresCommand(std::string_view url, std::string_view sql) {
  RALLY_ASSIGN_OR_RETURN(auto conn, Connect(std::string(url)));
  return conn->ExecScript(sql);
}

std::string PostgresUrlWithDatabase(std::string_view url, std::string_view database) {
  size_t scheme = url.find("://");
  size_t start = scheme == std::string_view::npos ? 0 : scheme + 3;
  size_t path = url.find_first_of("/?", start);
  if (path == std::string_view::npos) return std::string(url) + "/" + std::string(database);
  size_t query = url.find('?', path);
  std::string out(url.substr(0, path));
  out += "/";
  out += database;
  if (query != std::string_view::npos) out += url.substr(query);
  return out;
}

}  // namespace rally::storage
