#pragma once
// Capacitated p-median beyond the CBC size limit: Σ_i d_i x_ij ≤ cap_j for every open site j.
//
// Bound: Lagrangian relaxation of the assignment constraints Σ_j x_ij = 1 (multipliers u_i), whose
// subproblem splits by site into a continuous knapsack — site j takes the clients with negative reduced
// cost d_i c_ij − u_i, best per unit of demand first, up to its capacity — then opens the p sites with
// the most negative value (Beasley 1993, EJOR 65, §4; subgradient optimisation). The knapsacks are
// continuous, so the bound holds for split (multi-source) and single-source assignment alike.
// Plans: each candidate site set (the uncapacitated p-median plan, then the relaxed site sets of the
// subgradient, a Lagrangian heuristic) is assigned by price-directed regret greedy: site prices v_j
// rise where demand overflows (ascent on the transportation dual), then clients in order of regret
// (second-best minus best c_ij + v_j) take their cheapest site with room — split over several sites
// when allowed, else whole.

#include "core/progress.hpp"
#include "plan/instance.hpp"
#include "plan/pmedian.hpp"
#include "plan/solution.hpp"

namespace equalis::plan {

// Needs instance.site_capacity (one per candidate, ≥ 0). The objective is Σ d c x of the plan's
// assignment; `assignment` is each client's largest share and `assigned_cost` its share-weighted cost.
// Status Infeasible when p sites (with the existing ones) cannot hold the demand, or no plan found
// could (message says which); GapNotClosed with the Lagrangian gap otherwise unless it certifies the plan.
[[nodiscard]] PlanSolution solve_pmedian_capacitated(const PlanInstance& instance,
                                                     const PMedianOptions& options, bool single_source,
                                                     ProgressSink& progress = null_progress());

}  // namespace equalis::plan
