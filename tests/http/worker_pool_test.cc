#include "http/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>

#include "base/blocking.h"

namespace rally::http::internal {
namespace {

TEST(WorkerPoolTest, RunsEveryTaskPostedFromManyThreads) {
  std::atomic<int> ran{0};
  {
    WorkerPool pool(4);
    std::vector<std::thread> posters;
    for (int t = 0; t < 4; ++t) {
      posters.emplace_back([&] {
        for (int i = 0; i < 2500; ++i) pool.Post([&ran] { ran.fetch_add(1); });
      });
    }
    for (std::thread& t : posters) t.join();
    pool.Join();  // runs what is queued before stopping
    EXPECT_EQ(ran.load(), 10'000);
  }
}

TEST(WorkerPoolTest, BlockedWorkerDoesNotStallLaterTasks) {
  // One worker blocks (as on a slow query); a task posted after it must still run promptly,
  // whether it is posted once (the monitor wakes a worker) or followed by more posts.
  for (int later_posts : {1, 5}) {
    SCOPED_TRACE(later_posts);
    WorkerPool pool(4);
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
    std::promise<void> first_started;
    pool.Post([&first_started, released] {
      first_started.set_value();
      released.wait();
    });
    first_started.get_future().wait();
    std::atomic<int> done{0};
    std::promise<void> all_done;
    for (int i = 0; i < later_posts; ++i) {
      pool.Post([&, later_posts] {
        if (done.fetch_add(1) + 1 == later_posts) all_done.set_value();
      });
    }
    EXPECT_EQ(all_done.get_future().wait_for(std::chrono::seconds(2)), std::future_status::ready);
    release.set_value();
  }
}

TEST(WorkerPoolTest, UsesManyWorkersWhenTasksBlock) {
  // Eight tasks that each wait for all eight to have started can only finish if the pool brings
  // in eight workers.
  WorkerPool pool(8);
  std::mutex mu;
  std::condition_variable cv;
  int started = 0;
  std::atomic<int> finished{0};
  for (int i = 0; i < 8; ++i) {
    pool.Post([&] {
      std::unique_lock lock(mu);
      ++started;
      cv.notify_all();
      if (cv.wait_for(lock, std::chrono::seconds(3), [&] { return started == 8; })) finished++;
    });
  }
  pool.Join();
  EXPECT_EQ(finished.load(), 8);
}

TEST(WorkerPoolTest, AnnouncedWaitsBringInWorkersBeyondTheTarget) {
  // Target one running worker: tasks that announce their wait (as storage does around a group
  // commit) must still all be in their wait at once, and tasks queued behind them still run.
  WorkerPool pool(8, /*target=*/1);
  std::mutex mu;
  std::condition_variable cv;
  int waiting = 0;
  std::atomic<int> finished{0};
  for (int i = 0; i < 8; ++i) {
    pool.Post([&] {
      ScopedBlocking blocking;
      std::unique_lock lock(mu);
      ++waiting;
      cv.notify_all();
      if (cv.wait_for(lock, std::chrono::seconds(3), [&] { return waiting == 8; })) finished++;
    });
  }
  std::atomic<int> after{0};
  for (int i = 0; i < 100; ++i) pool.Post([&after] { after.fetch_add(1); });
  pool.Join();
  EXPECT_EQ(finished.load(), 8);
  EXPECT_EQ(after.load(), 100);
}

}  // namespace
}  // namespace rally::http::internal
