// The channel model on a worked example (docs/methods/access.md shows the arithmetic): who has no
// usable channel, what "digital by default" (offices closed) does to older and rural people, and how an
// assisted channel brings them back. Plus the profile reader's checks and the shipped CNNIC defaults.

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
  static const test::Scratch scratch("equalis_channels");
  return scratch.write(name, text);
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

// Help with a capacity is rationed: a counselor at S (40 people per period, 10 min from B) and an
// outreach base O (10 home visits, 20 min from B and 50 from A; teams go 60 min). Today B's 84 people
// without a channel of their own (300 × 0.28) meet 40 places at S, the 44 left meet 10 visits: 34 stay
// excluded. With the offices closed A's 28 join the outreach queue only (S is 45 min from A).
TEST(Channels, AssistedAndOutreachCapacitiesAreRationedOnThoseLeft) {
  auto request = example();
  request.costs.matrix =
      write("matrix_help.csv", "from,to,cost\nA,X,5\nB,X,40\nB,S,10\nA,S,45\nB,O,20\nA,O,50\n");
  request.channels->assisted = write("assisted_cap.csv", "id,capacity\nS,40\n");
  request.channels->outreach = write("outreach.csv", "id,capacity\nO,10\n");
  request.channels->outreach_reach = "60min";
  const auto result = run_access(request);
  const auto& c = *result.channels;
  EXPECT_NEAR(c.cells[1][0].usable[static_cast<std::size_t>(Channel::Assisted)], 40.0 / 84.0, 1e-12);
  EXPECT_NEAR(c.cells[1][0].usable[static_cast<std::size_t>(Channel::Outreach)], 10.0 / 44.0, 1e-12);
  EXPECT_NEAR(total(c, "all").excluded, 84.0 - 40.0 - 10.0, 1e-9);
  // Those who need help are served in proportion: the older of B as much as anyone there.
  EXPECT_NEAR(total(c, "pop_60plus").excluded, 30 * 0.65 * (44.0 / 84.0) * (34.0 / 44.0), 1e-9);
  ASSERT_TRUE(c.assisted.capacity_limited);
  EXPECT_NEAR(c.assisted.demand[0], 84.0, 1e-9);
  EXPECT_NEAR(c.assisted.served[0], 40.0, 1e-9);
  EXPECT_NEAR(c.outreach.demand[0], 44.0, 1e-9);
  EXPECT_NEAR(c.outreach.served[0], 10.0, 1e-9);
  EXPECT_EQ(c.outreach_bases, 1U);
  EXPECT_DOUBLE_EQ(c.outreach_reach, 60.0);
  // Offices closed: 28 + 44 people need a visit, 10 get one.
  EXPECT_NEAR(c.outreach_offices_closed.demand[0], 72.0, 1e-9);
  EXPECT_NEAR(total(c, "all").excluded_offices_closed, 28.0 + 84.0 - 40.0 - 10.0, 1e-9);
  // Without the longer reach the teams only reach B (20 min ≤ the 30-min standard).
  request.channels->outreach_reach.clear();
  const auto near = run_access(request);
  EXPECT_NEAR(near.channels->outreach_offices_closed.demand[0], 44.0, 1e-9);
  EXPECT_DOUBLE_EQ(near.channels->outreach_reach, 30.0);
}

// The rationing alone: two sites share a zone; what they serve never exceeds what they have, and an
// idle site (nobody in need within reach) leaves its zones fully served.
TEST(Channels, RationingServesNoMoreThanCapacity) {
  HelpSites sites;
  sites.sites = 3;
  sites.ids = {"s0", "s1", "s2"};
  sites.capacity = {10.0, 30.0, 5.0};
  sites.reach = 30.0;
  sites.rows = make_cost_rows(3, {0, 1, 1, 2}, {0, 0, 1, 2}, {5.0F, 10.0F, 20.0F, 25.0F},
                              io::CostUnit::Minutes, "test");
  const std::vector<double> need{40.0, 20.0, 0.0};
  const HelpRationing help = ration_help(sites, need);
  // s0: 10 / 60 per person in need; s1: 30 / 20 → zone 1 fully served, zone 0 a sixth.
  EXPECT_NEAR(help.served_share[0], 10.0 / 60.0, 1e-12);
  EXPECT_NEAR(help.served_share[1], 1.0, 1e-12);
  EXPECT_NEAR(help.served_share[2], 1.0, 1e-12);  // s2 idle
  double served = 0.0;
  for (std::size_t j = 0; j < 3; ++j) {
    EXPECT_LE(help.served[j], sites.capacity[j] + 1e-9) << j;
    served += help.served[j];
  }
  EXPECT_LE(served, 45.0);
  EXPECT_NEAR(served, 40.0 * 10.0 / 60.0 + 20.0, 1e-9);
  // Without capacities every site serves whoever needs it within reach.
  sites.capacity.clear();
  const HelpRationing open = ration_help(sites, need);
  EXPECT_FALSE(open.capacity_limited);
  EXPECT_EQ(open.served_share, (std::vector<double>{1.0, 1.0, 1.0}));
  EXPECT_DOUBLE_EQ(open.served[0], 60.0);  // the nearest site of each zone
}

