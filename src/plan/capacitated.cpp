#include "plan/capacitated.hpp"

#include "core/error.hpp"
#include "core/random.hpp"
#include "core/stopwatch.hpp"
#include "plan/detail/mip.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>
#include <optional>
#include <utility>
#include <vector>

namespace equalis::plan {

namespace {

using Clock = std::chrono::steady_clock;
constexpr double kInf = std::numeric_limits<double>::infinity();
// Largest clients × open sites whose final assignment CBC re-solves (a transportation LP of this size
// takes CLP well under a second).
constexpr std::size_t kExactAssignmentPairs = 200000;

// One client's share of one site.
struct Share {
  std::uint32_t site;
  double fraction;
};

struct Assignment {
  double cost = kInf;                      // Σ d c x
  std::vector<std::vector<Share>> shares;  // per active client
};

struct Capacitated {
  const PlanInstance& instance;
  std::vector<std::size_t> client;  // active clients (demand > 0)
  std::vector<double> demand;
  double total_demand = 0.0;
  std::vector<std::uint8_t> is_fixed;
  std::vector<std::uint32_t> fixed;
  std::size_t p = 0;
  bool single_source = false;

  [[nodiscard]] float cost(std::size_t k, std::uint32_t j) const { return instance.cost.at(client[k], j); }
  [[nodiscard]] double capacity(std::uint32_t j) const { return instance.site_capacity[j]; }

