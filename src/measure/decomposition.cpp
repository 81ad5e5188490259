#include "measure/decomposition.hpp"

#include "core/error.hpp"
#include "measure/inequality.hpp"

#include <fmt/format.h>

#include <array>
#include <cmath>

namespace equalis::measure {

namespace {

// Units per chunk of a reduction: partial sums are kept per chunk and merged in chunk order, which
// makes every sum independent of how chunks are spread over threads.
constexpr std::size_t kChunk = 1U << 16U;

std::size_t chunk_count(std::size_t n) {
  return (n + kChunk - 1) / kChunk;
}

struct GroupSums {
  std::vector<double> weight;
  std::vector<double> weighted_sum;
  std::vector<std::size_t> units;
};

void check_lengths(std::span<const double> values, std::span<const double> weights,
                   std::span<const std::uint32_t> groups) {
  if (values.size() != weights.size() || values.size() != groups.size()) {
    throw Error(ErrorCode::Internal, "values, weights and groups differ in length");
  }
}

GroupSums group_sums(std::span<const double> values, std::span<const double> weights,
                     std::span<const std::uint32_t> groups, std::uint32_t group_count) {
  check_lengths(values, weights, groups);
  const std::size_t chunks = chunk_count(values.size());
  std::vector<double> chunk_weight(chunks * group_count, 0.0);
  std::vector<double> chunk_sum(chunks * group_count, 0.0);
  std::vector<std::size_t> chunk_units(chunks * group_count, 0);
  const auto signed_chunks = static_cast<long long>(chunks);
#pragma omp parallel for schedule(static) if (chunks > 1)
  for (long long c = 0; c < signed_chunks; ++c) {
    const auto chunk = static_cast<std::size_t>(c);
    const std::size_t end = std::min(values.size(), (chunk + 1) * kChunk);
    double* w_sum = chunk_weight.data() + chunk * group_count;
    double* y_sum = chunk_sum.data() + chunk * group_count;
    std::size_t* count = chunk_units.data() + chunk * group_count;
    for (std::size_t i = chunk * kChunk; i < end; ++i) {
      if (weights[i] <= 0.0) continue;
      const std::uint32_t g = groups[i];
      w_sum[g] += weights[i];
      y_sum[g] += weights[i] * values[i];
      ++count[g];
    }
  }
  GroupSums sums{std::vector<double>(group_count, 0.0), std::vector<double>(group_count, 0.0),
                 std::vector<std::size_t>(group_count, 0)};
  for (std::size_t chunk = 0; chunk < chunks; ++chunk) {
    for (std::uint32_t g = 0; g < group_count; ++g) {
      sums.weight[g] += chunk_weight[chunk * group_count + g];
      sums.weighted_sum[g] += chunk_sum[chunk * group_count + g];
      sums.units[g] += chunk_units[chunk * group_count + g];
    }
  }
  return sums;
}

double between_from_sums(const GroupSums& sums, double alpha) {
  std::vector<double> means;
  std::vector<double> weights;
  for (std::size_t g = 0; g < sums.weight.size(); ++g) {
    if (sums.weight[g] <= 0.0) continue;
    means.push_back(sums.weighted_sum[g] / sums.weight[g]);
    weights.push_back(sums.weight[g]);
  }
  return generalized_entropy(means, weights, alpha);
}

void check_domain(std::span<const double> values, std::span<const double> weights, double smallest_alpha) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (weights[i] <= 0.0) continue;
    if (values[i] < 0.0 || (smallest_alpha <= 0.0 && values[i] == 0.0)) {
      throw Error(ErrorCode::InvalidInput,
                  fmt::format("GE({}) needs {} values, but one unit has {}", smallest_alpha,
                              smallest_alpha <= 0.0 ? "positive" : "non-negative", values[i]),
                  smallest_alpha <= 0.0 ? "drop or correct zero values, or use α > 0 (Theil T is α = 1)"
                                        : "relative inequality indices are undefined for negative values");
    }
  }
}

}  // namespace

double ge_between(std::span<const double> values, std::span<const double> weights,
                  std::span<const std::uint32_t> groups, std::uint32_t group_count, double alpha) {
  return between_from_sums(group_sums(values, weights, groups, group_count), alpha);
}

GeDecomposition ge_decomposition(std::span<const double> values, std::span<const double> weights,
                                 std::span<const std::uint32_t> groups,
                                 const std::vector<std::string>& group_names, double alpha) {
  const std::array<double, 1> alphas{alpha};
  return std::move(ge_decompositions(values, weights, groups, group_names, alphas).front());
}

