#pragma once
// One call per planning question: a request (cost source, model, options in the library's words) goes
// in, a result (the instance, the plan, its per-group outcomes and the fairness comparison) comes out.
// Front ends (CLI, study runner, bindings) fill the request and render the result (report/plan_report).
// Error messages name request fields in backticks (`time_limit`) so each front end can respell them.

#include "core/error.hpp"
#include "core/progress.hpp"
#include "network/snap.hpp"
#include "plan/budget.hpp"
#include "plan/group_equity.hpp"
#include "plan/instance.hpp"
#include "plan/solution.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace equalis::plan {

enum class PlanModel : std::uint8_t { PMedian, PCenter, Mclp, Lscp, Fair };

// "pmedian", "pcenter", "mclp", "lscp", "fair" (the names reports and commands use).
[[nodiscard]] std::string_view plan_model_name(PlanModel model) noexcept;

// The equity objectives of PlanModel::Fair: the Kolm–Pollak p-median (equity.hpp) or a group objective
// (group_equity.hpp).
enum class FairObjective : std::uint8_t { KolmPollak, Rawls, Coverage, Gap };

// "kolm-pollak", "rawls", "coverage", "gap"; from_name is the inverse (nullopt for another name).
[[nodiscard]] std::string_view fair_objective_name(FairObjective objective) noexcept;
[[nodiscard]] std::optional<FairObjective> fair_objective_from_name(std::string_view name) noexcept;

struct PlanRequest {
  PlanModel model = PlanModel::PMedian;

  // The cost source, exactly one of: an OR-Library p-median file; a long CSV matrix (from, to, cost) with
  // an optional demand CSV; a road network (equalis network build) with a demand CSV (id, lon, lat,
  // weight, group) and a sites CSV (id, lon, lat), costs then being travel times in seconds.
  std::string orlib;
  std::string matrix;
  std::string graph;
  std::string demand;
  std::string sites;                            // graph only
  std::optional<double> max_time;               // graph only: farther pairs (seconds) are unreachable
  double max_snap = network::kDefaultMaxSnapM;  // graph only: metres
  MatrixCsvSpec spec;                           // columns of the matrix and demand files
  // What the costs measure, stated in every report; `radius` is in it too. Default: Seconds for `graph`
  // (travel times; nothing else is allowed there), Given (the file's own unit) for `matrix` and `orlib`.
  std::optional<io::CostUnit> cost_unit;

  std::optional<std::size_t> p;       // new sites; default the OR-Library file's p
  std::optional<double> radius;       // covering radius (mclp, lscp, fair coverage; else coverage shares)
  std::vector<std::string> existing;  // candidate ids that stay open
  std::uint64_t seed = 1;
  double time_limit = 60.0;  // seconds
  double target_gap = 1e-3;
  bool exact = false;  // pmedian: the MIP with CBC

  FairObjective objective = FairObjective::KolmPollak;  // fair only
  double aversion = 1.0;                                // fair kolm-pollak
  double cost_slack = 0.10;                             // fair gap
  std::vector<std::string> focus_groups;                // fair rawls/coverage: group labels
  std::size_t mip_max_pairs = 40000;                    // pmedian and fair: largest MIP given to CBC

  // Per-candidate CSV files (site id column + value column) and the opening-cost budget.
  std::string site_costs;
  std::string capacity;
  std::string site_id_col = "id";
  std::string site_cost_col = "cost";
  std::string capacity_col = "capacity";
  std::optional<double> budget;
  bool single_source = false;  // capacities: one site per client
};

// The Kolm–Pollak comparison with the plain p-median plan.
struct KolmPollakFairness {
  double aversion = 0.0;
  double kappa = 0.0;
  double total_cost = 0.0;
  double pmedian_total_cost = 0.0;
  double pmedian_ede = 0.0;
  double price_of_fairness = 0.0;
  std::vector<std::string> pmedian_open_sites;
  std::vector<GroupOutcome> pmedian_groups;  // empty when the p-median plan opened nothing
};

