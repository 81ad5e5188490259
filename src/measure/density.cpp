#include "measure/density.hpp"

#include "core/error.hpp"
#include "core/parallel.hpp"
#include "measure/statistics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

namespace equalis::measure {

namespace {

constexpr double kExactWorkLimit = 1e8;  // n · grid above which Auto switches to binning
constexpr double kBinsPerBandwidth = 40.0;
constexpr std::size_t kMaxBins = std::size_t{1} << 20;
constexpr double kKernelReach = 8.0;    // φ(8) ≈ 5e-15: beyond ±8h a bin adds nothing visible
constexpr std::size_t kGridBlock = 64;  // grid points per parallel task

// Validated copy of one sample: units of positive weight only, weights as given.
struct CleanSample {
  std::vector<double> values;
  std::vector<double> weights;
  double total_weight = 0.0;
};

CleanSample clean_sample(std::span<const double> values, std::span<const double> weights, const char* what) {
  if (!weights.empty() && weights.size() != values.size()) {
    throw Error(ErrorCode::InvalidInput,
                fmt::format("{}: {} values but {} weights", what, values.size(), weights.size()),
                "give one weight per value");
  }
  CleanSample sample;
  sample.values.reserve(values.size());
  sample.weights.reserve(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double w = weights.empty() ? 1.0 : weights[i];
    if (!(w >= 0.0) || !std::isfinite(w)) {
      throw Error(ErrorCode::InvalidInput, fmt::format("{}: weight of unit {} is {}", what, i, w),
                  "weights must be finite and non-negative");
    }
    if (w == 0.0) continue;
    if (!std::isfinite(values[i])) {
      throw Error(ErrorCode::InvalidInput, fmt::format("{}: value of unit {} is {}", what, i, values[i]),
                  "remove or correct non-finite values");
    }
    sample.values.push_back(values[i]);
    sample.weights.push_back(w);
    sample.total_weight += w;
  }
  if (sample.values.empty()) {
    throw Error(ErrorCode::InvalidInput, fmt::format("{}: no unit has a positive weight", what),
                "give at least one unit a positive weight");
  }
  return sample;
}

struct Spread {
  double sd = 0.0;              // reliability-weighted sample SD
  double effective_size = 0.0;  // Kish: V1²/V2
};

Spread spread_of(const CleanSample& sample) {
  if (sample.values.size() < 2) {
    throw Error(ErrorCode::InvalidInput, "a rule-of-thumb bandwidth needs at least two units",
                "give more units or a fixed bandwidth (`bandwidth`)");
  }
  const double v1 = sample.total_weight;
  double v2 = 0.0;
  double mean = 0.0;
  for (std::size_t i = 0; i < sample.values.size(); ++i) {
    v2 += sample.weights[i] * sample.weights[i];
    mean += sample.weights[i] * sample.values[i];
  }
  mean /= v1;
  double sum_squares = 0.0;
  for (std::size_t i = 0; i < sample.values.size(); ++i) {
    const double d = sample.values[i] - mean;
    sum_squares += sample.weights[i] * d * d;
  }
  const auto [min_it, max_it] = std::minmax_element(sample.values.begin(), sample.values.end());
  if (*min_it == *max_it) {
    throw Error(ErrorCode::InvalidInput,
                fmt::format("all values equal ({}), so a rule-of-thumb bandwidth would be 0", *min_it),
                "all values equal; give `bandwidth` (a fixed bandwidth) to draw a density anyway");
  }
  Spread spread;
  spread.sd = std::sqrt(sum_squares / v1 * (v1 * v1 / (v1 * v1 - v2)));
  spread.effective_size = v1 * v1 / v2;
  if (!(spread.sd > 0.0)) {
    throw Error(ErrorCode::InvalidInput, "all values equal, so a rule-of-thumb bandwidth would be 0",
                "all values equal; give `bandwidth` (a fixed bandwidth) to draw a density anyway");
  }
  return spread;
}

double silverman_of(const CleanSample& sample) {
  const Spread spread = spread_of(sample);
  const double iqr = weighted_percentile(sample.values, sample.weights, 0.75) -
                     weighted_percentile(sample.values, sample.weights, 0.25);
  const double scale = iqr > 0.0 ? std::min(spread.sd, iqr / 1.34) : spread.sd;
  return 0.9 * scale * std::pow(spread.effective_size, -0.2);
}

double scott_of(const CleanSample& sample) {
  const Spread spread = spread_of(sample);
  return 1.06 * spread.sd * std::pow(spread.effective_size, -0.2);
}

void require_bandwidth(double bandwidth) {
  if (!(bandwidth > 0.0) || !std::isfinite(bandwidth)) {
    throw Error(ErrorCode::InvalidInput,
                fmt::format("the kernel bandwidth is {} but must be positive", bandwidth),
                "give a positive `bandwidth` or use a rule (silverman, scott)");
  }
}

// Runs body(first, last) over blocks of grid indices in parallel; every grid point is summed by one thread in
// a fixed order, so the result does not depend on the thread count.
template <typename Body>
void for_grid_blocks(std::size_t grid_size, Body&& body) {
  const std::size_t blocks = (grid_size + kGridBlock - 1) / kGridBlock;
  parallel_for(blocks, [&](std::size_t block_idx) {
    const std::size_t first = block_idx * kGridBlock;
    body(first, std::min(grid_size, first + kGridBlock));
  });
}

std::vector<double> kde_exact(const CleanSample& sample, double bandwidth, std::span<const double> grid) {
  std::vector<double> density(grid.size(), 0.0);
  const double norm = 1.0 / (bandwidth * std::sqrt(2.0 * std::numbers::pi) * sample.total_weight);
  const double inverse_h = 1.0 / bandwidth;
  for_grid_blocks(grid.size(), [&](std::size_t first, std::size_t last) {
    for (std::size_t grid_idx = first; grid_idx < last; ++grid_idx) {
      double sum = 0.0;
      for (std::size_t i = 0; i < sample.values.size(); ++i) {
        const double z = (grid[grid_idx] - sample.values[i]) * inverse_h;
        sum += sample.weights[i] * std::exp(-0.5 * z * z);
      }
      density[grid_idx] = sum * norm;
    }
  });
  return density;
}

std::vector<double> kde_binned(const CleanSample& sample, double bandwidth, std::span<const double> grid) {
  const auto [min_it, max_it] = std::minmax_element(sample.values.begin(), sample.values.end());
  const double lo = *min_it;
  const double range = *max_it - lo;
  const double wanted_bins = std::ceil(range / (bandwidth / kBinsPerBandwidth)) + 1.0;
  const std::size_t bins =
      range > 0.0 ? static_cast<std::size_t>(std::clamp(wanted_bins, 2.0, static_cast<double>(kMaxBins))) : 1;
  const double spacing = bins > 1 ? range / static_cast<double>(bins - 1) : 1.0;
  // Linear binning: each unit's weight is split between the two nearest bin centres in proportion to
  // closeness, which keeps the first moment and makes the error O(δ²).
  std::vector<double> counts(bins, 0.0);
  for (std::size_t i = 0; i < sample.values.size(); ++i) {
    if (bins == 1) {
      counts[0] += sample.weights[i];
      continue;
    }
    const double position = (sample.values[i] - lo) / spacing;
    const auto left = std::min(bins - 2, static_cast<std::size_t>(position));
    const double fraction = std::clamp(position - static_cast<double>(left), 0.0, 1.0);
    counts[left] += sample.weights[i] * (1.0 - fraction);
    counts[left + 1] += sample.weights[i] * fraction;
  }
  std::vector<double> density(grid.size(), 0.0);
  const double norm = 1.0 / (bandwidth * std::sqrt(2.0 * std::numbers::pi) * sample.total_weight);
  const double inverse_h = 1.0 / bandwidth;
  const double last_bin = static_cast<double>(bins - 1);
  for_grid_blocks(grid.size(), [&](std::size_t first, std::size_t last) {
    for (std::size_t grid_idx = first; grid_idx < last; ++grid_idx) {
      const double x = grid[grid_idx];
      // Bins within ±8h of x; clamped in floating point first so far-away grid points cannot overflow.
      const double from =
          std::clamp(std::ceil((x - kKernelReach * bandwidth - lo) / spacing), 0.0, last_bin + 1.0);
      const double to =
          std::clamp(std::floor((x + kKernelReach * bandwidth - lo) / spacing) + 1.0, 0.0, last_bin + 1.0);
      double sum = 0.0;
      for (auto bin_idx = static_cast<std::size_t>(from); bin_idx < static_cast<std::size_t>(to); ++bin_idx) {
        const double z = (x - (lo + static_cast<double>(bin_idx) * spacing)) * inverse_h;
        sum += counts[bin_idx] * std::exp(-0.5 * z * z);
      }
      density[grid_idx] = sum * norm;
    }
  });
  return density;
}

std::vector<double> kde(const CleanSample& sample, double bandwidth, std::span<const double> grid,
                        KdeEvaluation evaluation, bool& binned) {
  const double work = static_cast<double>(sample.values.size()) * static_cast<double>(grid.size());
  binned =
      evaluation == KdeEvaluation::Binned || (evaluation == KdeEvaluation::Auto && work > kExactWorkLimit);
  return binned ? kde_binned(sample, bandwidth, grid) : kde_exact(sample, bandwidth, grid);
}

}  // namespace

double silverman_bandwidth(std::span<const double> values, std::span<const double> weights) {
  return silverman_of(clean_sample(values, weights, "Silverman bandwidth"));
}

double scott_bandwidth(std::span<const double> values, std::span<const double> weights) {
  return scott_of(clean_sample(values, weights, "Scott bandwidth"));
}

std::vector<double> gaussian_kde(std::span<const double> values, std::span<const double> weights,
                                 double bandwidth, std::span<const double> grid, KdeEvaluation evaluation) {
  require_bandwidth(bandwidth);
  for (const double x : grid) {
    if (!std::isfinite(x)) {
      throw Error(ErrorCode::InvalidInput, "a grid point is not finite", "give finite evaluation points");
    }
  }
  const CleanSample sample = clean_sample(values, weights, "kernel density");
  bool binned = false;
  return kde(sample, bandwidth, grid, evaluation, binned);
}

DistributionDynamics distribution_dynamics(std::span<const std::vector<double>> values_by_period,
                                           std::span<const std::vector<double>> weights_by_period,
                                           const DensityOptions& options, ProgressSink& progress) {
  const std::size_t periods = values_by_period.size();
  if (periods == 0) throw Error(ErrorCode::InvalidInput, "no periods given", "give at least one period");
  if (!weights_by_period.empty() && weights_by_period.size() != 1 && weights_by_period.size() != periods) {
    throw Error(ErrorCode::InvalidInput,
                fmt::format("{} weight vectors for {} periods", weights_by_period.size(), periods),
                "give no weights, one weight vector for all periods, or one per period");
  }
  if (options.grid_points < 2) {
    throw Error(ErrorCode::InvalidInput, fmt::format("{} grid points requested", options.grid_points),
                "give at least 2 grid points (512 is the default)");
  }
  if (options.bandwidth_rule == BandwidthRule::Fixed) require_bandwidth(options.bandwidth);

  // Pass 1: relative values and bandwidths, so the common grid can cover every period.
  std::vector<CleanSample> samples;
  DistributionDynamics result;
  result.periods.resize(periods);
  double lowest = INFINITY;
  double highest = -INFINITY;
  for (std::size_t period_idx = 0; period_idx < periods; ++period_idx) {
    const std::vector<double>& values = values_by_period[period_idx];
    const std::span<const double> weights =
        weights_by_period.empty()
            ? std::span<const double>{}
            : std::span<const double>{weights_by_period[weights_by_period.size() == 1 ? 0 : period_idx]};
    const std::string what = fmt::format("period {}", period_idx);
    CleanSample sample = clean_sample(values, weights, what.c_str());
    PeriodDensity& out = result.periods[period_idx];
    if (options.relative_to_mean) {
      double weighted_sum = 0.0;
      for (std::size_t i = 0; i < sample.values.size(); ++i)
        weighted_sum += sample.weights[i] * sample.values[i];
      out.mean = weighted_sum / sample.total_weight;
      if (!(out.mean > 0.0)) {
        throw Error(ErrorCode::InvalidInput,
                    fmt::format("period {}: the mean is {}, so values relative to it are undefined",
                                period_idx, out.mean),
                    "use an indicator with a positive mean, or turn off relative values");
      }
      for (double& v : sample.values) v /= out.mean;
    }
    switch (options.bandwidth_rule) {
      case BandwidthRule::Silverman:
        out.bandwidth = silverman_of(sample);
        break;
      case BandwidthRule::Scott:
        out.bandwidth = scott_of(sample);
        break;
      case BandwidthRule::Fixed:
        out.bandwidth = options.bandwidth;
        break;
    }
    const auto [min_it, max_it] = std::minmax_element(sample.values.begin(), sample.values.end());
    lowest = std::min(lowest, *min_it - 3.0 * out.bandwidth);
    highest = std::max(highest, *max_it + 3.0 * out.bandwidth);
    samples.push_back(std::move(sample));
  }
  const double grid_min = options.grid_min.value_or(lowest);
  const double grid_max = options.grid_max.value_or(highest);
  if (!std::isfinite(grid_min) || !std::isfinite(grid_max) || !(grid_min < grid_max)) {
    throw Error(ErrorCode::InvalidInput, fmt::format("the grid [{}, {}] is empty", grid_min, grid_max),
                "give a grid minimum below the maximum");
  }
  result.grid.resize(options.grid_points);
  const double step = (grid_max - grid_min) / static_cast<double>(options.grid_points - 1);
  for (std::size_t grid_idx = 0; grid_idx < options.grid_points; ++grid_idx) {
    result.grid[grid_idx] = grid_min + step * static_cast<double>(grid_idx);
  }
  result.grid.back() = grid_max;

  // Pass 2: densities.
  ProgressTask task(progress, "kernel densities", periods);
  for (std::size_t period_idx = 0; period_idx < periods; ++period_idx) {
    PeriodDensity& out = result.periods[period_idx];
    out.density = kde(samples[period_idx], out.bandwidth, result.grid, options.evaluation, out.binned);
    if (!task.tick()) break;
  }
  task.throw_if_stopped();
  return result;
}

}  // namespace equalis::measure
