#include "measure/table_input.hpp"

#include "core/error.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace equalis::measure {

namespace {

// The columns an indicator needs, wherever they were read: a CsvTable (parsed here, into `owned`) or a
// ColumnTable (read typed already, referenced).
struct Columns {
  std::vector<const NumericColumn*> values;
  const NumericColumn* weight = nullptr;
  const CategoryColumn* group = nullptr;
  const CategoryColumn* by = nullptr;
  const NumericColumn* rank_by = nullptr;
  std::vector<NumericColumn> owned_numeric;
  std::vector<CategoryColumn> owned_category;
};

void require_value_columns(const ColumnSpec& spec) {
  if (spec.value_columns.empty()) {
    throw Error(ErrorCode::InvalidInput, "no value column given",
                "name the indicator column in `value_columns`");
  }
}

Columns read_columns(const CsvTable& table, const ColumnSpec& spec) {
  require_value_columns(spec);
  Columns columns;
  // Reserved up front: the pointers below must not move.
  columns.owned_numeric.reserve(spec.value_columns.size() + 2);
  columns.owned_category.reserve(2);
  const auto numeric = [&](const std::string& name) {
    return &columns.owned_numeric.emplace_back(read_numeric_column(table, name));
  };
  const auto category = [&](const std::string& name) {
    return &columns.owned_category.emplace_back(read_category_column(table, name));
  };
  for (const auto& name : spec.value_columns) columns.values.push_back(numeric(name));
  if (spec.weight_column) columns.weight = numeric(*spec.weight_column);
  if (spec.group_column) columns.group = category(*spec.group_column);
  if (spec.by_column) columns.by = category(*spec.by_column);
  if (spec.rank_by_column) columns.rank_by = numeric(*spec.rank_by_column);
  return columns;
}

Columns read_columns(const ColumnTable& table, const ColumnSpec& spec) {
  require_value_columns(spec);
  Columns columns;
  for (const auto& name : spec.value_columns) columns.values.push_back(&table.numeric(name));
  if (spec.weight_column) columns.weight = &table.numeric(*spec.weight_column);
  if (spec.group_column) columns.group = &table.category(*spec.group_column);
  if (spec.by_column) columns.by = &table.category(*spec.by_column);
  if (spec.rank_by_column) columns.rank_by = &table.numeric(*spec.rank_by_column);
  return columns;
}

SourceLocation cell_location(const CsvTable& table, std::size_t row_idx, const std::string& column) {
  return table.location(row_idx, table.column_index(column));
}

SourceLocation cell_location(const ColumnTable& table, std::size_t row_idx, const std::string& column) {
  return table.location(row_idx, column);
}

template <typename Table>
[[noreturn]] void missing_cell(const Table& table, std::size_t row_idx, const std::string& column) {
  throw Error(ErrorCode::InvalidInput, fmt::format("missing value in column '{}'", column),
              "fill the cell in, or choose `missing` drop to leave such rows out (their number is reported)",
              cell_location(table, row_idx, column));
}

// True if every column the indicator needs has a value in this row; throws under MissingPolicy::Error.
template <typename Table>
bool row_complete(const Table& table, const ColumnSpec& spec, const Columns& columns,
                  const NumericColumn& value, std::size_t row_idx) {
  const auto check = [&](bool valid, const std::string& column) {
    if (valid) return true;
    if (spec.missing == MissingPolicy::Error) missing_cell(table, row_idx, column);
    return false;
  };
  bool complete = check(value.valid[row_idx] != 0, value.name);
  if (columns.weight) complete = check(columns.weight->valid[row_idx] != 0, columns.weight->name) && complete;
  if (columns.group) complete = check(columns.group->valid[row_idx] != 0, columns.group->name) && complete;
  if (columns.by) complete = check(columns.by->valid[row_idx] != 0, columns.by->name) && complete;
  if (columns.rank_by)
    complete = check(columns.rank_by->valid[row_idx] != 0, columns.rank_by->name) && complete;
  return complete;
}

template <typename Table>
void check_cell_values(const Table& table, const ColumnSpec& spec, const Columns& columns,
                       const NumericColumn& value, std::size_t row_idx,
                       const ValueRequirements& requirements) {
  const double v = value.values[row_idx];
  if (v < 0.0) {
    throw Error(ErrorCode::InvalidInput, fmt::format("negative value {} in column '{}'", v, value.name),
                "relative inequality indices need values ≥ 0; check the sign and units of the indicator",
                cell_location(table, row_idx, value.name));
  }
  if (requirements.strictly_positive && v == 0.0) {
    throw Error(
        ErrorCode::InvalidInput, fmt::format("zero value in column '{}'", value.name),
        "Theil L / GE(α ≤ 0) and Atkinson ε ≥ 1 take logs and need values > 0: correct the value, choose "
        "`missing` drop after blanking it, or choose indices defined at zero (e.g. `ge_alphas` 1,2 "
        "`atkinson_epsilons` 0.5)",
        cell_location(table, row_idx, value.name));
  }
  if (columns.weight && columns.weight->values[row_idx] < 0.0) {
    throw Error(ErrorCode::InvalidInput,
                fmt::format("negative weight {} in column '{}'", columns.weight->values[row_idx],
                            *spec.weight_column),
                "weights are population counts and must be ≥ 0",
                cell_location(table, row_idx, *spec.weight_column));
  }
}

template <typename Table>
void check_group_sizes(const Table& table, const ColumnSpec& spec, const PreparedIndicator& prepared) {
  if (spec.allow_singleton_groups || prepared.data.groups.empty()) return;
  std::vector<std::size_t> count(prepared.data.groups.count(), 0);
  std::vector<std::size_t> first_row(prepared.data.groups.count(), 0);
  for (std::size_t k = 0; k < prepared.data.groups.size(); ++k) {
    const std::uint32_t g = prepared.data.groups.codes[k];
    if (count[g]++ == 0) first_row[g] = prepared.rows.empty() ? k : prepared.rows[k];
  }
  for (std::size_t g = 0; g < count.size(); ++g) {
    if (count[g] != 1) continue;
    throw Error(ErrorCode::InvalidInput,
                fmt::format("group '{}' of column '{}' has only one unit{}", prepared.data.groups.names[g],
                            *spec.group_column, prepared.period ? " in period " + *prepared.period : ""),
                "a one-unit group has no within-group inequality: merge it with a related group, or set "
                "`allow_singleton_groups` if it is intended",
                cell_location(table, first_row[g], *spec.group_column));
  }
}

}  // namespace

