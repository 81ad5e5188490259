#include "plan/covering.hpp"

#include "core/error.hpp"
#include "core/stopwatch.hpp"
#include "plan/budget_pmedian.hpp"
#include "plan/detail/mip.hpp"
#include "plan/pmedian.hpp"
#include "plan/site_budget.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>

namespace equalis::plan {

namespace {

using Clock = std::chrono::steady_clock;

std::vector<std::uint32_t> unique_fixed(const PlanInstance& instance) {
  std::vector<std::uint32_t> fixed = instance.fixed_open;
  std::sort(fixed.begin(), fixed.end());
  fixed.erase(std::unique(fixed.begin(), fixed.end()), fixed.end());
  return fixed;
}

std::vector<std::uint32_t> open_from(const detail::MipResult& result, std::size_t m) {
  std::vector<std::uint32_t> open;
  for (std::size_t j = 0; j < m; ++j) {
    if (result.solution[j] > 0.5) open.push_back(static_cast<std::uint32_t>(j));
  }
  return open;
}

void fill_assignment(const PlanInstance& instance, PlanSolution& solution) {
  std::sort(solution.open.begin(), solution.open.end());
  const Evaluation evaluation = evaluate_plan(instance, solution.open);
  solution.assignment = evaluation.assignment;
  solution.unserved_clients = evaluation.unserved_clients;
}

bool p_too_large(const PlanInstance& instance, std::size_t p, PlanSolution& solution) {
  const std::size_t free_sites = instance.candidate_count() - unique_fixed(instance).size();
  if (p <= free_sites) return false;
  solution.status = SolveStatus::Infeasible;
  solution.message =
      fmt::format("p = {} exceeds the {} candidate sites that are not already open", p, free_sites);
  return true;
}

// Checks the opening-cost budget (see check_site_budget). Returns false (status Infeasible, message set)
// when no plan fits the budget.
bool budget_allows(const PlanInstance& instance, std::size_t p, const ExactOptions& options,
                   PlanSolution& solution) {
  if (!options.budget) return true;
  auto why = check_site_budget(instance, p, *options.budget);
  if (!why) return true;
  solution.status = SolveStatus::Infeasible;
  solution.message = std::move(*why);
  return false;
}

// Throws Error(InvalidInput) unless every candidate has a finite capacity ≥ 0.
void check_capacities(const PlanInstance& instance) {
  if (instance.site_capacity.size() != instance.candidate_count())
    throw Error(ErrorCode::InvalidInput, "a capacity is needed for every candidate site",
                "set `capacity`: a CSV with columns id, capacity");
  for (const double c : instance.site_capacity) {
    if (!(c >= 0.0) || !std::isfinite(c))
      throw Error(ErrorCode::InvalidInput, "site capacities must be finite and ≥ 0", "fix the capacity file");
  }
}

// Clients with demand that no candidate reaches within `radius` (or at all, radius = +inf).
std::size_t uncoverable(const PlanInstance& instance, double radius) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < instance.client_count(); ++i) {
    if (instance.demand[i] <= 0.0) continue;
    const auto row = instance.cost.row(i);
    const bool reachable =
        std::any_of(row.begin(), row.end(), [&](float c) { return c != kUnreachable && c <= radius; });
    if (!reachable) ++count;
  }
  return count;
}

// Greedy set cover (Chvátal 1979): existing sites first, then the site covering most uncovered clients.
std::vector<std::uint32_t> greedy_cover(const PlanInstance& instance, double radius, std::size_t limit) {
  const std::size_t n = instance.client_count();
  const std::size_t m = instance.candidate_count();
  std::vector<std::uint8_t> covered(n, 0);
  std::size_t remaining = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (instance.demand[i] > 0.0)
      ++remaining;
    else
      covered[i] = 1;
  }
  std::vector<std::uint32_t> open;
  const auto take = [&](std::uint32_t j) {
    open.push_back(j);
    for (std::size_t i = 0; i < n; ++i) {
      if (covered[i] == 0U && instance.cost.at(i, j) <= radius) {
        covered[i] = 1;
        --remaining;
      }
    }
  };
  for (const std::uint32_t j : unique_fixed(instance)) take(j);
  std::vector<std::size_t> count(m);
  while (remaining > 0 && open.size() <= limit) {
    std::fill(count.begin(), count.end(), 0);
    for (std::size_t i = 0; i < n; ++i) {
      if (covered[i] != 0U) continue;
      const auto row = instance.cost.row(i);
      for (std::size_t j = 0; j < m; ++j) count[j] += row[j] <= radius ? 1U : 0U;
    }
    const auto best =
        static_cast<std::uint32_t>(std::max_element(count.begin(), count.end()) - count.begin());
    if (count[best] == 0) break;
    take(best);
  }
  if (remaining > 0) open.clear();
  return open;
}

