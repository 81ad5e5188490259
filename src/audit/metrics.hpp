#pragma once
// Rates of a confusion cell, each with its counts and a Wilson (1927) interval. A rate whose denominator
// is 0 (TPR of a group with no positives, PPV of a group nobody was selected from, …) is undefined:
// `value` is std::nullopt, never 0.

#include "audit/decision_log.hpp"
#include "audit/proportion.hpp"

#include <array>
#include <optional>
#include <string_view>

namespace equalis::audit {

enum class Metric : std::uint8_t {
  SelectionRate,  // (TP + FP) / n          — share selected (demographic parity)
  BaseRate,       // (TP + FN) / n          — share truly positive
  Tpr,            // TP / (TP + FN)          — true positive rate, recall (equal opportunity)
  Fpr,            // FP / (FP + TN)          — false positive rate
  Fnr,            // FN / (TP + FN)          — false negative rate
  Tnr,            // TN / (FP + TN)          — true negative rate
  Ppv,            // TP / (TP + FP)          — precision (predictive parity)
  Npv,            // TN / (TN + FN)
  Accuracy,       // (TP + TN) / n
};
inline constexpr std::size_t kMetricCount = 9;
inline constexpr std::array<std::string_view, kMetricCount> kMetricNames{
    "selection_rate", "base_rate", "tpr", "fpr", "fnr", "tnr", "ppv", "npv", "accuracy"};

[[nodiscard]] constexpr std::string_view metric_name(Metric metric) noexcept {
  return kMetricNames[static_cast<std::size_t>(metric)];
}
// True for the metrics that need the true outcome (all but the selection rate).
[[nodiscard]] constexpr bool needs_label(Metric metric) noexcept {
  return metric != Metric::SelectionRate;
}

struct Fraction {
  std::uint64_t successes = 0;
  std::uint64_t trials = 0;
};
// Numerator and denominator of a metric; trials = 0 for label metrics when has_label is false.
[[nodiscard]] Fraction metric_fraction(Metric metric, const ConfusionCounts& counts, bool has_label) noexcept;

struct RateEstimate {
  std::uint64_t successes = 0;
  std::uint64_t trials = 0;          // the denominator
  std::optional<double> value;       // successes / trials; nullopt when trials == 0
  std::optional<Interval> interval;  // Wilson interval at 1 − alpha
};

[[nodiscard]] RateEstimate estimate_rate(Metric metric, const ConfusionCounts& counts, bool has_label,
                                         double alpha = 0.05);
[[nodiscard]] std::array<RateEstimate, kMetricCount> estimate_rates(const ConfusionCounts& counts,
                                                                    bool has_label, double alpha = 0.05);

}  // namespace equalis::audit
