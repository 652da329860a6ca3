#include "storage/sqlite/sqlite_database.h"

#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>

#if defined(__linux__)
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include "base/blocking.h"
#include "base/log.h"
#include "base/task_thread.h"
#include "base/thread_name.h"
#include "storage/dialect.h"

namespace rally::storage {
namespace {

constexpr size_t kMaxGroup = 512;  // write requests committed together at most
// WAL pages not yet in the database from which the checkpointer thread copies them back (SQLite's
// own automatic checkpoint starts at 1000 pages too, but on the committing thread). (4000 pages
// cost the checkpointer about a quarter less CPU per single create in bench/api, as hot pages
// are copied once per checkpoint, but let the WAL outgrow tests/storage's 20 MB bound on a busy
// machine; 2000 still failed it now and then.)
constexpr int kCheckpointPages = 1000;
// After a background round, the writer copies the frames committed meanwhile itself when no write
// waits and they are at most this many (or writes come one at a time), so that the WAL can start
// over (WalHook).
constexpr int kTailCheckpointPages = 200;
// ... and, when writes come one at a time, once the WAL holds this many pages (8 MB) whatever the
// tail.
constexpr int kLoneWriterWalPages = 2048;
// Failed commits of deferred writes remembered for WriteDeferred and WaitCommitted.
constexpr size_t kFailedCommitsKept = 16;
// WAL size (pages, 4 KB each: 256 MB) from which the writer copies the tail anyway: under writes
// that never pause, the one pause per this many pages that bounds the WAL. The file keeps its
// high-water size, as SQLite's does by default: overwriting it is cheaper than appending (each
// append changes the file's size), and a journal_size_limit of 64 MB, which cut it back at each
// restart, made POST p99 73-78 ms instead of 18-21 ms in bench/api.
constexpr int kMaxWalPages = 65536;

Status SqliteError(sqlite3* db, int rc, std::string_view what) {
  std::string msg = std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  int primary = rc & 0xff;
  if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
    return Status(StatusCode::kAlreadyExists, msg);
  if (primary == SQLITE_CONSTRAINT) return Status(StatusCode::kFailedPrecondition, msg);
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED || primary == SQLITE_CANTOPEN ||
      primary == SQLITE_IOERR || primary == SQLITE_FULL)
    return Status(StatusCode::kUnavailable, msg);
  return Status(StatusCode::kInternal, msg);
}

class SqliteRow final : public Row {
 public:
  explicit SqliteRow(sqlite3_stmt* stmt) : stmt_(stmt) {}
  int ColumnCount() const override { return sqlite3_column_count(stmt_); }
  bool IsNull(int col) const override { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  int64_t Int(int col) const override { return sqlite3_column_int64(stmt_, col); }
  double Real(int col) const override { return sqlite3_column_double(stmt_, col); }
  std::string_view Text(int col) const override {
    const unsigned char* p = sqlite3_column_text(stmt_, col);
    if (!p) return {};
    return {reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(stmt_, col))};
  }

 private:
  sqlite3_stmt* stmt_;
};

// One sqlite3 handle with its statement cache. Not thread-safe.
class SqliteConn final : public Connection {
 public:
  explicit SqliteConn(sqlite3* db) : db_(db) {}
  ~SqliteConn() override {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }

  Dialect dialect() const override { return Dialect::kSqlite; }

  Status ExecScript(std::string_view script) override {
    std::string s(script);
    char* err = nullptr;
    int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
      std::string msg = err ? err : sqlite3_errstr(rc);
      sqlite3_free(err);
      Status st = SqliteError(nullptr, rc, "script");
      return Status(st.code(), "script: " + msg);
    }
    return Status::Ok();
  }

  Result<int64_t> Execute(std::string_view sql, Params params) override {
    Status s = Run(sql, params, nullptr);
    if (!s.ok()) return s;
    return static_cast<int64_t>(sqlite3_changes64(db_));
  }

  Status Query(std::string_view sql, Params params, const RowFn& fn) override {
    return Run(sql, params, &fn);
  }

  // One cached statement without parameters or rows (BEGIN, SAVEPOINT, COMMIT, ...): unlike
  // ExecScript it is parsed once per connection, not on every call.
  Status Exec(std::string_view sql) { return Run(sql, Params(), nullptr); }