// min Σ y_j (or, with `cost_objective`, Σ site_cost_j over the new sites) s.t. every client with demand
// has an open site within radius; existing sites fixed open; with a budget, Σ_{j new} site_cost_j y_j ≤ B.
// `new_sites` (p-center under a budget) fixes the number of new sites instead: Σ_{j new} y_j = new_sites.
detail::MipResult min_cover(const PlanInstance& instance, double radius, double time_limit,
                            std::optional<double> cutoff, std::optional<double> budget = std::nullopt,
                            bool cost_objective = false,
                            std::optional<std::size_t> new_sites = std::nullopt) {
  detail::MipModel model;
  const std::size_t n = instance.client_count();
  const std::size_t m = instance.candidate_count();
  std::vector<int> row_of(n, -1);
  for (std::size_t i = 0; i < n; ++i) {
    if (instance.demand[i] > 0.0) row_of[i] = model.add_row(1.0, 1e30);
  }
  const int budget_row = budget ? model.add_row(-1e30, *budget) : -1;
  const auto count = static_cast<double>(new_sites.value_or(0));
  const int count_row = new_sites ? model.add_row(count, count) : -1;
  const std::vector<std::uint8_t> fixed = fixed_mask(m, instance.fixed_open);
  std::vector<std::pair<int, double>> entries;
  for (std::size_t j = 0; j < m; ++j) {
    entries.clear();
    for (std::size_t i = 0; i < n; ++i) {
      if (row_of[i] >= 0 && instance.cost.at(i, j) <= radius) entries.emplace_back(row_of[i], 1.0);
    }
    detail::add_budget_entry(instance, budget_row, j, fixed[j] != 0U, entries);
    if (count_row >= 0 && fixed[j] == 0U) entries.emplace_back(count_row, 1.0);
    const double weight = !cost_objective ? 1.0 : fixed[j] != 0U ? 0.0 : instance.site_cost[j];
    model.add_column(weight, fixed[j] != 0U ? 1.0 : 0.0, 1.0, true, entries);
  }
  return detail::solve_mip(model, time_limit, cutoff);
}

// Capacitated cover (capacitated LSCP; p-center feasibility with capacities): every client with demand
// assigned within `radius`, Σ_i d_i x_ij ≤ cap_j y_j, x split or binary (single source); minimises Σ y
// (or the opening cost of the new sites), optionally with the budget row and at most / exactly
// `new_sites` new sites.
struct CapacitatedCover {
  detail::MipResult mip;
  std::vector<std::pair<std::size_t, std::uint32_t>> pair_of_column;  // x columns after the m y columns
};

CapacitatedCover capacitated_cover(const PlanInstance& instance, double radius, double seconds,
                                   const ExactOptions& options, bool cost_objective,
                                   std::optional<std::size_t> new_sites, bool exactly) {
  const std::size_t n = instance.client_count();
  const std::size_t m = instance.candidate_count();
  const std::vector<std::uint8_t> fixed = fixed_mask(m, instance.fixed_open);
  detail::MipModel model;
  std::vector<int> assign_row(n, -1);
  for (std::size_t i = 0; i < n; ++i) {
    if (instance.demand[i] > 0.0) assign_row[i] = model.add_row(1.0, 1.0);
  }
  std::vector<int> capacity_row(m);
  for (std::size_t j = 0; j < m; ++j) capacity_row[j] = model.add_row(-1e30, 0.0);
  const int budget_row = options.budget ? model.add_row(-1e30, *options.budget) : -1;
  const auto count = static_cast<double>(new_sites.value_or(0));
  const int count_row = new_sites ? model.add_row(exactly ? count : -1e30, count) : -1;
  std::vector<std::pair<int, double>> entries;
  for (std::size_t j = 0; j < m; ++j) {
    entries.clear();
    entries.emplace_back(capacity_row[j], -instance.site_capacity[j]);
    detail::add_budget_entry(instance, budget_row, j, fixed[j] != 0U, entries);
    if (count_row >= 0 && fixed[j] == 0U) entries.emplace_back(count_row, 1.0);
    const double weight = !cost_objective ? 1.0 : fixed[j] != 0U ? 0.0 : instance.site_cost[j];
    model.add_column(new_sites ? 0.0 : weight, fixed[j] != 0U ? 1.0 : 0.0, 1.0, true, entries);
  }
  CapacitatedCover result;
  for (std::size_t i = 0; i < n; ++i) {
    if (assign_row[i] < 0) continue;
    for (std::size_t j = 0; j < m; ++j) {
      if (instance.cost.at(i, j) > radius) continue;
      model.add_column(0.0, 0.0, 1.0, options.single_source,
                       {{assign_row[i], 1.0}, {capacity_row[j], instance.demand[i]}});
      result.pair_of_column.emplace_back(i, static_cast<std::uint32_t>(j));
    }
  }
  result.mip = detail::solve_mip(model, seconds, std::nullopt, options.stop);
  return result;
}

