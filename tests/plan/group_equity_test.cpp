#include "plan/group_equity.hpp"

#include "core/error.hpp"
#include "core/random.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace equalis::plan {
namespace {

// Three "rich" clients and one "poor" client; four sites (p = 1). Costs (rich, poor):
//   A (1, 10): total 13, means 1 / 10  — the p-median plan;
//   B (4, 2):  total 14, means 4 / 2   — the Rawlsian plan (worst mean 4, total 14);
//   C (3, 5.5): total 14.5, worst 5.5, gap 2.5;
//   D (4, 4):  total 16, worst 4 (ties B on the worst mean, loses on the total), gap 0.
PlanInstance two_groups() {
  const std::vector<std::vector<float>> site_costs{{1, 10}, {4, 2}, {3, 5.5F}, {4, 4}};
  CostMatrix cost(4, 4);
  for (std::size_t j = 0; j < 4; ++j) {
    for (std::size_t i = 0; i < 3; ++i) cost.at(i, j) = site_costs[j][0];
    cost.at(3, j) = site_costs[j][1];
  }
  PlanInstance instance = make_instance(std::move(cost));
  instance.group = {0, 0, 0, 1};
  instance.group_labels = {"rich", "poor"};
  instance.candidate_ids = {"A", "B", "C", "D"};
  return instance;
}

GroupFairOptions options_for(GroupObjective objective) {
  GroupFairOptions options;
  options.objective = objective;
  options.p = 1;
  options.time_limit_seconds = 10;
  return options;
}

TEST(GroupFair, RawlsHandWorkedWithCbc) {
  const GroupFairResult result = solve_group_fair(two_groups(), options_for(GroupObjective::Rawls));
  EXPECT_EQ(result.efficient.open, (std::vector<std::uint32_t>{0}));
  EXPECT_EQ(result.plan.open, (std::vector<std::uint32_t>{1}));  // B, not D (lexicographic tie-break)
  EXPECT_DOUBLE_EQ(result.plan.objective, 4.0);
  EXPECT_EQ(result.plan.status, SolveStatus::Optimal);
  EXPECT_NEAR(result.plan.lower_bound.value(), 4.0, 1e-6);
  EXPECT_DOUBLE_EQ(result.total_cost, 14.0);
  EXPECT_DOUBLE_EQ(result.efficient_total, 13.0);
  EXPECT_DOUBLE_EQ(result.efficient_objective, 10.0);
  EXPECT_NEAR(result.price_of_fairness, 1.0 / 13.0, 1e-12);
}

TEST(GroupFair, RawlsHeuristicWithGroupBound) {
  GroupFairOptions options = options_for(GroupObjective::Rawls);
  options.mip_max_pairs = 0;  // no MIP: swap search, certificate = max over groups of own optimum
  const GroupFairResult result = solve_group_fair(two_groups(), options);
  EXPECT_EQ(result.method, "swap_search");
  EXPECT_EQ(result.plan.open, (std::vector<std::uint32_t>{1}));
  // Own optima: rich 1 (site A), poor 2 (site B) → bound 2; gap (4 − 2) / 4.
  EXPECT_DOUBLE_EQ(result.plan.lower_bound.value(), 2.0);
  EXPECT_DOUBLE_EQ(result.plan.gap.value(), 0.5);
  EXPECT_EQ(result.plan.status, SolveStatus::GapNotClosed);
}

TEST(GroupFair, RawlsOverFocusGroups) {
  // Only the rich group counts: its mean is lowest at A (1), so the focus plan is the p-median plan here.
  GroupFairOptions options = options_for(GroupObjective::Rawls);
  options.focus_groups = {0};
  const GroupFairResult result = solve_group_fair(two_groups(), options);
  EXPECT_EQ(result.plan.open, (std::vector<std::uint32_t>{0}));
  EXPECT_DOUBLE_EQ(result.plan.objective, 1.0);
  EXPECT_EQ(result.plan.status, SolveStatus::Optimal);
  options.focus_groups = {1};  // the poor group alone: B (2)
  EXPECT_EQ(solve_group_fair(two_groups(), options).plan.open, (std::vector<std::uint32_t>{1}));
  options.focus_groups = {7};
  EXPECT_THROW((void)solve_group_fair(two_groups(), options), Error);
}

TEST(GroupFair, WorstGroupCoverage) {
  GroupFairOptions options = options_for(GroupObjective::Coverage);
  options.radius = 4.5;  // A covers rich only (worst share 0); B and D cover everyone
  const GroupFairResult result = solve_group_fair(two_groups(), options);
  EXPECT_TRUE(result.plan.open == std::vector<std::uint32_t>{1} ||
              result.plan.open == std::vector<std::uint32_t>{3});
  EXPECT_DOUBLE_EQ(result.plan.objective, 1.0);
  EXPECT_TRUE(result.plan.maximize);
  EXPECT_EQ(result.plan.status, SolveStatus::Optimal);
  EXPECT_DOUBLE_EQ(result.efficient_objective, 0.0);
}

TEST(GroupFair, GapUnderCostCap) {
  GroupFairOptions options = options_for(GroupObjective::Gap);
  options.cost_slack = 0.1;  // cap 14.3: C (14.5) and D (16) excluded; B has gap 2
  GroupFairResult result = solve_group_fair(two_groups(), options);
  EXPECT_EQ(result.plan.open, (std::vector<std::uint32_t>{1}));
  EXPECT_DOUBLE_EQ(result.plan.objective, 2.0);
  EXPECT_NEAR(result.cost_cap.value(), 14.3, 1e-9);
  EXPECT_DOUBLE_EQ(result.efficient_objective, 9.0);
  options.cost_slack = 0.25;  // cap 16.25 admits D: gap 0
  result = solve_group_fair(two_groups(), options);
  EXPECT_EQ(result.plan.open, (std::vector<std::uint32_t>{3}));
  EXPECT_DOUBLE_EQ(result.plan.objective, 0.0);
  EXPECT_EQ(result.plan.status, SolveStatus::Optimal);
}

TEST(GroupFair, BadInput) {
  GroupFairOptions options = options_for(GroupObjective::Coverage);
  try {
    (void)solve_group_fair(two_groups(), options);
    FAIL() << "no radius";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::InvalidInput);
  }
  options = options_for(GroupObjective::Gap);
  options.cost_slack = -1;
  EXPECT_THROW((void)solve_group_fair(two_groups(), options), Error);
  options = options_for(GroupObjective::Rawls);
  options.p = 5;  // more than the 4 candidates: a status, not an exception
  EXPECT_EQ(solve_group_fair(two_groups(), options).plan.status, SolveStatus::Infeasible);
}