  sqlite3* handle() { return db_; }

 private:
  Result<sqlite3_stmt*> Prepare(std::string_view sql) {
    auto it = cache_.find(sql);  // no std::string built per statement run
    if (it != cache_.end()) return it->second;
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return SqliteError(db_, rc, "prepare");
    cache_.emplace(std::string(sql), stmt);
    return stmt;
  }

  Status Bind(sqlite3_stmt* stmt, Params params) {
    if (static_cast<int>(params.size()) != sqlite3_bind_parameter_count(stmt)) {
      return Internal("statement takes " + std::to_string(sqlite3_bind_parameter_count(stmt)) +
                      " parameters, got " + std::to_string(params.size()));
    }
    for (size_t i = 0; i < params.size(); ++i) {
      int idx = static_cast<int>(i) + 1;
      int rc = std::visit(
          [&](const auto& v) -> int {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::monostate>) return sqlite3_bind_null(stmt, idx);
            else if constexpr (std::is_same_v<T, int64_t>) return sqlite3_bind_int64(stmt, idx, v);
            else if constexpr (std::is_same_v<T, double>) return sqlite3_bind_double(stmt, idx, v);
            else
              return sqlite3_bind_text64(stmt, idx, v.data(), v.size(), SQLITE_STATIC, SQLITE_UTF8);
          },
          params[i]);
      if (rc != SQLITE_OK) return SqliteError(db_, rc, "bind");
    }
    return Status::Ok();
  }

  Status Run(std::string_view sql, Params params, const RowFn* fn) {
    RALLY_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql));
    struct Reset {
      sqlite3_stmt* s;
      ~Reset() {
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
      }
    } reset{stmt};
    RALLY_RETURN_IF_ERROR(Bind(stmt, params));
    SqliteRow row(stmt);
    for (;;) {
      int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) return Status::Ok();
      if (rc != SQLITE_ROW) return SqliteError(db_, rc, "step");
      if (fn && !(*fn)(row)) return Status::Ok();
    }
  }

  struct SqlHash {
    using is_transparent = void;
    size_t operator()(std::string_view sql) const { return std::hash<std::string_view>{}(sql); }
  };

  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*, SqlHash, std::equal_to<>> cache_;
};

class SqliteTx final : public Transaction {
 public:
  explicit SqliteTx(SqliteConn& conn) : conn_(conn) {}
  Dialect dialect() const override { return Dialect::kSqlite; }
  Status ExecScript(std::string_view s) override { return conn_.ExecScript(s); }
  Result<int64_t> Execute(std::string_view sql, Params p) override { return conn_.Execute(sql, p); }
  Status Query(std::string_view sql, Params p, const RowFn& fn) override {
    return conn_.Query(sql, p, fn);
  }
  void AfterCommit(std::function<void()> hook) override { hooks_.push_back(std::move(hook)); }
  std::vector<std::function<void()>> TakeHooks() { return std::move(hooks_); }

 private:
  SqliteConn& conn_;
  std::vector<std::function<void()>> hooks_;
};

// A one-shot flag's wait and wake, straight on the futex. std::atomic::wait (libstdc++ 12)
// first spins and calls sched_yield four times; with dozens of callers waiting for a group
// commit on 2 busy cores those yields were 6% of the server's CPU per create (perf), all
// context switches that gave the writer nothing.
static_assert(std::atomic<uint32_t>::is_always_lock_free &&
              sizeof(std::atomic<uint32_t>) == sizeof(uint32_t));
#if defined(__linux__)
void SleepWhileZero(std::atomic<uint32_t>& flag) {
  while (flag.load(std::memory_order_acquire) == 0) {
    // Returns at once (EAGAIN) when the flag changed before the kernel looked.
    syscall(SYS_futex, reinterpret_cast<uint32_t*>(&flag), FUTEX_WAIT_PRIVATE, 0, nullptr,
            nullptr, 0);
  }
}
void WakeOne(std::atomic<uint32_t>& flag) {
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(&flag), FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr,
          0);
}
#else
void SleepWhileZero(std::atomic<uint32_t>& flag) { flag.wait(0, std::memory_order_acquire); }
void WakeOne(std::atomic<uint32_t>& flag) { flag.notify_one(); }
#endif

