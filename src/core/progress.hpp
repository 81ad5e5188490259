#pragma once
// How the library reports progress and log messages without printing: the caller passes a
// ProgressSink (the CLI draws a bar on stderr, a server streams events, tests collect them).
// Interruption is cooperative: long loops ask the sink whether to stop and then throw Error(Cancelled).

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

namespace equalis {

enum class LogLevel : std::uint8_t { Debug, Info, Warning };

class ProgressSink {
 public:
  ProgressSink() = default;
  ProgressSink(const ProgressSink&) = delete;
  ProgressSink& operator=(const ProgressSink&) = delete;
  ProgressSink(ProgressSink&&) = delete;
  ProgressSink& operator=(ProgressSink&&) = delete;
  virtual ~ProgressSink() = default;

  virtual void begin(std::string_view /*task*/, std::uint64_t /*total_steps*/) {}
  virtual void update(std::uint64_t /*steps_done*/) {}
  virtual void end() {}
  virtual void log(LogLevel /*level*/, std::string_view /*message*/) {}
  [[nodiscard]] virtual bool stop_requested() const { return false; }
};

// A sink that ignores everything: the default when a caller passes none.
ProgressSink& null_progress();

// One task's progress, safe to tick from many threads. Updates the sink at most ~200 times.
class ProgressTask {
 public:
  ProgressTask(ProgressSink& sink, std::string_view task, std::uint64_t total_steps);
  ProgressTask(const ProgressTask&) = delete;
  ProgressTask& operator=(const ProgressTask&) = delete;
  ProgressTask(ProgressTask&&) = delete;
  ProgressTask& operator=(ProgressTask&&) = delete;
  ~ProgressTask();

  // Records `steps` more done; returns false once the user asked to stop (callers then leave their loop).
  bool tick(std::uint64_t steps = 1);
  [[nodiscard]] bool stopped() const noexcept { return stopped_.load(std::memory_order_relaxed); }
  // Throws Error(Cancelled) if a stop was requested; call after leaving a parallel loop.
  void throw_if_stopped() const;

 private:
  ProgressSink& sink_;
  std::string task_;
  std::uint64_t total_;
  std::uint64_t report_every_;
  std::atomic<std::uint64_t> done_{0};
  std::atomic<bool> stopped_{false};
};

}  // namespace equalis
