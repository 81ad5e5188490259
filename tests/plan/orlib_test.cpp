// The OR-Library p-median table (Beasley 1985): each instance solved to its published optimum.
// Every instance must also carry a certified gap below 0.1 %. The fast suite runs pmed1–pmed10;
// plan_slow_tests (label "slow") runs all 40 (see CMakeLists.txt).

#include "plan_test_util.hpp"

#include "plan/pmedian.hpp"

#include <gtest/gtest.h>

#ifndef EQUALIS_ORLIB_LAST
#define EQUALIS_ORLIB_LAST 10
#endif

namespace equalis::plan {
namespace {

class OrlibPMedian : public ::testing::TestWithParam<int> {};

TEST_P(OrlibPMedian, ReachesPublishedOptimum) {
  static const auto optima = test::read_optima("pmedopt.txt");
  const int k = GetParam();
  const auto orlib = read_orlib(test::orlib_path(k));
  PMedianOptions options;
  options.p = orlib.p;
  options.time_limit_seconds = 20;
  const PlanSolution solution = solve_pmedian(orlib.instance, options);
  EXPECT_DOUBLE_EQ(solution.objective, optima.at(k)) << "pmed" << k;
  ASSERT_TRUE(solution.lower_bound.has_value());
  EXPECT_LE(*solution.lower_bound, optima.at(k) + 1e-6);
  // The certificate: Lagrangian bound + branch-and-bound prove the gap below 0.1 % on every instance.
  ASSERT_TRUE(solution.gap.has_value());
  EXPECT_LT(*solution.gap, 1e-3) << "pmed" << k;
  EXPECT_NE(solution.status, SolveStatus::GapNotClosed) << solution.message;
  RecordProperty("gap", std::to_string(solution.gap.value_or(-1)));
  RecordProperty("seconds", std::to_string(solution.seconds));
}

INSTANTIATE_TEST_SUITE_P(Table, OrlibPMedian, ::testing::Range(1, EQUALIS_ORLIB_LAST + 1),
                         [](const ::testing::TestParamInfo<int>& param_info) {
                           return "pmed" + std::to_string(param_info.param);
                         });

}  // namespace
}  // namespace equalis::plan
