#pragma once
// Travel times computed on a road graph, kept as the network module gives them (per zone, the
// destinations within reach, nearest first) and turned into cost rows without a detour through a long
// matrix of ids: zones are the rows by construction, destinations are mapped to facilities by id once.

#include "access/inputs.hpp"
#include "network/matrix.hpp"

#include <string>
#include <vector>

namespace equalis::access {

struct GraphCosts {
  std::vector<std::string> destination_ids;  // offices, channel sites and scenario sites, as routed
  network::TravelTimeRows times;             // one row per zone, milliseconds
};

// The rows between the zones and `facilities` that cost at most `max_cost` seconds, with the same
// numbers, order and join report as join_cost_rows on the same times written as a long matrix (rows are
// filled in parallel). Throws Error(InvalidInput) when no destination is a facility with capacity.
CostRows graph_cost_rows(const GraphCosts& costs, const CostSpec& spec, const Zones& zones,
                         const Facilities& facilities, double max_cost, MatrixJoin& join);

}  // namespace equalis::access
