#include "access/graph_costs.hpp"

#include "core/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <utility>

namespace equalis::access {

namespace {

// The cost a long matrix would carry for a time: seconds as a float (what `network matrix` writes and
// --matrix reads back).
float seconds_of(network::TravelTimeMs ms) {
  return static_cast<float>(static_cast<double>(ms) / 1000.0);
}

struct RowFill {
  std::size_t kept = 0;
  std::size_t repeated = 0;
};

// Writes zone z's pairs within reach to `facility`/`cost` from `at` on, cheapest first (ties by facility)
// with a pair listed twice (one facility under two destination ids) kept once at its cheapest.
RowFill fill_row(const network::TravelTimeRows& times, std::size_t z,
                 const std::vector<std::uint32_t>& facility_of, bool may_repeat, float reach,
                 std::uint32_t* facility, float* cost, std::vector<std::uint8_t>& seen) {
  std::size_t n = 0;
  for (std::size_t e = times.offsets[z]; e < times.offsets[z + 1]; ++e) {
    const std::uint32_t f = facility_of[times.destination[e]];
    const float c = seconds_of(times.time[e]);
    if (f == UINT32_MAX || c > reach) continue;
    facility[n] = f;
    cost[n] = c;
    ++n;
  }
  // Times come nearest first by destination index; facilities follow the same order unless a scenario
  // reorders them, and two times a millisecond apart may round to one float: sort only then.
  bool sorted = true;
  for (std::size_t k = 1; k < n && sorted; ++k) {
    sorted = cost[k - 1] < cost[k] || (cost[k - 1] == cost[k] && facility[k - 1] < facility[k]);
  }
  if (!sorted) {
    std::vector<std::pair<float, std::uint32_t>> pairs(n);
    for (std::size_t k = 0; k < n; ++k) pairs[k] = {cost[k], facility[k]};
    std::sort(pairs.begin(), pairs.end());
    for (std::size_t k = 0; k < n; ++k) std::tie(cost[k], facility[k]) = pairs[k];
  }
  RowFill fill;
  if (may_repeat) {  // the first of a facility's pairs is its cheapest
    std::size_t write = 0;
    for (std::size_t k = 0; k < n; ++k) {
      if (seen[facility[k]] != 0) {
        ++fill.repeated;
        continue;
      }
      seen[facility[k]] = 1;
      facility[write] = facility[k];
      cost[write++] = cost[k];
    }
    for (std::size_t k = 0; k < write; ++k) seen[facility[k]] = 0;
    n = write;
  }
  fill.kept = n;
  return fill;
}

}  // namespace

CostRows graph_cost_rows(const GraphCosts& costs, const CostSpec& spec, const Zones& zones,
                         const Facilities& facilities, double max_cost, MatrixJoin& join) {
  const network::TravelTimeRows& times = costs.times;
  if (times.rows() != zones.size() || times.cols != costs.destination_ids.size()) {
    throw Error(ErrorCode::Internal,
                fmt::format("graph travel times are {} x {} for {} zones and {} destinations", times.rows(),
                            times.cols, zones.size(), costs.destination_ids.size()),
                "report this bug");
  }
  join = {};
  join.pairs_read = times.pair_count();
  const auto facility_of = facility_index(costs.destination_ids, spec.graph, facilities, join);
  std::vector<std::uint8_t> mapped(facilities.size(), 0);
  bool may_repeat = false;  // two destination ids name one facility
  for (const std::uint32_t f : facility_of) {
    if (f == UINT32_MAX) continue;
    may_repeat = may_repeat || mapped[f] != 0;
    mapped[f] = 1;
  }
  const auto reach = static_cast<float>(max_cost);  // costs are floats: compare as floats
  const std::size_t zone_count = zones.size();
  CostRows rows;
  rows.source = fmt::format("graph {} (travel times)", spec.graph);
  rows.unit = spec.unit;
  rows.offsets.assign(zone_count + 1, 0);
  rows.nearest.assign(zone_count, std::numeric_limits<float>::infinity());
  // Pass 1: room per zone (pairs with a facility within reach) and the nearest over every pair.
  std::size_t beyond = 0;
#pragma omp parallel for schedule(static) reduction(+ : beyond)
  for (long long zl = 0; zl < static_cast<long long>(zone_count); ++zl) {
    const auto z = static_cast<std::size_t>(zl);
    std::size_t room = 0;
    for (std::size_t e = times.offsets[z]; e < times.offsets[z + 1]; ++e) {
      if (facility_of[times.destination[e]] == UINT32_MAX) continue;
      const float c = seconds_of(times.time[e]);
      rows.nearest[z] = std::min(rows.nearest[z], c);
      if (c > reach) {
        ++beyond;
      } else {
        ++room;
      }
    }
    rows.offsets[z + 1] = room;
  }
  join.pairs_beyond_reach = beyond;
  std::partial_sum(rows.offsets.begin(), rows.offsets.end(), rows.offsets.begin());
  rows.facility.resize(rows.offsets.back());
  rows.cost.resize(rows.offsets.back());
  // Pass 2: fill each zone's room; a repeated pair leaves some of it empty.
  std::vector<std::size_t> kept(zone_count);
  std::size_t repeated = 0;
#pragma omp parallel reduction(+ : repeated)
  {
    std::vector<std::uint8_t> seen(facilities.size(), 0);
#pragma omp for schedule(dynamic, 256)
    for (long long zl = 0; zl < static_cast<long long>(zone_count); ++zl) {
      const auto z = static_cast<std::size_t>(zl);
      const RowFill fill =
          fill_row(times, z, facility_of, may_repeat, reach, rows.facility.data() + rows.offsets[z],
                   rows.cost.data() + rows.offsets[z], seen);
      kept[z] = fill.kept;
      repeated += fill.repeated;
    }
  }
  join.repeated_pairs = repeated;
  if (repeated > 0) {  // close the gaps
    std::size_t write = 0;
    for (std::size_t z = 0; z < zone_count; ++z) {
      const std::size_t from = rows.offsets[z];
      rows.offsets[z] = write;
      for (std::size_t k = 0; k < kept[z]; ++k, ++write) {
        rows.facility[write] = rows.facility[from + k];
        rows.cost[write] = rows.cost[from + k];
      }
    }
    rows.offsets[zone_count] = write;
    rows.facility.resize(write);
    rows.cost.resize(write);
  }
  join.pairs_kept = rows.pair_count();
  return rows;
}

}  // namespace equalis::access
