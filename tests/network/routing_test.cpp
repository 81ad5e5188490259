#include "network_test_data.hpp"

#include "core/error.hpp"
#include "core/random.hpp"
#include "network/contraction.hpp"
#include "network/matrix.hpp"
#include "network/osm_graph.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>

namespace equalis::network {
namespace {

using testing::kMonaco;
using testing::kRulesOsm;
using testing::write_temp;

const Graph& monaco_car() {
  static const Graph graph = build_graph_from_osm(kMonaco, car_profile()).graph;
  return graph;
}

const ContractionHierarchy& monaco_ch() {
  static const ContractionHierarchy ch = build_contraction_hierarchy(monaco_car());
  return ch;
}

TEST(Dijkstra, HandDrawnExtractMatchesFloydWarshall) {
  const std::string path = write_temp("rules_routing.osm", kRulesOsm);
  const Graph g = build_graph_from_osm(path, car_profile()).graph;
  std::filesystem::remove(path);
  // All-pairs travel times (ms) by Floyd-Warshall in python over osm nodes 1..5 (graph nodes 0..4).
  const std::vector<std::vector<TravelTimeMs>> expected{{0, 28941, 123487, 72782, 134523},
                                                        {28941, 0, 152428, 101723, 127928},
                                                        {123487, 152428, 0, 57871, 98785},
                                                        {218610, 189669, 160526, 0, 61741},
                                                        {156869, 127928, 98785, 156656, 0}};
  ASSERT_EQ(g.osm_id, (std::vector<std::int64_t>{1, 2, 3, 4, 5}));
  for (NodeId s = 0; s < 5; ++s) EXPECT_EQ(dijkstra_one_to_all(g, s), expected[s]) << "from " << s;
  const std::vector<NodeId> all{0, 1, 2, 3, 4};
  const ContractionHierarchy ch = build_contraction_hierarchy(g);
  const TravelTimeMatrix m = ch_matrix(ch, all, all);
  for (NodeId s = 0; s < 5; ++s) {
    for (NodeId t = 0; t < 5; ++t) EXPECT_EQ(m.at(s, t), expected[s][t]) << s << "->" << t;
  }
  // Cutoff at 100 s: 3->0 (123.487 s) goes, 0->3 (72.782 s) stays; the limit is inclusive.
  const TravelTimeMatrix cut = ch_matrix(ch, all, all, MatrixOptions{100000});
  EXPECT_EQ(cut.at(2, 0), kUnreachable);
  EXPECT_EQ(cut.at(0, 3), 72782U);
  EXPECT_EQ(ch_matrix(ch, all, all, MatrixOptions{72782}).at(0, 3), 72782U);
  EXPECT_EQ(ch_matrix(ch, all, all, MatrixOptions{72781}).at(0, 3), kUnreachable);
}

TEST(ContractionHierarchy, MonacoEqualsDijkstraOnRandomPairs) {
  const Graph& g = monaco_car();
  const ContractionHierarchy& ch = monaco_ch();
  ASSERT_EQ(ch.node_count(), g.node_count());
  Rng rng(20240611);
  std::vector<NodeId> origins(60);
  std::vector<NodeId> destinations(80);
  for (auto& v : origins) v = static_cast<NodeId>(rng.uniform_index(g.node_count()));
  for (auto& v : destinations) v = static_cast<NodeId>(rng.uniform_index(g.node_count()));
  destinations[0] = origins[0];  // a zero-length pair
  const TravelTimeMatrix fast = ch_matrix(ch, origins, destinations);
  const TravelTimeMatrix slow = dijkstra_matrix(g, origins, destinations);
  EXPECT_EQ(fast.time, slow.time);
  EXPECT_EQ(fast.at(0, 0), 0U);
  // One graph: every pair is reachable.
  EXPECT_EQ(std::count(fast.time.begin(), fast.time.end(), kUnreachable), 0);
  // With a 5-minute catchment both agree too, and some pairs drop out.
  const MatrixOptions five_minutes{300000};
  const TravelTimeMatrix fast_cut = ch_matrix(ch, origins, destinations, five_minutes);
  EXPECT_EQ(fast_cut.time, dijkstra_matrix(g, origins, destinations, five_minutes).time);
  EXPECT_GT(std::count(fast_cut.time.begin(), fast_cut.time.end(), kUnreachable), 0);
}

TEST(ContractionHierarchy, UpwardArcsGoUp) {
  const ContractionHierarchy& ch = monaco_ch();
  for (std::uint32_t r = 0; r < ch.node_count(); ++r) {
    for (auto a = ch.up_first_out[r]; a < ch.up_first_out[r + 1]; ++a) ASSERT_GT(ch.up_head[a], r);
    for (auto a = ch.down_first_out[r]; a < ch.down_first_out[r + 1]; ++a) ASSERT_GT(ch.down_head[a], r);
  }
  std::vector<std::uint32_t> sorted = ch.rank;
  std::sort(sorted.begin(), sorted.end());
  for (std::uint32_t r = 0; r < sorted.size(); ++r) ASSERT_EQ(sorted[r], r);
}

TEST(Matrix, NodesOutsideTheGraphAreRejected) {
  const std::vector<NodeId> bad{static_cast<NodeId>(monaco_car().node_count())};
  const std::vector<NodeId> ok{0};
  EXPECT_THROW((void)ch_matrix(monaco_ch(), bad, ok), Error);
  EXPECT_THROW((void)dijkstra_matrix(monaco_car(), ok, bad), Error);
}

RC_GTEST_PROP(ContractionHierarchy, RandomGraphsEqualDijkstra, ()) {
  const auto n = *rc::gen::inRange<std::size_t>(2, 60);
  const auto arc_count = *rc::gen::inRange<std::size_t>(0, 4 * n);
  std::vector<Arc> arcs;
  for (std::size_t i = 0; i < arc_count; ++i) {
    arcs.push_back({*rc::gen::inRange<NodeId>(0, static_cast<NodeId>(n)),
                    *rc::gen::inRange<NodeId>(0, static_cast<NodeId>(n)),
                    *rc::gen::inRange<TravelTimeMs>(0, 1000)});
  }
  const Graph g = graph_from_arcs(n, arcs);
  ContractionOptions options;
  options.witness_settle_limit = *rc::gen::inRange<std::uint32_t>(1, 50);  // small limits: more shortcuts
  options.simulation_settle_limit = *rc::gen::inRange<std::uint32_t>(1, 50);
  const ContractionHierarchy ch = build_contraction_hierarchy(g, options);
  std::vector<NodeId> all(n);
  for (NodeId v = 0; v < n; ++v) all[v] = v;
  const MatrixOptions limit{*rc::gen::inRange<TravelTimeMs>(0, 3000)};
  RC_ASSERT(ch_matrix(ch, all, all).time == dijkstra_matrix(g, all, all).time);
  RC_ASSERT(ch_matrix(ch, all, all, limit).time == dijkstra_matrix(g, all, all, limit).time);
}

}  // namespace
}  // namespace equalis::network
