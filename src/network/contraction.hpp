#pragma once
// Contraction hierarchies (Geisberger, Sanders, Schultes & Delling 2008, "Contraction Hierarchies: Faster
// and Simpler Hierarchical Routing in Road Networks", WEA). Nodes are contracted one by one in the order
// of a priority (edge difference + deleted neighbours, updated lazily); shortcuts keep shortest distances
// among the remaining nodes unless a limited witness search finds a path at least as short.
// The result is stored by rank: node r of the hierarchy is the r-th contracted node, so queries, which
// end among the few most important nodes, touch contiguous memory.

#include "core/progress.hpp"
#include "network/graph.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace equalis::network {

struct ContractionHierarchy {
  std::vector<std::uint32_t> rank;  // graph node -> rank (0 = contracted first)
  // Upward arcs in the travel direction: arc r -> up_head with up_head > r (forward searches).
  std::vector<std::uint32_t> up_first_out;  // node_count + 1, indexed by rank
  std::vector<std::uint32_t> up_head;       // ranks
  std::vector<TravelTimeMs> up_time;
  // Arcs x -> r of the graph with x > r, stored at r pointing to x (backward searches walk them upward).
  std::vector<std::uint32_t> down_first_out;
  std::vector<std::uint32_t> down_head;
  std::vector<TravelTimeMs> down_time;

  [[nodiscard]] std::size_t node_count() const noexcept {
    return up_first_out.empty() ? 0 : up_first_out.size() - 1;
  }
};

struct ContractionOptions {
  // Witness searches stop after settling this many nodes: a smaller limit builds faster but adds
  // shortcuts that a longer search would have shown unnecessary (never a wrong distance).
  std::uint32_t witness_settle_limit = 500;
  std::uint32_t simulation_settle_limit = 50;  // when only estimating a node's priority
};

ContractionHierarchy build_contraction_hierarchy(const Graph& graph, const ContractionOptions& options = {},
                                                 ProgressSink& progress = null_progress());

}  // namespace equalis::network
