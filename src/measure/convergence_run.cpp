#include "measure/convergence_run.hpp"

#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/table.hpp"

#include <fmt/format.h>

namespace equalis::measure {

namespace {

void apply_bandwidth(const std::string& text, DensityOptions& density) {
  if (text == "silverman") {
    density.bandwidth_rule = BandwidthRule::Silverman;
  } else if (text == "scott") {
    density.bandwidth_rule = BandwidthRule::Scott;
  } else {
    const auto value = parse_number(text);
    if (!value || *value <= 0.0) {
      throw Error(ErrorCode::InvalidInput,
                  fmt::format("bandwidth '{}' is not silverman, scott or a number > 0", text),
                  "give `bandwidth` silverman, scott or a positive number (in units of the relative values)");
    }
    density.bandwidth_rule = BandwidthRule::Fixed;
    density.bandwidth = *value;
  }
}

}  // namespace

ConvergenceResult run_convergence(const ConvergenceRequest& request, ProgressSink& progress) {
  ConvergenceOptions options = request.options;
  apply_bandwidth(request.bandwidth, options.density_options);
  CsvOptions csv_options;
  csv_options.delimiter = request.delimiter;
  const CsvTable table = CsvTable::read_file(request.file, csv_options);
  ConvergenceResult result;
  result.rows = table.row_count();
  result.panel = read_panel(table, request.panel);
  result.report = analyze_convergence(result.panel, options, progress);
  return result;
}

}  // namespace equalis::measure
