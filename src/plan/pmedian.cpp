#include "plan/pmedian.hpp"

#include "core/error.hpp"
#include "core/random.hpp"
#include "core/stopwatch.hpp"

#include <fmt/format.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <numeric>

namespace equalis::plan {

namespace {

using Clock = std::chrono::steady_clock;

// The instance as the solver sees it: unreachable pairs get a finite penalty `big` (larger than any
// saving elsewhere), clients with zero demand are left out, and each client's candidates are sorted by
// cost (truncated to `width` entries on very large instances; longer scans fall back to the full row).
struct Problem {
  std::size_t clients = 0;  // active clients (demand > 0)
  std::size_t m = 0;
  // Active clients × m, penalised: the instance's own matrix when that needs no change (every client
  // active, every pair reachable), else `owned`.
  const float* matrix = nullptr;
  std::vector<float> owned;
  std::vector<double> w;
  std::vector<std::uint8_t> fixed;  // per candidate
  std::vector<std::uint32_t> fixed_list;
  std::size_t p_free = 0;   // sites the solver chooses
  std::size_t p_total = 0;  // p_free + fixed
  float big = 0.0F;
  bool integral = false;
  std::size_t width = 0;
  std::vector<std::uint32_t> nbr;  // clients × width candidate indices by increasing cost
  std::vector<float> nbr_cost;

  [[nodiscard]] const float* row(std::size_t i) const noexcept { return matrix + i * m; }

  // Calls fn(candidate, cost) for every candidate with cost < bound, cheapest first when sorted.
  template <typename Fn>
  void for_each_below(std::size_t i, float bound, Fn&& fn) const {
    const float* costs = nbr_cost.data() + i * width;
    if (width == m || costs[width - 1] >= bound) {
      const std::uint32_t* index = nbr.data() + i * width;
      for (std::size_t k = 0; k < width && costs[k] < bound; ++k) fn(index[k], costs[k]);
      return;
    }
    const float* r = row(i);
    for (std::size_t j = 0; j < m; ++j) {
      if (r[j] < bound) fn(static_cast<std::uint32_t>(j), r[j]);
    }
  }
};

Problem make_problem(const PlanInstance& instance, std::size_t p) {
  Problem pr;
  pr.m = instance.candidate_count();
  float max_finite = 0.0F;
  bool integral = true;
  bool reachable = true;
  const std::vector<float>& values = instance.cost.values;
  const auto value_count = static_cast<long long>(values.size());
#pragma omp parallel for reduction(max : max_finite) reduction(&& : integral, reachable) \
    if (value_count >= (1LL << 22))
  for (long long k = 0; k < value_count; ++k) {
    const float c = values[static_cast<std::size_t>(k)];
    if (c != kUnreachable) {
      max_finite = std::max(max_finite, c);
      integral = integral && c == std::floor(c);  // stops calling floor once one cost is fractional
    } else {
      reachable = false;
    }
  }
  std::vector<std::size_t> active;
  for (std::size_t i = 0; i < instance.client_count(); ++i) {
    if (instance.demand[i] > 0.0) {
      active.push_back(i);
      if (instance.demand[i] != std::floor(instance.demand[i])) integral = false;
    }
  }
  pr.integral = integral;
  pr.clients = active.size();
  // A client cut off from the plan costs more than any served client could save.
  pr.big = (max_finite + 1.0F) * static_cast<float>(std::min<std::size_t>(pr.clients + 1, 1000000));
  pr.w.resize(pr.clients);
  for (std::size_t a = 0; a < pr.clients; ++a) pr.w[a] = instance.demand[active[a]];
  if (reachable && pr.clients == instance.client_count()) {
    pr.matrix = values.data();  // no copy: saves a pass and the matrix's size in memory
  } else {
    pr.owned.resize(pr.clients * pr.m);
#pragma omp parallel for schedule(static) if (pr.clients * pr.m >= (std::size_t{1} << 22))
    for (long long signed_a = 0; signed_a < static_cast<long long>(pr.clients); ++signed_a) {
      const auto a = static_cast<std::size_t>(signed_a);
      const auto src = instance.cost.row(active[a]);
      float* dst = pr.owned.data() + a * pr.m;
      for (std::size_t j = 0; j < pr.m; ++j) dst[j] = src[j] == kUnreachable ? pr.big : src[j];
    }
    pr.matrix = pr.owned.data();
  }
  pr.fixed.assign(pr.m, 0);
  for (const std::uint32_t site : instance.fixed_open) pr.fixed[site] = 1;
  for (std::size_t j = 0; j < pr.m; ++j) {
    if (pr.fixed[j] != 0U) pr.fixed_list.push_back(static_cast<std::uint32_t>(j));
  }
  pr.p_free = p;
  pr.p_total = p + pr.fixed_list.size();
  // Sorted neighbour lists: full when they fit in ~512 MB, else the nearest `width`.
  constexpr std::size_t kMaxEntries = std::size_t{64} << 20U;
  pr.width = pr.m;
  if (pr.clients * pr.m > kMaxEntries) {
    // Scans stop at a client's second-nearest open site (or near its nearest, in the Lagrangian); with
    // p_total of m sites open that is around rank 2m/p_total, so 16 m/p_total entries leave only rare
    // clients to the full-row fallback while sorting far fewer.
    const std::size_t deep_enough =
        std::max<std::size_t>(256, 16 * pr.m / std::max<std::size_t>(pr.p_total, 1));
    pr.width = std::clamp<std::size_t>(
        std::min(kMaxEntries / std::max<std::size_t>(pr.clients, 1), deep_enough), 32, pr.m);
  }
  pr.nbr.resize(pr.clients * pr.width);
  pr.nbr_cost.resize(pr.clients * pr.width);
#pragma omp parallel if (pr.clients * pr.m >= 200000)
  {
    // (cost, site) pairs sorted by value: contiguous keys, no indirection through the row. A truncated
    // list first finds its `width`-th smallest cost on a plain float copy (linear), keeps the sites
    // below it (and the lowest-numbered ties), then sorts only those.
    std::vector<std::pair<float, std::uint32_t>> order;
    order.reserve(pr.m);
    std::vector<float> scratch(pr.m);
    const auto width = static_cast<std::ptrdiff_t>(pr.width);
#pragma omp for schedule(static)
    for (long long signed_a = 0; signed_a < static_cast<long long>(pr.clients); ++signed_a) {
      const auto a = static_cast<std::size_t>(signed_a);
      const float* r = pr.row(a);
      order.clear();
      if (pr.width == pr.m) {
        for (std::size_t j = 0; j < pr.m; ++j) order.emplace_back(r[j], static_cast<std::uint32_t>(j));
      } else {
        std::copy(r, r + pr.m, scratch.begin());
        std::nth_element(scratch.begin(), scratch.begin() + width - 1, scratch.end());
        const float kth = scratch[pr.width - 1];
        for (std::size_t j = 0; j < pr.m; ++j) {
          if (r[j] < kth) order.emplace_back(r[j], static_cast<std::uint32_t>(j));
        }
        for (std::size_t j = 0; j < pr.m && order.size() < pr.width; ++j) {
          if (r[j] == kth) order.emplace_back(r[j], static_cast<std::uint32_t>(j));
        }
      }
      std::sort(order.begin(), order.end());
      for (std::size_t k = 0; k < pr.width; ++k) {
        pr.nbr[a * pr.width + k] = order[k].second;
        pr.nbr_cost[a * pr.width + k] = order[k].first;
      }
    }
  }
  return pr;
}

struct Swap {
  double profit = 0.0;
  std::uint32_t insert = kNoSite;
  std::uint32_t remove = kNoSite;
};

// Swap-based local search with incremental gain/loss/extra tables (Resende & Werneck 2007, §3): for an
// insertion f and removal r, profit(f, r) = gain(f) − loss(r) + extra(r, f); a swap only updates the
// clients whose nearest or second-nearest site changes or for whom f is closer than the second-nearest.
class SwapEngine {
 public:
  explicit SwapEngine(const Problem& pr)
      : pr_(pr),
        pos_(pr.m, -1),
        f1_(pr.clients),
        f2_(pr.clients),
        d1_(pr.clients),
        d2_(pr.clients),
        gain_(pr.m),
        loss_(pr.m),
        extra_(pr.p_total * pr.m),
        affected_mark_(pr.clients, 0) {}

