// Per-site opening costs under a budget and site capacities (p-median and MCLP through CBC).
#include "plan_test_util.hpp"

#include "core/error.hpp"
#include "plan/budget_pmedian.hpp"
#include "plan/covering.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

namespace equalis::plan {
namespace {

using test::line_instance;

// Brute force: every p-subset of the free sites within the budget, and every single-source assignment of
// the clients to its open sites within the capacities. With unit demands and integral capacities the
// transportation LP has integral optima (total unimodularity), so this equals the fractional model.
double brute_force(const PlanInstance& instance, std::size_t p, std::optional<double> budget) {
  const std::size_t n = instance.client_count();
  const std::size_t m = instance.candidate_count();
  double best = std::numeric_limits<double>::infinity();
  for (std::uint32_t mask = 0; mask < (1U << m); ++mask) {
    if (static_cast<std::size_t>(__builtin_popcount(mask)) != p) continue;
    std::vector<std::uint32_t> open(instance.fixed_open.begin(), instance.fixed_open.end());
    double spend = 0.0;
    bool overlaps = false;
    for (std::uint32_t j = 0; j < m; ++j) {
      if ((mask >> j & 1U) == 0U) continue;
      for (const std::uint32_t f : instance.fixed_open) overlaps = overlaps || f == j;
      open.push_back(j);
      if (!instance.site_cost.empty()) spend += instance.site_cost[j];
    }
    if (overlaps || (budget && spend > *budget)) continue;
    std::size_t combinations = 1;
    for (std::size_t i = 0; i < n; ++i) combinations *= open.size();
    for (std::size_t code = 0; code < combinations; ++code) {
      std::vector<double> load(m, 0.0);
      double total = 0.0;
      std::size_t rest = code;
      for (std::size_t i = 0; i < n; ++i) {
        const std::uint32_t j = open[rest % open.size()];
        rest /= open.size();
        load[j] += instance.demand[i];
        total += instance.demand[i] * instance.cost.at(i, j);
      }
      bool fits = true;
      for (std::size_t j = 0; j < m && !instance.site_capacity.empty(); ++j)
        fits = fits && load[j] <= instance.site_capacity[j];
      if (fits) best = std::min(best, total);
    }
  }
  return best;
}

TEST(SiteBudget, BudgetExcludesTheRemoteSite) {
  // Unconstrained p = 2: {1, 20} or {5, 20} at cost 10. The site at 20 costs 10, the others 1; with a
  // budget of 5 it is unaffordable, and the best pair without it is {0, 6} or {1, 6}: 1 + 0 + 1 + 0 + 14
  // = 16.
  PlanInstance instance = line_instance();
  instance.site_cost = {1, 1, 1, 1, 10};
  ExactOptions options;
  EXPECT_DOUBLE_EQ(solve_pmedian_exact(instance, 2, options).objective, 10.0);
  options.budget = 5.0;
  const PlanSolution solution = solve_pmedian_exact(instance, 2, options);
  EXPECT_EQ(solution.status, SolveStatus::Optimal);
  EXPECT_DOUBLE_EQ(solution.objective, 16.0);
  EXPECT_DOUBLE_EQ(brute_force(instance, 2, 5.0), 16.0);
  for (const std::uint32_t j : solution.open) EXPECT_NE(j, 4U);
  // 10.9 still cannot buy the site at 20 plus another; 11 can.
  options.budget = 10.9;
  EXPECT_DOUBLE_EQ(solve_pmedian_exact(instance, 2, options).objective, 16.0);
  options.budget = 11.0;
  EXPECT_DOUBLE_EQ(solve_pmedian_exact(instance, 2, options).objective, 10.0);
  EXPECT_DOUBLE_EQ(brute_force(instance, 2, 11.0), 10.0);
}

TEST(SiteBudget, ExistingSitesCostNothing) {
  // The site at 20 is already open: a budget of 1 buys one more site; best {1} or {5}: 10.
  PlanInstance instance = line_instance();
  instance.site_cost = {1, 1, 1, 1, 10};
  instance.fixed_open = {4};
  ExactOptions options;
  options.budget = 1.0;
  const PlanSolution solution = solve_pmedian_exact(instance, 1, options);
  EXPECT_EQ(solution.status, SolveStatus::Optimal);
  EXPECT_DOUBLE_EQ(solution.objective, 10.0);
  EXPECT_DOUBLE_EQ(brute_force(instance, 1, 1.0), 10.0);
}

TEST(SiteBudget, TooSmallBudgetIsInfeasible) {
  PlanInstance instance = line_instance();
  instance.site_cost = {1, 1, 1, 1, 10};
  ExactOptions options;
  options.budget = 1.5;  // the two cheapest sites cost 2
  EXPECT_EQ(solve_pmedian_exact(instance, 2, options).status, SolveStatus::Infeasible);
  EXPECT_EQ(solve_mclp(instance, 2, 1.0, options).status, SolveStatus::Infeasible);
  EXPECT_TRUE(std::isinf(brute_force(instance, 2, 1.5)));
}

TEST(SiteBudget, BadInputIsAnError) {
  PlanInstance instance = line_instance();
  ExactOptions options;
  options.budget = 3.0;
  try {
    (void)solve_pmedian_exact(instance, 2, options);  // no site costs
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::InvalidInput);
  }
  instance.site_cost = {1, 1, 1, 1, 10};
  options.budget = -1.0;
  try {
    (void)solve_pmedian_exact(instance, 2, options);
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::InvalidInput);
  }
}

