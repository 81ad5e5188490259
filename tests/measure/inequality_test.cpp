#include "measure/inequality.hpp"

#include "test_data.hpp"
#include "test_support.hpp"

#include "core/error.hpp"
#include "core/random.hpp"

#include <gtest/gtest.h>
#include <omp.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

namespace equalis::measure {
namespace {

const std::vector<double> kOnes4{1, 1, 1, 1};

ErrorCode error_code_of(auto&& call) {
  return test_support::error_of(call).code();
}

// Brute force mean absolute difference over 2μ: the definition, O(n²).
double gini_by_definition(const std::vector<double>& y, const std::vector<double>& w) {
  double pairs = 0.0;
  double total_weight = 0.0;
  double sum = 0.0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    total_weight += w[i];
    sum += w[i] * y[i];
    for (std::size_t j = 0; j < y.size(); ++j) pairs += w[i] * w[j] * std::abs(y[i] - y[j]);
  }
  const double mean = sum / total_weight;
  return pairs / (2.0 * total_weight * total_weight * mean);
}

TEST(Gini, HandWorkedExamples) {
  // {1,3}: Σ|yi−yj| over ordered pairs = 4, n² = 4, μ = 2 → 4/(2·4·2) = 1/4.
  EXPECT_DOUBLE_EQ(gini(std::vector<double>{1, 3}, std::vector<double>{1, 1}), 0.25);
  // {1,2,3,4}: ordered-pair sum 20, 2n²μ = 80 → 1/4.
  EXPECT_DOUBLE_EQ(gini(std::vector<double>{4, 2, 3, 1}, kOnes4), 0.25);
  // Equal values → 0; one unit holding everything among n → (n−1)/n.
  EXPECT_DOUBLE_EQ(gini(std::vector<double>{5, 5, 5, 5}, kOnes4), 0.0);
  EXPECT_DOUBLE_EQ(gini(std::vector<double>{0, 0, 0, 8}, kOnes4), 0.75);
  EXPECT_DOUBLE_EQ(gini_correction(4), 4.0 / 3.0);
}

TEST(Gini, WeightsEqualReplication) {
  // Weight 2 on the value 1 is the same population as listing it twice: {1,1,3} → Σ = 8, 2·9·(5/3) = 30.
  EXPECT_DOUBLE_EQ(gini(std::vector<double>{1, 3}, std::vector<double>{2, 1}), 8.0 / 30.0);
  EXPECT_DOUBLE_EQ(gini(std::vector<double>{1, 1, 3}, std::vector<double>{1, 1, 1}), 8.0 / 30.0);
}

TEST(Gini, ZeroWeightUnitsAreAbsent) {
  EXPECT_DOUBLE_EQ(gini(std::vector<double>{1, 100, 3}, std::vector<double>{1, 0, 1}), 0.25);
}

RC_GTEST_PROP(GiniProperty, MatchesDefinitionAndIsScaleInvariant, ()) {
  const auto data = *testing::grouped_data();
  const double g = gini(data.values, data.weights);
  RC_ASSERT(std::abs(g - gini_by_definition(data.values, data.weights)) < 1e-12);
  std::vector<double> scaled = data.values;
  for (auto& v : scaled) v *= 37.5;
  RC_ASSERT(std::abs(gini(scaled, data.weights) - g) < 1e-12);
  std::vector<double> doubled = data.weights;
  for (auto& w : doubled) w *= 2.0;
  RC_ASSERT(std::abs(gini(data.values, doubled) - g) < 1e-12);
  RC_ASSERT(g >= 0.0 && g < 1.0);
}

// The chunked parallel sweep against a plain serial one on data spanning many chunks, with zero weights.
TEST(Gini, ChunkedSweepEqualsSerialSweepOnLargeInput) {
  Rng rng(5);
  std::vector<double> y(300001);
  std::vector<double> w(y.size());
  for (std::size_t i = 0; i < y.size(); ++i) {
    y[i] = std::exp(3.0 * rng.uniform01());
    w[i] = rng.uniform_index(10) == 0 ? 0.0 : 1.0 + static_cast<double>(rng.uniform_index(100));
  }
  std::vector<std::size_t> order(y.size());
  std::iota(order.begin(), order.end(), 0U);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return y[a] < y[b]; });
  double total_weight = 0.0;
  double weighted_sum = 0.0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    total_weight += w[i];
    weighted_sum += w[i] * y[i];
  }
  double below = 0.0;
  double signed_sum = 0.0;
  for (const std::size_t i : order) {
    signed_sum += w[i] * y[i] * (below - (total_weight - below - w[i]));
    below += w[i];
  }
  const double expected = signed_sum / (total_weight * weighted_sum);
  EXPECT_NEAR(gini(y, w), expected, 1e-12);
  std::vector<double> sorted_y;
  std::vector<double> sorted_w;
  for (const std::size_t i : order) {
    sorted_y.push_back(y[i]);
    sorted_w.push_back(w[i]);
  }
  EXPECT_NEAR(gini_sorted(sorted_y, sorted_w), expected, 1e-12);
}

