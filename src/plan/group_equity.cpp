#include "plan/group_equity.hpp"

#include "core/error.hpp"
#include "core/random.hpp"
#include "core/stopwatch.hpp"
#include "plan/budget_pmedian.hpp"
#include "plan/detail/mip.hpp"
#include "plan/pmedian.hpp"
#include "plan/site_budget.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>
#include <span>
#include <utility>

namespace equalis::plan {

namespace {

using Clock = std::chrono::steady_clock;
constexpr double kInf = std::numeric_limits<double>::infinity();

// Lexicographic key: primary objective (minimised), then secondary (minimised).
struct Key {
  double primary = kInf;
  double secondary = kInf;
};

bool better(const Key& a, const Key& b) {
  const double tol = 1e-10 * (1.0 + std::abs(b.primary));
  if (a.primary < b.primary - tol) return true;
  if (a.primary > b.primary + tol) return false;
  return a.secondary < b.secondary - 1e-10 * (1.0 + std::abs(b.secondary));
}

// Ctrl-C: every loop below asks the caller's sink between units of work (a swap position, a shake, a
// dual round, a CBC node) and the solve then ends with Error(Cancelled), never with a truncated plan.
void throw_if_stopped(const ProgressSink& progress) {
  if (progress.stop_requested()) {
    throw Error(ErrorCode::Cancelled, "the group-fair plan was interrupted", "run it again to completion");
  }
}

// Passes only the stop request on: the p-medians solved inside the group objective (bounds, dual rounds)
// must hear Ctrl-C but not redraw the caller's progress bar as their own task.
class StopRelay final : public ProgressSink {
 public:
  explicit StopRelay(const ProgressSink& parent) : parent_(parent) {}
  [[nodiscard]] bool stop_requested() const override { return parent_.stop_requested(); }

 private:
  const ProgressSink& parent_;
};

// The clients with demand, their groups and the group demands.
struct Active {
  std::vector<std::size_t> client;
  std::vector<std::uint32_t> group;
  std::vector<double> weight;
  std::vector<double> group_demand;  // per group label
};

Active active_clients(const PlanInstance& instance) {
  Active a;
  for (std::size_t i = 0; i < instance.client_count(); ++i) {
    if (instance.demand[i] <= 0.0) continue;
    a.client.push_back(i);
    a.group.push_back(instance.groups.codes[i]);
    a.weight.push_back(instance.demand[i]);
  }
  a.group_demand = group_totals(instance.groups, instance.demand);  // clients without demand add 0
  return a;
}

// Each active client's cost to its nearest existing site (kUnreachable without one): a site farther away
// never serves it, so the MIPs leave those pairs out.
std::vector<float> nearest_existing(const PlanInstance& instance, const Active& a) {
  std::vector<float> nearest(a.client.size(), kUnreachable);
  for (std::size_t k = 0; k < a.client.size(); ++k) {
    for (const std::uint32_t j : instance.fixed_open) {
      nearest[k] = std::min(nearest[k], instance.cost.at(a.client[k], j));
    }
  }
  return nearest;
}

// Client–site pairs the MIPs need: reachable and no farther than the client's nearest existing site.
std::size_t mip_pairs(const PlanInstance& instance, const Active& a) {
  const std::vector<float> cutoff = nearest_existing(instance, a);
  std::size_t pairs = 0;
  for (std::size_t k = 0; k < a.client.size(); ++k) {
    for (const float c : instance.cost.row(a.client[k]))
      pairs += c != kUnreachable && c <= cutoff[k] ? 1U : 0U;
  }
  return pairs;
}

// Scores per-client costs on the chosen objective.
class Scorer {
 public:
  Scorer(const Active& active, GroupObjective objective, std::optional<double> radius,
         std::optional<double> cap, std::span<const std::uint32_t> focus)
      : a_(active),
        objective_(objective),
        radius_(radius.value_or(kInf)),
        cap_(cap.value_or(kInf)),
        in_focus_(active.group_demand.size(), focus.empty() ? 1 : 0) {
    for (const std::uint32_t g : focus) in_focus_[g] = 1;
    if (objective == GroupObjective::Gap) std::fill(in_focus_.begin(), in_focus_.end(), 1);
  }
  [[nodiscard]] bool in_focus(std::size_t g) const noexcept { return in_focus_[g] != 0U; }

  // Accumulators sized per group; `cost(k)` gives active client k's cost.
  template <typename CostFn>
  Key score(CostFn&& cost, std::vector<double>& sum, std::vector<double>& covered) const {
    std::fill(sum.begin(), sum.end(), 0.0);
    std::fill(covered.begin(), covered.end(), 0.0);
    for (std::size_t k = 0; k < a_.client.size(); ++k) {
      const double c = cost(k);
      sum[a_.group[k]] += a_.weight[k] * c;
      if (c <= radius_) covered[a_.group[k]] += a_.weight[k];
    }
    return finish(sum, covered);
  }

  [[nodiscard]] Key finish(const std::vector<double>& sum, const std::vector<double>& covered) const {
    double total = 0.0, total_covered = 0.0;
    double worst_mean = -kInf, best_mean = kInf, worst_cover = kInf;
    for (std::size_t g = 0; g < sum.size(); ++g) {
      if (a_.group_demand[g] <= 0.0) continue;
      total += sum[g];
      total_covered += covered[g];
      if (in_focus_[g] == 0U) continue;
      const double mean = sum[g] / a_.group_demand[g];
      worst_mean = std::max(worst_mean, mean);
      best_mean = std::min(best_mean, mean);
      worst_cover = std::min(worst_cover, covered[g] / a_.group_demand[g]);
    }
    switch (objective_) {
      case GroupObjective::Rawls:
        return {worst_mean, total};
      case GroupObjective::Coverage:
        return {-worst_cover, -total_covered};
      case GroupObjective::Gap:
        // Plans over the cost cap rank after every plan under it, by their excess.
        if (total > cap_ * (1.0 + 1e-12)) return {1e300, total};
        return {worst_mean - best_mean, total};
    }
    return {};
  }

