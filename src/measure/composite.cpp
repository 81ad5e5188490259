#include "measure/composite.hpp"

#include "core/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace equalis::measure {

namespace {

std::string indicator_name(const IndicatorMatrix& matrix, std::size_t indicator_idx) {
  if (indicator_idx < matrix.names.size()) return fmt::format("'{}'", matrix.names[indicator_idx]);
  return fmt::format("indicator {}", indicator_idx);
}

void validate(const IndicatorMatrix& matrix, std::size_t min_units, const char* method) {
  if (matrix.columns.empty()) {
    throw Error(ErrorCode::InvalidInput, fmt::format("{}: no indicators given", method),
                "give at least one indicator column");
  }
  if (matrix.directions.size() != matrix.columns.size()) {
    throw Error(ErrorCode::InvalidInput,
                fmt::format("{}: {} directions for {} indicators", method, matrix.directions.size(),
                            matrix.columns.size()),
                "give one direction (benefit or cost) per indicator");
  }
  if (!matrix.names.empty() && matrix.names.size() != matrix.columns.size()) {
    throw Error(
        ErrorCode::InvalidInput,
        fmt::format("{}: {} names for {} indicators", method, matrix.names.size(), matrix.columns.size()),
        "give one name per indicator, or none");
  }
  const std::size_t units = matrix.columns[0].size();
  if (units < min_units) {
    throw Error(ErrorCode::InvalidInput,
                fmt::format("{} needs at least {} units, got {}", method, min_units, units),
                "give more units");
  }
  for (std::size_t indicator_idx = 0; indicator_idx < matrix.columns.size(); ++indicator_idx) {
    const Direction direction = matrix.directions[indicator_idx];
    if (direction != Direction::Benefit && direction != Direction::Cost) {
      throw Error(ErrorCode::InvalidInput,
                  fmt::format("{}: {} has direction {}", method, indicator_name(matrix, indicator_idx),
                              static_cast<int>(direction)),
                  "use +1 (benefit: more is better) or −1 (cost: less is better)");
    }
    const std::vector<double>& column = matrix.columns[indicator_idx];
    if (column.size() != units) {
      throw Error(ErrorCode::InvalidInput,
                  fmt::format("{}: {} has {} units but the first indicator has {}", method,
                              indicator_name(matrix, indicator_idx), column.size(), units),
                  "give every indicator one value per unit");
    }
    for (std::size_t unit_idx = 0; unit_idx < units; ++unit_idx) {
      if (!std::isfinite(column[unit_idx])) {
        throw Error(ErrorCode::InvalidInput,
                    fmt::format("{}: {} is {} for unit {}", method, indicator_name(matrix, indicator_idx),
                                column[unit_idx], unit_idx),
                    "fill or drop missing values before building a composite index");
      }
    }
  }
}

[[noreturn]] void throw_constant(const IndicatorMatrix& matrix, std::size_t indicator_idx,
                                 const char* method) {
  throw Error(
      ErrorCode::InvalidInput,
      fmt::format("{}: {} has the same value for every unit", method, indicator_name(matrix, indicator_idx)),
      "drop the constant indicator: it cannot distinguish units");
}

bool is_constant(const std::vector<double>& column) {
  const auto [min_it, max_it] = std::minmax_element(column.begin(), column.end());
  return *min_it == *max_it;
}

// Min–max of one column, oriented; the caller has checked it is not constant.
std::vector<double> min_max_column(const std::vector<double>& column, Direction direction) {
  const auto [min_it, max_it] = std::minmax_element(column.begin(), column.end());
  const double lo = *min_it;
  const double hi = *max_it;
  std::vector<double> out(column.size());
  for (std::size_t i = 0; i < column.size(); ++i) {
    out[i] = direction == Direction::Benefit ? (column[i] - lo) / (hi - lo) : (hi - column[i]) / (hi - lo);
  }
  return out;
}

double mean_of(const std::vector<double>& v) {
  return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

void validate_weights(std::span<const double> weights, std::size_t indicator_count, const char* method) {
  if (weights.size() != indicator_count) {
    throw Error(ErrorCode::InvalidInput,
                fmt::format("{}: {} weights for {} indicators", method, weights.size(), indicator_count),
                "give one weight per indicator");
  }
  for (std::size_t j = 0; j < weights.size(); ++j) {
    if (!(weights[j] >= 0.0) || !std::isfinite(weights[j])) {
      throw Error(ErrorCode::InvalidInput, fmt::format("{}: weight {} is {}", method, j, weights[j]),
                  "weights must be finite and non-negative");
    }
  }
}

}  // namespace

std::vector<std::vector<double>> normalize_min_max(const IndicatorMatrix& matrix) {
  validate(matrix, 1, "min–max normalisation");
  std::vector<std::vector<double>> out;
  for (std::size_t j = 0; j < matrix.columns.size(); ++j) {
    if (is_constant(matrix.columns[j])) throw_constant(matrix, j, "min–max normalisation");
    out.push_back(min_max_column(matrix.columns[j], matrix.directions[j]));
  }
  return out;
}

std::vector<std::vector<double>> normalize_z_score(const IndicatorMatrix& matrix) {
  validate(matrix, 2, "z-score normalisation");
  std::vector<std::vector<double>> out;
  for (std::size_t j = 0; j < matrix.columns.size(); ++j) {
    const std::vector<double>& column = matrix.columns[j];
    if (is_constant(column)) throw_constant(matrix, j, "z-score normalisation");
    const double mean = mean_of(column);
    double sum_squares = 0.0;
    for (const double x : column) sum_squares += (x - mean) * (x - mean);
    const double sd = std::sqrt(sum_squares / static_cast<double>(column.size() - 1));
    const double sign = matrix.directions[j] == Direction::Benefit ? 1.0 : -1.0;
    std::vector<double> z(column.size());
    for (std::size_t i = 0; i < column.size(); ++i) z[i] = sign * (column[i] - mean) / sd;
    out.push_back(std::move(z));
  }
  return out;
}

std::vector<double> equal_weights(std::size_t indicator_count) {
  if (indicator_count == 0) {
    throw Error(ErrorCode::InvalidInput, "equal weights for zero indicators", "give at least one indicator");
  }
  return std::vector<double>(indicator_count, 1.0 / static_cast<double>(indicator_count));
}

std::vector<double> entropy_weights(const IndicatorMatrix& matrix) {
  validate(matrix, 2, "entropy weights");
  const std::size_t units = matrix.unit_count();
  const double k = 1.0 / std::log(static_cast<double>(units));
  std::vector<double> divergence(matrix.columns.size(), 0.0);
  for (std::size_t j = 0; j < matrix.columns.size(); ++j) {
    if (is_constant(matrix.columns[j])) continue;  // uniform shares: e = 1, d = 0
    const std::vector<double> normalised = min_max_column(matrix.columns[j], matrix.directions[j]);
    const double total =
        std::accumulate(normalised.begin(), normalised.end(), 0.0);  // ≥ 1: the best unit is 1
    double entropy = 0.0;
    for (const double x : normalised) {
      const double p = x / total;
      if (p > 0.0) entropy -= p * std::log(p);  // 0·ln 0 = 0
    }
    divergence[j] = std::max(0.0, 1.0 - k * entropy);
  }
  const double sum = std::accumulate(divergence.begin(), divergence.end(), 0.0);
  if (!(sum > 0.0)) {
    throw Error(ErrorCode::InvalidInput, "entropy weights: every indicator is constant across units",
                "give indicators that vary between units");
  }
  for (double& d : divergence) d /= sum;
  return divergence;
}

std::vector<double> critic_weights(const IndicatorMatrix& matrix) {
  validate(matrix, 2, "CRITIC weights");
  const std::size_t m = matrix.columns.size();
  std::vector<std::vector<double>> centred;
  std::vector<double> sd(m);
  for (std::size_t j = 0; j < m; ++j) {
    if (is_constant(matrix.columns[j])) throw_constant(matrix, j, "CRITIC weights");
    std::vector<double> x = min_max_column(matrix.columns[j], matrix.directions[j]);
    const double mean = mean_of(x);
    double sum_squares = 0.0;
    for (double& v : x) {
      v -= mean;
      sum_squares += v * v;
    }
    sd[j] = std::sqrt(sum_squares / static_cast<double>(x.size()));
    centred.push_back(std::move(x));
  }
  const double units = static_cast<double>(matrix.unit_count());
  std::vector<double> information(m, 0.0);
  for (std::size_t j = 0; j < m; ++j) {
    double conflict = 0.0;
    for (std::size_t other = 0; other < m; ++other) {
      double cross = 0.0;
      for (std::size_t i = 0; i < centred[j].size(); ++i) cross += centred[j][i] * centred[other][i];
      const double r = std::clamp(cross / (units * sd[j] * sd[other]), -1.0, 1.0);
      conflict += 1.0 - r;
    }
    information[j] = sd[j] * conflict;
  }
  const double sum = std::accumulate(information.begin(), information.end(), 0.0);
  if (!(sum > 0.0)) {
    // Only possible when every pair of indicators is perfectly correlated (r = 1 throughout).
    throw Error(
        ErrorCode::InvalidInput,
        "CRITIC weights: all indicators are perfectly correlated after orientation, so none adds information",
        "use equal weights, or drop the redundant indicators");
  }
  for (double& c : information) c /= sum;
  return information;
}

std::vector<double> weighted_sum(std::span<const std::vector<double>> columns,
                                 std::span<const double> weights) {
  if (columns.empty()) {
    throw Error(ErrorCode::InvalidInput, "weighted sum of no indicators", "give at least one indicator");
  }
  validate_weights(weights, columns.size(), "weighted sum");
  const std::size_t units = columns[0].size();
  std::vector<double> score(units, 0.0);
  for (std::size_t j = 0; j < columns.size(); ++j) {
    if (columns[j].size() != units) {
      throw Error(ErrorCode::InvalidInput,
                  fmt::format("weighted sum: indicator {} has {} units but indicator 0 has {}", j,
                              columns[j].size(), units),
                  "give every indicator one value per unit");
    }
    for (std::size_t i = 0; i < units; ++i) {
      if (!std::isfinite(columns[j][i])) {
        throw Error(ErrorCode::InvalidInput,
                    fmt::format("weighted sum: indicator {} is {} for unit {}", j, columns[j][i], i),
                    "fill or drop missing values first");
      }
      score[i] += weights[j] * columns[j][i];
    }
  }
  return score;
}

TopsisResult topsis(const IndicatorMatrix& matrix, std::span<const double> weights) {
  validate(matrix, 1, "TOPSIS");
  validate_weights(weights, matrix.columns.size(), "TOPSIS");
  const std::size_t m = matrix.columns.size();
  const std::size_t units = matrix.unit_count();
  TopsisResult result;
  result.ideal.resize(m);
  result.anti_ideal.resize(m);
  std::vector<double> plus(units, 0.0);
  std::vector<double> minus(units, 0.0);
  for (std::size_t j = 0; j < m; ++j) {
    const std::vector<double>& column = matrix.columns[j];
    double sum_squares = 0.0;
    for (const double x : column) sum_squares += x * x;
    if (!(sum_squares > 0.0)) {
      throw Error(ErrorCode::InvalidInput,
                  fmt::format("TOPSIS: {} is zero for every unit, so it cannot be vector-normalised",
                              indicator_name(matrix, j)),
                  "drop the indicator");
    }
    const double factor = weights[j] / std::sqrt(sum_squares);
    std::vector<double> v(units);
    for (std::size_t i = 0; i < units; ++i) v[i] = factor * column[i];
    const auto [min_it, max_it] = std::minmax_element(v.begin(), v.end());
    const bool benefit = matrix.directions[j] == Direction::Benefit;
    result.ideal[j] = benefit ? *max_it : *min_it;
    result.anti_ideal[j] = benefit ? *min_it : *max_it;
    for (std::size_t i = 0; i < units; ++i) {
      plus[i] += (v[i] - result.ideal[j]) * (v[i] - result.ideal[j]);
      minus[i] += (v[i] - result.anti_ideal[j]) * (v[i] - result.anti_ideal[j]);
    }
  }
  result.closeness.resize(units);
  result.distance_to_ideal.resize(units);
  result.distance_to_anti_ideal.resize(units);
  for (std::size_t i = 0; i < units; ++i) {
    result.distance_to_ideal[i] = std::sqrt(plus[i]);
    result.distance_to_anti_ideal[i] = std::sqrt(minus[i]);
    const double total = result.distance_to_ideal[i] + result.distance_to_anti_ideal[i];
    if (!(total > 0.0)) {
      // D⁺ = D⁻ = 0 means the ideal equals the anti-ideal: every unit is the same on every weighted
      // indicator.
      throw Error(
          ErrorCode::InvalidInput,
          "TOPSIS: all units are identical on every indicator with positive weight, so closeness is 0/0",
          "give indicators that vary between units, or positive weights to those that do");
    }
    result.closeness[i] = result.distance_to_anti_ideal[i] / total;
  }
  return result;
}

std::vector<std::uint32_t> competition_rank(std::span<const double> scores, double tolerance) {
  if (!(tolerance >= 0.0)) {
    throw Error(ErrorCode::InvalidInput, fmt::format("tie tolerance {} is negative", tolerance),
                "give a tolerance ≥ 0 (0 means exact ties only)");
  }
  for (std::size_t i = 0; i < scores.size(); ++i) {
    if (std::isnan(scores[i])) {
      throw Error(ErrorCode::InvalidInput, fmt::format("score of unit {} is NaN", i),
                  "rank only defined scores");
    }
  }
  std::vector<std::uint32_t> order(scores.size());
  std::iota(order.begin(), order.end(), 0U);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::uint32_t a, std::uint32_t b) { return scores[a] > scores[b]; });
  std::vector<std::uint32_t> rank(scores.size());
  double leader = 0.0;
  std::uint32_t leader_rank = 0;
  for (std::size_t position = 0; position < order.size(); ++position) {
    const double score = scores[order[position]];
    if (position == 0 || leader - score > tolerance) {
      leader = score;
      leader_rank = static_cast<std::uint32_t>(position + 1);
    }
    rank[order[position]] = leader_rank;
  }
  return rank;
}

}  // namespace equalis::measure