  void reset(const std::vector<std::uint32_t>& open) {
    open_ = open;
    std::fill(pos_.begin(), pos_.end(), -1);
    for (std::size_t q = 0; q < open_.size(); ++q) pos_[open_[q]] = static_cast<std::int32_t>(q);
    std::fill(gain_.begin(), gain_.end(), 0.0);
    std::fill(loss_.begin(), loss_.end(), 0.0);
    std::fill(extra_.begin(), extra_.end(), 0.0);
    objective_ = 0.0;
    for (std::size_t i = 0; i < pr_.clients; ++i) {
      find_two(i);
      contribute(i, 1.0);
      objective_ += pr_.w[i] * d1_[i];
    }
  }

  [[nodiscard]] double objective() const noexcept { return objective_; }
  [[nodiscard]] const std::vector<std::uint32_t>& open() const noexcept { return open_; }
  void set_deadline(Clock::time_point deadline) noexcept { deadline_ = deadline; }
  // Ctrl-C is heard between moves, as the deadline is.
  void set_stop(const ProgressSink* sink) noexcept { stop_ = sink; }
  [[nodiscard]] bool is_open(std::uint32_t j) const noexcept { return pos_[j] >= 0; }

  [[nodiscard]] Swap best_swap() const {
    const std::size_t m = pr_.m;
    const auto positions = static_cast<long long>(open_.size());
    Swap best;
    const bool parallel = open_.size() * m >= 200000;
#pragma omp parallel if (parallel)
    {
      Swap local;
#pragma omp for schedule(static) nowait
      for (long long signed_q = 0; signed_q < positions; ++signed_q) {
        const auto q = static_cast<std::size_t>(signed_q);
        const std::uint32_t r = open_[q];
        if (pr_.fixed[r] != 0U) continue;
        const double* extra_row = extra_.data() + q * m;
        const double minus_loss = -loss_[r];
        for (std::size_t f = 0; f < m; ++f) {
          if (pos_[f] >= 0) continue;
          const double profit = gain_[f] + extra_row[f] + minus_loss;
          if (profit > local.profit) local = {profit, static_cast<std::uint32_t>(f), r};
        }
      }
#pragma omp critical
      {
        // Deterministic whatever the thread count: best profit, then lowest (remove, insert).
        if (local.profit > best.profit || (local.profit == best.profit && local.insert != kNoSite &&
                                           (best.insert == kNoSite || local.remove < best.remove ||
                                            (local.remove == best.remove && local.insert < best.insert)))) {
          best = local;
        }
      }
    }
    return best;
  }