 private:
  const Active& a_;
  GroupObjective objective_;
  double radius_;
  double cap_;
  std::vector<std::uint8_t> in_focus_;
};

// Swap local search on the lexicographic key (best improvement), with random-shake restarts.
class SwapSearch {
 public:
  SwapSearch(const PlanInstance& instance, const Active& active, const Scorer& scorer,
             std::optional<double> budget, const ProgressSink& progress = null_progress())
      : instance_(instance),
        a_(active),
        scorer_(scorer),
        progress_(progress),
        is_fixed_(fixed_mask(instance.candidate_count(), instance.fixed_open)),
        spend_(instance, budget) {}

  Key evaluate(const std::vector<std::uint32_t>& open) {
    nearest_two(open);
    std::vector<double> sum(a_.group_demand.size()), covered(a_.group_demand.size());
    return scorer_.score([&](std::size_t k) { return static_cast<double>(d1_[k]); }, sum, covered);
  }

  // Descends from `open` until no swap improves (or the deadline passes, or the user stops); returns the
  // key.
  Key descend(std::vector<std::uint32_t>& open, const Clock::time_point deadline, std::size_t& moves) {
    const std::size_t m = instance_.candidate_count();
    const std::size_t groups = a_.group_demand.size();
    Key current = evaluate(open);
    std::vector<std::uint8_t> is_open(m, 0);
    std::vector<float> without(a_.client.size());
    while (Clock::now() < deadline && !progress_.stop_requested()) {
      std::fill(is_open.begin(), is_open.end(), 0);
      for (const std::uint32_t j : open) is_open[j] = 1;
      spend_.reset(open);
      Key best = current;
      std::size_t best_q = open.size();
      std::uint32_t best_f = kNoSite;
      bool stopped = false;
      for (std::size_t q = 0; q < open.size(); ++q) {
        const std::uint32_t r = open[q];
        if (is_fixed_[r] != 0U) continue;
        // One position costs clients × candidates evaluations (~1 ms on pmed-size inputs).
        if (progress_.stop_requested()) {
          stopped = true;
          break;
        }
        for (std::size_t k = 0; k < a_.client.size(); ++k) without[k] = f1_[k] == r ? d2_[k] : d1_[k];
        const auto candidates = static_cast<long long>(m);
#pragma omp parallel if (a_.client.size() * m >= 200000)
        {
          std::vector<double> sum(groups), covered(groups);
          Key local = best;
          std::uint32_t local_f = kNoSite;
#pragma omp for schedule(static) nowait
          for (long long signed_f = 0; signed_f < candidates; ++signed_f) {
            const auto f = static_cast<std::uint32_t>(signed_f);
            if (is_open[f] != 0U || !spend_.swap_fits(f, r)) continue;
            const Key key = scorer_.score(
                [&](std::size_t k) {
                  return static_cast<double>(std::min(without[k], instance_.cost.at(a_.client[k], f)));
                },
                sum, covered);
            if (better(key, local)) {
              local = key;
              local_f = f;
            }
          }
#pragma omp critical
          {
            // Deterministic whatever the thread count: best key, then lowest (position, site).
            if (local_f != kNoSite && (better(local, best) || (!better(best, local) && best_q == q &&
                                                               (best_f == kNoSite || local_f < best_f)))) {
              best = local;
              best_q = q;
              best_f = local_f;
            }
          }
        }
      }
      if (stopped || best_f == kNoSite) break;
      open[best_q] = best_f;
      current = evaluate(open);
      ++moves;
    }
    return current;
  }

 private:
  void nearest_two(const std::vector<std::uint32_t>& open) {
    const std::size_t n = a_.client.size();
    f1_.assign(n, kNoSite);
    d1_.assign(n, kUnreachable);
    d2_.assign(n, kUnreachable);
    for (std::size_t k = 0; k < n; ++k) {
      const auto row = instance_.cost.row(a_.client[k]);
      for (const std::uint32_t j : open) {
        const float c = row[j];
        if (f1_[k] == kNoSite || c < d1_[k] || (c == d1_[k] && j < f1_[k])) {
          d2_[k] = d1_[k];
          f1_[k] = j;
          d1_[k] = c;
        } else if (c < d2_[k]) {
          d2_[k] = c;
        }
      }
    }
  }

