#pragma once
// Shortest travel times: plain Dijkstra (the reference) and the contraction-hierarchy many-to-many
// search with buckets (Knopp, Sanders, Schultes, Schulz & Wagner 2007, "Computing Many-to-Many Shortest
// Paths Using Highway Hierarchies", ALENEX), parallel over origins. Both return identical integer
// milliseconds on the same graph.

#include "core/progress.hpp"
#include "network/contraction.hpp"
#include "network/graph.hpp"

#include <cstddef>
#include <span>
#include <vector>

namespace equalis::network {

// Row-major origins x destinations; kUnreachable where no path exists or it is longer than max_time.
struct TravelTimeMatrix {
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::vector<TravelTimeMs> time;  // milliseconds
  [[nodiscard]] TravelTimeMs at(std::size_t row, std::size_t col) const { return time[row * cols + col]; }
};

struct MatrixOptions {
  // Inclusive limit in milliseconds: pairs further apart are reported as kUnreachable. The searches stop
  // there, so a catchment limit also makes the computation faster.
  TravelTimeMs max_time = kUnreachable - 1;
};

// Dijkstra (1959) with a binary heap from `source` to every node, stopping beyond max_time.
std::vector<TravelTimeMs> dijkstra_one_to_all(const Graph& graph, NodeId source,
                                              TravelTimeMs max_time = kUnreachable - 1);

// Reference matrix: one Dijkstra per origin (parallel over origins).
TravelTimeMatrix dijkstra_matrix(const Graph& graph, std::span<const NodeId> origins,
                                 std::span<const NodeId> destinations, const MatrixOptions& options = {},
                                 ProgressSink& progress = null_progress());

// The fast matrix. `origins` and `destinations` are graph node ids (not ranks). Memory: the hierarchy,
// one distance array per thread, the bucket entries (destinations x their search spaces) and the result.
TravelTimeMatrix ch_matrix(const ContractionHierarchy& ch, std::span<const NodeId> origins,
                           std::span<const NodeId> destinations, const MatrixOptions& options = {},
                           ProgressSink& progress = null_progress());

}  // namespace equalis::network