  void apply_swap(std::uint32_t insert, std::uint32_t remove) {
    affected_.clear();
    for (std::size_t i = 0; i < pr_.clients; ++i) {
      if (f1_[i] == remove || f2_[i] == remove || pr_.row(i)[insert] < d2_[i]) affected_.push_back(i);
    }
    for (const std::size_t i : affected_) contribute(i, -1.0);
    const auto q = static_cast<std::size_t>(pos_[remove]);
    pos_[remove] = -1;
    pos_[insert] = static_cast<std::int32_t>(q);
    open_[q] = insert;
    // Only affected clients fed these entries, so they are exactly zero now (clears rounding drift).
    std::fill(extra_.begin() + static_cast<std::ptrdiff_t>(q * pr_.m),
              extra_.begin() + static_cast<std::ptrdiff_t>((q + 1) * pr_.m), 0.0);
    loss_[remove] = 0.0;
    gain_[insert] = 0.0;
    for (const std::size_t i : affected_) {
      const double before = d1_[i];
      if (f1_[i] == remove || f2_[i] == remove) {
        find_two(i);
      } else {
        const float c = pr_.row(i)[insert];
        if (c < d1_[i]) {
          f2_[i] = f1_[i];
          d2_[i] = d1_[i];
          f1_[i] = insert;
          d1_[i] = c;
        } else {
          f2_[i] = insert;
          d2_[i] = c;
        }
      }
      objective_ += pr_.w[i] * (d1_[i] - before);
      contribute(i, 1.0);
    }
  }

  // Best-improvement swaps until none improves; returns the number of moves.
  std::size_t local_search() {
    std::size_t moves = 0;
    for (;;) {
      // Descents from poor starts on huge instances can take seconds: respect the solve's deadline.
      if (moves % 8 == 7 && (Clock::now() > deadline_ || (stop_ != nullptr && stop_->stop_requested())))
        break;
      const Swap swap = best_swap();
      if (swap.insert == kNoSite || swap.profit <= 1e-9 * (1.0 + std::abs(objective_))) break;
      apply_swap(swap.insert, swap.remove);
      ++moves;
    }
    return moves;
  }

 private:
  void find_two(std::size_t i) {
    f1_[i] = f2_[i] = kNoSite;
    d1_[i] = d2_[i] = pr_.big;
    auto take = [&](std::uint32_t j, float c) {
      if (pos_[j] < 0) return;
      if (f1_[i] == kNoSite) {
        f1_[i] = j;
        d1_[i] = c;
      } else if (f2_[i] == kNoSite) {
        f2_[i] = j;
        d2_[i] = c;
      }
    };
    const std::uint32_t* index = pr_.nbr.data() + i * pr_.width;
    const float* costs = pr_.nbr_cost.data() + i * pr_.width;
    for (std::size_t k = 0; k < pr_.width && f2_[i] == kNoSite; ++k) take(index[k], costs[k]);
    if (f2_[i] == kNoSite && pr_.width < pr_.m) {
      // Truncated list: scan the whole row in cost order of the open sites.
      f1_[i] = f2_[i] = kNoSite;
      d1_[i] = d2_[i] = pr_.big;
      const float* r = pr_.row(i);
      for (const std::uint32_t j : open_) {
        const float c = r[j];
        if (f1_[i] == kNoSite || c < d1_[i] || (c == d1_[i] && j < f1_[i])) {
          f2_[i] = f1_[i];
          d2_[i] = d1_[i];
          f1_[i] = j;
          d1_[i] = c;
        } else if (f2_[i] == kNoSite || c < d2_[i] || (c == d2_[i] && j < f2_[i])) {
          f2_[i] = j;
          d2_[i] = c;
        }
      }
      if (f2_[i] == kNoSite) d2_[i] = pr_.big;
    }
    if (f1_[i] == kNoSite) throw Error(ErrorCode::Internal, "p-median: a client has no open site");
  }

  void contribute(std::size_t i, double sign) {
    const double w = sign * pr_.w[i];
    const float d1 = d1_[i];
    const float d2 = d2_[i];
    loss_[f1_[i]] += w * (static_cast<double>(d2) - d1);
    double* extra_row = extra_.data() + static_cast<std::size_t>(pos_[f1_[i]]) * pr_.m;
    pr_.for_each_below(i, d2, [&](std::uint32_t j, float c) {
      if (pos_[j] >= 0) return;
      if (c < d1) gain_[j] += w * (static_cast<double>(d1) - c);
      extra_row[j] += w * (static_cast<double>(d2) - std::max(c, d1));
    });
  }

