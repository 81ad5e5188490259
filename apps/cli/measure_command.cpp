// `equalis measure …`: inequality of an indicator across regions and groups.
// Flags -> measure::InequalityRequest -> measure::run_inequality -> report/measure_json.

#include "commands.hpp"

#include "core/csv.hpp"
#include "measure/inequality_run.hpp"
#include "report/measure_json.hpp"

#include <memory>
#include <optional>
#include <string>

namespace equalis::cli {

namespace {

// The flags as typed: optional columns are empty strings until mapped into the request.
struct InequalityArgs {
  measure::InequalityRequest request;
  std::string weight, group, by, rank_by;
  std::string missing = "error";
};

void run_inequality(InequalityArgs& args, Context& context) {
  auto& columns = args.request.columns;
  columns.weight_column = non_empty(args.weight);
  columns.group_column = non_empty(args.group);
  columns.by_column = non_empty(args.by);
  columns.rank_by_column = non_empty(args.rank_by);
  columns.missing = args.missing == "drop" ? MissingPolicy::Drop : MissingPolicy::Error;
  const measure::InequalityResult result = measure::run_inequality(args.request, context.progress);
  emit_result(context.output, report::renderers(args.request, result));
}

void add_inequality_command(CLI::App& measure, Context& context) {
  auto args = std::make_shared<InequalityArgs>();
  CLI::App* cmd = measure.add_subcommand(
      "inequality", "Inequality indices, decompositions and inference for one or more indicator columns");
  cmd->add_option("file", args->request.file, "CSV file, one row per unit (region, county, …)")
      ->required()
      ->check(input_file());
  cmd->add_option("-v,--value", args->request.columns.value_columns,
                  "Indicator column; repeat for several (wide form): one result each")
      ->required();
  cmd->add_option("-w,--weight", args->weight,
                  "Population weight column (all indices become population-weighted)");
  cmd->add_option("-g,--group", args->group,
                  "Group column for decompositions (e.g. urban/rural, east/central/west)");
  cmd->add_option("--by", args->by, "Period column (long panel form): one result per distinct value");
  cmd->add_option("--rank-by", args->rank_by,
                  "Ranking column for the concentration index (e.g. income, to rank access by income)");
  cmd->add_option("--indices", args->request.indices,
                  "Index families: gini, ge, atkinson, dispersion, ratios, decomposition (GE by group), "
                  "dagum (Gini by group)")
      ->delimiter(',')
      ->check(CLI::IsMember({"gini", "ge", "atkinson", "dispersion", "ratios", "decomposition", "dagum"}))
      ->default_str("all");
  cmd->add_option("--ge-alpha", args->request.options.indices.ge_alphas,
                  "GE(α) parameters (1 = Theil T, 0 = Theil L)")
      ->delimiter(',')
      ->default_str("0,1,2");
  cmd->add_option("--atkinson-epsilon", args->request.options.indices.atkinson_epsilons,
                  "Atkinson ε parameters (≥ 0)")
      ->delimiter(',')
      ->check(non_negative())
      ->default_str("0.5,1,2");
  cmd->add_flag("--gini-small-sample", args->request.options.gini_small_sample,
                "Also report the n/(n−1) Gini");
  cmd->add_option("--bootstrap", args->request.options.inference.bootstrap_replicates,
                  "Bootstrap replicates for percentile confidence intervals (0 = none)")
      ->check(non_negative());
  cmd->add_option("--confidence", args->request.options.inference.confidence_level,
                  "Confidence level of the intervals")
      ->check(CLI::Range(0.5, 0.9999))
      ->default_val(0.95);
  cmd->add_flag("--stratified", args->request.options.inference.stratified,
                "Resample within groups (keeps group sizes)");
  cmd->add_option("--permutations", args->request.options.inference.permutations,
                  "Permutations for the test of the between-group share (0 = none)")
      ->check(non_negative());
  cmd->add_option("--seed", args->request.options.inference.seed,
                  "Seed of the resampling (results are reproducible)")
      ->check(non_negative())
      ->default_val(12345);
  cmd->add_option("--missing", args->missing,
                  "Missing cells: error (default) or drop (rows dropped are counted)")
      ->check(CLI::IsMember({"error", "drop"}));
  cmd->add_flag("--allow-singleton-groups", args->request.columns.allow_singleton_groups,
                "Accept groups with a single unit");
  cmd->add_option("--delimiter", args->request.delimiter, "CSV field delimiter")->default_val(',');
  add_output_options(*cmd, context);
  cmd->callback([args, &context] { run_inequality(*args, context); });
}

}  // namespace

void add_measure_command(CLI::App& app, Context& context) {
  CLI::App* measure =
      app.add_subcommand("measure", "How unequal is it? Inequality of public-service indicators");
  measure->require_subcommand(1);
  add_inequality_command(*measure, context);
  add_convergence_command(*measure, context);
  add_spatial_command(*measure, context);
  add_composite_command(*measure, context);
}

}  // namespace equalis::cli
