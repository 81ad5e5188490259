#pragma once
// Composite indices from several indicators: normalisation, objective weights, weighted sums, TOPSIS and
// competition ranking. The data are a units × indicators matrix stored column by column (one vector per
// indicator, as elsewhere in equalis), with a direction per indicator: Benefit (more is better) or Cost (less
// is better). Every function validates its input and throws Error(InvalidInput) naming the indicator at
// fault.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace equalis::measure {

enum class Direction : std::int8_t {
  Cost = -1,    // lower values are better (e.g. travel time to the nearest clinic)
  Benefit = 1,  // higher values are better (e.g. doctors per 1 000 people)
};

struct IndicatorMatrix {
  std::vector<std::vector<double>> columns;  // columns[indicator][unit]; all of equal length, finite
  std::vector<Direction> directions;         // one per indicator
  std::vector<std::string> names;  // optional: one per indicator, used in messages ("indicator 2" if empty)

  [[nodiscard]] std::size_t indicator_count() const noexcept { return columns.size(); }
  [[nodiscard]] std::size_t unit_count() const noexcept { return columns.empty() ? 0 : columns[0].size(); }
};

// ---- normalisation (results are columns[indicator][unit], oriented so that larger is always better) ----

// Min–max: (x − min)/(max − min) for benefit, (max − x)/(max − min) for cost; results in [0, 1].
// Throws InvalidInput naming a constant indicator (max = min).
std::vector<std::vector<double>> normalize_min_max(const IndicatorMatrix& matrix);
// z-score: (x − mean)/s with the sample SD s (n − 1 denominator, as R's scale()); sign flipped for cost.
// Needs ≥ 2 units; throws InvalidInput naming a constant indicator.
std::vector<std::vector<double>> normalize_z_score(const IndicatorMatrix& matrix);

// ---- weights (non-negative, summing to 1) ----

std::vector<double> equal_weights(std::size_t indicator_count);

// Entropy weight method (Zou, Yun & Sun 2006, J. Environmental Sciences 18:1020; the usual Chinese-literature
// formulation): x' = min–max normalised (direction-aware), shares p_ij = x'_ij / Σ_i x'_ij,
// e_j = −(1/ln n) Σ_i p_ij ln p_ij with 0·ln 0 = 0 (the limit; no shift is added to the data), d_j = 1 − e_j,
// w_j = d_j / Σ_k d_k. A constant indicator carries no information: e_j = 1, weight 0. Needs ≥ 2 units;
// throws InvalidInput when every indicator is constant.
std::vector<double> entropy_weights(const IndicatorMatrix& matrix);

// CRITIC (Diakoulaki, Mavrotas & Papayannakis 1995, Computers & Operations Research 22:763):
// on min–max normalised columns, C_j = σ_j Σ_k (1 − r_jk), w_j = C_j / Σ_k C_k, with σ_j the SD (its n or
// n − 1 denominator cancels in w) and r_jk Pearson's correlation. Needs ≥ 2 units; throws InvalidInput
// naming a constant indicator (its correlations are undefined).
std::vector<double> critic_weights(const IndicatorMatrix& matrix);

// ---- aggregation ----

// score_i = Σ_j w_j x_ij on already-normalised columns (no renormalisation of columns or weights).
// Throws InvalidInput on ragged columns, a weight count ≠ column count, or negative/non-finite weights.
std::vector<double> weighted_sum(std::span<const std::vector<double>> columns,
                                 std::span<const double> weights);

struct TopsisResult {
  std::vector<double> closeness;               // C_i = D⁻ / (D⁺ + D⁻) ∈ [0, 1]; 1 = the ideal
  std::vector<double> distance_to_ideal;       // D⁺_i
  std::vector<double> distance_to_anti_ideal;  // D⁻_i
  std::vector<double> ideal;                   // A⁺_j on the weighted normalised scale
  std::vector<double> anti_ideal;              // A⁻_j
};

// TOPSIS (Hwang & Yoon 1981, Multiple Attribute Decision Making, Springer): vector normalisation
// r_ij = x_ij / √(Σ_i x_ij²), v_ij = w_j r_ij, ideal A⁺ = max v (benefit) or min v (cost), anti-ideal the
// opposite, Euclidean distances D⁺, D⁻ and closeness D⁻/(D⁺ + D⁻). Weights ≥ 0 (their scale does not
// matter). Throws InvalidInput naming an all-zero indicator, or when all units coincide on every weighted
// indicator (closeness 0/0).
TopsisResult topsis(const IndicatorMatrix& matrix, std::span<const double> weights);

// Standard competition ranking ("1224"), descending: rank 1 is the highest score, units whose scores are
// within `tolerance` of the first score of their tie block share its rank, and the next rank skips the tied
// places. Ties are judged against the block's first (highest) score, so a chain of small steps does not
// merge. Throws InvalidInput on a NaN score or a negative tolerance.
std::vector<std::uint32_t> competition_rank(std::span<const double> scores, double tolerance = 0.0);

}  // namespace equalis::measure
