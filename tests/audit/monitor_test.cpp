// The sliding-window monitor: alerts with statistical support, clearing, time windows, and a restart from
// saved state that behaves exactly like an uninterrupted run.

#include "audit/monitor.hpp"

#include "core/error.hpp"
#include "core/random.hpp"
#include "report/audit_report.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace equalis::audit {
namespace {

TEST(Monitor, AlertsOnceWhenAGapIsSupportedAndClears) {
  MonitorOptions options;
  options.window_count = 200;
  options.gap_threshold = 0.2;
  options.alpha = 0.01;
  options.min_group_size = 30;
  Monitor monitor(options);
  std::vector<MonitorAlert> alerts;
  // Phase 1: a and b both selected half the time — no alert.
  for (int i = 0; i < 400; ++i) {
    if (auto alert = monitor.add(i % 2 == 0 ? "a" : "b", (i / 2) % 2 == 0)) alerts.push_back(*alert);
  }
  EXPECT_TRUE(alerts.empty());
  // Phase 2: b is never selected, a always.
  for (int i = 0; i < 400; ++i) {
    if (auto alert = monitor.add(i % 2 == 0 ? "a" : "b", i % 2 == 0)) alerts.push_back(*alert);
  }
  ASSERT_GE(alerts.size(), 1U);
  EXPECT_EQ(alerts[0].kind, "alert");
  EXPECT_LT(alerts[0].p_value, 0.01);
  EXPECT_GE(std::abs(alerts[0].gap), 0.2);
  const std::size_t raised = alerts.size();
  // Phase 3: back to equal treatment — the alerts clear once the window has refilled.
  for (int i = 0; i < 400; ++i) {
    if (auto alert = monitor.add(i % 2 == 0 ? "a" : "b", (i / 2) % 2 == 0)) alerts.push_back(*alert);
  }
  ASSERT_GT(alerts.size(), raised);
  EXPECT_EQ(alerts.back().kind, "cleared");
  EXPECT_EQ(monitor.window_size(), 200U);
  EXPECT_EQ(monitor.events_seen(), 1200U);
}

TEST(Monitor, SmallGroupsNeverAlert) {
  MonitorOptions options;
  options.window_count = 1000;
  options.min_group_size = 50;
  Monitor monitor(options);
  for (int i = 0; i < 500; ++i) EXPECT_FALSE(monitor.add("big", true).has_value());
  for (int i = 0; i < 49; ++i) EXPECT_FALSE(monitor.add("small", false).has_value());
}

TEST(Monitor, TimeWindowEvictsOldDecisions) {
  MonitorOptions options;
  options.window_count = 0;
  options.window_seconds = 10.0;
  Monitor monitor(options);
  for (int t = 0; t < 100; ++t) static_cast<void>(monitor.add("a", true, static_cast<double>(t)));
  EXPECT_EQ(monitor.window_size(), 10U);  // times 90..99
}

TEST(Monitor, RestartFromSavedStateMatchesAnUninterruptedRun) {
  MonitorOptions options;
  options.window_count = 300;
  options.gap_threshold = 0.1;
  auto stream = [](std::size_t i, Rng& rng) {
    const bool b = rng.uniform01() < 0.4;
    const double p = b && i > 1500 ? 0.2 : 0.5;
    return std::pair<std::string, bool>(b ? "b" : "a", rng.uniform01() < p);
  };
  std::vector<std::string> straight;
  {
    Monitor monitor(options);
    Rng rng(5, 0);
    for (std::size_t i = 0; i < 3000; ++i) {
      const auto [group, selected] = stream(i, rng);
      if (auto alert = monitor.add(group, selected)) straight.push_back(report::to_json(*alert).dump());
    }
  }
  std::vector<std::string> restarted;
  Rng rng(5, 0);
  nlohmann::json saved;
  {
    Monitor monitor(options);
    for (std::size_t i = 0; i < 1700; ++i) {
      const auto [group, selected] = stream(i, rng);
      if (auto alert = monitor.add(group, selected)) restarted.push_back(report::to_json(*alert).dump());
    }
    saved = nlohmann::json::parse(monitor.save_state().dump());
  }
  Monitor monitor = Monitor::restore(saved, options);
  EXPECT_EQ(monitor.events_seen(), 1700U);
  for (std::size_t i = 1700; i < 3000; ++i) {
    const auto [group, selected] = stream(i, rng);
    if (auto alert = monitor.add(group, selected)) restarted.push_back(report::to_json(*alert).dump());
  }
  EXPECT_FALSE(straight.empty());
  EXPECT_EQ(restarted, straight);
}

TEST(Monitor, BadOptionsAndStates) {
  MonitorOptions none;
  none.window_count = 0;
  EXPECT_THROW(Monitor{none}, Error);
  MonitorOptions options;
  EXPECT_THROW(static_cast<void>(Monitor::restore(nlohmann::json::object(), options)), Error);
  Monitor monitor(options);
  static_cast<void>(monitor.add("a", true));
  MonitorOptions other = options;
  other.window_count = 5;
  try {
    static_cast<void>(Monitor::restore(nlohmann::json::parse(monitor.save_state().dump()), other));
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::InvalidInput);
  }
}

}  // namespace
}  // namespace equalis::audit
