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

// Sparse rows hold exactly the finite entries of the dense matrix, nearest first (ties by destination).
void expect_rows_equal_matrix(const TravelTimeRows& rows, const TravelTimeMatrix& dense) {
  ASSERT_EQ(rows.rows(), dense.rows);
  ASSERT_EQ(rows.cols, dense.cols);
  for (std::size_t i = 0; i < dense.rows; ++i) {
    std::vector<std::pair<TravelTimeMs, std::uint32_t>> expected;
    for (std::uint32_t j = 0; j < dense.cols; ++j) {
      if (dense.at(i, j) != kUnreachable) expected.push_back({dense.at(i, j), j});
    }
    std::sort(expected.begin(), expected.end());
    std::vector<std::pair<TravelTimeMs, std::uint32_t>> got;
    for (std::size_t e = rows.offsets[i]; e < rows.offsets[i + 1]; ++e)
      got.push_back({rows.time[e], rows.destination[e]});
    ASSERT_EQ(got, expected) << "row " << i;
  }
}

// Buckets, sweeps from the origins, sweeps to the destinations: the same numbers as Dijkstra, dense or
// sparse, with and without a limit, whichever side is larger.
TEST(ManyToMany, EveryMethodEqualsDijkstraOnMonaco) {
  const Graph& g = monaco_car();
  const ContractionHierarchy& ch = monaco_ch();
  Rng rng(77);
  const auto nodes = [&](std::size_t count) {
    std::vector<NodeId> out(count);
    for (auto& v : out) v = static_cast<NodeId>(rng.uniform_index(g.node_count()));
    return out;
  };
  for (const auto& [rows, cols] : {std::pair<std::size_t, std::size_t>{70, 5}, {5, 70}, {40, 40}, {1, 1}}) {
    const auto origins = nodes(rows);
    const auto destinations = nodes(cols);
    for (const TravelTimeMs limit : {kUnreachable - 1, TravelTimeMs{240000}, TravelTimeMs{0}}) {
      const TravelTimeMatrix reference = dijkstra_matrix(g, origins, destinations, MatrixOptions{limit});
      for (const ManyToMany method : {ManyToMany::Automatic, ManyToMany::Buckets, ManyToMany::Sweeps}) {
        SCOPED_TRACE(::testing::Message() << rows << " x " << cols << ", limit " << limit << ", method "
                                          << static_cast<int>(method));
        const MatrixOptions options{limit, method};
        EXPECT_EQ(ch_matrix(ch, origins, destinations, options).time, reference.time);
        expect_rows_equal_matrix(ch_rows(ch, origins, destinations, options), reference);
      }
    }
  }
  // No origins or no destinations: empty rows, no search.
  const std::vector<NodeId> none;
  const std::vector<NodeId> one{0};
  EXPECT_EQ(ch_rows(ch, none, one).rows(), 0U);
  const TravelTimeRows empty = ch_rows(ch, one, none);
  EXPECT_EQ(empty.rows(), 1U);
  EXPECT_EQ(empty.pair_count(), 0U);
  EXPECT_THROW((void)ch_rows(ch, std::vector<NodeId>{static_cast<NodeId>(g.node_count())}, one), Error);
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
  // The sweeps, from either side, on the same graphs.
  const std::vector<NodeId> some(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(n / 2));
  for (const ManyToMany method : {ManyToMany::Sweeps, ManyToMany::Buckets}) {
    const MatrixOptions cut{limit.max_time, method};
    RC_ASSERT(ch_matrix(ch, all, all, cut).time == dijkstra_matrix(g, all, all, limit).time);
    RC_ASSERT(ch_matrix(ch, some, all, cut).time == dijkstra_matrix(g, some, all, limit).time);
    RC_ASSERT(ch_matrix(ch, all, some, cut).time == dijkstra_matrix(g, all, some, limit).time);
    const TravelTimeRows rows = ch_rows(ch, all, some, cut);
    const TravelTimeMatrix dense = dijkstra_matrix(g, all, some, limit);
    std::size_t finite = 0;
    for (const TravelTimeMs t : dense.time) finite += t != kUnreachable ? 1 : 0;
    RC_ASSERT(rows.pair_count() == finite);
    for (std::size_t i = 0; i < rows.rows(); ++i) {
      for (std::size_t e = rows.offsets[i]; e < rows.offsets[i + 1]; ++e) {
        RC_ASSERT(rows.time[e] == dense.at(i, rows.destination[e]));
        if (e > rows.offsets[i]) RC_ASSERT(rows.time[e - 1] <= rows.time[e]);
      }
    }
  }
}

}  // namespace
}  // namespace equalis::network
