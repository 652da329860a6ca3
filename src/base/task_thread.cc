#include "base/task_thread.h"

#include "base/thread_name.h"

namespace rally {

TaskThread::TaskThread(std::string name) : name_(std::move(name)), thread_([this] { Loop(); }) {}

TaskThread::~TaskThread() {
  {
    std::lock_guard lock(mu_);
    done_ = true;
  }
  cv_.notify_one();
  thread_.join();
}

std::shared_future<Status> TaskThread::Submit(std::function<Status()> fn) {
  std::packaged_task<Status()> task(std::move(fn));
  std::shared_future<Status> f = task.get_future().share();
  {
    std::lock_guard lock(mu_);
    tasks_.push_back(std::move(task));
  }
  cv_.notify_one();
  return f;
}

void TaskThread::Loop() {
  if (!name_.empty()) SetThreadName(name_);
  for (;;) {
    std::packaged_task<Status()> task;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return done_ || !tasks_.empty(); });
      if (tasks_.empty()) return;
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    task();
  }
}

}  // namespace rally
