#include "plan/plan_request.hpp"

#include "plan/budget_pmedian.hpp"
#include "plan/covering.hpp"
#include "plan/equity.hpp"
#include "plan/pmedian.hpp"
#include "plan/road_instance.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <utility>

namespace equalis::plan {

std::string_view plan_model_name(PlanModel model) noexcept {
  switch (model) {
    case PlanModel::PMedian:
      return "pmedian";
    case PlanModel::PCenter:
      return "pcenter";
    case PlanModel::Mclp:
      return "mclp";
    case PlanModel::Lscp:
      return "lscp";
    case PlanModel::Fair:
      break;
  }
  return "fair";
}

std::string_view fair_objective_name(FairObjective objective) noexcept {
  switch (objective) {
    case FairObjective::KolmPollak:
      return "kolm-pollak";
    case FairObjective::Rawls:
      return "rawls";
    case FairObjective::Coverage:
      return "coverage";
    case FairObjective::Gap:
      break;
  }
  return "gap";
}

std::optional<FairObjective> fair_objective_from_name(std::string_view name) noexcept {
  for (const FairObjective objective :
       {FairObjective::KolmPollak, FairObjective::Rawls, FairObjective::Coverage, FairObjective::Gap}) {
    if (fair_objective_name(objective) == name) return objective;
  }
  return std::nullopt;
}

std::string_view group_fairness_measure(GroupObjective objective) noexcept {
  switch (objective) {
    case GroupObjective::Rawls:
      return "worst_group_mean_cost";
    case GroupObjective::Coverage:
      return "worst_group_coverage";
    case GroupObjective::Gap:
      break;
  }
  return "max_minus_min_group_mean_cost";
}

std::string_view cost_unit_key(io::CostUnit unit) noexcept {
  return unit == io::CostUnit::Given ? "given" : io::cost_unit_name(unit);
}

std::optional<io::CostUnit> cost_unit_from_name(std::string_view name) noexcept {
  for (const io::CostUnit unit :
       {io::CostUnit::Seconds, io::CostUnit::Minutes, io::CostUnit::Metres, io::CostUnit::Given}) {
    if (cost_unit_key(unit) == name) return unit;
  }
  return std::nullopt;
}

std::optional<ErrorCode> failure_of(SolveStatus status) noexcept {
  if (status == SolveStatus::Infeasible) return ErrorCode::Infeasible;
  if (status == SolveStatus::Unsupported) return ErrorCode::Unsupported;
  return std::nullopt;
}

namespace {

bool needs_p(const PlanRequest& request) {
  return request.model != PlanModel::Lscp;
}

bool needs_radius(const PlanRequest& request) {
  return request.model == PlanModel::Mclp || request.model == PlanModel::Lscp ||
         (request.model == PlanModel::Fair && request.objective == FairObjective::Coverage);
}

// What can be checked before any file is read, so that a bad request fails before a long computation.
void validate(const PlanRequest& request) {
  // Numbers the solvers cannot use: a negative or NaN limit used to end in an internal error or a plan
  // that "no client can reach".
  const auto require = [](bool ok, const char* field, double value, const char* fix) {
    if (!ok) throw Error(ErrorCode::InvalidInput, fmt::format("`{}` is {}", field, value), fix);
  };
  require(std::isfinite(request.time_limit) && request.time_limit > 0.0, "time_limit", request.time_limit,
          "give the wall-clock limit in seconds, e.g. 60");
  require(std::isfinite(request.target_gap) && request.target_gap >= 0.0 && request.target_gap < 1.0,
          "target_gap", request.target_gap,
          "give the relative gap at which a plan counts as proven, e.g. 0.001");
  if (request.radius) {
    require(std::isfinite(*request.radius) && *request.radius >= 0.0, "radius", *request.radius,
            "give the covering radius in the cost unit, ≥ 0");
  }
  if (request.budget) {
    require(std::isfinite(*request.budget) && *request.budget >= 0.0, "budget", *request.budget,
            "give the opening budget in the site costs' unit, ≥ 0");
  }
  if (request.max_time) {
    require(std::isfinite(*request.max_time) && *request.max_time >= 0.0, "max_time", *request.max_time,
            "give the largest travel time in seconds, ≥ 0 (or leave it out: no limit)");
  }
  require(std::isfinite(request.max_snap) && request.max_snap >= 0.0, "max_snap", request.max_snap,
          "give the farthest snap distance in metres, ≥ 0");
  require(std::isfinite(request.aversion) && request.aversion >= 0.0 && request.aversion <= kMaxAversion,
          "aversion", request.aversion,
          "give the inequality aversion ε between 0 and 1e6 (beyond, the EDE is the largest cost: use plan "
          "pcenter)");
  require(std::isfinite(request.cost_slack) && request.cost_slack >= 0.0, "cost_slack", request.cost_slack,
          "give the allowed increase of the total cost as a share, e.g. 0.1");
  const int sources =
      (request.orlib.empty() ? 0 : 1) + (request.matrix.empty() ? 0 : 1) + (request.graph.empty() ? 0 : 1);
  if (sources != 1) {
    throw Error(ErrorCode::InvalidInput, "give exactly one of `orlib`, `matrix` or `graph`",
                "an OR-Library p-median file, a long CSV matrix (from, to, cost) with `demand`, or a road "
                "network (equalis network build) with `demand` and `sites`");
  }
  if (!request.graph.empty() && request.cost_unit && *request.cost_unit != io::CostUnit::Seconds) {
    throw Error(ErrorCode::InvalidInput,
                fmt::format("`cost_unit` is {} but `graph` costs are travel times in seconds",
                            cost_unit_key(*request.cost_unit)),
                "leave `cost_unit` out with `graph` (or set it to seconds); give `radius` in seconds");
  }
  if (!request.graph.empty() && (request.demand.empty() || request.sites.empty())) {
    throw Error(ErrorCode::InvalidInput, "`graph` needs `demand` and `sites`",
                "give `demand` (a CSV with id, lon, lat, population, groups) and `sites` (a CSV with id, "
                "lon, lat)");
  }
  const std::string model(plan_model_name(request.model));
  // An OR-Library file brings its own p.
  if (needs_p(request) && !request.p && request.orlib.empty()) {
    throw Error(ErrorCode::InvalidInput, fmt::format("plan {} needs `p`", model),
                "set `p`: the number of new sites to open");
  }
  if (needs_radius(request) && !request.radius) {
    const std::string what =
        request.model == PlanModel::Fair
            ? fmt::format("plan fair with objective {}", fair_objective_name(request.objective))
            : "plan " + model;
    throw Error(ErrorCode::InvalidInput, fmt::format("{} needs `radius`", what),
                "set `radius`: the covering radius in the cost unit (minutes, metres)");
  }
  if (request.budget && request.site_costs.empty()) {
    throw Error(ErrorCode::InvalidInput, "`budget` needs the opening cost of each site",
                "set `site_costs`: a CSV with columns id, cost");
  }
}

struct Loaded {
  PlanInstance instance;
  std::optional<std::size_t> file_p;
  std::string file;
};

Loaded load_costs(const PlanRequest& request, ProgressSink& progress) {
  Loaded loaded;
  if (!request.graph.empty()) {
    network::MatrixRequest routing;
    routing.max_time_s = request.max_time;
    routing.max_snap_m = request.max_snap;
    loaded.instance =
        read_road_instance({request.graph, request.demand, request.sites, request.spec, routing}, progress);
    loaded.file = request.graph;
  } else if (!request.orlib.empty()) {
    OrlibInstance orlib = read_orlib(request.orlib, progress);
    loaded.instance = std::move(orlib.instance);
    loaded.file_p = orlib.p;
    loaded.file = request.orlib;
  } else {
    const std::optional<std::string> demand =
        request.demand.empty() ? std::nullopt : std::optional<std::string>(request.demand);
    loaded.instance = read_matrix_csv(request.matrix, demand, request.spec);
    loaded.file = request.matrix;
  }
  return loaded;
}

// Existing sites, opening costs and capacities, all keyed by candidate id.
void apply_sites(const PlanRequest& request, PlanInstance& instance) {
  if (!request.existing.empty()) instance.fixed_open = find_candidates(instance, request.existing);
  if (!request.site_costs.empty()) {
    instance.site_cost =
        read_site_values(request.site_costs, request.site_id_col, request.site_cost_col, instance);
  }
  if (!request.capacity.empty()) {
    instance.site_capacity =
        read_site_values(request.capacity, request.site_id_col, request.capacity_col, instance);
  }
}

std::vector<std::uint32_t> focus_group_ids(const PlanRequest& request, const PlanInstance& instance) {
  std::vector<std::uint32_t> ids;
  for (const std::string& label : request.focus_groups) {
    const std::vector<std::string>& names = instance.groups.names;
    const auto found = std::find(names.begin(), names.end(), label);
    if (found == names.end()) {
      throw Error(ErrorCode::InvalidInput, fmt::format("`focus_groups`: no group '{}'", label),
                  fmt::format("groups in the data: {}", fmt::join(names, ", ")));
    }
    ids.push_back(static_cast<std::uint32_t>(found - names.begin()));
  }
  return ids;
}

PMedianOptions pmedian_options(const PlanRequest& request, std::size_t p) {
  PMedianOptions options;
  options.p = p;
  options.seed = request.seed;
  options.time_limit_seconds = request.time_limit;
  options.target_gap = request.target_gap;
  return options;
}

ExactOptions exact_options(const PlanRequest& request, const ProgressSink& progress) {
  ExactOptions options;
  options.stop = &progress;
  options.time_limit_seconds = request.time_limit;
  options.target_gap = request.target_gap;
  options.budget = request.budget;
  options.single_source = request.single_source;
  return options;
}

SiteConstraints site_constraints(const PlanRequest& request) {
  SiteConstraints constraints;
  constraints.budget = request.budget;
  constraints.single_source = request.single_source;
  constraints.mip_max_pairs = request.mip_max_pairs;
  return constraints;
}

std::vector<std::string> site_labels(const PlanInstance& instance, const std::vector<std::uint32_t>& sites) {
  std::vector<std::string> labels;
  labels.reserve(sites.size());
  for (const std::uint32_t j : sites) labels.push_back(instance.candidate_label(j));
  return labels;
}

// The plain p-median plan's outcome per group: what the fair plan costs everyone else.
std::vector<GroupOutcome> baseline_groups(const PlanRequest& request, const PlanInstance& instance,
                                          const PlanSolution& efficient) {
  if (efficient.open.empty()) return {};
  return group_outcomes(instance, evaluate_plan(instance, efficient.open), request.radius);
}

void solve_kolm_pollak_plan(const PlanRequest& request, PlanResult& result, ProgressSink& progress) {
  const FairResult fair = solve_kolm_pollak(result.instance, pmedian_options(request, result.p),
                                            request.aversion, site_constraints(request), progress);
  result.solution = fair.plan;
  result.kolm_pollak =
      KolmPollakFairness{.aversion = request.aversion,
                         .kappa = fair.kappa,
                         .total_cost = fair.total_cost,
                         .pmedian_total_cost = fair.efficient_total,
                         .pmedian_ede = fair.efficient_ede,
                         .price_of_fairness = fair.price_of_fairness,
                         .pmedian_open_sites = site_labels(result.instance, fair.efficient.open),
                         .pmedian_groups = baseline_groups(request, result.instance, fair.efficient)};
}

GroupObjective group_objective_of(FairObjective objective) {
  if (objective == FairObjective::Rawls) return GroupObjective::Rawls;
  if (objective == FairObjective::Coverage) return GroupObjective::Coverage;
  return GroupObjective::Gap;
}

void solve_group_plan(const PlanRequest& request, PlanResult& result, ProgressSink& progress) {
  const PlanInstance& instance = result.instance;
  GroupFairOptions options;
  options.objective = group_objective_of(request.objective);
  options.p = result.p;
  options.seed = request.seed;
  options.time_limit_seconds = request.time_limit;
  options.target_gap = request.target_gap;
  options.radius = request.radius;
  options.cost_slack = request.cost_slack;
  options.mip_max_pairs = request.mip_max_pairs;
  options.budget = request.budget;
  options.focus_groups = focus_group_ids(request, instance);
  const GroupFairResult fair = solve_group_fair(instance, options, progress);
  result.solution = fair.plan;
  GroupFairness fairness;
  fairness.objective = options.objective;
  fairness.method = fair.method;
  fairness.bound_method = fair.bound_method;
  fairness.focus_groups = request.focus_groups;
  fairness.total_cost = fair.total_cost;
  fairness.pmedian_total_cost = fair.efficient_total;
  fairness.pmedian_objective = fair.efficient_objective;
  fairness.price_of_fairness = fair.price_of_fairness;
  fairness.cost_cap = fair.cost_cap;
  fairness.pmedian_open_sites = site_labels(instance, fair.efficient.open);
  fairness.pmedian_groups = baseline_groups(request, instance, fair.efficient);
  result.group_fairness = std::move(fairness);
}

void solve(const PlanRequest& request, PlanResult& result, ProgressSink& progress) {
  const PlanInstance& instance = result.instance;
  switch (request.model) {
    case PlanModel::PMedian:
      result.solution = request.exact
                            ? solve_pmedian_exact(instance, result.p, exact_options(request, progress))
                            : solve_pmedian_constrained(instance, pmedian_options(request, result.p),
                                                        site_constraints(request), progress);
      return;
    case PlanModel::PCenter:
      result.solution = solve_pcenter(instance, result.p, exact_options(request, progress), progress);
      return;
    case PlanModel::Mclp:
      result.solution = solve_mclp(instance, result.p, *request.radius, exact_options(request, progress));
      return;
    case PlanModel::Lscp:
      result.solution = solve_lscp(instance, *request.radius, exact_options(request, progress));
      return;
    case PlanModel::Fair:
      break;
  }
  if (request.objective == FairObjective::KolmPollak) {
    solve_kolm_pollak_plan(request, result, progress);
  } else {
    solve_group_plan(request, result, progress);
  }
}

bool objective_uses_focus_groups(const PlanRequest& request) {
  return request.model == PlanModel::Fair &&
         (request.objective == FairObjective::Rawls || request.objective == FairObjective::Coverage);
}

bool looks_like_existing_site(std::string label) {
  for (char& c : label) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return label.find("existing") != std::string::npos;
}

// Options the chosen model ignores and data that suggests a forgotten option: not errors (the plan is
// still what was asked for), but the planner should know.
std::vector<std::string> request_warnings(const PlanRequest& request, const PlanInstance& instance) {
  std::vector<std::string> warnings;
  if (!request.focus_groups.empty() && !objective_uses_focus_groups(request)) {
    const std::string what = request.model == PlanModel::Fair
                                 ? fmt::format("the objective {}", fair_objective_name(request.objective))
                                 : fmt::format("plan {}", plan_model_name(request.model));
    warnings.push_back(fmt::format(
        "`focus_groups` is ignored by {}: only the rawls and coverage objectives optimise a subset of "
        "groups",
        what));
  }
  if (request.existing.empty()) {
    for (std::size_t j = 0; j < instance.candidate_count(); ++j) {
      const std::string label = instance.candidate_label(j);
      if (!looks_like_existing_site(label)) continue;
      warnings.push_back(
          fmt::format("no `existing` sites given, but candidate '{}' looks like the existing facilities: it "
                      "is treated as a new site that may or may not open; pass `existing` {} to keep it open",
                      label, label));
      break;
    }
  }
  return warnings;
}

io::CostUnit resolved_cost_unit(const PlanRequest& request) {
  return request.cost_unit.value_or(request.graph.empty() ? io::CostUnit::Given : io::CostUnit::Seconds);
}

std::string cost_unit_text(const PlanRequest& request, io::CostUnit unit) {
  if (unit != io::CostUnit::Given) return std::string(io::cost_unit_name(unit));
  return request.orlib.empty() ? "the matrix file's unit" : "the OR-Library file's unit";
}

// What the model's objective counts, in the cost unit ("seconds"; "cost units" for a given unit).
std::string objective_unit(const PlanRequest& request, io::CostUnit unit) {
  const std::string cost = unit == io::CostUnit::Given ? "cost units" : std::string(io::cost_unit_name(unit));
  switch (request.model) {
    case PlanModel::PMedian:
      return "demand × " + cost;
    case PlanModel::PCenter:
      return cost;
    case PlanModel::Mclp:
      return "demand";
    case PlanModel::Lscp:
      return request.site_costs.empty() ? "sites" : "site cost";
    case PlanModel::Fair:
      break;
  }
  return request.objective == FairObjective::Coverage ? "share" : cost;
}

}  // namespace

PlanResult run_plan(const PlanRequest& request, ProgressSink& progress) {
  validate(request);
  Loaded loaded = load_costs(request, progress);
  PlanResult result;
  result.file = std::move(loaded.file);
  result.cost_unit = resolved_cost_unit(request);
  result.cost_unit_text = cost_unit_text(request, result.cost_unit);
  result.objective_unit = objective_unit(request, result.cost_unit);
  result.instance = std::move(loaded.instance);
  result.p = request.p.value_or(loaded.file_p.value_or(0));
  apply_sites(request, result.instance);
  result.warnings = request_warnings(request, result.instance);
  for (const std::string& warning : result.warnings) progress.log(LogLevel::Warning, warning);
  solve(request, result, progress);
  result.evaluation = evaluate_solution(result.instance, result.solution);
  if (!result.solution.open.empty()) {
    result.groups = group_outcomes(result.instance, result.evaluation, request.radius);
  }
  return result;
}

std::string_view budget_objective_name(BudgetObjective objective) noexcept {
  return objective == BudgetObjective::RaiseMinimum ? "maximin" : "mad";
}

std::optional<BudgetObjective> budget_objective_from_name(std::string_view name) noexcept {
  if (name == "maximin") return BudgetObjective::RaiseMinimum;
  if (name == "mad") return BudgetObjective::MinimiseDeviation;
  return std::nullopt;
}

BudgetOutcome run_budget(const BudgetRequest& request, ProgressSink& /*progress*/) {
  if (!request.budget) {
    throw Error(ErrorCode::InvalidInput, "plan budget needs `budget`",
                "set `budget`: the money to allocate, in the unit of the unit costs");
  }
  if (!std::isfinite(*request.budget) || *request.budget < 0.0) {
    throw Error(ErrorCode::InvalidInput, fmt::format("`budget` is {}", *request.budget),
                "give the money to allocate, a finite number ≥ 0");
  }
  if (!std::isfinite(request.time_limit) || request.time_limit <= 0.0) {
    throw Error(ErrorCode::InvalidInput, fmt::format("`time_limit` is {}", request.time_limit),
                "give the wall-clock limit in seconds, e.g. 60");
  }
  BudgetOutcome outcome;
  outcome.regions = read_budget_csv(request.regions, request.spec);
  BudgetOptions options;
  options.budget = *request.budget;
  options.objective = request.objective;
  options.time_limit_seconds = request.time_limit;
  outcome.allocation = allocate_budget(outcome.regions, options);
  return outcome;
}

}  // namespace equalis::plan
