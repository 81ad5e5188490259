// `equalis plan pmedian|pcenter|mclp|lscp|fair|budget`: where should service points go, and how should a
// budget be spread? Flags become a plan::PlanRequest (or BudgetRequest), the library runs it
// (plan/plan_request.hpp) and report/plan_report renders it. docs/plan.md documents the JSON layout.

#include "commands.hpp"
#include "registry.hpp"

#include "core/error.hpp"
#include "network/snap.hpp"
#include "plan/plan_request.hpp"
#include "report/plan_report.hpp"

#include <fmt/format.h>

#include <memory>
#include <string>

namespace equalis::cli {

namespace {

struct PlanArgs {
  plan::PlanRequest request;
  std::string objective = "kolm-pollak";  // fair: a name of plan::FairObjective
  std::string cost_unit;                  // empty = the source's default
};

// The report is written either way; the exit status tells a script that no usable plan came out, and
// stderr tells the person at the terminal why (the report may have gone to a file).
int exit_status_of(plan::SolveStatus status, const std::string& message) {
  const auto failure = plan::failure_of(status);
  if (!failure) return 0;
  fmt::print(stderr, "equalis: plan {}: {}\n", plan::status_name(status),
             message.empty() ? "no plan meets the constraints" : respell_for_cli(message));
  return error_code_info(*failure).exit_status;
}

void run_plan_command(PlanArgs& args, Context& context) {
  // CLI11 has already checked the name against the list of objectives.
  args.request.objective =
      plan::fair_objective_from_name(args.objective).value_or(plan::FairObjective::KolmPollak);
  if (!args.cost_unit.empty()) args.request.cost_unit = plan::cost_unit_from_name(args.cost_unit);
  const plan::PlanResult result = plan::run_plan(args.request, context.progress);
  context.exit_status = exit_status_of(result.solution.status, result.solution.message);
  emit_result(context.output, report::plan_renderers(args.request, result));
}

void add_model(CLI::App& plan_cmd, Context& context, plan::PlanModel model, const std::string& description) {
  auto args = std::make_shared<PlanArgs>();
  args->request.model = model;
  CLI::App* cmd = plan_cmd.add_subcommand(std::string(plan::plan_model_name(model)), description);
  cmd->add_option("--orlib", args->request.orlib,
                  "OR-Library p-median file (n edges p; edge lines; shortest paths)")
      ->check(input_file());
  cmd->add_option("--matrix", args->request.matrix,
                  "Long CSV cost matrix: from, to, cost (absent pairs: unreachable)")
      ->check(input_file());
  cmd->add_option("--demand", args->request.demand,
                  "Demand CSV: id, weight (population), group columns (with --graph also lon, lat)")
      ->check(input_file());
  cmd->add_option("--graph", args->request.graph,
                  "Road network from `equalis network build`: costs are travel times in seconds from the "
                  "demand points to --sites")
      ->check(input_file());
  cmd->add_option("--sites", args->request.sites, "--graph: candidate sites CSV (id, lon, lat)")
      ->check(input_file());
  cmd->add_option("--max-time", args->request.max_time,
                  "--graph: pairs farther than this (seconds, or 10min, 1h30min) are unreachable (default: "
                  "no limit)")
      ->transform(duration());
  cmd->add_option("--max-snap", args->request.max_snap,
                  "--graph: farthest snap of a point to the road network (m)")
      ->default_val(network::kDefaultMaxSnapM);
  cmd->add_option("--cost-unit", args->cost_unit,
                  "What the costs measure, stated in every report: seconds, minutes, metres or given (the "
                  "file's own unit; default for --matrix and --orlib); --graph costs are always seconds")
      ->check(CLI::IsMember({"seconds", "minutes", "metres", "given"}));
  cmd->add_option("--from-col", args->request.spec.from_column,
                  "Matrix client column (default from_id/from/from_idx)");
  cmd->add_option("--to-col", args->request.spec.to_column, "Matrix site column (default to_id/to/to_idx)");
  cmd->add_option("--cost-col", args->request.spec.cost_column,
                  "Matrix cost column (default cost/travel_time)");
  cmd->add_option("--id-col", args->request.spec.demand_id_column, "Demand id column")->default_val("id");
  cmd->add_option("--weight-col", args->request.spec.weight_column,
                  "Demand weight column (default weight/population; a look-alike header is an error)");
  cmd->add_flag("--unweighted", args->request.spec.unweighted,
                "Every client weighs 1, even if the demand file has a population-like column");
  cmd->add_option("--groups", args->request.spec.group_column, "Demand column with the group of each client");
  cmd->add_flag("--drop-missing-group", args->request.spec.drop_missing_group,
                "Drop clients whose group is missing");
  if (model != plan::PlanModel::Lscp)
    cmd->add_option("--p", args->request.p, "New sites to open (default: the OR-Library file's p)")
        ->check(non_negative());
  cmd->add_option("--radius", args->request.radius,
                  "Covering radius, in the cost unit (--cost-unit; seconds with --graph) (mclp, lscp, fair "
                  "coverage; coverage shares otherwise)");
  cmd->add_option("--existing", args->request.existing, "Existing sites that stay open (candidate ids)")
      ->delimiter(',');
  cmd->add_option("--seed", args->request.seed, "Random seed of the search")
      ->check(non_negative())
      ->default_val(1);
  cmd->add_option("--time-limit", args->request.time_limit, "Wall-clock limit (seconds, or 10min)")
      ->transform(duration())
      ->default_val(60.0);
  cmd->add_option("--gap", args->request.target_gap, "Target relative gap for status gap_closed")
      ->default_val(1e-3);
  if (model == plan::PlanModel::PMedian)
    cmd->add_flag("--exact", args->request.exact, "Solve the MIP with CBC (small instances)");
  cmd->add_option("--site-costs", args->request.site_costs,
                  model == plan::PlanModel::Lscp
                      ? "CSV of candidate opening costs (columns id, cost): the cheapest cover"
                      : "CSV of candidate opening costs (columns id, cost)")
      ->check(input_file());
  cmd->add_option("--budget", args->request.budget,
                  "Opening-cost budget: Σ cost of the NEW sites ≤ B (existing sites cost nothing)");
  cmd->add_option("--site-id-col", args->request.site_id_col, "Site id column of --site-costs/--capacity")
      ->default_val("id");
  cmd->add_option("--site-cost-col", args->request.site_cost_col, "Cost column of --site-costs")
      ->default_val("cost");
  if (model != plan::PlanModel::Fair) {
    cmd->add_option("--capacity", args->request.capacity,
                    "CSV of site capacities (columns id, capacity: the demand a site can serve); demand may "
                    "split between sites unless --single-source")
        ->check(input_file());
    cmd->add_option("--capacity-col", args->request.capacity_col, "Capacity column of --capacity")
        ->default_val("capacity");
    cmd->add_flag("--single-source", args->request.single_source,
                  "--capacity: serve each client from exactly one site (binary assignment)");
  }
  if (model == plan::PlanModel::PMedian) {
    cmd->add_option("--mip-max-pairs", args->request.mip_max_pairs,
                    "--budget/--capacity: largest clients × candidates solved by CBC (beyond: Lagrangian "
                    "heuristics with a certified gap; budget and capacity together → status unsupported)")
        ->check(non_negative())
        ->default_val(40000);
  }
  if (model == plan::PlanModel::Fair) {
    cmd->add_option("--objective", args->objective,
                    "kolm-pollak (EDE p-median), rawls (worst group mean, then "
                    "total), coverage (worst "
                    "group share within --radius), gap (max−min group mean "
                    "under a cost cap)")
        ->check(CLI::IsMember({"kolm-pollak", "rawls", "coverage", "gap"}))
        ->default_val("kolm-pollak");
    cmd->add_option("--aversion", args->request.aversion,
                    "Kolm–Pollak inequality aversion ε ≥ 0 (κ = ε / mean cost)")
        ->default_val(1.0);
    cmd->add_option("--cost-slack", args->request.cost_slack,
                    "gap: total cost at most (1 + slack) × the p-median total")
        ->default_val(0.10);
    cmd->add_option("--focus-groups", args->request.focus_groups,
                    "rawls/coverage: optimise the worst-off of these groups only (e.g. the poorest deciles)")
        ->delimiter(',');
    cmd->add_option("--mip-max-pairs", args->request.mip_max_pairs,
                    "rawls/coverage/gap and --budget: solve the MIP with CBC when clients × candidates ≤ "
                    "this (else swap search)")
        ->check(non_negative())
        ->default_val(40000);
  }
  add_output_options(*cmd, context);
  cmd->callback([args, &context] { run_plan_command(*args, context); });
}

struct BudgetArgs {
  plan::BudgetRequest request;
  std::string objective = "maximin";  // a name of plan::BudgetObjective
};

void run_budget_command(BudgetArgs& args, Context& context) {
  // CLI11 has already checked the name against the list of objectives.
  args.request.objective =
      plan::budget_objective_from_name(args.objective).value_or(plan::BudgetObjective::RaiseMinimum);
  const plan::BudgetOutcome outcome = plan::run_budget(args.request, context.progress);
  context.exit_status = exit_status_of(outcome.allocation.status, outcome.allocation.message);
  emit_result(context.output, report::budget_renderers(args.request, outcome));
}

void add_budget(CLI::App& plan_cmd, Context& context) {
  auto args = std::make_shared<BudgetArgs>();
  CLI::App* cmd = plan_cmd.add_subcommand(
      "budget", "Allocate a budget across regions to raise the minimum or cut the deviation (LP)");
  cmd->add_option("--regions", args->request.regions,
                  "Regions CSV: region, indicator, population, unit_cost[, cap][, committed]")
      ->required()
      ->check(input_file());
  cmd->add_option("--budget", args->request.budget, "Budget to allocate (same unit as the unit costs)");
  cmd->add_option(
         "--objective", args->objective,
         "maximin (raise the minimum, then the weighted mean) or mad (minimise the population-weighted "
         "mean absolute deviation, then raise the mean)")
      ->check(CLI::IsMember({"maximin", "mad"}))
      ->default_val("maximin");
  cmd->add_option("--id-col", args->request.spec.id_column, "Region id column")->default_val("region");
  cmd->add_option("--value-col", args->request.spec.value_column, "Indicator column")
      ->default_val("indicator");
  cmd->add_option("--population-col", args->request.spec.population_column, "Population column")
      ->default_val("population");
  cmd->add_option("--unit-cost-col", args->request.spec.unit_cost_column,
                  "Cost of raising the indicator by one")
      ->default_val("unit_cost");
  cmd->add_option("--cap-col", args->request.spec.cap_column, "Optional ceiling of the new value")
      ->default_val("cap");
  cmd->add_option("--committed-col", args->request.spec.committed_column,
                  "Optional committed spend per region")
      ->default_val("committed");
  cmd->add_option("--time-limit", args->request.time_limit, "Solver time limit (seconds, or 10min)")
      ->transform(duration())
      ->default_val(60.0);
  add_output_options(*cmd, context);
  cmd->callback([args, &context] { run_budget_command(*args, context); });
}

}  // namespace

void add_plan_command(CLI::App& app, Context& context) {
  CLI::App* plan_cmd =
      app.add_subcommand("plan", "Where should service points go? Location planning with bounds");
  plan_cmd->require_subcommand(1);
  add_model(*plan_cmd, context, plan::PlanModel::PMedian,
            "Minimise demand-weighted cost with p new sites (bound and gap)");
  add_model(*plan_cmd, context, plan::PlanModel::PCenter,
            "Minimise the largest cost (exact: radius search with set cover)");
  add_model(*plan_cmd, context, plan::PlanModel::Mclp,
            "Maximise the demand within --radius using p new sites (CBC)");
  add_model(*plan_cmd, context, plan::PlanModel::Lscp,
            "Fewest sites with every client within --radius (CBC)");
  add_model(*plan_cmd, context, plan::PlanModel::Fair,
            "Equity plans (--objective kolm-pollak|rawls|coverage|gap): per-group outcomes, bound, "
            "price of fairness");
  add_budget(*plan_cmd, context);
}

namespace {
const CommandRegistration kRegistration{40, add_plan_command};
}  // namespace

}  // namespace equalis::cli