// Fills a solution's open sites and its own assignment from a capacitated cover.
void take_cover(const PlanInstance& instance, const CapacitatedCover& cover, PlanSolution& solution) {
  const std::size_t m = instance.candidate_count();
  solution.open = open_from(cover.mip, m);
  fill_assignment(instance, solution);
  solution.assigned_cost = evaluate_plan(instance, solution.open).assigned_cost;  // zero-demand clients
  std::vector<double> cost(instance.client_count(), 0.0), largest(instance.client_count(), -1.0);
  for (std::size_t c = 0; c < cover.pair_of_column.size(); ++c) {
    const double x = cover.mip.solution[m + c];
    if (x <= 1e-9) continue;
    const auto [i, j] = cover.pair_of_column[c];
    cost[i] += x * instance.cost.at(i, j);
    if (x > largest[i]) {
      largest[i] = x;
      solution.assignment[i] = j;
    }
  }
  for (std::size_t i = 0; i < instance.client_count(); ++i) {
    if (largest[i] >= 0.0) solution.assigned_cost[i] = static_cast<float>(cost[i]);
  }
}

}  // namespace

PlanSolution solve_pmedian_exact(const PlanInstance& instance, std::size_t p, const ExactOptions& options) {
  const auto start = Clock::now();
  instance.validate();
  PlanSolution solution;
  if (p_too_large(instance, p, solution)) return solution;
  const std::vector<std::uint32_t> fixed = unique_fixed(instance);
  if (uncoverable(instance, kUnreachable) > 0) {
    solution.status = SolveStatus::Infeasible;
    solution.message = "some clients with demand cannot reach any candidate site";
    return solution;
  }
  if (!budget_allows(instance, p, options, solution)) return solution;
  const bool capacitated = !instance.site_capacity.empty();
  if (capacitated) check_capacities(instance);
  // ReVelle & Swain (1970): y_j open, x_ij assignment, x_ij ≤ y_j, Σ_j x_ij = 1, Σ_j y_j = p + |existing|.
  const std::size_t n = instance.client_count();
  const std::size_t m = instance.candidate_count();
  detail::MipModel model;
  std::vector<int> assign_row(n, -1);
  for (std::size_t i = 0; i < n; ++i) {
    if (instance.demand[i] > 0.0) assign_row[i] = model.add_row(1.0, 1.0);
  }
  const int count_row =
      model.add_row(static_cast<double>(p + fixed.size()), static_cast<double>(p + fixed.size()));
  const int budget_row = options.budget ? model.add_row(-1e30, *options.budget) : -1;
  // Capacitated p-median: Σ_i d_i x_ij − cap_j y_j ≤ 0 (fractional assignment).
  std::vector<int> capacity_row(capacitated ? m : 0, -1);
  for (int& row : capacity_row) row = model.add_row(-1e30, 0.0);
  std::vector<int> link_row(n * m, -1);
  for (std::size_t i = 0; i < n; ++i) {
    if (assign_row[i] < 0) continue;
    for (std::size_t j = 0; j < m; ++j) {
      if (instance.cost.at(i, j) != kUnreachable) link_row[i * m + j] = model.add_row(-1e30, 0.0);
    }
  }
  const std::vector<std::uint8_t> is_fixed = fixed_mask(m, fixed);
  std::vector<std::pair<int, double>> entries;
  for (std::size_t j = 0; j < m; ++j) {
    entries.clear();
    entries.emplace_back(count_row, 1.0);
    detail::add_budget_entry(instance, budget_row, j, is_fixed[j] != 0U, entries);
    if (capacitated) entries.emplace_back(capacity_row[j], -instance.site_capacity[j]);
    for (std::size_t i = 0; i < n; ++i) {
      if (link_row[i * m + j] >= 0) entries.emplace_back(link_row[i * m + j], -1.0);
    }
    model.add_column(0.0, is_fixed[j] != 0U ? 1.0 : 0.0, 1.0, true, entries);
  }
  std::vector<int> x_column(capacitated ? n * m : 0, -1);
  for (std::size_t i = 0; i < n; ++i) {
    if (assign_row[i] < 0) continue;
    for (std::size_t j = 0; j < m; ++j) {
      if (link_row[i * m + j] < 0) continue;
      entries.clear();
      entries.emplace_back(assign_row[i], 1.0);
      entries.emplace_back(link_row[i * m + j], 1.0);
      if (capacitated) entries.emplace_back(capacity_row[j], instance.demand[i]);
      const int column = model.add_column(instance.demand[i] * instance.cost.at(i, j), 0.0, 1.0,
                                          capacitated && options.single_source, entries);
      if (capacitated) x_column[i * m + j] = column;
    }
  }
  const detail::MipResult result =
      detail::solve_mip(model, options.time_limit_seconds, std::nullopt, options.stop);
  solution.iterations = 1;
  if (!result.has_solution) {
    solution.status = result.proven_infeasible ? SolveStatus::Infeasible : SolveStatus::GapNotClosed;
    solution.message = result.proven_infeasible
                           ? (capacitated ? "CBC proved the model infeasible: the capacities (and budget) "
                                            "cannot serve all the demand with p sites"
                                          : "CBC proved the model infeasible")
                           : "CBC found no plan in the time limit";
    solution.seconds = seconds_since(start);
    return solution;
  }
  solution.open = open_from(result, m);
  fill_assignment(instance, solution);
  if (capacitated) {
    // The capacitated plan is not nearest-site: cost = the MIP's Σ d c x; assignment = largest share;
    // each client's cost = its share-weighted mean (exact under single-sourcing).
    double total = 0.0;
    solution.assigned_cost = evaluate_plan(instance, solution.open).assigned_cost;  // zero-demand clients
    for (std::size_t i = 0; i < n; ++i) {
      if (assign_row[i] < 0) continue;
      double best_share = -1.0;
      double client_cost = 0.0;
      for (std::size_t j = 0; j < m; ++j) {
        const int column = x_column[i * m + j];
        if (column < 0) continue;
        const double share = result.solution[static_cast<std::size_t>(column)];
        client_cost += instance.cost.at(i, j) * share;
        if (share > best_share + 1e-9) {
          best_share = share;
          solution.assignment[i] = static_cast<std::uint32_t>(j);
        }
      }
      solution.assigned_cost[i] = static_cast<float>(client_cost);
      total += instance.demand[i] * client_cost;
    }
    solution.objective = total;
  } else {
    solution.objective = evaluate_plan(instance, solution.open).total_cost;
  }
  solution.lower_bound = std::min(result.bound, solution.objective);
  set_gap_status(solution, options.target_gap, false);
  if (result.proven_optimal) solution.status = SolveStatus::Optimal;
  solution.seconds = seconds_since(start);
  return solution;
}

