#pragma once
// Inequality indices of one indicator across units, population-weighted. Every kernel takes values and
// weights as spans; `*_sorted` kernels require values ascending (see measure/sample.hpp). Units with
// weight 0 are absent (that is how the bootstrap drops them). Domain violations (a log of zero, a mean
// of zero) throw Error(InvalidInput) instead of returning NaN.

#include <span>

namespace equalis::measure {

struct Moments {
  double total_weight = 0.0;    // W = Σ w
  double mean = 0.0;            // μ = Σ w y / W
  double variance = 0.0;        // population variance Σ w (y-μ)² / W
  std::size_t units = 0;        // units with w > 0
  double weight_squares = 0.0;  // Σ w², for the reliability-weight sample variance
};
Moments moments(std::span<const double> values, std::span<const double> weights);

// Gini as mean absolute difference over 2μ (Gini 1912; weighted form as in Lerman & Yitzhaki 1989),
// exact in O(n) on sorted values. Multiply by n/(n-1) for the small-sample variant (see gini_correction).
double gini_sorted(std::span<const double> sorted_values, std::span<const double> weights);
// Sorts a copy first: O(n log n).
double gini(std::span<const double> values, std::span<const double> weights);
// n/(n-1) with n = units of positive weight (Deltas 2003, "The small-sample bias of the Gini coefficient").
double gini_correction(std::size_t units);

// Generalised entropy GE(α) (Shorrocks 1980, Econometrica 48:613): α = 1 is Theil T, α = 0 the mean log
// deviation (Theil L), α = 2 half the squared coefficient of variation.
double generalized_entropy(std::span<const double> values, std::span<const double> weights, double alpha);

// Atkinson (1970, J. Econ. Theory 2:244) index A(ε), ε ≥ 0.
double atkinson(std::span<const double> values, std::span<const double> weights, double epsilon);

// Coefficient of variation. Population form SD/μ with SD² = Σ w (y-μ)²/W; with population weights this is
// Williamson's (1965) weighted CV. The sample form rescales the variance by V1²/(V1²−V2) (reliability
// weights), which is n/(n−1) when every weight is equal.
struct CoefficientOfVariation {
  double population = 0.0;
  double sample = 0.0;
};
CoefficientOfVariation coefficient_of_variation(std::span<const double> values,
                                                std::span<const double> weights);
// SD of ln y (population form), used for σ-convergence.
double sd_of_log(std::span<const double> values, std::span<const double> weights);

// Lorenz curve L(p): share of the total held by the poorest fraction p of the population, with each unit's
// population spread evenly (linear between the curve's vertices). Requires ascending values, total > 0.
double lorenz_share_sorted(std::span<const double> sorted_values, std::span<const double> weights, double p);

struct QuantileRatios {
  double palma = 0.0;    // top 10 % share / bottom 40 % share (Palma 2011; Cobham & Sumner 2013)
  double s80_s20 = 0.0;  // top 20 % share / bottom 20 % share
  double max_min = 0.0;  // largest / smallest value among units of positive weight
};
QuantileRatios quantile_ratios_sorted(std::span<const double> sorted_values, std::span<const double> weights);

// Concentration index of `values` with units ranked by `rank_by` (Kakwani, Wagstaff & van Doorslaer 1997,
// J. Econometrics 77:87): C = 2 cov_w(y, R) / μ with R the weighted fractional rank, ties sharing the
// mid-rank. Ranked by the values themselves it equals the Gini.
double concentration_index(std::span<const double> values, std::span<const double> weights,
                           std::span<const double> rank_by);

}  // namespace equalis::measure
