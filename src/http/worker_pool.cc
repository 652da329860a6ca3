#include "http/worker_pool.h"

namespace rally::http::internal {

WorkerPool::WorkerPool(int threads) {
  awake_ = threads;  // each worker counts itself out when it first goes to sleep
  threads_.reserve(static_cast<size_t>(threads));
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { WorkerLoop(); });
  monitor_ = std::thread([this] { MonitorLoop(); });
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

bool WorkerPool::MaybeWakeLocked(Clock::time_point now) {
  if (queue_.empty() || sleeping_ - wake_tokens_ <= 0) return false;
  bool stalled = now - queue_.front()->queued_at > kStallTime;
  if (awake_ > 0 && !stalled) return false;
  ++wake_tokens_;
  ++awake_;
  return true;
}

void WorkerPool::Enqueue(std::unique_ptr<Task> task) {
  Clock::time_point now = Clock::now();
  task->queued_at = now;
  bool wake_worker;
  bool wake_monitor = false;
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(task));
    wake_worker = MaybeWakeLocked(now);
    if (wake_worker && monitor_sleeping_) {
      monitor_sleeping_ = false;
      wake_monitor = true;
    }
  }
  if (wake_worker) worker_cv_.notify_one();
  if (wake_monitor) monitor_cv_.notify_one();
}

void WorkerPool::WorkerLoop() {
  std::unique_lock lock(mu_);
  for (;;) {
    while (queue_.empty()) {
      if (stop_) return;
      --awake_;
      ++sleeping_;
      worker_cv_.wait(lock, [this] { return wake_tokens_ > 0 || stop_; });
      --sleeping_;
      if (wake_tokens_ > 0) {
        --wake_tokens_;  // the waker already counted us awake
      } else {
        ++awake_;  // woken by stop_
      }
    }
    std::unique_ptr<Task> task = std::move(queue_.front());
    queue_.pop_front();
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
    if (MaybeWakeLocked(Clock::now())) worker_cv_.notify_one();
    monitor_cv_.wait_for(lock, kMonitorPeriod);
  }
}

}  // namespace rally::http::internal
