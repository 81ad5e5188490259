#include "measure/decomposition.hpp"

#include "core/error.hpp"
#include "measure/inequality.hpp"

#include <fmt/format.h>
#include <omp.h>

#include <cmath>

namespace equalis::measure {

namespace {

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

// Per-group Σw and Σwy in one parallel pass (per-thread partial sums, merged in thread order).
GroupSums group_sums(std::span<const double> values, std::span<const double> weights,
                     std::span<const std::uint32_t> groups, std::uint32_t group_count) {
  check_lengths(values, weights, groups);
  GroupSums sums{std::vector<double>(group_count, 0.0), std::vector<double>(group_count, 0.0),
                 std::vector<std::size_t>(group_count, 0)};
  const auto n = static_cast<long long>(values.size());
#pragma omp parallel
  {
    GroupSums local{std::vector<double>(group_count, 0.0), std::vector<double>(group_count, 0.0),
                    std::vector<std::size_t>(group_count, 0)};
#pragma omp for schedule(static) nowait
    for (long long k = 0; k < n; ++k) {
      const auto i = static_cast<std::size_t>(k);
      if (weights[i] <= 0.0) continue;
      const std::uint32_t g = groups[i];
      local.weight[g] += weights[i];
      local.weighted_sum[g] += weights[i] * values[i];
      ++local.units[g];
    }
#pragma omp critical
    for (std::uint32_t g = 0; g < group_count; ++g) {
      sums.weight[g] += local.weight[g];
      sums.weighted_sum[g] += local.weighted_sum[g];
      sums.units[g] += local.units[g];
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

void check_domain(std::span<const double> values, std::span<const double> weights, double alpha) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (weights[i] <= 0.0) continue;
    if (values[i] < 0.0 || (alpha <= 0.0 && values[i] == 0.0)) {
      throw Error(ErrorCode::InvalidInput,
                  fmt::format("GE({}) needs {} values, but one unit has {}", alpha,
                              alpha <= 0.0 ? "positive" : "non-negative", values[i]),
                  alpha <= 0.0 ? "drop or correct zero values, or use α > 0 (Theil T is α = 1)"
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
  if (!std::isfinite(alpha))
    throw Error(ErrorCode::InvalidInput, "GE(α) needs a finite α", "give α such as 0, 1 or 2");
  const auto group_count = static_cast<std::uint32_t>(group_names.size());
  const GroupSums sums = group_sums(values, weights, groups, group_count);
  check_domain(values, weights, alpha);

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
  std::vector<double> group_mean(group_count, 0.0);
  std::vector<double> mean_ratio(group_count, 0.0);  // μ_g / μ
  for (std::uint32_t g = 0; g < group_count; ++g) {
    if (sums.weight[g] <= 0.0) continue;
    group_mean[g] = sums.weighted_sum[g] / sums.weight[g];
    mean_ratio[g] = group_mean[g] / mean;
  }

  // One transcendental call per unit serves both the within-group and the overall summand:
  // y/μ = (y/μ_g)(μ_g/μ), so log and power factor through the group's mean ratio.
  std::vector<double> within_sum(group_count, 0.0);
  double total_term_sum = 0.0;
  const auto n = static_cast<long long>(values.size());
#pragma omp parallel
  {
    std::vector<double> local_within(group_count, 0.0);
    double local_total = 0.0;
#pragma omp for schedule(static) nowait
    for (long long k = 0; k < n; ++k) {
      const auto i = static_cast<std::size_t>(k);
      const double w = weights[i];
      if (w <= 0.0) continue;
      const std::uint32_t g = groups[i];
      if (group_mean[g] <= 0.0)
        continue;  // an all-zero group (α > 0): within term 0, overall term 0·ln 0 = 0
      const double ratio = values[i] / group_mean[g];
      const double m = mean_ratio[g];
      if (alpha == 1.0) {
        const double log_ratio = ratio > 0.0 ? std::log(ratio) : 0.0;
        if (ratio > 0.0) {
          local_within[g] += w * ratio * log_ratio;
          local_total += w * ratio * m * (log_ratio + std::log(m));
        }
      } else if (alpha == 0.0) {
        const double log_ratio = std::log(ratio);
        local_within[g] -= w * log_ratio;
        local_total -= w * (log_ratio + std::log(m));
      } else {
        const double power = std::pow(ratio, alpha);
        local_within[g] += w * (power - 1.0);
        local_total += w * (power * std::pow(m, alpha) - 1.0);
      }
    }
#pragma omp critical
    {
      for (std::uint32_t g = 0; g < group_count; ++g) within_sum[g] += local_within[g];
      total_term_sum += local_total;
    }
  }
  const double scale = (alpha == 0.0 || alpha == 1.0) ? 1.0 : 1.0 / (alpha * (alpha - 1.0));

  GeDecomposition result;
  result.alpha = alpha;
  result.total = std::max(0.0, scale * total_term_sum / total_weight);
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
    term.index = std::max(0.0, scale * within_sum[g] / sums.weight[g]);
    term.weight = term.population_share * std::pow(mean_ratio[g], alpha);
    term.contribution = term.weight * term.index;
    result.within += term.contribution;
  }
  result.between_share = result.total > 0.0 ? result.between / result.total : 0.0;
  return result;
}

}  // namespace equalis::measure
