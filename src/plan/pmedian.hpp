#pragma once
// The p-median problem (Hakimi 1964; ReVelle & Swain 1970): open p sites (besides the existing ones) to
// minimise the demand-weighted cost of serving each client from its cheapest open site.
//
// Solver: fast swap local search with nearest/second-nearest bookkeeping (Whitaker 1983; Resende &
// Werneck 2007, J. Heuristics 13), greedy and randomised-greedy multi-start, variable neighbourhood
// search (Hansen & Mladenović 1997) for the upper bound; Lagrangian relaxation of the assignment
// constraints with subgradient optimisation (Beasley 1993, EJOR 65) for the lower bound, whose
// near-optimal open sets also seed local search (a Lagrangian heuristic). A gap the relaxation leaves
// (small p) is closed by depth-first Lagrangian branch-and-bound on the site variables with
// reduced-cost fixing, children inheriting the parent's multipliers (Beasley 1985, 1993).

#include "core/progress.hpp"
#include "plan/instance.hpp"
#include "plan/solution.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

namespace equalis::plan {

struct PMedianOptions {
  std::size_t p = 1;               // sites to open in addition to instance.fixed_open
  std::uint64_t seed = 1;          // randomised starts and VNS shakes (same seed → same plan)
  double time_limit_seconds = 60;  // wall-clock limit; the best plan and bound so far are returned
  double target_gap = 1e-3;        // status GapClosed at or below this proven gap
  std::size_t starts = 4;          // greedy + (starts − 1) randomised-greedy local searches
  std::size_t vns_stall = 0;       // VNS iterations without improvement before stopping (0 = auto)
  bool lower_bound = true;         // compute the Lagrangian bound (certificate)
  bool branch_and_bound = true;    // close a remaining gap by Lagrangian branch-and-bound on the sites
};

// Solves the p-median on `instance` (costs, demand weights, existing sites). The objective is
// Σ demand × cost to the nearest open site. Status Infeasible when p exceeds the free candidates or a
// client with demand cannot reach any site (the plan then minimises cost over the reachable clients and
// says how many are unserved). Throws Error(Cancelled) if the sink asks to stop.
[[nodiscard]] PlanSolution solve_pmedian(const PlanInstance& instance, const PMedianOptions& options,
                                         ProgressSink& progress = null_progress());

// Lower bound of the p-median with an opening-cost budget (Σ site_cost over the new sites ≤ budget; needs
// instance.site_cost): Lagrangian relaxation of the assignment constraints AND the budget row (multiplier
// μ ≥ 0; Beasley 1993's subgradient scheme), whose site subproblem takes the p smallest ρ_j + μ a_j.
// Tighter than dropping the budget when it binds. `start` (a plan within the budget) seeds the
// multipliers, `upper` is its objective; stops at `seconds` or when the step size collapses. Every 20
// steps the relaxed solution's open sites (existing ones included; they may exceed the budget) go to
// `relaxed_plan`, for a Lagrangian heuristic.
[[nodiscard]] double pmedian_budget_lower_bound(
    const PlanInstance& instance, std::size_t p, double budget, const std::vector<std::uint32_t>& start,
    double upper, double seconds,
    const std::function<void(const std::vector<std::uint32_t>&)>& relaxed_plan = {});

}  // namespace equalis::plan