PlanSolution solve_lscp(const PlanInstance& instance, double radius, const ExactOptions& options) {
  const auto start = Clock::now();
  instance.validate();
  PlanSolution solution;
  if (!(radius >= 0.0))
    throw Error(ErrorCode::InvalidInput, "the covering radius must be ≥ 0", "set `radius` ≥ 0");
  const std::size_t missing = uncoverable(instance, radius);
  if (missing > 0) {
    solution.status = SolveStatus::Infeasible;
    solution.message = fmt::format("{} clients have no candidate site within radius {}", missing, radius);
    solution.unserved_clients = missing;
    return solution;
  }
  // With opening costs: the cheapest cover (weighted set cover); a budget caps its cost.
  const bool by_cost = !instance.site_cost.empty();
  if (options.budget || by_cost) {
    (void)check_site_budget(instance, 0, options.budget.value_or(0.0));  // validates budget and costs
  }
  const bool capacitated = !instance.site_capacity.empty();
  if (capacitated) check_capacities(instance);
  const CapacitatedCover cover = capacitated ? capacitated_cover(instance, radius, options.time_limit_seconds,
                                                                 options, by_cost, std::nullopt, false)
                                             : CapacitatedCover{};
  const detail::MipResult result = capacitated ? cover.mip
                                               : min_cover(instance, radius, options.time_limit_seconds,
                                                           std::nullopt, options.budget, by_cost);
  if (!result.has_solution) {
    solution.status = result.proven_infeasible ? SolveStatus::Infeasible : SolveStatus::GapNotClosed;
    solution.message = result.proven_infeasible
                           ? fmt::format("no cover within radius {} fits the {} (CBC proved it)", radius,
                                         capacitated ? "capacities (and budget)" : "budget")
                           : "CBC found no cover in the time limit";
    solution.seconds = seconds_since(start);
    return solution;
  }
  if (capacitated) {
    take_cover(instance, cover, solution);
  } else {
    solution.open = open_from(result, instance.candidate_count());
    fill_assignment(instance, solution);
  }
  solution.objective =
      by_cost ? new_site_spend(instance, solution.open) : static_cast<double>(solution.open.size());
  solution.lower_bound =
      by_cost ? std::min(result.bound, solution.objective) : std::ceil(result.bound - 1e-6);
  set_gap_status(solution, options.target_gap, !by_cost);
  if (result.proven_optimal) solution.status = SolveStatus::Optimal;
  solution.seconds = seconds_since(start);
  return solution;
}

