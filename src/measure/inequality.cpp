#include "measure/inequality.hpp"

#include "core/error.hpp"
#include "measure/chunked_sum.hpp"
#include "measure/sample.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

namespace equalis::measure {

namespace {

void require_same_length(std::span<const double> values, std::span<const double> weights) {
  if (values.size() != weights.size()) {
    throw Error(ErrorCode::Internal, "values and weights differ in length");
  }
}

void require_positive_mean(const Moments& m, const char* index_name) {
  if (m.total_weight <= 0.0) {
    throw Error(ErrorCode::InvalidInput, fmt::format("{}: the total weight is zero", index_name),
                "give at least one unit a positive weight");
  }
  if (!(m.mean > 0.0)) {
    throw Error(
        ErrorCode::InvalidInput, fmt::format("{}: the mean is {} but must be positive", index_name, m.mean),
        "relative inequality indices need a positive mean; check the sign and units of the indicator");
  }
}

// Logs need y > 0 (or y ≥ 0 where 0·ln 0 = 0 is the limit): say which unit breaks it.
void require_values_at_least(std::span<const double> values, std::span<const double> weights,
                             bool strictly_positive, const char* index_name) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (weights[i] <= 0.0) continue;
    if (values[i] < 0.0 || (strictly_positive && values[i] == 0.0)) {
      throw Error(ErrorCode::InvalidInput,
                  fmt::format("{} needs {} values, but one unit has {}", index_name,
                              strictly_positive ? "positive" : "non-negative", values[i]),
                  strictly_positive ? "drop or correct zero/negative values, or use an index defined at zero "
                                      "(Gini, Theil T, GE(α>0), Atkinson ε<1)"
                                    : "relative inequality indices are undefined for negative values");
    }
  }
}

}  // namespace

Moments moments(std::span<const double> values, std::span<const double> weights) {
  require_same_length(values, weights);
  Moments m;
  // Sums: total weight, weight², weighted values, units (counted exactly in a double below 2^53).
  const auto sums = detail::chunked_sums<4>(values.size(), [&](std::size_t begin, std::size_t end) {
    double total = 0.0;
    double squares = 0.0;
    double weighted = 0.0;
    double units = 0.0;
    // Branch-free: units without weight (a third of them in a bootstrap replicate) add exact zeros,
    // which leave every sum's bits as skipping them would, and no branch is mispredicted.
    for (std::size_t i = begin; i < end; ++i) {
      const bool counted = weights[i] > 0.0;
      const double w = counted ? weights[i] : 0.0;
      total += w;
      squares += w * w;
      weighted += w * values[i];
      units += counted ? 1.0 : 0.0;
    }
    return std::array{total, squares, weighted, units};
  });
  m.total_weight = sums[0];
  m.weight_squares = sums[1];
  m.units = static_cast<std::size_t>(sums[3]);
  if (m.total_weight <= 0.0) return m;
  m.mean = sums[2] / m.total_weight;
  const auto squares = detail::chunked_sums<1>(values.size(), [&](std::size_t begin, std::size_t end) {
    double sum = 0.0;
    for (std::size_t i = begin; i < end; ++i) {
      const double d = values[i] - m.mean;
      sum += weights[i] * d * d;
    }
    return std::array{sum};
  });
  m.variance = squares[0] / m.total_weight;
  return m;
}

