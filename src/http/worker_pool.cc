#include "http/worker_pool.h"

#include <algorithm>

#include "base/blocking.h"
#include "base/thread_name.h"

namespace rally::http::internal {

class WorkerPool::Observer final : public BlockingObserver {
 public:
  explicit Observer(WorkerPool& pool) : pool_(pool) {}
  void OnBlock() override { pool_.OnBlock(); }
  void OnUnblock() override { pool_.OnUnblock(); }

 private:
  WorkerPool& pool_;
};

WorkerPool::WorkerPool(int threads, int target)
    : target_(target > 0 ? target
                         : std::max(1, static_cast<int>(std::thread::hardware_concurrency()))) {
  // Each worker counts itself out when it first goes to sleep.
  awake_ = threads;
  running_ = threads;
  last_take_ = Clock::now();
  threads_.reserve(static_cast<size_t>(threads));
  for (int i = 0; i < threads; ++i) {
    threads_.emplace_back([this] {
      SetThreadName("rally-worker");
      Observer observer(*this);
      SetBlockingObserver(&observer);
      WorkerLoop();
      SetBlockingObserver(nullptr);
    });
  }
  monitor_ = std::thread([this] {
    SetThreadName("rally-pool-mon");
    MonitorLoop();
  });
}

WorkerPool::~WorkerPool() { Join(); }

void WorkerPool::Join() {
  if (joined_) return;
  joined_ = true;
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  worker_cv_.notify_all();
  monitor_cv_.notify_all();
  for (std::thread& t : threads_) t.join();
  monitor_.join();
}

bool WorkerPool::MaybeWakeLocked(Clock::time_point now, bool stall_check) {
  if (queue_.empty() || sleeping_ - wake_tokens_ <= 0) return false;
  bool wake = running_ == 0 || (running_ < target_ && queue_.size() > 1);
  // Tasks wait and none was taken lately: the awake workers are stuck in waits nobody
  // announced.
  if (!wake && stall_check) wake = now - last_take_ > kStallTime;
  if (!wake) return false;
  ++wake_tokens_;
  ++awake_;
  ++running_;
  return true;
}

void WorkerPool::Enqueue(std::unique_ptr<Task> task) {
  bool wake_worker;
  bool wake_monitor = false;
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(task));
    wake_worker = MaybeWakeLocked(Clock::now(), /*stall_check=*/true);
    if (wake_worker && monitor_sleeping_) {
      monitor_sleeping_ = false;
      wake_monitor = true;
    }
  }
  if (wake_worker) worker_cv_.notify_one();
  if (wake_monitor) monitor_cv_.notify_one();
}

void WorkerPool::OnBlock() {
  bool wake_worker;
  {
    std::lock_guard lock(mu_);
    --running_;
    wake_worker = MaybeWakeLocked(Clock::time_point(), /*stall_check=*/false);
  }
  if (wake_worker) worker_cv_.notify_one();
}

void WorkerPool::OnUnblock() {
  std::lock_guard lock(mu_);
  ++running_;
}

void WorkerPool::WorkerLoop() {
  std::unique_lock lock(mu_);
  for (;;) {
    // Sleep when there is nothing to do, or when more workers run than the target (some came
    // back from a wait): the others keep the queue moving.
    while (queue_.empty() || (running_ > target_ && !stop_)) {
      if (stop_ && queue_.empty()) return;
      --awake_;
      --running_;
      ++sleeping_;
      worker_cv_.wait(lock, [this] { return wake_tokens_ > 0 || stop_; });
      --sleeping_;
      if (wake_tokens_ > 0) {
        --wake_tokens_;  // the waker already counted us awake and running
      } else {
        ++awake_;  // woken by stop_
        ++running_;
      }
    }
    std::unique_ptr<Task> task = std::move(queue_.front());
    queue_.pop_front();
    last_take_ = Clock::now();
    lock.unlock();
    task->Run();
    task.reset();  // destroy the task's captures outside the lock
    lock.lock();
  }
}

void WorkerPool::MonitorLoop() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    if (awake_ == 0 && queue_.empty()) {
      // Nothing can stall: sleep until a Post() wakes a worker from an idle pool.
      monitor_sleeping_ = true;
      monitor_cv_.wait(lock, [this] { return !monitor_sleeping_ || stop_; });
      continue;
    }
    if (MaybeWakeLocked(Clock::now(), /*stall_check=*/true)) worker_cv_.notify_one();
    monitor_cv_.wait_for(lock, kMonitorPeriod);
  }
}

}  // namespace rally::http::internal
