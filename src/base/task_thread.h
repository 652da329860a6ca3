// A thread of its own that runs submitted tasks one at a time, in the order they came.
//
// For work that must leave its caller's thread but stay in order: an import's batches
// (importexport/import_service.cc) and the after-commit hooks of deferred writes
// (storage/sqlite). A long-lived TaskThread beats a thread per task: every new thread gets a
// malloc arena of its own, and arenas keep what they freed (a thread per batch tripled a
// 100,000-row import's peak RSS).
//
// Thread safety: Submit from any thread. The destructor runs the tasks still queued, then joins.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <string>
#include <thread>

#include "base/status.h"

namespace rally {

class TaskThread {
 public:
  // `name`: the thread's name (SetThreadName), "" to keep the process's.
  explicit TaskThread(std::string name = "");
  ~TaskThread();
  TaskThread(const TaskThread&) = delete;
  TaskThread& operator=(const TaskThread&) = delete;

  // Queues `fn`; the future gives its status once it ran.
  std::shared_future<Status> Submit(std::function<Status()> fn);

 private:
  void Loop();

  std::string name_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::packaged_task<Status()>> tasks_;
  bool done_ = false;
  std::thread thread_;  // last: starts after the members it uses
};

}  // namespace rally