namespace {

struct ValueWeight {
  double value;
  double weight;
};

// The Gini sweep over units in ascending order, `fetch(k)` giving the k-th unit's (value, weight).
// Σ_i Σ_j w_i w_j |y_i − y_j| = 2 Σ_i w_i y_i (weight below i − weight above i). The sum runs over fixed
// chunks in parallel: within a chunk below/above are local, and the chunk's offset adds (B_c − A_c)·Σ_c wy,
// B_c and A_c being the weight before and after it. Fixed chunks make the result thread-count independent.
// `kBuffered`: copy each chunk into a local buffer first (worth it when fetch is a random read).
template <bool kBuffered, typename Fetch>
double gini_sweep(std::size_t n, Fetch&& fetch) {
  constexpr std::size_t kChunk = 1U << 16U;
  const std::size_t chunks = (n + kChunk - 1) / kChunk;
  std::vector<double> chunk_weight(chunks, 0.0);
  std::vector<double> chunk_weighted_sum(chunks, 0.0);
  std::vector<double> chunk_local_sum(chunks, 0.0);
  std::vector<std::uint8_t> chunk_negative(chunks, 0);
  const auto signed_chunks = static_cast<long long>(chunks);
#pragma omp parallel if (chunks > 1)
  {
    std::vector<ValueWeight> buffer(kBuffered ? std::min(n, kChunk) : 0);
    const auto unit = [&](std::size_t begin, std::size_t k) {
      if constexpr (kBuffered) {
        return buffer[k];
      } else {
        return fetch(begin + k);
      }
    };
#pragma omp for schedule(static)
    for (long long c = 0; c < signed_chunks; ++c) {
      const auto chunk = static_cast<std::size_t>(c);
      const std::size_t begin = chunk * kChunk;
      const std::size_t size = std::min(n, begin + kChunk) - begin;
      double weight = 0.0;
      double weighted_sum = 0.0;
      for (std::size_t k = 0; k < size; ++k) {
        if constexpr (kBuffered) buffer[k] = fetch(begin + k);
        const ValueWeight u = unit(begin, k);
        if (u.weight <= 0.0) continue;
        if (u.value < 0.0) chunk_negative[chunk] = 1;
        weight += u.weight;
        weighted_sum += u.weight * u.value;
      }
      double below = 0.0;
      double local = 0.0;
      for (std::size_t k = 0; k < size; ++k) {
        const ValueWeight u = unit(begin, k);
        if (u.weight <= 0.0) continue;
        local += u.weight * u.value * (below - (weight - below - u.weight));
        below += u.weight;
      }
      chunk_weight[chunk] = weight;
      chunk_weighted_sum[chunk] = weighted_sum;
      chunk_local_sum[chunk] = local;
    }
  }
  double total_weight = 0.0;
  double total_weighted_sum = 0.0;
  for (std::size_t chunk = 0; chunk < chunks; ++chunk) {
    if (chunk_negative[chunk] != 0) {
      throw Error(ErrorCode::InvalidInput, "Gini needs non-negative values, but a unit has a negative one",
                  "relative inequality indices are undefined for negative values");
    }
    total_weight += chunk_weight[chunk];
    total_weighted_sum += chunk_weighted_sum[chunk];
  }
  Moments m;
  m.total_weight = total_weight;
  m.mean = total_weight > 0.0 ? total_weighted_sum / total_weight : 0.0;
  require_positive_mean(m, "Gini");
  double signed_sum = 0.0;
  double before = 0.0;
  for (std::size_t chunk = 0; chunk < chunks; ++chunk) {
    const double after = total_weight - before - chunk_weight[chunk];
    signed_sum += chunk_local_sum[chunk] + (before - after) * chunk_weighted_sum[chunk];
    before += chunk_weight[chunk];
  }
  return std::max(0.0, signed_sum / (total_weight * total_weighted_sum));
}

}  // namespace

double gini_sorted(std::span<const double> sorted_values, std::span<const double> weights) {
  require_same_length(sorted_values, weights);
  return gini_sweep<false>(sorted_values.size(), [&](std::size_t k) {
    return ValueWeight{sorted_values[k], weights[k]};
  });
}

double gini(std::span<const double> values, std::span<const double> weights) {
  require_same_length(values, weights);
  const std::vector<std::uint32_t> order = sort_order(values);
  // Interleaved (value, weight) pairs: the sweep then makes one random read per unit, not two.
  std::vector<ValueWeight> pairs(values.size());
  const auto n = static_cast<long long>(values.size());
#pragma omp parallel for schedule(static) if (n > 100000)
  for (long long k = 0; k < n; ++k) {
    const auto i = static_cast<std::size_t>(k);
    pairs[i] = {values[i], weights[i]};
  }
  return gini_sweep<true>(order.size(), [&](std::size_t k) { return pairs[order[k]]; });
}

