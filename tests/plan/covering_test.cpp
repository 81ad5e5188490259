#include "plan/covering.hpp"

#include "plan_test_util.hpp"

#include "core/error.hpp"

#include <gtest/gtest.h>

#ifndef EQUALIS_PCENTER_LAST
#define EQUALIS_PCENTER_LAST 5
#endif

namespace equalis::plan {
namespace {

using test::line_instance;

TEST(ExactPMedian, MatchesHandWorkedLine) {
  // p = 2 by hand: {1, 20} costs 1 + 0 + 4 + 5 + 0 = 10, {5, 20} costs 5 + 4 + 0 + 1 = 10, {0, 20} and
  // {6, 20} cost 12, any pair without 20 pays ≥ 14 for it alone: optimum 10.
  const PlanSolution solution = solve_pmedian_exact(line_instance(), 2);
  EXPECT_EQ(solution.status, SolveStatus::Optimal);
  EXPECT_DOUBLE_EQ(solution.objective, 10.0);
  EXPECT_DOUBLE_EQ(test::brute_force_pmedian(line_instance(), 2), 10.0);
}

TEST(PCenter, HandWorkedLine) {
  // p = 2 by hand: without a site at 20 it is ≥ 14 away; with it, the other site serves 0..6 from 1 or 5
  // (radius max(1, 0, 4, 5) = 5 or max(5, 4, 0, 1) = 5) or from 0 or 6 (radius 6): optimum 5.
  const PlanSolution solution = solve_pcenter(line_instance(), 2);
  EXPECT_EQ(solution.status, SolveStatus::Optimal);
  EXPECT_DOUBLE_EQ(solution.objective, 5.0);
  EXPECT_EQ(solution.open.size(), 2U);
}

TEST(Lscp, FewestSitesWithinRadius) {
  // Radius 1: {0,1} by one site, {5,6} by one, 20 by itself: 3 sites.
  const PlanSolution solution = solve_lscp(line_instance(), 1.0);
  EXPECT_EQ(solution.status, SolveStatus::Optimal);
  EXPECT_DOUBLE_EQ(solution.objective, 3.0);
  // Radius 14: site 6 covers 0..20 (max distance 14): 1 site.
  EXPECT_DOUBLE_EQ(solve_lscp(line_instance(), 14.0).objective, 1.0);
}

TEST(Lscp, InfeasibleRadiusIsAStatus) {
  PlanInstance instance = line_instance();
  // Only candidates 0 and 1 are real sites: make 2..4 unusable by cost.
  for (std::size_t i = 0; i < 5; ++i) {
    for (std::size_t j = 2; j < 5; ++j) instance.cost.at(i, j) = kUnreachable;
  }
  const PlanSolution solution = solve_lscp(instance, 3.0);
  EXPECT_EQ(solution.status, SolveStatus::Infeasible);
  EXPECT_EQ(solution.unserved_clients, 3U);
  EXPECT_THROW((void)solve_lscp(instance, -1.0), Error);
}

TEST(Mclp, MaximalCoveringWithWeights) {
  // Radius 1, one site, weights 1, 1, 1, 1, 3: site 20 covers 3; a site at 1 covers 0 and 1 (2): pick 20.
  PlanInstance instance = line_instance();
  instance.demand = {1, 1, 1, 1, 3};
  const PlanSolution one = solve_mclp(instance, 1, 1.0);
  EXPECT_EQ(one.status, SolveStatus::Optimal);
  EXPECT_DOUBLE_EQ(one.objective, 3.0);
  EXPECT_EQ(one.open, (std::vector<std::uint32_t>{4}));
  // Two sites: 20 plus one pair: 5.
  EXPECT_DOUBLE_EQ(solve_mclp(instance, 2, 1.0).objective, 5.0);
  // With site 0 existing, one new site: 20 → 1 + 1 + 3 = 5.
  instance.fixed_open = {0};
  const PlanSolution fixed = solve_mclp(instance, 1, 1.0);
  EXPECT_DOUBLE_EQ(fixed.objective, 5.0);
  EXPECT_EQ(fixed.open, (std::vector<std::uint32_t>{0, 4}));
}

TEST(Covering, PTooLargeIsInfeasible) {
  EXPECT_EQ(solve_pcenter(line_instance(), 6).status, SolveStatus::Infeasible);
  EXPECT_EQ(solve_mclp(line_instance(), 6, 1.0).status, SolveStatus::Infeasible);
  EXPECT_EQ(solve_pmedian_exact(line_instance(), 6).status, SolveStatus::Infeasible);
}

TEST(Covering, DisconnectedPCenterIsInfeasible) {
  const auto orlib = parse_orlib("3 1 1\n1 2 4\n", "split");
  EXPECT_EQ(solve_pcenter(orlib.instance, 1).status, SolveStatus::Infeasible);
}

// CBC's exact p-median is the oracle for the heuristic on pmed1–pmed5 (published optima).
class OrlibExact : public ::testing::TestWithParam<int> {};
TEST_P(OrlibExact, CbcReachesPublishedPMedianOptimum) {
  static const auto optima = test::read_optima("pmedopt.txt");
  const auto orlib = read_orlib(test::orlib_path(GetParam()));
  const PlanSolution solution = solve_pmedian_exact(orlib.instance, orlib.p);
  EXPECT_EQ(solution.status, SolveStatus::Optimal);
  EXPECT_DOUBLE_EQ(solution.objective, optima.at(GetParam()));
}
INSTANTIATE_TEST_SUITE_P(Table, OrlibExact, ::testing::Range(1, 6),
                         [](const ::testing::TestParamInfo<int>& param_info) {
                           return "pmed" + std::to_string(param_info.param);
                         });

// The vertex p-center optima of pcenter_opt.txt (Pullan 2008 table).
class OrlibPCenter : public ::testing::TestWithParam<int> {};
TEST_P(OrlibPCenter, ReachesPublishedRadius) {
  static const auto optima = test::read_optima("pcenter_opt.txt");
  const auto orlib = read_orlib(test::orlib_path(GetParam()));
  ExactOptions options;
  options.time_limit_seconds = 120;
  const PlanSolution solution = solve_pcenter(orlib.instance, orlib.p, options);
  EXPECT_EQ(solution.status, SolveStatus::Optimal);
  EXPECT_DOUBLE_EQ(solution.objective, optima.at(GetParam()));
}
INSTANTIATE_TEST_SUITE_P(Table, OrlibPCenter, ::testing::Range(1, EQUALIS_PCENTER_LAST + 1),
                         [](const ::testing::TestParamInfo<int>& param_info) {
                           return "pmed" + std::to_string(param_info.param);
                         });

}  // namespace
}  // namespace equalis::plan
