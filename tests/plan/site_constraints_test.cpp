// Per-site opening costs under a budget and site capacities (p-median and MCLP through CBC).
#include "plan_test_util.hpp"

#include "core/error.hpp"
#include "plan/budget_pmedian.hpp"
#include "plan/capacitated.hpp"
#include "plan/covering.hpp"
#include "plan/equity.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

namespace equalis::plan {
namespace {

using test::line_instance;

// Calls fn(site_of) for every single-source assignment of the clients to the sites of `open` (site_of[i]
// = client i's site) that keeps every load within the capacities (any load without capacities).
template <typename Fn>
void for_each_assignment(const PlanInstance& instance, const std::vector<std::uint32_t>& open, Fn&& fn) {
  const std::size_t n = instance.client_count();
  std::size_t combinations = 1;
  for (std::size_t i = 0; i < n; ++i) combinations *= open.size();
  std::vector<std::uint32_t> site_of(n);
  for (std::size_t code = 0; code < combinations; ++code) {
    std::vector<double> load(instance.candidate_count(), 0.0);
    std::size_t rest = code;
    for (std::size_t i = 0; i < n; ++i) {
      site_of[i] = open[rest % open.size()];
      rest /= open.size();
      load[site_of[i]] += instance.demand[i];
    }
    bool fits = true;
    for (std::size_t j = 0; j < load.size() && !instance.site_capacity.empty(); ++j)
      fits = fits && load[j] <= instance.site_capacity[j];
    if (fits) fn(site_of);
  }
}

// Brute force: every p-subset of the free sites within the budget, and every single-source assignment of
// the clients to its open sites within the capacities. With unit demands and integral capacities the
// transportation LP has integral optima (total unimodularity), so this equals the fractional model.
double brute_force(const PlanInstance& instance, std::size_t p, std::optional<double> budget) {
  double best = std::numeric_limits<double>::infinity();
  test::for_each_plan(instance, p, budget, [&](const std::vector<std::uint32_t>& open) {
    for_each_assignment(instance, open, [&](const std::vector<std::uint32_t>& site_of) {
      double total = 0.0;
      for (std::size_t i = 0; i < site_of.size(); ++i)
        total += instance.demand[i] * instance.cost.at(i, site_of[i]);
      best = std::min(best, total);
    });
  });
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
  // Dropping the budget row would give the unconstrained optimum 10; relaxing it with a multiplier lifts
  // the bound above that, but no Lagrangian bound can exceed the optimum 16.
  ASSERT_TRUE(solution.lower_bound.has_value());
  EXPECT_GT(*solution.lower_bound, 10.0 + 1e-9);
  EXPECT_LE(*solution.lower_bound, 16.0 + 1e-9);
  if (*solution.lower_bound < 16.0 - 1e-9) {
    EXPECT_EQ(solution.status, SolveStatus::GapNotClosed);
    EXPECT_NE(solution.message.find("budget rows relaxed"), std::string::npos);
  }
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

TEST(SiteCapacity, SingleSourcingServesEachClientFromOneSite) {
  // Sites A, B with capacity 3, both open (p = 2). c1 (demand 2): A 0, B 10; c2 (demand 2): A 1, B 5.
  // Split: c1 → A, c2 half A (1), half B (5): 0 + 1 + 5 = 6. Single source: c2 cannot join c1 at A
  // (load 4 > 3): c2 → B, 2 × 5 = 10 (c1 → B, c2 → A costs 22).
  CostMatrix cost(2, 2);
  cost.at(0, 0) = 0;
  cost.at(0, 1) = 10;
  cost.at(1, 0) = 1;
  cost.at(1, 1) = 5;
  PlanInstance instance = make_instance(std::move(cost));
  instance.demand = {2, 2};
  instance.site_capacity = {3, 3};
  ExactOptions options;
  const PlanSolution split = solve_pmedian_exact(instance, 2, options);
  EXPECT_NEAR(split.objective, 6.0, 1e-6);
  EXPECT_NEAR(evaluate_solution(instance, split).assigned_cost[1], 3.0, 1e-6);  // share-weighted mean
  options.single_source = true;
  const PlanSolution single = solve_pmedian_exact(instance, 2, options);
  EXPECT_EQ(single.status, SolveStatus::Optimal);
  EXPECT_NEAR(single.objective, 10.0, 1e-6);
  EXPECT_DOUBLE_EQ(brute_force(instance, 2, std::nullopt), 10.0);
  EXPECT_EQ(single.assignment, (std::vector<std::uint32_t>{0, 1}));
  // Per-client costs follow the plan's assignment, not the nearest open site (c2's nearest is A at 1).
  const Evaluation evaluation = evaluate_solution(instance, single);
  EXPECT_FLOAT_EQ(evaluation.assigned_cost[1], 5.0F);
  EXPECT_DOUBLE_EQ(evaluation.total_cost, 10.0);
}

// Random instance for the capacity properties: n clients × m sites, integer costs 0–29, demand 1–4,
// capacities drawn from [low, high).
PlanInstance random_capacitated(std::size_t n, std::size_t m, int low, int high) {
  CostMatrix cost(n, m);
  for (auto& c : cost.values) c = static_cast<float>(*rc::gen::inRange(0, 30));
  PlanInstance instance = make_instance(std::move(cost));
  for (auto& d : instance.demand) d = static_cast<double>(*rc::gen::inRange(1, 5));
  instance.site_capacity.resize(m);
  for (auto& c : instance.site_capacity) c = static_cast<double>(*rc::gen::inRange(low, high));
  return instance;
}

RC_GTEST_PROP(SiteCapacity, SingleSourceEqualsBruteForce, ()) {
  const auto n = *rc::gen::inRange<std::size_t>(2, 6);
  const auto m = *rc::gen::inRange<std::size_t>(2, 5);
  const auto p = *rc::gen::inRange<std::size_t>(1, m + 1);
  PlanInstance instance = random_capacitated(n, m, 2, 12);
  ExactOptions options;
  options.single_source = true;
  const PlanSolution single = solve_pmedian_exact(instance, p, options);
  const double optimum = brute_force(instance, p, std::nullopt);
  if (std::isinf(optimum)) {
    RC_ASSERT(single.status == SolveStatus::Infeasible);
    return;
  }
  RC_ASSERT(single.status == SolveStatus::Optimal);
  RC_ASSERT(std::abs(single.objective - optimum) < 1e-6);
  options.single_source = false;
  RC_ASSERT(solve_pmedian_exact(instance, p, options).objective <= optimum + 1e-6);
}

TEST(CapacitatedHeuristic, FindsTheLineOptimumWithABound) {
  // As SiteCapacity.CapacityChangesThePlan, without CBC: the optimum 16 at {0, 6} or {1, 6}.
  PlanInstance instance = line_instance();
  instance.site_capacity = {3, 3, 3, 3, 3};
  PMedianOptions options;
  options.p = 2;
  for (const bool single : {false, true}) {
    const PlanSolution solution = solve_pmedian_capacitated(instance, options, single);
    EXPECT_NEAR(solution.objective, 16.0, 1e-9) << single;
    ASSERT_TRUE(solution.lower_bound.has_value());
    EXPECT_LE(*solution.lower_bound, 16.0 + 1e-9);
    std::vector<double> load(5, 0.0);
    for (std::size_t i = 0; i < 5; ++i) load[solution.assignment[i]] += 1.0;
    for (const double l : load) EXPECT_LE(l, 3.0);
  }
  instance.site_capacity = {2, 2, 2, 2, 2};  // two sites hold at most 4 of the 5 clients
  EXPECT_EQ(solve_pmedian_capacitated(instance, options, false).status, SolveStatus::Infeasible);
}

// The heuristic's plans respect the capacities and never beat CBC's optimum; its bound never exceeds it.
RC_GTEST_PROP(CapacitatedHeuristic, FeasibleAndBoundedByCbc, ()) {
  const auto n = *rc::gen::inRange<std::size_t>(2, 12);
  const auto m = *rc::gen::inRange<std::size_t>(2, 7);
  const auto p = *rc::gen::inRange<std::size_t>(1, m + 1);
  const bool single = *rc::gen::arbitrary<bool>();
  PlanInstance instance = random_capacitated(n, m, 2, 20);
  ExactOptions exact;
  exact.single_source = single;
  const PlanSolution cbc = solve_pmedian_exact(instance, p, exact);
  PMedianOptions options;
  options.p = p;
  const PlanSolution heuristic = solve_pmedian_capacitated(instance, options, single);
  if (cbc.status == SolveStatus::Infeasible) {
    RC_ASSERT(heuristic.status == SolveStatus::Infeasible);
    return;
  }
  RC_ASSERT(cbc.status == SolveStatus::Optimal);
  if (heuristic.status == SolveStatus::Infeasible) {
    RC_ASSERT(single);  // the greedy may miss a tight single-source packing, never a split one
    return;
  }
  RC_ASSERT(heuristic.objective >= cbc.objective - 1e-6);
  RC_ASSERT(heuristic.lower_bound.value() <= cbc.objective + 1e-6);
  RC_ASSERT(heuristic.open.size() == p);
  const Evaluation evaluation = evaluate_solution(instance, heuristic);
  RC_ASSERT(std::abs(evaluation.total_cost - heuristic.objective) <=
            1e-4 * std::max(1.0, heuristic.objective));
  if (single) {
    std::vector<double> load(m, 0.0);
    for (std::size_t i = 0; i < n; ++i) load[heuristic.assignment[i]] += instance.demand[i];
    for (std::size_t j = 0; j < m; ++j) RC_ASSERT(load[j] <= instance.site_capacity[j] + 1e-9);
  }
}

// Single-source brute force for the capacitated p-center: over the plans of p new sites and every
// assignment within the capacities, the smallest largest assigned cost.
double brute_force_capacitated_radius(const PlanInstance& instance, std::size_t p) {
  double best = std::numeric_limits<double>::infinity();
  test::for_each_plan(instance, p, std::nullopt, [&](const std::vector<std::uint32_t>& open) {
    for_each_assignment(instance, open, [&](const std::vector<std::uint32_t>& site_of) {
      double radius = 0.0;
      for (std::size_t i = 0; i < site_of.size(); ++i)
        radius = std::max(radius, static_cast<double>(instance.cost.at(i, site_of[i])));
      best = std::min(best, radius);
    });
  });
  return best;
}

TEST(SiteCapacity, CoveringWithCapacities) {
  // Radius 1 on the line: {0, 1}, {5, 6}, {20}. Capacity 2 each: 3 sites as without capacities; capacity
  // 1 each: every client needs its own site (5); sites 0 and 1 holding 1, the others 2: 4.
  PlanInstance instance = line_instance();
  ExactOptions options;
  instance.site_capacity = {2, 2, 2, 2, 2};
  EXPECT_DOUBLE_EQ(solve_lscp(instance, 1.0, options).objective, 3.0);
  instance.site_capacity = {1, 1, 1, 1, 1};
  EXPECT_DOUBLE_EQ(solve_lscp(instance, 1.0, options).objective, 5.0);
  instance.site_capacity = {1, 1, 2, 2, 1};
  const PlanSolution lscp = solve_lscp(instance, 1.0, options);
  EXPECT_EQ(lscp.status, SolveStatus::Optimal);
  EXPECT_DOUBLE_EQ(lscp.objective, 4.0);
  for (std::size_t i = 0; i < 5; ++i) EXPECT_LE(evaluate_solution(instance, lscp).assigned_cost[i], 1.0F);
  instance.site_capacity = {1, 1, 1, 1, 0};  // nobody can serve the client at 20
  EXPECT_EQ(solve_lscp(instance, 1.0, options).status, SolveStatus::Infeasible);
}

TEST(SiteCapacity, MaximalCoveringWithCapacities) {
  // Radius 1, p = 2 on the line (unit demand): uncapacitated {0 or 1} + {5 or 6} cover 4. Capacity 1 each:
  // 2. Sites 5 and 6 holding 2, the others 1: {5 or 6} covers both of its pair, plus one more: 3.
  PlanInstance instance = line_instance();
  instance.groups.codes = {0, 0, 1, 1, 1};
  instance.groups.names = {"west", "east"};
  ExactOptions options;
  instance.site_capacity = {1, 1, 1, 1, 1};
  EXPECT_DOUBLE_EQ(solve_mclp(instance, 2, 1.0, options).objective, 2.0);
  instance.site_capacity = {1, 1, 2, 2, 1};
  const PlanSolution solution = solve_mclp(instance, 2, 1.0, options);
  EXPECT_EQ(solution.status, SolveStatus::Optimal);
  EXPECT_DOUBLE_EQ(solution.objective, 3.0);
  // Group coverage counts the covered shares, which add up to the objective.
  const auto groups = group_outcomes(instance, evaluate_solution(instance, solution), 1.0);
  EXPECT_NEAR(groups[0].coverage.value() * 2.0 + groups[1].coverage.value() * 3.0, 3.0, 1e-9);
}

// Single-source capacitated MCLP by brute force: every plan of p new sites and every choice, per client,
// of a covering open site or none, within the capacities; the largest covered demand.
double brute_force_capacitated_mclp(const PlanInstance& instance, std::size_t p, double radius) {
  const std::size_t n = instance.client_count();
  double best = 0.0;
  test::for_each_plan(instance, p, std::nullopt, [&](const std::vector<std::uint32_t>& open) {
    const std::size_t options = open.size() + 1;  // a site, or uncovered
    std::size_t combinations = 1;
    for (std::size_t i = 0; i < n; ++i) combinations *= options;
    for (std::size_t code = 0; code < combinations; ++code) {
      std::vector<double> load(instance.candidate_count(), 0.0);
      double covered = 0.0;
      bool valid = true;
      std::size_t rest = code;
      for (std::size_t i = 0; i < n && valid; ++i) {
        const std::size_t pick = rest % options;
        rest /= options;
        if (pick == open.size()) continue;
        const std::uint32_t j = open[pick];
        valid = instance.cost.at(i, j) <= radius;
        load[j] += instance.demand[i];
        covered += instance.demand[i];
      }
      for (std::size_t j = 0; j < load.size() && valid; ++j) valid = load[j] <= instance.site_capacity[j];
      if (valid) best = std::max(best, covered);
    }
  });
  return best;
}

RC_GTEST_PROP(SiteCapacity, MaximalCoveringWithCapacitiesEqualsBruteForce, ()) {
  const auto n = *rc::gen::inRange<std::size_t>(2, 6);
  const auto m = *rc::gen::inRange<std::size_t>(2, 5);
  const auto p = *rc::gen::inRange<std::size_t>(1, m + 1);
  PlanInstance instance = random_capacitated(n, m, 0, 10);
  const double radius = static_cast<double>(*rc::gen::inRange(0, 30));
  ExactOptions options;
  options.single_source = true;
  const PlanSolution single = solve_mclp(instance, p, radius, options);
  RC_ASSERT(single.status == SolveStatus::Optimal);
  RC_ASSERT(std::abs(single.objective - brute_force_capacitated_mclp(instance, p, radius)) < 1e-6);
  options.single_source = false;
  RC_ASSERT(solve_mclp(instance, p, radius, options).objective >= single.objective - 1e-6);
}

TEST(SiteCapacity, PCenterWithCapacities) {
  // p = 2, capacity 3: the uncapacitated radius 5 ({1, 20}) needs site 20 to take only the client at 20,
  // and site 1 the other four — over capacity. With 3 each the best is 14 (e.g. {1, 20}: 1 serves 0, 1,
  // 5; 20 serves 6 and 20).
  PlanInstance instance = line_instance();
  instance.site_capacity = {3, 3, 3, 3, 3};
  ExactOptions options;
  options.single_source = true;
  const PlanSolution solution = solve_pcenter(instance, 2, options);
  EXPECT_EQ(solution.status, SolveStatus::Optimal);
  EXPECT_DOUBLE_EQ(solution.objective, 14.0);
  EXPECT_DOUBLE_EQ(brute_force_capacitated_radius(instance, 2), 14.0);
  instance.site_capacity = {2, 2, 2, 2, 2};  // 2 sites hold at most 4 of 5
  EXPECT_EQ(solve_pcenter(instance, 2, options).status, SolveStatus::Infeasible);
}

RC_GTEST_PROP(SiteCapacity, PCenterWithCapacitiesEqualsBruteForce, ()) {
  const auto n = *rc::gen::inRange<std::size_t>(2, 6);
  const auto m = *rc::gen::inRange<std::size_t>(2, 5);
  const auto p = *rc::gen::inRange<std::size_t>(1, m + 1);
  PlanInstance instance = random_capacitated(n, m, 2, 12);
  ExactOptions options;
  options.single_source = true;
  const PlanSolution single = solve_pcenter(instance, p, options);
  const double optimum = brute_force_capacitated_radius(instance, p);
  if (std::isinf(optimum)) {
    RC_ASSERT(single.status == SolveStatus::Infeasible);
    return;
  }
  RC_ASSERT(single.status == SolveStatus::Optimal);
  RC_ASSERT(single.objective == optimum);
  options.single_source = false;
  const PlanSolution split = solve_pcenter(instance, p, options);
  RC_ASSERT(split.objective <= optimum);
}

TEST(SiteBudget, CheapestCoverAndItsBudget) {
  // Radius 1 on the line: {0 or 1}, {5 or 6} and {20} must each hold a site. Costs 1, 5, 5, 1, 2: the
  // cheapest cover is {0, 6, 20} at 4 (fewest sites is 3 either way).
  PlanInstance instance = line_instance();
  ExactOptions options;
  EXPECT_DOUBLE_EQ(solve_lscp(instance, 1.0, options).objective, 3.0);
  instance.site_cost = {1, 5, 5, 1, 2};
  const PlanSolution cheapest = solve_lscp(instance, 1.0, options);
  EXPECT_EQ(cheapest.status, SolveStatus::Optimal);
  EXPECT_DOUBLE_EQ(cheapest.objective, 4.0);
  EXPECT_EQ(cheapest.open, (std::vector<std::uint32_t>{0, 3, 4}));
  options.budget = 4.0;
  EXPECT_EQ(solve_lscp(instance, 1.0, options).status, SolveStatus::Optimal);
  options.budget = 3.5;
  const PlanSolution broke = solve_lscp(instance, 1.0, options);
  EXPECT_EQ(broke.status, SolveStatus::Infeasible);
  EXPECT_NE(broke.message.find("budget"), std::string::npos);
  // An existing site costs nothing: with 20 open, the cover costs 2.
  instance.fixed_open = {4};
  options.budget = 2.0;
  const PlanSolution existing = solve_lscp(instance, 1.0, options);
  EXPECT_EQ(existing.status, SolveStatus::Optimal);
  EXPECT_DOUBLE_EQ(existing.objective, 2.0);
}

// Smallest radius over the p-subsets of the free sites within the budget (existing sites added).
double brute_force_pcenter(const PlanInstance& instance, std::size_t p, std::optional<double> budget) {
  double best = std::numeric_limits<double>::infinity();
  test::for_each_plan(instance, p, budget, [&](const std::vector<std::uint32_t>& open) {
    best = std::min(best, evaluate_plan(instance, open).max_cost);
  });
  return best;
}

TEST(SiteBudget, PCenterUnderBudget) {
  // p = 2: {1, 20} or {5, 20} give radius 5. The site at 20 costs 10: with a budget of 5 the best pair
  // leaves the client at 20 14 from site 6: radius 14.
  PlanInstance instance = line_instance();
  instance.site_cost = {1, 1, 1, 1, 10};
  ExactOptions options;
  EXPECT_DOUBLE_EQ(solve_pcenter(instance, 2, options).objective, 5.0);
  options.budget = 5.0;
  const PlanSolution solution = solve_pcenter(instance, 2, options);
  EXPECT_EQ(solution.status, SolveStatus::Optimal);
  EXPECT_DOUBLE_EQ(solution.objective, 14.0);
  EXPECT_DOUBLE_EQ(brute_force_pcenter(instance, 2, 5.0), 14.0);
  EXPECT_EQ(solution.open.size(), 2U);
  options.budget = 11.0;
  EXPECT_DOUBLE_EQ(solve_pcenter(instance, 2, options).objective, 5.0);
  options.budget = 1.5;
  EXPECT_EQ(solve_pcenter(instance, 2, options).status, SolveStatus::Infeasible);
}

RC_GTEST_PROP(SiteBudget, PCenterUnderBudgetEqualsBruteForce, ()) {
  const auto n = *rc::gen::inRange<std::size_t>(2, 8);
  const auto m = *rc::gen::inRange<std::size_t>(2, 7);
  const auto p = *rc::gen::inRange<std::size_t>(1, m);
  CostMatrix cost(n, m);
  for (auto& c : cost.values) c = static_cast<float>(*rc::gen::inRange(0, 30));
  PlanInstance instance = make_instance(std::move(cost));
  instance.site_cost.resize(m);
  for (auto& c : instance.site_cost) c = static_cast<double>(*rc::gen::inRange(0, 10));
  const double budget = static_cast<double>(*rc::gen::inRange(0, 30));
  ExactOptions options;
  options.budget = budget;
  const PlanSolution solution = solve_pcenter(instance, p, options);
  const double optimum = brute_force_pcenter(instance, p, budget);
  if (std::isinf(optimum)) {
    RC_ASSERT(solution.status == SolveStatus::Infeasible);
    return;
  }
  RC_ASSERT(solution.status == SolveStatus::Optimal);
  RC_ASSERT(solution.objective == optimum);
  RC_ASSERT(solution.open.size() == p);
  double spend = 0.0;
  for (const std::uint32_t j : solution.open) spend += instance.site_cost[j];
  RC_ASSERT(spend <= budget + 1e-9);
}

TEST(SiteBudget, KolmPollakUnderBudget) {
  PlanInstance instance = line_instance();
  instance.site_cost = {1, 1, 1, 1, 10};
  PMedianOptions options;
  options.p = 2;
  SiteConstraints constraints;
  constraints.budget = 5.0;
  const FairResult result = solve_kolm_pollak(instance, options, 1.0, constraints);
  for (const std::uint32_t j : result.plan.open) EXPECT_NE(j, 4U);
  for (const std::uint32_t j : result.efficient.open) EXPECT_NE(j, 4U);
  EXPECT_DOUBLE_EQ(result.efficient_total, 16.0);  // the budgeted p-median optimum (above)
  ASSERT_TRUE(result.plan.lower_bound.has_value());
  EXPECT_LE(*result.plan.lower_bound, result.plan.objective + 1e-9);
  instance.site_capacity = {3, 3, 3, 3, 3};
  EXPECT_EQ(solve_kolm_pollak(instance, options, 1.0, constraints).plan.status, SolveStatus::Unsupported);
}

}  // namespace
}  // namespace equalis::plan
