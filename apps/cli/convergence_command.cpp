// `equalis measure convergence`: σ- and β-convergence and distribution dynamics of a panel.
// Flags -> measure::ConvergenceRequest -> measure::run_convergence -> report/convergence_json.

#include "commands.hpp"

#include "core/csv.hpp"
#include "measure/convergence_run.hpp"
#include "report/convergence_json.hpp"

#include <memory>
#include <optional>
#include <string>

namespace equalis::cli {

namespace {

// The flags as typed: optional columns are empty strings until mapped into the request.
struct ConvergenceArgs {
  measure::ConvergenceRequest request;
  std::string time_column, id_column, weight_column, group_column, missing = "error";
  bool no_density = false;
};

void run_convergence(ConvergenceArgs& args, Context& context) {
  auto& spec = args.request.panel;
  spec.time_column = non_empty(args.time_column);
  spec.id_column = non_empty(args.id_column);
  spec.weight_column = non_empty(args.weight_column);
  spec.group_column = non_empty(args.group_column);
  spec.missing = args.missing == "drop" ? MissingPolicy::Drop : MissingPolicy::Error;
  args.request.options.density = !args.no_density;
  const measure::ConvergenceResult result = measure::run_convergence(args.request, context.progress);
  emit_result(context.output, report::renderers(args.request, result));
}

}  // namespace

void add_convergence_command(CLI::App& measure, Context& context) {
  auto args = std::make_shared<ConvergenceArgs>();
  CLI::App* cmd = measure.add_subcommand(
      "convergence", "σ- and β-convergence (absolute and conditional) and kernel densities of a panel");
  cmd->add_option("file", args->request.file, "CSV file: wide (one column per period) or long (--by, --id)")
      ->required()
      ->check(input_file());
  cmd->add_option("-v,--value", args->request.panel.value_columns,
                  "Value columns, one per period (wide form), or the one value column (long form)")
      ->required();
  cmd->add_option("--time", args->request.panel.times,
                  "Times of the value columns (default: trailing number of each name)")
      ->delimiter(',');
  cmd->add_option("--by", args->time_column, "Numeric period column (long form)");
  cmd->add_option("--id", args->id_column, "Unit id column (required in long form; labels in wide form)");
  cmd->add_option("-w,--weight", args->weight_column, "Population weights (σ series and densities)");
  cmd->add_option("-g,--group", args->group_column,
                  "Groups for conditional β (one dummy per group but the first)");
  cmd->add_option("--covariate", args->request.panel.covariate_columns,
                  "Extra regressors for conditional β (repeatable)");
  cmd->add_option("--from", args->request.options.from_time,
                  "Start period of β-convergence (default: first)");
  cmd->add_option("--to", args->request.options.to_time, "End period of β-convergence (default: last)");
  cmd->add_option("--bandwidth", args->request.bandwidth,
                  "Kernel bandwidth: silverman (default), scott or a number");
  cmd->add_option("--grid", args->request.options.density_options.grid_points, "Density grid points")
      ->check(CLI::Range(2, 100000));
  cmd->add_flag("--no-density", args->no_density, "Skip the kernel densities");
  cmd->add_option("--missing", args->missing, "Missing cells: error (default) or drop the unit")
      ->check(CLI::IsMember({"error", "drop"}));
  cmd->add_option("--delimiter", args->request.delimiter, "CSV field delimiter")->default_val(',');
  add_output_options(*cmd, context, /*has_csv=*/false);
  cmd->callback([args, &context] { run_convergence(*args, context); });
}

}  // namespace equalis::cli
