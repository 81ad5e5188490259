#include "audit/proportion.hpp"

#include "core/error.hpp"
#include "measure/statistics.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

namespace equalis::audit {

namespace {

constexpr std::size_t kTableSize = 256;

std::array<double, kTableSize> make_log_factorials() {
  std::array<double, kTableSize> table{};
  double sum = 0.0;
  for (std::size_t k = 1; k < kTableSize; ++k) {
    sum += std::log(static_cast<double>(k));
    table[k] = sum;
  }
  return table;
}

double rate(std::uint64_t successes, std::uint64_t trials) {
  return static_cast<double>(successes) / static_cast<double>(trials);
}

}  // namespace

double log_factorial(std::uint64_t n) {
  static const std::array<double, kTableSize> table = make_log_factorials();
  if (n < kTableSize) return table[n];
  // Stirling's series: ln n! = n ln n − n + ½ ln(2πn) + 1/(12n) − 1/(360n³) + 1/(1260n⁵).
  const double x = static_cast<double>(n);
  const double inv = 1.0 / x;
  const double inv2 = inv * inv;
  return x * std::log(x) - x + 0.5 * std::log(2.0 * std::numbers::pi * x) +
         inv * (1.0 / 12.0 - inv2 * (1.0 / 360.0 - inv2 / 1260.0));
}

std::optional<Interval> wilson_interval(std::uint64_t successes, std::uint64_t trials, double alpha) {
  if (trials == 0) return std::nullopt;
  if (successes > trials) {
    throw Error(ErrorCode::Internal, "wilson_interval: more successes than trials");
  }
  // Wilson (1927): the p solving |p̂ − p| = z √(p(1−p)/n).
  const double z = measure::normal_quantile(1.0 - alpha / 2.0);
  const double n = static_cast<double>(trials);
  const double p = rate(successes, trials);
  const double z2 = z * z;
  const double denominator = 1.0 + z2 / n;
  const double center = (p + z2 / (2.0 * n)) / denominator;
  const double half = z * std::sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n)) / denominator;
  // Exact ends at p̂ = 0 or 1 (the formula gives them up to rounding).
  const double low = successes == 0 ? 0.0 : std::max(0.0, center - half);
  const double high = successes == trials ? 1.0 : std::min(1.0, center + half);
  return Interval{low, high};
}

std::optional<Interval> newcombe_difference_interval(std::uint64_t successes1, std::uint64_t trials1,
                                                     std::uint64_t successes2, std::uint64_t trials2,
                                                     double alpha) {
  const auto w1 = wilson_interval(successes1, trials1, alpha);
  const auto w2 = wilson_interval(successes2, trials2, alpha);
  if (!w1 || !w2) return std::nullopt;
  // Newcombe (1998), "Interval estimation for the difference between independent proportions", method 10.
  const double p1 = rate(successes1, trials1);
  const double p2 = rate(successes2, trials2);
  const double d = p1 - p2;
  const double low = d - std::sqrt((p1 - w1->low) * (p1 - w1->low) + (w2->high - p2) * (w2->high - p2));
  const double high = d + std::sqrt((w1->high - p1) * (w1->high - p1) + (p2 - w2->low) * (p2 - w2->low));
  return Interval{low, high};
}

std::optional<TestResult> two_proportion_z_test(std::uint64_t successes1, std::uint64_t trials1,
                                                std::uint64_t successes2, std::uint64_t trials2) {
  if (trials1 == 0 || trials2 == 0) return std::nullopt;
  const double n1 = static_cast<double>(trials1);
  const double n2 = static_cast<double>(trials2);
  const double pooled = static_cast<double>(successes1 + successes2) / (n1 + n2);
  const double variance = pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2);
  if (!(variance > 0.0)) return TestResult{0.0, 1.0};
  const double z = (rate(successes1, trials1) - rate(successes2, trials2)) / std::sqrt(variance);
  return TestResult{z, std::min(1.0, 2.0 * measure::normal_cdf(-std::fabs(z)))};
}

