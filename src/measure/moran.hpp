#pragma once
// Moran's I: global spatial autocorrelation (Moran 1950, Biometrika 37:17) with the analytic moments of
// Cliff & Ord (1981, Spatial Processes, ch. 1-2) and a permutation test, and the local indicators of
// spatial association (LISA; Anselin 1995, Geographical Analysis 27:93) with conditional permutation
// inference. Values are paired with the units of a SpatialWeights in unit order; W is used as given
// (transform it first, e.g. transform_weights(w, WeightsTransform::RowStandardized), as PySAL does by
// default).

#include "core/progress.hpp"
#include "measure/spatial_weights.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace equalis::measure {

// ----- global Moran's I
// --------------------------------------------------------------------------------------

struct MoranOptions {
  std::size_t permutations = 999;  // 0 = analytic inference only
  std::uint64_t seed = 12345;      // permutation p draws from Rng(seed, p)
};

/// One analytic null hypothesis: Var[I] and the standard normal approximation.
struct MoranMoments {
  double variance = 0.0;
  std::optional<double> z;            // (I - E[I]) / sqrt(variance); nullopt when variance <= 0
  std::optional<double> p_two_sided;  // 2 (1 - Phi(|z|)) (PySAL's default two_tailed p_norm / p_rand)
};

/// The permutation test: the values are randomly reassigned to units P times.
struct MoranPermutationTest {
  std::size_t permutations = 0;
  std::uint64_t seed = 0;
  /// Two-sided pseudo p: (1 + #{|I_perm - E[I]| >= |I - E[I]|}) / (P + 1).
  double p_two_sided = 0.0;
  /// PySAL's p_sim (one-sided in the direction of the observed I): with
  /// c = #{I_perm >= I}, c is replaced by P - c (= #{I_perm < I}) when that is smaller; p = (c + 1) / (P +
  /// 1).
  double p_folded = 0.0;
  double mean = 0.0;                    // mean of I_perm (PySAL EI_sim)
  double standard_deviation = 0.0;      // population sd of I_perm (PySAL seI_sim)
  std::optional<double> z;              // (I - mean) / sd; nullopt when sd == 0
  std::optional<double> p_z_two_sided;  // 2 (1 - Phi(|z|)); PySAL's p_z_sim is the one-sided half
  std::vector<double> values;           // I_perm for p = 0..P-1
};

struct MoranResult {
  std::size_t n = 0;
  double i = 0.0;                                   // Moran's I = (n / S0) sum_ij w_ij z_i z_j / sum_i z_i^2
  double expected = 0.0;                            // E[I] = -1 / (n - 1)
  WeightSums sums;                                  // S0, S1, S2 of W
  double kurtosis = 0.0;                            // b2 = n sum z^4 / (sum z^2)^2
  MoranMoments normality;                           // values drawn from a normal population
  std::optional<MoranMoments> randomization;        // values fixed, randomly placed; nullopt when n < 4
  std::optional<MoranPermutationTest> permutation;  // nullopt when options.permutations == 0
  std::vector<std::uint32_t> islands;  // units without neighbours (they count in n, z and sum z^2)
};

/// Global Moran's I of `values` (one per unit of `weights`, in unit order).
/// Cost: O(n + links) per permutation, parallel over permutations; the result depends only on the seed,
/// not on the thread count. Islands are reported in the result and as a Warning on `progress`.
/// @throws Error(InvalidInput) if values.size() != weights.n, n < 3, a value is not finite, all values are
///         equal, W has no link with positive weight, or W is malformed; Error(Cancelled) if stopped.
[[nodiscard]] MoranResult moran(std::span<const double> values, const SpatialWeights& weights,
                                const MoranOptions& options = {}, ProgressSink& progress = null_progress());

// ----- local Moran's I (LISA)
// --------------------------------------------------------------------------------

/// The variance m2 that scales I_i = (z_i / m2) sum_j w_ij z_j.
enum class LisaVariance : std::uint8_t {
  N,        // m2 = sum z^2 / n: Anselin (1995) eq. 12; R spdep localmoran (mlvar = TRUE, the default)
  NMinus1,  // m2 = sum z^2 / (n - 1): PySAL esda Moran_Local; spdep localmoran(mlvar = FALSE)
};

/// Moran scatterplot quadrant of a unit: its value (z_i > 0 is High) against its neighbours' lag
/// (sum_j w_ij z_j > 0 is High). Zero counts as Low, as in PySAL. Numbered as PySAL's q (1..4).
enum class LisaQuadrant : std::uint8_t { HH = 1, LH = 2, LL = 3, HL = 4 };
[[nodiscard]] std::string_view quadrant_label(LisaQuadrant quadrant) noexcept;  // "HH", "LH", "LL", "HL"

struct LocalMoranOptions {
  std::size_t permutations = 999;  // conditional permutations per unit; 0 = none (no p-values)
  std::uint64_t seed = 12345;      // unit i draws from Rng(seed, i)
  double alpha = 0.05;             // significant = p <= alpha
  LisaVariance variance = LisaVariance::N;
};

struct LocalMoranResult {
  std::size_t n = 0;
  double mean = 0.0;                  // of the values
  double m2 = 0.0;                    // per options.variance
  std::vector<double> local_i;        // I_i; 0 for islands
  std::vector<double> spatial_lag;    // sum_j w_ij y_j, in the values' units (0 for islands)
  std::vector<double> lag_deviation;  // sum_j w_ij z_j with z = y - mean (drives the quadrant)
  std::vector<LisaQuadrant> quadrant;
  /// PySAL's folded pseudo p (see MoranPermutationTest::p_folded) from the conditional permutation:
  /// unit i keeps its value and its |N(i)| neighbour values are drawn without replacement from the
  /// other n - 1 units. nullopt for islands and when permutations == 0.
  std::vector<std::optional<double>> p_value;
  std::vector<std::uint8_t> significant;  // 1 if p_value <= alpha
  std::vector<std::uint32_t> islands;
  std::size_t permutations = 0;
  std::uint64_t seed = 0;
  double alpha = 0.0;
  LisaVariance variance = LisaVariance::N;
};

/// Local Moran's I of every unit. sum_i I_i = S0 * I (global I on the same W) with LisaVariance::N, and
/// (n - 1) / n * S0 * I with NMinus1; with row-standardised W and no islands S0 = n.
/// Cost: O(P * links) for the permutations, parallel over units, thread-count independent.
/// @throws as moran(), plus Error(InvalidInput) for alpha outside (0, 1).
[[nodiscard]] LocalMoranResult local_moran(std::span<const double> values, const SpatialWeights& weights,
                                           const LocalMoranOptions& options = {},
                                           ProgressSink& progress = null_progress());

}  // namespace equalis::measure
