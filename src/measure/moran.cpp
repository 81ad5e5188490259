#include "measure/moran.hpp"

#include "core/error.hpp"
#include "core/parallel.hpp"
#include "core/random.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

namespace equalis::measure {
namespace {

double two_sided_normal_p(double z) {
  return std::erfc(std::abs(z) / std::numbers::sqrt2);
}

std::string unit_name(const SpatialWeights& weights, std::size_t unit) {
  return weights.ids.empty() ? std::to_string(unit) : weights.ids[unit];
}

// Validates the input and returns the deviations z = y - mean.
std::vector<double> checked_deviations(std::span<const double> values, const SpatialWeights& weights,
                                       double& mean) {
  if (values.size() != weights.n) {
    throw Error(ErrorCode::InvalidInput,
                fmt::format("{} values for {} units in the spatial weights", values.size(), weights.n),
                "pass one value per unit of the weights, in the weights' unit order");
  }
  const std::size_t n = values.size();
  if (n < 3) {
    throw Error(ErrorCode::InvalidInput, fmt::format("Moran's I needs at least 3 units, got {}", n),
                "use a larger study area");
  }
  validate_weights(weights);
  double sum = 0.0;
  for (std::size_t unit = 0; unit < n; ++unit) {
    if (!std::isfinite(values[unit])) {
      throw Error(ErrorCode::InvalidInput,
                  fmt::format("the value of unit '{}' is not finite", unit_name(weights, unit)),
                  "drop or impute missing values first (and drop the unit from the weights)");
    }
    sum += values[unit];
  }
  const auto [lowest, highest] = std::minmax_element(values.begin(), values.end());
  if (*lowest == *highest) {
    throw Error(
        ErrorCode::InvalidInput,
        fmt::format("all {} values are equal ({}), so Moran's I is undefined (zero variance)", n, *lowest),
        "spatial autocorrelation needs a variable that varies across units");
  }
  // The randomisation variance sums z⁴ over the units: keep n·(max − min)⁴ well inside double range, or an
  // overflow would give a NaN statistic beside finite permutation p-values.
  const double spread = *highest - *lowest;
  if (!std::isfinite(sum) || 4.0 * std::log10(spread) + std::log10(static_cast<double>(n)) >= 300.0) {
    throw Error(
        ErrorCode::InvalidInput,
        fmt::format("values from {:g} to {:g} are beyond the range in which Moran's I can be computed "
                    "without overflow",
                    *lowest, *highest),
        "divide the variable by a power of ten (Moran's I is unchanged by scaling)");
  }
  mean = sum / static_cast<double>(n);
  std::vector<double> deviations(n);
  for (std::size_t unit = 0; unit < n; ++unit) deviations[unit] = values[unit] - mean;
  return deviations;
}

void warn_about_islands(const SpatialWeights& weights, const std::vector<std::uint32_t>& islands,
                        ProgressSink& progress) {
  if (islands.empty()) return;
  std::string names;
  for (std::size_t shown = 0; shown < std::min<std::size_t>(islands.size(), 5); ++shown) {
    names += (shown > 0 ? ", '" : "'") + unit_name(weights, islands[shown]) + "'";
  }
  if (islands.size() > 5) names += ", …";
  progress.log(LogLevel::Warning,
               fmt::format("{} of {} units have no neighbours (islands: {}); they count in the mean and "
                           "variance but have no spatial lag",
                           islands.size(), weights.n, names));
}

// The quadratic form z' W z depends only on the symmetric part of W, so it is evaluated on the upper
// triangle of W + W': half the links of a symmetric W, which is what each permutation pays for.
struct UpperTriangle {
  std::vector<std::size_t> offsets;
  std::vector<std::uint32_t> columns;
  std::vector<double> weights;
};

UpperTriangle symmetric_upper_triangle(const SpatialWeights& w) {
  const std::size_t n = w.n;
  std::vector<std::size_t> counts(n + 1, 0);
  for (std::size_t unit = 0; unit < n; ++unit) {
    for (std::size_t link = w.offsets[unit]; link < w.offsets[unit + 1]; ++link) {
      ++counts[std::min<std::size_t>(unit, w.neighbors[link]) + 1];
    }
  }
  for (std::size_t unit = 0; unit < n; ++unit) counts[unit + 1] += counts[unit];
  std::vector<std::pair<std::uint32_t, double>> entries(counts[n]);
  std::vector<std::size_t> fill(counts.begin(), counts.end() - 1);
  for (std::size_t unit = 0; unit < n; ++unit) {
    for (std::size_t link = w.offsets[unit]; link < w.offsets[unit + 1]; ++link) {
      const std::size_t other = w.neighbors[link];
      const std::size_t low = std::min(unit, other);
      const std::size_t high = std::max(unit, other);
      entries[fill[low]++] = {static_cast<std::uint32_t>(high), w.weights[link]};
    }
  }
  UpperTriangle upper;
  upper.offsets.assign(n + 1, 0);
  upper.columns.reserve(entries.size());
  upper.weights.reserve(entries.size());
  for (std::size_t unit = 0; unit < n; ++unit) {
    const auto begin = entries.begin() + static_cast<std::ptrdiff_t>(counts[unit]);
    const auto end = entries.begin() + static_cast<std::ptrdiff_t>(counts[unit + 1]);
    std::sort(begin, end, [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto it = begin; it != end; ++it) {
      if (!upper.columns.empty() && upper.offsets[unit] < upper.columns.size() &&
          upper.columns.back() == it->first) {
        upper.weights.back() += it->second;  // w_ij + w_ji
      } else {
        upper.columns.push_back(it->first);
        upper.weights.push_back(it->second);
      }
    }
    upper.offsets[unit + 1] = upper.columns.size();
  }
  return upper;
}

// sum_ij w_ij z_i z_j. Four interleaved accumulators break the dependency chain of one running sum,
// which otherwise bounds the loop at one floating-point add latency per unit.
double quadratic_form(const UpperTriangle& upper, const double* z) {
  const std::size_t n = upper.offsets.size() - 1;
  const std::size_t* offsets = upper.offsets.data();
  const std::uint32_t* columns = upper.columns.data();
  const double* weights = upper.weights.data();
  const auto row_lag = [&](std::size_t unit) {
    double lag = 0.0;
    for (std::size_t link = offsets[unit]; link < offsets[unit + 1]; ++link)
      lag += weights[link] * z[columns[link]];
    return lag;
  };
  double total[4] = {0.0, 0.0, 0.0, 0.0};
  std::size_t unit = 0;
  for (; unit + 4 <= n; unit += 4) {
    total[0] += z[unit] * row_lag(unit);
    total[1] += z[unit + 1] * row_lag(unit + 1);
    total[2] += z[unit + 2] * row_lag(unit + 2);
    total[3] += z[unit + 3] * row_lag(unit + 3);
  }
  for (; unit < n; ++unit) total[0] += z[unit] * row_lag(unit);
  return (total[0] + total[1]) + (total[2] + total[3]);
}

// Uniform integer in [0, bound) from 32 random bits (Lemire 2019, ACM TOMACS 29(1)), drawing fresh bits
// from `rng` only on the rare rejection. Half a 64-bit draw per index makes the shuffle ~20% faster.
std::uint32_t bounded_index(Rng& rng, std::uint32_t bits, std::uint32_t bound) {
  std::uint64_t product = std::uint64_t{bits} * bound;
  auto low = static_cast<std::uint32_t>(product);
  if (low < bound) {
    const std::uint32_t threshold = (0U - bound) % bound;
    while (low < threshold) {
      product = (rng() >> 32U) * bound;
      low = static_cast<std::uint32_t>(product);
    }
  }
  return static_cast<std::uint32_t>(product >> 32U);
}

// "Inside-out" Fisher-Yates (Durstenfeld 1964): writes a uniform random permutation of `source` into
// `target`, so every permutation starts from the data and depends only on its own stream. n < 2^32.
void shuffle_into(const std::vector<double>& source, std::vector<double>& target, Rng& rng) {
  const std::size_t n = source.size();
  const auto place = [&](std::size_t unit, std::uint32_t slot) {
    target[unit] = target[slot];
    target[slot] = source[unit];
  };
  target[0] = source[0];
  std::size_t unit = 1;
  for (; unit + 1 < n; unit += 2) {
    const std::uint64_t bits = rng();
    place(unit, bounded_index(rng, static_cast<std::uint32_t>(bits), static_cast<std::uint32_t>(unit + 1)));
    place(unit + 1,
          bounded_index(rng, static_cast<std::uint32_t>(bits >> 32U), static_cast<std::uint32_t>(unit + 2)));
  }
  if (unit < n)
    place(unit, bounded_index(rng, static_cast<std::uint32_t>(rng()), static_cast<std::uint32_t>(unit + 1)));
}

// PySAL's p_sim: the count on the side of the permutation distribution where the observed value lies.
double folded_pseudo_p(std::size_t at_or_above, std::size_t permutations) {
  const std::size_t count = std::min(at_or_above, permutations - at_or_above);
  return (static_cast<double>(count) + 1.0) / (static_cast<double>(permutations) + 1.0);
}

constexpr std::size_t kPermutationsPerChunk = 8;

}  // namespace

std::string_view quadrant_label(LisaQuadrant quadrant) noexcept {
  switch (quadrant) {
    case LisaQuadrant::HH:
      return "HH";
    case LisaQuadrant::LH:
      return "LH";
    case LisaQuadrant::LL:
      return "LL";
    case LisaQuadrant::HL:
      return "HL";
  }
  return "";
}

// Moran (1950); moments under normality and randomisation from Cliff & Ord (1981), eqs. 1.35-1.38.
MoranResult moran(std::span<const double> values, const SpatialWeights& weights, const MoranOptions& options,
                  ProgressSink& progress) {
  double mean = 0.0;
  const std::vector<double> z = checked_deviations(values, weights, mean);
  MoranResult result;
  result.n = z.size();
  result.sums = weight_sums(weights);
  if (!(result.sums.s0 > 0.0)) {
    throw Error(ErrorCode::InvalidInput, "the spatial weights have no link with a positive weight (S0 = 0)",
                "build weights that connect at least some units");
  }
  result.islands = weights.islands();
  warn_about_islands(weights, result.islands, progress);

  const double n = static_cast<double>(result.n);
  double sum_z2 = 0.0;
  double sum_z4 = 0.0;
  for (const double deviation : z) {
    const double square = deviation * deviation;
    sum_z2 += square;
    sum_z4 += square * square;
  }
  const UpperTriangle upper = symmetric_upper_triangle(weights);
  const double scale = n / (result.sums.s0 * sum_z2);
  result.i = scale * quadratic_form(upper, z.data());
  result.expected = -1.0 / (n - 1.0);
  result.kurtosis = n * sum_z4 / (sum_z2 * sum_z2);

  const double s0 = result.sums.s0;
  const double s1 = result.sums.s1;
  const double s2 = result.sums.s2;
  const double s0_squared = s0 * s0;
  const double expected_squared = result.expected * result.expected;
  const auto moments = [&](double variance) {
    MoranMoments out;
    out.variance = variance;
    if (variance > 0.0) {
      out.z = (result.i - result.expected) / std::sqrt(variance);
      out.p_two_sided = two_sided_normal_p(*out.z);
    }
    return out;
  };
  result.normality =
      moments((n * n * s1 - n * s2 + 3.0 * s0_squared) / ((n * n - 1.0) * s0_squared) - expected_squared);
  if (result.n >= 4) {
    const double b2 = result.kurtosis;
    const double numerator = n * ((n * n - 3.0 * n + 3.0) * s1 - n * s2 + 3.0 * s0_squared) -
                             b2 * ((n * n - n) * s1 - 2.0 * n * s2 + 6.0 * s0_squared);
    result.randomization =
        moments(numerator / ((n - 1.0) * (n - 2.0) * (n - 3.0) * s0_squared) - expected_squared);
  }

  if (options.permutations == 0) return result;
  const std::size_t permutations = options.permutations;
  MoranPermutationTest test;
  test.permutations = permutations;
  test.seed = options.seed;
  test.values.assign(permutations, 0.0);
  {
    ProgressTask task(progress, "Moran's I permutations", permutations);
    const std::size_t chunks = (permutations + kPermutationsPerChunk - 1) / kPermutationsPerChunk;
    parallel_for(chunks, [&](std::size_t chunk) {
      if (task.stopped()) return;
      std::vector<double> shuffled(z.size());
      const std::size_t first = chunk * kPermutationsPerChunk;
      const std::size_t last = std::min(permutations, first + kPermutationsPerChunk);
      for (std::size_t permutation = first; permutation < last; ++permutation) {
        Rng rng(options.seed, permutation);
        shuffle_into(z, shuffled, rng);
        test.values[permutation] = scale * quadratic_form(upper, shuffled.data());
        task.tick();
      }
    });
    task.throw_if_stopped();
  }
  const double observed_distance = std::abs(result.i - result.expected);
  std::size_t as_extreme = 0;
  std::size_t at_or_above = 0;
  double sum = 0.0;
  for (const double value : test.values) {
    as_extreme += std::abs(value - result.expected) >= observed_distance ? 1U : 0U;
    at_or_above += value >= result.i ? 1U : 0U;
    sum += value;
  }
  const double count = static_cast<double>(permutations);
  test.p_two_sided = (static_cast<double>(as_extreme) + 1.0) / (count + 1.0);
  test.p_folded = folded_pseudo_p(at_or_above, permutations);
  test.mean = sum / count;
  double squares = 0.0;
  for (const double value : test.values) squares += (value - test.mean) * (value - test.mean);
  test.standard_deviation = std::sqrt(squares / count);
  if (test.standard_deviation > 0.0) {
    test.z = (result.i - test.mean) / test.standard_deviation;
    test.p_z_two_sided = two_sided_normal_p(*test.z);
  }
  result.permutation = std::move(test);
  return result;
}

// Anselin (1995), eq. 12, with conditional randomisation (section 4 of the paper).
LocalMoranResult local_moran(std::span<const double> values, const SpatialWeights& weights,
                             const LocalMoranOptions& options, ProgressSink& progress) {
  if (!(options.alpha > 0.0 && options.alpha < 1.0)) {
    throw Error(ErrorCode::InvalidInput,
                fmt::format("significance level alpha = {} is outside (0, 1)", options.alpha),
                "use e.g. 0.05");
  }
  LocalMoranResult result;
  const std::vector<double> z = checked_deviations(values, weights, result.mean);
  const std::size_t n = z.size();
  result.n = n;
  if (!(weights.s0() > 0.0)) {
    throw Error(ErrorCode::InvalidInput, "the spatial weights have no link with a positive weight (S0 = 0)",
                "build weights that connect at least some units");
  }
  result.islands = weights.islands();
  warn_about_islands(weights, result.islands, progress);
  result.permutations = options.permutations;
  result.seed = options.seed;
  result.alpha = options.alpha;
  result.variance = options.variance;

  double sum_z2 = 0.0;
  for (const double deviation : z) sum_z2 += deviation * deviation;
  const double divisor =
      options.variance == LisaVariance::N ? static_cast<double>(n) : static_cast<double>(n - 1);
  result.m2 = sum_z2 / divisor;

  result.local_i.assign(n, 0.0);
  result.spatial_lag.assign(n, 0.0);
  result.lag_deviation.assign(n, 0.0);
  result.quadrant.assign(n, LisaQuadrant::LL);
  result.p_value.assign(n, std::nullopt);
  result.significant.assign(n, 0);
  for (std::size_t unit = 0; unit < n; ++unit) {
    double lag_y = 0.0;
    double lag_z = 0.0;
    for (std::size_t link = weights.offsets[unit]; link < weights.offsets[unit + 1]; ++link) {
      lag_y += weights.weights[link] * values[weights.neighbors[link]];
      lag_z += weights.weights[link] * z[weights.neighbors[link]];
    }
    result.spatial_lag[unit] = lag_y;
    result.lag_deviation[unit] = lag_z;
    result.local_i[unit] = z[unit] / result.m2 * lag_z;
    const bool high_value = z[unit] > 0.0;
    const bool high_lag = lag_z > 0.0;
    result.quadrant[unit] = high_value ? (high_lag ? LisaQuadrant::HH : LisaQuadrant::HL)
                                       : (high_lag ? LisaQuadrant::LH : LisaQuadrant::LL);
  }
  if (options.permutations == 0) return result;

  const std::size_t permutations = options.permutations;
  const std::size_t others = n - 1;
  ProgressTask task(progress, "local Moran conditional permutations", n);
  // Neighbour sets are drawn without replacement from the n - 1 other units, numbered 0..n-2 and mapped
  // past the unit itself. Small sets use rejection (a draw repeating an earlier one is redrawn); large
  // ones a partial Fisher-Yates shuffle of a per-thread index pool that is undone after each draw.
  constexpr std::size_t kRejectionLimit = 32;
  const std::size_t units_per_chunk = 64;
  const std::size_t chunks = (n + units_per_chunk - 1) / units_per_chunk;
  parallel_for(chunks, [&](std::size_t chunk) {
    if (task.stopped()) return;
    std::vector<std::uint32_t> drawn;
    std::vector<std::uint32_t> pool;
    std::vector<std::uint32_t> swaps;
    const std::size_t first = chunk * units_per_chunk;
    const std::size_t last = std::min(n, first + units_per_chunk);
    for (std::size_t unit = first; unit < last; ++unit) {
      const std::size_t begin = weights.offsets[unit];
      const std::size_t degree = weights.offsets[unit + 1] - begin;
      if (degree == 0) {
        task.tick();
        continue;
      }
      Rng rng(options.seed, unit);
      const double factor = z[unit] / result.m2;
      const double observed = result.local_i[unit];
      drawn.resize(degree);
      if (degree > kRejectionLimit && pool.empty()) {
        pool.resize(others);
        for (std::size_t slot = 0; slot < others; ++slot) pool[slot] = static_cast<std::uint32_t>(slot);
      }
      std::size_t at_or_above = 0;
      for (std::size_t permutation = 0; permutation < permutations; ++permutation) {
        if (degree <= kRejectionLimit) {
          for (std::size_t slot = 0; slot < degree; ++slot) {
            std::uint32_t candidate = 0;
            bool repeated = true;
            while (repeated) {
              candidate = static_cast<std::uint32_t>(rng.uniform_index(others));
              repeated = std::find(drawn.begin(), drawn.begin() + static_cast<std::ptrdiff_t>(slot),
                                   candidate) != drawn.begin() + static_cast<std::ptrdiff_t>(slot);
            }
            drawn[slot] = candidate;
          }
        } else {
          swaps.clear();
          for (std::size_t slot = 0; slot < degree; ++slot) {
            const auto target = static_cast<std::size_t>(slot + rng.uniform_index(others - slot));
            std::swap(pool[slot], pool[target]);
            swaps.push_back(static_cast<std::uint32_t>(target));
            drawn[slot] = pool[slot];
          }
          for (std::size_t slot = degree; slot-- > 0;) std::swap(pool[slot], pool[swaps[slot]]);
        }
        double lag = 0.0;
        for (std::size_t slot = 0; slot < degree; ++slot) {
          const std::size_t other = drawn[slot] < unit ? drawn[slot] : drawn[slot] + 1U;
          lag += weights.weights[begin + slot] * z[other];
        }
        at_or_above += factor * lag >= observed ? 1U : 0U;
      }
      const double p = folded_pseudo_p(at_or_above, permutations);
      result.p_value[unit] = p;
      result.significant[unit] = p <= options.alpha ? 1U : 0U;
      task.tick();
    }
  });
  task.throw_if_stopped();
  return result;
}

}  // namespace equalis::measure
