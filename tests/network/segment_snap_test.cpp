// Snapping to road segments: a place beside the middle of a long road joins it there with the partial
// travel times to both ends (one-way arcs respected), two places on one road may go straight along it,
// and on Monaco the contraction hierarchy with these seeds equals plain Dijkstra with the same seeds.

#include "network_test_data.hpp"

#include "core/random.hpp"
#include "network/contraction.hpp"
#include "network/network.hpp"
#include "network/snap.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>

namespace equalis::network {
namespace {

// A straight road along the equator: nodes 0 (lon 0), 1 (lon 0.1, ~11.1 km on), 2 (lon 0.2); each
// segment 10 minutes either way, unless `one_way_first` leaves only 0 -> 1 on the first. A one-way way
// back from 2 to 0 by node 3, 5.5 km north, takes 25 minutes.
RoutingNetwork long_road(bool one_way_first) {
  std::vector<Arc> arcs{{0, 1, 600000}, {1, 2, 600000}, {2, 1, 600000}, {2, 3, 750000}, {3, 0, 750000}};
  if (!one_way_first) arcs.push_back({1, 0, 600000});
  RoutingNetwork net;
  net.graph = graph_from_arcs(4, arcs);
  net.graph.lon = {0.0, 0.1, 0.2, 0.1};
  net.graph.lat = {0.0, 0.0, 0.0, 0.05};
  net.graph.osm_id = {1, 2, 3, 4};
  net.ch = build_contraction_hierarchy(net.graph);
  return net;
}

MatrixRequest segment_request(double max_snap_m = 1000.0) {
  MatrixRequest request;
  request.snap = SnapMode::Segment;
  request.max_snap_m = max_snap_m;
  return request;
}

TEST(SegmentSnap, ABesideTheMiddleOfALongRoadTakesThePartialTimePlusTheRest) {
  const RoutingNetwork net = long_road(false);
  // 40 % along the first road, 111 m north of it; the facility at node 2.
  const std::vector<Place> zone{{"z", 0.04, 0.001}};
  const std::vector<Place> facility{{"f", 0.2, 0.0}};
  const SegmentSnap snap = SegmentSnapper(net.graph).snap(0.04, 0.001);
  EXPECT_NEAR(snap.fraction, 0.4, 1e-9);
  EXPECT_NEAR(snap.distance_m, 111.2, 0.5);
  const PlacesMatrix m = travel_time_matrix(net, zone, facility, segment_request());
  EXPECT_EQ(m.matrix.at(0, 0), 360000U + 600000U);  // 60 % of the first road, then the second
  EXPECT_NEAR(m.origins.distance_m[0], 111.2, 0.5);
  // By node, the zone is 4.4 km from the nearest node: refused at 1 km, 4 min further with 10 km.
  EXPECT_THROW((void)travel_time_matrix(net, zone, facility, MatrixRequest{}), Error);
  MatrixRequest by_node;
  by_node.max_snap_m = 10000.0;
  EXPECT_EQ(travel_time_matrix(net, zone, facility, by_node).matrix.at(0, 0), 1200000U);
  // Two places on the road go straight along it: 20 % of 10 minutes, both ways.
  const std::vector<Place> next{{"n", 0.06, -0.0005}};
  EXPECT_EQ(travel_time_matrix(net, zone, next, segment_request()).matrix.at(0, 0), 120000U);
  EXPECT_EQ(travel_time_matrix(net, next, zone, segment_request()).matrix.at(0, 0), 120000U);
  // The sparse rows say the same.
  const PlacesRows rows = travel_time_rows(net, zone, next, segment_request());
  ASSERT_EQ(rows.rows.pair_count(), 1U);
  EXPECT_EQ(rows.rows.time[0], 120000U);
}

TEST(SegmentSnap, OneWayRoadsAreLeftAndReachedOnlyInTheirDirection) {
  const RoutingNetwork net = long_road(true);
  const SegmentSnap snap = SegmentSnapper(net.graph).snap(0.04, 0.001);
  const Anchor leave = snap.leave();
  ASSERT_EQ(leave.count, 1);  // only on to node 1, with 60 % of the arc
  EXPECT_EQ(leave.seeds[0].node, 1U);
  EXPECT_EQ(leave.seeds[0].offset, 360000U);
  const Anchor arrive = snap.arrive();
  ASSERT_EQ(arrive.count, 1);  // only from node 0, with 40 % of it
  EXPECT_EQ(arrive.seeds[0].node, 0U);
  EXPECT_EQ(arrive.seeds[0].offset, 240000U);
  // Forward along the one-way road 2 minutes; backward round by node 2 (6 + 10 + 25 + 2.4 minutes).
  const std::vector<Place> a{{"a", 0.04, 0.0}};
  const std::vector<Place> b{{"b", 0.06, 0.0}};
  EXPECT_EQ(travel_time_matrix(net, a, b, segment_request()).matrix.at(0, 0), 120000U);
  EXPECT_EQ(travel_time_matrix(net, b, a, segment_request()).matrix.at(0, 0),
            240000U + 600000U + 1500000U + 240000U);
}

// Multi-source Dijkstra on the graph from an origin's seeds (the oracle), read at destinations' seeds.
std::vector<TravelTimeMs> seeded_dijkstra(const Graph& g, const SegmentSnap& from) {
  std::vector<TravelTimeMs> d(g.node_count(), kUnreachable);
  using Entry = std::pair<TravelTimeMs, NodeId>;
  std::vector<Entry> heap;
  const Anchor leave = from.leave();
  for (std::size_t k = 0; k < leave.count; ++k) {
    const Seed s = leave.seeds[k];
    if (s.offset < d[s.node]) {
      d[s.node] = s.offset;
      heap.push_back({s.offset, s.node});
    }
  }
  std::make_heap(heap.begin(), heap.end(), std::greater<>());
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), std::greater<>());
    const auto [dist, node] = heap.back();
    heap.pop_back();
    if (dist != d[node]) continue;
    for (auto arc = g.first_out[node]; arc < g.first_out[node + 1]; ++arc) {
      const TravelTimeMs next = dist + g.travel_time[arc];
      if (next < d[g.head[arc]]) {
        d[g.head[arc]] = next;
        heap.push_back({next, g.head[arc]});
        std::push_heap(heap.begin(), heap.end(), std::greater<>());
      }
    }
  }
  return d;
}

