#pragma once
// Straight-line costs: the great-circle distance between a zone and a facility, times a detour factor,
// covered at a stated speed, in seconds. A fallback where no road graph or travel-time matrix is at hand;
// every output names it as such (cost_source_of).

#include "access/inputs.hpp"
#include "core/progress.hpp"
#include "io/cost_matrix.hpp"
#include "network/snap.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace equalis::access {

// A speed as written, in metres per second: "4.5km/h", "4.5 km/h", "4.5kph", "1.25m/s", "3mph". A bare
// number is refused (km/h or m/s?). Throws Error(InvalidInput) naming `field` unless finite and > 0.
[[nodiscard]] double parse_speed(std::string_view text, std::string_view field);

// "straight line (great circle) at 4.5 km/h, detour ×1.3"; checks the speed and the detour (≥ 1).
[[nodiscard]] std::string describe_straight_line(const CostSpec& spec);

// The capacity the cost to the n-th closest needs in reach: the largest n asked for, and the capacity of
// each site of the first set (0 for a site that does not count: one a scenario closes, so that every
// scenario still finds n without it).
struct ClosestNeed {
  double n = 1.0;
  std::vector<double> capacity;
};

// Seconds from each origin to each destination at `speed_mps` over the great-circle distance times
// `detour`, as a long matrix whose destinations are the sets one after the other. Only the pairs within
// `reach_s` seconds are listed (found with a k-d tree on the unit sphere, not by trying every pair; an
// infinite reach lists every pair), plus each origin's nearest destination of every set, so that the
// nearest facility is known even beyond the reach.
//
// With `closest` (the cost to the n-th closest facility, a measure without a reach), each origin also gets
// the sites of the first set out to the distance where their capacities add up to n, found by a k-nearest
// search: O((m + z) log m) rather than every one of the z × m pairs, with the same cost to the n-th closest.
[[nodiscard]] io::LongMatrix straight_line_matrix(const std::vector<network::Place>& origins,
                                                  const std::vector<std::vector<network::Place>>& sets,
                                                  double speed_mps, double detour, double reach_s,
                                                  ProgressSink& progress = null_progress(),
                                                  const std::optional<ClosestNeed>& closest = std::nullopt);

// The same from zones with population-weighted points (ZonePoints): a zone's cost to a site is the weighted
// mean of its points' costs, computed exactly for every site within the reach of one of its points (a mean
// within the reach needs one) and every point's nearest site of each set.
[[nodiscard]] io::LongMatrix straight_line_zone_matrix(const std::vector<std::string>& zone_ids,
                                                       const ZonePoints& points,
                                                       const std::vector<std::vector<network::Place>>& sets,
                                                       double speed_mps, double detour, double reach_s,
                                                       ProgressSink& progress = null_progress());

}  // namespace equalis::access
