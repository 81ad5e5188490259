#pragma once
// A small bridge to COIN-OR CBC (Forrest et al., https://github.com/coin-or/Cbc) through its C API:
// minimise c·x subject to row_lower ≤ A x ≤ row_upper, bounds and integrality, with a time limit.
// The exact models of the plan module (p-median, set cover, maximal covering) are built on it.

#include "core/progress.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace equalis::plan::detail {

struct MipModel {
  std::vector<double> objective;  // per column (minimised)
  std::vector<double> column_lower, column_upper;
  std::vector<std::uint8_t> integer;  // per column
  // Sparse matrix by columns (CSC): column j has entries [start[j], start[j+1]).
  std::vector<int> start{0};
  std::vector<int> row_index;
  std::vector<double> value;
  std::vector<double> row_lower, row_upper;

  int add_row(double lower, double upper) {
    row_lower.push_back(lower);
    row_upper.push_back(upper);
    return static_cast<int>(row_lower.size()) - 1;
  }
  // Adds a column with its entries (row, coefficient).
  int add_column(double cost, double lower, double upper, bool is_integer,
                 const std::vector<std::pair<int, double>>& entries) {
    objective.push_back(cost);
    column_lower.push_back(lower);
    column_upper.push_back(upper);
    integer.push_back(is_integer ? 1 : 0);
    for (const auto& [row, coefficient] : entries) {
      row_index.push_back(row);
      value.push_back(coefficient);
    }
    start.push_back(static_cast<int>(row_index.size()));
    return static_cast<int>(objective.size()) - 1;
  }
};

struct MipResult {
  bool proven_optimal = false;
  bool proven_infeasible = false;
  bool has_solution = false;
  double objective = 0.0;
  double bound = 0.0;  // best proven lower bound
  std::vector<double> solution;
};

// With `stop`, CBC is asked at every node and every simplex iteration whether the user asked to stop
// (Ctrl-C), and the call then throws Error(Cancelled) instead of returning a truncated result.
[[nodiscard]] MipResult solve_mip(const MipModel& model, double time_limit_seconds,
                                  std::optional<double> cutoff = std::nullopt,
                                  const ProgressSink* stop = nullptr);

}  // namespace equalis::plan::detail
