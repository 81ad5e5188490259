#pragma once
// One request, one call, one result for a composite index: read the indicator columns of a CSV, weight
// them (equal, entropy, CRITIC or given weights), aggregate (weighted sum of normalised indicators, or
// TOPSIS) and rank the units. report/composite_json renders the result.

#include "core/progress.hpp"
#include "measure/composite.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace equalis::measure {

struct CompositeIndicator {
  std::string column;
  Direction direction = Direction::Benefit;
};

struct CompositeRequest {
  std::string file;                            // CSV, one row per unit
  std::vector<CompositeIndicator> indicators;  // at least 2, each column once
  std::string id;                              // unit id column; empty = the data row number (1 = first)
  std::optional<std::string> normalize;        // minmax (when unset), zscore or none; weighted sum only
  std::string weighting = "entropy";           // equal, entropy, critic or explicit (then `weights`)
  std::vector<double> weights;                 // explicit weights, one per indicator, >= 0, renormalised
  std::string method = "weighted-sum";         // weighted-sum or topsis
  double tie_tolerance = 0.0;
  bool show_normalized = false;   // keep each unit's normalised indicators in the result
  std::string missing = "error";  // error or drop the unit
  char delimiter = ',';
};

struct CompositeResult {
  std::size_t rows = 0;                 // data rows read
  std::vector<std::string> ids;         // one per unit (row kept), in data order
  std::vector<std::string> indicators;  // column names
  std::vector<Direction> directions;    // one per indicator
  std::string method;                   // "weighted-sum" or "topsis"
  std::string normalization;            // "minmax", "zscore", "none" or "vector" (TOPSIS)
  std::string weighting;                // "equal", "entropy", "critic" or "explicit"
  std::vector<double> weights_given;    // explicit weights as given (before renormalising)
  std::vector<double> weights;          // as used: >= 0, summing to 1
  std::vector<double> scores;           // weighted sum, or TOPSIS closeness
  std::vector<std::uint32_t> ranks;     // competition ranking of the scores, 1 = best
  double tie_tolerance = 0.0;
  std::optional<TopsisResult> topsis;           // TOPSIS only
  std::vector<std::vector<double>> normalized;  // [indicator][unit]; empty unless requested
  std::size_t rows_dropped = 0;                 // rows with a missing cell (missing = drop)
};

// Throws Error(InvalidInput) naming the request field at fault, or the file:line:column of a bad cell.
CompositeResult run_composite(const CompositeRequest& request, ProgressSink& progress = null_progress());

}  // namespace equalis::measure