namespace {

// p-center with capacities: binary search over the sorted distinct costs, each radius checked by the
// capacitated cover MIP with at most p new sites (exactly p under a budget). The objective is the
// largest cost of a client–site pair that carries demand.
PlanSolution pcenter_capacitated(const PlanInstance& instance, std::size_t p, const ExactOptions& options,
                                 Clock::time_point start, ProgressSink& progress) {
  check_capacities(instance);
  PlanSolution solution;
  double lower = 0.0;
  for (std::size_t i = 0; i < instance.client_count(); ++i) {
    if (instance.demand[i] <= 0.0) continue;
    const auto row = instance.cost.row(i);
    lower = std::max(lower, static_cast<double>(*std::min_element(row.begin(), row.end())));
  }
  std::vector<float> radii;
  for (const float c : instance.cost.values) {
    if (c != kUnreachable && c >= lower) radii.push_back(c);
  }
  std::sort(radii.begin(), radii.end());
  radii.erase(std::unique(radii.begin(), radii.end()), radii.end());
  const bool exactly = options.budget.has_value();
  const auto check = [&](double radius) {
    const double left = std::max(0.5, options.time_limit_seconds - seconds_since(start));
    return capacitated_cover(instance, radius, left, options, false, p, exactly);
  };
  CapacitatedCover best = check(radii.back());
  if (!best.mip.has_solution) {
    solution.status = best.mip.proven_infeasible ? SolveStatus::Infeasible : SolveStatus::GapNotClosed;
    solution.message = best.mip.proven_infeasible
                           ? fmt::format("no {} new sites can serve the demand within their capacities{}", p,
                                         exactly ? " and the budget" : "")
                           : "CBC found no plan in the time limit";
    solution.seconds = seconds_since(start);
    return solution;
  }
  std::size_t lo = 0;
  std::size_t hi = radii.size() - 1;
  std::size_t proven_lo = 0;
  bool timed_out = false;
  ProgressTask task(progress, "capacitated p-center", 64);
  while (lo < hi && !task.stopped()) {
    const std::size_t mid = lo + (hi - lo) / 2;
    ++solution.iterations;
    task.tick();
    CapacitatedCover cover = check(radii[mid]);
    if (cover.mip.has_solution) {
      hi = mid;
      best = std::move(cover);
    } else {
      lo = mid + 1;
      if (cover.mip.proven_infeasible || cover.mip.proven_optimal) {
        proven_lo = std::max(proven_lo, mid + 1);  // infeasibility is monotone in the radius
      } else {
        timed_out = true;
      }
    }
  }
  task.throw_if_stopped();
  take_cover(instance, best, solution);
  double radius = 0.0;
  for (std::size_t c = 0; c < best.pair_of_column.size(); ++c) {
    if (best.mip.solution[instance.candidate_count() + c] <= 1e-9) continue;
    const auto [i, j] = best.pair_of_column[c];
    radius = std::max(radius, static_cast<double>(instance.cost.at(i, j)));
  }
  solution.objective = radius;
  solution.lower_bound = std::min(radius, timed_out ? static_cast<double>(radii[proven_lo]) : radius);
  set_gap_status(solution, options.target_gap, false);
  if (timed_out)
    solution.message = "the time limit stopped the radius search; the bound is the last proven radius";
  solution.seconds = seconds_since(start);
  return solution;
}

}  // namespace