// Moments, GE and Atkinson sum in fixed chunks on large inputs: the same bits on one thread and on two,
// and the plain serial sums to rounding.
TEST(ChunkedSums, LargeInputIndicesDoNotDependOnTheThreadCount) {
  Rng rng(9);
  std::vector<double> y(200003);
  std::vector<double> w(y.size());
  for (std::size_t i = 0; i < y.size(); ++i) {
    y[i] = std::exp(4.0 * rng.uniform01());
    w[i] = rng.uniform_index(7) == 0 ? 0.0 : static_cast<double>(1 + rng.uniform_index(50));
  }
  const auto all = [&] {
    const Moments m = moments(y, w);
    return std::vector<double>{m.total_weight,
                               m.mean,
                               m.variance,
                               static_cast<double>(m.units),
                               generalized_entropy(y, w, 0.0),
                               generalized_entropy(y, w, 1.0),
                               generalized_entropy(y, w, 2.0),
                               atkinson(y, w, 1.0),
                               atkinson(y, w, 0.5)};
  };
  const int before = omp_get_max_threads();
  omp_set_num_threads(1);
  const std::vector<double> one = all();
  omp_set_num_threads(2);
  const std::vector<double> two = all();
  omp_set_num_threads(before);
  EXPECT_EQ(one, two);
  double total = 0.0;
  double sum = 0.0;
  double theil = 0.0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    total += w[i];
    sum += w[i] * y[i];
  }
  for (std::size_t i = 0; i < y.size(); ++i)
    theil += w[i] * (y[i] / (sum / total)) * std::log(y[i] / (sum / total));
  EXPECT_NEAR(one[1], sum / total, 1e-12 * sum / total);
  EXPECT_NEAR(one[5], theil / total, 1e-12);
}

TEST(GeneralizedEntropy, HandWorkedExamples) {
  const std::vector<double> y{1, 2, 3, 4};  // μ = 2.5, ratios 0.4 0.8 1.2 1.6
  const double theil_t =
      (0.4 * std::log(0.4) + 0.8 * std::log(0.8) + 1.2 * std::log(1.2) + 1.6 * std::log(1.6)) / 4;
  const double theil_l = -(std::log(0.4) + std::log(0.8) + std::log(1.2) + std::log(1.6)) / 4;
  EXPECT_NEAR(generalized_entropy(y, kOnes4, 1.0), theil_t, 1e-15);
  EXPECT_NEAR(generalized_entropy(y, kOnes4, 0.0), theil_l, 1e-15);
  // GE(2) = CV²/2: population variance 1.25, CV² = 1.25/6.25 = 0.2 → 0.1.
  EXPECT_NEAR(generalized_entropy(y, kOnes4, 2.0), 0.1, 1e-15);
  // GE(−1) = (1/((−1)(−2))) · mean(1/r − 1) = ½ · (2.5+1.25+0.8333…+0.625 − 4)/4.
  EXPECT_NEAR(generalized_entropy(y, kOnes4, -1.0), 0.5 * ((2.5 + 1.25 + 2.5 / 3 + 0.625) - 4) / 4, 1e-15);
  // Theil T reaches its maximum ln n when one unit has everything (0·ln 0 = 0).
  EXPECT_NEAR(generalized_entropy(std::vector<double>{0, 0, 0, 8}, kOnes4, 1.0), std::log(4.0), 1e-15);
}

