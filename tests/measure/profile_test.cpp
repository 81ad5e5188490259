#include "measure/profile.hpp"

#include "test_data.hpp"
#include "test_support.hpp"

#include "core/error.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace equalis::measure {
namespace {

IndicatorData mexico_data(const char* column) {
  const auto m = testing::mexico(column, "hanson98");
  return {m.values, {}, Groups{m.groups, m.group_names}, {}};
}

const NamedInterval& interval(const BootstrapResult& result, const std::string& name) {
  for (const auto& i : result.intervals) {
    if (i.statistic == name) return i;
  }
  throw std::runtime_error("no interval " + name);
}

TEST(Profile, ComputesEveryIndexAndDecomposition) {
  const InequalityProfile p = measure_inequality(mexico_data("pcgdp2000"), MeasureOptions{});
  EXPECT_EQ(p.indices.units, 32U);
  ASSERT_TRUE(p.indices.gini.has_value());
  ASSERT_EQ(p.indices.ge.size(), 3U);
  EXPECT_EQ(p.indices.ge[1].parameter, 1.0);
  EXPECT_NEAR(p.indices.ge[1].value, 0.10660832349588023,
              1e-14);  // Theil T, computed independently in python
  ASSERT_EQ(p.ge_decompositions.size(), 3U);
  EXPECT_NEAR(p.ge_decompositions[1].between, 0.03635872, 5e-9);
  EXPECT_FALSE(p.bootstrap.has_value());
}

TEST(Profile, BootstrapIsSeededAndBracketsTheEstimate) {
  MeasureOptions options;
  options.inference.bootstrap_replicates = 400;
  options.inference.seed = 7;
  const IndicatorData data = mexico_data("pcgdp1940");
  const InequalityProfile a = measure_inequality(data, options);
  const InequalityProfile b = measure_inequality(data, options);
  ASSERT_TRUE(a.bootstrap.has_value());
  const NamedInterval& gini_a = interval(*a.bootstrap, "gini");
  const NamedInterval& gini_b = interval(*b.bootstrap, "gini");
  EXPECT_EQ(gini_a.lower, gini_b.lower);
  EXPECT_EQ(gini_a.upper, gini_b.upper);
  EXPECT_EQ(gini_a.valid_replicates, 400U);
  EXPECT_LT(*gini_a.lower, gini_a.estimate);
  EXPECT_GT(*gini_a.upper, gini_a.estimate);
  EXPECT_GT(*gini_a.standard_error, 0.0);
  // Decomposition terms get intervals too, Dagum's included, with pair names stable across replicates.
  EXPECT_EQ(interval(*a.bootstrap, "dagum.within").valid_replicates, 400U);
  ASSERT_TRUE(a.dagum.has_value());
  EXPECT_NEAR(a.dagum->gini, *a.indices.gini, 1e-14);
  const NamedInterval& between = interval(*a.bootstrap, "ge(1).between");
  EXPECT_LE(*between.lower, *between.upper);
}

TEST(Profile, StratifiedBootstrapKeepsEveryGroup) {
  MeasureOptions options;
  options.inference.bootstrap_replicates = 200;
  options.inference.stratified = true;
  const InequalityProfile p = measure_inequality(mexico_data("pcgdp1960"), options);
  for (const auto& i : p.bootstrap->intervals) {
    if (i.statistic.find(".group[") != std::string::npos) {
      EXPECT_EQ(i.valid_replicates, 200U) << i.statistic;
    }
  }
}

TEST(Profile, PermutationTestFindsRealRegionalStructure) {
  MeasureOptions options;
  options.inference.permutations = 999;
  const InequalityProfile p = measure_inequality(mexico_data("pcgdp1970"), options);
  ASSERT_EQ(p.permutation_tests.size(), 3U);
  // Regions explain a large share in 1970; random labellings rarely do.
  EXPECT_LT(p.permutation_tests[1].p_value, 0.05);
  EXPECT_GE(p.permutation_tests[1].p_value, 1.0 / 1000.0);
}

TEST(Profile, PermutationTestOnRandomLabelsIsNotSignificant) {
  // Groups that alternate along the sorted values carry no information.
  IndicatorData data;
  for (int i = 0; i < 40; ++i) {
    data.values.push_back(10.0 + i);
    data.groups.codes.push_back(static_cast<std::uint32_t>(i % 2));
  }
  data.groups.names = {"odd", "even"};
  MeasureOptions options;
  options.inference.permutations = 499;
  const InequalityProfile p = measure_inequality(data, options);
  EXPECT_GT(p.permutation_tests[1].p_value, 0.2);
}

TEST(Profile, ZeroValueWithTheilLIsAClearError) {
  IndicatorData data{{0.0, 1.0, 2.0}, {}, {}, {}};
  try {
    (void)measure_inequality(data, MeasureOptions{});
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::InvalidInput);
    EXPECT_NE(std::string(error.what()).find("Theil L"), std::string::npos);
  }
  MeasureOptions without_logs;
  without_logs.indices.ge_alphas = {1.0, 2.0};
  without_logs.indices.atkinson_epsilons = {0.5};
  without_logs.indices.quantile_ratios = false;
  const InequalityProfile p = measure_inequality(data, without_logs);
  EXPECT_FALSE(p.indices.sd_log.has_value());
}

// Regression (hardening issue): a value of 1e300 with population weights printed Gini 0.0000 and CV inf,
// computed from overflowing sums. Such data is refused with the magnitudes, never measured.
TEST(Profile, ValuesWhoseSumsOverflowAreRefusedNotMeasured) {
  IndicatorData data;
  data.values = {1.0, 2.0, 1e300, 5.0};
  data.weights = {1000.0, 1000.0, 5e5, 1e6};
  const Error error = test_support::error_of([&] { measure_inequality(data, MeasureOptions{}); });
  EXPECT_EQ(error.code(), ErrorCode::InvalidInput);
  EXPECT_NE(std::string(error.what()).find("overflow"), std::string::npos) << error.what();
  // The same shape scaled into range is measured: Gini is scale invariant.
  data.values = {1.0, 2.0, 1e20, 5.0};
  const InequalityProfile p = measure_inequality(data, MeasureOptions{});
  ASSERT_TRUE(p.indices.gini.has_value());
  EXPECT_NEAR(*p.indices.gini, 1.0 - 5e5 / 1.502e6, 1e-9);
}

TEST(Profile, AnIndexThatOverflowsIsAnErrorNotAnInfinity) {
  IndicatorData data;
  data.values = {1.0, 1e6};
  MeasureOptions options;
  options.indices.ge_alphas = {2000.0};  // (y/μ)^2000 = 2^2000 is not a double
  const Error error = test_support::error_of([&] { measure_inequality(data, options); });
  EXPECT_EQ(error.code(), ErrorCode::InvalidInput);
  EXPECT_NE(std::string(error.what()).find("ge(2000)"), std::string::npos) << error.what();
}

}  // namespace
}  // namespace equalis::measure
