// Proportion inference against published examples and exact values (Python with fractions.Fraction and
// math.comb; scratch script values written here, not taken from this code's output).

#include "audit/proportion.hpp"

#include "core/random.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>

namespace equalis::audit {
namespace {

TEST(LogFactorial, MatchesLgammaAcrossTheTableBoundary) {
  for (std::uint64_t n : {0ULL, 1ULL, 5ULL, 255ULL, 256ULL, 1000ULL, 123456789ULL}) {
    EXPECT_NEAR(log_factorial(n), std::lgamma(static_cast<double>(n) + 1.0),
                1e-12 * std::max(1.0, std::lgamma(static_cast<double>(n) + 1.0)))
        << n;
  }
}

TEST(Wilson, NewcombeExample81Of263) {
  // Newcombe (1998a, Stat Med 17:857) table II: 81/263 → 0.2553 to 0.3662.
  const auto interval = wilson_interval(81, 263);
  ASSERT_TRUE(interval.has_value());
  EXPECT_NEAR(interval->low, 0.2552885198782743, 1e-12);
  EXPECT_NEAR(interval->high, 0.3662095769828001, 1e-12);
}

TEST(Wilson, ExtremesAreExactAndZeroTrialsIsUndefined) {
  const auto none = wilson_interval(0, 10);
  EXPECT_EQ(none->low, 0.0);
  EXPECT_NEAR(none->high, 0.27753279986288915, 1e-12);
  const auto all = wilson_interval(10, 10);
  EXPECT_NEAR(all->low, 0.7224672001371109, 1e-12);
  EXPECT_EQ(all->high, 1.0);
  EXPECT_FALSE(wilson_interval(0, 0).has_value());
}

TEST(Newcombe, Method10PublishedExample) {
  // Newcombe (1998b, Stat Med 17:873) table II, 56/70 − 48/80: method 10 gives 0.0524 to 0.3339.
  const auto interval = newcombe_difference_interval(56, 70, 48, 80);
  ASSERT_TRUE(interval.has_value());
  EXPECT_NEAR(interval->low, 0.05243147240236498, 1e-12);
  EXPECT_NEAR(interval->high, 0.3338726540369059, 1e-12);
  EXPECT_FALSE(newcombe_difference_interval(1, 0, 1, 2).has_value());
}

TEST(TwoProportionZ, HandValue) {
  const auto test = two_proportion_z_test(56, 70, 48, 80);
  ASSERT_TRUE(test.has_value());
  EXPECT_NEAR(test->statistic, 2.6501719512585336, 1e-12);
  EXPECT_NEAR(test->p_value, 0.008045081368196594, 1e-12);
}

TEST(TwoProportionZ, DegenerateAndUndefined) {
  const auto same = two_proportion_z_test(0, 10, 0, 20);  // pooled rate 0: no evidence either way
  EXPECT_EQ(same->statistic, 0.0);
  EXPECT_EQ(same->p_value, 1.0);
  EXPECT_FALSE(two_proportion_z_test(0, 0, 3, 5).has_value());
}

TEST(Fisher, ExactTwoSidedValues) {
  EXPECT_NEAR(fisher_exact_test(3, 1, 1, 3).p_value, 0.4857142857142857, 1e-12);  // Fisher's tea tasting
  EXPECT_NEAR(fisher_exact_test(1, 9, 11, 3).p_value, 0.0027594561852200836, 1e-12);
  EXPECT_NEAR(fisher_exact_test(10, 2, 3, 15).p_value, 0.0005367241191434358, 1e-12);
  EXPECT_NEAR(fisher_exact_test(0, 5, 5, 0).p_value, 0.007936507936507936, 1e-12);
  EXPECT_NEAR(fisher_exact_test(250, 750, 300, 700).p_value, 0.014093391894333684, 1e-9);
  EXPECT_EQ(fisher_exact_test(5, 0, 0, 0).p_value, 1.0);
  EXPECT_EQ(fisher_exact_test(0, 0, 0, 0).p_value, 1.0);
}

TEST(Fisher, SymmetricUnderRowAndColumnSwaps) {
  const double p = fisher_exact_test(7, 12, 2, 20).p_value;
  EXPECT_NEAR(fisher_exact_test(2, 20, 7, 12).p_value, p, 1e-12);
  EXPECT_NEAR(fisher_exact_test(12, 7, 20, 2).p_value, p, 1e-12);
}

TEST(Fisher, LargeTablesAreFastAndAgreeWithZ) {
  // 10⁶ per row: the bisection keeps this to a few thousand terms; p agrees with z to a few percent.
  const auto fisher = fisher_exact_test(501000, 499000, 499000, 501000);
  const auto z = two_proportion_z_test(501000, 1000000, 499000, 1000000);
  EXPECT_NEAR(fisher.p_value, z->p_value, 0.05 * z->p_value);
}

TEST(MinimumDetectableGap, NormalApproximation) {
  EXPECT_NEAR(*minimum_detectable_gap(50, 100, 100), 0.19810199057996725, 1e-12);
  // Reference rate 0 → p0 = (0 + ½)/(50 + 1).
  EXPECT_NEAR(*minimum_detectable_gap(0, 50, 200), 0.043644985823205716, 1e-12);
  EXPECT_FALSE(minimum_detectable_gap(1, 2, 0).has_value());
}

RC_GTEST_PROP(Proportion, WilsonContainsTheEstimate, ()) {
  const auto trials = *rc::gen::inRange<std::uint64_t>(1, 100000);
  const auto successes = *rc::gen::inRange<std::uint64_t>(0, trials + 1);
  const auto interval = wilson_interval(successes, trials);
  const double p = static_cast<double>(successes) / static_cast<double>(trials);
  RC_ASSERT(interval->low <= p + 1e-15);
  RC_ASSERT(interval->high >= p - 1e-15);
  RC_ASSERT(interval->low >= 0.0);
  RC_ASSERT(interval->high <= 1.0);
}

RC_GTEST_PROP(Proportion, FisherPValueIsAProbabilityAtLeastTheObserved, ()) {
  const auto a = *rc::gen::inRange<std::uint64_t>(0, 60);
  const auto b = *rc::gen::inRange<std::uint64_t>(0, 60);
  const auto c = *rc::gen::inRange<std::uint64_t>(0, 60);
  const auto d = *rc::gen::inRange<std::uint64_t>(0, 60);
  const TestResult result = fisher_exact_test(a, b, c, d);
  RC_ASSERT(result.p_value <= 1.0);
  RC_ASSERT(result.p_value >= result.statistic * (1.0 - 1e-9));
}

}  // namespace
}  // namespace equalis::audit