double gini_correction(std::size_t units) {
  if (units < 2) {
    throw Error(ErrorCode::InvalidInput, "the n/(n-1) Gini needs at least two units", "give more units");
  }
  return static_cast<double>(units) / static_cast<double>(units - 1);
}

double generalized_entropy(std::span<const double> values, std::span<const double> weights, double alpha) {
  require_same_length(values, weights);
  if (!std::isfinite(alpha))
    throw Error(ErrorCode::InvalidInput, "GE(α) needs a finite α", "give α such as 0, 1 or 2");
  const Moments m = moments(values, weights);
  require_positive_mean(m, "GE(α)");
  require_values_at_least(values, weights, alpha <= 0.0, alpha == 0.0 ? "Theil L (GE(0))" : "GE(α)");
  double sum = detail::chunked_sums<1>(values.size(), [&](std::size_t begin, std::size_t end) {
    double part = 0.0;
    for (std::size_t i = begin; i < end; ++i) {
      const double w = weights[i];
      if (w <= 0.0) continue;
      const double ratio = values[i] / m.mean;
      if (alpha == 1.0) {
        if (ratio > 0.0) part += w * ratio * std::log(ratio);
      } else if (alpha == 0.0) {
        part -= w * std::log(ratio);
      } else {
        part += w * (std::pow(ratio, alpha) - 1.0);
      }
    }
    return std::array{part};
  })[0];
  sum /= m.total_weight;
  if (alpha != 0.0 && alpha != 1.0) sum /= alpha * (alpha - 1.0);
  return std::max(0.0, sum);
}

double atkinson(std::span<const double> values, std::span<const double> weights, double epsilon) {
  require_same_length(values, weights);
  if (!(epsilon >= 0.0) || !std::isfinite(epsilon)) {
    throw Error(ErrorCode::InvalidInput, fmt::format("Atkinson needs ε ≥ 0, got {}", epsilon),
                "give an inequality-aversion parameter such as 0.5, 1 or 2");
  }
  const Moments m = moments(values, weights);
  require_positive_mean(m, "Atkinson");
  if (epsilon == 0.0) return 0.0;
  require_values_at_least(values, weights, epsilon >= 1.0, "Atkinson with ε ≥ 1");
  double sum = detail::chunked_sums<1>(values.size(), [&](std::size_t begin, std::size_t end) {
    double part = 0.0;
    for (std::size_t i = begin; i < end; ++i) {
      const double w = weights[i];
      if (w <= 0.0) continue;
      part +=
          epsilon == 1.0 ? w * std::log(values[i] / m.mean) : w * std::pow(values[i] / m.mean, 1.0 - epsilon);
    }
    return std::array{part};
  })[0];
  sum /= m.total_weight;
  const double equally_distributed_ratio =
      epsilon == 1.0 ? std::exp(sum) : std::pow(sum, 1.0 / (1.0 - epsilon));
  return std::clamp(1.0 - equally_distributed_ratio, 0.0, 1.0);
}

CoefficientOfVariation coefficient_of_variation(std::span<const double> values,
                                                std::span<const double> weights) {
  const Moments m = moments(values, weights);
  require_positive_mean(m, "coefficient of variation");
  CoefficientOfVariation cv;
  cv.population = std::sqrt(m.variance) / m.mean;
  const double effective = m.total_weight * m.total_weight - m.weight_squares;
  if (effective <= 0.0) {
    throw Error(ErrorCode::InvalidInput, "the sample coefficient of variation needs at least two units",
                "give more units");
  }
  cv.sample = std::sqrt(m.variance * m.total_weight * m.total_weight / effective) / m.mean;
  return cv;
}

double sd_of_log(std::span<const double> values, std::span<const double> weights) {
  require_same_length(values, weights);
  require_values_at_least(values, weights, true, "SD of log");
  std::vector<double> logs(values.size(), 0.0);
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (weights[i] > 0.0) logs[i] = std::log(values[i]);
  }
  const Moments m = moments(logs, weights);
  if (m.total_weight <= 0.0) throw Error(ErrorCode::InvalidInput, "SD of log: the total weight is zero");
  return std::sqrt(m.variance);
}