// Skills that go together: of the older people who cannot go online, most cannot use a terminal either.
// Independence (0.35 online, 0.5 terminal) leaves 0.65 × 0.5 = 32.5 % without a channel; the joint
// table with the same marginals leaves 50 %.
TEST(Channels, JointAbilitiesReplaceIndependence) {
  Zones zones;
  zones.ids = {"A"};
  zones.population = {100.0};
  zones.group_names = {"pop_60plus"};
  zones.group_people = {{100.0}};
  ChannelInputs in;
  in.offer.in_person = false;
  in.standard = 30.0;
  in.office_nearest = {5.0};
  in.terminal_nearest = {10.0};
  in.profiles.groups.push_back({"all", 1.0, 0.5, 0.7, 0.5, 1.0, "", {}});
  const ChannelResult independent = channel_access(zones, in);
  EXPECT_NEAR(independent.totals[1].excluded, 32.5, 1e-9);
  in.joint = read_joint_abilities(write("joint.csv",
                                        "group,online,terminal,phone,share\npop_60plus,1,1,0,0.35\n"
                                        "pop_60plus,0,1,0,0.15\npop_60plus,0,0,0,0.5\n"));
  const ChannelResult joint = channel_access(zones, in);
  EXPECT_NEAR(joint.totals[1].excluded, 50.0, 1e-9);
  EXPECT_NEAR(joint.totals[1].usable_people[static_cast<std::size_t>(Channel::Online)], 35.0, 1e-9);
  EXPECT_NEAR(joint.totals[1].usable_people[static_cast<std::size_t>(Channel::Terminal)], 50.0, 1e-9);
  EXPECT_NEAR(joint.totals[0].excluded, 32.5, 1e-9);  // "all" keeps independence
  EXPECT_EQ(joint.joint_groups, (std::vector<std::string>{"pop_60plus"}));
  EXPECT_NE(joint.assumption.find("jointly"), std::string::npos);
  // The same shares as independence give the same answer.
  in.joint = read_joint_abilities(write("joint_indep.csv",
                                        "group,online,terminal,phone,share\npop_60plus,1,1,0,0.175\n"
                                        "pop_60plus,1,0,0,0.175\npop_60plus,0,1,0,0.325\n"
                                        "pop_60plus,0,0,0,0.325\n"));
  EXPECT_NEAR(channel_access(zones, in).totals[1].excluded, 32.5, 1e-9);
  // A group the zones do not have is an error, not ignored.
  in.joint =
      read_joint_abilities(write("joint_other.csv", "group,online,terminal,phone,share\npop_x,0,0,0,1\n"));
  EXPECT_NE(std::string(error_of([&] { (void)channel_access(zones, in); }).what()).find("pop_x"),
            std::string::npos);
}

TEST(Channels, JointTableIsCheckedRowByRow) {
  const auto expect_error = [](const std::string& text, const std::string& needle, std::size_t line) {
    const auto path = write("bad_joint.csv", text);
    const Error error = error_of([&] { (void)read_joint_abilities(path); });
    EXPECT_NE(std::string(error.what()).find(needle), std::string::npos) << error.what();
    ASSERT_TRUE(error.where().has_value()) << error.what();
    EXPECT_EQ(error.where()->line, line);
  };
  const std::string header = "group,online,terminal,phone,share\n";
  expect_error(header + "g,1,0,0,0.5\ng,0,0,0,0.4\n", "add to 0.9", 3);
  expect_error(header + "g,2,0,0,1\n", "not 0 or 1", 2);
  expect_error(header + "g,1,0,0,0.5\ng,1,0,0,0.5\n", "twice", 3);
  expect_error(header + "g,1,0,0,50\ng,0,0,0,50\n", "divide percentages", 2);
}

TEST(Channels, ScenarioSitesNeedACapacityWhenTheChannelHasThem) {
  auto request = example();
  request.channels->assisted = write("assisted_cap2.csv", "id,capacity\nS,40\n");
  request.costs.matrix = write("matrix_t.csv", "from,to,cost\nA,X,5\nB,X,40\nB,S,10\nA,S,45\nA,T,3\nB,T,9\n");
  request.scenarios_file = write("help.toml", "[[scenario]]\nname = \"more help\"\nadd_assisted = [\"T\"]\n");
  const Error error = error_of([&] { (void)run_access(request); });
  EXPECT_NE(std::string(error.what()).find("no capacity"), std::string::npos) << error.what();
  request.scenarios_file = write(
      "help2.toml", "[[scenario]]\nname = \"more help\"\nadd_assisted = [{ id = \"T\", capacity = 44 }]\n");
  const auto result = run_access(request);
  ASSERT_EQ(result.scenarios.size(), 1U);
  // 84 in need in B now meet 40 + 44 places: nobody is left there.
  EXPECT_NEAR(*result.scenarios[0].groups[0].excluded_after, 0.0, 1e-9);
}

}  // namespace
}  // namespace equalis::access