  const Problem& pr_;
  std::vector<std::int32_t> pos_;
  std::vector<std::uint32_t> open_;
  std::vector<std::uint32_t> f1_, f2_;
  std::vector<float> d1_, d2_;
  std::vector<double> gain_, loss_, extra_;
  std::vector<std::size_t> affected_;
  std::vector<std::uint8_t> affected_mark_;
  double objective_ = 0.0;
  Clock::time_point deadline_ = Clock::time_point::max();
  const ProgressSink* stop_ = nullptr;
};

// Greedy addition (Kuehn & Hamburger 1963): add the site with the largest saving; with `rcl` > 1 pick at
// random among the `rcl` best savings (a GRASP-style randomised start).
std::vector<std::uint32_t> greedy_start(const Problem& pr, std::size_t rcl, Rng& rng) {
  std::vector<std::uint32_t> open = pr.fixed_list;
  std::vector<std::uint8_t> is_open(pr.m, 0);
  for (const std::uint32_t j : open) is_open[j] = 1;
  std::vector<float> d1(pr.clients, pr.big * 2.0F);
  for (std::size_t i = 0; i < pr.clients; ++i) {
    for (const std::uint32_t j : open) d1[i] = std::min(d1[i], pr.row(i)[j]);
  }
  std::vector<double> saving(pr.m);
  std::vector<std::uint32_t> order(pr.m);
  for (std::size_t step = 0; step < pr.p_free; ++step) {
    std::fill(saving.begin(), saving.end(), 0.0);
    for (std::size_t i = 0; i < pr.clients; ++i) {
      const double w = pr.w[i];
      const float bound = d1[i];
      pr.for_each_below(i, bound,
                        [&](std::uint32_t j, float c) { saving[j] += w * (static_cast<double>(bound) - c); });
    }
    std::iota(order.begin(), order.end(), 0U);
    const auto end =
        std::remove_if(order.begin(), order.end(), [&](std::uint32_t j) { return is_open[j] != 0U; });
    const auto count = static_cast<std::size_t>(end - order.begin());
    if (count == 0) break;
    const std::size_t k = std::min(rcl, count);
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k), end,
                      [&](std::uint32_t a, std::uint32_t b) {
                        return saving[a] > saving[b] || (saving[a] == saving[b] && a < b);
                      });
    const std::uint32_t pick = order[k > 1 ? rng.uniform_index(k) : 0];
    open.push_back(pick);
    is_open[pick] = 1;
    for (std::size_t i = 0; i < pr.clients; ++i) d1[i] = std::min(d1[i], pr.row(i)[pick]);
  }
  return open;
}

// Lagrangian relaxation of Σ_j x_ij = 1 (Beasley 1993): for multipliers u ≥ 0,
// L(u) = Σ_i u_i + min_{|Y| = p, Y ⊇ forced open, Y ∩ forced closed = ∅} Σ_{j∈Y} ρ_j with
// ρ_j = Σ_i min(0, w_i c_ij − u_i). The per-site state (forced open / free / forced closed) makes the
// same bound serve the nodes of a branch-and-bound on the site variables (Beasley 1985, 1993).
class LagrangianBound {
  // A float just above x, so that a scan for costs < x misses nothing to rounding.
  static float above(double x) { return static_cast<float>(x * (1.0 + 1e-6)) + 1e-30F; }

 public:
  struct Node {
    std::vector<std::int8_t> state;  // +1 forced open, 0 free, −1 forced closed
    std::vector<double> u;
  };
  struct NodeResult {
    double bound = -std::numeric_limits<double>::infinity();  // +inf: no feasible completion
    bool solved = false;  // the relaxed solution is feasible, so `bound` is the node's optimum
  };

  explicit LagrangianBound(const Problem& pr)
      : pr_(pr), u_(pr.clients), rho_(pr.m), g_(pr.clients), open_(pr.m), state_(pr.m, 0) {
    for (std::size_t j = 0; j < pr.m; ++j) state_[j] = pr.fixed[j] != 0U ? 1 : 0;
  }

  void init(const SwapEngine& best) { init(best.open()); }
  void init(const std::vector<std::uint32_t>& open) {
    // Start from each client's cost in the best plan: L(u) is then close to it from below.
    for (std::size_t i = 0; i < pr_.clients; ++i) {
      float d = pr_.big;
      for (const std::uint32_t j : open) d = std::min(d, pr_.row(i)[j]);
      u_[i] = pr_.w[i] * d;
    }
    best_u_ = u_;
    lambda_ = 2.0;
  }

  // Also relaxes a knapsack row Σ_j a_j y_j ≤ limit (an opening-cost budget, scaled to O(1)) with a
  // multiplier μ ≥ 0: L(u, μ) = Σ u + Σ_{chosen} (ρ_j + μ a_j) − μ limit.
  void relax_knapsack(std::vector<double> weight, double limit) {
    knapsack_ = std::move(weight);
    knapsack_limit_ = limit;
  }

  // One subgradient step against upper bound `ub`; returns L(u) before the step.
  double step(double ub) {
    const double value = evaluate();
    record(value);
    if (!update(value, ub)) lambda_ = 0.0;  // the relaxed solution is feasible: L(u) is optimal for u
    return value;
  }

