#pragma once
// From a CSV table to validated IndicatorData: picks the value, weight, group, period and ranking
// columns, applies the missing-value policy and checks every cell a requested index needs, so that
// bad input is reported at its file:line:column with the fix, before any computation starts.

#include "core/csv.hpp"
#include "core/csv_columns.hpp"
#include "core/table.hpp"
#include "measure/profile.hpp"

#include <optional>
#include <string>
#include <vector>

namespace equalis::measure {

struct ColumnSpec {
  std::vector<std::string> value_columns;  // one result per column (wide form) …
  std::optional<std::string> weight_column;
  std::optional<std::string> group_column;
  std::optional<std::string> by_column;  // … and per distinct value of this column (long panel form)
  std::optional<std::string> rank_by_column;
  MissingPolicy missing = MissingPolicy::Error;
  bool allow_singleton_groups = false;  // a group of one unit is usually a coding error
};

// What the requested indices demand of the values.
struct ValueRequirements {
  bool strictly_positive = false;  // logs: GE(α ≤ 0), Atkinson ε ≥ 1
};
ValueRequirements requirements_of(const MeasureOptions& options);

struct PreparedIndicator {
  std::string indicator;              // value column name
  std::optional<std::string> period;  // value of the by_column (long panel form)
  IndicatorData data;
  std::vector<std::size_t> rows;  // table row of every unit, for messages; empty: row k is unit k
  std::size_t rows_dropped = 0;   // rows dropped for a missing cell (MissingPolicy::Drop)
};

// One PreparedIndicator per value column and period, in column order then order of first appearance.
// Throws Error(Parse/InvalidInput) at the first offending cell.
std::vector<PreparedIndicator> prepare_indicators(const CsvTable& table, const ColumnSpec& spec,
                                                  const ValueRequirements& requirements);
// The same from columns read typed (ColumnTable::read_file with wanted_columns(spec)): the fast path for
// big files, with the same checks and messages.
std::vector<PreparedIndicator> prepare_indicators(const ColumnTable& table, const ColumnSpec& spec,
                                                  const ValueRequirements& requirements);
// The same, moving the columns out of `table` when they are the indicator as they stand (one value
// column, no periods, every row complete and valid): no second copy of a big file's columns. `table`
// keeps its header and can still locate cells, but those columns are left empty.
std::vector<PreparedIndicator> prepare_indicators(ColumnTable&& table, const ColumnSpec& spec,
                                                  const ValueRequirements& requirements);
// The columns prepare_indicators needs, with their kinds.
std::vector<WantedColumn> wanted_columns(const ColumnSpec& spec);

}  // namespace equalis::measure
