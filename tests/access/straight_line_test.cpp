// Straight-line costs: speeds as written, great-circle seconds checked by hand, the k-d tree's pairs equal
// to every pair within the reach, and run_access naming the source, refusing missing coordinates.

#include "access/straight_line.hpp"

#include "access_test_support.hpp"
#include "test_support.hpp"

#include "access/access_run.hpp"
#include "access/measures.hpp"
#include "network/graph.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <random>
#include <set>
#include <tuple>
#include <unistd.h>

namespace equalis::access {
namespace {

using test::Scratch;
using test_support::error_of;

TEST(StraightLine, SpeedsAreReadWithTheirUnit) {
  EXPECT_DOUBLE_EQ(parse_speed("4.5km/h", "straight_line"), 1.25);
  EXPECT_DOUBLE_EQ(parse_speed(" 4.5 km/h ", "straight_line"), 1.25);
  EXPECT_DOUBLE_EQ(parse_speed("18kph", "straight_line"), 5.0);
  EXPECT_DOUBLE_EQ(parse_speed("1.25m/s", "straight_line"), 1.25);
  EXPECT_DOUBLE_EQ(parse_speed("10mph", "straight_line"), 4.4704);
  for (const char* bad : {"4.5", "-4km/h", "0m/s", "fast", "km/h", "nan km/h"}) {
    const Error error = error_of([&] { (void)parse_speed(bad, "straight_line"); });
    EXPECT_NE(std::string(error.what()).find("`straight_line`"), std::string::npos) << error.what();
    EXPECT_NE(error.fix().find("4.5km/h"), std::string::npos) << bad;
  }
  CostSpec spec;
  spec.straight_line = "4.5km/h";
  spec.detour = 1.3;
  EXPECT_EQ(describe_straight_line(spec), "straight line (great circle) at 4.5 km/h, detour ×1.3");
  spec.detour = 0.8;
  EXPECT_NE(std::string(error_of([&] { (void)describe_straight_line(spec); }).what()).find("`detour`"),
            std::string::npos);
}

TEST(StraightLine, SecondsAreTheHaversineDistanceTimesTheDetourOverTheSpeed) {
  // On the equator 0.1° of longitude is R · 0.1 · π/180 = 11 119.508 m (R = 6 371 009 m); along a meridian
  // 1° of latitude is 111 195.08 m; Belo Horizonte (−43.94, −19.97) → (−43.90, −19.92) is 6 956.42 m
  // (haversine worked separately).
  const std::vector<network::Place> origins{{"o", 0.0, 0.0}, {"bh", -43.94, -19.97}};
  const std::vector<std::vector<network::Place>> sets{{{"e", 0.1, 0.0}, {"n", 0.0, 1.0}},
                                                      {{"b", -43.90, -19.92}}};
  const auto matrix = straight_line_matrix(origins, sets, 1.25, 1.3, std::numeric_limits<double>::infinity());
  EXPECT_EQ(matrix.destination_ids, (std::vector<std::string>{"e", "n", "b"}));
  ASSERT_EQ(matrix.size(), 6U);  // every pair: no reach
  const auto cost = [&](std::uint32_t origin, std::uint32_t destination) {
    for (std::size_t pair = 0; pair < matrix.size(); ++pair) {
      if (matrix.origin[pair] == origin && matrix.destination[pair] == destination) return matrix.cost[pair];
    }
    return -1.0F;
  };
  EXPECT_NEAR(cost(0, 0), 11119.508 * 1.3 / 1.25, 0.01);
  EXPECT_NEAR(cost(0, 1), 111195.08 * 1.3 / 1.25, 0.1);
  EXPECT_NEAR(cost(1, 2), 6956.4248 * 1.3 / 1.25, 0.01);  // 7 234.68 s, about two hours on foot
  // Within 12 000 s (11 538 m at 1.25 m/s with ×1.3) only o → e (11 564 s) and bh → b are kept, but each
  // origin's nearest site of every set is listed too: o → b and bh → e, far beyond, and not o → n.
  const auto bounded = straight_line_matrix(origins, sets, 1.25, 1.3, 12000.0);
  std::set<std::pair<std::uint32_t, std::uint32_t>> pairs;
  for (std::size_t pair = 0; pair < bounded.size(); ++pair)
    pairs.emplace(bounded.origin[pair], bounded.destination[pair]);
  EXPECT_EQ(pairs, (std::set<std::pair<std::uint32_t, std::uint32_t>>{{0, 0}, {0, 2}, {1, 0}, {1, 2}}));
}

TEST(StraightLine, TheTreeFindsExactlyThePairsWithinTheReach) {
  std::mt19937 random(7);
  std::uniform_real_distribution<double> lon(-44.1, -43.8);
  std::uniform_real_distribution<double> lat(-20.1, -19.8);
  std::vector<network::Place> origins;
  std::vector<network::Place> sites;
  for (int i = 0; i < 300; ++i) origins.push_back({fmt::format("z{}", i), lon(random), lat(random)});
  for (int i = 0; i < 80; ++i) sites.push_back({fmt::format("s{}", i), lon(random), lat(random)});
  const double reach = 1800.0;  // 30 minutes at 5 km/h: 2.5 km
  const double speed = 5.0 / 3.6;
  const auto matrix = straight_line_matrix(origins, {sites}, speed, 1.0, reach);
  std::set<std::pair<std::uint32_t, std::uint32_t>> within;
  for (std::size_t pair = 0; pair < matrix.size(); ++pair) {
    if (matrix.cost[pair] <= static_cast<float>(reach))
      within.emplace(matrix.origin[pair], matrix.destination[pair]);
  }
  std::set<std::pair<std::uint32_t, std::uint32_t>> expected;
  for (std::uint32_t z = 0; z < origins.size(); ++z) {
    for (std::uint32_t s = 0; s < sites.size(); ++s) {
      const double seconds =
          network::haversine_m(origins[z].lon, origins[z].lat, sites[s].lon, sites[s].lat) / speed;
      if (static_cast<float>(seconds) <= static_cast<float>(reach)) expected.emplace(z, s);
    }
  }
  EXPECT_GT(expected.size(), 100U);
  EXPECT_LT(matrix.size(), origins.size() * sites.size() / 2);  // not every pair
  EXPECT_EQ(within, expected);
}

// The cost to the n-th closest from the k-nearest pairs equals the one from every pair: random places,
// random capacities (some 0: sites a scenario closes, which must not count), n from a fraction of one
// site to more than the reach holds, with and without a reach of other measures.
TEST(StraightLine, ClosestFromTheNearestSitesEqualsEveryPair) {
  std::mt19937 random(11);
  std::uniform_real_distribution<double> lon(-44.1, -43.8);
  std::uniform_real_distribution<double> lat(-20.1, -19.8);
  std::uniform_int_distribution<int> seats(0, 4);
  for (int round = 0; round < 6; ++round) {
    std::vector<network::Place> origins;
    std::vector<network::Place> sites;
    std::vector<double> capacity;
    for (int i = 0; i < 400; ++i) origins.push_back({fmt::format("z{}", i), lon(random), lat(random)});
    const int site_count = 5 + 40 * round;
    for (int i = 0; i < site_count; ++i) {
      sites.push_back({fmt::format("s{}", i), lon(random), lat(random)});
      capacity.push_back(seats(random));
    }
    if (round == 1) origins.push_back({"on_a_site", sites[0].lon, sites[0].lat});
    const double speed = 5.0 / 3.6;
    const auto closest_of = [&](const io::LongMatrix& matrix, double n) {
      const CostRows rows = make_cost_rows(origins.size(), matrix.origin, matrix.destination, matrix.cost,
                                           io::CostUnit::Seconds, "test");
      std::vector<double> counted = capacity;  // the rows' sites are those of the only set
      return cost_to_closest(rows, counted, n);
    };
    const auto every =
        straight_line_matrix(origins, {sites}, speed, 1.3, std::numeric_limits<double>::infinity());
    for (const double n : {0.5, 1.0, 3.0, 12.0}) {
      for (const double reach : {0.0, 600.0}) {
        const auto nearest = straight_line_matrix(origins, {sites}, speed, 1.3, reach, null_progress(),
                                                  ClosestNeed{n, capacity});
        EXPECT_EQ(closest_of(nearest, n), closest_of(every, n)) << "round " << round << ", n " << n;
        if (round >= 3) {
          EXPECT_LT(nearest.size(), every.size() / 4) << "round " << round << ", n " << n;
        }
      }
    }
  }
}

// Through run_access: `closest` with a cutoff measure gives the same values as with a measure that needs
// every pair (gravity with an exponential decay), and the zones' nearest costs too.
TEST(StraightLine, RunAccessClosestWithoutEveryPair) {
  const Scratch scratch("equalis_straight");
  std::mt19937 random(5);
  std::uniform_real_distribution<double> coordinate(0.0, 0.2);
  std::uniform_int_distribution<int> seats(1, 3);
  std::string zones = "id,population,lon,lat\n";
  std::string sites = "id,capacity,lon,lat\n";
  for (int i = 0; i < 300; ++i)
    zones += fmt::format("z{},{},{},{}\n", i, 10 + i, coordinate(random), coordinate(random));
  for (int i = 0; i < 60; ++i)
    sites += fmt::format("s{},{},{},{}\n", i, seats(random), coordinate(random), coordinate(random));
  AccessRequest request;
  request.zones.file = scratch.write("random_zones.csv", zones);
  request.facilities.file = scratch.write("random_sites.csv", sites);
  request.costs.straight_line = "4.5km/h";
  request.costs.detour = 1.3;
  request.measures = {"closest", "closest=5", "cumulative=20min"};
  // A scenario closing ten sites and opening one: its closest needs sites beyond the baseline's nearest.
  std::string closed;
  for (int i = 0; i < 10; ++i) closed += fmt::format("{}\"s{}\"", i == 0 ? "" : ", ", i);
  request.scenarios_file = scratch.write(
      "random.toml",
      fmt::format("[[scenario]]\nname = \"fewer\"\nclose_facilities = [{}]\n"
                  "open_facilities = [{{ id = \"new\", capacity = 2, lon = 0.1, lat = 0.1 }}]\n",
                  closed));
  const AccessResult nearest = run_access(request);
  request.measures.emplace_back("gravity=exponential:0.001");
  const AccessResult every = run_access(request);
  EXPECT_LT(nearest.join.pairs_kept, every.join.pairs_kept / 3);
  EXPECT_EQ(every.join.pairs_kept, 300U * 60U);
  for (std::size_t m = 0; m < 3; ++m) EXPECT_EQ(nearest.measures[m].values, every.measures[m].values) << m;
  EXPECT_EQ(nearest.nearest, every.nearest);
  ASSERT_EQ(nearest.scenarios.size(), 1U);
  const GroupChange& fewer = nearest.scenarios[0].groups[0];
  const GroupChange& fewer_every = every.scenarios[0].groups[0];
  for (std::size_t m = 0; m < 3; ++m) {
    EXPECT_EQ(fewer.mean_after[m], fewer_every.mean_after[m]) << m;
    EXPECT_NE(fewer.mean_after[m], fewer.mean_before[m]) << m;
  }
  EXPECT_EQ(nearest.scenarios[0].zones_losing, every.scenarios[0].zones_losing);
}

AccessRequest example(const Scratch& scratch) {
  AccessRequest request;
  // A at the origin, B 0.1° east; the clinic X at 0.05° east (5 559.75 m from both), Y 0.15° east.
  request.zones.file = scratch.write("zones.csv", "id,population,lon,lat\nA,100,0,0\nB,300,0.1,0\n");
  request.facilities.file =
      scratch.write("facilities.csv", "id,capacity,lon,lat\nX,10,0.05,0\nY,20,0.15,0\n");
  request.costs.straight_line = "4.5km/h";
  request.costs.detour = 1.3;
  request.measures = {"cumulative=2h", "closest"};
  return request;
}

TEST(StraightLine, RunAccessCostsInSecondsAndNamesTheSource) {
  const Scratch scratch("equalis_straight");
  const AccessResult result = run_access(example(scratch));
  EXPECT_EQ(result.cost_source, "straight line (great circle) at 4.5 km/h, detour ×1.3");
  EXPECT_EQ(result.cost_unit, io::CostUnit::Seconds);
  const double half = 11119.508 / 2.0 * 1.3 / 1.25;  // 5 782.14 s to X from both zones
  EXPECT_NEAR(result.nearest[0], half, 0.01);
  EXPECT_NEAR(result.nearest[1], half, 0.01);
  // Within 2 h (7 200 s): A reaches X only; B reaches X and Y (also 5 782 s away).
  EXPECT_EQ(result.measures[0].values, (std::vector<double>{10.0, 30.0}));
  EXPECT_NEAR(result.measures[1].values[0], half, 0.01);
}

TEST(StraightLine, BadRequestsAreClearErrors) {
  const Scratch scratch("equalis_straight");
  const auto expect_error = [&](const AccessRequest& request, const std::string& needle) {
    const Error error = error_of([&] { (void)run_access(request); });
    EXPECT_NE(std::string(error.what()).find(needle), std::string::npos) << error.what();
  };
  auto request = example(scratch);
  request.zones.file = scratch.write("nolonlat.csv", "id,population\nA,100\n");
  expect_error(request, "no longitude column");
  request = example(scratch);
  request.facilities.file = scratch.write("nolat.csv", "id,capacity,lon\nX,1,0\n");
  expect_error(request, "no latitude column");
  request = example(scratch);
  request.zones.file = scratch.write("blank.csv", "id,population,lon,lat\nA,100,,0\n");
  expect_error(request, "'lon' is missing");
  request = example(scratch);
  request.costs.unit = io::CostUnit::Minutes;
  expect_error(request, "a straight line gives travel times in seconds");
  request = example(scratch);
  request.costs.matrix = scratch.write("m.csv", "from,to,cost\nA,X,1\n");
  expect_error(request, "only one of them");
  request = example(scratch);
  request.costs.straight_line = "4.5";
  expect_error(request, "has no unit");
}

// Population-weighted points: A's points at 0° (1 person) and 0.02° east (3 people), X at 0.05° east: A's
// distance is (1 · 0.05° + 3 · 0.03°) / 4 = 0.035° = 3 891.83 m, 3 113.46 s at 1.25 m/s; B keeps its place.
TEST(StraightLine, ZonePointsAverageTheirCostsByPopulation) {
  const Scratch scratch("equalis_straight");
  AccessRequest request = example(scratch);
  request.costs.detour = 1.0;
  request.zones.points = scratch.write("points.csv", "zone,lon,lat,population\nA,0,0,1\nA,0.02,0,3\n");
  request.measures = {"closest"};
  const AccessResult result = run_access(request);
  EXPECT_NEAR(result.nearest[0], 0.035 * 111195.08 / 1.25, 0.01);
  EXPECT_NEAR(result.nearest[1], 0.05 * 111195.08 / 1.25, 0.01);
  EXPECT_NE(result.zones.locations.find("population-weighted mean over 2 points of"), std::string::npos)
      << result.zones.locations;
  // A facility within the reach of one point only still counts when the zone's mean is within it: 9 people
  // 111 m from Y and 1 person 55.6 km away average 5 659 m, 4 527 s, within 2 h — though the far point's
  // own 44 476 s is far beyond the reach searched.
  request.zones.points = scratch.write("far.csv", "zone,lon,lat,population\nA,0,0,9\nA,0.5,0,1\n");
  request.facilities.file = scratch.write("y.csv", "id,capacity,lon,lat\nY,7,0.001,0\n");
  request.measures = {"cumulative=2h", "closest"};
  const AccessResult far = run_access(request);
  EXPECT_EQ(far.measures[0].values[0], 7.0);
  EXPECT_NEAR(far.measures[1].values[0], (0.9 * 0.001 + 0.1 * 0.499) * 111195.08 / 1.25, 0.01);
}

TEST(StraightLine, ZonePointErrorsNameTheLine) {
  const Scratch scratch("equalis_straight");
  const auto expect_error = [&](const AccessRequest& request, const std::string& needle) {
    const Error error = error_of([&] { (void)run_access(request); });
    EXPECT_NE(std::string(error.what()).find(needle), std::string::npos) << error.what();
  };
  AccessRequest request = example(scratch);
  request.zones.points = scratch.write("unknown.csv", "zone,lon,lat,population\nA,0,0,1\nQ,0,0,1\n");
  expect_error(request, "unknown.csv:3:1: zone 'Q' is not in");
  request.zones.points = scratch.write("negative.csv", "zone,lon,lat,population\nA,0,0,-1\n");
  expect_error(request, "negative.csv:2:");
  request.zones.points = scratch.write("lat.csv", "zone,lon,lat,population\nA,0,95,1\n");
  expect_error(request, "not a WGS84 coordinate");
  // Zones without lon/lat need points (or polygons).
  request.zones.file = scratch.write("bare.csv", "id,population\nA,100\nB,300\n");
  request.zones.points = scratch.write("onlya.csv", "zone,lon,lat,population\nA,0,0,1\n");
  expect_error(request, "zone 'B' has no point in");
  // A matrix has one cost per zone.
  request = example(scratch);
  request.costs.straight_line.clear();
  request.costs.matrix = scratch.write("m.csv", "from,to,cost\nA,X,1\n");
  request.measures = {"closest"};
  request.zones.points = scratch.write("p.csv", "zone,lon,lat,population\nA,0,0,1\n");
  expect_error(request, "zone points need costs from places");
}

}  // namespace
}  // namespace equalis::access
