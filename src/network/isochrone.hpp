#pragma once
// Isochrones: the nodes reachable from an origin within a travel-time budget, and an outline. The
// outline is the convex hull of those nodes (Andrew 1979, monotone chain) — a first slice that
// overstates the area where the road network is sparse (bays, hills); a concave or buffered outline is
// future work (docs/network.md).

#include "network/graph.hpp"

#include <array>
#include <vector>

namespace equalis::network {

struct Isochrone {
  std::vector<NodeId> nodes;                   // reachable nodes, by increasing travel time then node id
  std::vector<TravelTimeMs> time;              // travel time to each of them
  std::vector<std::array<double, 2>> outline;  // convex hull (lon, lat), counter-clockwise, not closed
};

// Throws Error(InvalidInput) if origin is not a node of the graph.
Isochrone compute_isochrone(const Graph& graph, NodeId origin, TravelTimeMs max_time);

// Convex hull of points (x, y), counter-clockwise starting at the lowest-x point; collinear points are
// dropped. Fewer than 3 distinct points return those points.
std::vector<std::array<double, 2>> convex_hull(std::vector<std::array<double, 2>> points);

}  // namespace equalis::network