// One queued Write(), shared by its caller and the writer thread.
//
// Waking the callers of a committed group costs a futex wake each; done by the writer, that
// would hold up the next group. So the writer wakes only the group's first caller, and each
// woken caller wakes the next two (a binary tree: caller i wakes 2i+1 and 2i+2), in parallel
// and off the writer thread. Each task is shared (not on its caller's stack) because its waker
// still touches it after the caller may have returned.
struct WriteTask {
  WriteTask(const WriteFn* f, bool d) : fn(f), deferred(d) {}
  const WriteFn* fn;
  const bool deferred;                        // WriteDeferred
  Status result;                              // written by the writer before `done`
  uint64_t transaction = 0;                   // the transaction fn ran in (writer, before `done`)
  // Filled by the writer when fn succeeded; empty when the writer keeps them for a commit that
  // comes after `done` (a deferred write).
  std::vector<std::function<void()>> hooks;
  std::shared_ptr<WriteTask> wake[2];         // woken by this task's caller
  std::atomic<uint32_t> done{0};

  void Finish() {
    done.store(1, std::memory_order_release);
    WakeOne(done);
  }
  void Wait() {
    SleepWhileZero(done);
    for (auto& next : wake) {
      if (next) next->Finish();
      next.reset();
    }
  }
};

thread_local bool t_in_writer = false;

// Before SQLite's first use in the process: no global memory statistics, which Rally never
// reads and for which every sqlite3_malloc and free took a process-wide mutex (3% of the writer
// thread's samples under single creates). If SQLite is already initialized this is refused, and
// harmless.
void ConfigureSqliteOnce() {
  static std::once_flag once;
  std::call_once(once, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}

Result<std::unique_ptr<SqliteConn>> OpenConn(const std::string& path, const OpenOptions& o,
                                             bool writer) {
  ConfigureSqliteOnce();
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Status s = SqliteError(db, rc, "open " + path);
    sqlite3_close_v2(db);
    return Status(StatusCode::kUnavailable, s.message());
  }
  auto conn = std::make_unique<SqliteConn>(db);
  sqlite3_extended_result_codes(db, 1);
  // busy_timeout first, so the pragmas below wait for another process's lock instead of
  // failing (pocketbase core/db_connect.go does the same).
  sqlite3_busy_timeout(db, o.busy_timeout_ms);
  std::string pragmas =
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
      "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-" +
      std::to_string(o.cache_bytes / 1024) + ";";
  // Readers map the file (pages shared through the OS page cache instead of copied into each
  // connection's own cache).
  if (!writer) pragmas += "PRAGMA query_only=1; PRAGMA mmap_size=268435456;";
  RALLY_RETURN_IF_ERROR(conn->ExecScript(pragmas));
  return conn;
}

class SqliteDatabase final : public Database {
 public:
  // `checkpointer` may be null (no background checkpoints: SQLite's automatic ones stay).
  SqliteDatabase(std::unique_ptr<SqliteConn> writer, std::vector<std::unique_ptr<SqliteConn>> rs,
                 std::unique_ptr<SqliteConn> checkpointer, const OpenOptions& options)
      : writer_conn_(std::move(writer)),
        deferral_idle_(options.deferral_idle),
        max_deferral_(options.max_deferral),
        checkpoint_conn_(std::move(checkpointer)) {
    for (auto& r : rs) idle_readers_.push_back(r.get());
    readers_ = std::move(rs);
    if (checkpoint_conn_) {
      // Replaces SQLite's automatic checkpoint on the writer (sqlite3_wal_autocheckpoint is
      // itself a WAL hook).
      sqlite3_wal_hook(writer_conn_->handle(), &SqliteDatabase::WalHook, this);
      checkpoint_thread_ = std::thread([this] {
        SetThreadName("rally-ckpt");
        CheckpointLoop();
      });
    }
    hook_thread_ = std::make_unique<TaskThread>("rally-hooks");
    writer_thread_ = std::thread([this] {
      SetThreadName("rally-writer");
      WriterLoop();
    });
  }
  ~SqliteDatabase() override { Close(); }

  Dialect dialect() const override { return Dialect::kSqlite; }

