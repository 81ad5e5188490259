#include "plan/covering.hpp"

#include "core/error.hpp"
#include "plan/mip.hpp"
#include "plan/pmedian.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>

namespace equalis::plan {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

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

// min Σ y_j s.t. every client with demand has an open site within radius; existing sites fixed open.
detail::MipResult min_cover(const PlanInstance& instance, double radius, double time_limit,
                            std::optional<double> cutoff) {
  detail::MipModel model;
  const std::size_t n = instance.client_count();
  const std::size_t m = instance.candidate_count();
  std::vector<int> row_of(n, -1);
  for (std::size_t i = 0; i < n; ++i) {
    if (instance.demand[i] > 0.0) row_of[i] = model.add_row(1.0, 1e30);
  }
  std::vector<std::uint8_t> fixed(m, 0);
  for (const std::uint32_t j : instance.fixed_open) fixed[j] = 1;
  std::vector<std::pair<int, double>> entries;
  for (std::size_t j = 0; j < m; ++j) {
    entries.clear();
    for (std::size_t i = 0; i < n; ++i) {
      if (row_of[i] >= 0 && instance.cost.at(i, j) <= radius) entries.emplace_back(row_of[i], 1.0);
    }
    model.add_column(1.0, fixed[j] != 0U ? 1.0 : 0.0, 1.0, true, entries);
  }
  return detail::solve_mip(model, time_limit, cutoff);
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
  std::vector<int> link_row(n * m, -1);
  for (std::size_t i = 0; i < n; ++i) {
    if (assign_row[i] < 0) continue;
    for (std::size_t j = 0; j < m; ++j) {
      if (instance.cost.at(i, j) != kUnreachable) link_row[i * m + j] = model.add_row(-1e30, 0.0);
    }
  }
  std::vector<std::uint8_t> is_fixed(m, 0);
  for (const std::uint32_t j : fixed) is_fixed[j] = 1;
  std::vector<std::pair<int, double>> entries;
  for (std::size_t j = 0; j < m; ++j) {
    entries.clear();
    entries.emplace_back(count_row, 1.0);
    for (std::size_t i = 0; i < n; ++i) {
      if (link_row[i * m + j] >= 0) entries.emplace_back(link_row[i * m + j], -1.0);
    }
    model.add_column(0.0, is_fixed[j] != 0U ? 1.0 : 0.0, 1.0, true, entries);
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (assign_row[i] < 0) continue;
    for (std::size_t j = 0; j < m; ++j) {
      if (link_row[i * m + j] < 0) continue;
      model.add_column(instance.demand[i] * instance.cost.at(i, j), 0.0, 1.0, false,
                       {{assign_row[i], 1.0}, {link_row[i * m + j], 1.0}});
    }
  }
  const detail::MipResult result = detail::solve_mip(model, options.time_limit_seconds);
  solution.iterations = 1;
  if (!result.has_solution) {
    solution.status = result.proven_infeasible ? SolveStatus::Infeasible : SolveStatus::GapNotClosed;
    solution.message =
        result.proven_infeasible ? "CBC proved the model infeasible" : "CBC found no plan in the time limit";
    solution.seconds = seconds_since(start);
    return solution;
  }
  solution.open = open_from(result, m);
  fill_assignment(instance, solution);
  solution.objective = evaluate_plan(instance, solution.open).total_cost;
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
    throw Error(ErrorCode::InvalidInput, "the covering radius must be ≥ 0", "give --radius ≥ 0");
  const std::size_t missing = uncoverable(instance, radius);
  if (missing > 0) {
    solution.status = SolveStatus::Infeasible;
    solution.message = fmt::format("{} clients have no candidate site within radius {}", missing, radius);
    solution.unserved_clients = missing;
    return solution;
  }
  const detail::MipResult result = min_cover(instance, radius, options.time_limit_seconds, std::nullopt);
  if (!result.has_solution) {
    solution.status = SolveStatus::GapNotClosed;
    solution.message = "CBC found no cover in the time limit";
    return solution;
  }
  solution.open = open_from(result, instance.candidate_count());
  fill_assignment(instance, solution);
  solution.objective = static_cast<double>(solution.open.size());
  solution.lower_bound = std::ceil(result.bound - 1e-6);
  set_gap_status(solution, options.target_gap, true);
  if (result.proven_optimal) solution.status = SolveStatus::Optimal;
  solution.seconds = seconds_since(start);
  return solution;
}

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
  const std::size_t missing = uncoverable(instance, std::numeric_limits<double>::infinity());
  if (missing > 0) {
    solution.status = SolveStatus::Infeasible;
    solution.message = fmt::format("{} clients with demand cannot reach any candidate site", missing);
    solution.unserved_clients = missing;
    return solution;
  }
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
  const PlanSolution start_plan = solve_pmedian(unit, heuristic, progress);
  std::vector<std::uint32_t> best_open = start_plan.open;
  double upper = evaluate_plan(instance, best_open).max_cost;
  if (start_plan.unserved_clients > 0) {
    // Disconnected: p sites must at least touch every component; check with the largest finite radius.
    float largest = 0.0F;
    for (const float c : instance.cost.values) largest = c != kUnreachable ? std::max(largest, c) : largest;
    const detail::MipResult cover = min_cover(instance, largest, options.time_limit_seconds, std::nullopt);
    if (!cover.has_solution || cover.objective > static_cast<double>(sites) + 1e-6) {
      solution.status = SolveStatus::Infeasible;
      solution.message = fmt::format(
          "the instance is disconnected: {} sites cannot reach every client (at least {} are needed)", sites,
          cover.has_solution ? cover.objective : cover.bound);
      solution.open = start_plan.open;
      fill_assignment(instance, solution);
      solution.seconds = seconds_since(start);
      return solution;
    }
    best_open = open_from(cover, instance.candidate_count());
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
    bool feasible = !cover.empty() && cover.size() <= sites;
    bool proven_infeasible = false;
    if (!feasible) {
      const double remaining = options.time_limit_seconds - seconds_since(start);
      if (remaining <= 0.0) {
        timed_out = true;
        break;
      }
      const detail::MipResult result =
          min_cover(instance, radius, remaining, static_cast<double>(sites) + 0.5);
      if (result.has_solution && result.objective <= static_cast<double>(sites) + 1e-6) {
        feasible = true;
        cover = open_from(result, instance.candidate_count());
      } else if (result.proven_optimal || result.proven_infeasible ||
                 result.bound > static_cast<double>(sites) + 1e-6) {
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
      if (proven_infeasible && proven_lo == mid) proven_lo = mid + 1;
      if (proven_infeasible && !timed_out) proven_lo = std::max(proven_lo, mid + 1);
    }
    if (task.stopped()) break;
  }
  task.throw_if_stopped();
  // Fill up to p new sites (more sites never raise the radius): cheapest p-median additions.
  std::vector<std::uint8_t> is_open(instance.candidate_count(), 0);
  for (const std::uint32_t j : best_open) is_open[j] = 1;
  for (const std::uint32_t j : start_plan.open) {
    if (best_open.size() >= sites) break;
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
    throw Error(ErrorCode::InvalidInput, "the covering radius must be ≥ 0", "give --radius ≥ 0");
  const std::vector<std::uint32_t> fixed = unique_fixed(instance);
  const std::size_t n = instance.client_count();
  const std::size_t m = instance.candidate_count();
  // Church & ReVelle (1974): max Σ w_i z_i, z_i ≤ Σ_{j covers i} y_j, Σ y_j = p + |existing|.
  detail::MipModel model;
  std::vector<int> cover_row(n, -1);
  for (std::size_t i = 0; i < n; ++i) {
    if (instance.demand[i] > 0.0) cover_row[i] = model.add_row(-1e30, 0.0);
  }
  const double total_sites = static_cast<double>(p + fixed.size());
  const int count_row = model.add_row(total_sites, total_sites);
  std::vector<std::uint8_t> is_fixed(m, 0);
  for (const std::uint32_t j : fixed) is_fixed[j] = 1;
  std::vector<std::pair<int, double>> entries;
  for (std::size_t j = 0; j < m; ++j) {
    entries.clear();
    entries.emplace_back(count_row, 1.0);
    for (std::size_t i = 0; i < n; ++i) {
      if (cover_row[i] >= 0 && instance.cost.at(i, j) <= radius) entries.emplace_back(cover_row[i], -1.0);
    }
    model.add_column(0.0, is_fixed[j] != 0U ? 1.0 : 0.0, 1.0, true, entries);
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (cover_row[i] >= 0) model.add_column(-instance.demand[i], 0.0, 1.0, false, {{cover_row[i], 1.0}});
  }
  const detail::MipResult result = detail::solve_mip(model, options.time_limit_seconds);
  if (!result.has_solution) {
    solution.status = SolveStatus::GapNotClosed;
    solution.message = "CBC found no plan in the time limit";
    return solution;
  }
  solution.open = open_from(result, m);
  fill_assignment(instance, solution);
  double covered = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    if (solution.assignment[i] != kNoSite && instance.cost.at(i, solution.assignment[i]) <= radius) {
      covered += instance.demand[i];
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
