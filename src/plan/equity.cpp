#include "plan/equity.hpp"

#include "core/error.hpp"
#include "core/stopwatch.hpp"
#include "plan/covering.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

namespace equalis::plan {

double kolm_pollak_ede(const PlanInstance& instance, const Evaluation& evaluation, double kappa) {
  double weight = 0.0;
  double mean = 0.0;
  for (std::size_t i = 0; i < instance.client_count(); ++i) {
    if (instance.demand[i] <= 0.0 || evaluation.assignment[i] == kNoSite) continue;
    weight += instance.demand[i];
    mean += instance.demand[i] * evaluation.assigned_cost[i];
  }
  if (weight <= 0.0) return 0.0;
  mean /= weight;
  if (kappa == 0.0) return mean;
  // Shifted by the maximum so the exponentials cannot overflow.
  double shift = 0.0;
  for (std::size_t i = 0; i < instance.client_count(); ++i) {
    if (instance.demand[i] > 0.0 && evaluation.assignment[i] != kNoSite) {
      shift = std::max(shift, kappa * evaluation.assigned_cost[i]);
    }
  }
  double sum = 0.0;
  for (std::size_t i = 0; i < instance.client_count(); ++i) {
    if (instance.demand[i] <= 0.0 || evaluation.assignment[i] == kNoSite) continue;
    sum += instance.demand[i] * std::exp(kappa * evaluation.assigned_cost[i] - shift);
  }
  return (std::log(sum / weight) + shift) / kappa;
}

namespace {

// The nearest float not above `value`, so that a transformed cost never rounds up (a bound computed on
// rounded-down costs stays a bound on the true optimum).
float float_at_most(double value) {
  auto rounded = static_cast<float>(value);
  if (static_cast<double>(rounded) > value) rounded = std::nextafter(rounded, 0.0F);
  return rounded;
}

// The Kolm–Pollak p-median as a p-median: cost t_ij = e^{κ (c_ij − anchor)}. Minimising Σ w_i t_i(plan)
// = W e^{κ (EDE − anchor)} minimises the EDE, and EDE = anchor + ln(Σ w t / W) / κ maps objectives and
// bounds back exactly. The anchor is the EDE of the best plan known, so that plan's transformed total is
// W: its terms cannot overflow, and a plan near it keeps its terms far from float underflow (an anchor
// far above the optimum, e.g. e^{κ c} − 1 at a high aversion, loses every term of the good plans).
// A term w_i t_ij above that incumbent total W can be in no better plan, so t_ij is capped at 2 W / w_i:
// the optimum and every valid bound are unchanged, and the floats stay finite. Each client's cheapest
// term f_i is subtracted (a constant per client: the same plans are optimal), so that the solver's
// relative gap is measured on what the plan can change; `offset` = Σ w_i f_i adds it back.
struct ExponentialCosts {
  PlanInstance instance;
  double offset = 0.0;
};

ExponentialCosts exponential_costs(const PlanInstance& instance, double kappa, double anchor, double weight) {
  ExponentialCosts result{instance, 0.0};
  constexpr double kFloatCeiling = 1e37;
  std::vector<double> terms(instance.candidate_count());
  for (std::size_t i = 0; i < instance.client_count(); ++i) {
    const double w = instance.demand[i];
    const double cap = w > 0.0 ? std::min(2.0 * weight / w, kFloatCeiling) : 1.0;
    double floor = std::numeric_limits<double>::infinity();
    for (std::size_t j = 0; j < instance.candidate_count(); ++j) {
      const float c = instance.cost.at(i, j);
      if (c == kUnreachable) continue;
      terms[j] = std::min(cap, std::exp(kappa * (static_cast<double>(c) - anchor)));
      floor = std::min(floor, terms[j]);
    }
    if (!std::isfinite(floor)) continue;  // reaches no site
    if (w > 0.0) result.offset += w * floor;
    for (std::size_t j = 0; j < instance.candidate_count(); ++j) {
      float& c = result.instance.cost.at(i, j);
      if (c != kUnreachable) c = float_at_most(terms[j] - floor);
    }
  }
  return result;
}

// Σ w e^{κc} ≥ w_i e^{κ c_i} for every client, so EDE ≥ max_i (c_i − ln(W / w_i) / κ) for every plan: a
// p-center on the costs shifted by −ln(w_max / w_i) / κ, less ln(W / w_max) / κ, bounds the EDE. Nearly
// tight at a high aversion, where the EDE approaches the largest cost and the Lagrangian bound of the
// transformed p-median (a p-center in disguise) is weak. Shifted costs are clamped at 0, which changes no
// p-center value above 0, and rounded down to float (the bound stays a bound).
std::optional<double> pcenter_bound(const PlanInstance& instance, std::size_t p, double kappa, double weight,
                                    std::optional<double> budget, double seconds) {
  double heaviest = 0.0;
  for (const double w : instance.demand) heaviest = std::max(heaviest, w);
  if (!(heaviest > 0.0) || !(weight > 0.0)) return std::nullopt;
  PlanInstance shifted = instance;
  for (std::size_t i = 0; i < instance.client_count(); ++i) {
    const double w = instance.demand[i];
    if (w <= 0.0) continue;  // the p-center ignores clients without demand
    const double shift = std::log(heaviest / w) / kappa;
    for (std::size_t j = 0; j < instance.candidate_count(); ++j) {
      float& c = shifted.cost.at(i, j);
      if (c != kUnreachable) c = float_at_most(std::max(0.0, static_cast<double>(c) - shift));
    }
  }
  ExactOptions options;
  options.time_limit_seconds = std::max(0.1, seconds);
  options.budget = budget;
  const PlanSolution center = solve_pcenter(shifted, p, options);
  if (center.status == SolveStatus::Infeasible || !center.lower_bound || !(*center.lower_bound > 0.0)) {
    return std::nullopt;
  }
  return *center.lower_bound - std::log(weight / heaviest) / kappa;
}

double served_weight(const PlanInstance& instance, const Evaluation& evaluation) {
  double weight = 0.0;
  for (std::size_t i = 0; i < instance.client_count(); ++i) {
    if (instance.demand[i] > 0.0 && evaluation.assignment[i] != kNoSite) weight += instance.demand[i];
  }
  return weight;
}

struct KolmPollakSearch {
  PlanSolution best;  // objective = EDE
  double best_bound = -std::numeric_limits<double>::infinity();
  std::size_t iterations = 0;
};

}  // namespace

FairResult solve_kolm_pollak(const PlanInstance& instance, const PMedianOptions& options, double aversion,
                             const SiteConstraints& constraints, ProgressSink& progress) {
  if (!(aversion >= 0.0) || !std::isfinite(aversion)) {
    throw Error(ErrorCode::InvalidInput, fmt::format("inequality aversion {} is not ≥ 0", aversion),
                "set `aversion` ≥ 0 (0 = plain p-median; 0.5–2 are usual)");
  }
  if (aversion > kMaxAversion) {
    throw Error(ErrorCode::InvalidInput,
                fmt::format("inequality aversion {} is above {}", aversion, kMaxAversion),
                "the EDE is then the largest cost to within a millionth: use plan pcenter, or set "
                "`aversion` ≤ 1e6");
  }
  const auto start = SteadyClock::now();
  FairResult result;
  if (auto refused = refuse_capacities(instance, "the Kolm–Pollak objective")) {
    result.plan = std::move(*refused);
    return result;
  }
  result.efficient = solve_pmedian_constrained(instance, options, constraints, progress);
  if (result.efficient.status == SolveStatus::Infeasible || result.efficient.open.empty()) {
    result.plan = result.efficient;
    return result;
  }
  const Evaluation efficient = evaluate_plan(instance, result.efficient.open);
  const double weight = served_weight(instance, efficient);
  const double mean = weight > 0.0 ? efficient.total_cost / weight : 0.0;
  result.kappa = mean > 0.0 ? aversion / mean : 0.0;
  result.efficient_total = efficient.total_cost;
  result.efficient_ede = kolm_pollak_ede(instance, efficient, result.kappa);

  KolmPollakSearch search;
  search.best = result.efficient;
  search.best.objective = result.efficient_ede;
  search.best.lower_bound.reset();
  search.best.message.clear();
  // Jensen: the EDE of a cost ("bad") is at least its mean, and no plan has a lower mean than the
  // p-median optimum, so the p-median bound / W bounds the EDE too (exact at κ = 0).
  if (result.efficient.lower_bound && efficient.unserved_clients == 0 && weight > 0.0) {
    search.best_bound = *result.efficient.lower_bound / weight;
  }
  if (result.kappa > 0.0) {
    // Anchored at the best EDE so far and re-anchored while a solve lowers the EDE by more than a few
    // units of 1/κ: the terms of a much better plan are tiny against the anchor's (e^{−20} at aversion
    // 200 on pmed1), where the Lagrangian bound loses its footing. Quick rounds without a bound find the
    // anchor; then rounds with the bound certify the plan.
    constexpr double kReanchor = 8.0;
    const auto round = [&](bool certify, double seconds) {
      const double anchor = search.best.objective;
      PMedianOptions round_options = options;
      round_options.time_limit_seconds = std::max(0.05, seconds);
      round_options.lower_bound = certify && options.lower_bound;
      round_options.branch_and_bound = certify && options.branch_and_bound;
      // A relative gap g on Σ w t is an absolute gap ln(1/(1−g))/κ ≈ g/κ on the EDE, i.e. a relative one
      // of g / (κ EDE): ask for the EDE's tolerance (the solver's gap, on Σ w (t − f), is only tighter).
      round_options.target_gap = options.target_gap * std::min(1.0, result.kappa * anchor);
      const ExponentialCosts transformed = exponential_costs(instance, result.kappa, anchor, weight);
      const PlanSolution solved =
          solve_pmedian_constrained(transformed.instance, round_options, constraints, progress);
      search.iterations += solved.iterations;
      const double total_bound = std::max(0.0, solved.lower_bound.value_or(0.0)) + transformed.offset;
      if (certify && solved.lower_bound && total_bound > 0.0) {
        search.best_bound =
            std::max(search.best_bound, anchor + std::log(total_bound / weight) / result.kappa);
      }
      if (solved.status == SolveStatus::Infeasible || solved.status == SolveStatus::Unsupported ||
          solved.open.empty()) {
        return false;
      }
      const double ede = kolm_pollak_ede(instance, evaluate_plan(instance, solved.open), result.kappa);
      if (ede < search.best.objective) {
        search.best = solved;
        search.best.objective = ede;
        search.best.message.clear();
      }
      return ede < anchor - kReanchor / result.kappa;  // moved far: another round at the new anchor
    };
    const auto remaining = [&] { return options.time_limit_seconds - seconds_since(start); };
    for (int quick = 0; quick < 6 && remaining() > 0.0 && round(false, remaining() / 8.0); ++quick) {
    }
    const auto open_gap = [&] {
      return search.best.objective - search.best_bound > options.target_gap * search.best.objective;
    };
    // At a high aversion the p-center bound is cheap (a few set covers) and often closes the gap alone.
    constexpr double kPCenterAversion = 5.0;
    if (aversion >= kPCenterAversion && open_gap() && remaining() > 0.0 && efficient.unserved_clients == 0) {
      if (const auto bound = pcenter_bound(instance, options.p, result.kappa, weight, constraints.budget,
                                           remaining() / 3.0)) {
        search.best_bound = std::max(search.best_bound, *bound);
      }
    }
    for (int certified = 0; certified < 3 && open_gap() && remaining() > 0.0 && round(true, remaining());
         ++certified) {
    }
  }

  PlanSolution fair = std::move(search.best);
  const Evaluation evaluation = evaluate_plan(instance, fair.open);
  fair.assignment = evaluation.assignment;
  fair.unserved_clients = evaluation.unserved_clients;
  fair.iterations += search.iterations;
  result.total_cost = evaluation.total_cost;
  result.price_of_fairness = result.efficient_total > 0.0
                                 ? (result.total_cost - result.efficient_total) / result.efficient_total
                                 : 0.0;
  // The status is the EDE's own: a bound proven on the transformed costs says nothing more than what it
  // maps back to.
  fair.status = SolveStatus::GapNotClosed;
  if (std::isfinite(search.best_bound)) {
    fair.lower_bound = std::min(search.best_bound, fair.objective);
    set_gap_status(fair, options.target_gap, false);
  } else {
    fair.lower_bound.reset();
    fair.gap.reset();
  }
  if (fair.status == SolveStatus::GapNotClosed) {
    fair.message = fair.gap ? fmt::format(
                                  "the bound leaves a gap of {:.4g}% on the EDE (time limit or an "
                                  "open Lagrangian gap); the plan may not be optimal",
                                  100.0 * *fair.gap)
                            : "no bound on the EDE was proven; the plan may not be optimal";
  }
  fair.seconds = seconds_since(start);
  result.plan = std::move(fair);
  return result;
}

}  // namespace equalis::plan
