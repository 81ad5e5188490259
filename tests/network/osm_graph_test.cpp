#include "network/osm_graph.hpp"

#include "network_test_data.hpp"
#include "test_support.hpp"

#include "core/error.hpp"
#include "network/profile.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <map>

namespace equalis::network {
namespace {

using testing::kMonaco;
using testing::kRulesOsm;
using testing::write_temp;

// (from osm id, to osm id) -> ms, from the graph.
std::map<std::pair<std::int64_t, std::int64_t>, TravelTimeMs> arcs_by_osm_id(const Graph& g) {
  std::map<std::pair<std::int64_t, std::int64_t>, TravelTimeMs> out;
  for (NodeId v = 0; v < g.node_count(); ++v) {
    for (auto a = g.first_out[v]; a < g.first_out[v + 1]; ++a)
      out[{g.osm_id[v], g.osm_id[g.head[a]]}] = g.travel_time[a];
  }
  return out;
}

TEST(Haversine, QuarterMeridianAndZero) {
  // Pole to equator is a quarter of the great circle: pi/2 * R.
  EXPECT_NEAR(haversine_m(0.0, 0.0, 0.0, 90.0), 1.5707963267948966 * 6371009.0, 1e-6);
  EXPECT_EQ(haversine_m(7.4, 43.7, 7.4, 43.7), 0.0);
}

TEST(Maxspeed, ParsesNumbersAndUnits) {
  EXPECT_EQ(parse_maxspeed_kmh("50"), 50.0);
  EXPECT_EQ(parse_maxspeed_kmh(" 50 km/h"), 50.0);
  EXPECT_EQ(parse_maxspeed_kmh("50kmh"), 50.0);
  EXPECT_DOUBLE_EQ(*parse_maxspeed_kmh("30 mph"), 48.28032);
  EXPECT_FALSE(parse_maxspeed_kmh("FR:urban"));
  EXPECT_FALSE(parse_maxspeed_kmh("none"));
  EXPECT_FALSE(parse_maxspeed_kmh("50;30"));
  EXPECT_FALSE(parse_maxspeed_kmh("0"));
  EXPECT_FALSE(parse_maxspeed_kmh("-5"));
  EXPECT_FALSE(parse_maxspeed_kmh(""));
  EXPECT_FALSE(parse_maxspeed_kmh("0.001"));  // a mapping error, not a speed: the class speed applies
  EXPECT_FALSE(parse_maxspeed_kmh("1e300"));
}

TEST(CarProfile, ClassifiesTagsAsTheIssueStates) {
  const Profile car = car_profile();
  auto classify = [&](std::map<std::string, std::string> tags) {
    return classify_way(car, [&](const char* key) -> const char* {
      const auto it = tags.find(key);
      return it == tags.end() ? nullptr : it->second.c_str();
    });
  };
  EXPECT_EQ(classify({{"highway", "motorway"}}).speed_kmh, 90.0);
  EXPECT_EQ(classify({{"highway", "living_street"}}).speed_kmh, 10.0);
  EXPECT_EQ(classify({{"highway", "footway"}}).direction, Direction::None);
  EXPECT_EQ(classify({{"highway", "service"}}).direction, Direction::None);
  EXPECT_EQ(classify({{"highway", "road"}}).direction, Direction::Both);
  EXPECT_EQ(classify({{"highway", "primary"}, {"oneway", "true"}}).direction, Direction::Forward);
  EXPECT_EQ(classify({{"highway", "primary"}, {"oneway", "1"}}).direction, Direction::Forward);
  EXPECT_EQ(classify({{"highway", "primary"}, {"oneway", "reverse"}}).direction, Direction::Backward);
  EXPECT_EQ(classify({{"highway", "primary"}, {"oneway", "no"}}).direction, Direction::Both);
  EXPECT_EQ(classify({{"highway", "primary"}, {"junction", "roundabout"}}).direction, Direction::Forward);
  EXPECT_EQ(classify({{"highway", "primary"}, {"area", "yes"}}).direction, Direction::None);
  EXPECT_EQ(classify({{"highway", "primary"}, {"access", "no"}}).direction, Direction::None);
  EXPECT_EQ(classify({{"highway", "primary"}, {"access", "destination"}}).direction, Direction::Both);
  EXPECT_EQ(classify({{"highway", "primary"}, {"motor_vehicle", "yes"}, {"access", "private"}}).direction,
            Direction::Both);
  EXPECT_EQ(classify({{"highway", "primary"}, {"motorcar", "no"}, {"motor_vehicle", "yes"}}).direction,
            Direction::None);
  EXPECT_EQ(classify({{"highway", "primary"}, {"maxspeed", "FR:urban"}}).speed_kmh, 65.0);
}

TEST(OsmGraph, HandDrawnExtractFollowsEveryRule) {
  const std::string path = write_temp("rules.osm", kRulesOsm);
  const OsmGraph built = build_graph_from_osm(path, car_profile());
  const Graph& g = built.graph;
  EXPECT_EQ(g.profile, "car");
  EXPECT_EQ(built.report.ways_read, 14U);
  EXPECT_EQ(built.report.ways_routable,
            9U);  // 106 private, 107 footway, 108 area, 110 motor_vehicle, 114 no highway
  EXPECT_EQ(built.report.components.nodes_before, 6U);
  EXPECT_EQ(built.report.components.arcs_before, 14U);
  EXPECT_EQ(built.report.components.nodes_kept, 5U);
  EXPECT_EQ(built.report.components.arcs_kept, 13U);
  // Expected milliseconds from an independent python computation (tests/network/network_test_data.hpp).
  const std::map<std::pair<std::int64_t, std::int64_t>, TravelTimeMs> expected{
      {{1, 2}, 28941},  {{2, 1}, 28941},  {{1, 3}, 123487}, {{3, 1}, 123487}, {{1, 4}, 72782},
      {{2, 3}, 160121}, {{3, 2}, 160121}, {{2, 5}, 127928}, {{5, 2}, 127928}, {{3, 4}, 57871},
      {{3, 5}, 98785},  {{5, 3}, 98785},  {{4, 5}, 61741}};
  EXPECT_EQ(arcs_by_osm_id(g), expected);
  ASSERT_EQ(g.osm_id.size(), 5U);
  EXPECT_EQ(g.osm_id[0], 1);
  EXPECT_DOUBLE_EQ(g.lon[2], 7.41);
  EXPECT_DOUBLE_EQ(g.lat[2], 43.71);
  std::filesystem::remove(path);
}

TEST(OsmGraph, SpeedTableFromFileOverridesClasses) {
  const std::string osm = write_temp("rules_speed.osm", kRulesOsm);
  const std::string speeds = write_temp("speeds.csv", "highway,speed_kmh\nresidential,50\nfootway,5\n");
  Profile car = car_profile();
  load_speed_table(speeds, car);
  EXPECT_EQ(car.speed_kmh.at("residential"), 50.0);
  EXPECT_EQ(car.speed_kmh.at("footway"), 5.0);
  const auto arcs = arcs_by_osm_id(build_graph_from_osm(osm, car).graph);
  // python: 2->3 residential at 50 km/h is 80060.46 ms; the footway 1-6 at 5 km/h 289405.41 ms.
  EXPECT_EQ(arcs.at({2, 3}), 80060U);
  EXPECT_EQ(arcs.at({1, 6}), 289405U);
  EXPECT_EQ(arcs.at({6, 1}), 289405U);
  const std::string bad = write_temp("bad_speeds.csv", "highway,speed_kmh\nresidential,fast\n");
  try {
    load_speed_table(bad, car);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidInput);
    ASSERT_TRUE(e.where());
    EXPECT_EQ(e.where()->line, 2U);
    EXPECT_EQ(e.where()->column, 13U);
  }
  for (const auto& p : {osm, speeds, bad}) std::filesystem::remove(p);
}

// Regression (hardening issue): a speed of 1e-300 or 0.0001 km/h was accepted, after which segment
// milliseconds wrapped around (a slower road gave a faster route). Implausible speeds and repeated classes
// are errors at the offending cell.
TEST(OsmGraph, SpeedTableRefusesImplausibleSpeedsAndRepeatedClasses) {
  Profile car = car_profile();
  for (const char* speed : {"1e-300", "0.0001", "0.5", "401", "nan", "-3"}) {
    const std::string bad =
        write_temp("implausible.csv", fmt::format("highway,speed_kmh\nresidential,{}\n", speed));
    const Error e = test_support::error_of([&] { load_speed_table(bad, car); });
    EXPECT_EQ(e.code(), ErrorCode::InvalidInput) << speed;
    ASSERT_TRUE(e.where()) << speed;
    EXPECT_EQ(e.where()->line, 2U);
    std::filesystem::remove(bad);
  }
  const std::string twice =
      write_temp("twice.csv", "highway,speed_kmh\nresidential,30\nprimary,60\nresidential,40\n");
  const Error e = test_support::error_of([&] { load_speed_table(twice, car); });
  ASSERT_TRUE(e.where());
  EXPECT_EQ(e.where()->line, 4U);
  EXPECT_NE(std::string(e.what()).find("line 2"), std::string::npos) << e.what();
  std::filesystem::remove(twice);
}

TEST(OsmGraph, MonacoCarGraphHasTheDocumentedSize) {
  const OsmGraph built = build_graph_from_osm(kMonaco, car_profile());
  EXPECT_EQ(built.graph.node_count(), 12373U);
  EXPECT_EQ(built.graph.arc_count(), 21671U);
  EXPECT_EQ(built.report.ways_read, 27377U);
  EXPECT_GT(built.report.components.nodes_before, built.report.components.nodes_kept);
  const Components c = strongly_connected_components(built.graph);
  EXPECT_EQ(c.count, 1U);
}

TEST(OsmGraph, MonacoWalkGraphIsLargerAndSymmetric) {
  const OsmGraph built = build_graph_from_osm(kMonaco, walk_profile());
  EXPECT_GT(built.graph.node_count(), 12373U);
  const Graph reversed = reverse_graph(built.graph);
  EXPECT_EQ(reversed.head, built.graph.head);  // every arc has its twin: walking ignores oneway
}

TEST(OsmGraph, BadInputsGiveClearErrors) {
  auto code_of = [](const std::string& path) {
    try {
      (void)build_graph_from_osm(path, car_profile());
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
      return e.code();
    }
    return ErrorCode::Internal;
  };
  EXPECT_EQ(code_of("/nonexistent/x.osm.pbf"), ErrorCode::Io);
  const std::string not_osm = write_temp("not_osm.osm.pbf", "id,lon,lat\n1,2,3\nthis is not a PBF file\n");
  EXPECT_EQ(code_of(not_osm), ErrorCode::Parse);
  const std::string not_xml = write_temp("not_xml.osm", "hello <osm");
  EXPECT_EQ(code_of(not_xml), ErrorCode::Parse);
  const std::string wrong_ext = write_temp("roads.txt", "whatever");
  EXPECT_EQ(code_of(wrong_ext), ErrorCode::Unsupported);
  // Truncated: the first half of the Monaco PBF.
  std::ifstream in(kMonaco, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string truncated = write_temp("truncated.osm.pbf", bytes.substr(0, bytes.size() / 2));
  EXPECT_EQ(code_of(truncated), ErrorCode::Parse);
  // Corrupt: bytes flipped in the middle of a data block.
  std::string flipped = bytes;
  for (std::size_t i = 0; i < 64; ++i)
    flipped[bytes.size() / 3 + i] = static_cast<char>(~flipped[bytes.size() / 3 + i]);
  const std::string corrupt = write_temp("corrupt.osm.pbf", flipped);
  EXPECT_EQ(code_of(corrupt), ErrorCode::Parse);
  const std::string footways = write_temp(
      "footways.osm",
      R"(<?xml version="1.0"?><osm version="0.6"><node id="1" lat="1" lon="1"/><node id="2" lat="1.001" lon="1"/>)"
      R"(<way id="1"><nd ref="1"/><nd ref="2"/><tag k="highway" v="footway"/></way></osm>)");
  EXPECT_EQ(code_of(footways), ErrorCode::InvalidInput);
  for (const auto& p : {not_osm, not_xml, wrong_ext, truncated, corrupt, footways})
    std::filesystem::remove(p);
}

TEST(Components, HandExampleKeepsTheLargestCycle) {
  // 0 <-> 1 -> 2 <-> 3 <-> 4 ; 2,3,4 is the largest component, 0,1 the other one.
  Graph g = graph_from_arcs(5, {{0, 1, 1}, {1, 0, 1}, {1, 2, 1}, {2, 3, 1}, {3, 2, 1}, {3, 4, 1}, {4, 3, 1}});
  g.lon = {0, 1, 2, 3, 4};
  g.lat = {0, 0, 0, 0, 0};
  g.osm_id = {10, 11, 12, 13, 14};
  const Components c = strongly_connected_components(g);
  EXPECT_EQ(c.count, 2U);
  EXPECT_EQ(c.component[0], c.component[1]);
  EXPECT_NE(c.component[1], c.component[2]);
  const ComponentReport report = keep_largest_strongly_connected_component(g);
  EXPECT_EQ(report.nodes_kept, 3U);
  EXPECT_EQ(report.arcs_kept, 4U);
  EXPECT_EQ(g.osm_id, (std::vector<std::int64_t>{12, 13, 14}));
  EXPECT_EQ(g.lon, (std::vector<double>{2, 3, 4}));
}

TEST(Components, LongPathNeedsNoRecursion) {
  // A 300k-node bidirectional path would overflow a recursive Tarjan.
  const std::size_t n = 300000;
  std::vector<Arc> arcs;
  for (NodeId v = 0; v + 1 < n; ++v) {
    arcs.push_back({v, v + 1, 1});
    arcs.push_back({v + 1, v, 1});
  }
  const Graph g = graph_from_arcs(n, arcs);
  EXPECT_EQ(strongly_connected_components(g).count, 1U);
}

TEST(GraphFromArcs, ParallelArcsKeepTheMinimumAndLoopsGo) {
  const Graph g = graph_from_arcs(2, {{0, 1, 9}, {0, 1, 4}, {0, 1, 7}, {1, 1, 1}, {1, 0, 3}});
  EXPECT_EQ(g.first_out, (std::vector<std::uint32_t>{0, 1, 2}));
  EXPECT_EQ(g.head, (std::vector<NodeId>{1, 0}));
  EXPECT_EQ(g.travel_time, (std::vector<TravelTimeMs>{4, 3}));
  EXPECT_THROW((void)graph_from_arcs(2, {{0, 2, 1}}), Error);
}

RC_GTEST_PROP(Components, EveryNodeInExactlyOneComponentAndCyclesTogether, ()) {
  const auto n = *rc::gen::inRange<std::size_t>(1, 40);
  const auto pairs = *rc::gen::container<std::vector<std::pair<std::uint32_t, std::uint32_t>>>(
      rc::gen::pair(rc::gen::inRange<std::uint32_t>(0, static_cast<std::uint32_t>(n)),
                    rc::gen::inRange<std::uint32_t>(0, static_cast<std::uint32_t>(n))));
  std::vector<Arc> arcs;
  for (const auto& [a, b] : pairs) arcs.push_back({a, b, 1});
  const Graph g = graph_from_arcs(n, arcs);
  const Components c = strongly_connected_components(g);
  // Brute force: u and v share a component iff each reaches the other.
  std::vector<std::vector<char>> reach(n, std::vector<char>(n, 0));
  for (std::size_t s = 0; s < n; ++s) {
    std::vector<std::size_t> stack{s};
    reach[s][s] = 1;
    while (!stack.empty()) {
      const std::size_t v = stack.back();
      stack.pop_back();
      for (auto a = g.first_out[v]; a < g.first_out[v + 1]; ++a) {
        if (reach[s][g.head[a]] == 0) {
          reach[s][g.head[a]] = 1;
          stack.push_back(g.head[a]);
        }
      }
    }
  }
  for (std::size_t u = 0; u < n; ++u) {
    RC_ASSERT(c.component[u] < c.count);
    for (std::size_t v = 0; v < n; ++v) {
      RC_ASSERT((c.component[u] == c.component[v]) == (reach[u][v] != 0 && reach[v][u] != 0));
    }
  }
}

}  // namespace
}  // namespace equalis::network