// Brute force: the lexicographic Rawls optimum's worst mean over all single sites / pairs.
double brute_rawls(const PlanInstance& instance, std::size_t p) {
  const std::size_t m = instance.candidate_count();
  double best = std::numeric_limits<double>::infinity();
  for (std::uint32_t mask = 0; mask < (1U << m); ++mask) {
    if (static_cast<std::size_t>(__builtin_popcount(mask)) != p) continue;
    std::vector<std::uint32_t> open;
    for (std::uint32_t j = 0; j < m; ++j) {
      if ((mask >> j & 1U) != 0U) open.push_back(j);
    }
    const Evaluation evaluation = evaluate_plan(instance, open);
    best = std::min(best, group_objective_value(instance, evaluation, GroupObjective::Rawls, std::nullopt));
  }
  return best;
}

RC_GTEST_PROP(GroupFair, RawlsMatchesBruteForceAndBoundsHold, ()) {
  const auto seed = *rc::gen::inRange<std::uint64_t>(0, 1000000);
  Rng rng(seed);
  const std::size_t n = 6 + rng.uniform_index(6);
  const std::size_t m = 4 + rng.uniform_index(4);
  const std::size_t p = 1 + rng.uniform_index(2);
  CostMatrix cost(n, m);
  for (float& c : cost.values) c = static_cast<float>(1 + rng.uniform_index(20));
  PlanInstance instance = make_instance(std::move(cost));
  instance.group_labels = {"a", "b", "c"};
  instance.group.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    instance.group[i] = static_cast<std::uint32_t>(i % 3);
    instance.demand[i] = static_cast<double>(1 + rng.uniform_index(5));
  }
  const double optimum = brute_rawls(instance, p);
  GroupFairOptions options;
  options.p = p;
  options.time_limit_seconds = 10;
  const GroupFairResult exact = solve_group_fair(instance, options);
  RC_ASSERT(std::abs(exact.plan.objective - optimum) <= 1e-6 * optimum);
  options.mip_max_pairs = 0;
  const GroupFairResult heuristic = solve_group_fair(instance, options);
  RC_ASSERT(heuristic.plan.objective >= optimum - 1e-9);
  RC_ASSERT(heuristic.plan.lower_bound.value() <= optimum + 1e-6);
}

}  // namespace
}  // namespace equalis::plan
