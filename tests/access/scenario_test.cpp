// Scenarios: "digital by default" hurts the groups the policy paper names (older, rural) on the worked
// example, and assisted sites bring them back; the TOML reader names line and column of every mistake.

#include "access_test_support.hpp"
#include "test_support.hpp"

#include "access/access_run.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace equalis::access {
namespace {

using test_support::error_of;

// The files of the worked examples, removed at exit.
std::string write(const std::string& name, const std::string& text) {
  static const test::Scratch scratch("equalis_scenario");
  return scratch.write(name, text);
}

// Zone A (100 people: 60 aged 60+, 20 rural) 5 min from office X and 3 min from site T; zone B (300: 30
// aged 60+, all rural) 40 min from X and 10 from site S. Online as in channels_test; standard 30 min.
AccessRequest example(const std::string& scenarios) {
  AccessRequest request;
  request.zones.file = write("zones.csv", "id,population,pop_60plus,pop_rural\nA,100,60,20\nB,300,30,300\n");
  request.zones.group_columns = {"pop_60plus", "pop_rural"};
  request.facilities.file = write("offices.csv", "id,capacity\nX,5\n");
  request.costs.matrix = write("matrix.csv", "from,to,cost\nA,X,5\nB,X,40\nB,S,10\nA,S,45\nA,T,3\nB,T,50\n");
  request.costs.unit = io::CostUnit::Minutes;
  request.measures = {"closest"};
  request.standard = "30min";
  request.digital_profiles = write("profiles.csv",
                                   "group,coverage,device,online_skill,terminal_skill,phone\n"
                                   "all,1,0.8,0.9,1,1\npop_60plus,1,0.5,0.7,1,1\npop_rural,1,0.7,0.9,1,1\n");
  request.channels = ChannelOffer{};
  request.scenarios_file = write("scenarios.toml", scenarios);
  return request;
}

const GroupChange& group(const ScenarioResult& scenario, const std::string& name) {
  for (const auto& g : scenario.groups) {
    if (g.group == name) return g;
  }
  throw std::logic_error("no group " + name);
}

TEST(Scenarios, DigitalByDefaultHurtsOlderAndRuralPeopleAndAssistedSitesBringThemBack) {
  const auto result = run_access(example(R"(
[[scenario]]
name = "digital by default"
close_channels = ["in-person"]

[[scenario]]
name = "digital by default with counselors"
close_channels = ["in-person"]
add_assisted = ["S", "T"]

[[scenario]]
name = "skills training for the older"
[scenario.profiles.pop_60plus]
online_skill = 0.95
)"));
  ASSERT_EQ(result.scenarios.size(), 3U);
  const auto& online_only = result.scenarios[0];
  // Older: 30 × 0.65 = 19.5 excluded today (B), 90 × 0.65 = 58.5 with the office closed.
  EXPECT_NEAR(*group(online_only, "pop_60plus").excluded_before, 19.5, 1e-9);
  EXPECT_NEAR(*group(online_only, "pop_60plus").excluded_after, 58.5, 1e-9);
  EXPECT_TRUE(group(online_only, "pop_60plus").loses);
  // Rural: 111 in B today, plus A's 20 × 0.37 when the office closes.
  EXPECT_NEAR(
      *group(online_only, "pop_rural").excluded_after - *group(online_only, "pop_rural").excluded_before,
      20 * 0.37, 1e-9);
  EXPECT_TRUE(group(online_only, "pop_rural").loses);
  // The older lose a larger share than everyone: 39/90 more against 28/400.
  const auto share_rise = [&](const std::string& name) {
    const auto& g = group(online_only, name);
    return (*g.excluded_after - *g.excluded_before) / g.people;
  };
  EXPECT_GT(share_rise("pop_60plus"), 2.0 * share_rise("all"));
  EXPECT_EQ(online_only.zones_losing, 1U);  // zone A: its office closed
  EXPECT_EQ(online_only.people_losing, 100.0);

  // Counselors within reach of both zones: nobody is left without a channel, though the offices closed.
  const auto& helped = result.scenarios[1];
  for (const char* name : {"all", "pop_60plus", "pop_rural"}) {
    EXPECT_NEAR(*group(helped, name).excluded_after, 0.0, 1e-12) << name;
    EXPECT_FALSE(group(helped, name).loses) << name;
  }
  // Training: the older in B go online more (0.5 × 0.95); nobody loses.
  const auto& trained = result.scenarios[2];
  EXPECT_NEAR(*group(trained, "pop_60plus").excluded_after, 30 * (1 - 0.5 * 0.95), 1e-9);
  EXPECT_FALSE(group(trained, "all").loses);
}

TEST(Scenarios, OfficesCanBeClosedAndOpenedOnlyWhereTheMatrixHasCosts) {
  auto request = example(R"(
[[scenario]]
name = "move the office"
close_facilities = ["X"]
open_facilities = [{ id = "S", capacity = 5 }]
)");
  const auto result = run_access(request);
  const auto& moved = result.scenarios[0];
  EXPECT_NEAR(*group(moved, "all").beyond_before, 300.0, 1e-12);  // B beyond 30 min of X
  EXPECT_NEAR(*group(moved, "all").beyond_after, 100.0, 1e-12);   // A beyond 30 min of S (45)
  EXPECT_TRUE(group(moved, "pop_60plus").loses);                  // 60 of them live in A
  request.scenarios_file = write("bad_open.toml", "[[scenario]]\nname = \"x\"\nopen_facilities = [\"Q\"]\n");
  EXPECT_NE(std::string(error_of([&] { (void)run_access(request); }).what())
                .find("no cost to the new facility 'Q'"),
            std::string::npos);
  request.scenarios_file =
      write("bad_close.toml", "[[scenario]]\nname = \"x\"\nclose_facilities = [\"Q\"]\n");
  EXPECT_NE(std::string(error_of([&] { (void)run_access(request); }).what()).find("no facility 'Q' to close"),
            std::string::npos);
}

TEST(Scenarios, TomlMistakesNameLineAndColumn) {
  const auto expect_error = [](const std::string& text, const std::string& needle, std::size_t line) {
    const Error error = error_of([&] { (void)parse_scenarios(text, "s.toml"); });
    EXPECT_NE(std::string(error.what()).find(needle), std::string::npos) << error.what();
    ASSERT_TRUE(error.where().has_value()) << error.what();
    EXPECT_EQ(error.where()->line, line) << error.what();
  };
  expect_error("[[scenario]]\nname = \"a\"\nclose_channel = [\"in-person\"]\n", "unknown scenario key", 3);
  expect_error("[[scenario]]\nname = \"a\"\nclose_channels = [\"window\"]\n", "no channel", 3);
  expect_error("[[scenario]]\nname = \"a\"\n[scenario.profiles.old]\nonline_skill = 85\n",
               "not a probability", 4);
  expect_error("[[scenario]]\nname = \"a\"\nclose_channels = [\"in-person\"\n", "not valid TOML", 3);
  expect_error("[[scenario]]\nname = \"a\"\n[[scenario]]\nname = \"a\"\n", "two scenarios", 3);
  expect_error("[[scenario]]\nclose_channels = []\n", "without a name", 1);
  EXPECT_THROW((void)parse_scenarios("", "empty.toml"), Error);
}

}  // namespace
}  // namespace equalis::access
