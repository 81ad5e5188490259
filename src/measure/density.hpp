#pragma once
// Distribution dynamics: Gaussian kernel density estimates of relative values (y divided by the period's
// mean, population-weighted when weights are given) for each period of a panel, all on one common grid so
// the curves can be overlaid (Quah 1996, Economic Journal 106:1045). Densities are per unit of the
// (relative) value and integrate to 1 over the real line.
//
// Bandwidth rules, with σ the sample standard deviation, IQR = Q3 − Q1 (type-7 quartiles, see
// measure/statistics.hpp) and n the number of units:
//   Silverman (1986, Density Estimation, eq. 3.31):  h = 0.9 · min(σ, IQR / 1.34) · n^(−1/5)
//                                                    (σ alone when IQR = 0, as R's bw.nrd0 does)
//   Scott (1992, Multivariate Density Estimation, normal reference rule):  h = 1.06 · σ · n^(−1/5)
// With weights, σ is the reliability-weighted SD (variance · V1²/(V1² − V2), V1 = Σw, V2 = Σw²), the
// quartiles are weighted_percentile, and n is Kish's effective size V1²/V2; equal weights give the
// unweighted values exactly.
//
// Evaluation: exact, f(x) = Σ w_i φ((x − x_i)/h) / (h Σ w), costs O(n · grid points) and is used up to
// n · grid = 1e8. Beyond that (or on request) the data are first linearly binned (Jones & Lotwick 1984,
// Applied Statistics 33:120; Wand 1994, J. Comput. Graph. Stat. 3:433) onto an internal uniform grid of
// spacing ≤ h/40 (at most 2^20 bins) and the kernel is summed over bins within ±8h: O(n + grid · 640). The
// binning error is about (δ/h)²/8 of the density, i.e. below 1e-4 relative.

#include "core/progress.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace equalis::measure {

enum class BandwidthRule : std::uint8_t {
  Silverman,  // 0.9 · min(σ, IQR/1.34) · n^(−1/5)
  Scott,      // 1.06 · σ · n^(−1/5)
  Fixed,      // DensityOptions::bandwidth, in the units of the (relative) values
};

enum class KdeEvaluation : std::uint8_t {
  Auto,  // exact while n · grid ≤ 1e8, else binned
  Exact,
  Binned,
};

// Rule-of-thumb bandwidths. `weights` may be empty (all 1). Throws InvalidInput with fewer than two units of
// positive weight, on non-finite values or bad weights, and when σ = 0 ("all values equal; give
// --bandwidth").
double silverman_bandwidth(std::span<const double> values, std::span<const double> weights = {});
double scott_bandwidth(std::span<const double> values, std::span<const double> weights = {});

// Gaussian KDE of `values` (weights may be empty; they are normalised to sum to 1) at each point of `grid`.
// Throws InvalidInput on a non-positive or non-finite bandwidth, non-finite values, negative weights or no
// unit of positive weight.
std::vector<double> gaussian_kde(std::span<const double> values, std::span<const double> weights,
                                 double bandwidth, std::span<const double> grid,
                                 KdeEvaluation evaluation = KdeEvaluation::Auto);

struct DensityOptions {
  BandwidthRule bandwidth_rule = BandwidthRule::Silverman;
  double bandwidth = 0.0;          // used with BandwidthRule::Fixed; > 0
  std::size_t grid_points = 512;   // ≥ 2, evenly spaced
  std::optional<double> grid_min;  // default: min over periods of (smallest value − 3h)
  std::optional<double> grid_max;  // default: max over periods of (largest value + 3h)
  bool relative_to_mean = true;    // divide each period by its (weighted) mean first
  KdeEvaluation evaluation = KdeEvaluation::Auto;
};

struct PeriodDensity {
  std::vector<double> density;  // f at each grid point
  double bandwidth = 0.0;       // h used for this period, in relative units when relative_to_mean
  double mean = 1.0;            // the (weighted) mean divided out; 1 when !relative_to_mean
  bool binned = false;          // true when linear binning was used
};

struct DistributionDynamics {
  std::vector<double> grid;            // common evaluation points, ascending
  std::vector<PeriodDensity> periods;  // one per input period
};

// `values_by_period[t][i]`: unit i in period t (finite; the mean must be positive when relative_to_mean).
// `weights_by_period`: empty (unweighted), one vector for all periods, or one per period (≥ 0, finite).
// Reports one progress step per period. Throws InvalidInput on ragged input, bad options or values, and
// when a rule-based bandwidth is 0 (all values of a period equal).
DistributionDynamics distribution_dynamics(std::span<const std::vector<double>> values_by_period,
                                           std::span<const std::vector<double>> weights_by_period,
                                           const DensityOptions& options = {},
                                           ProgressSink& progress = null_progress());

}  // namespace equalis::measure