  [[nodiscard]] double best() const noexcept { return best_; }
  [[nodiscard]] double lambda() const noexcept { return lambda_; }
  void restart_step() noexcept {
    lambda_ = 1.0;
    stall_ = 0;
  }
  // The open set of the last relaxed solution (for the Lagrangian heuristic).
  [[nodiscard]] std::vector<std::uint32_t> relaxed_open() const {
    std::vector<std::uint32_t> result;
    for (std::size_t j = 0; j < pr_.m; ++j) {
      if (open_[j] != 0U) result.push_back(static_cast<std::uint32_t>(j));
    }
    return result;
  }

  [[nodiscard]] Node snapshot() const { return {state_, best_u_}; }
  void load(Node node) {
    state_ = std::move(node.state);
    u_ = std::move(node.u);
    best_u_ = u_;
    best_ = -std::numeric_limits<double>::infinity();
    lambda_ = 2.0;  // children restart with a long step (tuned on pmed36/38/39)
    stall_ = 0;
  }

  // Subgradient ascent at the current node with reduced-cost fixing against `threshold` (a subtree whose
  // bound reaches it cannot hold a plan better than the incumbent): stops when the node is pruned, solved,
  // or the step size has collapsed.
  // `stop` (may be null) is asked at every step: a node runs up to 400 steps, ~0.5 s on pmed-size inputs.
  NodeResult run_node(std::size_t steps, double ub, double threshold, const ProgressSink* stop = nullptr) {
    NodeResult result;
    const int saved_limit = stall_limit_;
    stall_limit_ = 8;
    for (std::size_t s = 0; s < steps && lambda_ > 1e-5; ++s) {
      if (stop != nullptr && stop->stop_requested()) break;
      const double value = evaluate();
      if (!std::isfinite(value)) {
        result.bound = std::numeric_limits<double>::infinity();
        break;
      }
      record(value);
      result.bound = best_;
      if (best_ >= threshold) break;
      fix_by_reduced_cost(value, threshold);
      if (!update(value, ub)) {
        result.bound = value;
        result.solved = true;
        break;
      }
    }
    stall_limit_ = saved_limit;
    return result;
  }

  // The free site of the last relaxed solution with the most negative ρ (kNoSite if none).
  [[nodiscard]] std::uint32_t branching_site() const {
    std::uint32_t pick = kNoSite;
    for (std::size_t j = 0; j < pr_.m; ++j) {
      if (state_[j] == 0 && open_[j] != 0U && (pick == kNoSite || rho_[j] < rho_[pick])) {
        pick = static_cast<std::uint32_t>(j);
      }
    }
    return pick;
  }
  [[nodiscard]] const std::vector<std::int8_t>& state() const noexcept { return state_; }

 private:
  void record(double value) {
    if (value > best_ + 1e-12 * std::abs(value)) {
      best_ = value;
      best_u_ = u_;
      stall_ = 0;
    } else if (++stall_ >= stall_limit_) {
      lambda_ *= 0.5;
      stall_ = 0;
    }
  }

  // Moves u along the subgradient; false when the subgradient is zero (relaxed solution feasible).
  bool update(double value, double ub) {
    double norm = 0.0;
    for (std::size_t i = 0; i < pr_.clients; ++i) {
      int count = 0;
      const float threshold = above(u_[i] / pr_.w[i]);
      pr_.for_each_below(i, threshold, [&](std::uint32_t j, float c) {
        if (open_[j] != 0U && pr_.w[i] * c < u_[i]) ++count;
      });
      g_[i] = 1.0 - count;
      norm += g_[i] * g_[i];
    }
    double g_mu = 0.0;
    if (!knapsack_.empty()) {
      for (std::size_t j = 0; j < pr_.m; ++j) g_mu += open_[j] != 0U ? knapsack_[j] : 0.0;
      g_mu -= knapsack_limit_;
      if (mu_ <= 0.0 && g_mu < 0.0) g_mu = 0.0;  // projected: μ stays at 0 while the row is slack
      norm += g_mu * g_mu;
    }
    if (norm == 0.0) return false;
    const double t = lambda_ * std::max(ub - value, 1e-9 * std::abs(ub)) / norm;
    for (std::size_t i = 0; i < pr_.clients; ++i) u_[i] = std::max(0.0, u_[i] + t * g_[i]);
    mu_ = std::max(0.0, mu_ + t * g_mu);
    return true;
  }

  // Reduced-cost fixing (Beasley 1993, §3): opening an unchosen free site raises L(u) by at least
  // ρ_j − (largest chosen ρ); closing a chosen one by at least (smallest unchosen ρ) − ρ_j.
  void fix_by_reduced_cost(double value, double threshold) {
    for (std::size_t j = 0; j < pr_.m; ++j) {
      if (state_[j] != 0) continue;
      if (open_[j] != 0U) {
        if (value - rho_[j] + rho_out_min_ >= threshold) state_[j] = 1;
      } else if (value + rho_[j] - rho_in_max_ >= threshold) {
        state_[j] = -1;
      }
    }
  }

