// WorkerPool: the threads that run handlers, apart from the I/O threads. Private to http/.
//
// Why not boost::asio::thread_pool: it wakes an idle thread for every task, and with 32 idle
// workers there always is one, so each request paid a futex wake-up and two context switches
// (measured: 2-3x the CPU per request of running the handler inline, on 2 cores). Spinning
// workers did not help: on 2 cores a spinner takes the CPU an I/O thread needs.
//
// Instead the pool keeps as few workers awake as keep the queue moving:
//  - Post() wakes a worker only when none is awake, or when the oldest queued task has waited
//    longer than kStallTime (the awake workers are blocked or busy: add one);
//  - an awake worker takes task after task and sleeps only when the queue is empty;
//  - a monitor thread applies the same stall rule every kMonitorPeriod while workers are awake,
//    so tasks queued behind a worker blocked on the database do not wait for the next Post().
// Under load a few workers drain the queue in batches without sleeping; when handlers block
// (database writes waiting for their group commit) the stall rule brings in more workers, up to
// the thread count.
//
// Thread safety: Post() from any thread; Join() from a thread that is not a worker.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace rally::http::internal {

class WorkerPool {
 public:
  explicit WorkerPool(int threads);
  ~WorkerPool();  // Join()s
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `fn` (a move-only callable taking no arguments) to run on a worker.
  template <typename Fn>
  void Post(Fn fn) {
    Enqueue(std::make_unique<TaskImpl<Fn>>(std::move(fn)));
  }

  // Runs every task already queued, then stops and joins the threads. Idempotent.
  void Join();

  static constexpr std::chrono::microseconds kStallTime{200};
  static constexpr std::chrono::microseconds kMonitorPeriod{1000};

 private:
  using Clock = std::chrono::steady_clock;
  struct Task {
    virtual ~Task() = default;
    virtual void Run() = 0;
    Clock::time_point queued_at;
  };
  template <typename Fn>
  struct TaskImpl final : Task {
    explicit TaskImpl(Fn f) : fn(std::move(f)) {}
    void Run() override { fn(); }
    Fn fn;
  };

  void Enqueue(std::unique_ptr<Task> task);
  void WorkerLoop();
  void MonitorLoop();
  // REQUIRES: mu_ held. Wakes one sleeping worker when the stall rule (or none awake) says so.
  // Returns whether it did.
  bool MaybeWakeLocked(Clock::time_point now);

  std::mutex mu_;
  std::condition_variable worker_cv_;
  std::condition_variable monitor_cv_;
  // All guarded by mu_.
  std::deque<std::unique_ptr<Task>> queue_;
  int awake_ = 0;        // workers not asleep (running a task, or about to look for one)
  int sleeping_ = 0;     // workers waiting on worker_cv_
  int wake_tokens_ = 0;  // wake-ups granted but not yet taken by a sleeper
  bool monitor_sleeping_ = false;
  bool stop_ = false;

  std::vector<std::thread> threads_;
  std::thread monitor_;
  bool joined_ = false;  // touched only by Join()'s caller
};

}  // namespace rally::http::internal
