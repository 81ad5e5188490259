#pragma once
// The routable road graph: a directed graph in compressed sparse row (CSR) form with dense node ids
// 0..n-1, the arcs of node v at [first_out[v], first_out[v+1]) (RoutingKit's layout). Arc weights are
// travel times in integer milliseconds: sums are exact, so every shortest-path method returns the same
// number bit for bit, and rounding each arc to 1 ms keeps the error of a 1000-arc path under 0.5 s.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace equalis::network {

using NodeId = std::uint32_t;
using TravelTimeMs = std::uint32_t;  // milliseconds

// Marks "no path" (or "beyond the time limit") in distance arrays and matrices.
inline constexpr TravelTimeMs kUnreachable = std::numeric_limits<TravelTimeMs>::max();
inline constexpr NodeId kInvalidNode = std::numeric_limits<NodeId>::max();

// Mean Earth radius used for every length in this module (IUGG mean radius R1, metres).
inline constexpr double kEarthRadiusM = 6371009.0;

// Great-circle distance in metres between two (lon, lat) points in degrees (haversine formula).
double haversine_m(double lon1, double lat1, double lon2, double lat2) noexcept;

struct Graph {
  std::string profile;                    // "car", "walk", "bike" or a custom name
  std::vector<std::uint32_t> first_out;   // node_count() + 1 offsets into head / travel_time
  std::vector<NodeId> head;               // target node of each arc
  std::vector<TravelTimeMs> travel_time;  // milliseconds per arc
  std::vector<double> lon;                // degrees, per node
  std::vector<double> lat;                // degrees, per node
  std::vector<std::int64_t> osm_id;       // OSM node id per node (traceability)

  [[nodiscard]] std::size_t node_count() const noexcept {
    return first_out.empty() ? 0 : first_out.size() - 1;
  }
  [[nodiscard]] std::size_t arc_count() const noexcept { return head.size(); }
};

struct Arc {
  NodeId tail = 0;
  NodeId head = 0;
  TravelTimeMs time = 0;
};

// CSR arrays from an arc list over nodes 0..node_count-1: self-loops are dropped and of parallel arcs
// only the fastest is kept. Node attributes (lon, lat, osm_id) are left to the caller.
// Throws Error(InvalidInput) if an arc names a node >= node_count or there are 2^32 arcs or more.
Graph graph_from_arcs(std::size_t node_count, std::vector<Arc> arcs);

// Component of every node; components are numbered 0..count-1 (iterative Tarjan 1972, no recursion).
struct Components {
  std::vector<std::uint32_t> component;  // per node
  std::uint32_t count = 0;
};
Components strongly_connected_components(const Graph& graph);

struct ComponentReport {
  std::size_t nodes_before = 0;
  std::size_t arcs_before = 0;
  std::size_t nodes_kept = 0;
  std::size_t arcs_kept = 0;
  std::size_t components = 0;  // strongly connected components before the cut
};

// Restricts the graph to its largest strongly connected component (ties: the one holding the lowest node
// id), renumbering nodes in their old order. Every origin can then reach every destination.
ComponentReport keep_largest_strongly_connected_component(Graph& graph);

// The graph with every arc turned around (for searches towards a target).
Graph reverse_graph(const Graph& graph);

}  // namespace equalis::network
