// The channel model on a worked example (docs/methods/access.md shows the arithmetic): who has no
// usable channel, what "digital by default" (offices closed) does to older and rural people, and how an
// assisted channel brings them back. Plus the profile reader's checks and the shipped CNNIC defaults.

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

std::string write(const std::string& name, const std::string& text) {
  const auto path =
      (std::filesystem::temp_directory_path() / fmt::format("equalis_channels_{}_{}", ::getpid(), name))
          .string();
  std::ofstream(path) << text;
  return path;
}

// Zone A (100 people, 60 aged 60+, none rural) is 5 min from office X; zone B (300, 30 aged 60+, all
// rural) is 40 min from it and 10 min from site S, which can host a digital counselor. Online: all
// 0.8 × 0.9 = 0.72, 60+ 0.5 × 0.7 = 0.35, rural 0.7 × 0.9 = 0.63. Standard: 30 minutes.
AccessRequest example() {
  AccessRequest request;
  request.zones.file = write("zones.csv", "id,population,pop_60plus,pop_rural\nA,100,60,0\nB,300,30,300\n");
  request.zones.group_columns = {"pop_60plus", "pop_rural"};
  request.facilities.file = write("offices.csv", "id,capacity\nX,5\n");
  request.costs.matrix = write("matrix.csv", "from,to,cost\nA,X,5\nB,X,40\nB,S,10\nA,S,45\n");
  request.costs.unit = io::CostUnit::Minutes;
  request.measures = {"closest"};
  request.standard = "30min";
  request.digital_profiles = write("profiles.csv",
                                   "group,coverage,device,online_skill,terminal_skill,phone\n"
                                   "all,1,0.8,0.9,1,1\npop_60plus,1,0.5,0.7,1,1\npop_rural,1,0.7,0.9,1,1\n");
  request.channels = ChannelOffer{};  // in person and online
  return request;
}

const ChannelGroupTotal& total(const ChannelResult& channels, const std::string& group) {
  for (const auto& t : channels.totals) {
    if (t.group == group) return t;
  }
  throw std::logic_error("no group " + group);
}

TEST(Channels, WorkedExampleDigitalByDefaultAndAssistedHelp) {
  auto request = example();
  auto result = run_access(request);
  ASSERT_TRUE(result.channels.has_value());
  const auto& c = *result.channels;
  // Today: A reaches the office (nobody excluded); B relies on going online.
  EXPECT_NEAR(total(c, "all").excluded, 300 * 0.28, 1e-9);
  EXPECT_NEAR(total(c, "pop_60plus").excluded, 30 * 0.65, 1e-9);
  EXPECT_NEAR(total(c, "pop_rural").excluded, 300 * 0.37, 1e-9);
  // Digital by default: A loses its office too; the older lose most (39 + 19.5 of 90 people).
  EXPECT_NEAR(total(c, "all").excluded_offices_closed, 400 * 0.28, 1e-9);
  EXPECT_NEAR(total(c, "pop_60plus").excluded_offices_closed, 90 * 0.65, 1e-9);
  EXPECT_GT(total(c, "pop_60plus").excluded_offices_closed / 90.0,
            total(c, "all").excluded_offices_closed / 400.0);
  EXPECT_NEAR(total(c, "pop_rural").excluded_offices_closed, 300 * 0.37, 1e-9);
  EXPECT_NEAR(c.cells[1][0].usable[static_cast<std::size_t>(Channel::Online)], 0.72, 1e-12);

  // The offline queue at X (5 windows, within 30 min of A only): A's 28 people who cannot go online,
  // not its 100: 5/28 windows per person instead of 5/100.
  EXPECT_NEAR(c.offline_capacity_per_person[0], 5.0 / 28.0, 1e-6);
  EXPECT_NEAR(c.offline_capacity_if_all_in_person[0], 0.05, 1e-7);
  EXPECT_EQ(c.offline_capacity_per_person[1], 0.0);
  EXPECT_NEAR(c.offline_mean, 5.0 / 28.0, 1e-6);

  // An assisted site 10 minutes from B brings B's people back, older and rural ones included.
  const std::string sites = write("assisted.csv", "id\nS\n");
  request.channels->assisted = sites;
  result = run_access(request);
  const auto& helped = *result.channels;
  EXPECT_EQ(helped.assisted_sites, 1U);
  EXPECT_NEAR(total(helped, "pop_rural").excluded, 0.0, 1e-12);
  EXPECT_NEAR(total(helped, "pop_60plus").excluded, 0.0, 1e-12);
  EXPECT_NEAR(total(helped, "pop_60plus").excluded_offices_closed, 60 * 0.65, 1e-9);  // only A's remain
}

TEST(Channels, OnlyInPersonNeedsNoProfilesButOnlineDoes) {
  auto request = example();
  request.digital_profiles.clear();
  request.channels->online = false;
  const auto result = run_access(request);
  EXPECT_NEAR(total(*result.channels, "all").excluded, 300.0, 1e-12);  // B is beyond the standard
  request.channels->online = true;
  const Error error = error_of([&] { (void)run_access(request); });
  EXPECT_NE(std::string(error.what()).find("`digital_profiles`"), std::string::npos) << error.what();
  request = example();
  request.standard.clear();
  EXPECT_NE(std::string(error_of([&] { (void)run_access(request); }).what()).find("`standard`"),
            std::string::npos);
}

TEST(Channels, ProfilesAreCheckedCellByCell) {
  const auto expect_error = [](const std::string& text, const std::string& needle, std::size_t line) {
    const auto path = write("bad_profiles.csv", text);
    const Error error = error_of([&] { (void)read_digital_profiles(path); });
    EXPECT_NE(std::string(error.what()).find(needle), std::string::npos) << error.what();
    ASSERT_TRUE(error.where().has_value()) << error.what();
    EXPECT_EQ(error.where()->line, line);
  };
  const std::string header = "group,coverage,device,online_skill,terminal_skill,phone\n";
  expect_error(header + "all,1,79.7,0.8,1,1\n", "not a probability", 2);
  expect_error(header + "all,1,0.8,0.8,1,1\nall,1,1,1,1,1\n", "two rows", 3);
  expect_error(header + "all,1,0.8,,1,1\n", "missing", 2);
  expect_error("group,coverage,device,online_skill,terminal_skill,phone,illustrative\nall,1,1,1,1,1,speed\n",
               "not a profile field", 2);
  // A group without a row and no "all" row is an error naming the group.
  const auto partial = write("partial.csv", header + "pop_60plus,1,0.5,0.7,1,1\n");
  const auto profiles = read_digital_profiles(partial);
  EXPECT_NE(std::string(error_of([&] { (void)profiles.of("pop_rural"); }).what()).find("pop_rural"),
            std::string::npos);
}

TEST(Channels, ShippedCnnicDefaultsReadAndSayWhatIsIllustrative) {
  const auto profiles =
      read_digital_profiles(std::string(EQUALIS_EXAMPLES_DIR) + "/access/digital_profiles_cn.csv");
  const auto& older = profiles.of("pop_60plus");
  EXPECT_DOUBLE_EQ(older.device, 0.52);
  EXPECT_DOUBLE_EQ(older.online_skill, 0.697);
  EXPECT_NE(older.source.find("CNNIC"), std::string::npos);
  EXPECT_EQ(older.illustrative, (std::vector<std::string>{"terminal_skill", "phone"}));
  EXPECT_EQ(profiles.of("pop_disabled").group, "all");  // unlisted groups take the "all" row
}

}  // namespace
}  // namespace equalis::access
