#pragma once
// The CLI's ProgressSink: a one-line bar on stderr when stderr is a terminal (silent otherwise), and
// Ctrl-C turned into a cooperative stop so no output file is left half-written.

#include "core/progress.hpp"

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace equalis::cli {

class TerminalProgress final : public ProgressSink {
 public:
  TerminalProgress();
  void begin(std::string_view task, std::uint64_t total_steps) override;
  void update(std::uint64_t steps_done) override;
  void end() override;
  void log(LogLevel level, std::string_view message) override;
  [[nodiscard]] bool stop_requested() const override;

  // Installs the SIGINT handler that sets the stop flag (once per process).
  static void install_interrupt_handler();

 private:
  void draw(std::uint64_t steps_done);
  bool enabled_;
  std::mutex mutex_;
  std::string task_;
  std::uint64_t total_ = 0;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace equalis::cli
