#include "measure/decomposition.hpp"

#include "test_data.hpp"

#include "measure/inequality.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>

namespace equalis::measure {
namespace {

TEST(GeDecomposition, HandWorkedTwoGroups) {
  // Groups A = {1, 3} and B = {4, 8}, unweighted. μ = 4, μ_A = 2, μ_B = 6, s_A = s_B = ½.
  const std::vector<double> y{1, 3, 4, 8};
  const std::vector<double> w{1, 1, 1, 1};
  const std::vector<std::uint32_t> g{0, 0, 1, 1};
  const GeDecomposition d = ge_decomposition(y, w, g, {"A", "B"}, 1.0);
  const double between = 0.5 * 0.5 * std::log(0.5) + 0.5 * 1.5 * std::log(1.5);
  const double theil_a = 0.5 * (0.5 * std::log(0.5) + 1.5 * std::log(1.5));
  const double theil_b = 0.5 * ((2.0 / 3) * std::log(2.0 / 3) + (4.0 / 3) * std::log(4.0 / 3));
  EXPECT_NEAR(d.between, between, 1e-15);
  EXPECT_NEAR(d.groups[0].index, theil_a, 1e-15);
  EXPECT_NEAR(d.groups[1].index, theil_b, 1e-15);
  // Theil T within weights are income shares: v_A = 4/16, v_B = 12/16.
  EXPECT_NEAR(d.groups[0].weight, 0.25, 1e-15);
  EXPECT_NEAR(d.within, 0.25 * theil_a + 0.75 * theil_b, 1e-15);
  EXPECT_NEAR(d.total, generalized_entropy(y, w, 1.0), 1e-15);
  EXPECT_NEAR(d.groups[1].income_share, 0.75, 1e-15);
  EXPECT_NEAR(d.groups[1].population_share, 0.5, 1e-15);
}

TEST(GeDecomposition, ReproducesMexicoHanson98BetweenComponent) {
  // Published PySAL/inequality values of the Theil T between-region term (hanson98 partition).
  const std::vector<std::pair<const char*, double>> expected{
      {"pcgdp1940", 0.0345889},  {"pcgdp1950", 0.02816853}, {"pcgdp1960", 0.05260921},
      {"pcgdp1970", 0.05931219}, {"pcgdp1980", 0.03205257}, {"pcgdp1990", 0.02963731},
      {"pcgdp2000", 0.03635872}};
  for (const auto& [column, between] : expected) {
    const auto data = testing::mexico(column, "hanson98");
    const std::vector<double> w(data.values.size(), 1.0);
    const GeDecomposition d = ge_decomposition(data.values, w, data.groups, data.group_names, 1.0);
    EXPECT_NEAR(d.between, between, 5e-9) << column;
    EXPECT_NEAR(d.between + d.within, d.total, 1e-13) << column;
  }
}

RC_GTEST_PROP(GeDecompositionProperty, BetweenPlusWithinIsTotal, ()) {
  const auto data = *testing::grouped_data();
  const double alpha = *rc::gen::element(-1.0, 0.0, 0.5, 1.0, 2.0, 3.0);
  const GeDecomposition d = ge_decomposition(data.values, data.weights, data.groups, data.names, alpha);
  RC_ASSERT(std::abs(d.between + d.within - d.total) < 1e-10 * std::max(1.0, d.total));
  RC_ASSERT(std::abs(d.total - generalized_entropy(data.values, data.weights, alpha)) < 1e-12);
  double population = 0.0;
  double income = 0.0;
  for (const auto& group : d.groups) {
    population += group.population_share;
    income += group.income_share;
  }
  RC_ASSERT(std::abs(population - 1.0) < 1e-12);
  RC_ASSERT(std::abs(income - 1.0) < 1e-12);
  RC_ASSERT(std::abs(ge_between(data.values, data.weights, data.groups,
                                static_cast<std::uint32_t>(data.names.size()), alpha) -
                     d.between) < 1e-12);
}

RC_GTEST_PROP(GeDecompositionProperty, OneGroupIsAllWithinAndSingletonsAllBetween, ()) {
  const auto data = *testing::grouped_data();
  const std::vector<std::uint32_t> one(data.values.size(), 0);
  const GeDecomposition single = ge_decomposition(data.values, data.weights, one, {"all"}, 1.0);
  RC_ASSERT(std::abs(single.between) < 1e-15);
  std::vector<std::uint32_t> own;
  std::vector<std::string> names;
  for (std::uint32_t i = 0; i < data.values.size(); ++i) {
    own.push_back(i);
    names.push_back(std::to_string(i));
  }
  const GeDecomposition singletons = ge_decomposition(data.values, data.weights, own, names, 1.0);
  RC_ASSERT(std::abs(singletons.within) < 1e-12);
}

TEST(GeDecomposition, EmptyGroupIsReportedNotSummed) {
  const std::vector<double> y{1, 3, 4, 8};
  const std::vector<double> w{1, 1, 0, 0};  // group B has no weight (as in a bootstrap resample)
  const GeDecomposition d = ge_decomposition(y, w, std::vector<std::uint32_t>{0, 0, 1, 1}, {"A", "B"}, 0.0);
  EXPECT_EQ(d.groups[1].units, 0U);
  EXPECT_NEAR(d.between, 0.0, 1e-15);
  EXPECT_NEAR(d.within, d.total, 1e-15);
}

}  // namespace
}  // namespace equalis::measure
