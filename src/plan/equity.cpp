#include "plan/equity.hpp"

#include "core/error.hpp"

#include <fmt/format.h>

#include <cmath>
#include <utility>

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

FairResult solve_kolm_pollak(const PlanInstance& instance, const PMedianOptions& options, double aversion,
                             const SiteConstraints& constraints, ProgressSink& progress) {
  if (!(aversion >= 0.0) || !std::isfinite(aversion)) {
    throw Error(ErrorCode::InvalidInput, fmt::format("inequality aversion {} is not ≥ 0", aversion),
                "set `aversion` ≥ 0 (0 = plain p-median; 0.5–2 are usual)");
  }
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
  double weight = 0.0;
  for (const double w : instance.demand) weight += w;
  const double mean = weight > 0.0 ? efficient.total_cost / weight : 0.0;
  result.kappa = mean > 0.0 ? aversion / mean : 0.0;
  result.efficient_total = efficient.total_cost;
  result.efficient_ede = kolm_pollak_ede(instance, efficient, result.kappa);
  PlanInstance transformed = instance;
  if (result.kappa > 0.0) {
    // e^{κc} − 1 keeps zero costs at zero; the exponent is capped where float would overflow.
    for (float& c : transformed.cost.values) {
      if (c != kUnreachable) c = static_cast<float>(std::expm1(std::min(80.0, result.kappa * c)));
    }
  }
  PlanSolution fair = solve_pmedian_constrained(transformed, options, constraints, progress);
  const Evaluation evaluation = evaluate_plan(instance, fair.open);
  result.total_cost = evaluation.total_cost;
  result.price_of_fairness = result.efficient_total > 0.0
                                 ? (result.total_cost - result.efficient_total) / result.efficient_total
                                 : 0.0;
  // The bound of the transformed p-median maps back to a bound on the EDE: EDE = ln(1 + T/W)/κ.
  const auto to_ede = [&](double transformed_total) {
    return result.kappa > 0.0 ? std::log1p(transformed_total / weight) / result.kappa
                              : transformed_total / weight;
  };
  if (fair.lower_bound) fair.lower_bound = to_ede(*fair.lower_bound);
  fair.objective = kolm_pollak_ede(instance, evaluation, result.kappa);
  if (fair.lower_bound) {
    fair.lower_bound = std::min(*fair.lower_bound, fair.objective);
    fair.gap = fair.objective > 0.0 ? (fair.objective - *fair.lower_bound) / fair.objective : 0.0;
  }
  result.plan = std::move(fair);
  return result;
}

}  // namespace equalis::plan
