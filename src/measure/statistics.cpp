#include "measure/statistics.hpp"

#include "core/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <vector>

namespace equalis::measure {

namespace {

// Continued fraction of I_x(a,b) (Abramowitz & Stegun 26.5.8) without the prefactor, by the modified Lentz
// method: F = 1 + d₁/(1 + d₂/(1 + …)), with d_{2m+1} = −(a+m)(a+b+m)x / ((a+2m)(a+2m+1)) and
// d_{2m} = m(b−m)x / ((a+2m−1)(a+2m)). Converges quickly for x < (a+1)/(a+b+2).
double beta_continued_fraction(double a, double b, double x) {
  constexpr double tiny = 1e-300;
  constexpr double eps = 1e-16;
  double f = 1.0;
  double c = 1.0;
  double d = 0.0;
  for (int m = 0; m < 10000; ++m) {
    const double md = static_cast<double>(m);
    // odd term d_{2m+1}
    const double odd = -(a + md) * (a + b + md) * x / ((a + 2.0 * md) * (a + 2.0 * md + 1.0));
    d = 1.0 + odd * d;
    if (std::fabs(d) < tiny) d = tiny;
    c = 1.0 + odd / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1.0 / d;
    f *= c * d;
    // even term d_{2m+2}
    const double mn = md + 1.0;
    const double even = mn * (b - mn) * x / ((a + 2.0 * mn - 1.0) * (a + 2.0 * mn));
    d = 1.0 + even * d;
    if (std::fabs(d) < tiny) d = tiny;
    c = 1.0 + even / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1.0 / d;
    const double delta = c * d;
    f *= delta;
    if (std::fabs(delta - 1.0) < eps) return f;
  }
  throw Error(ErrorCode::Internal,
              fmt::format("incomplete beta I_x({}, {}) at x = {} did not converge", a, b, x));
}

// I_x(a, b) with y = 1 − x passed separately so callers that know 1 − x exactly avoid cancellation.
double incomplete_beta(double a, double b, double x, double y) {
  if (x <= 0.0) return 0.0;
  if (y <= 0.0) return 1.0;
  const double log_prefactor =
      a * std::log(x) + b * std::log(y) + std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b);
  if (x < (a + 1.0) / (a + b + 2.0)) {
    return std::exp(log_prefactor) / (a * beta_continued_fraction(a, b, x));
  }
  return 1.0 - std::exp(log_prefactor) / (b * beta_continued_fraction(b, a, y));
}

void require_degrees_of_freedom(double t, double df) {
  if (!(df > 0.0)) {
    throw Error(ErrorCode::InvalidInput,
                fmt::format("Student t needs positive degrees of freedom, got {}", df),
                "use more observations than estimated coefficients");
  }
  if (std::isnan(t)) throw Error(ErrorCode::InvalidInput, "Student t statistic is NaN", "check the inputs");
}

void require_probability(double p) {
  if (!(p >= 0.0 && p <= 1.0)) {
    throw Error(ErrorCode::InvalidInput, fmt::format("percentile probability {} is outside [0, 1]", p),
                "give p between 0 and 1 (0.25 for the first quartile)");
  }
}

}  // namespace

double normal_cdf(double x) {
  if (std::isnan(x)) throw Error(ErrorCode::InvalidInput, "normal_cdf of NaN", "check the inputs");
  return 0.5 * std::erfc(-x / std::numbers::sqrt2);
}

double normal_quantile(double p) {
  if (!(p > 0.0 && p < 1.0)) {
    throw Error(ErrorCode::InvalidInput, fmt::format("normal quantile needs 0 < p < 1, got {}", p),
                "give a probability strictly between 0 and 1");
  }
  // Work in the lower tail, where Φ is relatively accurate; 1 − p is exact for p ≥ ½ (Sterbenz).
  const bool upper = p > 0.5;
  const double q = upper ? 1.0 - p : p;
  // Abramowitz & Stegun 26.2.23 (|error| < 4.5e-4) as the starting point.
  const double s = std::sqrt(-2.0 * std::log(q));
  double x = -(s - (2.515517 + s * (0.802853 + s * 0.010328)) /
                       (1.0 + s * (1.432788 + s * (0.189269 + s * 0.001308))));
  // Halley steps on Φ(x) − q; the step u = (Φ(x) − q)/φ(x) is formed as (Φ(x)/q − 1)·q/φ(x) in logs so
  // that neither φ nor q underflows in the far tail. Convergence is cubic: two or three steps suffice.
  const double log_sqrt_2pi = 0.5 * std::log(2.0 * std::numbers::pi);
  for (int iteration = 0; iteration < 8; ++iteration) {
    const double relative_error = normal_cdf(x) / q - 1.0;
    const double u = relative_error * std::exp(std::log(q) + 0.5 * x * x + log_sqrt_2pi);
    const double step = u / (1.0 + 0.5 * x * u);
    x -= step;
    if (std::fabs(step) <= 1e-15 * std::max(1.0, std::fabs(x))) break;
  }
  return upper ? -x : x;
}

