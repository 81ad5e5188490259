// `equalis measure convergence`: σ- and β-convergence and distribution dynamics of a panel.

#include "commands.hpp"

#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/table.hpp"
#include "measure/panel.hpp"
#include "report/convergence_json.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <memory>

namespace equalis::cli {

namespace {

struct ConvergenceArgs {
  std::string file;
  measure::PanelSpec spec;
  std::string time_column, id_column, weight_column, group_column, missing = "error";
  measure::ConvergenceOptions options;
  std::optional<double> from, to;
  std::string bandwidth = "silverman";
  bool no_density = false;
  char delimiter = ',';
};

std::optional<std::string> non_empty(const std::string& text) {
  return text.empty() ? std::nullopt : std::optional<std::string>(text);
}

void apply_bandwidth(const std::string& text, measure::DensityOptions& density) {
  if (text == "silverman") {
    density.bandwidth_rule = measure::BandwidthRule::Silverman;
  } else if (text == "scott") {
    density.bandwidth_rule = measure::BandwidthRule::Scott;
  } else {
    const auto value = parse_number(text);
    if (!value || *value <= 0.0) {
      throw Error(ErrorCode::InvalidInput,
                  fmt::format("bandwidth '{}' is not silverman, scott or a number > 0", text),
                  "give --bandwidth silverman, scott or a positive number (in units of the relative values)");
    }
    density.bandwidth_rule = measure::BandwidthRule::Fixed;
    density.bandwidth = *value;
  }
}

void run_convergence(ConvergenceArgs& args, Context& context) {
  args.spec.time_column = non_empty(args.time_column);
  args.spec.id_column = non_empty(args.id_column);
  args.spec.weight_column = non_empty(args.weight_column);
  args.spec.group_column = non_empty(args.group_column);
  args.spec.missing = args.missing == "drop" ? MissingPolicy::Drop : MissingPolicy::Error;
  args.options.from_time = args.from;
  args.options.to_time = args.to;
  args.options.density = !args.no_density;
  apply_bandwidth(args.bandwidth, args.options.density_options);
  CsvOptions csv_options;
  csv_options.delimiter = args.delimiter;
  const CsvTable table = CsvTable::read_file(args.file, csv_options);
  const measure::Panel panel = measure::read_panel(table, args.spec);
  const measure::ConvergenceReport report =
      measure::analyze_convergence(panel, args.options, context.progress);
  emit_result(context.output,
              {.json =
                   [&] {
                     nlohmann::ordered_json out =
                         envelope("measure convergence", args.file, table.row_count());
                     out["options"] = {{"value", args.spec.value_columns},
                                       {"time", args.spec.times},
                                       {"by", args.time_column},
                                       {"id", args.id_column},
                                       {"weight", args.weight_column},
                                       {"group", args.group_column},
                                       {"covariates", args.spec.covariate_columns},
                                       {"bandwidth", args.bandwidth},
                                       {"missing", args.missing}};
                     out["result"] = report::to_json(report, panel);
                     return out;
                   },
               .csv = {},  // a convergence result is a nested document: JSON or a text summary
               .text = [&] { return report::to_text(report, panel); }});
}

}  // namespace

void add_convergence_command(CLI::App& measure, Context& context) {
  auto args = std::make_shared<ConvergenceArgs>();
  CLI::App* cmd = measure.add_subcommand(
      "convergence", "σ- and β-convergence (absolute and conditional) and kernel densities of a panel");
  cmd->add_option("file", args->file, "CSV file: wide (one column per period) or long (--by, --id)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("-v,--value", args->spec.value_columns,
                  "Value columns, one per period (wide form), or the one value column (long form)")
      ->required();
  cmd->add_option("--time", args->spec.times,
                  "Times of the value columns (default: trailing number of each name)")
      ->delimiter(',');
  cmd->add_option("--by", args->time_column, "Numeric period column (long form)");
  cmd->add_option("--id", args->id_column, "Unit id column (required in long form; labels in wide form)");
  cmd->add_option("-w,--weight", args->weight_column, "Population weights (σ series and densities)");
  cmd->add_option("-g,--group", args->group_column,
                  "Groups for conditional β (one dummy per group but the first)");
  cmd->add_option("--covariate", args->spec.covariate_columns,
                  "Extra regressors for conditional β (repeatable)");
  cmd->add_option("--from", args->from, "Start period of β-convergence (default: first)");
  cmd->add_option("--to", args->to, "End period of β-convergence (default: last)");
  cmd->add_option("--bandwidth", args->bandwidth, "Kernel bandwidth: silverman (default), scott or a number");
  cmd->add_option("--grid", args->options.density_options.grid_points, "Density grid points")
      ->check(CLI::Range(2, 100000));
  cmd->add_flag("--no-density", args->no_density, "Skip the kernel densities");
  cmd->add_option("--missing", args->missing, "Missing cells: error (default) or drop the unit")
      ->check(CLI::IsMember({"error", "drop"}));
  cmd->add_option("--delimiter", args->delimiter, "CSV field delimiter")->default_val(',');
  add_output_options(*cmd, context);
  cmd->callback([args, &context] { run_convergence(*args, context); });
}

}  // namespace equalis::cli
