// Isochrones: reachable sets, partially reachable arcs, the network-buffer outline against the convex
// hull on a hand-drawn fork and on Monaco.

#include "network/isochrone.hpp"

#include "network_test_data.hpp"
#include "test_support.hpp"

#include "core/error.hpp"
#include "network/matrix.hpp"
#include "network/network.hpp"
#include "network/snap.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace equalis::network {
namespace {

using test_support::error_of;

constexpr double kLon0 = 10.0;
constexpr double kLat0 = 45.0;
constexpr double kDegree = std::numbers::pi / 180.0;

// The point `east` / `north` metres from (kLon0, kLat0) on the module's sphere (small offsets).
std::array<double, 2> offset(double east, double north) {
  return {kLon0 + east / (kEarthRadiusM * std::cos(kLat0 * kDegree)) / kDegree,
          kLat0 + north / kEarthRadiusM / kDegree};
}

// Arcs both ways between each pair, with the given travel time.
Graph graph_of(const std::vector<std::array<double, 2>>& metres,
               const std::vector<std::tuple<NodeId, NodeId, TravelTimeMs>>& roads) {
  std::vector<Arc> arcs;
  for (const auto& [a, b, t] : roads) {
    arcs.push_back({a, b, t});
    arcs.push_back({b, a, t});
  }
  Graph g = graph_from_arcs(metres.size(), std::move(arcs));
  for (const auto& m : metres) {
    const auto p = offset(m[0], m[1]);
    g.lon.push_back(p[0]);
    g.lat.push_back(p[1]);
    g.osm_id.push_back(static_cast<std::int64_t>(g.osm_id.size() + 1));
  }
  return g;
}

// A fork at 10 m/s: O -> A (2 km north-east) and O -> B (2 km north-west), A -> C 1 km east, and a top
// road A - B (2 828.4 m). With 250 s: A and B at 200 s; C's road half reached (50 of 100 s); the top
// road reached 50 s (500 m, 17.7 %) from either end.
constexpr double kDiag = 2000.0 / std::numbers::sqrt2;  // 1414.2 m
Graph fork() {
  return graph_of({{0, 0}, {kDiag, kDiag}, {-kDiag, kDiag}, {kDiag + 1000.0, kDiag}},
                  {{0, 1, 200000}, {0, 2, 200000}, {1, 3, 100000}, {1, 2, 282843}});
}

bool contains_m(const IsochroneOutline& outline, double east, double north) {
  const auto p = offset(east, north);
  return outline_contains(outline, p[0], p[1]);
}

TEST(Isochrone, ReachableSegmentsInterpolateTheRemainingTime) {
  const Graph g = fork();
  const std::vector<TravelTimeMs> d = dijkstra_one_to_all(g, 0);
  const std::vector<ReachedSegment> s = reachable_segments(g, d, 250000);
  ASSERT_EQ(s.size(), 5U);
  // O - A and O - B: reached fully from O (and 25 % back from A/B): one full segment each.
  EXPECT_EQ(s[0].from, 0U);
  EXPECT_EQ(s[0].to, 1U);
  EXPECT_EQ(s[0].fraction, 1.0);
  EXPECT_EQ(s[1].to, 2U);
  EXPECT_EQ(s[1].fraction, 1.0);
  // A -> B and B -> A: 50 000 of 282 843 ms each; they do not meet, so two pieces.
  EXPECT_EQ(s[2].from, 1U);
  EXPECT_EQ(s[2].to, 2U);
  EXPECT_NEAR(s[2].fraction, 50000.0 / 282843.0, 1e-15);
  EXPECT_EQ(s[3].from, 2U);
  EXPECT_EQ(s[3].to, 1U);
  EXPECT_NEAR(s[3].fraction, 50000.0 / 282843.0, 1e-15);
  // A -> C: half; C is not reached, so nothing comes back.
  EXPECT_EQ(s[4].from, 1U);
  EXPECT_EQ(s[4].to, 3U);
  EXPECT_EQ(s[4].fraction, 0.5);
  // With 350 s the two pieces of the top road meet (150 s from each end > 282.8 s) and A -> C (100 s)
  // is whole: four full segments.
  const auto full = reachable_segments(g, d, 350000);
  ASSERT_EQ(full.size(), 4U);
  for (const ReachedSegment& segment : full) EXPECT_EQ(segment.fraction, 1.0);
}

TEST(Isochrone, NetworkOutlineExcludesTheGapThatTheHullCovers) {
  const Graph g = fork();
  const Isochrone iso = compute_isochrone(g, 0, 250000);
  EXPECT_EQ(iso.nodes, (std::vector<NodeId>{0, 1, 2}));
  const IsochroneOutline& outline = iso.outline;
  EXPECT_EQ(outline.method, OutlineMethod::NetworkBuffer);
  ASSERT_EQ(outline.polygons.size(), 1U);
  for (const NodeId v : iso.nodes) EXPECT_TRUE(outline_contains(outline, g.lon[v], g.lat[v])) << v;
  // Between the branches, 848 m from each and 939 m from the reached ends of the top road.
  EXPECT_FALSE(contains_m(outline, 0.0, 1200.0));
  // Along A -> C the reach ends 500 m after A; the 100 m buffer goes on to 600 m.
  EXPECT_TRUE(contains_m(outline, kDiag + 250.0, kDiag + 80.0));
  EXPECT_TRUE(contains_m(outline, kDiag + 590.0, kDiag));
  EXPECT_FALSE(contains_m(outline, kDiag + 610.0, kDiag));
  EXPECT_FALSE(contains_m(outline, kDiag + 1000.0, kDiag));  // C itself
  // The top road: 500 m from A reached, buffered; its middle is not.
  EXPECT_TRUE(contains_m(outline, kDiag - 590.0, kDiag));
  EXPECT_FALSE(contains_m(outline, kDiag - 610.0, kDiag));
  // Exterior counter-clockwise and closed (RFC 7946).
  const geo::Ring& ring = outline.polygons[0].rings[0];
  EXPECT_EQ(ring.front(), ring.back());
  double doubled = 0.0;
  for (std::size_t i = 0; i + 1 < ring.size(); ++i)
    doubled += ring[i].x * ring[i + 1].y - ring[i + 1].x * ring[i].y;
  EXPECT_GT(doubled, 0.0);

  // With 350 s the top road is whole, 214 m from the gap point: still outside.
  const Isochrone more = compute_isochrone(g, 0, 350000);
  EXPECT_FALSE(contains_m(more.outline, 0.0, 1200.0));
  EXPECT_TRUE(contains_m(more.outline, 0.0, 1350.0));

  const Isochrone hull = compute_isochrone(g, 0, 250000, {OutlineMethod::ConvexHull, 0.0});
  EXPECT_EQ(hull.outline.method, OutlineMethod::ConvexHull);
  EXPECT_TRUE(contains_m(hull.outline, 0.0, 1200.0));
  // Triangle O, A, B: 2 km legs at a right angle -> 2 000 000 m² (the test places A and B with the
  // scale of O's parallel, 1.1e-4 off the projection's at their latitude).
  EXPECT_NEAR(hull.outline.area_m2, 2.0e6, 2.0e6 * 5e-4);
}

// Areas by hand: a buffered segment of length L is a rectangle 2rL plus a disc pi r²; the polygonal
// disc (8 segments per quadrant) is 16 r² sin(pi/16) = 3.1214 r², 0.64 % smaller.
TEST(Isochrone, BufferedAreasOfASegmentAndAPoint) {
  const Graph g = graph_of({{0, 0}, {1000.0, 0}}, {{0, 1, 100000}});
  const double r = 100.0;
  const double disc = std::numbers::pi * r * r;  // 31 415.9 m²
  const Isochrone point = compute_isochrone(g, 0, 0);
  EXPECT_TRUE(point.segments.empty());
  EXPECT_NEAR(point.outline.area_m2, disc, 0.01 * disc);
  const Isochrone whole = compute_isochrone(g, 0, 1000000);
  EXPECT_NEAR(whole.outline.area_m2, 2 * r * 1000.0 + disc, 0.005 * (2 * r * 1000.0 + disc));  // 231 416
  const Isochrone quarter = compute_isochrone(g, 0, 25000);
  EXPECT_NEAR(quarter.outline.area_m2, 2 * r * 250.0 + disc, 0.005 * (2 * r * 250.0 + disc));  // 81 416
  const Isochrone wide = compute_isochrone(g, 0, 1000000, {OutlineMethod::NetworkBuffer, 250.0});
  EXPECT_NEAR(wide.outline.area_m2, 2 * 250.0 * 1000.0 + std::numbers::pi * 250.0 * 250.0, 0.005 * 696350.0);
  EXPECT_EQ(wide.outline.buffer_m, 250.0);
}

// A square ring road of 1 km sides, all reached: every node has two segments (one closed polyline).
// Buffered by 100 m: outer square of 1.2 km with rounded corners, 1 440 000 - (4 - pi) 10 000 =
// 1 431 416 m², minus the 800 m square hole, 640 000 m²: 791 416 m².
TEST(Isochrone, RingRoadLeavesAHole) {
  const Graph g = graph_of({{0, 0}, {1000.0, 0}, {1000.0, 1000.0}, {0, 1000.0}},
                           {{0, 1, 100000}, {1, 2, 100000}, {2, 3, 100000}, {3, 0, 100000}});
  const Isochrone iso = compute_isochrone(g, 0, 1000000);
  ASSERT_EQ(iso.outline.polygons.size(), 1U);
  EXPECT_EQ(iso.outline.polygons[0].rings.size(), 2U);
  EXPECT_NEAR(iso.outline.area_m2, 791416.0, 0.005 * 791416.0);
  for (NodeId v = 0; v < 4; ++v) EXPECT_TRUE(outline_contains(iso.outline, g.lon[v], g.lat[v]));
  EXPECT_FALSE(contains_m(iso.outline, 500.0, 500.0));  // the middle of the block
  EXPECT_TRUE(contains_m(iso.outline, 500.0, 950.0));
  // The hole is clockwise (RFC 7946).
  const geo::Ring& hole = iso.outline.polygons[0].rings[1];
  double doubled = 0.0;
  for (std::size_t i = 0; i + 1 < hole.size(); ++i)
    doubled += hole[i].x * hole[i + 1].y - hole[i + 1].x * hole[i].y;
  EXPECT_LT(doubled, 0.0);
}

TEST(Isochrone, BadOptionsAndOriginsAreInvalidInput) {
  const Graph g = fork();
  EXPECT_EQ(error_of([&] { (void)compute_isochrone(g, 4, 1000); }).code(), ErrorCode::InvalidInput);
  for (const double buffer :
       {0.0, -5.0, std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity()}) {
    EXPECT_EQ(error_of([&] {
                (void)compute_isochrone(g, 0, 1000, {OutlineMethod::NetworkBuffer, buffer});
              }).code(),
              ErrorCode::InvalidInput)
        << buffer;
  }
  // The hull ignores the buffer.
  EXPECT_NO_THROW((void)compute_isochrone(g, 0, 1000, {OutlineMethod::ConvexHull, 0.0}));
}

TEST(Isochrone, OutlineContainsHonoursHoles) {
  IsochroneOutline square;
  square.polygons.push_back(
      {{{{0, 0}, {4, 0}, {4, 4}, {0, 4}, {0, 0}}, {{1, 1}, {1, 3}, {3, 3}, {3, 1}, {1, 1}}}});
  EXPECT_TRUE(outline_contains(square, 0.5, 2.0));
  EXPECT_FALSE(outline_contains(square, 2.0, 2.0));  // in the hole
  EXPECT_FALSE(outline_contains(square, 5.0, 2.0));
  EXPECT_FALSE(outline_contains(IsochroneOutline{}, 0.0, 0.0));
}

const Graph& monaco_car() {
  static const Graph graph = build_graph_from_osm(testing::kMonaco, car_profile()).graph;
  return graph;
}

TEST(Isochrone, MonacoReachableSetMatchesDijkstraAndBothOutlinesContainIt) {
  const Graph& g = monaco_car();
  const NodeId origin = NodeSnapper(g).snap(7.4200, 43.7313).node;
  const Isochrone iso = compute_isochrone(g, origin, 180000);
  const Isochrone hull = compute_isochrone(g, origin, 180000, {OutlineMethod::ConvexHull, 0.0});
  const std::vector<TravelTimeMs> d = dijkstra_one_to_all(g, origin);
  const auto expected =
      static_cast<std::size_t>(std::count_if(d.begin(), d.end(), [](TravelTimeMs t) { return t <= 180000; }));
  EXPECT_EQ(iso.nodes.size(), expected);
  EXPECT_EQ(iso.nodes.front(), origin);
  EXPECT_TRUE(std::is_sorted(iso.time.begin(), iso.time.end()));
  EXPECT_EQ(hull.nodes, iso.nodes);
  ASSERT_FALSE(iso.outline.polygons.empty());
  ASSERT_EQ(hull.outline.polygons.size(), 1U);
  for (const NodeId v : iso.nodes) {
    ASSERT_TRUE(outline_contains(iso.outline, g.lon[v], g.lat[v])) << v;
    // Every reachable node lies inside or on the counter-clockwise hull.
    const geo::Ring& ring = hull.outline.polygons[0].rings[0];
    for (std::size_t i = 0; i + 1 < ring.size(); ++i) {
      const geo::Point& a = ring[i];
      const geo::Point& b = ring[i + 1];
      ASSERT_GE((b.x - a.x) * (g.lat[v] - a.y) - (b.y - a.y) * (g.lon[v] - a.x), -1e-12);
    }
  }
  // Plausible area: below the hull's (the sea and the hillside are not reachable), above the buffered
  // length's lower bound of one disc, and below the sum of the buffered segments.
  double length_m = 0.0;
  for (const ReachedSegment& s : iso.segments)
    length_m += s.fraction * haversine_m(g.lon[s.from], g.lat[s.from], g.lon[s.to], g.lat[s.to]);
  const double r = kDefaultIsochroneBufferM;
  EXPECT_LT(iso.outline.area_m2, hull.outline.area_m2);
  EXPECT_GT(iso.outline.area_m2, 0.3 * hull.outline.area_m2);
  EXPECT_LT(iso.outline.area_m2, 2 * r * length_m + std::numbers::pi * r * r);
  EXPECT_GT(iso.outline.area_m2, std::numbers::pi * r * r);
}

// 15 minutes reach nearly all of Monaco's graph; the convex hull then spans the sea and the hillside,
// about twice the buffered network's area.
TEST(Isochrone, MonacoFifteenMinutesNetworkOutlineWellInsideTheHull) {
  const Graph& g = monaco_car();
  const NodeId origin = NodeSnapper(g).snap(7.4200, 43.7313).node;
  const Isochrone iso = compute_isochrone(g, origin, 900000);
  const Isochrone hull = compute_isochrone(g, origin, 900000, {OutlineMethod::ConvexHull, 0.0});
  for (const NodeId v : iso.nodes) ASSERT_TRUE(outline_contains(iso.outline, g.lon[v], g.lat[v])) << v;
  EXPECT_LT(iso.outline.area_m2, 0.7 * hull.outline.area_m2);
  EXPECT_GT(iso.outline.area_m2, 5.0e6);  // Monaco alone is 2 km²; the graph reaches into France
}

TEST(ConvexHull, SquareWithInteriorAndCollinearPoints) {
  const auto hull = convex_hull({{0, 0}, {2, 0}, {1, 0}, {2, 2}, {0, 2}, {1, 1}, {0, 0}});
  EXPECT_EQ(hull, (std::vector<std::array<double, 2>>{{0, 0}, {2, 0}, {2, 2}, {0, 2}}));
  EXPECT_EQ(convex_hull({{1, 1}, {1, 1}}).size(), 1U);
}

}  // namespace
}  // namespace equalis::network
