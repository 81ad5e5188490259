#pragma once
// Group-equity location objectives (groups = a column of the demand file, weights = population):
// - Rawls: minimise the worst group's mean cost, then the total cost (lexicographic; Rawls 1971's
//   difference principle applied to groups, as in Ogryczak 2000's lexicographic minimax location);
// - Coverage: maximise the worst group's share of demand within a radius, then the covered demand;
// - Gap: minimise the largest minus the smallest group mean cost, then the total cost, subject to the
//   total cost ≤ (1 + cost_slack) × the p-median total. The max−min gap is chosen over the Theil/GE
//   between-group term because it is in cost units (a planner reads "minutes between the best- and
//   worst-served group"), linear, and zero exactly when the group means are equal; any pure inequality
//   objective rewards levelling down (everyone farther, but equally), hence the cost cap.
// Solvers: a swap local search on the lexicographic objective started from the p-median plan with
// random-shake restarts, then (instance small enough) CBC on the two-stage MIP: min–max on the
// ReVelle–Swain assignment (Rawls, Coverage) or, for Gap, the exact-assignment (radius) formulation that
// pins each client to its nearest open site. Certificates: for Rawls first the cheap ones — each group's
// own p-median bound (no plan can give a group a lower mean than its own optimum) and the Lagrangian dual
// over group weights — and CBC's bound only when they leave more than `target_gap` open (CBC then also
// breaks ties on the total cost exactly); for Coverage and Gap CBC's bound; for Gap beyond the MIP limit
// only the trivial bound 0 (status gap_not_closed, message says so).

#include "core/progress.hpp"
#include "plan/instance.hpp"
#include "plan/solution.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace equalis::plan {

enum class GroupObjective : std::uint8_t { Rawls, Coverage, Gap };

[[nodiscard]] std::string_view group_objective_name(GroupObjective objective) noexcept;

struct GroupFairOptions {
  GroupObjective objective = GroupObjective::Rawls;
  std::size_t p = 1;               // new sites (existing ones stay open)
  std::uint64_t seed = 1;          // shakes of the swap search
  double time_limit_seconds = 60;  // whole solve (p-median reference + fair plan)
  double target_gap = 1e-3;        // status gap_closed at or below this
  std::optional<double> radius;    // Coverage: required (cost units)
  double cost_slack = 0.10;        // Gap: total cost cap relative to the p-median
  // CBC when the client–site pairs the MIP needs (reachable, no farther than the nearest existing site)
  // are at most this many.
  std::size_t mip_max_pairs = 40000;
  // Opening-cost budget: Σ site_cost over the new sites ≤ budget (needs instance.site_cost); the p-median
  // reference plan, the swap search and the MIPs all respect it.
  std::optional<double> budget;
  // Rawls/Coverage: the groups whose worst-off one is optimised (the planner's "least advantaged", e.g.
  // the poorest income deciles); empty = all groups. Gap always compares all groups.
  std::vector<std::uint32_t> focus_groups;
};

struct GroupFairResult {
  // The fair plan. objective: Rawls = worst group mean cost; Coverage = worst group coverage share
  // (maximised: plan.maximize, lower_bound holds an upper bound); Gap = max − min group mean cost.
  PlanSolution plan;
  PlanSolution efficient;  // the plain p-median plan (reference)
  std::string method;      // who found the plan: "swap_search", "cbc" or "lagrangian_dual"
  // Who proved the bound: "cbc", "lagrangian_dual" (Rawls: the dual over group weights),
  // "group_pmedian" (Rawls: the best-served group's own p-median bound), "trivial" (Gap: 0) or "none".
  std::string bound_method = "none";
  double total_cost = 0.0;           // Σ w c of the fair plan
  double efficient_total = 0.0;      // Σ w c of the p-median plan
  double price_of_fairness = 0.0;    // (total_cost − efficient_total) / efficient_total
  double efficient_objective = 0.0;  // the fairness objective evaluated on the p-median plan
  std::optional<double> cost_cap;    // Gap: the total-cost cap used
};

// The fairness objective of a plan's evaluation (served clients only; groups without demand skipped).
// `focus` restricts Rawls/Coverage to those groups (empty = all).
[[nodiscard]] double group_objective_value(const PlanInstance& instance, const Evaluation& evaluation,
                                           GroupObjective objective, std::optional<double> radius,
                                           std::span<const std::uint32_t> focus = {});

// Solves the p-median (reference) and the chosen group objective. Status Infeasible as for the
// p-median (p too large, unreachable clients, budget too small); Unsupported with capacities. Throws
// Error(InvalidInput) if Coverage has no radius or radius/slack are negative or a focus group is out of
// range.
[[nodiscard]] GroupFairResult solve_group_fair(const PlanInstance& instance, const GroupFairOptions& options,
                                               ProgressSink& progress = null_progress());

}  // namespace equalis::plan