  Status Read(const ReadFn& fn) override {
    SqliteConn* conn = nullptr;
    {
      std::unique_lock lock(read_mu_);
      // Not announced as blocking (base/blocking.h): readers are held only while their caller
      // computes, so waiting for one is waiting for CPU, and another worker would only queue
      // here too.
      read_cv_.wait(lock, [&] { return closed_ || !idle_readers_.empty(); });
      if (closed_) return Unavailable("database is closed");
      conn = idle_readers_.back();
      idle_readers_.pop_back();
    }
    // Through the statement cache: sqlite3_exec would parse BEGIN and ROLLBACK on every read.
    Status s = conn->Exec("BEGIN");
    if (s.ok()) {
      try {
        s = fn(*conn);
      } catch (...) {
        conn->Exec("ROLLBACK").IgnoreError();
        Release(conn);
        throw;
      }
      conn->Exec("ROLLBACK").IgnoreError();  // read-only: nothing to keep
    }
    Release(conn);
    return s;
  }

  Status Write(const WriteFn& fn) override { return Submit(fn, nullptr); }

  Status WriteDeferred(const WriteFn& fn, CommitTicket& ticket) override {
    return Submit(fn, &ticket);
  }

  Status WaitCommitted(const CommitTicket& ticket) override {
    if (ticket.first == 0) return Status::Ok();
    // An ordinary write never leaves the transaction open: it commits the deferred writes
    // before it, or fails with them.
    Status s = Write([](Transaction&) { return Status::Ok(); });
    // And the hooks of those commits have run (they are queued in commit order): the caller
    // may tear down what they use once this returns.
    if (s.ok()) s = hook_thread_->Submit([] { return Status::Ok(); }).get();
    std::lock_guard lock(write_mu_);
    Status failed = FailureSince(ticket);
    return failed.ok() ? s : failed;
  }

  void Close() override {
    {
      std::lock_guard lock(write_mu_);
      if (closed_) return;
      closed_ = true;
    }
    write_cv_.notify_all();
    if (writer_thread_.joinable()) writer_thread_.join();
    hook_thread_.reset();  // runs the hooks of the last commits first
    {
      std::lock_guard lock(checkpoint_mu_);
      checkpoint_stop_ = true;
    }
    checkpoint_cv_.notify_all();
    if (checkpoint_thread_.joinable()) checkpoint_thread_.join();
    checkpoint_conn_.reset();
    {
      // Wait for readers in use to come back before closing their handles.
      std::unique_lock lock(read_mu_);
      read_cv_.notify_all();
      read_cv_.wait(lock, [&] { return idle_readers_.size() == readers_.size(); });
    }
    readers_.clear();
    if (writer_conn_) {
      writer_conn_->ExecScript("PRAGMA optimize;").IgnoreError();
      writer_conn_.reset();
    }
  }

 private:
  // Queues `fn` for the writer thread and waits for it: for its commit, or, with a ticket
  // (WriteDeferred), only for it to have run.
  Status Submit(const WriteFn& fn, CommitTicket* ticket) {
    if (t_in_writer) return Internal("nested Database::Write");
    auto task = std::make_shared<WriteTask>(&fn, ticket != nullptr);
    {
      std::lock_guard lock(write_mu_);
      if (closed_) return Unavailable("database is closed");
      if (ticket) RALLY_RETURN_IF_ERROR(FailureSince(*ticket));
      queue_.push_back(task);
    }
    write_cv_.notify_one();
    {
      // Waiting for the group commit: let the pool run another request, which may join the
      // same group.
      ScopedBlocking blocking;
      task->Wait();
    }
    if (task->result.ok()) {
      for (auto& hook : task->hooks) hook();
      if (ticket) {
        if (ticket->first == 0) ticket->first = task->transaction;
        ticket->last = task->transaction;
      }
    }
    return std::move(task->result);
  }

  // The first failed commit, since the ticket's first transaction, of a transaction that held
  // deferred writes. (Of anyone's: a transaction can hold several bulk writers' writes.)
  // REQUIRES: write_mu_ held.
  Status FailureSince(const CommitTicket& ticket) const {
    if (ticket.first == 0) return Status::Ok();
    auto it = failed_commits_.lower_bound(ticket.first);
    return it == failed_commits_.end() ? Status::Ok() : it->second;
  }

  void Release(SqliteConn* conn) {
    {
      std::lock_guard lock(read_mu_);
      idle_readers_.push_back(conn);
      if (closed_) {
        read_cv_.notify_all();  // Close() waits for every reader to come back
        return;
      }
    }
    read_cv_.notify_one();
  }

