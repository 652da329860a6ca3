// The storage interface: every module reaches the database through these types, never through
// a backend header. Two backends implement it: SQLite (embedded, the default) and PostgreSQL
// (libpq). Open() picks one from a URL.
//
// SQL written against this interface uses `?` for parameters (the PostgreSQL backend rewrites
// them to $1..$n) and the portable subset both dialects share; what differs lives in
// storage/dialect.h and nowhere else.
//
// Thread safety: a Database is safe to use from any number of threads. A Connection (and so a
// Transaction) belongs to the one thread running the callback it was handed to, and must not
// escape that callback.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/result.h"

namespace rally::storage {

enum class Dialect { kSqlite, kPostgres };

// A bound parameter. Booleans are bound as integers 0/1 on both backends.
using Value = std::variant<std::monostate, int64_t, double, std::string>;
inline Value Null() { return std::monostate{}; }
template <typename T>
Value Opt(const std::optional<T>& v) {
  if (!v) return std::monostate{};
  return Value(*v);
}
using Params = std::span<const Value>;

// One row of a result, valid only inside the row callback that received it.
class Row {
 public:
  virtual ~Row() = default;
  virtual int ColumnCount() const = 0;
  virtual bool IsNull(int col) const = 0;
  virtual int64_t Int(int col) const = 0;  // 0 for NULL
  virtual double Real(int col) const = 0;  // 0 for NULL
  // The text of the column; the view is valid until the callback returns. "" for NULL.
  virtual std::string_view Text(int col) const = 0;

  std::optional<int64_t> OptInt(int col) const {
    return IsNull(col) ? std::nullopt : std::optional<int64_t>(Int(col));
  }
  std::optional<std::string> OptText(int col) const {
    return IsNull(col) ? std::nullopt : std::optional<std::string>(std::string(Text(col)));
  }
};

// Called once per row; return false to stop early.
using RowFn = std::function<bool(const Row&)>;

// One session on the database. Statements are prepared once per connection and cached by their
// SQL text, so callers pass the same SQL string and need not manage statements.
class Connection {
 public:
  virtual ~Connection() = default;
  virtual Dialect dialect() const = 0;

  // Runs a script of one or more statements without parameters (migrations, pragmas).
  virtual Status ExecScript(std::string_view script) = 0;

  // Runs one statement; returns the number of rows it changed.
  // Errors: kAlreadyExists for a unique-constraint violation (message names the constraint),
  // kFailedPrecondition for other constraint violations, kUnavailable when the database is
  // unreachable or busy past its timeout, kInternal otherwise.
  virtual Result<int64_t> Execute(std::string_view sql, Params params = {}) = 0;

  // Runs one statement and streams its rows to `fn`. Errors as Execute.
  virtual Status Query(std::string_view sql, Params params, const RowFn& fn) = 0;

  // Query for one statement that reads a large result (an export of every contact): `fn` gets
  // rows while the database still produces them, never the whole result at once. SQLite's
  // Query already steps row by row; PostgreSQL's delivers a result once complete, so there the
  // statement runs unprepared in libpq's single-row mode, without JIT compilation (which
  // delays the first row). When `fn` stops early the statement is canceled, and on PostgreSQL
  // the transaction with it: end the Read after that.
  virtual Status QueryStream(std::string_view sql, Params params, const RowFn& fn) {
    return Query(sql, params, fn);
  }

  // Conveniences over Query.
  Result<int64_t> Execute(std::string_view sql, std::initializer_list<Value> params) {
    return Execute(sql, Params(params.begin(), params.size()));
  }
  Status Query(std::string_view sql, std::initializer_list<Value> params, const RowFn& fn) {
    return Query(sql, Params(params.begin(), params.size()), fn);
  }
  // The first column of the first row, or nullopt when there is no row or it is NULL.
  Result<std::optional<int64_t>> QueryInt(std::string_view sql, Params params = {});
  Result<std::optional<int64_t>> QueryInt(std::string_view sql,
                                          std::initializer_list<Value> params) {
    return QueryInt(sql, Params(params.begin(), params.size()));
  }
  Result<std::optional<std::string>> QueryText(std::string_view sql, Params params = {});
};

// A connection inside a write transaction. Hooks registered with AfterCommit run, in order,
// after the transaction commits (never when it rolls back), on the committing thread.
class Transaction : public Connection {
 public:
  virtual void AfterCommit(std::function<void()> hook) = 0;
};

using ReadFn = std::function<Status(Connection&)>;
using WriteFn = std::function<Status(Transaction&)>;

// The transactions that hold one bulk writer's deferred writes (Database::WriteDeferred), so
// that it can learn later whether they committed.
struct CommitTicket {
  uint64_t first = 0;  // the first transaction; 0 before the first deferred write
  uint64_t last = 0;   // the latest
};

class Database {
 public:
  virtual ~Database() = default;
  virtual Dialect dialect() const = 0;