TestResult fisher_exact_test(std::uint64_t a, std::uint64_t b, std::uint64_t c, std::uint64_t d) {
  // Margins: row1 = a + b, column1 = a + c, total N. X = top-left cell is hypergeometric on
  // [max(0, row1 + column1 − N), min(row1, column1)].
  const std::uint64_t row1 = a + b;
  const std::uint64_t row2 = c + d;
  const std::uint64_t column1 = a + c;
  const std::uint64_t total = row1 + row2;
  const std::uint64_t column2 = total - column1;
  const std::uint64_t low = column1 > row2 ? column1 - row2 : 0;
  const std::uint64_t high = std::min(row1, column1);
  const double log_constant = log_factorial(row1) + log_factorial(row2) + log_factorial(column1) +
                              log_factorial(column2) - log_factorial(total);
  auto log_probability = [&](std::uint64_t x) {
    return log_constant - log_factorial(x) - log_factorial(row1 - x) - log_factorial(column1 - x) -
           log_factorial(row2 + x - column1);
  };
  const double log_observed = log_probability(a);
  // Tables within a relative 1e-7 of the observed probability count as "as extreme" (R's fisher.test).
  const double log_cutoff = log_observed + std::log1p(1e-7);
  // The pmf is unimodal, so on each side of the mode the tables no more likely than the observed one form
  // a tail: find where each tail starts by bisection, then add terms outwards with the ratio recursion
  // until they fall 60 nats below the observed probability. Cost O(log N + tail length), not O(N).
  const auto mode_estimate = static_cast<std::uint64_t>(
      std::floor((static_cast<double>(row1) + 1.0) * (static_cast<double>(column1) + 1.0) /
                 (static_cast<double>(total) + 2.0)));
  const std::uint64_t mode = std::clamp(mode_estimate, low, high);
  auto step_up = [&](std::uint64_t x) {  // ln P(x+1) − ln P(x)
    return std::log(static_cast<double>(row1 - x)) + std::log(static_cast<double>(column1 - x)) -
           std::log(static_cast<double>(x + 1)) - std::log(static_cast<double>(row2 + x + 1 - column1));
  };
  auto step_down = [&](std::uint64_t x) {  // ln P(x−1) − ln P(x)
    return std::log(static_cast<double>(x)) + std::log(static_cast<double>(row2 + x - column1)) -
           std::log(static_cast<double>(row1 - x + 1)) - std::log(static_cast<double>(column1 - x + 1));
  };
  double sum = 0.0;
  // Upper tail: smallest x in [mode, high] with ln P(x) ≤ cutoff (ln P is non-increasing there).
  if (log_probability(high) <= log_cutoff) {
    std::uint64_t lo = mode;
    std::uint64_t hi = high;
    while (lo < hi) {
      const std::uint64_t mid = lo + (hi - lo) / 2;
      if (log_probability(mid) <= log_cutoff) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    double log_term = log_probability(lo);
    for (std::uint64_t x = lo;; ++x) {
      sum += std::exp(log_term);
      if (x >= high || log_term < log_observed - 60.0) break;
      log_term += step_up(x);
    }
  }
  // Lower tail: largest x in [low, mode − 1] with ln P(x) ≤ cutoff (ln P is non-decreasing there).
  if (mode > low && log_probability(low) <= log_cutoff) {
    std::uint64_t lo = low;
    std::uint64_t hi = mode - 1;
    while (lo < hi) {
      const std::uint64_t mid = lo + (hi - lo + 1) / 2;
      if (log_probability(mid) <= log_cutoff) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    double log_term = log_probability(lo);
    for (std::uint64_t x = lo;; --x) {
      sum += std::exp(log_term);
      if (x <= low || log_term < log_observed - 60.0) break;
      log_term += step_down(x);
    }
  }
  return TestResult{std::exp(log_observed), std::min(1.0, sum)};
}

std::optional<double> minimum_detectable_gap(std::uint64_t reference_successes,
                                             std::uint64_t reference_trials, std::uint64_t group_trials,
                                             double alpha, double power) {
  if (reference_trials == 0 || group_trials == 0) return std::nullopt;
  double p0 = rate(reference_successes, reference_trials);
  if (reference_successes == 0 || reference_successes == reference_trials) {
    p0 = (static_cast<double>(reference_successes) + 0.5) / (static_cast<double>(reference_trials) + 1.0);
  }
  const double z_alpha = measure::normal_quantile(1.0 - alpha / 2.0);
  const double z_power = measure::normal_quantile(power);
  return (z_alpha + z_power) *
         std::sqrt(p0 * (1.0 - p0) *
                   (1.0 / static_cast<double>(group_trials) + 1.0 / static_cast<double>(reference_trials)));
}

}  // namespace equalis::audit