TravelTimeMs time_to(const std::vector<TravelTimeMs>& d, const SegmentSnap& from, const SegmentSnap& to) {
  TravelTimeMs best = along_segment(from, to);
  const Anchor arrive = to.arrive();
  for (std::size_t k = 0; k < arrive.count; ++k) {
    const Seed s = arrive.seeds[k];
    if (d[s.node] != kUnreachable) best = std::min(best, d[s.node] + s.offset);
  }
  return best;
}

TEST(SegmentSnap, MonacoHierarchyEqualsSeededDijkstra) {
  static const BuiltNetwork built = build_network(testing::kMonaco, car_profile());
  const RoutingNetwork& net = built.network;
  const Graph& g = net.graph;
  Rng rng(31);
  const auto places = [&](std::size_t count, const char* prefix) {
    std::vector<Place> out;
    for (std::size_t i = 0; i < count; ++i) {
      const auto node = rng.uniform_index(g.node_count());
      out.push_back({fmt::format("{}{}", prefix, i), g.lon[node] + (rng.uniform01() - 0.5) * 0.004,
                     g.lat[node] + (rng.uniform01() - 0.5) * 0.004});
    }
    return out;
  };
  const auto origins = places(60, "o");
  auto destinations = places(40, "d");
  destinations.push_back({"same", origins[0].lon, origins[0].lat});  // on the first origin's segment
  const SegmentSnapper snapper(g);
  const NodeSnapper nodes(g);
  for (const auto& place : origins) {  // the nearest segment is never further than the nearest node
    const double node_m = nodes.snap(place.lon, place.lat).distance_m;
    EXPECT_LE(snapper.snap(place.lon, place.lat).distance_m, node_m * (1.0 + 1e-5) + 1e-3);
  }
  for (const std::optional<double> limit : {std::optional<double>{}, std::optional<double>{180.0}}) {
    MatrixRequest request = segment_request(2000.0);
    request.max_time_s = limit;
    const TravelTimeMs cut = max_time_ms(limit);
    const PlacesMatrix m = travel_time_matrix(net, origins, destinations, request);
    const PlacesRows rows = travel_time_rows(net, origins, destinations, request);
    std::size_t finite = 0;
    for (std::size_t i = 0; i < origins.size(); ++i) {
      const auto d = seeded_dijkstra(g, m.origins.segment[i]);
      for (std::size_t j = 0; j < destinations.size(); ++j) {
        TravelTimeMs expected = time_to(d, m.origins.segment[i], m.destinations.segment[j]);
        if (expected > cut) expected = kUnreachable;
        ASSERT_EQ(m.matrix.at(i, j), expected) << i << " -> " << j;
        finite += expected != kUnreachable ? 1 : 0;
      }
      for (std::size_t e = rows.rows.offsets[i]; e < rows.rows.offsets[i + 1]; ++e) {
        ASSERT_EQ(rows.rows.time[e], m.matrix.at(i, rows.rows.destination[e]));
      }
    }
    EXPECT_EQ(rows.rows.pair_count(), finite);
    // Seeds give the same times by buckets and by sweeps from either side (before same-road pairs).
    std::vector<Anchor> leave;
    std::vector<Anchor> arrive;
    for (const auto& s : m.origins.segment) leave.push_back(s.leave());
    for (const auto& s : m.destinations.segment) arrive.push_back(s.arrive());
    const auto buckets = ch_matrix(net.ch, leave, arrive, MatrixOptions{cut, ManyToMany::Buckets});
    EXPECT_EQ(ch_matrix(net.ch, leave, arrive, MatrixOptions{cut, ManyToMany::Sweeps}).time, buckets.time);
    const std::vector<Anchor> few_leave(leave.begin(), leave.begin() + 5);
    EXPECT_EQ(ch_matrix(net.ch, few_leave, arrive, MatrixOptions{cut, ManyToMany::Sweeps}).time,
              ch_matrix(net.ch, few_leave, arrive, MatrixOptions{cut, ManyToMany::Buckets}).time);
    const TravelTimeRows swept = ch_rows(net.ch, leave, arrive, MatrixOptions{cut, ManyToMany::Sweeps});
    for (std::size_t i = 0; i < swept.rows(); ++i) {
      for (std::size_t e = swept.offsets[i]; e < swept.offsets[i + 1]; ++e) {
        ASSERT_EQ(swept.time[e], buckets.at(i, swept.destination[e]));
      }
    }
  }
}

TEST(SegmentSnap, ModesByName) {
  EXPECT_EQ(snap_mode_by_name("node"), SnapMode::Node);
  EXPECT_EQ(snap_mode_by_name("segment"), SnapMode::Segment);
  EXPECT_THROW((void)snap_mode_by_name("edge"), Error);
}

}  // namespace
}  // namespace equalis::network
