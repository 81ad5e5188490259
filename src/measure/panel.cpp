#include "measure/panel.hpp"

#include "core/error.hpp"
#include "core/unique_ids.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <numeric>
#include <unordered_map>

namespace equalis::measure {

namespace {

// pcgdp1940 → 1940; "2009" → 2009; no trailing digits → nullopt.
std::optional<double> trailing_number(const std::string& name) {
  std::size_t start = name.size();
  while (start > 0 && std::isdigit(static_cast<unsigned char>(name[start - 1])) != 0) --start;
  if (start == name.size()) return std::nullopt;
  return parse_number(std::string_view(name).substr(start));
}

void check_positive(const CsvTable& table, std::size_t row_idx, const std::string& column, double value) {
  if (value > 0.0) return;
  throw Error(
      ErrorCode::InvalidInput, fmt::format("value {} in column '{}' is not positive", value, column),
      "convergence analysis works on logarithms of levels: give values > 0 (or blank the cell and choose "
      "`missing` drop to leave the unit out)",
      table.location(row_idx, table.column_index(column)));
}

[[noreturn]] void missing(const CsvTable& table, std::size_t row_idx, const std::string& column) {
  throw Error(ErrorCode::InvalidInput, fmt::format("missing value in column '{}'", column),
              "fill the cell in, or choose `missing` drop to leave the unit out (the count is reported)",
              table.location(row_idx, table.column_index(column)));
}

std::vector<double> times_of(const PanelSpec& spec) {
  if (!spec.times.empty()) {
    if (spec.times.size() != spec.value_columns.size()) {
      throw Error(ErrorCode::InvalidInput,
                  fmt::format("{} times for {} value columns", spec.times.size(), spec.value_columns.size()),
                  "give one time in `times` per column in `value_columns`");
    }
    return spec.times;
  }
  std::vector<double> times;
  for (const auto& column : spec.value_columns) {
    const auto time = trailing_number(column);
    if (!time) {
      throw Error(ErrorCode::InvalidInput, fmt::format("cannot tell the period of column '{}'", column),
                  "name period columns with a trailing year (pcgdp1940) or give `times` 1940,1950,…");
    }
    times.push_back(*time);
  }
  return times;
}

// Per-unit columns shared by both forms: group and covariates (taken from the unit's first row).
void read_unit_attributes(const CsvTable& table, const PanelSpec& spec,
                          const std::vector<std::size_t>& unit_rows, Panel& panel) {
  if (spec.group_column) {
    const CategoryColumn group = read_category_column(table, *spec.group_column);
    std::vector<std::uint32_t> codes;
    codes.reserve(unit_rows.size());
    for (const std::size_t row_idx : unit_rows) {
      if (group.valid[row_idx] == 0) missing(table, row_idx, *spec.group_column);
      codes.push_back(group.codes[row_idx]);
    }
    panel.groups = dense_groups(std::move(codes), group.labels);
  }
  for (const auto& name : spec.covariate_columns) {
    const NumericColumn column = read_numeric_column(table, name);
    std::vector<double> values;
    for (const std::size_t row_idx : unit_rows) {
      if (column.valid[row_idx] == 0) missing(table, row_idx, name);
      values.push_back(column.values[row_idx]);
    }
    panel.covariates.push_back(std::move(values));
    panel.covariate_names.push_back(name);
  }
}

Panel read_wide(const CsvTable& table, const PanelSpec& spec) {
  const std::vector<double> times = times_of(spec);
  std::vector<NumericColumn> columns;
  for (const auto& name : spec.value_columns) columns.push_back(read_numeric_column(table, name));
  std::optional<NumericColumn> weight;
  if (spec.weight_column) weight = read_numeric_column(table, *spec.weight_column);
  std::optional<CategoryColumn> ids;
  if (spec.id_column) ids = read_category_column(table, *spec.id_column);

  // Periods sorted by time; units are rows.
  std::vector<std::size_t> order(times.size());
  std::iota(order.begin(), order.end(), 0U);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return times[a] < times[b]; });
  Panel panel;
  for (std::size_t k = 0; k < order.size(); ++k) {
    panel.times.push_back(times[order[k]]);
    if (k > 0 && panel.times[k] == panel.times[k - 1]) {
      throw Error(ErrorCode::InvalidInput, fmt::format("two value columns for period {}", panel.times[k]),
                  "give each period once");
    }
  }
  panel.values.resize(order.size());
  if (weight) panel.weights.resize(order.size());
  std::vector<std::size_t> unit_rows;
  // Wide form: one row per unit, so an id seen twice is two rows for one unit (a merge gone wrong).
  if (ids) {
    require_unique_ids(table, table.column_index(*spec.id_column), "unit",
                       "the wide form has one row per unit: remove or merge the repeated row");
  }
  for (std::size_t row_idx = 0; row_idx < table.row_count(); ++row_idx) {
    bool complete = true;
    for (const auto& column : columns) complete = complete && column.valid[row_idx] != 0;
    if (weight) complete = complete && weight->valid[row_idx] != 0;
    if (!complete) {
      if (spec.missing == MissingPolicy::Drop) {
        ++panel.units_dropped;
        continue;
      }
      for (const auto& column : columns) {
        if (column.valid[row_idx] == 0) missing(table, row_idx, column.name);
      }
      missing(table, row_idx, *spec.weight_column);
    }
    for (std::size_t k = 0; k < order.size(); ++k) {
      const NumericColumn& column = columns[order[k]];
      check_positive(table, row_idx, column.name, column.values[row_idx]);
      panel.values[k].push_back(column.values[row_idx]);
      if (weight) {
        if (weight->values[row_idx] < 0.0) {
          throw Error(ErrorCode::InvalidInput, "negative weight", "weights are populations and must be ≥ 0",
                      table.location(row_idx, table.column_index(*spec.weight_column)));
        }
        panel.weights[k].push_back(weight->values[row_idx]);
      }
    }
    panel.unit_ids.push_back(ids && ids->valid[row_idx] != 0 ? ids->labels[ids->codes[row_idx]]
                                                             : std::to_string(row_idx + 1));
    unit_rows.push_back(row_idx);
  }
  read_unit_attributes(table, spec, unit_rows, panel);
  return panel;
}

