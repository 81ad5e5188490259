#include "measure/composite_run.hpp"

#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/table.hpp"
#include "core/unique_ids.hpp"

#include <fmt/format.h>

#include <cmath>
#include <numeric>
#include <string_view>

namespace equalis::measure {

namespace {

void check_indicators(const CompositeRequest& request) {
  const auto& indicators = request.indicators;
  if (indicators.size() < 2) {
    throw Error(ErrorCode::InvalidInput,
                fmt::format("{} indicator given; a composite needs at least 2", indicators.size()),
                "repeat `indicators` COL (benefit) or `indicators` COL:- (cost, lower is better)");
  }
  for (std::size_t a = 0; a < indicators.size(); ++a) {
    for (std::size_t b = 0; b < a; ++b) {
      if (indicators[a].column == indicators[b].column) {
        throw Error(ErrorCode::InvalidInput,
                    fmt::format("indicator '{}' is given twice", indicators[a].column),
                    "give each indicator once (weight it with `weights` instead)");
      }
    }
  }
}

void check_method(const CompositeRequest& request, ProgressSink& progress) {
  if (request.method != "weighted-sum" && request.method != "topsis") {
    throw Error(ErrorCode::InvalidInput, fmt::format("unknown `method` '{}'", request.method),
                "set `method` to weighted-sum or topsis");
  }
  const std::string normalize = request.normalize.value_or("minmax");
  if (normalize != "minmax" && normalize != "zscore" && normalize != "none") {
    throw Error(ErrorCode::InvalidInput, fmt::format("unknown `normalize` '{}'", normalize),
                "set `normalize` to minmax, zscore or none");
  }
  if (request.method == "topsis") {
    if (request.normalize) {
      progress.log(LogLevel::Warning,
                   "`normalize` is ignored by `method` topsis, which uses its own vector normalisation");
    }
    return;
  }
  if (normalize != "none") return;
  for (const auto& indicator : request.indicators) {
    if (indicator.direction == Direction::Cost) {
      throw Error(ErrorCode::InvalidInput,
                  fmt::format("`normalize` none cannot orient the cost indicator '{}'", indicator.column),
                  "use `normalize` minmax or zscore (they flip cost indicators), or give the indicator "
                  "already oriented so that more is better");
    }
  }
}

// Explicit weights: one per indicator, each >= 0, not all 0.
void check_weights(const CompositeRequest& request) {
  if (request.weighting == "equal" || request.weighting == "entropy" || request.weighting == "critic") return;
  if (request.weighting != "explicit") {
    throw Error(ErrorCode::InvalidInput, fmt::format("unknown `weighting` '{}'", request.weighting),
                "set `weighting` to equal, entropy, critic or explicit (with `weights`)");
  }
  for (const double weight : request.weights) {
    if (!(weight >= 0.0) || !std::isfinite(weight)) {
      throw Error(ErrorCode::InvalidInput, fmt::format("`weights`: negative weight {}", weight),
                  "weights must be ≥ 0 (a cost indicator is marked COL:-, not by a negative weight)");
    }
  }
  if (request.weights.size() != request.indicators.size()) {
    throw Error(ErrorCode::InvalidInput,
                fmt::format("`weights` gives {} weights for {} indicators", request.weights.size(),
                            request.indicators.size()),
                "give one weight per indicator, in the same order");
  }
  if (std::accumulate(request.weights.begin(), request.weights.end(), 0.0) <= 0.0) {
    throw Error(ErrorCode::InvalidInput, "`weights` are all 0", "give at least one positive weight");
  }
}

// The complete units' indicators, column by column; ids and rows dropped go to `result`.
IndicatorMatrix read_matrix(const CompositeRequest& request, const CsvTable& table, CompositeResult& result,
                            ProgressSink& progress) {
  // A plain index plus a flag: std::optional<std::size_t> here trips GCC 12's -Wmaybe-uninitialized.
  const bool has_id = !request.id.empty();
  const std::size_t id_index = has_id ? table.column_index(request.id) : 0;
  std::vector<NumericColumn> columns;
  for (const auto& indicator : request.indicators)
    columns.push_back(read_numeric_column(table, indicator.column));

  IndicatorMatrix matrix;
  matrix.columns.resize(request.indicators.size());
  for (const auto& indicator : request.indicators) {
    result.indicators.push_back(indicator.column);
    result.directions.push_back(indicator.direction);
  }
  matrix.directions = result.directions;
  matrix.names = result.indicators;
  if (has_id)
    require_unique_ids(table, id_index, "unit", "rank each unit once: remove or merge the repeated row");
  for (std::size_t row = 0; row < table.row_count(); ++row) {
    bool complete = true;
    for (const auto& column : columns) {
      if (column.valid[row] != 0) continue;
      if (request.missing != "drop") {
        throw Error(
            ErrorCode::InvalidInput, fmt::format("missing value in column '{}'", column.name),
            "fill the cell in, or choose `missing` drop to leave such units out (their number is reported)",
            table.location(row, table.column_index(column.name)));
      }
      complete = false;
    }
    if (!complete) {
      ++result.rows_dropped;
      continue;
    }
    result.ids.push_back(has_id ? std::string(table.cell(row, id_index)) : std::to_string(row + 1));
    for (std::size_t indicator = 0; indicator < columns.size(); ++indicator) {
      matrix.columns[indicator].push_back(columns[indicator].values[row]);
    }
  }
  if (result.ids.size() < 2) {
    throw Error(ErrorCode::InvalidInput,
                fmt::format("{} complete unit(s); a composite ranking needs at least 2", result.ids.size()),
                result.rows_dropped > 0 ? "fill the missing cells" : "give more units");
  }
  if (result.rows_dropped > 0) {
    progress.log(LogLevel::Info, fmt::format("{} of {} rows dropped for missing cells", result.rows_dropped,
                                             table.row_count()));
  }
  return matrix;
}

void weigh(const CompositeRequest& request, const IndicatorMatrix& matrix, CompositeResult& result,
           ProgressSink& progress) {
  result.weighting = request.weighting;
  if (request.weighting == "equal") {
    result.weights = equal_weights(matrix.columns.size());
  } else if (request.weighting == "entropy") {
    result.weights = entropy_weights(matrix);
  } else if (request.weighting == "critic") {
    result.weights = critic_weights(matrix);
  } else {
    result.weights_given = request.weights;
    const double sum = std::accumulate(result.weights_given.begin(), result.weights_given.end(), 0.0);
    result.weights = result.weights_given;
    for (double& weight : result.weights) weight /= sum;
    if (std::abs(sum - 1.0) > 1e-12) {
      std::string used;
      for (std::size_t k = 0; k < result.weights.size(); ++k) {
        used += fmt::format("{}{:.6g}", k > 0 ? ", " : "", result.weights[k]);
      }
      progress.log(LogLevel::Info,
                   fmt::format("`weights` sum to {:g}; renormalised to sum 1: {}", sum, used));
    }
  }
}

// TOPSIS' vector normalisation r_ij = x_ij / sqrt(sum_i x_ij^2), for show_normalized.
std::vector<std::vector<double>> vector_normalized(const IndicatorMatrix& matrix) {
  std::vector<std::vector<double>> out = matrix.columns;
  for (auto& column : out) {
    double squares = 0.0;
    for (const double value : column) squares += value * value;
    const double norm = std::sqrt(squares);
    for (double& value : column) value /= norm;  // norm > 0: topsis() rejected an all-zero indicator
  }
  return out;
}

void aggregate(const CompositeRequest& request, const IndicatorMatrix& matrix, CompositeResult& result) {
  result.method = request.method;
  if (request.method == "topsis") {
    result.normalization = "vector";
    result.topsis = topsis(matrix, result.weights);
    result.scores = result.topsis->closeness;
    if (request.show_normalized) result.normalized = vector_normalized(matrix);
  } else {
    result.normalization = request.normalize.value_or("minmax");
    std::vector<std::vector<double>> normalized;
    if (result.normalization == "minmax") {
      normalized = normalize_min_max(matrix);
    } else if (result.normalization == "zscore") {
      normalized = normalize_z_score(matrix);
    } else {
      normalized = matrix.columns;
    }
    result.scores = weighted_sum(normalized, result.weights);
    if (request.show_normalized) result.normalized = std::move(normalized);
  }
  result.tie_tolerance = request.tie_tolerance;
  result.ranks = competition_rank(result.scores, request.tie_tolerance);
}

}  // namespace

CompositeResult run_composite(const CompositeRequest& request, ProgressSink& progress) {
  check_indicators(request);
  check_method(request, progress);
  check_weights(request);
  CsvOptions csv_options;
  csv_options.delimiter = request.delimiter;
  const CsvTable table = CsvTable::read_file(request.file, csv_options);
  CompositeResult result;
  result.rows = table.row_count();
  const IndicatorMatrix matrix = read_matrix(request, table, result, progress);
  weigh(request, matrix, result, progress);
  aggregate(request, matrix, result);
  return result;
}

}  // namespace equalis::measure