ValueRequirements requirements_of(const MeasureOptions& options) {
  ValueRequirements r;
  const auto& alphas = options.indices.ge_alphas;
  const auto& epsilons = options.indices.atkinson_epsilons;
  r.strictly_positive = std::any_of(alphas.begin(), alphas.end(), [](double a) { return a <= 0.0; }) ||
                        std::any_of(epsilons.begin(), epsilons.end(), [](double e) { return e >= 1.0; });
  return r;
}

namespace {

// True if the row-by-row pass below would take row `r` as it is: every cell present and no value it
// refuses (keep in step with row_complete and check_cell_values).
bool regular_row(const Columns& columns, const NumericColumn& value, std::size_t r,
                 const ValueRequirements& requirements) {
  if (value.valid[r] == 0 || value.values[r] < 0.0) return false;
  if (requirements.strictly_positive && value.values[r] == 0.0) return false;
  if (columns.weight && (columns.weight->valid[r] == 0 || columns.weight->values[r] < 0.0)) return false;
  if (columns.group && columns.group->valid[r] == 0) return false;
  if (columns.by && columns.by->valid[r] == 0) return false;
  return !columns.rank_by || columns.rank_by->valid[r] != 0;
}

// Whether every row is a unit as it is (the common case on a big file): then the columns are the
// indicator's data as they stand, taken in bulk instead of row by row. A parallel scan.
bool all_rows_regular(const Columns& columns, const NumericColumn& value, std::size_t rows,
                      const ValueRequirements& requirements) {
  const auto n = static_cast<long long>(rows);
  long long irregular = 0;
#pragma omp parallel for schedule(static) reduction(+ : irregular) if (n > 100000)
  for (long long r = 0; r < n; ++r)
    irregular += regular_row(columns, value, static_cast<std::size_t>(r), requirements) ? 0 : 1;
  return irregular == 0;
}

// One value column, no periods, every row a unit: the indicator is the columns themselves (moved out of
// `owner` when given, else copied) and row k is unit k (`rows` left empty).
template <typename Table>
PreparedIndicator prepare_whole(const Table& table, const ColumnSpec& spec, const Columns& columns,
                                ColumnTable* owner) {
  PreparedIndicator prepared;
  const NumericColumn& value = *columns.values.front();
  prepared.indicator = value.name;
  const auto numeric = [&](const NumericColumn& column) {
    return owner != nullptr ? owner->take_numeric(column.name).values : column.values;
  };
  // A column named twice (value and weight) is copied: moving it out would empty the other use.
  const bool shared =
      (columns.weight && columns.weight->name == value.name) ||
      (columns.rank_by && (columns.rank_by->name == value.name ||
                           (columns.weight && columns.rank_by->name == columns.weight->name)));
  if (shared) owner = nullptr;
  if (columns.rank_by) prepared.data.rank_by = numeric(*columns.rank_by);
  if (columns.weight) prepared.data.weights = numeric(*columns.weight);
  prepared.data.values = numeric(value);
  if (columns.group) {
    CategoryColumn group = owner != nullptr ? owner->take_category(columns.group->name) : *columns.group;
    prepared.data.groups = dense_groups(std::move(group.codes), group.labels);
  }
  check_group_sizes(table, spec, prepared);
  return prepared;
}

template <typename Table>
std::vector<PreparedIndicator> prepare_from(const Table& table, const ColumnSpec& spec,
                                            const ValueRequirements& requirements,
                                            ColumnTable* owner = nullptr) {
  if (table.row_count() == 0) {
    throw Error(ErrorCode::InvalidInput, fmt::format("'{}' has a header but no data rows", table.source()),
                "add one row per region or unit");
  }
  const Columns columns = read_columns(table, spec);
  const std::size_t period_count = columns.by ? columns.by->labels.size() : 1;
  if (columns.values.size() == 1 && !columns.by &&
      all_rows_regular(columns, *columns.values.front(), table.row_count(), requirements)) {
    std::vector<PreparedIndicator> result;
    result.push_back(prepare_whole(table, spec, columns, owner));
    return result;
  }
  std::vector<PreparedIndicator> result;
  for (const NumericColumn* value_column : columns.values) {
    const NumericColumn& value = *value_column;
    std::vector<PreparedIndicator> per_period(period_count);
    for (std::size_t p = 0; p < period_count; ++p) {
      per_period[p].indicator = value.name;
      if (columns.by) per_period[p].period = columns.by->labels[p];
    }
    if (period_count == 1) {  // no growth by doubling: on 10 M rows that would double the peak memory
      IndicatorData& data = per_period[0].data;
      const std::size_t rows = table.row_count();
      data.values.reserve(rows);
      if (columns.weight) data.weights.reserve(rows);
      if (columns.group) data.groups.codes.reserve(rows);
      if (columns.rank_by) data.rank_by.reserve(rows);
      per_period[0].rows.reserve(rows);
    }
    std::size_t dropped = 0;
    for (std::size_t row_idx = 0; row_idx < table.row_count(); ++row_idx) {
      if (!row_complete(table, spec, columns, value, row_idx)) {
        ++dropped;
        continue;
      }
      check_cell_values(table, spec, columns, value, row_idx, requirements);
      PreparedIndicator& target = per_period[columns.by ? columns.by->codes[row_idx] : 0];
      target.data.values.push_back(value.values[row_idx]);
      if (columns.weight) target.data.weights.push_back(columns.weight->values[row_idx]);
      if (columns.group) target.data.groups.codes.push_back(columns.group->codes[row_idx]);
      if (columns.rank_by) target.data.rank_by.push_back(columns.rank_by->values[row_idx]);
      target.rows.push_back(row_idx);
    }
    for (auto& prepared : per_period) {
      if (prepared.rows.empty()) {
        throw Error(ErrorCode::InvalidInput,
                    fmt::format("no complete rows for '{}'{}", value.name,
                                prepared.period ? " in period " + *prepared.period : ""),
                    "check the missing cells of the value, weight and group columns");
      }
      prepared.rows_dropped = dropped;  // counted over the whole table for this value column
      if (columns.group)
        prepared.data.groups = dense_groups(std::move(prepared.data.groups.codes), columns.group->labels);
      check_group_sizes(table, spec, prepared);
      result.push_back(std::move(prepared));
    }
  }
  return result;
}

}  // namespace