Panel read_long(const CsvTable& table, const PanelSpec& spec) {
  if (!spec.id_column) {
    throw Error(ErrorCode::InvalidInput, "a long panel needs a unit id column", "name it in `id_column`");
  }
  if (spec.value_columns.size() != 1) {
    throw Error(
        ErrorCode::InvalidInput, "a long panel takes exactly one column in `value_columns`",
        "give one `value_columns` with `time_column`, or several `value_columns` without `time_column` "
        "(wide form)");
  }
  const NumericColumn value = read_numeric_column(table, spec.value_columns[0]);
  const NumericColumn time = read_numeric_column(table, *spec.time_column);
  const CategoryColumn id = read_category_column(table, *spec.id_column);
  std::optional<NumericColumn> weight;
  if (spec.weight_column) weight = read_numeric_column(table, *spec.weight_column);

  std::vector<double> times;
  for (std::size_t row_idx = 0; row_idx < table.row_count(); ++row_idx) {
    if (time.valid[row_idx] == 0) missing(table, row_idx, *spec.time_column);
    if (id.valid[row_idx] == 0) missing(table, row_idx, *spec.id_column);
    times.push_back(time.values[row_idx]);
  }
  std::sort(times.begin(), times.end());
  times.erase(std::unique(times.begin(), times.end()), times.end());
  const std::size_t unit_count = id.labels.size();
  // cell_row[period][unit] = row of that observation, or npos.
  constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  std::vector<std::vector<std::size_t>> cell_row(times.size(), std::vector<std::size_t>(unit_count, kNone));
  for (std::size_t row_idx = 0; row_idx < table.row_count(); ++row_idx) {
    const auto period = static_cast<std::size_t>(
        std::lower_bound(times.begin(), times.end(), time.values[row_idx]) - times.begin());
    std::size_t& slot = cell_row[period][id.codes[row_idx]];
    if (slot != kNone) {
      throw Error(ErrorCode::InvalidInput,
                  fmt::format("unit '{}' appears twice in period {} (first on line {})",
                              id.labels[id.codes[row_idx]], times[period], table.row_location(slot).line),
                  "keep one row per unit and period", table.row_location(row_idx));
    }
    slot = row_idx;
  }
  Panel panel;
  panel.times = times;
  panel.values.resize(times.size());
  if (weight) panel.weights.resize(times.size());
  std::vector<std::size_t> unit_rows;
  for (std::uint32_t unit = 0; unit < unit_count; ++unit) {
    bool complete = true;
    std::optional<double> missing_period;
    for (std::size_t p = 0; p < times.size(); ++p) {
      const std::size_t row_idx = cell_row[p][unit];
      if (row_idx == kNone) {
        complete = false;
        if (!missing_period) missing_period = times[p];
        continue;
      }
      if (value.valid[row_idx] == 0 || (weight && weight->valid[row_idx] == 0)) {
        if (spec.missing == MissingPolicy::Error) {
          missing(table, row_idx, value.valid[row_idx] == 0 ? value.name : *spec.weight_column);
        }
        complete = false;
      }
    }
    if (!complete) {
      if (spec.missing == MissingPolicy::Drop) {
        ++panel.units_dropped;
        continue;
      }
      throw Error(
          ErrorCode::InvalidInput,
          fmt::format("unit '{}' has no row for period {}", id.labels[unit], *missing_period),
          "give every unit a row in every period, or choose `missing` drop to leave incomplete units out",
          SourceLocation{table.source(), 0, 0});
    }
    for (std::size_t p = 0; p < times.size(); ++p) {
      const std::size_t row_idx = cell_row[p][unit];
      check_positive(table, row_idx, value.name, value.values[row_idx]);
      panel.values[p].push_back(value.values[row_idx]);
      if (weight) panel.weights[p].push_back(weight->values[row_idx]);
    }
    panel.unit_ids.push_back(id.labels[unit]);
    unit_rows.push_back(cell_row[0][unit]);
  }
  read_unit_attributes(table, spec, unit_rows, panel);
  return panel;
}