TEST(GeneralizedEntropy, ConvergesToTheilAtTheLimits) {
  const std::vector<double> y{1, 2, 3, 4};
  EXPECT_NEAR(generalized_entropy(y, kOnes4, 1.0 + 1e-7), generalized_entropy(y, kOnes4, 1.0), 1e-7);
  EXPECT_NEAR(generalized_entropy(y, kOnes4, 1e-7), generalized_entropy(y, kOnes4, 0.0), 1e-7);
}

TEST(GeneralizedEntropy, LogIndicesRejectZeroAndNegativeValues) {
  const std::vector<double> with_zero{0, 1, 2, 3};
  EXPECT_EQ(error_code_of([&] { (void)generalized_entropy(with_zero, kOnes4, 0.0); }),
            ErrorCode::InvalidInput);
  EXPECT_EQ(error_code_of([&] { (void)generalized_entropy(with_zero, kOnes4, -1.0); }),
            ErrorCode::InvalidInput);
  EXPECT_NO_THROW((void)generalized_entropy(with_zero, kOnes4, 1.0));
  const std::vector<double> negative{-1, 1, 2, 3};
  EXPECT_EQ(error_code_of([&] { (void)generalized_entropy(negative, kOnes4, 1.0); }),
            ErrorCode::InvalidInput);
  EXPECT_EQ(error_code_of([&] { (void)gini(negative, kOnes4); }), ErrorCode::InvalidInput);
}

TEST(Atkinson, HandWorkedExamples) {
  const std::vector<double> y{1, 4};
  const std::vector<double> w{1, 1};
  // ε = 1: 1 − geometric mean / mean = 1 − 2/2.5; ε = 2: 1 − harmonic mean / mean = 1 − 1.6/2.5.
  EXPECT_NEAR(atkinson(y, w, 1.0), 0.2, 1e-15);
  EXPECT_NEAR(atkinson(y, w, 2.0), 0.36, 1e-15);
  // ε = 0.5: 1 − ((1 + 2)/2)² / 2.5 = 1 − 2.25/2.5.
  EXPECT_NEAR(atkinson(y, w, 0.5), 0.1, 1e-15);
  EXPECT_EQ(atkinson(y, w, 0.0), 0.0);
  EXPECT_EQ(error_code_of([&] { (void)atkinson(y, w, -1.0); }), ErrorCode::InvalidInput);
  EXPECT_EQ(error_code_of([&] {
              (void)atkinson(std::vector<double>{0, 4}, w, 1.0);
            }),
            ErrorCode::InvalidInput);
  EXPECT_NEAR(atkinson(std::vector<double>{0, 4}, w, 0.5), 1.0 - 1.0 / 2.0, 1e-15);
}

RC_GTEST_PROP(AtkinsonProperty, RelatesToGeneralizedEntropy, ()) {
  // A(ε) = 1 − [ε(ε−1)·GE(1−ε)... ] is awkward; the clean identities are A(1) = 1 − exp(−GE(0)) and
  // A(ε) = 1 − [1 + α(α−1) GE(α)]^{1/α} with α = 1 − ε (Shorrocks 1980).
  const auto data = *testing::grouped_data();
  RC_ASSERT(std::abs(atkinson(data.values, data.weights, 1.0) -
                     (1.0 - std::exp(-generalized_entropy(data.values, data.weights, 0.0)))) < 1e-12);
  const double alpha = -1.0;  // ε = 2
  const double ge = generalized_entropy(data.values, data.weights, alpha);
  RC_ASSERT(std::abs(atkinson(data.values, data.weights, 2.0) -
                     (1.0 - std::pow(1.0 + alpha * (alpha - 1) * ge, 1.0 / alpha))) < 1e-12);
}