PlanSolution solve_pcenter(const PlanInstance& instance, std::size_t p, const ExactOptions& options,
                           ProgressSink& progress) {
  const auto start = Clock::now();
  instance.validate();
  PlanSolution solution;
  if (p_too_large(instance, p, solution)) return solution;
  const std::vector<std::uint32_t> fixed = unique_fixed(instance);
  const std::size_t sites = p + fixed.size();
  if (sites == 0) {
    solution.status = SolveStatus::Infeasible;
    solution.message = "no site to open: p = 0 and no existing sites";
    return solution;
  }
  if (!budget_allows(instance, p, options, solution)) return solution;
  const std::size_t missing = uncoverable(instance, std::numeric_limits<double>::infinity());
  if (missing > 0) {
    solution.status = SolveStatus::Infeasible;
    solution.message = fmt::format("{} clients with demand cannot reach any candidate site", missing);
    solution.unserved_clients = missing;
    return solution;
  }
  if (!instance.site_capacity.empty()) return pcenter_capacitated(instance, p, options, start, progress);
  const std::size_t m = instance.candidate_count();
  const std::vector<std::uint8_t> is_fixed = fixed_mask(m, fixed);
  // Under a budget a cover is usable when it can be completed to p new sites within the budget: its
  // spend plus the cheapest unopened free sites. More sites never raise the radius.
  std::vector<std::uint32_t> free_by_cost;
  for (std::uint32_t j = 0; j < m; ++j) {
    if (is_fixed[j] == 0U) free_by_cost.push_back(j);
  }
  if (options.budget) {
    std::stable_sort(free_by_cost.begin(), free_by_cost.end(), [&](std::uint32_t a, std::uint32_t b) {
      return instance.site_cost[a] < instance.site_cost[b];
    });
  }
  const auto completion = [&](const std::vector<std::uint32_t>& cover) {
    std::vector<std::uint8_t> is_open(m, 0);
    std::size_t new_count = 0;
    for (const std::uint32_t j : cover) {
      is_open[j] = 1;
      new_count += is_fixed[j] == 0U ? 1U : 0U;
    }
    std::vector<std::uint32_t> added;
    for (const std::uint32_t j : free_by_cost) {
      if (new_count + added.size() >= p) break;
      if (is_open[j] == 0U) added.push_back(j);
    }
    return added;
  };
  const auto affordable = [&](const std::vector<std::uint32_t>& cover) {
    if (!options.budget) return true;
    std::vector<std::uint32_t> full = cover;
    const std::vector<std::uint32_t> added = completion(cover);
    full.insert(full.end(), added.begin(), added.end());
    return new_site_spend(instance, full) <= *options.budget * (1.0 + 1e-12);
  };
  // Exact feasibility of a radius: a cover with at most p new sites (budget: exactly p, within it).
  const auto cover_mip = [&](double radius, double seconds) {
    if (options.budget) return min_cover(instance, radius, seconds, std::nullopt, options.budget, false, p);
    return min_cover(instance, radius, seconds, static_cast<double>(sites) + 0.5);
  };
  // Radii worth testing: distinct finite costs from (a) the largest nearest-candidate cost up to (b) the
  // radius of a p-median plan (a feasible p-center plan).
  double lower = 0.0;
  for (std::size_t i = 0; i < instance.client_count(); ++i) {
    if (instance.demand[i] <= 0.0) continue;
    const auto row = instance.cost.row(i);
    lower = std::max(lower, static_cast<double>(*std::min_element(row.begin(), row.end())));
  }
  PMedianOptions heuristic;
  heuristic.p = p;
  heuristic.lower_bound = false;
  heuristic.starts = 2;
  heuristic.vns_stall = 50;
  heuristic.time_limit_seconds = std::max(0.1, options.time_limit_seconds * 0.1);
  PlanInstance unit = instance;  // the p-median on unit demand spreads sites, a good p-center start
  for (double& w : unit.demand) w = w > 0.0 ? 1.0 : 0.0;
  const PlanSolution start_plan = options.budget
                                      ? solve_pmedian_budget(unit, heuristic, *options.budget, progress)
                                      : solve_pmedian(unit, heuristic, progress);
  std::vector<std::uint32_t> best_open = start_plan.open;
  double upper = evaluate_plan(instance, best_open).max_cost;
  if (start_plan.unserved_clients > 0 || start_plan.open.empty()) {
    // Disconnected: p sites must at least touch every component; check with the largest finite radius.
    float largest = 0.0F;
    for (const float c : instance.cost.values) largest = c != kUnreachable ? std::max(largest, c) : largest;
    const detail::MipResult cover = cover_mip(largest, options.time_limit_seconds);
    const bool enough =
        cover.has_solution && (options.budget || cover.objective <= static_cast<double>(sites) + 1e-6);
    if (!enough) {
      solution.status = SolveStatus::Infeasible;
      solution.message =
          options.budget
              ? fmt::format("no {} sites within the budget {} reach every client", sites, *options.budget)
              : fmt::format(
                    "the instance is disconnected: {} sites cannot reach every client (at least {} "
                    "are needed)",
                    sites, cover.has_solution ? cover.objective : cover.bound);
      solution.open = start_plan.open;
      fill_assignment(instance, solution);
      solution.seconds = seconds_since(start);
      return solution;
    }
    best_open = open_from(cover, m);
    upper = largest;
  }
  std::vector<float> radii;
  for (const float c : instance.cost.values) {
    if (c != kUnreachable && c >= lower && c <= upper) radii.push_back(c);
  }
  std::sort(radii.begin(), radii.end());
  radii.erase(std::unique(radii.begin(), radii.end()), radii.end());
  // Invariant: radii[hi] is feasible (best_open achieves it); every radius below radii[lo] is infeasible
  // (proven_lo tracks the part that was proven, not just assumed after a time-out).
  std::size_t lo = 0;
  std::size_t hi = radii.size() - 1;
  std::size_t proven_lo = 0;
  bool timed_out = false;
  ProgressTask task(progress, "p-center", 64);
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    const double radius = radii[mid];
    ++solution.iterations;
    task.tick();
    std::vector<std::uint32_t> cover = greedy_cover(instance, radius, sites);
    bool feasible = !cover.empty() && cover.size() <= sites && affordable(cover);
    bool proven_infeasible = false;
    if (!feasible) {
      const double remaining = options.time_limit_seconds - seconds_since(start);
      if (remaining <= 0.0) {
        timed_out = true;
        break;
      }
      const detail::MipResult result = cover_mip(radius, remaining);
      if (result.has_solution && (options.budget || result.objective <= static_cast<double>(sites) + 1e-6)) {
        feasible = true;
        cover = open_from(result, m);
      } else if (result.proven_optimal || result.proven_infeasible ||
                 (!options.budget && result.bound > static_cast<double>(sites) + 1e-6)) {
        proven_infeasible = true;
      } else {
        timed_out = true;
      }
    }
    if (feasible) {
      hi = mid;
      best_open = cover;
    } else {
      lo = mid + 1;
      // Infeasibility is monotone in the radius: a proven radius proves all below it.
      if (proven_infeasible) proven_lo = std::max(proven_lo, mid + 1);
    }
    if (task.stopped()) break;
  }
  task.throw_if_stopped();
  // Fill up to p new sites (more sites never raise the radius): the p-median plan's sites, or under a
  // budget the cheapest ones (the completion that `affordable` checked).
  std::vector<std::uint8_t> is_open(m, 0);
  for (const std::uint32_t j : best_open) is_open[j] = 1;
  if (options.budget) {
    const std::vector<std::uint32_t> added = completion(best_open);
    best_open.insert(best_open.end(), added.begin(), added.end());
  }
  for (const std::uint32_t j : start_plan.open) {
    if (best_open.size() >= sites || options.budget) break;
    if (is_open[j] == 0U) {
      best_open.push_back(j);
      is_open[j] = 1;
    }
  }
  solution.open = best_open;
  fill_assignment(instance, solution);
  solution.objective = evaluate_plan(instance, solution.open).max_cost;
  solution.lower_bound = timed_out ? static_cast<double>(radii[proven_lo]) : solution.objective;
  solution.lower_bound = std::min(*solution.lower_bound, solution.objective);
  set_gap_status(solution, options.target_gap, false);
  if (timed_out)
    solution.message = "the time limit stopped the radius search; the bound is the last proven radius";
  solution.seconds = seconds_since(start);
  return solution;
}