double regularized_incomplete_beta(double a, double b, double x) {
  if (!(a > 0.0) || !(b > 0.0) || !std::isfinite(a) || !std::isfinite(b)) {
    throw Error(ErrorCode::InvalidInput,
                fmt::format("incomplete beta needs a, b > 0, got a = {}, b = {}", a, b),
                "check the distribution parameters");
  }
  if (!(x >= 0.0 && x <= 1.0)) {
    throw Error(ErrorCode::InvalidInput, fmt::format("incomplete beta needs 0 ≤ x ≤ 1, got {}", x),
                "check the argument");
  }
  return incomplete_beta(a, b, x, 1.0 - x);
}

double student_t_two_sided_p(double t, double degrees_of_freedom) {
  require_degrees_of_freedom(t, degrees_of_freedom);
  if (std::isinf(t)) return 0.0;
  const double t2 = t * t;
  const double denominator = degrees_of_freedom + t2;
  return incomplete_beta(0.5 * degrees_of_freedom, 0.5, degrees_of_freedom / denominator, t2 / denominator);
}

double student_t_cdf(double t, double degrees_of_freedom) {
  const double tail = 0.5 * student_t_two_sided_p(t, degrees_of_freedom);
  return t > 0.0 ? 1.0 - tail : tail;
}

double percentile_sorted(std::span<const double> sorted_values, double p) {
  require_probability(p);
  if (sorted_values.empty()) {
    throw Error(ErrorCode::InvalidInput, "percentile of an empty sample", "give at least one value");
  }
  const double position = p * static_cast<double>(sorted_values.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(position));
  if (below + 1 >= sorted_values.size()) return sorted_values.back();
  const double fraction = position - static_cast<double>(below);
  return sorted_values[below] + fraction * (sorted_values[below + 1] - sorted_values[below]);
}

double percentile(std::span<const double> values, double p) {
  std::vector<double> sorted(values.begin(), values.end());
  if (std::any_of(sorted.begin(), sorted.end(), [](double v) { return std::isnan(v); })) {
    throw Error(ErrorCode::InvalidInput, "percentile of a sample containing NaN",
                "remove missing values first");
  }
  std::sort(sorted.begin(), sorted.end());
  return percentile_sorted(sorted, p);
}

double weighted_percentile(std::span<const double> values, std::span<const double> weights, double p) {
  require_probability(p);
  if (values.size() != weights.size()) {
    throw Error(ErrorCode::InvalidInput,
                fmt::format("weighted percentile: {} values but {} weights", values.size(), weights.size()),
                "give one weight per value");
  }
  std::vector<std::pair<double, double>> units;
  units.reserve(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!(weights[i] >= 0.0) || !std::isfinite(weights[i])) {
      throw Error(ErrorCode::InvalidInput, fmt::format("weight of unit {} is {}", i, weights[i]),
                  "weights must be finite and non-negative");
    }
    if (std::isnan(values[i])) {
      throw Error(ErrorCode::InvalidInput, fmt::format("value of unit {} is NaN", i),
                  "remove missing values first");
    }
    if (weights[i] > 0.0) units.emplace_back(values[i], weights[i]);
  }
  if (units.empty()) {
    throw Error(ErrorCode::InvalidInput, "weighted percentile: no unit has a positive weight",
                "give at least one unit a positive weight");
  }
  std::sort(units.begin(), units.end());
  double total = 0.0;
  for (const auto& unit : units) total += unit.second;
  const double offset = 0.5 * units.front().second;
  const double span = total - offset - 0.5 * units.back().second;
  if (units.size() == 1 || !(span > 0.0)) return units.front().first;
  const double target = p * span + offset;  // position on the midpoint scale c
  double cumulative = 0.0;
  double previous_midpoint = offset;
  double previous_value = units.front().first;
  for (const auto& [value, weight] : units) {
    const double midpoint = cumulative + 0.5 * weight;
    cumulative += weight;
    if (midpoint >= target) {
      if (midpoint <= previous_midpoint) return value;
      const double fraction = (target - previous_midpoint) / (midpoint - previous_midpoint);
      return previous_value + fraction * (value - previous_value);
    }
    previous_midpoint = midpoint;
    previous_value = value;
  }
  return units.back().first;
}

}  // namespace equalis::measure