  // Assigns the active clients to `sites` within their capacities (see the header); nullopt when the
  // greedy leaves demand unplaced.
  [[nodiscard]] std::optional<Assignment> assign(const std::vector<std::uint32_t>& sites) const {
    const std::size_t n = client.size();
    const std::size_t s = sites.size();
    double total_capacity = 0.0;
    for (const std::uint32_t j : sites) total_capacity += capacity(j);
    if (total_capacity < total_demand * (1.0 - 1e-12)) return std::nullopt;
    // Price ascent on the transportation dual: v_j grows while site j is over capacity.
    double scale = 0.0;
    std::size_t reachable_pairs = 0;
    for (std::size_t k = 0; k < n; ++k) {
      for (const std::uint32_t j : sites) {
        const float c = cost(k, j);
        if (c != kUnreachable) {
          scale += c;
          ++reachable_pairs;
        }
      }
    }
    scale = reachable_pairs > 0 ? scale / static_cast<double>(reachable_pairs) : 1.0;
    std::vector<double> price(s, 0.0), load(s);
    for (int round = 0; round < 80; ++round) {
      std::fill(load.begin(), load.end(), 0.0);
      for (std::size_t k = 0; k < n; ++k) {
        std::size_t best = s;
        double best_value = kInf;
        for (std::size_t q = 0; q < s; ++q) {
          const float c = cost(k, sites[q]);
          if (c != kUnreachable && c + price[q] < best_value) {
            best_value = c + price[q];
            best = q;
          }
        }
        if (best == s) return std::nullopt;  // a client reaches none of the sites
        load[best] += demand[k];
      }
      bool over = false;
      const double step = scale * 0.5 / std::sqrt(1.0 + round);
      for (std::size_t q = 0; q < s; ++q) {
        const double cap = std::max(capacity(sites[q]), 1e-12);
        over = over || load[q] > cap * (1.0 + 1e-12);
        price[q] = std::max(0.0, price[q] + step * std::clamp((load[q] - cap) / cap, -1.0, 1.0));
      }
      if (!over) break;
    }
    // Regret greedy under the prices: clients that lose most by missing their best site go first.
    std::vector<std::vector<std::uint32_t>> order(n);
    std::vector<double> regret(n, 0.0);
    for (std::size_t k = 0; k < n; ++k) {
      auto& sorted = order[k];
      for (std::uint32_t q = 0; q < s; ++q) {
        if (cost(k, sites[q]) != kUnreachable) sorted.push_back(q);
      }
      std::sort(sorted.begin(), sorted.end(), [&](std::uint32_t a, std::uint32_t b) {
        const double va = cost(k, sites[a]) + price[a], vb = cost(k, sites[b]) + price[b];
        return va < vb || (va == vb && a < b);
      });
      regret[k] = sorted.size() > 1 ? cost(k, sites[sorted[1]]) + price[sorted[1]] -
                                          (cost(k, sites[sorted[0]]) + price[sorted[0]])
                                    : kInf;
    }
    std::vector<std::size_t> by_regret(n);
    std::iota(by_regret.begin(), by_regret.end(), std::size_t{0});
    std::stable_sort(by_regret.begin(), by_regret.end(),
                     [&](std::size_t a, std::size_t b) { return regret[a] > regret[b]; });
    std::vector<double> room(s);
    for (std::size_t q = 0; q < s; ++q) room[q] = capacity(sites[q]);
    Assignment result;
    result.cost = 0.0;
    result.shares.resize(n);
    for (const std::size_t k : by_regret) {
      double left = demand[k];
      for (const std::uint32_t q : order[k]) {
        if (left <= 0.0) break;
        const double take =
            single_source ? (room[q] >= left * (1.0 - 1e-12) ? left : 0.0) : std::min(room[q], left);
        if (take <= 0.0) continue;
        room[q] -= take;
        left -= take;
        result.shares[k].push_back({sites[q], take / demand[k]});
        result.cost += take * cost(k, sites[q]);
      }
      if (left > demand[k] * 1e-9) return std::nullopt;
    }
    return result;
  }
};

// The best split assignment to fixed `sites`: the transportation LP by CLP (through CBC), within
// `seconds`; nullopt when none is found in time.
std::optional<Assignment> exact_assignment(const Capacitated& c, const std::vector<std::uint32_t>& sites,
                                           double seconds) {
  detail::MipModel model;
  const std::size_t n = c.client.size();
  std::vector<int> assign_row(n), capacity_row(sites.size());
  for (std::size_t k = 0; k < n; ++k) assign_row[k] = model.add_row(1.0, 1.0);
  for (std::size_t q = 0; q < sites.size(); ++q) capacity_row[q] = model.add_row(-1e30, c.capacity(sites[q]));
  std::vector<std::pair<std::size_t, std::uint32_t>> column_of;
  for (std::size_t k = 0; k < n; ++k) {
    for (std::size_t q = 0; q < sites.size(); ++q) {
      const float cost = c.cost(k, sites[q]);
      if (cost == kUnreachable) continue;
      model.add_column(c.demand[k] * cost, 0.0, 1.0, false,
                       {{assign_row[k], 1.0}, {capacity_row[q], c.demand[k]}});
      column_of.emplace_back(k, sites[q]);
    }
  }
  const detail::MipResult result = detail::solve_mip(model, seconds);
  if (!result.has_solution) return std::nullopt;
  Assignment assignment;
  assignment.cost = 0.0;
  assignment.shares.resize(n);
  for (std::size_t col = 0; col < column_of.size(); ++col) {
    const double x = result.solution[col];
    if (x <= 1e-9) continue;
    const auto [k, site] = column_of[col];
    assignment.shares[k].push_back({site, x});
    assignment.cost += c.demand[k] * x * c.cost(k, site);
  }
  return assignment;
}

// Lagrangian bound with continuous per-site knapsacks (see the header).
class KnapsackBound {
 public:
  explicit KnapsackBound(const Capacitated& c)
      : c_(c),
        u_(c.client.size()),
        g_(c.client.size()),
        rho_(c.instance.candidate_count()),
        bucket_(c.instance.candidate_count()) {}

  void init(const Assignment& plan) {
    for (std::size_t k = 0; k < c_.client.size(); ++k) {
      double cost = 0.0;
      for (const Share& share : plan.shares[k]) cost += share.fraction * c_.cost(k, share.site);
      u_[k] = c_.demand[k] * cost;
    }
  }

