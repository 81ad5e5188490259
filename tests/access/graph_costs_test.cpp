// Graph travel times turned straight into cost rows equal the long-matrix join of the same times: the
// same pairs, order, nearest costs and join report, whatever the facilities' order, repeated ids, ids
// that are no facility, and times that round to one float.

#include "access/graph_costs.hpp"

#include "core/error.hpp"
#include "core/random.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

namespace equalis::access {
namespace {

struct Case {
  GraphCosts graph;
  io::LongMatrix matrix;
  Zones zones;
  Facilities facilities;
};

// Rows as the network module gives them (nearest first, ties by destination) and the same pairs as a
// long matrix in seconds.
Case random_case(std::uint64_t seed) {
  Rng rng(seed);
  Case c;
  const std::size_t zones = 1 + rng.uniform_index(40);
  const std::size_t destinations = 1 + rng.uniform_index(30);
  for (std::size_t z = 0; z < zones; ++z) c.zones.ids.push_back(fmt::format("z{}", z));
  c.zones.population.assign(zones, 1.0);
  // Destination ids: facilities, facilities listed twice, a site of another channel, an unknown id.
  for (std::size_t j = 0; j < destinations; ++j) {
    const auto pick = rng.uniform_index(10);
    c.graph.destination_ids.push_back(pick == 0 && j > 0 ? c.graph.destination_ids[rng.uniform_index(j)]
                                      : pick == 1        ? fmt::format("terminal{}", j)
                                      : pick == 2        ? fmt::format("unknown{}", j)
                                                         : fmt::format("f{}", j));
  }
  c.facilities.source = "facilities.csv";
  for (const auto& id : c.graph.destination_ids) {
    if (id[0] == 'f' &&
        std::find(c.facilities.ids.begin(), c.facilities.ids.end(), id) == c.facilities.ids.end())
      c.facilities.ids.push_back(id);
    if (id[0] == 't') c.facilities.other_sites.push_back(id);
  }
  c.facilities.ids.push_back("f_never_routed");
  // A scenario reorders and closes facilities: shuffle and drop one now and then.
  for (std::size_t k = c.facilities.ids.size(); k > 1; --k)
    std::swap(c.facilities.ids[k - 1], c.facilities.ids[rng.uniform_index(k)]);
  if (c.facilities.ids.size() > 2 && rng.uniform_index(2) == 0) {
    c.facilities.ids_without_capacity.push_back(c.facilities.ids.back());
    c.facilities.ids.pop_back();
  }
  c.facilities.capacity.assign(c.facilities.ids.size(), 1.0);
  // Times up to 10 hours: beyond 16 384 s two milliseconds may round to one float second.
  const bool long_times = rng.uniform_index(2) == 0;
  auto& rows = c.graph.times;
  rows.cols = destinations;
  rows.offsets.push_back(0);
  c.matrix.origin_ids = c.zones.ids;
  c.matrix.destination_ids = c.graph.destination_ids;
  for (std::size_t z = 0; z < zones; ++z) {
    std::vector<std::pair<network::TravelTimeMs, std::uint32_t>> row;
    for (std::uint32_t j = 0; j < destinations; ++j) {
      if (rng.uniform_index(4) == 0) continue;
      const auto ms = long_times ? static_cast<network::TravelTimeMs>(36'000'000 - rng.uniform_index(40))
                                 : static_cast<network::TravelTimeMs>(rng.uniform_index(3'600'000));
      row.push_back({ms, j});
    }
    std::sort(row.begin(), row.end());
    for (const auto& [ms, j] : row) {
      rows.time.push_back(ms);
      rows.destination.push_back(j);
      c.matrix.origin.push_back(static_cast<std::uint32_t>(z));
      c.matrix.destination.push_back(j);
      c.matrix.cost.push_back(static_cast<float>(static_cast<double>(ms) / 1000.0));
    }
    rows.offsets.push_back(rows.time.size());
  }
  return c;
}

TEST(GraphCostRows, EqualTheLongMatrixJoinOfTheSameTimes) {
  for (std::uint64_t seed = 1; seed <= 300; ++seed) {
    Case c = random_case(seed);
    CostSpec spec;
    spec.graph = "g.eqg";
    spec.unit = io::CostUnit::Seconds;
    const double reach = seed % 3 == 0 ? 36'000.0 : 1800.0;
    MatrixJoin by_matrix;
    MatrixJoin by_graph;
    bool matrix_threw = false;
    CostRows expected;
    try {
      expected = join_cost_rows(c.matrix, spec, c.zones, c.facilities, reach, by_matrix);
    } catch (const Error&) {
      matrix_threw = true;
    }
    if (matrix_threw) {
      EXPECT_THROW((void)graph_cost_rows(c.graph, spec, c.zones, c.facilities, reach, by_graph), Error);
      continue;
    }
    const CostRows got = graph_cost_rows(c.graph, spec, c.zones, c.facilities, reach, by_graph);
    SCOPED_TRACE(seed);
    EXPECT_EQ(got.offsets, expected.offsets);
    EXPECT_EQ(got.facility, expected.facility);
    EXPECT_EQ(got.cost, expected.cost);
    EXPECT_EQ(got.nearest, expected.nearest);
    EXPECT_EQ(got.source, expected.source);
    EXPECT_EQ(by_graph.pairs_read, by_matrix.pairs_read);
    EXPECT_EQ(by_graph.pairs_kept, by_matrix.pairs_kept);
    EXPECT_EQ(by_graph.pairs_beyond_reach, by_matrix.pairs_beyond_reach);
    EXPECT_EQ(by_graph.repeated_pairs, by_matrix.repeated_pairs);
    EXPECT_EQ(by_graph.destinations_not_facilities, by_matrix.destinations_not_facilities);
    EXPECT_EQ(by_graph.destinations_without_capacity, by_matrix.destinations_without_capacity);
    EXPECT_EQ(by_graph.destination_examples, by_matrix.destination_examples);
  }
}

}  // namespace
}  // namespace equalis::access
