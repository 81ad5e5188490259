#pragma once
// Travel costs kept between runs: a study run again with the same inputs reads its costs back instead of
// reading a large matrix or routing on a graph again. An entry's key is the SHA-256 of everything the
// costs depend on (every input file's bytes and every option that shapes them), so a changed input or
// option is a miss, never a stale answer. Entries are written atomically; one that cannot be read back
// (truncated, another version) is a miss too.

#include "access/graph_costs.hpp"
#include "io/cost_matrix.hpp"

#include <optional>
#include <string>
#include <vector>

namespace equalis::access {

struct AccessRequest;
struct Snapping;

// The key of the costs `request` computes (graph or matrix; straight lines are cheap and not cached).
std::string cost_cache_key(const AccessRequest& request);

std::optional<io::LongMatrix> load_cached_matrix(const std::string& directory, const std::string& key);
void store_cached_matrix(const std::string& directory, const std::string& key, const io::LongMatrix& matrix);

// Routed costs come back with how far the places were snapped to the graph.
std::optional<GraphCosts> load_cached_graph_costs(const std::string& directory, const std::string& key,
                                                  Snapping& snapping);
void store_cached_graph_costs(const std::string& directory, const std::string& key, const GraphCosts& costs,
                              const Snapping& snapping);

}  // namespace equalis::access