  const PlanInstance& instance_;
  const Active& a_;
  const Scorer& scorer_;
  const ProgressSink& progress_;
  std::vector<std::uint8_t> is_fixed_;
  SpendTracker spend_;
  std::vector<std::uint32_t> f1_;
  std::vector<float> d1_, d2_;
};

// The swap search from `start` with shakes of 1–3 random swaps (a small VNS, Hansen & Mladenović 1997).
std::pair<std::vector<std::uint32_t>, Key> swap_search(const PlanInstance& instance, const Active& active,
                                                       const Scorer& scorer, std::vector<std::uint32_t> start,
                                                       std::optional<double> budget, std::uint64_t seed,
                                                       Clock::time_point deadline, std::size_t& iterations,
                                                       const ProgressSink& progress) {
  SwapSearch search(instance, active, scorer, budget, progress);
  SpendTracker spend(instance, budget);
  Key best = search.descend(start, deadline, iterations);
  std::vector<std::uint32_t> best_open = start;
  const std::size_t m = instance.candidate_count();
  const std::vector<std::uint8_t> is_fixed = fixed_mask(m, instance.fixed_open);
  std::vector<std::size_t> free_positions;
  for (std::size_t q = 0; q < best_open.size(); ++q) {
    if (is_fixed[best_open[q]] == 0U) free_positions.push_back(q);
  }
  if (free_positions.empty() || best_open.size() >= m) return {best_open, best};
  Rng rng(seed, 7);
  std::size_t stall = 0;
  std::size_t k = 1;
  while (stall < 12 && Clock::now() < deadline && !progress.stop_requested()) {
    std::vector<std::uint32_t> open = best_open;
    spend.reset(open);
    for (std::size_t s = 0; s < k; ++s) {
      const std::size_t q = free_positions[rng.uniform_index(free_positions.size())];
      // A random closed site that keeps the plan within the budget (a few draws; else no move).
      for (int attempt = 0; attempt < 64; ++attempt) {
        const auto in = static_cast<std::uint32_t>(rng.uniform_index(m));
        if (std::find(open.begin(), open.end(), in) != open.end() || !spend.swap_fits(in, open[q])) continue;
        spend.swap(in, open[q]);
        open[q] = in;
        break;
      }
    }
    const Key key = search.descend(open, deadline, iterations);
    ++iterations;
    if (better(key, best)) {
      best = key;
      best_open = open;
      stall = 0;
      k = 1;
    } else {
      ++stall;
      k = k % 3 + 1;
    }
  }
  return {best_open, best};
}

std::vector<std::uint32_t> open_from(const detail::MipResult& result, std::size_t m) {
  std::vector<std::uint32_t> open;
  for (std::size_t j = 0; j < m; ++j) {
    if (result.solution[j] > 0.5) open.push_back(static_cast<std::uint32_t>(j));
  }
  return open;
}

struct MipOutcome {
  std::optional<std::vector<std::uint32_t>> open;
  std::optional<double> bound;  // on the primary objective (Rawls: ≤ optimum; Coverage: ≥ optimum)
  bool proven = false;
};

// Solves the second (tie-breaking) stage; its plan if it found one, else the first stage's.
std::optional<std::vector<std::uint32_t>> second_stage_sites(const detail::MipModel& model,
                                                             const detail::MipResult& first, std::size_t m,
                                                             double seconds, const ProgressSink& progress) {
  const detail::MipResult second = detail::solve_mip(model, seconds, std::nullopt, &progress);
  if (second.has_solution) return open_from(second, m);
  if (first.has_solution) return open_from(first, m);
  return std::nullopt;
}

// The rows on the site variables every group MIP has: Σ_j y_j = p_total and the opening-cost budget.
struct SiteRows {
  int count = -1;
  int budget = -1;  // −1 without a budget
};

SiteRows add_site_rows(detail::MipModel& model, std::size_t p_total, std::optional<double> budget) {
  const auto total = static_cast<double>(p_total);
  SiteRows rows;
  rows.count = model.add_row(total, total);
  if (budget) rows.budget = model.add_row(-1e30, *budget);
  return rows;
}

// Appends site j's coefficients in those rows to `entries`.
void add_site_entries(const PlanInstance& instance, const SiteRows& rows, std::size_t j, bool fixed_site,
                      std::vector<std::pair<int, double>>& entries) {
  entries.emplace_back(rows.count, 1.0);
  detail::add_budget_entry(instance, rows.budget, j, fixed_site, entries);
}

// One "≤ 0" row per focus group with demand (−1 for the others).
std::vector<int> add_focus_group_rows(detail::MipModel& model, const Active& a, const Scorer& scorer) {
  std::vector<int> group_row(a.group_demand.size(), -1);
  for (std::size_t g = 0; g < group_row.size(); ++g) {
    if (a.group_demand[g] > 0.0 && scorer.in_focus(g)) group_row[g] = model.add_row(-1e30, 0.0);
  }
  return group_row;
}

// Rawls min–max of group means (stage 1) then Σ w c with the worst mean held (stage 2), both on the
// ReVelle–Swain assignment variables.
MipOutcome rawls_mip(const PlanInstance& instance, const Active& a, const Scorer& scorer, std::size_t p_total,
                     std::optional<double> budget, double incumbent, Clock::time_point deadline,
                     const ProgressSink& progress) {
  const std::size_t m = instance.candidate_count();
  const std::size_t n = a.client.size();
  const std::size_t groups = a.group_demand.size();
  detail::MipModel model;
  std::vector<int> assign_row(n);
  for (std::size_t k = 0; k < n; ++k) assign_row[k] = model.add_row(1.0, 1.0);
  const SiteRows site_rows = add_site_rows(model, p_total, budget);
  const std::vector<int> group_row = add_focus_group_rows(model, a, scorer);
  const std::vector<float> cutoff = nearest_existing(instance, a);
  std::vector<int> link_row(n * m, -1);
  for (std::size_t k = 0; k < n; ++k) {
    for (std::size_t j = 0; j < m; ++j) {
      const float c = instance.cost.at(a.client[k], j);
      if (c != kUnreachable && c <= cutoff[k]) link_row[k * m + j] = model.add_row(-1e30, 0.0);
    }
  }
  const std::vector<std::uint8_t> is_fixed = fixed_mask(m, instance.fixed_open);
  std::vector<std::pair<int, double>> entries;
  for (std::size_t j = 0; j < m; ++j) {
    entries.clear();
    add_site_entries(instance, site_rows, j, is_fixed[j] != 0U, entries);
    for (std::size_t k = 0; k < n; ++k) {
      if (link_row[k * m + j] >= 0) entries.emplace_back(link_row[k * m + j], -1.0);
    }
    model.add_column(0.0, is_fixed[j] != 0U ? 1.0 : 0.0, 1.0, true, entries);
  }
  std::vector<int> x_column(n * m, -1);
  for (std::size_t k = 0; k < n; ++k) {
    const double share = a.weight[k] / a.group_demand[a.group[k]];
    for (std::size_t j = 0; j < m; ++j) {
      if (link_row[k * m + j] < 0) continue;
      const double c = instance.cost.at(a.client[k], j);
      std::vector<std::pair<int, double>> x_entries{{assign_row[k], 1.0}, {link_row[k * m + j], 1.0}};
      if (group_row[a.group[k]] >= 0) x_entries.emplace_back(group_row[a.group[k]], share * c);
      x_column[k * m + j] = model.add_column(0.0, 0.0, 1.0, false, x_entries);
    }
  }
  entries.clear();
  for (std::size_t g = 0; g < groups; ++g) {
    if (group_row[g] >= 0) entries.emplace_back(group_row[g], -1.0);
  }
  const int t_column = model.add_column(1.0, 0.0, 1e30, false, entries);
  const auto remaining = [&] {
    return std::max(0.5, std::chrono::duration<double>(deadline - Clock::now()).count());
  };
  MipOutcome outcome;
  const detail::MipResult first = detail::solve_mip(model, remaining() * 0.6, std::nullopt, &progress);
  outcome.bound = first.bound;
  outcome.proven = first.proven_optimal;
  double worst = incumbent;
  if (first.has_solution) worst = std::min(worst, first.objective);
  // Stage 2: hold the worst group mean, minimise the total cost.
  const auto t = static_cast<std::size_t>(t_column);
  model.objective[t] = 0.0;
  model.column_upper[t] = worst * (1.0 + 1e-9) + 1e-9;
  for (std::size_t k = 0; k < n; ++k) {
    for (std::size_t j = 0; j < m; ++j) {
      if (x_column[k * m + j] >= 0) {
        model.objective[static_cast<std::size_t>(x_column[k * m + j])] =
            a.weight[k] * instance.cost.at(a.client[k], j);
      }
    }
  }
  outcome.open = second_stage_sites(model, first, m, remaining(), progress);
  return outcome;
}

// Maximin group coverage (stage 1) then the covered demand with the worst share held (stage 2).
MipOutcome coverage_mip(const PlanInstance& instance, const Active& a, const Scorer& scorer,
                        std::size_t p_total, std::optional<double> budget, double radius, double incumbent,
                        Clock::time_point deadline, const ProgressSink& progress) {
  const std::size_t m = instance.candidate_count();
  const std::size_t n = a.client.size();
  const std::size_t groups = a.group_demand.size();
  detail::MipModel model;
  std::vector<int> cover_row(n);
  for (std::size_t k = 0; k < n; ++k) cover_row[k] = model.add_row(-1e30, 0.0);
  const SiteRows site_rows = add_site_rows(model, p_total, budget);
  const std::vector<int> group_row = add_focus_group_rows(model, a, scorer);
  const std::vector<std::uint8_t> is_fixed = fixed_mask(m, instance.fixed_open);
  std::vector<std::pair<int, double>> entries;
  for (std::size_t j = 0; j < m; ++j) {
    entries.clear();
    add_site_entries(instance, site_rows, j, is_fixed[j] != 0U, entries);
    for (std::size_t k = 0; k < n; ++k) {
      if (instance.cost.at(a.client[k], j) <= radius) entries.emplace_back(cover_row[k], -1.0);
    }
    model.add_column(0.0, is_fixed[j] != 0U ? 1.0 : 0.0, 1.0, true, entries);
  }
  std::vector<int> z_column(n);
  for (std::size_t k = 0; k < n; ++k) {
    std::vector<std::pair<int, double>> z_entries{{cover_row[k], 1.0}};
    // Clients outside the focus groups have no group row (−1: CBC aborted on it).
    if (group_row[a.group[k]] >= 0) {
      z_entries.emplace_back(group_row[a.group[k]], -a.weight[k] / a.group_demand[a.group[k]]);
    }
    z_column[k] = model.add_column(0.0, 0.0, 1.0, false, z_entries);
  }
  entries.clear();
  for (std::size_t g = 0; g < groups; ++g) {
    if (group_row[g] >= 0) entries.emplace_back(group_row[g], 1.0);
  }
  const int s_column = model.add_column(-1.0, 0.0, 1.0, false, entries);
  const auto remaining = [&] {
    return std::max(0.5, std::chrono::duration<double>(deadline - Clock::now()).count());
  };
  MipOutcome outcome;
  const detail::MipResult first = detail::solve_mip(model, remaining() * 0.6, std::nullopt, &progress);
  outcome.bound = -first.bound;
  outcome.proven = first.proven_optimal;
  double worst = incumbent;
  if (first.has_solution) worst = std::max(worst, -first.objective);
  const auto s = static_cast<std::size_t>(s_column);
  model.objective[s] = 0.0;
  model.column_lower[s] = std::max(0.0, worst * (1.0 - 1e-9) - 1e-12);
  for (std::size_t k = 0; k < n; ++k) model.objective[static_cast<std::size_t>(z_column[k])] = -a.weight[k];
  outcome.open = second_stage_sites(model, first, m, remaining(), progress);
  return outcome;
}

// Minimum max−min gap of the group means (stage 1), then Σ w c with the gap held (stage 2), under the
// total-cost cap (and budget). The gap rewards a HIGHER cost for the best-served group, so the
// ReVelle–Swain x_ij would let the model send clients past their nearest open site; the exact-assignment
// (radius) formulation pins each client's cost to its nearest open site instead (Cornuéjols, Nemhauser &
// Wolsey 1980; Elloumi 2010): with client k's sorted distinct costs D_1 < … < D_L, z_kl = 1 iff every site
// with cost ≤ D_l is closed, cost_k = D_1 + Σ_l (D_{l+1} − D_l) z_kl, and for integral y the rows
//   z_k1 + Σ_{c_kj = D_1} y_j ≥ 1,  z_kl − z_k,l−1 + Σ_{c_kj = D_l} y_j ≥ 0,  z_kl ≤ z_k,l−1,
//   z_kl + y_j ≤ 1 (c_kj = D_l),  z_kL = 0 (served)
// leave z no freedom. Levels past the client's nearest existing site are dropped (z is 0 there).
MipOutcome gap_mip(const PlanInstance& instance, const Active& a, std::size_t p_total,
                   std::optional<double> budget, double cap, double incumbent, Clock::time_point deadline,
                   const ProgressSink& progress) {
  const std::size_t m = instance.candidate_count();
  const std::size_t n = a.client.size();
  const std::size_t groups = a.group_demand.size();
  const std::vector<std::uint8_t> is_fixed = fixed_mask(m, instance.fixed_open);
  detail::MipModel model;
  const SiteRows site_rows = add_site_rows(model, p_total, budget);
  const int cap_row = model.add_row(-1e30, 0.0);  // upper bound set below, once Σ w D_1 is known
  std::vector<int> upper_row(groups, -1), lower_row(groups, -1);
  for (std::size_t g = 0; g < groups; ++g) {
    if (a.group_demand[g] <= 0.0) continue;
    upper_row[g] = model.add_row(-1e30, 0.0);  // M_g − U ≤ 0
    lower_row[g] = model.add_row(-1e30, 0.0);  // L − M_g ≤ 0
  }
  std::vector<std::vector<std::pair<int, double>>> site_entries(m);
  for (std::size_t j = 0; j < m; ++j) {
    add_site_entries(instance, site_rows, j, is_fixed[j] != 0U, site_entries[j]);
  }
  struct Level {
    double cost;
    std::vector<std::uint32_t> sites;
  };
  struct LevelColumn {
    double delta;  // D_{l+1} − D_l (0 for the last level)
    std::vector<std::pair<int, double>> entries;
  };
  std::vector<std::vector<LevelColumn>> client_columns(n);
  double fixed_total = 0.0;
  std::vector<double> fixed_mean(groups, 0.0);
  std::vector<std::uint32_t> order(m);
  for (std::size_t k = 0; k < n; ++k) {
    const auto row = instance.cost.row(a.client[k]);
    order.resize(m);
    std::iota(order.begin(), order.end(), 0U);
    order.erase(
        std::remove_if(order.begin(), order.end(), [&](std::uint32_t j) { return row[j] == kUnreachable; }),
        order.end());
    std::sort(order.begin(), order.end(), [&](std::uint32_t x, std::uint32_t y) { return row[x] < row[y]; });
    std::vector<Level> levels;
    for (const std::uint32_t j : order) {
      if (levels.empty() || row[j] != levels.back().cost) {
        if (!levels.empty() && std::any_of(levels.back().sites.begin(), levels.back().sites.end(),
                                           [&](std::uint32_t f) { return is_fixed[f] != 0U; })) {
          break;  // an existing site at the previous level: the client never pays more
        }
        levels.push_back({row[j], {}});
      }
      levels.back().sites.push_back(j);
    }
    if (levels.empty()) continue;  // unreachable in every plan (the p-median reports it)
    const double share = a.weight[k] / a.group_demand[a.group[k]];
    fixed_total += a.weight[k] * levels.front().cost;
    fixed_mean[a.group[k]] += share * levels.front().cost;
    const std::size_t count = levels.size();
    std::vector<int> ge(count), le(count, -1);
    for (std::size_t l = 0; l < count; ++l) {
      ge[l] = model.add_row(l == 0 ? 1.0 : 0.0, 1e30);
      if (l > 0) le[l] = model.add_row(-1e30, 0.0);
    }
    auto& columns = client_columns[k];
    columns.resize(count);
    for (std::size_t l = 0; l < count; ++l) {
      auto& column = columns[l];
      column.delta = l + 1 < count ? levels[l + 1].cost - levels[l].cost : 0.0;
      column.entries.emplace_back(ge[l], 1.0);
      if (l + 1 < count) column.entries.emplace_back(ge[l + 1], -1.0);
      if (l > 0) column.entries.emplace_back(le[l], 1.0);
      if (l + 1 < count) column.entries.emplace_back(le[l + 1], -1.0);
      for (const std::uint32_t j : levels[l].sites) {
        site_entries[j].emplace_back(ge[l], 1.0);
        const int pair = model.add_row(-1e30, 1.0);
        site_entries[j].emplace_back(pair, 1.0);
        column.entries.emplace_back(pair, 1.0);
      }
      if (column.delta > 0.0) {
        column.entries.emplace_back(upper_row[a.group[k]], share * column.delta);
        column.entries.emplace_back(lower_row[a.group[k]], -share * column.delta);
        column.entries.emplace_back(cap_row, a.weight[k] * column.delta);
      }
    }
  }
  model.row_upper[static_cast<std::size_t>(cap_row)] = cap * (1.0 + 1e-9) - fixed_total;
  for (std::size_t g = 0; g < groups; ++g) {
    if (upper_row[g] < 0) continue;
    model.row_upper[static_cast<std::size_t>(upper_row[g])] = -fixed_mean[g];
    model.row_upper[static_cast<std::size_t>(lower_row[g])] = fixed_mean[g];
  }
  for (std::size_t j = 0; j < m; ++j)
    model.add_column(0.0, is_fixed[j] != 0U ? 1.0 : 0.0, 1.0, true, site_entries[j]);
  std::vector<std::pair<int, int>> z_columns;  // (active client, column) for stage 2's objective
  std::vector<double> z_weight;
  for (std::size_t k = 0; k < n; ++k) {
    const auto& columns = client_columns[k];
    for (std::size_t l = 0; l < columns.size(); ++l) {
      const bool last = l + 1 == columns.size();
      const int column = model.add_column(0.0, 0.0, last ? 0.0 : 1.0, false, columns[l].entries);
      z_columns.emplace_back(static_cast<int>(k), column);
      z_weight.push_back(a.weight[k] * columns[l].delta);
    }
  }
  client_columns.clear();
  // U and L: U ≥ every group mean, L ≤ every group mean; stage 1 minimises U − L.
  std::vector<std::pair<int, double>> u_entries, l_entries;
  const int hold_row = model.add_row(-1e30, 1e30);  // stage 2: U − L ≤ the stage-1 gap
  for (std::size_t g = 0; g < groups; ++g) {
    if (upper_row[g] < 0) continue;
    u_entries.emplace_back(upper_row[g], -1.0);
    l_entries.emplace_back(lower_row[g], 1.0);
  }
  u_entries.emplace_back(hold_row, 1.0);
  l_entries.emplace_back(hold_row, -1.0);
  const int u_column = model.add_column(1.0, 0.0, 1e30, false, u_entries);
  const int l_column = model.add_column(-1.0, 0.0, 1e30, false, l_entries);
  const auto remaining = [&] {
    return std::max(0.5, std::chrono::duration<double>(deadline - Clock::now()).count());
  };
  MipOutcome outcome;
  const detail::MipResult first = detail::solve_mip(model, remaining() * 0.6, std::nullopt, &progress);
  outcome.bound = std::max(0.0, first.bound);
  outcome.proven = first.proven_optimal;
  if (first.proven_infeasible) return outcome;
  double gap = incumbent;
  if (first.has_solution) gap = std::min(gap, first.objective);
  model.objective[static_cast<std::size_t>(u_column)] = 0.0;
  model.objective[static_cast<std::size_t>(l_column)] = 0.0;
  model.row_upper[static_cast<std::size_t>(hold_row)] = gap * (1.0 + 1e-9) + 1e-9;
  for (std::size_t c = 0; c < z_columns.size(); ++c) {
    model.objective[static_cast<std::size_t>(z_columns[c].second)] = z_weight[c];
  }
  outcome.open = second_stage_sites(model, first, m, remaining(), progress);
  return outcome;
}

// max over groups of (the group's own p-median bound / its demand): no plan serves a group better.
double rawls_group_bound(const PlanInstance& instance, const Active& a, const Scorer& scorer,
                         const PMedianOptions& base, Clock::time_point deadline,
                         const ProgressSink& progress) {
  double bound = 0.0;
  StopRelay stop(progress);
  for (std::size_t g = 0; g < a.group_demand.size(); ++g) {
    if (a.group_demand[g] <= 0.0 || !scorer.in_focus(g)) continue;
    throw_if_stopped(progress);
    PlanInstance sub;
    std::vector<std::size_t> rows;
    for (std::size_t k = 0; k < a.client.size(); ++k) {
      if (a.group[k] == g) rows.push_back(a.client[k]);
    }
    sub.cost = CostMatrix(rows.size(), instance.candidate_count());
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const auto row = instance.cost.row(rows[r]);
      std::copy(row.begin(), row.end(),
                sub.cost.values.begin() + static_cast<std::ptrdiff_t>(r * row.size()));
      sub.demand.push_back(instance.demand[rows[r]]);
    }
    sub.groups = one_group(rows.size(), "all");
    sub.fixed_open = instance.fixed_open;
    PMedianOptions options = base;
    options.time_limit_seconds =
        std::max(0.2, std::chrono::duration<double>(deadline - Clock::now()).count() /
                          static_cast<double>(a.group_demand.size()));
    const PlanSolution solution = solve_pmedian(sub, options, stop);
    if (solution.lower_bound) bound = std::max(bound, *solution.lower_bound / a.group_demand[g]);
  }
  return bound;
}

// Lagrangian dual of the min–max over the focus groups (Rawls): for λ on the simplex,
// max_g mean_g ≥ Σ_g λ_g mean_g, so every lower bound of the p-median with client weights λ_g w_i / D_g
// bounds the Rawls optimum (Ogryczak 2000 uses the same aggregation for minimax location). λ = a unit
// vector is a group's own p-median (rawls_group_bound); exponentiated-gradient steps λ_g ∝ λ_g e^{η mean_g}
// (the weighted plan's group means are a subgradient of the dual function) move the weight towards the
// groups that plan serves worst. Every weighted plan is also a Rawls candidate, handed to `consider`;
// the rounds stop once the bound reaches `incumbent()`.
template <typename Consider, typename Incumbent>
double rawls_dual_bound(const PlanInstance& instance, const Active& a, const Scorer& scorer,
                        const PMedianOptions& base, Clock::time_point deadline, Consider&& consider,
                        Incumbent&& incumbent, const ProgressSink& progress) {
  std::vector<std::uint32_t> focus;
  for (std::size_t g = 0; g < a.group_demand.size(); ++g) {
    if (a.group_demand[g] > 0.0 && scorer.in_focus(g)) focus.push_back(static_cast<std::uint32_t>(g));
  }
  if (focus.size() < 2) return 0.0;  // one group: its own p-median bound is already the dual
  PlanInstance weighted = instance;  // the costs are copied once; the weights change every round
  std::vector<double> lambda(a.group_demand.size(), 0.0);
  for (const std::uint32_t g : focus) lambda[g] = 1.0 / static_cast<double>(focus.size());
  std::vector<double> mean(a.group_demand.size());
  double bound = 0.0;
  constexpr int kRounds = 24;
  for (int round = 0; round < kRounds; ++round) {
    const double remaining = std::chrono::duration<double>(deadline - Clock::now()).count();
    if (remaining <= 0.0) break;
    throw_if_stopped(progress);
    std::fill(weighted.demand.begin(), weighted.demand.end(), 0.0);
    for (std::size_t k = 0; k < a.client.size(); ++k) {
      const std::uint32_t g = a.group[k];
      weighted.demand[a.client[k]] = lambda[g] * a.weight[k] / a.group_demand[g];
    }
    PMedianOptions options = base;
    options.time_limit_seconds = std::max(0.05, remaining / static_cast<double>(kRounds - round));
    StopRelay stop(progress);
    const PlanSolution solution = solve_pmedian(weighted, options, stop);
    if (solution.status == SolveStatus::Infeasible || solution.open.empty()) break;
    if (solution.lower_bound) bound = std::max(bound, *solution.lower_bound);
    consider(solution.open);
    if (bound >= incumbent() * (1.0 - 1e-12)) break;
    const Evaluation evaluation = evaluate_plan(instance, solution.open);
    std::fill(mean.begin(), mean.end(), 0.0);
    for (std::size_t k = 0; k < a.client.size(); ++k) {
      mean[a.group[k]] += a.weight[k] * evaluation.assigned_cost[a.client[k]] / a.group_demand[a.group[k]];
    }
    double worst = 0.0;
    for (const std::uint32_t g : focus) worst = std::max(worst, mean[g]);
    if (!(worst > 0.0) || !std::isfinite(worst)) break;
    const double step = 2.0 / std::sqrt(1.0 + round);
    double total = 0.0;
    for (const std::uint32_t g : focus) {
      lambda[g] *= std::exp(step * (mean[g] - worst) / worst);
      total += lambda[g];
    }
    for (const std::uint32_t g : focus) lambda[g] /= total;
  }
  return bound;
}

}  // namespace