TEST(SiteBudget, MaximalCoveringUnderBudget) {
  // Radius 1, p = 2: {1, 5} (or any pair covering {0, 1} and {5, 6}) covers 4. Sites 0 and 1 cost 10,
  // the others 1; with budget 5 the best is {5 or 6, 20}: 3.
  PlanInstance instance = line_instance();
  instance.site_cost = {10, 10, 1, 1, 1};
  ExactOptions options;
  EXPECT_DOUBLE_EQ(solve_mclp(instance, 2, 1.0, options).objective, 4.0);
  options.budget = 5.0;
  const PlanSolution solution = solve_mclp(instance, 2, 1.0, options);
  EXPECT_EQ(solution.status, SolveStatus::Optimal);
  EXPECT_DOUBLE_EQ(solution.objective, 3.0);
}

TEST(SiteCapacity, CapacityChangesThePlan) {
  // Capacity 3 per site: {1, 20} now sends 6 to 20 (1 + 0 + 4 + 14 + 0 = 19); {0, 6} or {1, 6} keep 16,
  // the optimum (uncapacitated: 10).
  PlanInstance instance = line_instance();
  instance.site_capacity = {3, 3, 3, 3, 3};
  const PlanSolution solution = solve_pmedian_exact(instance, 2);
  EXPECT_EQ(solution.status, SolveStatus::Optimal);
  EXPECT_NEAR(solution.objective, 16.0, 1e-6);
  EXPECT_DOUBLE_EQ(brute_force(instance, 2, std::nullopt), 16.0);
  for (const std::uint32_t j : solution.open) EXPECT_NE(j, 4U);
  std::vector<double> load(5, 0.0);
  for (std::size_t i = 0; i < 5; ++i) load[solution.assignment[i]] += 1.0;
  for (const double l : load) EXPECT_LE(l, 3.0);
}

TEST(SiteCapacity, CapacityAndBudgetTogether) {
  PlanInstance instance = line_instance();
  instance.site_capacity = {3, 3, 3, 3, 5};
  instance.site_cost = {1, 1, 1, 2, 1};
  ExactOptions options;
  options.budget = 2.0;  // site 6 (cost 2) needs the whole budget: pairs with it are out
  const double expected = brute_force(instance, 2, 2.0);
  // By hand: {1, 20} → 0,1,5 at 1 (1 + 0 + 4), 6 and 20 at 20 (14): 19; {5, 20} → 0,1,5 at 5 (5 + 4 + 0)
  // and 6 at 20 (14): 23; without 20 and 6: {1, 5} → 1 + 0 + 0 + 1 + 15 = 17.
  EXPECT_DOUBLE_EQ(expected, 17.0);
  const PlanSolution solution = solve_pmedian_exact(instance, 2, options);
  EXPECT_EQ(solution.status, SolveStatus::Optimal);
  EXPECT_NEAR(solution.objective, expected, 1e-6);
}