  // Called by SQLite on the writer thread after each commit, with the WAL's size in pages.
  //
  // SQLite starts the WAL over from its first frame only in a write transaction that began when
  // every frame was in the database. Background rounds alone never get there under steady
  // writes (the writer appends while they copy): the WAL grew until the writer checkpointed at
  // every commit, a 70 MB WAL and 20 ms commits under bench/api's POSTs. So the checkpointer
  // copies the bulk, and the writer copies what was committed during the round when that is
  // little (or when the WAL reached kMaxWalPages), after which its next transaction restarts
  // the WAL. Copying means syncing the WAL first and the database after, a pause of a few ms
  // however small the tail: the writer takes it when no write is waiting and the tail is small
  // or the load light, and otherwise only once per kMaxWalPages.
  static int WalHook(void* self, sqlite3* db, const char* /*schema*/, int pages) {
    auto* d = static_cast<SqliteDatabase*>(self);
    {
      std::lock_guard lock(d->checkpoint_mu_);
      if (pages < d->wal_pages_) d->checkpoint_backfilled_ = 0;  // the WAL started over
      d->wal_pages_ = pages;
      // While a round runs, an inline checkpoint would only meet its lock (SQLITE_BUSY).
      if (d->checkpoint_wanted_ || d->checkpoint_running_) return SQLITE_OK;
      int pending = pages - d->checkpoint_backfilled_;
      bool finish = false;
      if (d->checkpoint_backfilled_ > 0) {  // right after a round
        // Writes that come one at a time (an import's batches, a single user) pause nobody
        // else; the tail is copied once per kLoneWriterWalPages, not after every round, as the
        // writer copying it is time taken from the writes while the checkpointer copies
        // alongside them. (Only here does the commit look at the write queue's lock.)
        bool lone = d->mean_group_size_ < 1.5 && pages >= kLoneWriterWalPages;
        finish = pages >= kMaxWalPages ||
                 ((lone || pending <= kTailCheckpointPages) && d->NoWriteWaiting());
      } else if (pending < kCheckpointPages) {
        return SQLITE_OK;
      }
      if (!finish) {
        // Right after a round the checkpointer chases the writer, so the tail shrinks.
        d->checkpoint_wanted_ = true;
        d->checkpoint_cv_.notify_one();
        return SQLITE_OK;
      }
      d->checkpoint_backfilled_ = 0;  // copied just below
    }
    sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    return SQLITE_OK;
  }

  bool NoWriteWaiting() {
    std::lock_guard lock(write_mu_);
    return queue_.empty();
  }

