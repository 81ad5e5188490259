#include "core/progress.hpp"

#include "core/error.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace equalis {

ProgressSink& null_progress() {
  static ProgressSink sink;
  return sink;
}

ProgressTask::ProgressTask(ProgressSink& sink, std::string_view task, std::uint64_t total_steps)
    : sink_(sink),
      task_(task),
      total_(total_steps),
      report_every_(std::max<std::uint64_t>(1, total_steps / 200)) {
  sink_.begin(task_, total_);
}

ProgressTask::~ProgressTask() {
  sink_.end();
}

bool ProgressTask::tick(std::uint64_t steps) {
  const std::uint64_t before = done_.fetch_add(steps, std::memory_order_relaxed);
  const std::uint64_t after = before + steps;
  if (before / report_every_ != after / report_every_ || after == total_) {
    // Sinks are called from whichever thread crosses a reporting step; the CLI sink is thread-safe.
    sink_.update(after);
    if (sink_.stop_requested()) stopped_.store(true, std::memory_order_relaxed);
  }
  return !stopped_.load(std::memory_order_relaxed);
}

void ProgressTask::throw_if_stopped() const {
  if (stopped()) {
    throw Error(ErrorCode::Cancelled, fmt::format("{} was interrupted", task_), "run it again to completion");
  }
}

}  // namespace equalis