// A group objective's comparison with the plain p-median plan.
struct GroupFairness {
  GroupObjective objective = GroupObjective::Rawls;
  std::string method;        // who found the plan
  std::string bound_method;  // who proved the bound (GroupFairResult::bound_method)
  std::vector<std::string> focus_groups;
  double total_cost = 0.0;
  double pmedian_total_cost = 0.0;
  double pmedian_objective = 0.0;
  double price_of_fairness = 0.0;
  std::optional<double> cost_cap;
  std::vector<std::string> pmedian_open_sites;
  std::vector<GroupOutcome> pmedian_groups;  // empty when the p-median plan opened nothing
};

// What the fairness objective of a group plan measures: "worst_group_mean_cost", "worst_group_coverage"
// or "max_minus_min_group_mean_cost".
[[nodiscard]] std::string_view group_fairness_measure(GroupObjective objective) noexcept;

// "seconds", "minutes", "metres", "given"; from_name is the inverse (nullopt for another name).
[[nodiscard]] std::string_view cost_unit_key(io::CostUnit unit) noexcept;
[[nodiscard]] std::optional<io::CostUnit> cost_unit_from_name(std::string_view name) noexcept;

struct PlanResult {
  std::string file;                              // the cost source read
  io::CostUnit cost_unit = io::CostUnit::Given;  // of every cost, mean cost, radius and cap
  // The unit in words for text reports: "seconds", …, "the matrix file's unit", "the OR-Library file's
  // unit".
  std::string cost_unit_text;
  // The objective's unit: e.g. "demand × seconds" (p-median), "seconds" (p-center, group means, EDE),
  // "demand" (MCLP), "sites" or "site cost" (LSCP), "share" (worst group coverage).
  std::string objective_unit;
  PlanInstance instance;
  std::size_t p = 0;  // the p asked for, else the OR-Library file's, else 0
  PlanSolution solution;
  Evaluation evaluation;             // of the solution as planned
  std::vector<GroupOutcome> groups;  // per group (with coverage within the radius); empty if none open
  std::optional<KolmPollakFairness> kolm_pollak;  // fair kolm-pollak
  std::optional<GroupFairness> group_fairness;    // fair rawls/coverage/gap
  // Options the model ignores, data that suggests a forgotten option: also logged as warnings on the
  // progress sink (the CLI prints them on stderr).
  std::vector<std::string> warnings;
};

// Reads the cost source, applies existing sites, site costs and capacities, and solves the model. A plan
// that cannot be had (infeasible, unsupported) is a status in the result, not an exception; a request
// that cannot be run (no or several cost sources, no `p`, no `radius`, a budget without site costs, an
// unknown focus group, unreadable files) throws Error(InvalidInput, Parse, Io).
[[nodiscard]] PlanResult run_plan(const PlanRequest& request, ProgressSink& progress = null_progress());

// The error a front end reports for a plan written but not usable: Infeasible, Unsupported; nullopt for
// a usable plan (optimal or with a gap).
[[nodiscard]] std::optional<ErrorCode> failure_of(SolveStatus status) noexcept;

// Regions CSV in, a budget allocation out (budget.hpp).
struct BudgetRequest {
  std::string regions;  // CSV file
  BudgetCsvSpec spec;
  std::optional<double> budget;  // required
  BudgetObjective objective = BudgetObjective::RaiseMinimum;
  double time_limit = 60.0;  // seconds
};

// "maximin", "mad"; from_name is the inverse.
[[nodiscard]] std::string_view budget_objective_name(BudgetObjective objective) noexcept;
[[nodiscard]] std::optional<BudgetObjective> budget_objective_from_name(std::string_view name) noexcept;

struct BudgetOutcome {
  std::vector<BudgetRegion> regions;  // as read, in file order (the allocation's rows follow it)
  BudgetResult allocation;
};

// Throws Error(InvalidInput) without `budget`, and as read_budget_csv and allocate_budget do. The LP is
// quick and reports no progress; the sink is taken so that every entry point has the same shape.
[[nodiscard]] BudgetOutcome run_budget(const BudgetRequest& request,
                                       ProgressSink& progress = null_progress());

}  // namespace equalis::plan