  // PASSIVE checkpoints on their own connection: they copy WAL frames into the database (and
  // sync both, as synchronous=NORMAL asks) while the writer goes on committing, instead of
  // stalling the writer, and so every waiting request, for the copy and the fsyncs.
  void CheckpointLoop() {
    std::unique_lock lock(checkpoint_mu_);
    for (;;) {
      checkpoint_cv_.wait(lock, [&] { return checkpoint_wanted_ || checkpoint_stop_; });
      if (checkpoint_stop_) return;
      checkpoint_wanted_ = false;
      checkpoint_running_ = true;
      lock.unlock();
      int copied = 0;
      int rc = sqlite3_wal_checkpoint_v2(checkpoint_conn_->handle(), nullptr,
                                         SQLITE_CHECKPOINT_PASSIVE, nullptr, &copied);
      if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
        log::Warn("background checkpoint failed: " + std::string(sqlite3_errstr(rc)));
      }
      lock.lock();
      checkpoint_running_ = false;
      checkpoint_backfilled_ = rc == SQLITE_OK ? copied : 0;
    }
  }

  void WriterLoop() {
    t_in_writer = true;
    std::vector<std::shared_ptr<WriteTask>> group;
    for (;;) {
      {
        std::unique_lock lock(write_mu_);
        if (open_) {
          // Deferred writes wait in their open transaction for the next write, a moment.
          auto until = std::min(last_deferred_ + deferral_idle_, opened_ + max_deferral_);
          write_cv_.wait_until(lock, until, [&] { return closed_ || !queue_.empty(); });
        } else {
          write_cv_.wait(lock, [&] { return closed_ || !queue_.empty(); });
          if (queue_.empty()) return;  // closed
        }
        while (!queue_.empty() && group.size() < kMaxGroup) {
          group.push_back(queue_.front());
          queue_.pop_front();
        }
      }
      if (group.empty()) {
        CommitOpen().IgnoreError();  // idle, old enough, or closing; logged, recorded
        continue;
      }
      RunGroup(group);
      group.clear();
    }
  }

  // Publishes each task's result, then wakes the first caller (WriteTask: the rest are woken
  // by the callers).
  static void FinishGroup(std::vector<std::shared_ptr<WriteTask>>& group) {
    for (size_t i = 0; i < group.size(); ++i) {
      for (size_t k = 0; k < 2; ++k) {
        size_t child = 2 * i + 1 + k;
        if (child < group.size()) group[i]->wake[k] = group[child];
      }
    }
    group[0]->Finish();
  }

  // Runs a group's writes in the open transaction (beginning one if none is), then commits,
  // unless every write of the group is deferred and the transaction young: then each write's
  // caller learns how its write ran, and the transaction stays open for the next (WriterLoop).
  void RunGroup(std::vector<std::shared_ptr<WriteTask>>& group) {
    SqliteConn& conn = *writer_conn_;
    if (!open_) {
      Status begin = conn.Exec("BEGIN IMMEDIATE");
      if (!begin.ok()) {
        for (auto& t : group) t->result = begin;
        FinishGroup(group);
        return;
      }
      open_ = true;
      ++transaction_;
      opened_ = std::chrono::steady_clock::now();
    }
    std::vector<Status> results;
    results.reserve(group.size());
    bool all_deferred = true;
    for (auto& t : group) {
      Status s = conn.Exec("SAVEPOINT w");
      SqliteTx tx(conn);
      if (s.ok()) {
        try {
          s = (*t->fn)(tx);
        } catch (const std::exception& e) {
          s = Internal(std::string("exception in write: ") + e.what());
        } catch (...) {
          s = Internal("unknown exception in write");
        }
      }
      if (s.ok()) {
        s = conn.Exec("RELEASE w");
        t->hooks = tx.TakeHooks();
      } else {
        conn.Exec("ROLLBACK TO w").IgnoreError();
        conn.Exec("RELEASE w").IgnoreError();
      }
      t->transaction = transaction_;
      all_deferred = all_deferred && t->deferred;
      holds_deferred_ = holds_deferred_ || (t->deferred && s.ok());
      results.push_back(std::move(s));
    }
    mean_group_size_ += (static_cast<double>(group.size()) - mean_group_size_) / 8;
    const auto now = std::chrono::steady_clock::now();
    if (all_deferred && !closed_ && now - opened_ < max_deferral_) {
      last_deferred_ = now;
      for (size_t i = 0; i < group.size(); ++i) {
        auto& hooks = group[i]->hooks;
        for (auto& h : hooks) deferred_hooks_.push_back(std::move(h));
        hooks.clear();
        group[i]->result = std::move(results[i]);
      }
      FinishGroup(group);
      return;
    }
    Status commit = CommitOpen();
    for (size_t i = 0; i < group.size(); ++i) {
      if (!commit.ok() && results[i].ok()) results[i] = commit;
      group[i]->result = std::move(results[i]);
    }
    FinishGroup(group);
  }

  // Commits the open transaction. The group's contacts go into the search index first, all at
  // once (migration 0008): in the same transaction, so no reader sees a contact before it is
  // searchable; outside every caller's savepoint, so FTS5 writes one segment per commit, not one
  // per caller. Deferred writes' hooks then run on hook_thread_; a failure is remembered for
  // their writers (FailureSince).
  Status CommitOpen() {
    if (!open_) return Status::Ok();
    SqliteConn& conn = *writer_conn_;
    Status commit = IndexSearchQueue(conn);
    if (commit.ok()) commit = conn.Exec("COMMIT");
    if (!commit.ok()) {
      conn.Exec("ROLLBACK").IgnoreError();
      log::Error("group commit failed: " + commit.ToString());
    }
    open_ = false;
    std::vector<std::function<void()>> hooks;
    hooks.swap(deferred_hooks_);
    if (holds_deferred_ && !commit.ok()) {
      std::lock_guard lock(write_mu_);
      failed_commits_.emplace(transaction_, commit);
      if (failed_commits_.size() > kFailedCommitsKept)
        failed_commits_.erase(failed_commits_.begin());
    }
    holds_deferred_ = false;
    if (commit.ok() && !hooks.empty()) {
      hook_thread_->Submit([hooks = std::move(hooks)] {
        for (const auto& h : hooks) h();
        return Status::Ok();
      });
    }
    return commit;
  }

  // IndexQueuedSearch once the schema has the queue (migration 0008): a database being
  // migrated from an older version commits without it until then.
  Status IndexSearchQueue(SqliteConn& conn) {
    if (!search_queue_exists_) {
      bool exists = false;
      RALLY_RETURN_IF_ERROR(conn.Query(
          "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'contact_search_queue'", {},
          [&](const Row&) {
            exists = true;
            return false;
          }));
      if (!exists) return Status::Ok();
      search_queue_exists_ = true;
    }
    SqliteTx tx(conn);
    return IndexQueuedSearch(tx);
  }

  std::unique_ptr<SqliteConn> writer_conn_;
  bool search_queue_exists_ = false;  // used only by the writer thread
  double mean_group_size_ = 1;        // moving average of writes per group (writer thread only)
  // A transaction of deferred writes commits when no write has come for deferral_idle_, or once
  // it is max_deferral_ old: at an import's pace, a commit per 20,000-30,000 rows rather than
  // one per 1,000-row batch (decision 0021).
  const std::chrono::milliseconds deferral_idle_, max_deferral_;
  // The writer thread's transaction (RunGroup, CommitOpen); only that thread uses these.
  bool open_ = false;
  uint64_t transaction_ = 0;  // numbers transactions from 1
  std::chrono::steady_clock::time_point opened_, last_deferred_;
  bool holds_deferred_ = false;                        // a deferred write succeeded in it
  std::vector<std::function<void()>> deferred_hooks_;  // theirs, for after the commit
  std::unique_ptr<TaskThread> hook_thread_;            // runs them, in commit order
  std::vector<std::unique_ptr<SqliteConn>> readers_;

  std::mutex read_mu_;
  std::condition_variable read_cv_;
  std::vector<SqliteConn*> idle_readers_;

  std::mutex write_mu_;
  std::condition_variable write_cv_;
  std::deque<std::shared_ptr<WriteTask>> queue_;
  std::map<uint64_t, Status> failed_commits_;  // transaction -> its commit's failure
  std::atomic<bool> closed_{false};
  std::thread writer_thread_;

  std::unique_ptr<SqliteConn> checkpoint_conn_;  // used only by checkpoint_thread_
  std::mutex checkpoint_mu_;
  std::condition_variable checkpoint_cv_;
  // All guarded by checkpoint_mu_.
  bool checkpoint_wanted_ = false;   // the writer asks for a background round
  bool checkpoint_running_ = false;  // a background round is copying
  int checkpoint_backfilled_ = 0;    // WAL frames in the database after the last background round
  int wal_pages_ = 0;                // the WAL's size at the last commit
  bool checkpoint_stop_ = false;
  std::thread checkpoint_thread_;
};

}  // namespace

Result<std::unique_ptr<Database>> OpenSqlite(const std::string& path, const OpenOptions& options) {
  std::error_code ec;
  std::filesystem::path p(path);
  if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path(), ec);
  RALLY_ASSIGN_OR_RETURN(auto writer, OpenConn(path, options, /*writer=*/true));
  std::vector<std::unique_ptr<SqliteConn>> readers;
  for (int i = 0; i < std::max(1, options.read_connections); ++i) {
    RALLY_ASSIGN_OR_RETURN(auto r, OpenConn(path, options, /*writer=*/false));
    readers.push_back(std::move(r));
  }
  // The checkpointer needs a file with a WAL; an in-memory database has neither.
  std::unique_ptr<SqliteConn> checkpointer;
  if (path != ":memory:" && path.rfind("file::memory:", 0) != 0) {
    RALLY_ASSIGN_OR_RETURN(checkpointer, OpenConn(path, options, /*writer=*/true));
  }
  return std::unique_ptr<Database>(
      new SqliteDatabase(std::move(writer), std::move(readers), std::move(checkpointer), options));
}

}  // namespace rally::storage