PlanSolution solve_mclp(const PlanInstance& instance, std::size_t p, double radius,
                        const ExactOptions& options) {
  const auto start = Clock::now();
  instance.validate();
  PlanSolution solution;
  solution.maximize = true;
  if (p_too_large(instance, p, solution)) return solution;
  if (!(radius >= 0.0))
    throw Error(ErrorCode::InvalidInput, "the covering radius must be ≥ 0", "set `radius` ≥ 0");
  const std::vector<std::uint32_t> fixed = unique_fixed(instance);
  const std::size_t n = instance.client_count();
  const std::size_t m = instance.candidate_count();
  // Church & ReVelle (1974): max Σ w_i z_i, z_i ≤ Σ_{j covers i} y_j, Σ y_j = p + |existing|.
  detail::MipModel model;
  std::vector<int> cover_row(n, -1);
  for (std::size_t i = 0; i < n; ++i) {
    if (instance.demand[i] > 0.0) cover_row[i] = model.add_row(-1e30, 0.0);
  }
  const auto total_sites = static_cast<double>(p + fixed.size());
  const int count_row = model.add_row(total_sites, total_sites);
  if (!budget_allows(instance, p, options, solution)) return solution;
  const int budget_row = options.budget ? model.add_row(-1e30, *options.budget) : -1;
  const std::vector<std::uint8_t> is_fixed = fixed_mask(m, fixed);
  // With capacities (Current & Storbeck 1988; Pirkul & Schilling 1991): x_ij ≤ 1 covers client i from a
  // site within the radius, Σ_j x_ij ≤ 1, Σ_i d_i x_ij ≤ cap_j y_j; the cover rows then bound Σ_j x_ij.
  const bool capacitated = !instance.site_capacity.empty();
  if (capacitated) check_capacities(instance);
  std::vector<int> capacity_row(capacitated ? m : 0);
  for (int& row : capacity_row) row = model.add_row(-1e30, 0.0);
  std::vector<std::pair<int, double>> entries;
  for (std::size_t j = 0; j < m; ++j) {
    entries.clear();
    entries.emplace_back(count_row, 1.0);
    detail::add_budget_entry(instance, budget_row, j, is_fixed[j] != 0U, entries);
    if (capacitated) {
      entries.emplace_back(capacity_row[j], -instance.site_capacity[j]);
    } else {
      for (std::size_t i = 0; i < n; ++i) {
        if (cover_row[i] >= 0 && instance.cost.at(i, j) <= radius) entries.emplace_back(cover_row[i], -1.0);
      }
    }
    model.add_column(0.0, is_fixed[j] != 0U ? 1.0 : 0.0, 1.0, true, entries);
  }
  std::vector<std::pair<std::size_t, std::uint32_t>> pair_of_column;  // capacitated: x columns after y
  for (std::size_t i = 0; i < n; ++i) {
    if (cover_row[i] < 0) continue;
    if (!capacitated) {
      model.add_column(-instance.demand[i], 0.0, 1.0, false, {{cover_row[i], 1.0}});
      continue;
    }
    model.row_upper[static_cast<std::size_t>(cover_row[i])] = 1.0;  // Σ_j x_ij ≤ 1
    for (std::size_t j = 0; j < m; ++j) {
      if (instance.cost.at(i, j) > radius) continue;
      model.add_column(-instance.demand[i], 0.0, 1.0, options.single_source,
                       {{cover_row[i], 1.0}, {capacity_row[j], instance.demand[i]}});
      pair_of_column.emplace_back(i, static_cast<std::uint32_t>(j));
    }
  }
  const detail::MipResult result =
      detail::solve_mip(model, options.time_limit_seconds, std::nullopt, options.stop);
  if (!result.has_solution && result.proven_infeasible) {
    solution.status = SolveStatus::Infeasible;
    solution.message = "CBC proved the model infeasible";
    return solution;
  }
  if (!result.has_solution) {
    solution.status = SolveStatus::GapNotClosed;
    solution.message = "CBC found no plan in the time limit";
    return solution;
  }
  solution.open = open_from(result, m);
  fill_assignment(instance, solution);
  double covered = 0.0;
  if (capacitated) {
    // Costs stay nearest-site; coverage is the MIP's covered share of each client.
    solution.covered_share.assign(n, 0.0F);
    for (std::size_t c = 0; c < pair_of_column.size(); ++c) {
      const auto [i, j] = pair_of_column[c];
      const double x = result.solution[m + c];
      solution.covered_share[i] += static_cast<float>(x);
      covered += instance.demand[i] * x;
    }
  } else {
    for (std::size_t i = 0; i < n; ++i) {
      if (solution.assignment[i] != kNoSite && instance.cost.at(i, solution.assignment[i]) <= radius) {
        covered += instance.demand[i];
      }
    }
  }
  solution.objective = covered;
  solution.lower_bound = std::max(covered, -result.bound);  // an upper bound on the covered demand
  set_gap_status(solution, options.target_gap, false);
  if (result.proven_optimal) solution.status = SolveStatus::Optimal;
  solution.seconds = seconds_since(start);
  return solution;
}

}  // namespace equalis::plan