std::size_t period_index(const Panel& panel, double time, const char* which) {
  const auto found = std::find(panel.times.begin(), panel.times.end(), time);
  if (found == panel.times.end()) {
    throw Error(
        ErrorCode::InvalidInput, fmt::format("no period {} for the {} of β-convergence", time, which),
        fmt::format("choose one of the panel's periods ({} … {})", panel.times.front(), panel.times.back()));
  }
  return static_cast<std::size_t>(found - panel.times.begin());
}

}  // namespace

Panel read_panel(const CsvTable& table, const PanelSpec& spec) {
  if (table.row_count() == 0) {
    throw Error(ErrorCode::InvalidInput, fmt::format("'{}' has a header but no data rows", table.source()),
                "add one row per unit (wide form) or per unit and period (long form)");
  }
  if (spec.value_columns.empty()) {
    throw Error(ErrorCode::InvalidInput, "no value column given", "name the indicator in `value_columns`");
  }
  Panel panel = spec.time_column ? read_long(table, spec) : read_wide(table, spec);
  if (panel.times.size() < 2) {
    throw Error(ErrorCode::InvalidInput, "convergence needs at least two periods",
                "give several `value_columns` (wide form) or a `time_column` with several periods");
  }
  if (panel.unit_ids.size() < 3) {
    throw Error(ErrorCode::InvalidInput, fmt::format("only {} complete units", panel.unit_ids.size()),
                "convergence regressions need at least three units with values in every period");
  }
  return panel;
}

ConvergenceReport analyze_convergence(const Panel& panel, const ConvergenceOptions& options,
                                      ProgressSink& progress) {
  ConvergenceReport report;
  report.sigma = sigma_convergence(panel.values, panel.times, panel.weights);
  const std::size_t from = options.from_time ? period_index(panel, *options.from_time, "start") : 0;
  const std::size_t to =
      options.to_time ? period_index(panel, *options.to_time, "end") : panel.times.size() - 1;
  if (to <= from) {
    throw Error(ErrorCode::InvalidInput, "the end period of β-convergence is not after its start",
                "give `from_time` earlier than `to_time`");
  }
  report.from_time = panel.times[from];
  report.to_time = panel.times[to];
  const double years = report.to_time - report.from_time;
  if (options.beta) {
    report.beta_absolute = beta_convergence(panel.values[from], panel.values[to], years);
    if (!panel.groups.empty() || !panel.covariates.empty()) {
      BetaConditioning conditioning;
      conditioning.groups = panel.groups.codes;
      conditioning.group_names = panel.groups.names;
      conditioning.reference_group = options.reference_group;
      conditioning.covariates = panel.covariates;
      conditioning.covariate_names = panel.covariate_names;
      report.beta_conditional = beta_convergence(panel.values[from], panel.values[to], years, conditioning);
    }
  }
  if (options.density) {
    report.density = distribution_dynamics(panel.values, panel.weights, options.density_options, progress);
  }
  return report;
}

}  // namespace equalis::measure
