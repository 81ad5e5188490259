#include "measure/statistics.hpp"

#include "core/error.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

namespace equalis::measure {
namespace {

// Reference values: mpmath at 40 digits (ncdf, betainc, quadrature of the t density); see the comments.
template <typename F>
ErrorCode error_code_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  return ErrorCode::Internal;
}

TEST(StatisticsNormal, CdfKnownValues) {
  EXPECT_DOUBLE_EQ(normal_cdf(0.0), 0.5);
  EXPECT_NEAR(normal_cdf(1.96), 0.9750021048517795638, 1e-15);
  EXPECT_NEAR(normal_cdf(-8.0) / 6.220960574271784124e-16, 1.0, 1e-12);  // lower tail stays relative
  EXPECT_EQ(normal_cdf(-INFINITY), 0.0);
  EXPECT_EQ(normal_cdf(INFINITY), 1.0);
}

TEST(StatisticsNormal, QuantileKnownValues) {
  EXPECT_NEAR(normal_quantile(0.975), 1.9599639845400538556, 1e-14);
  EXPECT_NEAR(normal_quantile(0.9), 1.2815515655446005935, 1e-14);
  EXPECT_NEAR(normal_quantile(0.3), -0.52440051270804081597, 1e-14);
  EXPECT_NEAR(normal_quantile(0.5), 0.0, 1e-15);
  EXPECT_NEAR(normal_quantile(1e-10), -6.3613409024040561991, 1e-13);
  EXPECT_NEAR(normal_quantile(1e-300), -37.047096299361199237, 1e-12);
}

TEST(StatisticsNormal, QuantileRejectsOutOfRange) {
  EXPECT_EQ(error_code_of([] { (void)normal_quantile(0.0); }), ErrorCode::InvalidInput);
  EXPECT_EQ(error_code_of([] { (void)normal_quantile(1.0); }), ErrorCode::InvalidInput);
  EXPECT_EQ(error_code_of([] { (void)normal_quantile(NAN); }), ErrorCode::InvalidInput);
}

RC_GTEST_PROP(StatisticsNormal, QuantileInvertsCdf, ()) {
  const double p = static_cast<double>(*rc::gen::inRange(1, 1000000)) / 1000001.0;
  const double x = normal_quantile(p);
  RC_ASSERT(std::fabs(normal_cdf(x) - p) <= 1e-14 * std::max(1.0, p / (1.0 - p)));
  RC_ASSERT(std::fabs(normal_quantile(1.0 - p) + x) <= 1e-9);  // symmetry up to rounding of 1 − p
}

TEST(StatisticsBeta, HandWorkedInteger) {
  // I_x(2,3) = Σ_{j=2..4} C(4,j) x^j (1−x)^{4−j}; at x = 0.4: 0.3456 + 0.1536 + 0.0256 = 0.5248.
  EXPECT_NEAR(regularized_incomplete_beta(2.0, 3.0, 0.4), 0.5248, 1e-15);
  // I_x(1,1) = x; I_x(a,1) = x^a.
  EXPECT_NEAR(regularized_incomplete_beta(1.0, 1.0, 0.37), 0.37, 1e-15);
  EXPECT_NEAR(regularized_incomplete_beta(3.5, 1.0, 0.6), std::pow(0.6, 3.5), 1e-15);
  EXPECT_EQ(regularized_incomplete_beta(2.0, 3.0, 0.0), 0.0);
  EXPECT_EQ(regularized_incomplete_beta(2.0, 3.0, 1.0), 1.0);
}

TEST(StatisticsBeta, MpmathValues) {
  EXPECT_NEAR(regularized_incomplete_beta(0.5, 5.0, 0.9), 0.99999742941030077063, 1e-14);
  EXPECT_NEAR(regularized_incomplete_beta(10.0, 0.5, 0.95), 0.31715157546554505738, 1e-13);
  EXPECT_NEAR(regularized_incomplete_beta(50.0, 60.0, 0.45), 0.46423529143060362867, 1e-12);
}

TEST(StatisticsBeta, RejectsBadParameters) {
  EXPECT_EQ(error_code_of([] { (void)regularized_incomplete_beta(0.0, 1.0, 0.5); }), ErrorCode::InvalidInput);
  EXPECT_EQ(error_code_of([] { (void)regularized_incomplete_beta(1.0, 1.0, 1.5); }), ErrorCode::InvalidInput);
}

RC_GTEST_PROP(StatisticsBeta, SymmetryAndMonotone, ()) {
  const double a = static_cast<double>(*rc::gen::inRange(1, 400)) / 8.0;
  const double b = static_cast<double>(*rc::gen::inRange(1, 400)) / 8.0;
  const double x = static_cast<double>(*rc::gen::inRange(1, 999)) / 1000.0;
  const double value = regularized_incomplete_beta(a, b, x);
  RC_ASSERT(value >= 0.0 && value <= 1.0);
  RC_ASSERT(std::fabs(value + regularized_incomplete_beta(b, a, 1.0 - x) - 1.0) <= 1e-12);
  RC_ASSERT(regularized_incomplete_beta(a, b, std::min(1.0, x + 0.001)) >= value - 1e-15);
}

TEST(StatisticsStudentT, ClosedFormsForOneAndTwoDegrees) {
  // ν = 1 is the Cauchy law: F(t) = ½ + atan(t)/π. ν = 2: F(t) = ½ + t / (2√(2 + t²)).
  for (const double t : {-7.0, -1.0, -0.2, 0.0, 0.5, 3.0, 40.0}) {
    EXPECT_NEAR(student_t_cdf(t, 1.0), 0.5 + std::atan(t) / std::numbers::pi, 1e-14) << t;
    EXPECT_NEAR(student_t_cdf(t, 2.0), 0.5 + t / (2.0 * std::sqrt(2.0 + t * t)), 1e-14) << t;
  }
}

TEST(StatisticsStudentT, MpmathValues) {
  EXPECT_NEAR(student_t_cdf(2.0, 10.0), 0.96330598261462981719, 1e-14);
  EXPECT_NEAR(student_t_two_sided_p(2.0, 10.0), 0.073388034770740365618, 1e-14);
  EXPECT_NEAR(student_t_cdf(-1.3, 2.5), 0.15024339463535411796, 1e-14);
  EXPECT_NEAR(student_t_two_sided_p(3.5, 28.0), 0.0015764721412354639893, 1e-16);
  EXPECT_NEAR(student_t_two_sided_p(-0.1, 30.0), 0.92100961179027115171, 1e-14);
  EXPECT_NEAR(student_t_two_sided_p(-12.0, 5.0) / 7.0894925171615226866e-5, 1.0, 1e-12);
  EXPECT_EQ(student_t_two_sided_p(0.0, 7.0), 1.0);
  EXPECT_EQ(student_t_two_sided_p(INFINITY, 7.0), 0.0);
}

TEST(StatisticsStudentT, ApproachesNormalForLargeDf) {
  EXPECT_NEAR(student_t_cdf(1.96, 1e7), normal_cdf(1.96), 1e-7);
}

TEST(StatisticsStudentT, RejectsBadDegreesOfFreedom) {
  EXPECT_EQ(error_code_of([] { (void)student_t_cdf(1.0, 0.0); }), ErrorCode::InvalidInput);
  EXPECT_EQ(error_code_of([] { (void)student_t_two_sided_p(NAN, 3.0); }), ErrorCode::InvalidInput);
}

TEST(StatisticsPercentile, Type7HandExamples) {
  const std::vector<double> values{4.0, 1.0, 3.0, 2.0};
  EXPECT_DOUBLE_EQ(percentile(values, 0.0), 1.0);
  EXPECT_DOUBLE_EQ(percentile(values, 0.25), 1.75);  // h = 0.75
  EXPECT_DOUBLE_EQ(percentile(values, 0.5), 2.5);
  EXPECT_DOUBLE_EQ(percentile(values, 0.75), 3.25);
  EXPECT_DOUBLE_EQ(percentile(values, 1.0), 4.0);
  const std::vector<double> one{7.0};
  EXPECT_DOUBLE_EQ(percentile(one, 0.3), 7.0);
}

TEST(StatisticsPercentile, WeightedHandExample) {
  // Midpoints of the weight intervals: 0.5, 2, 3.5; rescaled span 3 from offset 0.5.
  const std::vector<double> values{3.0, 1.0, 2.0};
  const std::vector<double> weights{1.0, 1.0, 2.0};
  EXPECT_DOUBLE_EQ(weighted_percentile(values, weights, 0.5), 2.0);
  EXPECT_DOUBLE_EQ(weighted_percentile(values, weights, 0.25), 1.5);  // target 1.25: half-way from 0.5 to 2
  EXPECT_DOUBLE_EQ(weighted_percentile(values, weights, 0.0), 1.0);
  EXPECT_DOUBLE_EQ(weighted_percentile(values, weights, 1.0), 3.0);
}

TEST(StatisticsPercentile, Errors) {
  const std::vector<double> empty;
  EXPECT_EQ(error_code_of([&] { (void)percentile(empty, 0.5); }), ErrorCode::InvalidInput);
  const std::vector<double> values{1.0, NAN};
  EXPECT_EQ(error_code_of([&] { (void)percentile(values, 0.5); }), ErrorCode::InvalidInput);
  const std::vector<double> ok{1.0, 2.0};
  EXPECT_EQ(error_code_of([&] { (void)percentile(ok, 1.5); }), ErrorCode::InvalidInput);
  const std::vector<double> zero_weights{0.0, 0.0};
  EXPECT_EQ(error_code_of([&] { (void)weighted_percentile(ok, zero_weights, 0.5); }),
            ErrorCode::InvalidInput);
  const std::vector<double> negative{1.0, -1.0};
  EXPECT_EQ(error_code_of([&] { (void)weighted_percentile(ok, negative, 0.5); }), ErrorCode::InvalidInput);
}

RC_GTEST_PROP(StatisticsPercentile, EqualWeightsGiveType7, (const std::vector<int>& raw)) {
  RC_PRE(!raw.empty());
  std::vector<double> values(raw.begin(), raw.end());
  const std::vector<double> weights(values.size(), 2.5);
  for (const double p : {0.0, 0.1, 0.25, 0.5, 0.9, 1.0}) {
    RC_ASSERT(std::fabs(weighted_percentile(values, weights, p) - percentile(values, p)) <=
              1e-9 * (1.0 + std::fabs(percentile(values, p))));
  }
}

}  // namespace
}  // namespace equalis::measure
