// WorkerPool: the threads that run handlers, apart from the I/O threads. Private to http/.
//
// Why not boost::asio::thread_pool: it wakes an idle thread for every task, and with 32 idle
// workers there always is one, so each request paid a futex wake-up and two context switches
// (measured: 2-3x the CPU per request of running the handler inline, on 2 cores). Spinning
// workers did not help: on 2 cores a spinner takes the CPU an I/O thread needs.
//
// Instead the pool keeps about as many workers running as there are cores:
//  - Post() wakes a worker when none is running, or when fewer than `target` run and more than
//    one task waits;
//  - a running worker takes task after task and sleeps when the queue is empty, or when more
//    than `target` workers run (some came back from blocking);
//  - a worker that announces it is about to wait (base/blocking.h: storage does, around a group
//    commit or a free connection) stops counting as running, and another is woken if tasks
//    wait. So 64 concurrent writes reach the group commit together instead of one per stall
//    period, while CPU-bound reads keep only `target` workers switching;
//  - for waits nobody announces, a monitor thread wakes one more worker whenever tasks wait and
//    no worker has taken one for kStallTime (checked every kMonitorPeriod while workers are
//    awake). This counts progress, not queueing time: on a saturated CPU tasks queue for
//    milliseconds while workers are busy, and waking more workers then only adds switches.
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
  // `threads` workers at most; `target` (0: the number of cores) kept running when tasks wait.
  explicit WorkerPool(int threads, int target = 0);
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

  class Observer;
  void Enqueue(std::unique_ptr<Task> task);
  void OnBlock();
  void OnUnblock();
  void WorkerLoop();
  void MonitorLoop();
  // REQUIRES: mu_ held. Grants one sleeping worker a wake-up when the rules above say so;
  // returns whether it did (the caller notifies worker_cv_ after unlocking).
  bool MaybeWakeLocked(Clock::time_point now, bool stall_check);

  std::mutex mu_;
  std::condition_variable worker_cv_;
  std::condition_variable monitor_cv_;
  // All guarded by mu_.
  std::deque<std::unique_ptr<Task>> queue_;
  int running_ = 0;      // workers awake and not inside a ScopedBlocking
  int awake_ = 0;        // workers not asleep (running, blocked, or about to look for a task)
  int sleeping_ = 0;     // workers waiting on worker_cv_
  Clock::time_point last_take_;  // when a worker last took a task from the queue
  int wake_tokens_ = 0;  // wake-ups granted but not yet taken by a sleeper
  bool monitor_sleeping_ = false;
  bool stop_ = false;

  const int target_;
  std::vector<std::thread> threads_;
  std::thread monitor_;
  bool joined_ = false;  // touched only by Join()'s caller
};

}  // namespace rally::http::internal
