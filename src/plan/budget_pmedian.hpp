#pragma once
// p-median with per-site opening costs under a budget, heuristic for instances too large for CBC:
// budget-feasible greedy then first-improvement swap local search that rejects swaps over the budget
// (Teitz & Bart 1968 swaps; Whitaker 1983 nearest/second-nearest evaluation). The lower bound is the
// Lagrangian bound of the p-median WITHOUT the budget row (the row is relaxed, i.e. dropped): dropping a
// constraint can only lower the optimum, so the bound stays valid, but it is loose when the budget binds.

#include "core/progress.hpp"
#include "plan/instance.hpp"
#include "plan/pmedian.hpp"
#include "plan/solution.hpp"

#include <cstddef>
#include <optional>
#include <string_view>

namespace equalis::plan {

// Σ demand × cost to the nearest open site, with Σ site_cost over the NEW open sites ≤ budget (existing
// sites cost nothing). Needs instance.site_cost. Status Infeasible when the p cheapest new sites exceed
// the budget; GapNotClosed (message says why) when the relaxed bound does not certify the plan. When
// the unconstrained p-median plan fits the budget it is returned with its own certificate.
[[nodiscard]] PlanSolution solve_pmedian_budget(const PlanInstance& instance, const PMedianOptions& options,
                                                double budget, ProgressSink& progress = null_progress());

// Opening-cost budget and capacity options of the p-median family (capacities come with the instance).
struct SiteConstraints {
  std::optional<double> budget;       // Σ site_cost over the new sites ≤ budget (needs instance.site_cost)
  bool single_source = false;         // capacities: each client served by one site (else demand may split)
  std::size_t mip_max_pairs = 40000;  // largest clients × candidates given to CBC
};

// The p-median under `constraints`, by the fitting solver: the plain p-median (no budget, no capacity);
// CBC (budget or capacities, clients × candidates ≤ mip_max_pairs); the budgeted swap search (budget,
// larger); the capacitated Lagrangian heuristic (capacities, larger); status Unsupported with the fix in
// the message (budget and capacities together, larger).
[[nodiscard]] PlanSolution solve_pmedian_constrained(const PlanInstance& instance,
                                                     const PMedianOptions& options,
                                                     const SiteConstraints& constraints,
                                                     ProgressSink& progress = null_progress());

// Status Unsupported (message with the fix) for a model that takes no capacities when the instance has
// them; nullopt otherwise.
[[nodiscard]] std::optional<PlanSolution> refuse_capacities(const PlanInstance& instance,
                                                            std::string_view model);

}  // namespace equalis::plan