  // L(u) at the current multipliers; fills the relaxed open set and the subgradient.
  double evaluate(std::vector<std::uint32_t>& open) {
    const std::size_t m = c_.instance.candidate_count();
    for (auto& bucket : bucket_) bucket.clear();
    double value = 0.0;
    for (std::size_t k = 0; k < c_.client.size(); ++k) {
      value += u_[k];
      const double per_unit = u_[k] / c_.demand[k];
      const auto row = c_.instance.cost.row(c_.client[k]);
      for (std::size_t j = 0; j < m; ++j) {
        if (row[j] != kUnreachable && row[j] < per_unit) {
          bucket_[j].push_back({row[j] - per_unit, static_cast<std::uint32_t>(k)});
        }
      }
    }
    for (std::size_t j = 0; j < m; ++j) {
      auto& items = bucket_[j];
      std::sort(items.begin(), items.end());  // most negative reduced cost per unit of demand first
      double room = c_.capacity(static_cast<std::uint32_t>(j));
      double rho = 0.0;
      for (const auto& [per_unit, k] : items) {
        if (room <= 0.0) break;
        const double take = std::min(room, c_.demand[k]);
        rho += per_unit * take;
        room -= take;
      }
      rho_[j] = rho;
    }
    open = c_.fixed;
    std::vector<std::uint32_t> free;
    for (std::uint32_t j = 0; j < m; ++j) {
      if (c_.is_fixed[j] == 0U) free.push_back(j);
    }
    const auto count = static_cast<std::ptrdiff_t>(c_.p);
    std::nth_element(free.begin(), free.begin() + count, free.end(), [&](std::uint32_t a, std::uint32_t b) {
      return rho_[a] < rho_[b] || (rho_[a] == rho_[b] && a < b);
    });
    open.insert(open.end(), free.begin(), free.begin() + count);
    for (const std::uint32_t j : open) value += rho_[j];
    // Subgradient: 1 − (the client's total share in the chosen knapsacks).
    std::fill(g_.begin(), g_.end(), 1.0);
    for (const std::uint32_t j : open) {
      double room = c_.capacity(j);
      for (const auto& [per_unit, k] : bucket_[j]) {
        if (room <= 0.0) break;
        const double take = std::min(room, c_.demand[k]);
        g_[k] -= take / c_.demand[k];
        room -= take;
      }
    }
    return value;
  }

  // Moves u along the subgradient (Polyak step towards `upper`); false when it is zero.
  bool step(double value, double upper, double lambda) {
    double norm = 0.0;
    for (const double g : g_) norm += g * g;
    if (norm <= 1e-18) return false;
    const double t = lambda * std::max(upper - value, 1e-9 * std::abs(upper)) / norm;
    for (std::size_t k = 0; k < u_.size(); ++k) u_[k] = std::max(0.0, u_[k] + t * g_[k]);
    return true;
  }

