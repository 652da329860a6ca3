// EventBus: in-process, after-commit delivery of domain events to listeners, in batches.
//
// Services collect the events of one write in a vector while the transaction runs and hand
// them over once with PublishAfterCommit(tx, events): they reach listeners only after the
// transaction commits (never when it rolls back), as ONE batch. So a batch upsert of 1,000
// contacts gives each listener one call with a span of a few thousand events, not thousands of
// calls, and a 1M-row import does not fire a million separate recomputes.
//
// Delivery happens on the thread that called Database::Write, after Write's commit, so a
// listener may itself read or write the database (it is not inside the writer). Listeners run
// in subscription order; an exception thrown by one is caught and logged and the others still
// run. A listener that must not slow the writer down should queue the work (jobs/) and return.
//
// Not durable: events recorded by a process that dies between commit and delivery are lost,
// and listeners in other processes never see them. When several `rally serve` processes share
// a PostgreSQL database (the PostgreSQL issue), this becomes a transactional outbox table
// written in the same transaction and drained by each process; the Publish API stays.
//
// Thread safety: Subscribe() only during start-up, before any Publish. Publish and
// PublishAfterCommit from any thread; a listener may be called concurrently from several
// threads (one per committing writer) and must be thread-safe itself.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <vector>

#include "events/event.h"
#include "storage/database.h"

namespace rally::events {

using Listener = std::function<void(std::span<const Event>)>;

class EventBus {
 public:
  EventBus() = default;
  EventBus(const EventBus&) = delete;
  EventBus& operator=(const EventBus&) = delete;

  // Adds a listener; `name` appears in the log when it throws.
  // REQUIRES: start-up only (not concurrent with Publish).
  void Subscribe(std::string name, Listener listener);

  // Delivers `events` to every listener after `tx` commits, as one batch. No-op for an empty
  // vector. Call once per write with everything the write recorded.
  void PublishAfterCommit(storage::Transaction& tx, std::vector<Event> events);

  // Delivers `events` now, as one batch. For work that has no transaction (and for tests).
  void Publish(std::span<const Event> events) const;

 private:
  struct Subscriber {
    std::string name;
    Listener listener;
  };
  std::vector<Subscriber> subscribers_;
};

}  // namespace rally::events
