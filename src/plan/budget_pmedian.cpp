#include "plan/budget_pmedian.hpp"

#include "core/error.hpp"
#include "core/random.hpp"
#include "core/stopwatch.hpp"
#include "plan/capacitated.hpp"
#include "plan/covering.hpp"
#include "plan/site_budget.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace equalis::plan {

namespace {

using Clock = std::chrono::steady_clock;

// Unreachable pairs become a large finite penalty so that sums and differences stay finite.
constexpr double kPenalty = 1e15;

double capped(float cost) {
  return cost == kUnreachable ? kPenalty : static_cast<double>(cost);
}

struct Nearest {
  std::vector<double> first, second;
  std::vector<std::uint32_t> first_site;
};

Nearest nearest_two(const PlanInstance& instance, const std::vector<std::uint32_t>& open) {
  const std::size_t n = instance.client_count();
  Nearest result{std::vector<double>(n, kPenalty), std::vector<double>(n, kPenalty),
                 std::vector<std::uint32_t>(n, kNoSite)};
  for (std::size_t i = 0; i < n; ++i) {
    for (const std::uint32_t j : open) {
      const double c = capped(instance.cost.at(i, j));
      if (c < result.first[i]) {
        result.second[i] = result.first[i];
        result.first[i] = c;
        result.first_site[i] = j;
      } else if (c < result.second[i]) {
        result.second[i] = c;
      }
    }
  }
  return result;
}

}  // namespace

