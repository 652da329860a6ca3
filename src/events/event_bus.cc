#include "events/event_bus.h"

#include <exception>
#include <memory>

#include "base/log.h"

namespace rally::events {

void EventBus::Subscribe(std::string name, Listener listener) {
  subscribers_.push_back({std::move(name), std::move(listener)});
}

void EventBus::PublishAfterCommit(storage::Transaction& tx, std::vector<Event> events) {
  if (events.empty()) return;
  // std::function needs a copyable callable: share the batch instead of copying it.
  auto batch = std::make_shared<const std::vector<Event>>(std::move(events));
  tx.AfterCommit([this, batch] { Publish(*batch); });
}

void EventBus::Publish(std::span<const Event> events) const {
  if (events.empty()) return;
  for (const Subscriber& s : subscribers_) {
    // A failing listener must not take the others (or the committed write) down with it: the
    // data is already committed, so the only sensible thing is to log and carry on.
    try {
      s.listener(events);
    } catch (const std::exception& e) {
      log::Error("event listener '" + s.name + "' threw on a batch of " +
                 std::to_string(events.size()) + " events: " + e.what());
    } catch (...) {
      log::Error("event listener '" + s.name + "' threw a non-exception on a batch of " +
                 std::to_string(events.size()) + " events");
    }
  }
}

}  // namespace rally::events
