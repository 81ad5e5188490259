#pragma once
// Small numeric helpers shared by the estimators: the standard normal distribution, Student's t via the
// regularised incomplete beta function, and sample percentiles. All are deterministic, allocation-free
// except the percentile of an unsorted sample (which sorts a copy), and throw Error(InvalidInput) outside
// their domain instead of returning NaN.

#include <span>

namespace equalis::measure {

// Standard normal CDF Φ(x) = ½·erfc(−x/√2); accurate to a few ulps in both tails. Φ(±∞) = 0 / 1.
double normal_cdf(double x);

// Standard normal quantile Φ⁻¹(p) for 0 < p < 1, to about 1e-15 relative error for p ≥ 1e-300.
// Starting point: Abramowitz & Stegun (1964) 26.2.23, refined by Halley steps on erfc.
// Throws InvalidInput unless 0 < p < 1.
double normal_quantile(double p);

// Regularised incomplete beta function I_x(a, b) = B(x; a, b) / B(a, b), a > 0, b > 0, 0 ≤ x ≤ 1.
// Continued fraction (Abramowitz & Stegun 26.5.8) evaluated by the modified Lentz method, on the side of
// the symmetry I_x(a,b) = 1 − I_{1−x}(b,a) where it converges fast. Relative error about 1e-14.
double regularized_incomplete_beta(double a, double b, double x);

// CDF of Student's t with `degrees_of_freedom` > 0 (need not be an integer):
// P(T ≤ t) from I_{ν/(ν+t²)}(ν/2, ½). Throws InvalidInput for df ≤ 0 or a NaN t.
double student_t_cdf(double t, double degrees_of_freedom);
// Two-sided p-value P(|T| ≥ |t|) = I_{ν/(ν+t²)}(ν/2, ½), computed without the cancellation of 1 − CDF.
double student_t_two_sided_p(double t, double degrees_of_freedom);

// Percentile (quantile) at probability p ∈ [0, 1] with linear interpolation between order statistics,
// Hyndman & Fan (1996) type 7 (the default of R and numpy): position h = (n−1)p, Q = x₍⌊h⌋₎ + frac(h)·gap.
// `percentile_sorted` requires ascending values. Throws InvalidInput on an empty sample, a NaN value or
// p outside [0, 1].
double percentile(std::span<const double> values, double p);
double percentile_sorted(std::span<const double> sorted_values, double p);

// Weighted percentile that reduces to type 7 when all weights are equal: unit k (ascending) sits at the
// midpoint of its weight interval, c_k = C_{k−1} + w_k/2, rescaled so the smallest value is at p = 0 and
// the largest at p = 1: p_k = (c_k − w_first/2) / (W − w_first/2 − w_last/2); linear in between.
// Units of zero weight are skipped. Throws InvalidInput on negative/non-finite weights or no positive weight.
double weighted_percentile(std::span<const double> values, std::span<const double> weights, double p);

}  // namespace equalis::measure
