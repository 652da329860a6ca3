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

// Maps a failed result (or, without one, the connection's error) to a Status.
Status PgError(PGconn* conn, const PGresult* res, std::string_view what) {
  std::string msg = TrimMessage(res ? PQresultErrorMessage(res) : PQerrorMessage(conn));
  if (msg.empty()) msg = TrimMessage(PQerrorMessage(conn));
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
class PgConn final : public Connection {
 public:
  explicit PgConn(PGconn* conn) : conn_(conn) {}
  ~PgConn() override { PQfinish(conn_); }

  Dialect dialect() const override { return Dialect::kPostgres; }

  Status ExecScript(std::string_view script) override {
    ResultPtr res = Wrap(nullptr);
    {
      ScopedBlocking blocking;
      res = Wrap(PQexec(conn_, std::string(script).c_str()));
    }
    ExecStatusType st = PQresultStatus(res.get());
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY) {
      return Status::Ok();
    }
    return Failed(res.get(), "script");
  }

  Result<int64_t> Execute(std::string_view sql, Params params) override {
    int64_t changed = 0;
    RALLY_RETURN_IF_ERROR(Run(sql, params, nullptr, &changed));
    return changed;
  }

  Status Query(std::string_view sql, Params params, const RowFn& fn) override {
    return Run(sql, params, &fn, nullptr);
  }

  // Transaction control (BEGIN, COMMIT, ...). `*command` receives the server's command tag.
  Status Control(const char* sql, std::string* command = nullptr) {
    ResultPtr res = Wrap(nullptr);
    {
      ScopedBlocking blocking;
      res = Wrap(PQexec(conn_, sql));
    }
    if (PQresultStatus(res.get()) != PGRES_COMMAND_OK) return Failed(res.get(), sql);
    if (command) *command = PQcmdStatus(res.get());
    return Status::Ok();
  }

  bool broken() const { return PQstatus(conn_) == CONNECTION_BAD; }

  // The SQLSTATE of the first statement that failed since the last ResetTxState, if any.
  const std::string& failed_state() const { return failed_state_; }
  const Status& failed_status() const { return failed_status_; }
  void ResetTxState() {
    failed_state_.clear();
    failed_status_ = Status::Ok();
  }

 private:
  Status Failed(const PGresult* res, std::string_view what) {
    Status s = PgError(conn_, res, what);
    if (failed_status_.ok()) {
      const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
      failed_state_ = state ? state : (broken() ? "08006" : "XX000");
      failed_status_ = s;
    }
    return s;
  }

  // The name of the prepared statement for `sql`, preparing it on first use.
  Result<const std::string*> Prepare(std::string_view sql, size_t nparams) {
    auto it = cache_.find(sql);
    if (it != cache_.end()) return &it->second.name;
    if (cache_.size() >= kMaxCachedStatements) {
      // Rare (dynamic SQL with many shapes): start over rather than track recency.
      RALLY_RETURN_IF_ERROR(Control("DEALLOCATE ALL"));
      cache_.clear();
    }
    std::string name = "r" + std::to_string(++statement_counter_);
    std::string text = RewritePlaceholdersForPostgres(sql);
    ResultPtr res = Wrap(nullptr);
    {
      ScopedBlocking blocking;
      res = Wrap(PQprepare(conn_, name.c_str(), text.c_str(), 0, nullptr));
    }
    if (PQresultStatus(res.get()) != PGRES_COMMAND_OK) return Failed(res.get(), "prepare");
    {
      ScopedBlocking blocking;
      res = Wrap(PQdescribePrepared(conn_, name.c_str()));
    }
    if (PQresultStatus(res.get()) != PGRES_COMMAND_OK) return Failed(res.get(), "describe");
    int expected = PQnparams(res.get());
    auto [pos, inserted] = cache_.emplace(std::string(sql), Prepared{std::move(name), expected});
    (void)inserted;
    if (static_cast<size_t>(expected) != nparams) {
      return Internal("statement takes " + std::to_string(expected) + " parameters, got " +
                      std::to_string(nparams));
    }
    return &pos->second.name;
  }

  Status Run(std::string_view sql, Params params, const RowFn* fn, int64_t* changed) {
    auto it = cache_.find(sql);
    if (it != cache_.end() && static_cast<size_t>(it->second.params) != params.size()) {
      return Internal("statement takes " + std::to_string(it->second.params) +
                      " parameters, got " + std::to_string(params.size()));
    }
    RALLY_ASSIGN_OR_RETURN(const std::string* name, Prepare(sql, params.size()));
    RALLY_RETURN_IF_ERROR(text_params_.Set(params));
    ResultPtr res = Wrap(nullptr);
    {
      ScopedBlocking blocking;
      res = Wrap(PQexecPrepared(conn_, name->c_str(), static_cast<int>(params.size()),
                                text_params_.values(), nullptr, nullptr, 0));
    }
    ExecStatusType st = PQresultStatus(res.get());
    if (st == PGRES_TUPLES_OK) {
      if (fn) {
        PgRow row(res.get());
        int n = PQntuples(res.get());
        for (int i = 0; i < n; ++i) {
          row.set_row(i);
          if (!(*fn)(row)) break;
        }
      }
      if (changed) *changed = std::strtoll(PQcmdTuples(res.get()), nullptr, 10);
      return Status::Ok();
    }
    if (st == PGRES_COMMAND_OK) {
      if (changed) *changed = std::strtoll(PQcmdTuples(res.get()), nullptr, 10);
      return Status::Ok();
    }
    return Failed(res.get(), "query");
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
  std::string failed_state_;
  Status failed_status_;
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
                          "-c default_transaction_isolation=serializable -c TimeZone=UTC",
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
    RALLY_ASSIGN_OR_RETURN(Lease lease, Begin("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
    Status s;
    try {
      s = fn(*lease.conn);
    } catch (...) {
      lease.conn->Control("ROLLBACK").IgnoreError();
      Release(std::move(lease));
      throw;
    }
    lease.conn->Control("ROLLBACK").IgnoreError();  // read only: nothing to keep
    Release(std::move(lease));
    return s;
  }

  Status Write(const WriteFn& fn) override {
    if (t_in_write) return Internal("nested Database::Write");
    t_in_write = true;
    struct Reset {
      ~Reset() { t_in_write = false; }
    } reset;
    std::mt19937 rng(std::random_device{}());
    for (int attempt = 1;; ++attempt) {
      RALLY_ASSIGN_OR_RETURN(Lease lease, Begin("BEGIN"));
      PgTx tx(*lease.conn);
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
        s = lease.conn->Control("COMMIT", &tag);
        if (s.ok() && tag != "COMMIT") {
          // The server answers COMMIT with ROLLBACK when a statement failed earlier in the
          // transaction and the closure carried on regardless.
          s = lease.conn->failed_status().ok()
                  ? Internal("transaction was rolled back by the server")
                  : lease.conn->failed_status();
        }
      } else {
        lease.conn->Control("ROLLBACK").IgnoreError();
      }
      bool retry = !s.ok() && IsRetryableState(lease.conn->failed_state()) &&
                   attempt < kMaxWriteAttempts;
      std::vector<std::function<void()>> hooks = tx.TakeHooks();
      Release(std::move(lease));
      if (s.ok()) {
        for (auto& hook : hooks) hook();
        return s;
      }
      if (!retry) return s;
      // Conflicting writers back off for a random while, growing, so they stop colliding.
      int max_us = 500 << std::min(attempt, 7);
      std::this_thread::sleep_for(std::chrono::microseconds(
          std::uniform_int_distribution<int>(max_us / 4, max_us)(rng)));
    }
  }

  void Close() override {
    std::unique_lock lock(mu_);
    if (closed_) return;
    closed_ = true;
    cv_.notify_all();
    // Wait for connections in use to come back before closing them.
    cv_.wait(lock, [&] { return in_use_ == 0; });
    idle_.clear();
    open_ = 0;
  }

 private:
  struct Lease {
    std::unique_ptr<PgConn> conn;
  };

  // A connection inside a transaction opened with `begin`. A pooled connection found broken
  // (the server restarted since it was last used) is replaced once, as is every other idle one:
  // nothing ran on it yet, so nothing is lost by trying again.
  Result<Lease> Begin(const char* begin) {
    for (int attempt = 0;; ++attempt) {
      RALLY_ASSIGN_OR_RETURN(Lease lease, Acquire());
      lease.conn->ResetTxState();
      Status s = lease.conn->Control(begin);
      if (s.ok()) {
        lease.conn->ResetTxState();
        return lease;
      }
      bool broken = lease.conn->broken();
      Release(std::move(lease));
      if (!broken || attempt > 0) return s;
      DropIdle();
    }
  }

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
      cv_.wait(lock);
    }
    ++open_;
    ++in_use_;
    lock.unlock();
    auto conn = Connect(url_);
    if (!conn.ok()) {
      lock.lock();
      --open_;
      --in_use_;
      cv_.notify_all();
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
    }
    cv_.notify_all();
  }

  void DropIdle() {
    std::vector<std::unique_ptr<PgConn>> drop;
    {
      std::lock_guard lock(mu_);
      drop.swap(idle_);
      open_ -= static_cast<int>(drop.size());
    }
    cv_.notify_all();
  }

  const std::string url_;
  const int max_;
  std::mutex mu_;
  std::condition_variable cv_;
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