std::vector<PreparedIndicator> prepare_indicators(const CsvTable& table, const ColumnSpec& spec,
                                                  const ValueRequirements& requirements) {
  return prepare_from(table, spec, requirements);
}

std::vector<PreparedIndicator> prepare_indicators(const ColumnTable& table, const ColumnSpec& spec,
                                                  const ValueRequirements& requirements) {
  return prepare_from(table, spec, requirements);
}

std::vector<PreparedIndicator> prepare_indicators(ColumnTable&& table, const ColumnSpec& spec,
                                                  const ValueRequirements& requirements) {
  return prepare_from(table, spec, requirements, &table);
}

std::vector<WantedColumn> wanted_columns(const ColumnSpec& spec) {
  std::vector<WantedColumn> wanted;
  for (const auto& name : spec.value_columns) wanted.push_back({name, ColumnKind::Numeric});
  if (spec.weight_column) wanted.push_back({*spec.weight_column, ColumnKind::Numeric});
  if (spec.group_column) wanted.push_back({*spec.group_column, ColumnKind::Category});
  if (spec.by_column) wanted.push_back({*spec.by_column, ColumnKind::Category});
  if (spec.rank_by_column) wanted.push_back({*spec.rank_by_column, ColumnKind::Numeric});
  return wanted;
}

}  // namespace equalis::measure