  double evaluate() {
    std::fill(rho_.begin(), rho_.end(), 0.0);
    double value = knapsack_.empty() ? 0.0 : -mu_ * knapsack_limit_;
    for (std::size_t i = 0; i < pr_.clients; ++i) {
      value += u_[i];
      const double ui = u_[i];
      const double wi = pr_.w[i];
      const float threshold = above(ui / wi);
      pr_.for_each_below(i, threshold, [&](std::uint32_t j, float c) {
        const double reduced = wi * c - ui;
        if (reduced < 0.0) rho_[j] += reduced;
      });
    }
    if (!knapsack_.empty()) {
      for (std::size_t j = 0; j < pr_.m; ++j) rho_[j] += mu_ * knapsack_[j];
    }
    std::fill(open_.begin(), open_.end(), 0);
    order_.clear();
    std::size_t forced = 0;
    for (std::size_t j = 0; j < pr_.m; ++j) {
      if (state_[j] > 0) {
        open_[j] = 1;
        value += rho_[j];
        ++forced;
      } else if (state_[j] == 0) {
        order_.push_back(static_cast<std::uint32_t>(j));
      }
    }
    constexpr double kInf = std::numeric_limits<double>::infinity();
    if (forced > pr_.p_total || pr_.p_total - forced > order_.size()) return kInf;
    const std::size_t k = pr_.p_total - forced;
    std::nth_element(
        order_.begin(), order_.begin() + static_cast<std::ptrdiff_t>(k), order_.end(),
        [&](std::uint32_t a, std::uint32_t b) { return rho_[a] < rho_[b] || (rho_[a] == rho_[b] && a < b); });
    rho_in_max_ = -kInf;
    rho_out_min_ = kInf;
    for (std::size_t q = 0; q < order_.size(); ++q) {
      const double r = rho_[order_[q]];
      if (q < k) {
        open_[order_[q]] = 1;
        value += r;
        rho_in_max_ = std::max(rho_in_max_, r);
      } else {
        rho_out_min_ = std::min(rho_out_min_, r);
      }
    }
    return value;
  }

  const Problem& pr_;
  std::vector<double> u_, best_u_, rho_, g_;
  std::vector<std::uint8_t> open_;
  std::vector<std::int8_t> state_;
  std::vector<std::uint32_t> order_;
  double rho_in_max_ = 0.0, rho_out_min_ = 0.0;
  std::vector<double> knapsack_;  // per site (empty: no knapsack row)
  double knapsack_limit_ = 0.0;
  double mu_ = 0.0;
  double lambda_ = 2.0;
  double best_ = -std::numeric_limits<double>::infinity();
  int stall_ = 0;
  int stall_limit_ = 30;  // halve the step after this many steps without a better bound
};

// Exact cost of an open set on the solver's problem.
double problem_cost(const Problem& pr, const std::vector<std::int8_t>& state) {
  double total = 0.0;
  for (std::size_t i = 0; i < pr.clients; ++i) {
    float d = pr.big * 2.0F;
    const float* r = pr.row(i);
    for (std::size_t j = 0; j < pr.m; ++j) {
      if (state[j] > 0) d = std::min(d, r[j]);
    }
    total += pr.w[i] * d;
  }
  return total;
}

}  // namespace