  // Runs `fn` on a connection that sees one consistent snapshot for the duration of fn.
  // Returns fn's status, or kUnavailable when no connection could be had.
  virtual Status Read(const ReadFn& fn) = 0;

  // Runs `fn` in a write transaction. If fn returns an error, all its writes are undone and the
  // error returned. Concurrent calls may be coalesced into one database transaction (group
  // commit, SQLite) with each fn isolated in its own savepoint, so one failing fn never undoes
  // another's writes. Returns OK only once fn's writes are committed.
  // REQUIRES: not called from inside another Write's fn (that would deadlock on SQLite).
  virtual Status Write(const WriteFn& fn) = 0;

  // Write for a bulk writer whose writes follow one another (an import's batches): runs `fn`
  // the same way but returns once fn has run, leaving its transaction open for the next write,
  // so that many share one commit. SQLite writes every page a transaction changed once per
  // commit, so a million-contact import commits a third of the pages it did with a commit per
  // 1,000 rows (docs/decisions/0021-deferred-commits-for-bulk-writes.md). The transaction
  // commits at the next Write, a second after it began at the latest, or when no write follows
  // for a moment (OpenOptions::max_deferral, deferral_idle). Until then fn's writes are invisible
  // to readers and a crash undoes them (with the caller's own writes in the same transactions, such
  // as its checkpoint), and fn's AfterCommit hooks wait for that commit (then run on a thread of
  // the database's). `ticket` records the transaction. Once a commit of the ticket's has failed,
  // WriteDeferred refuses to run with that ticket again and returns the failure. Backends that
  // commit every write on its own (PostgreSQL) just Write.
  virtual Status WriteDeferred(const WriteFn& fn, CommitTicket& ticket) {
    (void)ticket;
    return Write(fn);
  }

  // WriteDeferred with `*ticket` when there is one, else Write: for callers that defer only
  // when their own caller asks them to.
  Status WriteMaybeDeferred(const WriteFn& fn, CommitTicket* ticket) {
    return ticket ? WriteDeferred(fn, *ticket) : Write(fn);
  }

  // Commits the open transaction of deferred writes, if any, and reports how the ticket's
  // transactions ended: OK when they all committed, else the first failure (their deferred
  // writes are undone). Their AfterCommit hooks have run when it returns, so a bulk writer
  // calls it before it returns itself, even after an error.
  virtual Status WaitCommitted(const CommitTicket& ticket) {
    (void)ticket;
    return Status::Ok();
  }

  // Finishes queued writes, then closes every connection. Later calls fail with kUnavailable.
  virtual void Close() = 0;
};

struct OpenOptions {
  // "sqlite:./data/rally.db", a bare path (SQLite), or "postgres://user@host:port/db".
  std::string url;
  int read_connections = 4;     // SQLite reader pool; PostgreSQL pool size
  int busy_timeout_ms = 5000;   // SQLite
  int64_t cache_bytes = 64 << 20;
  // SQLite: how long a transaction of deferred writes (Database::WriteDeferred) waits for the
  // next write before it commits, and how old it may grow (decision 0021).
  std::chrono::milliseconds deferral_idle{100};
  std::chrono::milliseconds max_deferral{1000};
};

// Opens (creating, for SQLite, the file and its folder) a database.
// Errors: kInvalidArgument for a URL of no known backend, kUnavailable when the database cannot
// be opened or reached.
Result<std::unique_ptr<Database>> Open(const OpenOptions& options);

}  // namespace rally::storage
