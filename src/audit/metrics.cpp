#include "audit/metrics.hpp"

namespace equalis::audit {

Fraction metric_fraction(Metric metric, const ConfusionCounts& counts, bool has_label) noexcept {
  if (needs_label(metric) && !has_label) return {};
  switch (metric) {
    case Metric::SelectionRate:
      return {counts.selected(), counts.n()};
    case Metric::BaseRate:
      return {counts.positives(), counts.n()};
    case Metric::Tpr:
      return {counts.tp, counts.positives()};
    case Metric::Fpr:
      return {counts.fp, counts.negatives()};
    case Metric::Fnr:
      return {counts.fn, counts.positives()};
    case Metric::Tnr:
      return {counts.tn, counts.negatives()};
    case Metric::Ppv:
      return {counts.tp, counts.selected()};
    case Metric::Npv:
      return {counts.tn, counts.tn + counts.fn};
    case Metric::Accuracy:
      return {counts.tp + counts.tn, counts.n()};
  }
  return {};
}

RateEstimate estimate_rate(Metric metric, const ConfusionCounts& counts, bool has_label, double alpha) {
  const Fraction fraction = metric_fraction(metric, counts, has_label);
  RateEstimate estimate{fraction.successes, fraction.trials, std::nullopt, std::nullopt};
  if (fraction.trials > 0) {
    estimate.value = static_cast<double>(fraction.successes) / static_cast<double>(fraction.trials);
    estimate.interval = wilson_interval(fraction.successes, fraction.trials, alpha);
  }
  return estimate;
}

std::array<RateEstimate, kMetricCount> estimate_rates(const ConfusionCounts& counts, bool has_label,
                                                      double alpha) {
  std::array<RateEstimate, kMetricCount> rates;
  for (std::size_t metric_idx = 0; metric_idx < kMetricCount; ++metric_idx) {
    rates[metric_idx] = estimate_rate(static_cast<Metric>(metric_idx), counts, has_label, alpha);
  }
  return rates;
}

}  // namespace equalis::audit