PlanSolution solve_pmedian(const PlanInstance& instance, const PMedianOptions& options,
                           ProgressSink& progress) {
  const auto start = Clock::now();
  instance.validate();
  PlanSolution solution;
  std::vector<std::uint32_t> fixed = instance.fixed_open;
  std::sort(fixed.begin(), fixed.end());
  fixed.erase(std::unique(fixed.begin(), fixed.end()), fixed.end());
  if (options.p > instance.candidate_count() - fixed.size()) {
    solution.status = SolveStatus::Infeasible;
    solution.message = fmt::format("p = {} exceeds the {} candidate sites that are not already open",
                                   options.p, instance.candidate_count() - fixed.size());
    return solution;
  }
  if (options.p + fixed.size() == 0) {
    solution.status = SolveStatus::Infeasible;
    solution.message = "no site to open: p = 0 and no existing sites";
    return solution;
  }
  // make_problem dedupes the existing sites through its mask; it may point into instance.cost.
  const Problem pr = make_problem(instance, options.p);
  ProgressTask task(progress, "p-median", 100);
  const auto throw_if_stopped = [&progress] {
    if (progress.stop_requested()) {
      throw Error(ErrorCode::Cancelled, "p-median was interrupted", "run it again to completion");
    }
  };
  throw_if_stopped();

  SwapEngine engine(pr);
  engine.set_deadline(start + std::chrono::duration_cast<Clock::duration>(
                                  std::chrono::duration<double>(std::min(options.time_limit_seconds, 1e7))));
  engine.set_stop(&progress);
  std::vector<std::uint32_t> best_open;
  double best = std::numeric_limits<double>::infinity();
  std::size_t iterations = 0;
  const auto consider = [&](SwapEngine& e) {
    if (best_open.empty() || e.objective() < best - 1e-9 * (1.0 + std::abs(best))) {
      best = e.objective();
      best_open = e.open();
      return true;
    }
    return false;
  };
  const auto out_of_time = [&] {
    // Asked directly: the task's own flag only follows the sink when it ticks (at 30 % and 70 %).
    return seconds_since(start) > options.time_limit_seconds || task.stopped() || progress.stop_requested();
  };

  if (pr.clients == 0) {
    Rng rng(options.seed);
    best_open = greedy_start(pr, 1, rng);
    best = 0.0;
  } else {
    // Multi-start: greedy, then randomised greedy (restricted candidate list of 5).
    for (std::size_t s = 0; s < std::max<std::size_t>(options.starts, 1) && !out_of_time(); ++s) {
      Rng rng(options.seed, 100 + s);
      engine.reset(greedy_start(pr, s == 0 ? 1 : 5, rng));
      iterations += engine.local_search();
      consider(engine);
    }
  }
  throw_if_stopped();  // the starts may have been cut short: no plan to bound
  std::optional<LagrangianBound> lagrangian;
  double lower = -std::numeric_limits<double>::infinity();
  const auto closed = [&] {
    if (!options.lower_bound || pr.clients == 0) return pr.clients == 0;
    const double bound = pr.integral ? std::ceil(lower - 1e-6) : lower;
    return best - bound <= 1e-9 * std::max(1.0, std::abs(best));
  };
  // On very large instances a local search costs dozens of subgradient steps: repair the relaxed
  // solution less often and give the bound longer runs between VNS rounds (measured on the 50 000 × 5 000
  // benchmark: certified gap 1.8 % → 0.5 % in the same 45 s).
  const bool large = pr.clients * pr.m > (std::size_t{1} << 24);
  const std::size_t heuristic_every = large ? 200 : 20;
  const std::size_t vns_bound_steps = large ? 300 : 100;
  const auto run_bound = [&](std::size_t steps) {
    if (!options.lower_bound || pr.clients == 0) return;
    std::vector<std::uint32_t> last_tried;
    for (std::size_t s = 0; s < steps && !closed() && lagrangian->lambda() > 1e-6; ++s) {
      const double value = lagrangian->step(best);
      lower = std::max(lower, value);
      ++iterations;
      // Lagrangian heuristic: the relaxed open set, repaired by local search, is often optimal.
      if (s % heuristic_every == heuristic_every - 1) {
        auto relaxed = lagrangian->relaxed_open();
        if (relaxed.size() == pr.p_total && relaxed != last_tried) {
          last_tried = relaxed;
          engine.reset(relaxed);
          iterations += engine.local_search();
          consider(engine);
        }
      }
      // A step costs clients × sites / 2 (~2 ms on pmed36): Ctrl-C is asked at every one.
      if (progress.stop_requested() || (s % 64 == 63 && out_of_time())) break;
    }
  };
  if (options.lower_bound && pr.clients > 0) {
    engine.reset(best_open);
    lagrangian.emplace(pr);
    lagrangian->init(engine);
    run_bound(400);
  }
  task.tick(30);

  // Variable neighbourhood search (Hansen & Mladenović 1997): shake k random swaps, descend, move on
  // improvement; interleaved with more subgradient steps while the gap is open.
  const std::size_t removable = pr.p_free;
  const std::size_t closed_sites = pr.m - pr.p_total;
  if (pr.clients > 0 && removable > 0 && closed_sites > 0) {
    const std::size_t k_max = std::min<std::size_t>(removable, 10);
    const std::size_t stall_limit =
        options.vns_stall > 0 ? options.vns_stall : std::max<std::size_t>(200, 10 * pr.p_total);
    Rng rng(options.seed, 1);
    std::size_t k = 1;
    std::size_t stall = 0;
    std::size_t since_bound = 0;
    engine.reset(best_open);
    while (!closed() && stall < stall_limit && !out_of_time()) {
      std::vector<std::uint32_t> removable_sites;
      for (std::size_t s = 0; s < k; ++s) {
        removable_sites.clear();
        for (const std::uint32_t j : engine.open()) {
          if (pr.fixed[j] == 0U) removable_sites.push_back(j);
        }
        const std::uint32_t out = removable_sites[rng.uniform_index(removable_sites.size())];
        std::uint32_t in = 0;
        do {
          in = static_cast<std::uint32_t>(rng.uniform_index(pr.m));
        } while (engine.is_open(in));
        engine.apply_swap(in, out);
      }
      iterations += engine.local_search();
      ++iterations;
      if (consider(engine)) {
        k = 1;
        stall = 0;
        if (lagrangian) lagrangian->restart_step();
      } else {
        k = k % k_max + 1;
        ++stall;
        engine.reset(best_open);
      }
      if (lagrangian && ++since_bound >= 50) {
        since_bound = 0;
        run_bound(vns_bound_steps);
        engine.reset(best_open);
      }
    }
    if (lagrangian && !closed() && !out_of_time()) run_bound(2000);
  }
  // Branch-and-bound on the site variables with the Lagrangian bound (Beasley 1985, 1993): closes the
  // gap the relaxation leaves on small-p instances. Depth first; children inherit the node's multipliers
  // and its reduced-cost fixings. A subtree is pruned when its bound reaches `threshold` (for integral
  // data, incumbent − 1: the optimum is an integer).
  if (lagrangian && options.branch_and_bound && !closed() && !out_of_time()) {
    const auto threshold_of = [&](double ub) {
      return pr.integral ? ub - 1.0 + 1e-3 : ub - 0.5 * options.target_gap * std::abs(ub);
    };
    double threshold = threshold_of(best);
    double leaf_min = std::numeric_limits<double>::infinity();
    std::vector<LagrangianBound::Node> stack;
    stack.push_back(lagrangian->snapshot());
    bool completed = true;
    std::size_t nodes = 0;
    while (!stack.empty()) {
      if ((nodes % 16 == 15 && out_of_time()) || progress.stop_requested()) {
        completed = false;
        break;
      }
      ++nodes;
      lagrangian->load(std::move(stack.back()));
      stack.pop_back();
      const auto result = lagrangian->run_node(nodes == 1 ? 400 : 150, best, threshold, &progress);
      ++iterations;
      if (result.solved || result.bound < threshold) {
        // The relaxed sites, repaired by local search, may beat the incumbent (a Lagrangian heuristic).
        auto relaxed = lagrangian->relaxed_open();
        if (relaxed.size() == pr.p_total && (result.solved || nodes % 8 == 1)) {
          engine.reset(relaxed);
          iterations += engine.local_search();
          if (consider(engine)) threshold = threshold_of(best);
        }
      }
      if (result.solved || result.bound >= threshold) {
        leaf_min = std::min(leaf_min, result.bound);
        continue;
      }
      const std::uint32_t site = lagrangian->branching_site();
      if (site == kNoSite) {
        // Every open site is forced: the node is one plan, priced exactly.
        const double cost = problem_cost(pr, lagrangian->state());
        leaf_min = std::min(leaf_min, cost);
        if (cost < best) {
          std::vector<std::uint32_t> forced;
          for (std::size_t j = 0; j < pr.m; ++j) {
            if (lagrangian->state()[j] > 0) forced.push_back(static_cast<std::uint32_t>(j));
          }
          engine.reset(forced);
          if (consider(engine)) threshold = threshold_of(best);
        }
        continue;
      }
      LagrangianBound::Node closed_child = lagrangian->snapshot();
      LagrangianBound::Node open_child = closed_child;
      closed_child.state[site] = -1;
      open_child.state[site] = 1;
      stack.push_back(std::move(closed_child));
      stack.push_back(std::move(open_child));
    }
    if (completed) lower = std::max(lower, std::min(leaf_min, threshold));
  }
  task.tick(70);
  task.throw_if_stopped();
  throw_if_stopped();

  std::sort(best_open.begin(), best_open.end());
  solution.open = best_open;
  const Evaluation evaluation = evaluate_plan(instance, solution.open);
  solution.assignment = evaluation.assignment;
  solution.objective = evaluation.total_cost;
  solution.unserved_clients = evaluation.unserved_clients;
  solution.iterations = iterations;
  if (evaluation.unserved_clients > 0) {
    solution.status = SolveStatus::Infeasible;
    solution.message = fmt::format(
        "{} clients with demand cannot reach any open site (disconnected instance); the objective counts "
        "served clients only",
        evaluation.unserved_clients);
  } else if (options.lower_bound) {
    solution.lower_bound = pr.clients == 0 ? 0.0 : lower;
    set_gap_status(solution, options.target_gap, pr.integral);
    if (solution.status == SolveStatus::GapNotClosed) {
      solution.message = fmt::format("the Lagrangian bound leaves a gap of {:.3g}% (limit {:.3g}%)",
                                     100.0 * solution.gap.value_or(0.0), 100.0 * options.target_gap);
    }
  } else {
    solution.status = SolveStatus::GapNotClosed;
    solution.message = "no lower bound requested";
  }
  solution.seconds = seconds_since(start);
  return solution;
}

