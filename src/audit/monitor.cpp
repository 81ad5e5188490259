#include "audit/monitor.hpp"

#include "audit/proportion.hpp"
#include "core/error.hpp"

#include <fmt/format.h>

#include <cmath>

namespace equalis::audit {

Monitor::Monitor(const MonitorOptions& options) : options_(options) {
  if (options.window_count == 0 && !(options.window_seconds > 0.0)) {
    throw Error(ErrorCode::InvalidInput, "the monitor needs a window",
                "set `window_count` (decisions) or `window_seconds` (seconds, with event times)");
  }
  if (!(options.alpha > 0.0 && options.alpha < 1.0) || !(options.gap_threshold >= 0.0) ||
      !std::isfinite(options.gap_threshold)) {
    throw Error(ErrorCode::InvalidInput, "alpha must be in (0, 1) and the gap threshold ≥ 0",
                "use e.g. `alpha` 0.01 and `gap_threshold` 0.1");
  }
  if (!(options.window_seconds >= 0.0) || !std::isfinite(options.window_seconds)) {
    throw Error(ErrorCode::InvalidInput,
                fmt::format("the time window {} s is not a number ≥ 0", options.window_seconds),
                "set `window_seconds` to the window's length in seconds, or 0 to window by count");
  }
}

std::uint32_t Monitor::group_code(std::string_view group) {
  const auto it = codes_.find(std::string(group));
  if (it != codes_.end()) return it->second;
  const auto code = static_cast<std::uint32_t>(names_.size());
  names_.emplace_back(group);
  codes_.emplace(std::string(group), code);
  groups_.emplace_back();
  return code;
}

void Monitor::evict_one() {
  const Event& oldest = window_.front();
  GroupState& state = groups_[oldest.group];
  --state.n;
  if (oldest.selected) {
    --state.selected;
    --window_selected_;
  }
  window_.pop_front();
}

std::optional<MonitorAlert> Monitor::check(std::uint32_t group, double time) {
  GroupState& state = groups_[group];
  const std::uint64_t window_n = window_.size();
  const std::uint64_t rest_n = window_n - state.n;
  bool supported = false;
  MonitorAlert alert;
  const bool publishable = state.n >= options_.min_cell_size && rest_n >= options_.min_cell_size;
  if (publishable && state.n >= options_.min_group_size && rest_n > 0) {
    const std::uint64_t rest_selected = window_selected_ - state.selected;
    alert.group_rate = static_cast<double>(state.selected) / static_cast<double>(state.n);
    alert.rest_rate = static_cast<double>(rest_selected) / static_cast<double>(rest_n);
    alert.gap = alert.group_rate - alert.rest_rate;
    if (std::fabs(alert.gap) >= options_.gap_threshold) {
      const auto test = two_proportion_z_test(state.selected, state.n, rest_selected, rest_n);
      alert.z = test->statistic;
      alert.p_value = test->p_value;
      supported = test->p_value < options_.alpha;
    }
  }
  if (supported == state.alerting) return std::nullopt;
  state.alerting = supported;
  alert.kind = supported ? "alert" : "cleared";
  alert.group = names_[group];
  alert.event_index = events_;
  alert.time = time;
  alert.window_n = window_n;
  alert.suppressed = !publishable;
  if (alert.suppressed) return alert;  // a clearance that says no more than the group's name
  alert.group_n = state.n;
  return alert;
}

std::optional<MonitorAlert> Monitor::add(std::string_view group, bool selected, double time) {
  const std::uint32_t code = group_code(group);
  ++events_;
  window_.push_back(Event{code, selected, time});
  GroupState& state = groups_[code];
  ++state.n;
  if (selected) {
    ++state.selected;
    ++window_selected_;
  }
  if (options_.window_count > 0) {
    while (window_.size() > options_.window_count) evict_one();
  }
  if (options_.window_seconds > 0.0) {
    while (!window_.empty() && window_.front().time <= time - options_.window_seconds) evict_one();
  }
  return check(code, time);
}

nlohmann::ordered_json Monitor::save_state() const {
  nlohmann::ordered_json state;
  state["version"] = 1;
  state["options"] = {
      {"window_count", options_.window_count},     {"window_seconds", options_.window_seconds},
      {"gap_threshold", options_.gap_threshold},   {"alpha", options_.alpha},
      {"min_group_size", options_.min_group_size}, {"min_cell_size", options_.min_cell_size}};
  state["events_seen"] = events_;
  state["groups"] = names_;
  std::vector<bool> alerting;
  for (const auto& g : groups_) alerting.push_back(g.alerting);
  state["alerting"] = alerting;
  // The window as three parallel arrays (compact, and restorable without re-reading the log).
  std::vector<std::uint32_t> group;
  std::vector<std::uint8_t> selected;
  std::vector<double> time;
  for (const Event& event : window_) {
    group.push_back(event.group);
    selected.push_back(event.selected ? 1 : 0);
    time.push_back(event.time);
  }
  state["window"] = {{"group", group}, {"selected", selected}, {"time", time}};
  return state;
}

Monitor Monitor::restore(const nlohmann::json& state, const MonitorOptions& options) {
  Monitor monitor(options);
  try {
    const auto& saved = state.at("options");
    if (saved.at("window_count").get<std::size_t>() != options.window_count ||
        saved.at("window_seconds").get<double>() != options.window_seconds) {
      throw Error(ErrorCode::InvalidInput, "the saved monitor state has a different window",
                  "use the same `window_count` and `window_seconds`, or start a new state file");
    }
    for (const auto& name : state.at("groups")) monitor.group_code(name.get<std::string>());
    const auto alerting = state.at("alerting").get<std::vector<bool>>();
    const auto& window = state.at("window");
    const auto group = window.at("group").get<std::vector<std::uint32_t>>();
    const auto selected = window.at("selected").get<std::vector<std::uint8_t>>();
    const auto time = window.at("time").get<std::vector<double>>();
    if (alerting.size() != monitor.groups_.size() || selected.size() != group.size() ||
        time.size() != group.size()) {
      throw Error(ErrorCode::Parse, "the saved monitor state is inconsistent",
                  "delete the state file to start over");
    }
    for (std::size_t i = 0; i < group.size(); ++i) {
      if (group[i] >= monitor.groups_.size()) {
        throw Error(ErrorCode::Parse, "the saved monitor state names an unknown group",
                    "delete the state file");
      }
      monitor.window_.push_back(Event{group[i], selected[i] != 0, time[i]});
      GroupState& g = monitor.groups_[group[i]];
      ++g.n;
      if (selected[i] != 0) {
        ++g.selected;
        ++monitor.window_selected_;
      }
    }
    for (std::size_t g = 0; g < alerting.size(); ++g) monitor.groups_[g].alerting = alerting[g];
    monitor.events_ = state.at("events_seen").get<std::uint64_t>();
  } catch (const nlohmann::json::exception& error) {
    throw Error(ErrorCode::Parse, fmt::format("the saved monitor state is not valid: {}", error.what()),
                "delete the state file to start over");
  }
  return monitor;
}

}  // namespace equalis::audit