PlanSolution solve_pmedian_budget(const PlanInstance& instance, const PMedianOptions& options, double budget,
                                  ProgressSink& progress) {
  const auto start = Clock::now();
  instance.validate();
  const std::size_t n = instance.client_count();
  const std::size_t m = instance.candidate_count();
  const std::vector<std::uint8_t> is_fixed = fixed_mask(m, instance.fixed_open);
  const std::optional<std::string> unaffordable = check_site_budget(instance, options.p, budget);
  std::vector<std::uint32_t> free_by_cost;
  for (std::uint32_t j = 0; j < m; ++j) {
    if (is_fixed[j] == 0U) free_by_cost.push_back(j);
  }
  std::stable_sort(free_by_cost.begin(), free_by_cost.end(), [&](std::uint32_t a, std::uint32_t b) {
    return instance.site_cost[a] < instance.site_cost[b];
  });
  const std::size_t p = options.p;
  PlanSolution solution;
  if (p > free_by_cost.size()) {
    solution.status = SolveStatus::Infeasible;
    solution.message = fmt::format("p = {} exceeds the {} candidate sites that are not already open", p,
                                   free_by_cost.size());
    return solution;
  }
  if (unaffordable) {
    solution.status = SolveStatus::Infeasible;
    solution.message = *unaffordable;
    return solution;
  }

  // The unconstrained p-median: its bound is valid with the budget row relaxed; its plan may fit.
  const PlanSolution relaxed = solve_pmedian(instance, options, progress);
  if (relaxed.status != SolveStatus::Infeasible && new_site_spend(instance, relaxed.open) <= budget) {
    PlanSolution fits = relaxed;
    fits.message = fits.message.empty() ? "the unconstrained p-median plan fits the budget" : fits.message;
    fits.seconds = seconds_since(start);
    return fits;
  }

  const auto out_of_time = [&] { return seconds_since(start) > options.time_limit_seconds; };
  std::vector<std::uint32_t> best_open;
  double best_total = std::numeric_limits<double>::infinity();
  std::size_t swaps = 0;
  bool timed_out = false;
  // Keeps `open` if it is the best plan so far.
  const auto consider = [&](const std::vector<std::uint32_t>& open) {
    const Nearest near = nearest_two(instance, open);
    double total = 0.0;
    for (std::size_t i = 0; i < n; ++i) total += instance.demand[i] * near.first[i];
    if (total >= best_total - 1e-9 * std::max(1.0, std::abs(best_total))) return false;
    best_total = total;
    best_open = open;
    return true;
  };
  // First-improvement swap search (Teitz & Bart 1968): close a new site o, open a closed free site c,
  // only if the spend stays within the budget; evaluated with nearest/second-nearest costs (Whitaker 1983).
  // The first |fixed_open| entries of `open` are the existing sites.
  const auto descend = [&](std::vector<std::uint32_t>& open, std::vector<std::uint8_t>& is_open,
                           double& spent) {
    bool improved = true;
    while (improved && !timed_out) {
      improved = false;
      const Nearest near = nearest_two(instance, open);
      for (std::size_t slot = instance.fixed_open.size(); slot < open.size() && !improved; ++slot) {
        const std::uint32_t o = open[slot];
        for (const std::uint32_t c : free_by_cost) {
          if (is_open[c] != 0U) continue;
          if (spent - instance.site_cost[o] + instance.site_cost[c] > budget * (1.0 + 1e-12)) continue;
          double delta = 0.0;
          for (std::size_t i = 0; i < n; ++i) {
            const double to_c = capped(instance.cost.at(i, c));
            const double without_o = near.first_site[i] == o ? near.second[i] : near.first[i];
            delta += instance.demand[i] * (std::min(without_o, to_c) - near.first[i]);
          }
          if (delta < -1e-9 * std::max(1.0, std::abs(spent))) {
            is_open[o] = 0;
            is_open[c] = 1;
            spent += instance.site_cost[c] - instance.site_cost[o];
            open[slot] = c;
            improved = true;
            ++swaps;
            break;
          }
        }
        if (out_of_time()) {
          timed_out = true;
          break;
        }
      }
    }
  };
  // Multi-start: start 0 is the greedy, the others randomised greedy (uniform among the 3 best savings).
  const std::size_t starts = std::max<std::size_t>(1, options.starts);
  ProgressTask task(progress, "budgeted p-median search", starts);
  for (std::size_t run = 0; run < starts && !timed_out; ++run) {
    Rng rng(options.seed, run);
    // Budget-feasible greedy (Kuehn & Hamburger 1963 add heuristic): add the site with the largest saving
    // among those that still leave room for the cheapest completion.
    std::vector<std::uint32_t> open(instance.fixed_open.begin(), instance.fixed_open.end());
    std::vector<std::uint8_t> is_open = is_fixed;
    std::vector<double> current(n, kPenalty);
    for (std::size_t i = 0; i < n; ++i) {
      for (const std::uint32_t j : open) current[i] = std::min(current[i], capped(instance.cost.at(i, j)));
    }
    double spent = 0.0;
    for (std::size_t k = 0; k < p; ++k) {
      // Σ of the `rest` cheapest unopened free sites and the next one (for candidates inside that set).
      const std::size_t rest = p - k - 1;
      double rest_sum = 0.0;
      double next_cost = 0.0;
      std::size_t taken = 0;
      std::vector<std::uint8_t> in_rest(m, 0);
      for (const std::uint32_t j : free_by_cost) {
        if (is_open[j] != 0U) continue;
        if (taken < rest) {
          rest_sum += instance.site_cost[j];
          in_rest[j] = 1;
          ++taken;
        } else {
          next_cost = instance.site_cost[j];
          break;
        }
      }
      // The three best (saving, site) so far, best first.
      std::array<std::pair<double, std::uint32_t>, 3> top;
      top.fill({-1.0, kNoSite});
      for (const std::uint32_t j : free_by_cost) {
        if (is_open[j] != 0U) continue;
        const double completion = in_rest[j] != 0U ? rest_sum - instance.site_cost[j] + next_cost : rest_sum;
        if (spent + instance.site_cost[j] + completion > budget * (1.0 + 1e-12)) continue;
        double saving = 0.0;
        for (std::size_t i = 0; i < n; ++i) {
          saving += instance.demand[i] * std::max(0.0, current[i] - capped(instance.cost.at(i, j)));
        }
        if (saving > top[2].first) {
          top[2] = {saving, j};
          std::sort(top.begin(), top.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
        }
      }
      std::size_t choices = 0;
      while (choices < top.size() && top[choices].second != kNoSite) ++choices;
      if (choices == 0) break;  // cannot happen: the cheapest completion fits
      const std::uint32_t best = run == 0 ? top[0].second : top[rng.uniform_index(choices)].second;
      open.push_back(best);
      is_open[best] = 1;
      spent += instance.site_cost[best];
      for (std::size_t i = 0; i < n; ++i)
        current[i] = std::min(current[i], capped(instance.cost.at(i, best)));
    }

    descend(open, is_open, spent);
    consider(open);
    task.tick();
    if (out_of_time()) timed_out = true;
  }
  task.throw_if_stopped();

  // Variable neighbourhood search (Hansen & Mladenović 1997): k random budget-feasible swaps of new
  // sites, descend, keep on improvement; k cycles 1..3; stops after 50 shakes without improvement.
  if (!timed_out && p > 0 && free_by_cost.size() > p) {
    Rng rng(options.seed, 99);
    std::size_t stall = 0;
    std::size_t k = 1;
    const std::size_t first_new = instance.fixed_open.size();
    while (stall < 50 && !out_of_time()) {
      std::vector<std::uint32_t> open = best_open;
      std::vector<std::uint8_t> is_open = is_fixed;
      for (const std::uint32_t j : open) is_open[j] = 1;
      double spent = new_site_spend(instance, open);
      for (std::size_t shake = 0; shake < k; ++shake) {
        const std::size_t slot = first_new + rng.uniform_index(open.size() - first_new);
        for (int attempt = 0; attempt < 64; ++attempt) {
          const std::uint32_t in = free_by_cost[rng.uniform_index(free_by_cost.size())];
          const double after = spent - instance.site_cost[open[slot]] + instance.site_cost[in];
          if (is_open[in] != 0U || after > budget * (1.0 + 1e-12)) continue;
          is_open[open[slot]] = 0;
          is_open[in] = 1;
          open[slot] = in;
          spent = after;
          break;
        }
      }
      descend(open, is_open, spent);
      if (consider(open)) {
        stall = 0;
        k = 1;
      } else {
        ++stall;
        k = k % 3 + 1;
      }
      task.throw_if_stopped();
    }
  }

  // The unconstrained p-median's bound (budget row dropped), and the Lagrangian bound that relaxes the
  // budget row with its own multiplier, which is tighter when the budget binds. Its relaxed solutions
  // that fit the budget seed the swap search (a Lagrangian heuristic).
  double bound = relaxed.lower_bound.value_or(-std::numeric_limits<double>::infinity());
  if (options.lower_bound && !best_open.empty()) {
    std::vector<std::uint32_t> last_tried;
    const auto repair = [&](const std::vector<std::uint32_t>& sites) {
      if (sites == last_tried || timed_out) return;
      last_tried = sites;
      std::vector<std::uint32_t> open(instance.fixed_open.begin(), instance.fixed_open.end());
      std::vector<std::uint8_t> is_open = is_fixed;
      for (const std::uint32_t j : sites) {
        if (is_fixed[j] == 0U) open.push_back(j);
        is_open[j] = 1;
      }
      double spent = new_site_spend(instance, open);
      if (spent > budget * (1.0 + 1e-12)) return;
      descend(open, is_open, spent);
      consider(open);
    };
    const double left = options.time_limit_seconds - seconds_since(start);
    bound = std::max(bound, pmedian_budget_lower_bound(instance, p, budget, best_open, best_total,
                                                       std::max(0.5, left), repair));
  }
  task.throw_if_stopped();

  std::vector<std::uint32_t> open = best_open;
  std::sort(open.begin(), open.end());
  const Evaluation evaluation = evaluate_plan(instance, open);
  solution.open = open;
  solution.assignment = evaluation.assignment;
  solution.unserved_clients = evaluation.unserved_clients;
  solution.objective = evaluation.total_cost;
  solution.iterations = relaxed.iterations + swaps;
  if (evaluation.unserved_clients > 0) {
    solution.status = SolveStatus::Infeasible;
    solution.message = fmt::format("{} clients with demand reach no open site", evaluation.unserved_clients);
  } else {
    if (std::isfinite(bound)) solution.lower_bound = std::min(bound, solution.objective);
    set_gap_status(solution, options.target_gap, false);
    if (solution.status == SolveStatus::GapNotClosed || !solution.lower_bound) {
      solution.status = SolveStatus::GapNotClosed;
      solution.message = fmt::format(
          "budgeted swap search{}: the Lagrangian bound (assignment and budget rows relaxed) leaves a gap "
          "of {:.3g}%; solve within `mip_max_pairs` for CBC's exact answer",
          timed_out ? " stopped at the time limit" : "", 100.0 * solution.gap.value_or(1.0));
    }
  }
  solution.seconds = seconds_since(start);
  return solution;
}

PlanSolution solve_pmedian_constrained(const PlanInstance& instance, const PMedianOptions& options,
                                       const SiteConstraints& constraints, ProgressSink& progress) {
  const bool capacitated = !instance.site_capacity.empty();
  if (!constraints.budget && !capacitated) return solve_pmedian(instance, options, progress);
  const std::size_t pairs = instance.client_count() * instance.candidate_count();
  if (pairs <= constraints.mip_max_pairs) {
    ExactOptions exact;
    exact.time_limit_seconds = options.time_limit_seconds;
    exact.target_gap = options.target_gap;
    exact.budget = constraints.budget;
    exact.single_source = constraints.single_source;
    return solve_pmedian_exact(instance, options.p, exact);
  }
  if (!capacitated) return solve_pmedian_budget(instance, options, *constraints.budget, progress);
  if (!constraints.budget)
    return solve_pmedian_capacitated(instance, options, constraints.single_source, progress);
  // Budget and capacities together are solved by CBC only.
  PlanSolution solution;
  solution.status = SolveStatus::Unsupported;
  solution.message = fmt::format(
      "a budget with capacities is solved by CBC only, for clients × candidates ≤ `mip_max_pairs` ({}); "
      "this instance has {}: use fewer clients or candidates, raise `mip_max_pairs`, or drop `budget` or "
      "`capacity`",
      constraints.mip_max_pairs, pairs);
  return solution;
}

std::optional<PlanSolution> refuse_capacities(const PlanInstance& instance, std::string_view model) {
  if (instance.site_capacity.empty()) return std::nullopt;
  PlanSolution solution;
  solution.status = SolveStatus::Unsupported;
  solution.message = fmt::format(
      "{} does not take capacities: drop `capacity`, or plan with the p-median model, which takes it", model);
  return solution;
}

}  // namespace equalis::plan
