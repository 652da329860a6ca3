// Blocking hints: code about to wait on something other than the CPU (a group commit, a free
// database connection) says so, and the thread pool running it, if any, can put another thread
// to work meanwhile instead of guessing from how long its queue has waited.
//
// The pool installs a BlockingObserver on each of its threads; storage wraps its waits in a
// ScopedBlocking. Threads without an observer pay one thread-local load per scope.
//
// Thread safety: the observer is per thread; OnBlock/OnUnblock run on the thread that blocks.
#pragma once

namespace rally {

class BlockingObserver {
 public:
  virtual void OnBlock() = 0;    // the calling thread is about to wait
  virtual void OnUnblock() = 0;  // ... and has stopped waiting

 protected:
  ~BlockingObserver() = default;
};

namespace internal {
inline thread_local BlockingObserver* t_blocking_observer = nullptr;
}  // namespace internal

// Installs `observer` (nullptr: none) for the calling thread.
inline void SetBlockingObserver(BlockingObserver* observer) {
  internal::t_blocking_observer = observer;
}

// Marks the calling thread as waiting for its lifetime. Do not nest.
class ScopedBlocking {
 public:
  ScopedBlocking() : observer_(internal::t_blocking_observer) {
    if (observer_) observer_->OnBlock();
  }
  ~ScopedBlocking() {
    if (observer_) observer_->OnUnblock();
  }
  ScopedBlocking(const ScopedBlocking&) = delete;
  ScopedBlocking& operator=(const ScopedBlocking&) = delete;

 private:
  BlockingObserver* observer_;
};

}  // namespace rally
