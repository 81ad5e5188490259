#pragma once
// In-process monitoring of a stream of decisions: a sliding window (the last N decisions, or the last T
// seconds) with per-group selection counts kept incrementally, O(1) per decision. When a group's
// selection rate differs from the rest of the window by at least `gap_threshold` and a two-proportion z
// test (group vs rest: independent samples) gives p < alpha, an alert is raised once; it clears when the
// gap is no longer supported. A group and the rest are compared only when both hold at least
// min_cell_size decisions, so no event gives the rate of a small group (or of a small rest) away. The state
// (window content, counters, alert flags) serialises to JSON so a restarted monitor continues where it
// stopped.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace equalis::audit {

struct MonitorOptions {
  std::size_t window_count = 10000;  // window by count; 0 to use window_seconds only
  double window_seconds = 0.0;       // window by time (needs event times); 0 = not used
  double gap_threshold = 0.1;        // |selection rate(group) − selection rate(rest)|
  double alpha = 0.01;
  std::uint64_t min_group_size = 30;  // no alert for a group with fewer decisions in the window
  // Disclosure control (as --min-cell elsewhere in the audit): a group, or the rest of the window, with
  // fewer decisions is never compared, and an event about it reports no count, rate or test.
  std::uint64_t min_cell_size = 10;
};

struct MonitorAlert {
  std::string kind;  // "alert" or "cleared"
  std::string group;
  // The group or the rest of the window holds fewer than min_cell_size decisions (only a clearance can
  // be suppressed): group_n, the rates, the gap and the test are not reported.
  bool suppressed = false;
  std::uint64_t event_index = 0;  // 1-based position of the decision in the stream
  double time = 0.0;
  std::uint64_t window_n = 0;
  std::uint64_t group_n = 0;
  double group_rate = 0.0;
  double rest_rate = 0.0;
  double gap = 0.0;
  double z = 0.0;
  double p_value = 1.0;
};

class Monitor {
 public:
  explicit Monitor(const MonitorOptions& options);
  // Adds one decision (selected = 1); `time` in seconds (any epoch), required when window_seconds > 0.
  // Returns an alert or a clearance when the group's state changes.
  std::optional<MonitorAlert> add(std::string_view group, bool selected, double time = 0.0);

  [[nodiscard]] std::uint64_t events_seen() const noexcept { return events_; }
  [[nodiscard]] std::size_t window_size() const noexcept { return window_.size(); }
  [[nodiscard]] const MonitorOptions& options() const noexcept { return options_; }

  [[nodiscard]] nlohmann::ordered_json save_state() const;
  // Throws Error(Parse) if the state is malformed, Error(InvalidInput) if its options differ from `options`.
  static Monitor restore(const nlohmann::json& state, const MonitorOptions& options);

 private:
  struct Event {
    std::uint32_t group;
    bool selected;
    double time;
  };
  struct GroupState {
    std::uint64_t n = 0;
    std::uint64_t selected = 0;
    bool alerting = false;
  };
  std::uint32_t group_code(std::string_view group);
  void evict_one();
  std::optional<MonitorAlert> check(std::uint32_t group, double time);

  MonitorOptions options_;
  std::deque<Event> window_;
  std::vector<std::string> names_;
  std::unordered_map<std::string, std::uint32_t> codes_;
  std::vector<GroupState> groups_;
  std::uint64_t window_selected_ = 0;
  std::uint64_t events_ = 0;
};

}  // namespace equalis::audit
