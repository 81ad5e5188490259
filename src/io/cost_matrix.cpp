#include "io/cost_matrix.hpp"

#include "core/csv_columns.hpp"
#include "core/error.hpp"
#include "io/column_choice.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <initializer_list>

namespace equalis::io {

std::string_view cost_unit_name(CostUnit unit) noexcept {
  switch (unit) {
    case CostUnit::Seconds:
      return "seconds";
    case CostUnit::Minutes:
      return "minutes";
    case CostUnit::Metres:
      return "metres";
    case CostUnit::Given:
      break;
  }
  return "as given";
}

LongMatrix read_long_matrix(const std::string& path, const LongMatrixSpec& spec, ProgressSink& progress) {
  // The header first (a one-row read), to pick the columns by their usual names.
  const std::vector<std::string> header = ColumnTable::read_header(path);
  const std::string from =
      choose_column(path, header, spec.from_column, {"from_id", "from", "from_idx", "origin"}, "from");
  const std::string to =
      choose_column(path, header, spec.to_column, {"to_id", "to", "to_idx", "destination"}, "to");
  const std::string cost = choose_column(
      path, header, spec.cost_column, {"cost", "travel_time_s", "travel_time", "time", "distance"}, "cost");
  ColumnTable table = ColumnTable::read_file(
      path, {{from, ColumnKind::Category}, {to, ColumnKind::Category}, {cost, ColumnKind::Numeric}}, {},
      progress);
  const CategoryColumn& origins = table.category(from);
  const CategoryColumn& destinations = table.category(to);
  const NumericColumn& costs = table.numeric(cost);
  LongMatrix matrix;
  matrix.source = path;
  const std::size_t rows = table.row_count();
  matrix.cost.resize(rows);
  for (std::size_t row = 0; row < rows; ++row) {
    const double value = costs.values[row];
    if (costs.valid[row] == 0 || value < 0.0 || !std::isfinite(value)) {
      throw Error(
          ErrorCode::Parse,
          fmt::format("cost '{}' is not a number ≥ 0", costs.valid[row] == 0 ? "" : fmt::format("{}", value)),
          "costs are travel times or distances ≥ 0; leave unreachable pairs out", table.location(row, cost));
    }
    if (origins.valid[row] == 0 || destinations.valid[row] == 0) {
      const std::string& column = origins.valid[row] == 0 ? from : to;
      throw Error(ErrorCode::InvalidInput, fmt::format("missing id in column '{}'", column),
                  "give every pair both ids", table.location(row, column));
    }
    matrix.cost[row] = static_cast<float>(value);
  }
  CategoryColumn taken_origins = table.take_category(from);
  CategoryColumn taken_destinations = table.take_category(to);
  matrix.origin = std::move(taken_origins.codes);  // 50 M pairs: 200 MB each not copied
  matrix.destination = std::move(taken_destinations.codes);
  matrix.origin_ids = std::move(taken_origins.labels);
  matrix.destination_ids = std::move(taken_destinations.labels);
  return matrix;
}

}  // namespace equalis::io
