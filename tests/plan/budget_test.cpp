#include "plan/budget.hpp"

#include "core/error.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstdio>
#include <fstream>

namespace equalis::plan {
namespace {

// A (10, pop 100, unit cost 2), B (20, 100, 1), C (40, 200, 1); budget 30.
std::vector<BudgetRegion> three_regions() {
  return {{"A", 10, 100, 2, std::nullopt, 0},
          {"B", 20, 100, 1, std::nullopt, 0},
          {"C", 40, 200, 1, std::nullopt, 0}};
}

TEST(Budget, RaiseMinimumHandWorked) {
  // Raise A and B to a common level z: 2(z − 10) + (z − 20) = 30 → z = 70/3; C stays at 40.
  BudgetOptions options;
  options.budget = 30;
  const BudgetResult result = allocate_budget(three_regions(), options);
  ASSERT_EQ(result.status, SolveStatus::Optimal) << result.message;
  EXPECT_NEAR(result.objective, 70.0 / 3.0, 1e-6);
  EXPECT_NEAR(result.regions[0].new_value, 70.0 / 3.0, 1e-6);
  EXPECT_NEAR(result.regions[0].spend, 2.0 * (70.0 / 3.0 - 10.0), 1e-6);
  EXPECT_NEAR(result.regions[1].new_value, 70.0 / 3.0, 1e-6);
  EXPECT_NEAR(result.regions[2].spend, 0.0, 1e-6);
  EXPECT_NEAR(result.spent, 30.0, 1e-6);
  EXPECT_NEAR(result.unspent, 0.0, 1e-6);
  // Weighted Gini / Theil T (python3 by hand): before 0.25 / 0.1226399292; after 5/38 / 0.0350371930.
  EXPECT_NEAR(result.before.gini.value(), 0.25, 1e-12);
  EXPECT_NEAR(result.before.theil.value(), 0.12263992923779427, 1e-9);
  EXPECT_NEAR(result.after.gini.value(), 5.0 / 38.0, 1e-6);
  EXPECT_NEAR(result.after.theil.value(), 0.03503719301683111, 1e-6);
  EXPECT_DOUBLE_EQ(result.before.minimum, 10.0);
  EXPECT_DOUBLE_EQ(result.before.mean, 27.5);
}

TEST(Budget, MinimiseDeviationHandWorked) {
  // While A, B < m < 40: MAD = 20 − (A + B)/4, so maximise a + b with 2a + b ≤ 30 and B ≤ m
  // (b ≤ 10 + a/3): a = 60/7, b = 90/7, MAD = 50/7 (before: 12.5).
  BudgetOptions options;
  options.budget = 30;
  options.objective = BudgetObjective::MinimiseDeviation;
  const BudgetResult result = allocate_budget(three_regions(), options);
  ASSERT_EQ(result.status, SolveStatus::Optimal) << result.message;
  EXPECT_NEAR(result.objective, 50.0 / 7.0, 1e-6);
  EXPECT_NEAR(result.after.mean_absolute_deviation, 50.0 / 7.0, 1e-6);
  EXPECT_NEAR(result.before.mean_absolute_deviation, 12.5, 1e-12);
  EXPECT_NEAR(result.regions[0].increase, 60.0 / 7.0, 1e-6);
  EXPECT_NEAR(result.regions[1].increase, 90.0 / 7.0, 1e-6);
}

TEST(Budget, CapsAndCommittedSpend) {
  auto regions = three_regions();
  regions[0].cap = 15;  // A can only reach 15: the minimum is then A's 15 and the rest goes on
  BudgetOptions options;
  options.budget = 30;
  BudgetResult result = allocate_budget(regions, options);
  ASSERT_EQ(result.status, SolveStatus::Optimal);
  EXPECT_NEAR(result.objective, 15.0, 1e-6);
  EXPECT_NEAR(result.regions[0].new_value, 15.0, 1e-6);
  // Budget too small for the fixed needs: a status, not an exception.
  regions = three_regions();
  regions[0].committed = 20;
  regions[1].committed = 20;
  result = allocate_budget(regions, options);
  EXPECT_EQ(result.status, SolveStatus::Infeasible);
  EXPECT_NE(result.message.find("committed"), std::string::npos);
  // Committed spend beyond a cap.
  regions = three_regions();
  regions[0].cap = 12;
  regions[0].committed = 10;  // raises A by 5 to 15 > 12
  result = allocate_budget(regions, options);
  EXPECT_EQ(result.status, SolveStatus::Infeasible);
}

TEST(Budget, BadInputThrows) {
  BudgetOptions options;
  options.budget = -1;
  const auto code = [&](std::vector<BudgetRegion> regions) {
    try {
      (void)allocate_budget(regions, options);
    } catch (const Error& error) {
      return error.code();
    }
    return ErrorCode::Internal;
  };
  EXPECT_EQ(code(three_regions()), ErrorCode::InvalidInput);
  options.budget = 10;
  auto regions = three_regions();
  regions[1].unit_cost = 0;
  EXPECT_EQ(code(regions), ErrorCode::InvalidInput);
  regions = three_regions();
  regions[2].population = -5;
  EXPECT_EQ(code(regions), ErrorCode::InvalidInput);
  EXPECT_EQ(code({}), ErrorCode::InvalidInput);
  // A study file fills the regions without the CSV reader: the same checks apply.
  regions = three_regions();
  regions[0].cap = regions[0].value - 1.0;
  EXPECT_EQ(code(regions), ErrorCode::InvalidInput);
  regions = three_regions();
  regions[0].cap = regions[0].value;  // already at its ceiling: allowed, it just gets nothing
  EXPECT_NE(code(regions), ErrorCode::InvalidInput);
  regions = three_regions();
  regions[2].id = regions[0].id;
  EXPECT_EQ(code(regions), ErrorCode::InvalidInput);
}

TEST(Budget, ReadsCsv) {
  const std::string path = ::testing::TempDir() + "budget_regions.csv";
  std::ofstream(path)
      << "region,indicator,population,unit_cost,cap,committed\nA,10,100,2,,\nB,20,100,1,30,5\n";
  const auto regions = read_budget_csv(path);
  ASSERT_EQ(regions.size(), 2U);
  EXPECT_EQ(regions[1].id, "B");
  EXPECT_FALSE(regions[0].cap.has_value());
  EXPECT_DOUBLE_EQ(regions[1].cap.value(), 30.0);
  EXPECT_DOUBLE_EQ(regions[1].committed, 5.0);
  std::ofstream(path) << "region,indicator,population,unit_cost\nA,10,100,\n";
  try {
    (void)read_budget_csv(path);
    FAIL() << "missing unit cost";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::InvalidInput);
  }
  std::remove(path.c_str());
}

// Invariants: the budget is respected, nobody loses, and maximin never lowers the minimum.
RC_GTEST_PROP(Budget, AllocationInvariants, ()) {
  const auto n = *rc::gen::inRange<std::size_t>(1, 8);
  std::vector<BudgetRegion> regions;
  for (std::size_t r = 0; r < n; ++r) {
    regions.push_back({std::to_string(r), static_cast<double>(*rc::gen::inRange(1, 100)),
                       static_cast<double>(*rc::gen::inRange(1, 1000)),
                       static_cast<double>(*rc::gen::inRange(1, 10)), std::nullopt, 0.0});
  }
  BudgetOptions options;
  options.budget = static_cast<double>(*rc::gen::inRange(0, 500));
  options.objective = *rc::gen::element(BudgetObjective::RaiseMinimum, BudgetObjective::MinimiseDeviation);
  const BudgetResult result = allocate_budget(regions, options);
  RC_ASSERT(result.status == SolveStatus::Optimal);
  RC_ASSERT(result.spent <= options.budget * (1 + 1e-7) + 1e-7);
  for (std::size_t r = 0; r < n; ++r) RC_ASSERT(result.regions[r].increase >= -1e-9);
  if (options.objective == BudgetObjective::RaiseMinimum) {
    RC_ASSERT(result.after.minimum >= result.before.minimum - 1e-7);
  } else {
    RC_ASSERT(result.after.mean_absolute_deviation <= result.before.mean_absolute_deviation + 1e-6);
  }
}

}  // namespace
}  // namespace equalis::plan
