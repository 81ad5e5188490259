#include "measure/inequality_run.hpp"

#include "core/csv_columns.hpp"
#include "core/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace equalis::measure {

namespace {

constexpr std::array<std::string_view, 7> kFamilies{
    "gini", "ge", "atkinson", "dispersion", "ratios", "decomposition", "dagum"};

MeasureOptions selected_options(const InequalityRequest& request) {
  for (const auto& family : request.indices) {
    if (std::find(kFamilies.begin(), kFamilies.end(), family) == kFamilies.end()) {
      throw Error(ErrorCode::InvalidInput, fmt::format("unknown index family '{}' in `indices`", family),
                  fmt::format("choose among {}", fmt::join(kFamilies, ", ")));
    }
  }
  const auto wants = [&](const char* family) {
    return std::find(request.indices.begin(), request.indices.end(), family) != request.indices.end();
  };
  MeasureOptions options = request.options;
  auto& selection = options.indices;
  selection.gini = wants("gini");
  if (!wants("ge")) selection.ge_alphas.clear();
  if (!wants("atkinson")) selection.atkinson_epsilons.clear();
  selection.dispersion = wants("dispersion");
  selection.quantile_ratios = wants("ratios");
  selection.decomposition = wants("decomposition");
  selection.dagum = wants("dagum");
  return options;
}

// A data problem found while measuring names the file and the indicator (and period) it is about.
InequalityProfile measure_indicator(const std::string& file, const PreparedIndicator& indicator,
                                    const MeasureOptions& options, ProgressSink& progress) {
  try {
    return measure_inequality(indicator.data, options, progress);
  } catch (const Error& e) {
    if (e.code() != ErrorCode::InvalidInput || e.where()) throw;
    const std::string period = indicator.period ? fmt::format(" ({})", *indicator.period) : "";
    throw Error(e.code(), fmt::format("indicator '{}'{}: {}", indicator.indicator, period, e.message()),
                e.fix(), SourceLocation{file});
  }
}

}  // namespace

namespace {

InequalityResult measure_prepared(std::vector<PreparedIndicator> prepared, std::size_t rows,
                                  const std::string& source, const MeasureOptions& options,
                                  ProgressSink& progress) {
  InequalityResult result;
  result.rows = rows;
  for (auto& indicator : prepared) {
    result.indicators.push_back({indicator.indicator, indicator.period, indicator.rows_dropped,
                                 measure_indicator(source, indicator, options, progress)});
    indicator.data = {};  // measured: its copy of the data is no longer needed
    indicator.rows = {};
  }
  return result;
}

}  // namespace

InequalityResult run_inequality(const InequalityRequest& request, ProgressSink& progress) {
  const MeasureOptions options = selected_options(request);
  validate(options.inference);  // before the file is read
  CsvOptions csv_options;
  csv_options.delimiter = request.delimiter;
  std::vector<PreparedIndicator> prepared;
  std::size_t rows = 0;
  {
    // Only the columns the indicators need, typed while the file is read. An indicator takes its columns
    // over when they are its data as they stand; what is left is freed once the indicators are prepared.
    ColumnTable table =
        ColumnTable::read_file(request.file, wanted_columns(request.columns), csv_options, progress);
    rows = table.row_count();
    prepared = prepare_indicators(std::move(table), request.columns, requirements_of(options));
  }
  return measure_prepared(std::move(prepared), rows, request.file, options, progress);
}

InequalityResult run_inequality(const InequalityRequest& request, ColumnTable table, ProgressSink& progress) {
  const MeasureOptions options = selected_options(request);
  validate(options.inference);
  const std::size_t rows = table.row_count();
  std::vector<PreparedIndicator> prepared =
      prepare_indicators(std::move(table), request.columns, requirements_of(options));
  const std::string source = table.source();
  table =
      ColumnTable::from_columns(source, 0, {}, {});  // freed before the long part, as a file's columns are
  return measure_prepared(std::move(prepared), rows, source, options, progress);
}

}  // namespace equalis::measure
