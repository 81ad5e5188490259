#pragma once
// JSON, CSV and text forms of a composite index: the weights used per indicator and every unit's score and
// rank (plus TOPSIS distances and, on request, the normalised indicators). docs/cli.md documents the layout.

#include "measure/composite.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace equalis::report {

struct CompositeReport {
  std::vector<std::string> ids;                // one per unit (row kept), in data order
  std::vector<std::string> indicators;         // column names
  std::vector<measure::Direction> directions;  // one per indicator
  std::string method;                          // "weighted-sum" or "topsis"
  std::string normalization;                   // "minmax", "zscore", "none" or "vector" (TOPSIS)
  std::string weighting;                       // "equal", "entropy", "critic" or "explicit"
  std::vector<double> weights_given;           // explicit weights as typed (before renormalising)
  std::vector<double> weights;                 // as used: ≥ 0, summing to 1
  std::vector<double> scores;                  // weighted sum, or TOPSIS closeness
  std::vector<std::uint32_t> ranks;            // competition ranking of the scores, 1 = best
  double tie_tolerance = 0.0;
  std::optional<measure::TopsisResult> topsis;  // TOPSIS only
  std::vector<std::vector<double>> normalized;  // [indicator][unit]; empty unless requested
  std::size_t rows_dropped = 0;                 // rows with a missing cell (--missing drop)
};

const char* direction_name(measure::Direction direction) noexcept;  // "benefit" or "cost"

nlohmann::ordered_json to_json(const CompositeReport& report);

/// One row per unit: id,score,rank[,d_plus,d_minus][,normalized:<indicator>…].
std::string to_csv(const CompositeReport& report);

/// The weights, then the `top` best and worst units.
std::string to_text(const CompositeReport& report, std::size_t top = 5);

}  // namespace equalis::report