TEST(CoefficientOfVariation, PopulationSampleAndWilliamson) {
  const std::vector<double> y{1, 2, 3, 4};
  const CoefficientOfVariation cv = coefficient_of_variation(y, kOnes4);
  EXPECT_NEAR(cv.population, std::sqrt(1.25) / 2.5, 1e-15);
  EXPECT_NEAR(cv.sample, std::sqrt(5.0 / 3.0) / 2.5, 1e-15);
  // Williamson: population-weighted; weights {3,1,1,1}: μ = 12/6 = 2, var = (3·1 + 0 + 1 + 4)/6 = 4/3.
  const std::vector<double> w{3, 1, 1, 1};
  EXPECT_NEAR(coefficient_of_variation(y, w).population, std::sqrt(4.0 / 3.0) / 2.0, 1e-15);
  EXPECT_EQ(
      error_code_of([&] { (void)coefficient_of_variation(std::vector<double>{1}, std::vector<double>{1}); }),
      ErrorCode::InvalidInput);
}

TEST(QuantileRatios, HandWorkedExamples) {
  std::vector<double> y;
  for (int i = 1; i <= 10; ++i) y.push_back(i);
  const std::vector<double> w(10, 1.0);
  const QuantileRatios r = quantile_ratios_sorted(y, w);
  EXPECT_NEAR(r.palma, 10.0 / 10.0, 1e-15);   // top 10 % = {10}, bottom 40 % = 1+2+3+4
  EXPECT_NEAR(r.s80_s20, 19.0 / 3.0, 1e-15);  // {9,10} / {1,2}
  EXPECT_NEAR(r.max_min, 10.0, 1e-15);
  // Lorenz between vertices: the poorest quarter of {1,3} holds half of the first unit's 1 → 0.5/4.
  EXPECT_NEAR(lorenz_share_sorted(std::vector<double>{1, 3}, std::vector<double>{1, 1}, 0.25), 0.125, 1e-15);
  EXPECT_EQ(error_code_of([&] {
              (void)quantile_ratios_sorted(std::vector<double>{0, 0, 0, 8}, kOnes4);
            }),
            ErrorCode::InvalidInput);
}

TEST(ConcentrationIndex, RankedBySelfIsGiniAndReversedIsMinusGini) {
  const std::vector<double> y{3, 1, 4, 1, 5, 9, 2, 6};
  const std::vector<double> w{1, 2, 1, 3, 1, 1, 2, 1};
  const double g = gini(y, w);
  EXPECT_NEAR(concentration_index(y, w, y), g, 1e-14);
  std::vector<double> reversed;
  for (const double v : y) reversed.push_back(-v);
  EXPECT_NEAR(concentration_index(y, w, reversed), -g, 1e-14);
}

TEST(ConcentrationIndex, HandWorkedExample) {
  // Health access y = {2, 4} ranked by income {10, 20}: μ = 3, ranks 0.25 and 0.75,
  // cov = ½[(2−3)(0.25−0.5) + (4−3)(0.75−0.5)] = 0.25 → C = 2·0.25/3.
  EXPECT_NEAR(
      concentration_index(std::vector<double>{2, 4}, std::vector<double>{1, 1}, std::vector<double>{10, 20}),
      0.5 / 3.0, 1e-15);
  // Tied incomes share the mid-rank: no gradient → 0.
  EXPECT_NEAR(
      concentration_index(std::vector<double>{2, 4}, std::vector<double>{1, 1}, std::vector<double>{7, 7}),
      0.0, 1e-15);
}

TEST(Moments, EmptyOrZeroWeightIsAnError) {
  EXPECT_EQ(error_code_of([&] {
              (void)gini(std::vector<double>{1, 2}, std::vector<double>{0, 0});
            }),
            ErrorCode::InvalidInput);
  EXPECT_EQ(error_code_of([&] {
              (void)generalized_entropy(std::vector<double>{0, 0}, std::vector<double>{1, 1}, 1.0);
            }),
            ErrorCode::InvalidInput);
}

}  // namespace
}  // namespace equalis::measure
