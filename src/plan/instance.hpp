#pragma once
// Location-planning instances: a dense clients × candidates cost matrix (row-major, float), client
// demand weights and group ids, candidate sites that must stay open, and per-site opening costs.
// Readers: OR-Library p-median files (Beasley 1985: edge list → shortest paths by Floyd–Warshall) and
// long CSV matrices (from, to, cost) with an optional demand CSV (id, weight, group).

#include "core/csv.hpp"
#include "core/groups.hpp"
#include "core/progress.hpp"
#include "io/cost_matrix.hpp"

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace equalis::plan {

// Cost of a pair with no path (a missing matrix entry, a disconnected graph).
inline constexpr float kUnreachable = io::kUnreachable;  // the one unreachable value (io/cost_matrix.hpp)

// Dense row-major matrix: row = client, column = candidate site. Costs are ≥ 0 (travel time, distance);
// kUnreachable marks pairs that cannot be served.
struct CostMatrix {
  std::size_t clients = 0;
  std::size_t candidates = 0;
  std::vector<float> values;  // clients * candidates

  CostMatrix() = default;
  CostMatrix(std::size_t client_count, std::size_t candidate_count, float fill = kUnreachable)
      : clients(client_count), candidates(candidate_count), values(client_count * candidate_count, fill) {}

  [[nodiscard]] float at(std::size_t client, std::size_t candidate) const noexcept {
    return values[client * candidates + candidate];
  }
  float& at(std::size_t client, std::size_t candidate) noexcept {
    return values[client * candidates + candidate];
  }
  [[nodiscard]] std::span<const float> row(std::size_t client) const noexcept {
    return {values.data() + client * candidates, candidates};
  }
};

struct PlanInstance {
  std::string name;
  CostMatrix cost;
  std::vector<double> demand;              // weight per client (population), ≥ 0
  Groups groups;                           // group of each client; at least one group ("all")
  std::vector<std::string> client_ids;     // labels for output (may be empty: then 1-based numbers)
  std::vector<std::string> candidate_ids;  // labels for output (may be empty: then 1-based numbers)
  std::vector<std::uint32_t> fixed_open;   // existing facilities that stay open (candidate indices)
  std::vector<double> site_cost;           // opening cost per candidate (empty = not used)
  std::vector<double> site_capacity;       // demand each candidate can serve (empty = uncapacitated)
  std::string weight_column;               // demand column the weights came from; empty = each weighs 1

  [[nodiscard]] std::size_t client_count() const noexcept { return cost.clients; }
  [[nodiscard]] std::size_t candidate_count() const noexcept { return cost.candidates; }
  [[nodiscard]] std::size_t group_count() const noexcept { return groups.count(); }
  [[nodiscard]] std::string client_label(std::size_t client) const;
  [[nodiscard]] std::string candidate_label(std::size_t candidate) const;
  // Throws Error(InvalidInput) if sizes disagree, weights are negative or non-finite, costs negative/NaN,
  // group ids or fixed sites out of range.
  void validate() const;
};

// An instance with unit demand, one group, and default labels.
[[nodiscard]] PlanInstance make_instance(CostMatrix cost);

// 1 for every candidate index in `fixed` (sites that stay open), 0 elsewhere.
[[nodiscard]] inline std::vector<std::uint8_t> fixed_mask(std::size_t candidate_count,
                                                          std::span<const std::uint32_t> fixed) {
  std::vector<std::uint8_t> mask(candidate_count, 0);
  for (const std::uint32_t j : fixed) mask[j] = 1;
  return mask;
}

// All-pairs shortest paths in place on an n × n matrix (Floyd 1962; Warshall 1962). Row-parallel per k
// step; kUnreachable propagates as +inf.
void floyd_warshall(std::span<float> distance, std::size_t n, ProgressSink& progress = null_progress());

// The same by one Dijkstra run per source (parallel over sources); faster on sparse graphs. The input
// holds direct edge costs (kUnreachable = no edge), the output shortest-path costs.
void all_pairs_dijkstra(std::span<float> distance, std::size_t n, ProgressSink& progress = null_progress());

// An OR-Library p-median file (Beasley 1985, 1990): first line "n edges p", then "i j cost" lines
// (1-based, undirected). Per the OR-Library rule a repeated edge takes its LAST cost. Every vertex is a
// client (weight 1) and a candidate. Throws Error(Parse) with the line on malformed input (and an edge
// cost so large that a path could overflow a float), Error(Unsupported) beyond kMaxOrlibVertices.
inline constexpr std::size_t kMaxOrlibVertices = 20000;  // a 1.6 GB cost matrix
struct OrlibInstance {
  PlanInstance instance;
  std::size_t p = 0;
};
[[nodiscard]] OrlibInstance read_orlib(const std::string& path, ProgressSink& progress = null_progress());
[[nodiscard]] OrlibInstance parse_orlib(const std::string& text, const std::string& source_name,
                                        ProgressSink& progress = null_progress());

// Long CSV matrix and demand file columns.
struct MatrixCsvSpec {
  std::string from_column;  // client id; empty = auto (from_id, from, from_idx, origin)
  std::string to_column;    // candidate id; empty = auto (to_id, to, to_idx, destination)
  std::string cost_column;  // empty = auto (cost, travel_time, time, distance)
  std::string demand_id_column = "id";
  std::string weight_column;        // empty = auto (weight, population); absent = weight 1
  bool unweighted = false;          // every client weighs 1 even if a column looks like a weight
  std::string group_column;         // empty = one group "all"
  bool drop_missing_group = false;  // clients with a missing group: error (default) or dropped
};

// Reads the clients of a demand CSV (id, weight, group columns as in `spec`) in file order; the cost
// matrix is left empty (0 × 0) for the caller to fill — from a long matrix (read_matrix_csv) or a
// travel-time computation. Throws Error(InvalidInput) with file:line:column for a missing weight or group,
// a negative weight or a repeated id, and — when no weight column is named or found — for a header that
// looks like a misspelt one (`popultion`, `weigth`, `pop2020`): a typo must not silently plan unweighted.
[[nodiscard]] PlanInstance read_demand_csv(const std::string& path, const MatrixCsvSpec& spec = {});

// The same from a table already read (a file that also carries other columns, e.g. lon/lat).
[[nodiscard]] PlanInstance read_demand_table(const CsvTable& demand, const MatrixCsvSpec& spec = {});

// Reads a long matrix (one row per client–candidate pair; absent pairs are unreachable). With a demand
// file, clients are the demand rows in file order (a client absent from the matrix can reach nothing);
// without one, clients are the distinct from ids (weight 1). Candidates are the distinct to ids in order
// of first appearance. Throws Error(Parse/InvalidInput) with file:line:column on bad cells.
[[nodiscard]] PlanInstance read_matrix_csv(const std::string& matrix_path,
                                           const std::optional<std::string>& demand_path,
                                           const MatrixCsvSpec& spec = {});

// One value per candidate site from a CSV (`id_column` + `value_column`: opening costs, capacities); rows
// naming no candidate are ignored. Throws Error(Parse) with file:line:column for a value that is not a
// number ≥ 0, Error(InvalidInput) for a candidate without a row.
[[nodiscard]] std::vector<double> read_site_values(const std::string& path, const std::string& id_column,
                                                   const std::string& value_column,
                                                   const PlanInstance& instance);

// Candidate indices for the given labels (Error(InvalidInput) naming an unknown label).
[[nodiscard]] std::vector<std::uint32_t> find_candidates(const PlanInstance& instance,
                                                         const std::vector<std::string>& labels);

}  // namespace equalis::plan
