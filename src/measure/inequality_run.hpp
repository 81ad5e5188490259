#pragma once
// One request, one call, one result for inequality: read a CSV, prepare one indicator per value column
// (and period), and measure each (measure/profile.hpp). report/measure_json renders the result.

#include "core/progress.hpp"
#include "measure/profile.hpp"
#include "measure/table_input.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace equalis::measure {

struct InequalityRequest {
  std::string file;    // CSV, one row per unit (and period, in long form)
  ColumnSpec columns;  // value, weight, group, by, rank_by columns; missing policy
  // Index families to compute: gini, ge, atkinson, dispersion, ratios, decomposition, dagum. They select
  // options.indices (a family left out is off, whatever options says).
  std::vector<std::string> indices{"gini",          "ge",   "atkinson", "dispersion", "ratios",
                                   "decomposition", "dagum"};
  MeasureOptions options;  // GE α, Atkinson ε, small-sample Gini, bootstrap and permutations
  char delimiter = ',';
};

// One indicator (value column, and period in long form) and its inequality profile.
struct IndicatorResult {
  std::string indicator;
  std::optional<std::string> period;
  std::size_t rows_dropped = 0;
  InequalityProfile profile;
};

struct InequalityResult {
  std::size_t rows = 0;  // data rows read
  std::vector<IndicatorResult> indicators;
};

// Throws Error(InvalidInput/Parse) at the first offending cell or for an unknown index family.
InequalityResult run_inequality(const InequalityRequest& request, ProgressSink& progress = null_progress());
// The same from a table already in memory (a binding's data frame, no CSV in between): `request.file` is
// not read; the table names the source, and is freed as soon as the indicators are prepared.
InequalityResult run_inequality(const InequalityRequest& request, ColumnTable table,
                                ProgressSink& progress = null_progress());

}  // namespace equalis::measure