double lorenz_share_sorted(std::span<const double> sorted_values, std::span<const double> weights, double p) {
  require_same_length(sorted_values, weights);
  double total_weight = 0.0;
  double total = 0.0;
  for (std::size_t i = 0; i < sorted_values.size(); ++i) {
    total_weight += weights[i];
    total += weights[i] * sorted_values[i];
  }
  if (!(total > 0.0)) {
    throw Error(ErrorCode::InvalidInput, "quantile shares need a positive total",
                "check the indicator's sign");
  }
  const double target = std::clamp(p, 0.0, 1.0) * total_weight;
  double weight_so_far = 0.0;
  double share_so_far = 0.0;
  for (std::size_t i = 0; i < sorted_values.size(); ++i) {
    const double w = weights[i];
    if (w <= 0.0) continue;
    if (weight_so_far + w >= target)
      return (share_so_far + (target - weight_so_far) * sorted_values[i]) / total;
    weight_so_far += w;
    share_so_far += w * sorted_values[i];
  }
  return 1.0;
}

QuantileRatios quantile_ratios_sorted(std::span<const double> sorted_values,
                                      std::span<const double> weights) {
  require_values_at_least(sorted_values, weights, false, "quantile ratios");
  QuantileRatios ratios;
  const double bottom40 = lorenz_share_sorted(sorted_values, weights, 0.4);
  const double bottom20 = lorenz_share_sorted(sorted_values, weights, 0.2);
  const double top10 = 1.0 - lorenz_share_sorted(sorted_values, weights, 0.9);
  const double top20 = 1.0 - lorenz_share_sorted(sorted_values, weights, 0.8);
  if (bottom40 <= 0.0 || bottom20 <= 0.0) {
    throw Error(ErrorCode::InvalidInput, "the poorest 20 % hold nothing, so Palma and S80/S20 are infinite",
                "report the Gini or Theil T instead, or check for zero values");
  }
  ratios.palma = top10 / bottom40;
  ratios.s80_s20 = top20 / bottom20;
  double smallest = 0.0;
  double largest = 0.0;
  bool seen = false;
  for (std::size_t i = 0; i < sorted_values.size(); ++i) {
    if (weights[i] <= 0.0) continue;
    if (!seen) smallest = sorted_values[i];
    largest = sorted_values[i];
    seen = true;
  }
  ratios.max_min = smallest > 0.0 ? largest / smallest : 0.0;
  if (smallest <= 0.0) {
    throw Error(ErrorCode::InvalidInput, "max/min is infinite because the smallest value is 0",
                "check for zero values");
  }
  return ratios;
}

double concentration_index(std::span<const double> values, std::span<const double> weights,
                           std::span<const double> rank_by) {
  require_same_length(values, weights);
  require_same_length(values, rank_by);
  const Moments m = moments(values, weights);
  require_positive_mean(m, "concentration index");
  const std::vector<std::uint32_t> order = sort_order(rank_by);
  double below = 0.0;
  double covariance_sum = 0.0;
  std::size_t block_start = 0;
  // Units tied on the ranking variable share the mid-rank of their block.
  while (block_start < order.size()) {
    std::size_t block_end = block_start;
    double block_weight = 0.0;
    while (block_end < order.size() && rank_by[order[block_end]] == rank_by[order[block_start]]) {
      block_weight += weights[order[block_end]];
      ++block_end;
    }
    const double rank = (below + block_weight / 2.0) / m.total_weight;
    for (std::size_t k = block_start; k < block_end; ++k) {
      const std::uint32_t unit = order[k];
      covariance_sum += weights[unit] * (values[unit] - m.mean) * (rank - 0.5);
    }
    below += block_weight;
    block_start = block_end;
  }
  return 2.0 * (covariance_sum / m.total_weight) / m.mean;
}

}  // namespace equalis::measure
