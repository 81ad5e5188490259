#include "terminal_progress.hpp"

#include "commands.hpp"

#include <fmt/format.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <unistd.h>

namespace equalis::cli {

namespace {
std::atomic<bool> g_interrupted{false};

extern "C" void on_interrupt(int /*signal*/) {
  // A second Ctrl-C aborts at once, for a user who does not want to wait for the cooperative stop.
  if (g_interrupted.exchange(true)) std::_Exit(130);
}
}  // namespace

TerminalProgress::TerminalProgress() : enabled_(::isatty(STDERR_FILENO) == 1) {}

void TerminalProgress::install_interrupt_handler() {
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
}

void TerminalProgress::begin(std::string_view task, std::uint64_t total_steps) {
  const std::lock_guard<std::mutex> lock(mutex_);
  task_ = task;
  total_ = total_steps;
  started_ = std::chrono::steady_clock::now();
  last_draw_ = started_ - std::chrono::seconds(1);
}

void TerminalProgress::update(std::uint64_t steps_done) {
  if (!enabled_) return;
  const std::lock_guard<std::mutex> lock(mutex_);
  const auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(100) && steps_done < total_) return;
  last_draw_ = now;
  draw(steps_done);
}

void TerminalProgress::draw(std::uint64_t steps_done) {
  constexpr int kWidth = 30;
  const double fraction = total_ == 0 ? 1.0 : static_cast<double>(steps_done) / static_cast<double>(total_);
  const int filled = static_cast<int>(fraction * kWidth);
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  const double remaining = fraction > 0.0 ? elapsed * (1.0 - fraction) / fraction : 0.0;
  fmt::print(stderr, "\r{:<18} [{}{}] {:5.1f}%  {:.1f}s left ", task_,
             std::string(static_cast<std::size_t>(filled), '#'),
             std::string(static_cast<std::size_t>(kWidth - filled), '.'), 100.0 * fraction, remaining);
  std::fflush(stderr);
}

void TerminalProgress::end() {
  if (!enabled_) return;
  const std::lock_guard<std::mutex> lock(mutex_);
  fmt::print(stderr, "\r\033[K");
  std::fflush(stderr);
}

void TerminalProgress::log(LogLevel level, std::string_view message) {
  if (level == LogLevel::Debug) return;
  const std::lock_guard<std::mutex> lock(mutex_);
  // Library messages name request fields in backticks; the terminal shows them as flags, like errors.
  fmt::print(stderr, "equalis: {}{}\n", level == LogLevel::Warning ? "warning: " : "",
             respell_for_cli(message));
}

bool TerminalProgress::stop_requested() const {
  return g_interrupted.load();
}

}  // namespace equalis::cli