double pmedian_budget_lower_bound(
    const PlanInstance& instance, std::size_t p, double budget, const std::vector<std::uint32_t>& start,
    double upper, double seconds,
    const std::function<void(const std::vector<std::uint32_t>&)>& relaxed_plan) {
  instance.validate();
  const Problem pr = make_problem(instance, p);
  if (pr.clients == 0) return 0.0;
  // Scale the row so that its subgradient is O(1) like the assignment rows': a_j = cost_j / scale.
  double scale = budget;
  for (std::size_t j = 0; j < pr.m; ++j) {
    if (pr.fixed[j] == 0U) scale = std::max(scale, instance.site_cost[j]);
  }
  if (!(scale > 0.0)) return -std::numeric_limits<double>::infinity();  // every site free: no row to relax
  std::vector<double> weight(pr.m, 0.0);
  for (std::size_t j = 0; j < pr.m; ++j) {
    if (pr.fixed[j] == 0U) weight[j] = instance.site_cost[j] / scale;
  }
  LagrangianBound lagrangian(pr);
  lagrangian.relax_knapsack(std::move(weight), budget / scale);
  lagrangian.init(start);
  const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                           std::chrono::duration<double>(std::max(0.0, seconds)));
  double best = -std::numeric_limits<double>::infinity();
  for (std::size_t step = 0; step < 20000 && lagrangian.lambda() > 1e-6; ++step) {
    best = std::max(best, lagrangian.step(upper));
    if (best >= upper || (step % 16 == 15 && Clock::now() > deadline)) break;
    if (relaxed_plan && step % 20 == 19) {
      const std::vector<std::uint32_t> relaxed = lagrangian.relaxed_open();
      if (relaxed.size() == pr.p_total) relaxed_plan(relaxed);
    }
  }
  return best;
}

}  // namespace equalis::plan