std::vector<GeDecomposition> ge_decompositions(std::span<const double> values,
                                               std::span<const double> weights,
                                               std::span<const std::uint32_t> groups,
                                               const std::vector<std::string>& group_names,
                                               std::span<const double> alphas) {
  if (alphas.empty()) return {};
  double smallest_alpha = alphas.front();
  for (const double alpha : alphas) {
    if (!std::isfinite(alpha)) {
      throw Error(ErrorCode::InvalidInput, "GE(α) needs a finite α", "give α such as 0, 1 or 2");
    }
    smallest_alpha = std::min(smallest_alpha, alpha);
  }
  const auto group_count = static_cast<std::uint32_t>(group_names.size());
  const GroupSums sums = group_sums(values, weights, groups, group_count);
  check_domain(values, weights, smallest_alpha);

  double total_weight = 0.0;
  double total_sum = 0.0;
  for (std::uint32_t g = 0; g < group_count; ++g) {
    total_weight += sums.weight[g];
    total_sum += sums.weighted_sum[g];
  }
  if (!(total_weight > 0.0) || !(total_sum > 0.0)) {
    throw Error(ErrorCode::InvalidInput, "GE(α) needs a positive total weight and a positive mean",
                "check the indicator's sign and the weights");
  }
  const double mean = total_sum / total_weight;
  const std::size_t alpha_count = alphas.size();
  std::vector<double> group_mean(group_count, 0.0);
  std::vector<double> log_mean_ratio(group_count, 0.0);                  // ln(μ_g/μ)
  std::vector<double> mean_ratio_power(alpha_count * group_count, 0.0);  // (μ_g/μ)^α
  for (std::uint32_t g = 0; g < group_count; ++g) {
    if (sums.weight[g] <= 0.0) continue;
    group_mean[g] = sums.weighted_sum[g] / sums.weight[g];
    if (group_mean[g] <= 0.0) continue;
    log_mean_ratio[g] = std::log(group_mean[g] / mean);
    for (std::size_t a = 0; a < alpha_count; ++a) {
      mean_ratio_power[a * group_count + g] = std::exp(alphas[a] * log_mean_ratio[g]);
    }
  }

  // One log per unit serves every α and both the within-group and the overall summand:
  // y/μ = (y/μ_g)(μ_g/μ), so ln(y/μ) = ln r + ln(μ_g/μ) and (y/μ)^α = r^α (μ_g/μ)^α.
  const std::size_t chunks = chunk_count(values.size());
  const std::size_t stride = alpha_count * (group_count + 1);  // per chunk: α × (groups, total)
  std::vector<double> partial(chunks * stride, 0.0);
  const auto signed_chunks = static_cast<long long>(chunks);
#pragma omp parallel for schedule(static) if (chunks > 1)
  for (long long c = 0; c < signed_chunks; ++c) {
    const auto chunk = static_cast<std::size_t>(c);
    double* acc = partial.data() + chunk * stride;
    const std::size_t end = std::min(values.size(), (chunk + 1) * kChunk);
    for (std::size_t i = chunk * kChunk; i < end; ++i) {
      const double w = weights[i];
      if (w <= 0.0) continue;
      const std::uint32_t g = groups[i];
      if (group_mean[g] <= 0.0) continue;  // an all-zero group (α > 0): every summand is 0
      const double ratio = values[i] / group_mean[g];
      const double log_ratio = ratio > 0.0 ? std::log(ratio) : 0.0;  // ratio 0 only when α > 0
      for (std::size_t a = 0; a < alpha_count; ++a) {
        const double alpha = alphas[a];
        double* row = acc + a * (group_count + 1);
        if (alpha == 1.0) {
          if (ratio > 0.0) {
            row[g] += w * ratio * log_ratio;
            row[group_count] +=
                w * ratio * mean_ratio_power[a * group_count + g] * (log_ratio + log_mean_ratio[g]);
          }
        } else if (alpha == 0.0) {
          row[g] -= w * log_ratio;
          row[group_count] -= w * (log_ratio + log_mean_ratio[g]);
        } else {
          const double power = ratio > 0.0 ? std::exp(alpha * log_ratio) : 0.0;
          row[g] += w * (power - 1.0);
          row[group_count] += w * (power * mean_ratio_power[a * group_count + g] - 1.0);
        }
      }
    }
  }
  std::vector<double> sum(stride, 0.0);
  for (std::size_t chunk = 0; chunk < chunks; ++chunk) {
    for (std::size_t k = 0; k < stride; ++k) sum[k] += partial[chunk * stride + k];
  }

  std::vector<GeDecomposition> results(alpha_count);
  for (std::size_t a = 0; a < alpha_count; ++a) {
    const double alpha = alphas[a];
    const double scale = (alpha == 0.0 || alpha == 1.0) ? 1.0 : 1.0 / (alpha * (alpha - 1.0));
    const double* row = sum.data() + a * (group_count + 1);
    GeDecomposition& result = results[a];
    result.alpha = alpha;
    result.total = std::max(0.0, scale * row[group_count] / total_weight);
    result.between = between_from_sums(sums, alpha);
    result.groups.resize(group_count);
    for (std::uint32_t g = 0; g < group_count; ++g) {
      GroupTerm& term = result.groups[g];
      term.name = group_names[g];
      term.units = sums.units[g];
      if (sums.weight[g] <= 0.0) continue;
      term.population_share = sums.weight[g] / total_weight;
      term.mean = group_mean[g];
      term.income_share = sums.weighted_sum[g] / total_sum;
      term.index = std::max(0.0, scale * row[g] / sums.weight[g]);
      term.weight = group_mean[g] > 0.0 ? term.population_share * mean_ratio_power[a * group_count + g] : 0.0;
      term.contribution = term.weight * term.index;
      result.within += term.contribution;
    }
    result.between_share = result.total > 0.0 ? result.between / result.total : 0.0;
  }
  return results;
}

}  // namespace equalis::measure