 private:
  const Capacitated& c_;
  std::vector<double> u_, g_, rho_;
  std::vector<std::vector<std::pair<double, std::uint32_t>>> bucket_;
};

}  // namespace

PlanSolution solve_pmedian_capacitated(const PlanInstance& instance, const PMedianOptions& options,
                                       bool single_source, ProgressSink& progress) {
  const auto start = Clock::now();
  instance.validate();
  const std::size_t m = instance.candidate_count();
  if (instance.site_capacity.size() != m)
    throw Error(ErrorCode::InvalidInput, "a capacity is needed for every candidate site",
                "set `capacity`: a CSV with columns id, capacity");
  for (const double c : instance.site_capacity) {
    if (!(c >= 0.0) || !std::isfinite(c))
      throw Error(ErrorCode::InvalidInput, "site capacities must be finite and ≥ 0", "fix the capacity file");
  }
  Capacitated c{instance, {}, {}, 0.0, fixed_mask(m, instance.fixed_open), {}, options.p, single_source};
  for (std::uint32_t j = 0; j < m; ++j) {
    if (c.is_fixed[j] != 0U) c.fixed.push_back(j);
  }
  for (std::size_t i = 0; i < instance.client_count(); ++i) {
    if (instance.demand[i] <= 0.0) continue;
    c.client.push_back(i);
    c.demand.push_back(instance.demand[i]);
    c.total_demand += instance.demand[i];
  }
  PlanSolution solution;
  for (const std::size_t i : c.client) {
    const auto row = instance.cost.row(i);
    if (std::all_of(row.begin(), row.end(), [](float cost) { return cost == kUnreachable; })) {
      solution.status = SolveStatus::Infeasible;
      solution.message =
          fmt::format("client {} with demand reaches no candidate site", instance.client_label(i));
      return solution;
    }
  }
  if (options.p > m - c.fixed.size()) {
    solution.status = SolveStatus::Infeasible;
    solution.message = fmt::format("p = {} exceeds the {} candidate sites that are not already open",
                                   options.p, m - c.fixed.size());
    return solution;
  }
  // The largest possible total capacity: the existing sites and the p largest free ones.
  std::vector<double> free_capacity;
  double most = 0.0;
  for (std::uint32_t j = 0; j < m; ++j) {
    if (c.is_fixed[j] != 0U)
      most += c.capacity(j);
    else
      free_capacity.push_back(c.capacity(j));
  }
  std::sort(free_capacity.rbegin(), free_capacity.rend());
  for (std::size_t k = 0; k < options.p; ++k) most += free_capacity[k];
  if (most < c.total_demand * (1.0 - 1e-12)) {
    solution.status = SolveStatus::Infeasible;
    solution.message = fmt::format(
        "the demand {} exceeds {}, the capacity of the existing sites and the {} largest new ones",
        c.total_demand, most, options.p);
    return solution;
  }
  const auto out_of_time = [&] { return seconds_since(start) > options.time_limit_seconds; };
  ProgressTask task(progress, "capacitated p-median", 100);

  // Candidate plans: the uncapacitated p-median's sites first.
  std::vector<std::uint32_t> best_open;
  std::optional<Assignment> best;
  std::size_t tried = 0;
  const auto consider = [&](std::vector<std::uint32_t> sites) {
    std::sort(sites.begin(), sites.end());
    ++tried;
    std::optional<Assignment> assignment = c.assign(sites);
    if (assignment && (!best || assignment->cost < best->cost - 1e-9 * std::max(1.0, best->cost))) {
      best = std::move(assignment);
      best_open = std::move(sites);
    }
  };
  PMedianOptions uncapacitated = options;
  uncapacitated.lower_bound = false;
  uncapacitated.time_limit_seconds = std::max(0.1, options.time_limit_seconds * 0.2);
  PlanInstance plain = instance;
  plain.site_capacity.clear();
  const PlanSolution start_plan = solve_pmedian(plain, uncapacitated);
  if (!start_plan.open.empty()) consider(start_plan.open);
  task.tick(20);

  // Subgradient on the knapsack bound; its relaxed site sets are candidate plans (Lagrangian heuristic).
  double lower = -kInf;
  std::size_t iterations = 0;
  if (!c.client.empty()) {
    KnapsackBound bound(c);
    if (best) {
      bound.init(*best);
    } else {
      Assignment nearest;  // no feasible plan yet: start from the nearest candidate of every client
      nearest.shares.resize(c.client.size());
      for (std::size_t k = 0; k < c.client.size(); ++k) {
        const auto row = instance.cost.row(c.client[k]);
        const auto j = static_cast<std::uint32_t>(std::min_element(row.begin(), row.end()) - row.begin());
        nearest.shares[k].push_back({j, 1.0});
      }
      bound.init(nearest);
    }
    double lambda = 2.0;
    int stall = 0;
    std::vector<std::uint32_t> relaxed, last_tried;
    while (lambda > 1e-5 && !out_of_time() && iterations < 5000) {
      const double value = bound.evaluate(relaxed);
      ++iterations;
      if (value > lower + 1e-12 * std::abs(value)) {
        lower = value;
        stall = 0;
      } else if (++stall >= 20) {
        lambda *= 0.5;
        stall = 0;
      }
      const double upper = best ? best->cost : 2.0 * std::abs(value) + 1.0;
      const bool moved = bound.step(value, upper, lambda);
      // Every 10th relaxed site set (every one while no plan is known, and the last) is a candidate.
      if (!best || !moved || iterations % 10 == 1) {
        std::vector<std::uint32_t> sorted = relaxed;
        std::sort(sorted.begin(), sorted.end());
        if (sorted != last_tried) {
          last_tried = sorted;
          consider(sorted);
        }
      }
      if (!moved || (best && lower >= best->cost * (1.0 - 0.5 * options.target_gap))) break;
      if (iterations % 50 == 0 && !task.tick()) break;
    }
  }
  // Random 1–2-site swaps from the best plan (a small VNS, Hansen & Mladenović 1997), re-assigned each
  // time; stops after 100 tries without improvement or at the time limit.
  if (best && options.p > 0 && m > best_open.size()) {
    Rng rng(options.seed, 3);
    std::size_t stall = 0;
    while (stall < 100 && !out_of_time() && !(lower >= best->cost * (1.0 - 0.5 * options.target_gap))) {
      std::vector<std::uint32_t> sites = best_open;
      std::vector<std::uint8_t> open_mask(m, 0);
      for (const std::uint32_t j : sites) open_mask[j] = 1;
      const std::size_t swaps = 1 + stall % 2;
      for (std::size_t k = 0; k < swaps; ++k) {
        std::size_t slot = rng.uniform_index(sites.size());
        if (c.is_fixed[sites[slot]] != 0U) continue;
        std::uint32_t in = 0;
        do {
          in = static_cast<std::uint32_t>(rng.uniform_index(m));
        } while (open_mask[in] != 0U);
        open_mask[sites[slot]] = 0;
        open_mask[in] = 1;
        sites[slot] = in;
      }
      const double before = best->cost;
      consider(sites);
      stall = best->cost < before ? 0 : stall + 1;
      task.throw_if_stopped();
    }
  }
  // Split demand: the best plan's assignment re-solved exactly as a transportation LP when small enough
  // (the greedy's is a heuristic). Single source would be a generalized assignment MIP, which CBC did not
  // improve in 30 s on 2 000 clients × 20 sites: not attempted.
  const double left = options.time_limit_seconds - seconds_since(start);
  if (best && !single_source && c.client.size() * best_open.size() <= kExactAssignmentPairs && left > 0.0) {
    std::optional<Assignment> exact = exact_assignment(c, best_open, std::min(left, 30.0));
    if (exact && exact->cost < best->cost) best = std::move(exact);
  }
  task.throw_if_stopped();

  solution.iterations = iterations + tried;
  if (!best) {
    solution.status = SolveStatus::Infeasible;
    solution.message = fmt::format(
        "no plan found whose sites can hold the demand (tried {} site sets); the Lagrangian bound is {}",
        tried, lower);
    solution.seconds = seconds_since(start);
    return solution;
  }
  solution.open = best_open;
  const Evaluation nearest = evaluate_plan(instance, solution.open);
  solution.assignment = nearest.assignment;
  solution.assigned_cost = nearest.assigned_cost;  // zero-demand clients keep their nearest site
  for (std::size_t k = 0; k < c.client.size(); ++k) {
    const std::size_t i = c.client[k];
    double cost = 0.0, largest = -1.0;
    for (const Share& share : best->shares[k]) {
      cost += share.fraction * c.cost(k, share.site);
      if (share.fraction > largest) {
        largest = share.fraction;
        solution.assignment[i] = share.site;
      }
    }
    solution.assigned_cost[i] = static_cast<float>(cost);
  }
  solution.unserved_clients = 0;
  solution.objective = best->cost;
  if (std::isfinite(lower)) solution.lower_bound = std::min(lower, solution.objective);
  set_gap_status(solution, options.target_gap, false);
  if (solution.status == SolveStatus::GapNotClosed) {
    solution.message = fmt::format(
        "{} assignment by price-directed regret greedy; the Lagrangian (knapsack) bound leaves a gap of "
        "{:.3g}%; solve within `mip_max_pairs` for CBC's exact answer",
        single_source ? "single-source" : "split", 100.0 * solution.gap.value_or(1.0));
  }
  solution.seconds = seconds_since(start);
  return solution;
}

}  // namespace equalis::plan