std::string_view group_objective_name(GroupObjective objective) noexcept {
  switch (objective) {
    case GroupObjective::Rawls:
      return "rawls";
    case GroupObjective::Coverage:
      return "coverage";
    case GroupObjective::Gap:
      return "gap";
  }
  return "unknown";
}

double group_objective_value(const PlanInstance& instance, const Evaluation& evaluation,
                             GroupObjective objective, std::optional<double> radius,
                             std::span<const std::uint32_t> focus) {
  const Active a = active_clients(instance);
  const Scorer scorer(a, objective, radius, std::nullopt, focus);
  std::vector<double> sum(a.group_demand.size()), covered(a.group_demand.size());
  const Key key = scorer.score(
      [&](std::size_t k) {
        const std::size_t i = a.client[k];
        return evaluation.assignment[i] == kNoSite ? kInf : static_cast<double>(evaluation.assigned_cost[i]);
      },
      sum, covered);
  return objective == GroupObjective::Coverage ? -key.primary : key.primary;
}

GroupFairResult solve_group_fair(const PlanInstance& instance, const GroupFairOptions& options,
                                 ProgressSink& progress) {
  const auto start = Clock::now();
  instance.validate();
  if (options.objective == GroupObjective::Coverage && !options.radius) {
    throw Error(ErrorCode::InvalidInput, "the coverage objective needs a radius",
                "set `radius`: the covering radius in the cost unit");
  }
  if (options.radius && !(*options.radius >= 0.0)) {
    throw Error(ErrorCode::InvalidInput, fmt::format("radius {} is negative", *options.radius),
                "set `radius` ≥ 0");
  }
  if (!(options.cost_slack >= 0.0) || !std::isfinite(options.cost_slack)) {
    throw Error(ErrorCode::InvalidInput, fmt::format("cost slack {} is not ≥ 0", options.cost_slack),
                "set `cost_slack` ≥ 0 (0.1 = at most 10 % above the p-median total)");
  }
  for (const std::uint32_t g : options.focus_groups) {
    if (g >= instance.group_count()) {
      throw Error(ErrorCode::InvalidInput, fmt::format("focus group {} is out of range", g),
                  "name groups that occur in the group column");
    }
  }
  const auto deadline = start + std::chrono::duration_cast<Clock::duration>(
                                    std::chrono::duration<double>(options.time_limit_seconds));
  ProgressTask task(progress, "group-fair plan", 3);
  GroupFairResult result;
  PMedianOptions pmedian;
  pmedian.p = options.p;
  pmedian.seed = options.seed;
  pmedian.time_limit_seconds = options.time_limit_seconds / 3.0;
  pmedian.target_gap = options.target_gap;
  if (auto refused = refuse_capacities(instance, "the group objectives")) {
    result.plan = std::move(*refused);
    return result;
  }
  SiteConstraints constraints;
  constraints.budget = options.budget;
  constraints.mip_max_pairs = options.mip_max_pairs;
  result.efficient = solve_pmedian_constrained(instance, pmedian, constraints, progress);
  task.tick();
  if (result.efficient.status == SolveStatus::Infeasible || result.efficient.open.empty()) {
    result.plan = result.efficient;
    return result;
  }
  const Active a = active_clients(instance);
  const Evaluation efficient = evaluate_plan(instance, result.efficient.open);
  result.efficient_total = efficient.total_cost;
  result.efficient_objective =
      group_objective_value(instance, efficient, options.objective, options.radius, options.focus_groups);
  std::optional<double> cap;
  if (options.objective == GroupObjective::Gap) {
    cap = efficient.total_cost * (1.0 + options.cost_slack);
    result.cost_cap = cap;
  }
  const Scorer scorer(a, options.objective, options.radius, cap, options.focus_groups);

  // Heuristic plan from the p-median plan.
  std::size_t iterations = 0;
  // Named variables, not a structured binding: the lambdas below capture them (C++20 allows it, clang 14
  // not).
  auto searched = swap_search(instance, a, scorer, result.efficient.open, options.budget, options.seed,
                              deadline, iterations, progress);
  throw_if_stopped(progress);
  std::vector<std::uint32_t> open = std::move(searched.first);
  Key key = searched.second;
  result.method = "swap_search";
  task.tick();

  PlanSolution& plan = result.plan;
  std::optional<double> bound;
  bool mip_proven = false;
  std::vector<std::uint32_t> fixed = instance.fixed_open;
  std::sort(fixed.begin(), fixed.end());
  fixed.erase(std::unique(fixed.begin(), fixed.end()), fixed.end());
  const std::size_t p_total = options.p + fixed.size();
  const auto consider_mip = [&](const MipOutcome& outcome) {
    if (outcome.open && outcome.open->size() == p_total) {
      SwapSearch evaluator(instance, a, scorer, std::nullopt);
      const Key mip_key = evaluator.evaluate(*outcome.open);
      if (better(mip_key, key)) {
        open = *outcome.open;
        key = mip_key;
        result.method = "cbc";
      }
    }
    bound = outcome.bound;
    mip_proven = outcome.proven;
    result.bound_method = "cbc";
  };
  const bool small = mip_pairs(instance, a) <= options.mip_max_pairs;
  if (options.objective == GroupObjective::Rawls) {
    // The Lagrangian dual first (cheap: a few weighted p-medians), CBC only for a gap it leaves open: on
    // OR-Library pmed6 with two groups of 100 clients CBC spent 68 s proving what the dual proves in
    // 0.4 s. With CBC still to come the dual gets a third of the time.
    const auto dual_deadline = small ? Clock::now() + (deadline - Clock::now()) / 3 : deadline;
    // A third of the dual's time for each group's own p-median bound, the rest for the dual rounds.
    const auto groups_deadline = Clock::now() + (dual_deadline - Clock::now()) / 3;
    bound = rawls_group_bound(instance, a, scorer, pmedian, groups_deadline, progress);
    result.bound_method = "group_pmedian";
    SwapSearch evaluator(instance, a, scorer, std::nullopt);
    const auto consider_plan = [&](const std::vector<std::uint32_t>& candidate) {
      if (options.budget && new_site_spend(instance, candidate) > *options.budget * (1.0 + 1e-12)) return;
      const Key candidate_key = evaluator.evaluate(candidate);
      if (better(candidate_key, key)) {
        open = candidate;
        key = candidate_key;
        result.method = "lagrangian_dual";
      }
    };
    const auto proven = [&] { return *bound >= key.primary * (1.0 - options.target_gap); };
    if (!proven()) {
      const double dual = rawls_dual_bound(
          instance, a, scorer, pmedian, dual_deadline, consider_plan, [&] { return key.primary; }, progress);
      if (dual > *bound) {
        bound = dual;
        result.bound_method = "lagrangian_dual";
      }
    }
    // CBC also breaks ties on the total cost exactly; once the worst group mean is proven within
    // `target_gap` the swap search's plan (and its tie-break) is kept rather than paying for a MIP.
    if (small && !proven() && Clock::now() < deadline) {
      const double dual = *bound;
      const std::string dual_method = result.bound_method;
      consider_mip(rawls_mip(instance, a, scorer, p_total, options.budget, key.primary, deadline, progress));
      if (!mip_proven && bound.value_or(0.0) <= dual) result.bound_method = dual_method;
      bound = std::max(bound.value_or(0.0), dual);
    }
  } else if (options.objective == GroupObjective::Coverage) {
    consider_mip(coverage_mip(instance, a, scorer, p_total, options.budget, *options.radius, -key.primary,
                              deadline, progress));
  } else if (small && key.primary > 0.0 && Clock::now() < deadline) {
    consider_mip(gap_mip(instance, a, p_total, options.budget, *cap, key.primary, deadline, progress));
  }
  throw_if_stopped(progress);
  task.tick();

  std::sort(open.begin(), open.end());
  plan.open = open;
  const Evaluation evaluation = evaluate_plan(instance, plan.open);
  plan.assignment = evaluation.assignment;
  plan.unserved_clients = evaluation.unserved_clients;
  plan.iterations = iterations;
  plan.objective =
      group_objective_value(instance, evaluation, options.objective, options.radius, options.focus_groups);
  plan.maximize = options.objective == GroupObjective::Coverage;
  result.total_cost = evaluation.total_cost;
  result.price_of_fairness = result.efficient_total > 0.0
                                 ? (result.total_cost - result.efficient_total) / result.efficient_total
                                 : 0.0;
  if (options.objective == GroupObjective::Gap && !bound) {
    bound = 0.0;  // a gap is never negative
    result.bound_method = "trivial";
  }
  // CBC proved its stage-1 optimum; our float-cost re-evaluation may differ from it in the last digits.
  if (mip_proven && bound && std::abs(plan.objective - *bound) <= 1e-7 * std::max(1.0, std::abs(*bound))) {
    bound = plan.objective;
  }
  if (bound) {
    plan.lower_bound = plan.maximize ? std::max(*bound, plan.objective) : std::min(*bound, plan.objective);
  }
  set_gap_status(plan, options.target_gap, false);
  if (plan.status == SolveStatus::GapNotClosed) {
    if (options.objective == GroupObjective::Gap) {
      plan.message = small
                         ? fmt::format("CBC's bound leaves a gap of {:.3g}% on the max−min gap (time limit)",
                                       100.0 * plan.gap.value_or(1.0))
                         : fmt::format(
                               "swap search; beyond `mip_max_pairs` ({}) the only bound on the "
                               "max−min gap is 0: raise it, or use fewer clients or candidates",
                               options.mip_max_pairs);
    } else {
      plan.message =
          fmt::format("the bound leaves a gap of {:.3g}% on the worst group", 100.0 * plan.gap.value_or(1.0));
    }
  }
  plan.seconds = seconds_since(start);
  throw_if_stopped(progress);
  return result;
}

}  // namespace equalis::plan