TEST(SiteCapacity, TooLittleCapacityIsInfeasible) {
  PlanInstance instance = line_instance();
  instance.site_capacity = {2, 2, 2, 2, 2};  // two sites serve at most 4 of the 5 clients
  EXPECT_EQ(solve_pmedian_exact(instance, 2).status, SolveStatus::Infeasible);
  EXPECT_TRUE(std::isinf(brute_force(instance, 2, std::nullopt)));
  instance.site_capacity = {2, 2};  // wrong size
  EXPECT_THROW((void)solve_pmedian_exact(instance, 2), Error);
}

TEST(BudgetSwapSearch, RespectsTheBudgetOnTheLine) {
  PlanInstance instance = line_instance();
  instance.site_cost = {1, 1, 1, 1, 10};
  PMedianOptions options;
  options.p = 2;
  const PlanSolution solution = solve_pmedian_budget(instance, options, 5.0);
  EXPECT_DOUBLE_EQ(solution.objective, 16.0);  // the brute-force budgeted optimum (above)
  for (const std::uint32_t j : solution.open) EXPECT_NE(j, 4U);
  // The relaxed bound (unconstrained optimum 10) cannot certify 16.
  EXPECT_EQ(solution.status, SolveStatus::GapNotClosed);
  ASSERT_TRUE(solution.lower_bound.has_value());
  EXPECT_LE(*solution.lower_bound, 10.0 + 1e-9);
  EXPECT_NE(solution.message.find("relaxed"), std::string::npos);
  // A budget the unconstrained plan fits: certified optimal.
  const PlanSolution loose = solve_pmedian_budget(instance, options, 11.0);
  EXPECT_EQ(loose.status, SolveStatus::Optimal);
  EXPECT_DOUBLE_EQ(loose.objective, 10.0);
  EXPECT_EQ(solve_pmedian_budget(instance, options, 1.5).status, SolveStatus::Infeasible);
}

RC_GTEST_PROP(BudgetSwapSearch, FeasibleAndBoundedByBruteForce, ()) {
  const auto n = *rc::gen::inRange<std::size_t>(2, 7);
  const auto m = *rc::gen::inRange<std::size_t>(2, 7);
  const auto p = *rc::gen::inRange<std::size_t>(1, m);
  CostMatrix cost(n, m);
  for (auto& c : cost.values) c = static_cast<float>(*rc::gen::inRange(0, 30));
  PlanInstance instance = make_instance(std::move(cost));
  instance.site_cost.resize(m);
  for (auto& c : instance.site_cost) c = static_cast<double>(*rc::gen::inRange(0, 10));
  const double budget = static_cast<double>(*rc::gen::inRange(0, 40));
  PMedianOptions options;
  options.p = p;
  const PlanSolution heuristic = solve_pmedian_budget(instance, options, budget);
  const double optimum = brute_force(instance, p, budget);
  ExactOptions exact;
  exact.budget = budget;
  const PlanSolution cbc = solve_pmedian_exact(instance, p, exact);
  if (std::isinf(optimum)) {
    RC_ASSERT(heuristic.status == SolveStatus::Infeasible);
    RC_ASSERT(cbc.status == SolveStatus::Infeasible);
    return;
  }
  RC_ASSERT(cbc.status == SolveStatus::Optimal);
  RC_ASSERT(std::abs(cbc.objective - optimum) < 1e-6);
  RC_ASSERT(heuristic.objective >= optimum - 1e-9);
  double spend = 0.0;
  for (const std::uint32_t j : heuristic.open) spend += instance.site_cost[j];
  RC_ASSERT(spend <= budget + 1e-9);
  RC_ASSERT(heuristic.open.size() == p);
  if (heuristic.lower_bound) RC_ASSERT(*heuristic.lower_bound <= optimum + 1e-6);
}

}  // namespace
}  // namespace equalis::plan
