// `equalis plan pmedian|pcenter|mclp|lscp|fair`: where should service points
// go? Location models with a certificate (lower bound and gap) and per-group
// outcomes. docs/plan.md documents the JSON layout.

#include "commands.hpp"
#include "registry.hpp"

#include "core/error.hpp"
#include "network/network.hpp"
#include "plan/budget.hpp"
#include "plan/budget_pmedian.hpp"
#include "plan/covering.hpp"
#include "plan/equity.hpp"
#include "plan/group_equity.hpp"
#include "plan/instance.hpp"
#include "plan/pmedian.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <memory>
#include <optional>
#include <sstream>
#include <unordered_map>

namespace equalis::cli {

namespace {

struct PlanArgs {
  std::string model;
  std::string orlib, matrix, demand;
  std::string graph, sites;  // road network (equalis network build) + candidate sites with lon/lat
  std::optional<double> max_time;
  double max_snap = network::kDefaultMaxSnapM;
  plan::MatrixCsvSpec spec;
  std::optional<std::size_t> p;
  std::optional<double> radius;
  std::vector<std::string> existing;
  std::uint64_t seed = 1;
  double time_limit = 60.0;
  double gap = 1e-3;
  double aversion = 1.0;
  std::string objective = "kolm-pollak";
  double cost_slack = 0.10;
  std::size_t mip_max_pairs = 40000;
  std::vector<std::string> focus_groups;
  bool exact = false;
  bool single_source = false;
  std::string site_costs, capacity;  // CSV files: id + cost / id + capacity per candidate
  std::string site_cost_col = "cost", capacity_col = "capacity", site_id_col = "id";
  std::optional<double> budget;
};

struct Loaded {
  plan::PlanInstance instance;
  std::optional<std::size_t> file_p;
  std::string file;
};

// Travel times (seconds) from the demand points to the candidate sites on a road network: both files
// need columns id, lon, lat; the demand file also gives weights and groups.
plan::PlanInstance instance_on_graph(const PlanArgs& args, Context& context) {
  if (args.demand.empty() || args.sites.empty()) {
    throw Error(ErrorCode::InvalidInput, "--graph needs --demand and --sites",
                "give --demand D.csv (id, lon, lat, population, groups) and --sites S.csv (id, lon, lat)");
  }
  plan::PlanInstance instance = plan::read_demand_csv(args.demand, args.spec);
  instance.name = args.graph;
  std::vector<network::Place> origins;
  {
    std::unordered_map<std::string, network::Place> by_id;
    for (network::Place& place : network::read_places_csv(args.demand))
      by_id.emplace(place.id, std::move(place));
    for (const std::string& id : instance.client_ids) {
      const auto found = by_id.find(id);
      if (found == by_id.end()) {
        throw Error(ErrorCode::InvalidInput,
                    fmt::format("{}: client '{}' has no lon/lat row", args.demand, id),
                    "with --graph the demand file's id column must be named id");
      }
      origins.push_back(found->second);
    }
  }
  const std::vector<network::Place> sites = network::read_places_csv(args.sites);
  const network::RoutingNetwork net = network::load_network(args.graph);
  network::MatrixRequest request;
  request.max_time_s = args.max_time;
  request.max_snap_m = args.max_snap;
  const network::PlacesMatrix result =
      network::travel_time_matrix(net, origins, sites, request, context.progress);
  instance.cost = plan::CostMatrix(origins.size(), sites.size(), plan::kUnreachable);
  for (std::size_t i = 0; i < origins.size(); ++i) {
    for (std::size_t j = 0; j < sites.size(); ++j) {
      const network::TravelTimeMs ms = result.matrix.at(i, j);
      if (ms != network::kUnreachable) instance.cost.at(i, j) = static_cast<float>(ms) / 1000.0F;
    }
  }
  for (const network::Place& site : sites) instance.candidate_ids.push_back(site.id);
  instance.validate();
  return instance;
}

Loaded load(const PlanArgs& args, Context& context) {
  Loaded loaded;
  const int sources =
      (args.orlib.empty() ? 0 : 1) + (args.matrix.empty() ? 0 : 1) + (args.graph.empty() ? 0 : 1);
  if (sources != 1) {
    throw Error(ErrorCode::InvalidInput, "give exactly one of --orlib FILE, --matrix FILE or --graph FILE",
                "an OR-Library p-median file, a long CSV matrix (from, to, cost) with --demand, or a road "
                "network (equalis network build) with --demand and --sites");
  }
  if (!args.graph.empty()) {
    loaded.instance = instance_on_graph(args, context);
    loaded.file = args.graph;
  } else if (!args.orlib.empty()) {
    auto orlib = plan::read_orlib(args.orlib, context.progress);
    loaded.instance = std::move(orlib.instance);
    loaded.file_p = orlib.p;
    loaded.file = args.orlib;
  } else {
    loaded.instance = plan::read_matrix_csv(
        args.matrix, args.demand.empty() ? std::nullopt : std::optional<std::string>(args.demand), args.spec);
    loaded.file = args.matrix;
  }
  if (!args.existing.empty())
    loaded.instance.fixed_open = plan::find_candidates(loaded.instance, args.existing);
  if (!args.site_costs.empty())
    loaded.instance.site_cost =
        plan::read_site_values(args.site_costs, args.site_id_col, args.site_cost_col, loaded.instance);
  if (!args.capacity.empty())
    loaded.instance.site_capacity =
        plan::read_site_values(args.capacity, args.site_id_col, args.capacity_col, loaded.instance);
  if (args.budget && args.site_costs.empty())
    throw Error(ErrorCode::InvalidInput, "--budget needs the opening cost of each site",
                "give --site-costs FILE (columns id,cost)");
  return loaded;
}

std::size_t need_p(const PlanArgs& args, const Loaded& loaded) {
  if (args.p) return *args.p;
  if (loaded.file_p) return *loaded.file_p;
  throw Error(ErrorCode::InvalidInput, fmt::format("plan {} needs --p", args.model),
              "give --p N (new sites to open)");
}

double need_radius(const PlanArgs& args) {
  if (!args.radius) {
    throw Error(ErrorCode::InvalidInput, fmt::format("plan {} needs --radius", args.model),
                "give --radius R in the cost unit (minutes, metres)");
  }
  return *args.radius;
}

int exit_status_of(plan::SolveStatus status) {
  if (status == plan::SolveStatus::Infeasible) return error_code_info(ErrorCode::Infeasible).exit_status;
  if (status == plan::SolveStatus::Unsupported) return error_code_info(ErrorCode::Unsupported).exit_status;
  return 0;
}

nlohmann::ordered_json optional_number(const std::optional<double>& value) {
  return value ? nlohmann::ordered_json(*value) : nlohmann::ordered_json(nullptr);
}

nlohmann::ordered_json plan_json(const plan::PlanInstance& instance, const plan::PlanSolution& solution,
                                 std::optional<double> radius) {
  nlohmann::ordered_json out;
  out["status"] = plan::status_name(solution.status);
  out["message"] = solution.message;
  out["objective"] = solution.objective;
  out[solution.maximize ? "upper_bound" : "lower_bound"] = optional_number(solution.lower_bound);
  out["gap"] = optional_number(solution.gap);
  std::vector<std::string> sites;
  for (const std::uint32_t j : solution.open) sites.push_back(instance.candidate_label(j));
  out["open_sites"] = sites;
  std::vector<std::string> existing;
  for (const std::uint32_t j : instance.fixed_open) existing.push_back(instance.candidate_label(j));
  out["existing_sites"] = existing;
  out["unserved_clients"] = solution.unserved_clients;
  out["iterations"] = solution.iterations;
  out["seconds"] = solution.seconds;
  if (!solution.open.empty()) {
    const plan::Evaluation evaluation = plan::evaluate_solution(instance, solution);
    out["total_cost"] = evaluation.total_cost;
    out["max_cost"] = evaluation.max_cost;
    nlohmann::ordered_json groups = nlohmann::ordered_json::array();
    for (const auto& group : plan::group_outcomes(instance, evaluation, radius)) {
      groups.push_back({{"group", group.label},
                        {"demand", group.demand},
                        {"mean_cost", group.mean_cost},
                        {"max_cost", group.max_cost},
                        {"coverage", optional_number(group.coverage)},
                        {"unserved_clients", group.unserved_clients}});
    }
    out["groups"] = groups;
  }
  return out;
}

std::string plan_csv(const plan::PlanInstance& instance, const plan::PlanSolution& solution) {
  std::ostringstream out;
  out << "client,group,demand,site,cost\n";
  const plan::Evaluation evaluation = plan::evaluate_solution(instance, solution);
  for (std::size_t i = 0; i < instance.client_count(); ++i) {
    const bool served = evaluation.assignment[i] != plan::kNoSite;
    out << fmt::format("{},{},{},{},{}\n", instance.client_label(i), instance.group_labels[instance.group[i]],
                       instance.demand[i], served ? instance.candidate_label(evaluation.assignment[i]) : "",
                       served ? fmt::format("{}", evaluation.assigned_cost[i]) : "");
  }
  return out.str();
}

std::string plan_text(const std::string& model, const plan::PlanInstance& instance,
                      const plan::PlanSolution& solution, std::optional<double> radius) {
  std::string text = fmt::format("plan {}: {}{}\n", model, plan::status_name(solution.status),
                                 solution.message.empty() ? "" : " (" + solution.message + ")");
  text += fmt::format("objective {}", solution.objective);
  if (solution.lower_bound) {
    text += fmt::format(", {} bound {}, gap {:.4f}%", solution.maximize ? "upper" : "lower",
                        *solution.lower_bound, 100.0 * solution.gap.value_or(0.0));
  }
  text += fmt::format(" ({:.3f} s)\nopen sites ({}):", solution.seconds, solution.open.size());
  for (const std::uint32_t j : solution.open) text += " " + instance.candidate_label(j);
  text += "\n";
  if (!solution.open.empty()) {
    const plan::Evaluation evaluation = plan::evaluate_solution(instance, solution);
    text += fmt::format("{:<16} {:>12} {:>12} {:>12} {:>10}\n", "group", "demand", "mean cost", "max cost",
                        "coverage");
    for (const auto& group : plan::group_outcomes(instance, evaluation, radius)) {
      text += fmt::format("{:<16} {:>12.6g} {:>12.6g} {:>12.6g} {:>10}\n", group.label, group.demand,
                          group.mean_cost, group.max_cost,
                          group.coverage ? fmt::format("{:.4f}", *group.coverage) : "-");
    }
  }
  return text;
}

void run_plan(const PlanArgs& args, Context& context) {
  const Loaded loaded = load(args, context);
  const plan::PlanInstance& instance = loaded.instance;
  plan::PMedianOptions pmedian;
  pmedian.seed = args.seed;
  pmedian.time_limit_seconds = args.time_limit;
  pmedian.target_gap = args.gap;
  plan::ExactOptions exact;
  exact.time_limit_seconds = args.time_limit;
  exact.target_gap = args.gap;
  exact.budget = args.budget;
  plan::PlanSolution solution;
  plan::SiteConstraints constraints;
  constraints.budget = args.budget;
  constraints.single_source = args.single_source;
  constraints.mip_max_pairs = args.mip_max_pairs;
  exact.single_source = args.single_source;
  nlohmann::ordered_json fairness;
  if (args.model == "pmedian") {
    pmedian.p = need_p(args, loaded);
    solution = args.exact ? plan::solve_pmedian_exact(instance, pmedian.p, exact)
                          : plan::solve_pmedian_constrained(instance, pmedian, constraints, context.progress);
  } else if (args.model == "pcenter") {
    solution = plan::solve_pcenter(instance, need_p(args, loaded), exact, context.progress);
  } else if (args.model == "mclp") {
    solution = plan::solve_mclp(instance, need_p(args, loaded), need_radius(args), exact);
  } else if (args.model == "lscp") {
    solution = plan::solve_lscp(instance, need_radius(args), exact);
  } else if (args.objective == "kolm-pollak") {
    pmedian.p = need_p(args, loaded);
    const plan::FairResult fair =
        plan::solve_kolm_pollak(instance, pmedian, args.aversion, constraints, context.progress);
    solution = fair.plan;
    fairness = {{"objective", "kolm_pollak_ede"},
                {"aversion", args.aversion},
                {"kappa", fair.kappa},
                {"total_cost", fair.total_cost},
                {"pmedian_total_cost", fair.efficient_total},
                {"pmedian_ede", fair.efficient_ede},
                {"price_of_fairness", fair.price_of_fairness}};
  } else {
    plan::GroupFairOptions group;
    group.objective = args.objective == "rawls"      ? plan::GroupObjective::Rawls
                      : args.objective == "coverage" ? plan::GroupObjective::Coverage
                                                     : plan::GroupObjective::Gap;
    group.p = need_p(args, loaded);
    group.seed = args.seed;
    group.time_limit_seconds = args.time_limit;
    group.target_gap = args.gap;
    group.radius = args.radius;
    group.cost_slack = args.cost_slack;
    group.mip_max_pairs = args.mip_max_pairs;
    group.budget = args.budget;
    for (const std::string& label : args.focus_groups) {
      const auto found = std::find(instance.group_labels.begin(), instance.group_labels.end(), label);
      if (found == instance.group_labels.end()) {
        throw Error(ErrorCode::InvalidInput, fmt::format("--focus-groups: no group '{}'", label),
                    fmt::format("groups in the data: {}", fmt::join(instance.group_labels, ", ")));
      }
      group.focus_groups.push_back(static_cast<std::uint32_t>(found - instance.group_labels.begin()));
    }
    const plan::GroupFairResult fair = plan::solve_group_fair(instance, group, context.progress);
    solution = fair.plan;
    const plan::Evaluation efficient = plan::evaluate_plan(instance, fair.efficient.open);
    nlohmann::ordered_json pmedian_groups = nlohmann::ordered_json::array();
    if (!fair.efficient.open.empty()) {
      for (const auto& g : plan::group_outcomes(instance, efficient, args.radius)) {
        pmedian_groups.push_back({{"group", g.label},
                                  {"mean_cost", g.mean_cost},
                                  {"max_cost", g.max_cost},
                                  {"coverage", optional_number(g.coverage)}});
      }
    }
    std::vector<std::string> pmedian_sites;
    for (const std::uint32_t j : fair.efficient.open) pmedian_sites.push_back(instance.candidate_label(j));
    const std::string name(plan::group_objective_name(group.objective));
    fairness = {{"objective", name == "rawls"      ? "worst_group_mean_cost"
                              : name == "coverage" ? "worst_group_coverage"
                                                   : "max_minus_min_group_mean_cost"},
                {"method", fair.method},
                {"focus_groups", args.focus_groups},
                {"total_cost", fair.total_cost},
                {"pmedian_total_cost", fair.efficient_total},
                {"pmedian_objective", fair.efficient_objective},
                {"price_of_fairness", fair.price_of_fairness},
                {"cost_cap", optional_number(fair.cost_cap)},
                {"pmedian_open_sites", pmedian_sites},
                {"pmedian_groups", pmedian_groups}};
  }
  // The report is written either way; the exit status tells a script that no usable plan came out.
  context.exit_status = exit_status_of(solution.status);
  if (context.output.format == OutputFormat::Csv) {
    emit(context.output, plan_csv(instance, solution));
    return;
  }
  if (context.output.format == OutputFormat::Text) {
    std::string text = plan_text(args.model, instance, solution, args.radius);
    if (!fairness.is_null()) {
      if (fairness.contains("pmedian_ede")) {
        text += fmt::format(
            "Kolm–Pollak EDE {} (p-median plan: {}); price of fairness "
            "{:.4f}%\n",
            solution.objective, fairness["pmedian_ede"].get<double>(),
            100.0 * fairness["price_of_fairness"].get<double>());
      } else {
        text += fmt::format(
            "{} {} (p-median plan: {}; method {}); total cost {} vs {}; price "
            "of fairness {:.4f}%\n",
            fairness["objective"].get<std::string>(), solution.objective,
            fairness["pmedian_objective"].get<double>(), fairness["method"].get<std::string>(),
            fairness["total_cost"].get<double>(), fairness["pmedian_total_cost"].get<double>(),
            100.0 * fairness["price_of_fairness"].get<double>());
      }
    }
    emit(context.output, text);
    return;
  }
  nlohmann::ordered_json out = envelope("plan " + args.model, loaded.file, instance.client_count());
  out["options"] = {
      {"model", args.model},
      {"p", args.p ? nlohmann::ordered_json(*args.p) : nlohmann::ordered_json(loaded.file_p.value_or(0))},
      {"radius", optional_number(args.radius)},
      {"existing", args.existing},
      {"seed", args.seed},
      {"time_limit", args.time_limit},
      {"target_gap", args.gap},
      {"exact", args.exact}};
  if (!args.graph.empty()) {
    out["options"]["sites"] = args.sites;
    out["options"]["max_time"] = optional_number(args.max_time);
    out["options"]["cost_unit"] = "seconds";
  }
  out["options"]["budget"] = optional_number(args.budget);
  out["options"]["site_costs"] = args.site_costs;
  if (args.model != "fair") {
    out["options"]["capacity"] = args.capacity;
    out["options"]["single_source"] = args.single_source;
  }
  if (args.model == "fair") out["options"]["objective"] = args.objective;
  out["instance"] = {{"clients", instance.client_count()},
                     {"candidates", instance.candidate_count()},
                     {"groups", instance.group_labels}};
  out["result"] = plan_json(instance, solution, args.radius);
  if (!fairness.is_null()) out["result"]["fairness"] = fairness;
  emit(context.output, out.dump(2) + "\n");
}

void add_model(CLI::App& plan_cmd, Context& context, const std::string& model,
               const std::string& description) {
  auto args = std::make_shared<PlanArgs>();
  args->model = model;
  CLI::App* cmd = plan_cmd.add_subcommand(model, description);
  cmd->add_option("--orlib", args->orlib, "OR-Library p-median file (n edges p; edge lines; shortest paths)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--matrix", args->matrix,
                  "Long CSV cost matrix: from, to, cost (absent pairs: unreachable)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--demand", args->demand,
                  "Demand CSV: id, weight (population), group columns (with --graph also lon, lat)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--graph", args->graph,
                  "Road network from `equalis network build`: costs are travel times in seconds from the "
                  "demand points to --sites")
      ->check(CLI::ExistingFile);
  cmd->add_option("--sites", args->sites, "--graph: candidate sites CSV (id, lon, lat)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--max-time", args->max_time,
                  "--graph: pairs farther than this many seconds are unreachable (default: no limit)");
  cmd->add_option("--max-snap", args->max_snap, "--graph: farthest snap of a point to the road network (m)")
      ->default_val(network::kDefaultMaxSnapM);
  cmd->add_option("--from-col", args->spec.from_column,
                  "Matrix client column (default from_id/from/from_idx)");
  cmd->add_option("--to-col", args->spec.to_column, "Matrix site column (default to_id/to/to_idx)");
  cmd->add_option("--cost-col", args->spec.cost_column, "Matrix cost column (default cost/travel_time)");
  cmd->add_option("--id-col", args->spec.demand_id_column, "Demand id column")->default_val("id");
  cmd->add_option("--weight-col", args->spec.weight_column,
                  "Demand weight column (default weight/population)");
  cmd->add_option("--groups", args->spec.group_column, "Demand column with the group of each client");
  cmd->add_flag("--drop-missing-group", args->spec.drop_missing_group, "Drop clients whose group is missing");
  if (model != "lscp")
    cmd->add_option("--p", args->p, "New sites to open (default: the OR-Library file's p)");
  cmd->add_option("--radius", args->radius,
                  "Covering radius in cost units (mclp, lscp; coverage shares otherwise)");
  cmd->add_option("--existing", args->existing, "Existing sites that stay open (candidate ids)")
      ->delimiter(',');
  cmd->add_option("--seed", args->seed, "Random seed of the search")->default_val(1);
  cmd->add_option("--time-limit", args->time_limit, "Wall-clock limit in seconds")->default_val(60.0);
  cmd->add_option("--gap", args->gap, "Target relative gap for status gap_closed")->default_val(1e-3);
  if (model == "pmedian") cmd->add_flag("--exact", args->exact, "Solve the MIP with CBC (small instances)");
  cmd->add_option("--site-costs", args->site_costs,
                  model == "lscp" ? "CSV of candidate opening costs (columns id, cost): the cheapest cover"
                                  : "CSV of candidate opening costs (columns id, cost)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--budget", args->budget,
                  "Opening-cost budget: Σ cost of the NEW sites ≤ B (existing sites cost nothing)");
  cmd->add_option("--site-id-col", args->site_id_col, "Site id column of --site-costs/--capacity")
      ->default_val("id");
  cmd->add_option("--site-cost-col", args->site_cost_col, "Cost column of --site-costs")->default_val("cost");
  if (model != "fair") {
    cmd->add_option("--capacity", args->capacity,
                    "CSV of site capacities (columns id, capacity: the demand a site can serve); demand may "
                    "split between sites unless --single-source")
        ->check(CLI::ExistingFile);
    cmd->add_option("--capacity-col", args->capacity_col, "Capacity column of --capacity")
        ->default_val("capacity");
    cmd->add_flag("--single-source", args->single_source,
                  "--capacity: serve each client from exactly one site (binary assignment)");
  }
  if (model == "pmedian") {
    cmd->add_option("--mip-max-pairs", args->mip_max_pairs,
                    "--budget/--capacity: largest clients × candidates solved by CBC (beyond: Lagrangian "
                    "heuristics with a certified gap; budget and capacity together → status unsupported)")
        ->default_val(40000);
  }
  if (model == "fair") {
    cmd->add_option("--objective", args->objective,
                    "kolm-pollak (EDE p-median), rawls (worst group mean, then "
                    "total), coverage (worst "
                    "group share within --radius), gap (max−min group mean "
                    "under a cost cap)")
        ->check(CLI::IsMember({"kolm-pollak", "rawls", "coverage", "gap"}))
        ->default_val("kolm-pollak");
    cmd->add_option("--aversion", args->aversion, "Kolm–Pollak inequality aversion ε ≥ 0 (κ = ε / mean cost)")
        ->default_val(1.0);
    cmd->add_option("--cost-slack", args->cost_slack,
                    "gap: total cost at most (1 + slack) × the p-median total")
        ->default_val(0.10);
    cmd->add_option("--focus-groups", args->focus_groups,
                    "rawls/coverage: optimise the worst-off of these groups only (e.g. the poorest deciles)")
        ->delimiter(',');
    cmd->add_option("--mip-max-pairs", args->mip_max_pairs,
                    "rawls/coverage/gap and --budget: solve the MIP with CBC when clients × candidates ≤ "
                    "this (else swap search)")
        ->default_val(40000);
  }
  add_output_options(*cmd, context);
  cmd->callback([args, &context] { run_plan(*args, context); });
}

struct BudgetArgs {
  std::string regions;
  plan::BudgetCsvSpec spec;
  std::optional<double> budget;
  std::string objective = "maximin";
  double time_limit = 60.0;
};

nlohmann::ordered_json summary_json(const plan::IndicatorSummary& s) {
  return {{"minimum", s.minimum},
          {"mean", s.mean},
          {"mean_absolute_deviation", s.mean_absolute_deviation},
          {"gini", optional_number(s.gini)},
          {"theil", optional_number(s.theil)}};
}

void run_budget(const BudgetArgs& args, Context& context) {
  if (!args.budget) {
    throw Error(ErrorCode::InvalidInput, "plan budget needs --budget", "give --budget B (money units)");
  }
  const std::vector<plan::BudgetRegion> regions = plan::read_budget_csv(args.regions, args.spec);
  plan::BudgetOptions options;
  options.budget = *args.budget;
  options.objective = args.objective == "maximin" ? plan::BudgetObjective::RaiseMinimum
                                                  : plan::BudgetObjective::MinimiseDeviation;
  options.time_limit_seconds = args.time_limit;
  const plan::BudgetResult result = plan::allocate_budget(regions, options);
  context.exit_status = exit_status_of(result.status);
  if (context.output.format == OutputFormat::Csv) {
    std::string csv = "region,value,population,unit_cost,spend,increase,new_value\n";
    for (std::size_t r = 0; r < result.regions.size(); ++r) {
      const auto& a = result.regions[r];
      csv += fmt::format("{},{},{},{},{},{},{}\n", a.id, regions[r].value, regions[r].population,
                         regions[r].unit_cost, a.spend, a.increase, a.new_value);
    }
    emit(context.output, csv);
    return;
  }
  if (context.output.format == OutputFormat::Text) {
    std::string text =
        fmt::format("plan budget ({}): {}{}\n", args.objective, plan::status_name(result.status),
                    result.message.empty() ? "" : " (" + result.message + ")");
    if (!result.regions.empty()) {
      text += fmt::format("objective {:.6g}; spent {:.6g} of {:.6g}\n", result.objective, result.spent,
                          *args.budget);
      text += fmt::format("{:<16} {:>12} {:>12} {:>12}\n", "region", "value", "spend", "new value");
      for (std::size_t r = 0; r < result.regions.size(); ++r) {
        text += fmt::format("{:<16} {:>12.6g} {:>12.6g} {:>12.6g}\n", result.regions[r].id, regions[r].value,
                            result.regions[r].spend, result.regions[r].new_value);
      }
      const auto index = [](const std::optional<double>& v) { return v ? fmt::format("{:.4f}", *v) : "-"; };
      text += fmt::format("minimum {:.6g} -> {:.6g}; Gini {} -> {}; Theil {} -> {}\n", result.before.minimum,
                          result.after.minimum, index(result.before.gini), index(result.after.gini),
                          index(result.before.theil), index(result.after.theil));
    }
    emit(context.output, text);
    return;
  }
  nlohmann::ordered_json out = envelope("plan budget", args.regions, regions.size());
  out["options"] = {{"objective", args.objective}, {"budget", *args.budget}, {"time_limit", args.time_limit}};
  nlohmann::ordered_json json;
  json["status"] = plan::status_name(result.status);
  json["message"] = result.message;
  json["objective"] =
      result.regions.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(result.objective);
  json["spent"] = result.spent;
  json["unspent"] = result.unspent;
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  for (std::size_t r = 0; r < result.regions.size(); ++r) {
    const auto& a = result.regions[r];
    rows.push_back({{"region", a.id},
                    {"value", regions[r].value},
                    {"population", regions[r].population},
                    {"spend", a.spend},
                    {"increase", a.increase},
                    {"new_value", a.new_value}});
  }
  json["regions"] = rows;
  json["before"] = summary_json(result.before);
  if (!result.regions.empty()) json["after"] = summary_json(result.after);
  out["result"] = json;
  emit(context.output, out.dump(2) + "\n");
}

void add_budget(CLI::App& plan_cmd, Context& context) {
  auto args = std::make_shared<BudgetArgs>();
  CLI::App* cmd = plan_cmd.add_subcommand(
      "budget", "Allocate a budget across regions to raise the minimum or cut the deviation (LP)");
  cmd->add_option("--regions", args->regions,
                  "Regions CSV: region, indicator, population, unit_cost[, cap][, committed]")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--budget", args->budget, "Budget to allocate (same unit as the unit costs)");
  cmd->add_option(
         "--objective", args->objective,
         "maximin (raise the minimum, then the weighted mean) or mad (minimise the population-weighted "
         "mean absolute deviation, then raise the mean)")
      ->check(CLI::IsMember({"maximin", "mad"}))
      ->default_val("maximin");
  cmd->add_option("--id-col", args->spec.id_column, "Region id column")->default_val("region");
  cmd->add_option("--value-col", args->spec.value_column, "Indicator column")->default_val("indicator");
  cmd->add_option("--population-col", args->spec.population_column, "Population column")
      ->default_val("population");
  cmd->add_option("--unit-cost-col", args->spec.unit_cost_column, "Cost of raising the indicator by one")
      ->default_val("unit_cost");
  cmd->add_option("--cap-col", args->spec.cap_column, "Optional ceiling of the new value")
      ->default_val("cap");
  cmd->add_option("--committed-col", args->spec.committed_column, "Optional committed spend per region")
      ->default_val("committed");
  cmd->add_option("--time-limit", args->time_limit, "Solver time limit in seconds")->default_val(60.0);
  add_output_options(*cmd, context);
  cmd->callback([args, &context] { run_budget(*args, context); });
}

}  // namespace

void add_plan_command(CLI::App& app, Context& context) {
  CLI::App* plan_cmd =
      app.add_subcommand("plan", "Where should service points go? Location planning with bounds");
  plan_cmd->require_subcommand(1);
  add_model(*plan_cmd, context, "pmedian", "Minimise demand-weighted cost with p new sites (bound and gap)");
  add_model(*plan_cmd, context, "pcenter", "Minimise the largest cost (exact: radius search with set cover)");
  add_model(*plan_cmd, context, "mclp", "Maximise the demand within --radius using p new sites (CBC)");
  add_model(*plan_cmd, context, "lscp", "Fewest sites with every client within --radius (CBC)");
  add_model(*plan_cmd, context, "fair",
            "Equity plans (--objective kolm-pollak|rawls|coverage|gap): per-group outcomes, bound, "
            "price of fairness");
  add_budget(*plan_cmd, context);
}

namespace {
const CommandRegistration kRegistration{40, add_plan_command};
}  // namespace

}  // namespace equalis::cli
