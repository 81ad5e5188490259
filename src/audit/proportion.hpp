#pragma once
// Inference for proportions and their differences: Wilson score intervals, Newcombe's hybrid score
// interval for a difference, the two-proportion z test, Fisher's exact test and the minimum detectable
// gap. Inputs are counts; a rate with a zero denominator is undefined and comes back as std::nullopt,
// never as 0 or NaN.

#include <cstdint>
#include <optional>

namespace equalis::audit {

struct Interval {
  double low = 0.0;
  double high = 0.0;
};

// ln(n!) exactly summed for n < 256, Stirling's series with three correction terms above (error < 1e-17
// relative). Thread-safe (std::lgamma writes the global signgam).
double log_factorial(std::uint64_t n);

// Wilson (1927) score interval for `successes` out of `trials` at confidence 1 − alpha.
// nullopt when trials == 0. Precondition: successes ≤ trials, 0 < alpha < 1.
std::optional<Interval> wilson_interval(std::uint64_t successes, std::uint64_t trials, double alpha = 0.05);

// Newcombe (1998) method 10: interval for p1 − p2 from the two Wilson intervals,
// L = d − √((p1−l1)² + (u2−p2)²), U = d + √((u1−p1)² + (p2−l2)²). nullopt if either trial count is 0.
std::optional<Interval> newcombe_difference_interval(std::uint64_t successes1, std::uint64_t trials1,
                                                     std::uint64_t successes2, std::uint64_t trials2,
                                                     double alpha = 0.05);

struct TestResult {
  double statistic = 0.0;  // z for the z test; the observed table's probability for Fisher
  double p_value = 1.0;    // two-sided
};

// Two-proportion z test with the pooled variance: z = (p1 − p2) / √(p̄(1−p̄)(1/n1 + 1/n2)).
// When p̄ is 0 or 1 both rates are equal and the result is z = 0, p = 1. nullopt if n1 or n2 is 0.
std::optional<TestResult> two_proportion_z_test(std::uint64_t successes1, std::uint64_t trials1,
                                                std::uint64_t successes2, std::uint64_t trials2);

// Fisher's (1935) exact test of the 2×2 table [[a, b], [c, d]] (rows = groups, columns = outcome), two-sided:
// the sum of the hypergeometric probabilities of all tables with the same margins that are no more likely
// than the observed one (relative tolerance 1e-7, as R's fisher.test). Cost O(√N) terms around the mode.
TestResult fisher_exact_test(std::uint64_t a, std::uint64_t b, std::uint64_t c, std::uint64_t d);

// Smallest |p1 − p0| a two-sided two-proportion test at level alpha detects with the given power, by the
// normal approximation (e.g. Fleiss, Levin & Paik 2003, §4.2, unpooled form):
//   gap = (z_{1−α/2} + z_{power}) · √(p0(1−p0) · (1/n1 + 1/n0)),  p0 = x0/n0 the reference rate.
// When p0 is 0 or 1, p0 is replaced by (x0 + ½)/(n0 + 1) so the gap stays informative.
// nullopt if n1 or n0 is 0.
std::optional<double> minimum_detectable_gap(std::uint64_t reference_successes,
                                             std::uint64_t reference_trials, std::uint64_t group_trials,
                                             double alpha = 0.05, double power = 0.8);

}  // namespace equalis::audit
