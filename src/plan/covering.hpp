#pragma once
// Exact and covering models on top of CBC and the p-median search:
// - exact p-median (ReVelle & Swain 1970 formulation) for small instances and as a test oracle;
// - location set covering, LSCP (Toregas et al. 1971): fewest sites so every client is within a radius;
// - vertex p-center (Hakimi 1965): minimise the largest client cost, by binary search over the sorted
//   distinct costs with set-cover feasibility (Minieka 1970; Daskin 1995 §5): greedy cover first, CBC
//   when greedy needs more than p sites;
// - maximal covering, MCLP (Church & ReVelle 1974): with p sites, maximise the demand within a radius.
// Existing sites (instance.fixed_open) stay open in all models; p counts the new sites.

#include "core/progress.hpp"
#include "plan/instance.hpp"
#include "plan/solution.hpp"

#include <cstddef>
#include <optional>

namespace equalis::plan {

struct ExactOptions {
  double time_limit_seconds = 60;  // CBC limit per model solve (p-center: over the whole search)
  double target_gap = 1e-3;
  // Opening-cost budget (p-median, MCLP, p-center, LSCP): Σ site_cost_j over the NEW open sites ≤ budget
  // (existing sites cost nothing). Needs instance.site_cost. Status Infeasible when the p cheapest free
  // sites exceed it.
  std::optional<double> budget;
  // Capacitated p-median: each client is served by exactly one site (binary assignment; Holmberg et al.
  // 1999's single-source CFLP); false = demand may be split between sites (the LP-style relaxation).
  bool single_source = false;
  // Asked by CBC during the solve (Ctrl-C); the solve then throws Error(Cancelled). Not owned; may be null.
  const ProgressSink* stop = nullptr;
};

// Objective Σ demand × cost. Status Optimal when CBC proves it; GapNotClosed with CBC's bound otherwise.
// With options.budget: the knapsack row Σ_{j new} site_cost_j y_j ≤ budget. With instance.site_capacity:
// the capacitated p-median Σ_i demand_i x_ij ≤ capacity_j y_j with FRACTIONAL assignment x_ij ∈ [0, 1]
// (a client's demand may be split between sites); the objective is then the MIP's Σ d c x and
// `assignment` gives each client's largest share. Infeasible when the capacities cannot serve the demand.
[[nodiscard]] PlanSolution solve_pmedian_exact(const PlanInstance& instance, std::size_t p,
                                               const ExactOptions& options = {});

// Objective = number of open sites (existing included); with instance.site_cost, the opening cost of the
// new sites (the cheapest cover), and options.budget caps it. Infeasible if a client with demand has no
// candidate within `radius`, or (CBC proves) no cover fits the budget.
[[nodiscard]] PlanSolution solve_lscp(const PlanInstance& instance, double radius,
                                      const ExactOptions& options = {});

// Objective = the largest cost of a client with demand to its nearest open site; lower_bound = the largest
// radius proven infeasible's successor. Infeasible when some client reaches no candidate at all. With
// options.budget: exactly p new sites within the budget (feasibility by greedy cover + cheapest completion,
// else CBC with the count and budget rows).
[[nodiscard]] PlanSolution solve_pcenter(const PlanInstance& instance, std::size_t p,
                                         const ExactOptions& options = {},
                                         ProgressSink& progress = null_progress());

// Objective = demand within `radius` of an open site (maximised; lower_bound holds CBC's upper bound).
// options.budget adds the opening-cost knapsack row as for the p-median.
[[nodiscard]] PlanSolution solve_mclp(const PlanInstance& instance, std::size_t p, double radius,
                                      const ExactOptions& options = {});

}  // namespace equalis::plan
