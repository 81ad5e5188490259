#include "plan/solution.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <cmath>

namespace equalis::plan {

std::string_view status_name(SolveStatus status) noexcept {
  switch (status) {
    case SolveStatus::Optimal:
      return "optimal";
    case SolveStatus::GapClosed:
      return "gap_closed";
    case SolveStatus::GapNotClosed:
      return "gap_not_closed";
    case SolveStatus::Infeasible:
      return "infeasible";
    case SolveStatus::Unsupported:
      return "unsupported";
  }
  return "unknown";
}

namespace {
// Totals of an evaluation from its assignment and per-client costs.
void add_up(const PlanInstance& instance, Evaluation& result) {
  for (std::size_t i = 0; i < instance.client_count(); ++i) {
    const double w = instance.demand[i];
    if (result.assignment[i] == kNoSite) {
      if (w > 0.0) ++result.unserved_clients;
      continue;
    }
    result.total_cost += w * static_cast<double>(result.assigned_cost[i]);
    if (w > 0.0) result.max_cost = std::max(result.max_cost, static_cast<double>(result.assigned_cost[i]));
  }
}
}  // namespace

Evaluation evaluate_plan(const PlanInstance& instance, std::span<const std::uint32_t> open) {
  const std::size_t n = instance.client_count();
  Evaluation result;
  result.assignment.assign(n, kNoSite);
  result.assigned_cost.assign(n, kUnreachable);
  for (const std::uint32_t site : open) {
    if (site >= instance.candidate_count())
      throw Error(ErrorCode::InvalidInput, "open site index out of range");
  }
  for (std::size_t i = 0; i < n; ++i) {
    const auto row = instance.cost.row(i);
    for (const std::uint32_t site : open) {
      if (row[site] < result.assigned_cost[i] || (row[site] == result.assigned_cost[i] &&
                                                  row[site] != kUnreachable && site < result.assignment[i])) {
        result.assigned_cost[i] = row[site];
        result.assignment[i] = site;
      }
    }
  }
  add_up(instance, result);
  return result;
}

Evaluation evaluate_solution(const PlanInstance& instance, const PlanSolution& solution) {
  Evaluation result;
  if (solution.assigned_cost.empty()) {
    result = evaluate_plan(instance, solution.open);
  } else {
    result.assignment = solution.assignment;
    result.assigned_cost = solution.assigned_cost;
    add_up(instance, result);
  }
  result.covered_share = solution.covered_share;
  return result;
}

std::vector<GroupOutcome> group_outcomes(const PlanInstance& instance, const Evaluation& evaluation,
                                         std::optional<double> radius) {
  std::vector<GroupOutcome> groups(instance.group_count());
  std::vector<double> served(groups.size(), 0.0);
  std::vector<double> covered(groups.size(), 0.0);
  for (std::size_t g = 0; g < groups.size(); ++g) groups[g].label = instance.groups.names[g];
  for (std::size_t i = 0; i < instance.client_count(); ++i) {
    GroupOutcome& group = groups[instance.groups.codes[i]];
    const double w = instance.demand[i];
    group.demand += w;
    if (evaluation.assignment[i] == kNoSite) {
      if (w > 0.0) ++group.unserved_clients;
      continue;
    }
    const auto c = static_cast<double>(evaluation.assigned_cost[i]);
    served[instance.groups.codes[i]] += w;
    group.mean_cost += w * c;
    if (w > 0.0) group.max_cost = std::max(group.max_cost, c);
    if (!evaluation.covered_share.empty()) {
      covered[instance.groups.codes[i]] += w * evaluation.covered_share[i];
    } else if (radius && c <= *radius) {
      covered[instance.groups.codes[i]] += w;
    }
  }
  for (std::size_t g = 0; g < groups.size(); ++g) {
    groups[g].mean_cost = served[g] > 0.0 ? groups[g].mean_cost / served[g] : 0.0;
    if (radius) groups[g].coverage = groups[g].demand > 0.0 ? covered[g] / groups[g].demand : 1.0;
  }
  return groups;
}

void set_gap_status(PlanSolution& solution, double target_gap, bool integral_objective) {
  if (solution.status == SolveStatus::Infeasible || solution.status == SolveStatus::Unsupported ||
      !solution.lower_bound)
    return;
  // With integral data the optimum is an integer, so the bound rounds up (minus a tolerance for float sums).
  if (integral_objective) {
    solution.lower_bound = solution.maximize ? std::floor(*solution.lower_bound + 1e-6)
                                             : std::ceil(*solution.lower_bound - 1e-6);
  }
  const double bound = *solution.lower_bound;
  const double objective = solution.objective;
  const double scale = std::max(std::abs(objective), 1e-12);
  solution.gap = std::max(0.0, (solution.maximize ? bound - objective : objective - bound) / scale);
  if (*solution.gap <= 1e-9) {
    solution.status = SolveStatus::Optimal;
  } else if (*solution.gap <= target_gap) {
    solution.status = SolveStatus::GapClosed;
  } else {
    solution.status = SolveStatus::GapNotClosed;
  }
}

}  // namespace equalis::plan
