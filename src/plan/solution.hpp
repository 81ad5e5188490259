#pragma once
// What every planning model returns: the open sites, the client assignment, the objective with a lower
// bound and the proven gap, and a status that says whether the plan can be trusted. Infeasible inputs
// (p larger than the candidates, a radius nobody can meet, clients cut off from every site) are a status,
// not an exception.

#include "plan/instance.hpp"

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace equalis::plan {

enum class SolveStatus : std::uint8_t {
  Optimal,       // the bound proves the plan optimal (gap 0, or integral data and bound > objective − 1)
  GapClosed,     // the proven gap is within the requested tolerance
  GapNotClosed,  // a feasible plan, but the bound leaves more than the tolerance open (time or iteration
                 // limit)
  Infeasible,    // no plan meets the constraints (message says why); `open` may hold a best effort
  Unsupported,   // the requested model is not solved for this instance size (message gives the fix)
};

[[nodiscard]] std::string_view status_name(SolveStatus status) noexcept;

inline constexpr std::uint32_t kNoSite = std::numeric_limits<std::uint32_t>::max();

struct PlanSolution {
  SolveStatus status = SolveStatus::GapNotClosed;
  std::string message;                    // why a plan is infeasible or the gap is open
  std::vector<std::uint32_t> open;        // candidate indices, sorted, existing sites included
  std::vector<std::uint32_t> assignment;  // nearest open site per client, kNoSite if none is reachable
  double objective = 0.0;                 // the model's objective (see each solver)
  std::optional<double> lower_bound;      // proven bound on the optimum (same sense as objective)
  std::optional<double> gap;              // (objective − bound) / |objective|, ≥ 0
  std::size_t unserved_clients = 0;       // clients with no reachable open site
  std::size_t iterations = 0;             // solver iterations (swaps, subgradient steps, searches)
  double seconds = 0.0;                   // wall time
  bool maximize = false;  // MCLP: the objective is maximised and lower_bound holds an UPPER bound
  // Capacitated plans only (not nearest-site): each client's cost under the plan's assignment (split
  // demand: the share-weighted mean); `assignment` then holds the site with the largest share. Empty =
  // every client goes to its nearest open site.
  std::vector<float> assigned_cost;
  // Capacitated MCLP only: each client's share of demand covered within the radius by a site with room
  // (the group coverage then counts these shares, not nearest-site costs). Empty otherwise.
  std::vector<float> covered_share;
};

// Assignment of each client to its cheapest open site (ties: lowest index) and the demand-weighted total
// cost over served clients.
struct Evaluation {
  std::vector<std::uint32_t> assignment;
  std::vector<float> assigned_cost;  // kUnreachable when unserved
  double total_cost = 0.0;           // Σ demand × cost over served clients
  double max_cost = 0.0;             // over served clients with demand > 0
  std::size_t unserved_clients = 0;  // with demand > 0
  std::vector<float> covered_share;  // from PlanSolution::covered_share (empty = judge by the radius)
};
[[nodiscard]] Evaluation evaluate_plan(const PlanInstance& instance, std::span<const std::uint32_t> open);

// The evaluation of a solution as planned: its own assignment when it has one (capacities), else
// evaluate_plan(open); with its covered shares (capacitated MCLP).
[[nodiscard]] Evaluation evaluate_solution(const PlanInstance& instance, const PlanSolution& solution);

// Per-group outcomes of a plan: mean (demand-weighted) and max cost of served clients, and the share of
// the group's demand within `radius` (when given).
struct GroupOutcome {
  std::string label;
  double demand = 0.0;
  double mean_cost = 0.0;
  double max_cost = 0.0;
  std::optional<double> coverage;  // share of demand with cost ≤ radius
  std::size_t unserved_clients = 0;
};
[[nodiscard]] std::vector<GroupOutcome> group_outcomes(const PlanInstance& instance,
                                                       const Evaluation& evaluation,
                                                       std::optional<double> radius = std::nullopt);

// Sets gap and status from objective and lower bound: with integral data the bound is first rounded up;
// Optimal if the gap is ≤ 1e-9, GapClosed if ≤ target_gap, else GapNotClosed.
void set_gap_status(PlanSolution& solution, double target_gap, bool integral_objective);

}  // namespace equalis::plan
