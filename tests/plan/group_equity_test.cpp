#include "plan/group_equity.hpp"

#include "plan_test_util.hpp"

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
  instance.groups.codes = {0, 0, 0, 1};
  instance.groups.names = {"rich", "poor"};
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

// The dual duality gap on two_groups() (3.4545 vs 4, below) is left to CBC, which proves the optimum.
TEST(GroupFair, RawlsCallsCbcOnlyForTheGapTheDualLeaves) {
  const GroupFairResult hand = solve_group_fair(two_groups(), options_for(GroupObjective::Rawls));
  EXPECT_EQ(hand.bound_method, "cbc");
  // Regression (speed): OR-Library pmed6 split into two groups of 100 clients. The dual proves the
  // optimum, so CBC (which used to spend the whole time limit, 68–120 s, on it) is not called.
  OrlibInstance orlib = read_orlib(test::orlib_path(6));
  PlanInstance& instance = orlib.instance;
  instance.groups.names = {"first", "second"};
  for (std::size_t i = 0; i < instance.client_count(); ++i) instance.groups.codes[i] = i < 100 ? 0 : 1;
  GroupFairOptions options = options_for(GroupObjective::Rawls);
  options.p = orlib.p;
  const GroupFairResult result = solve_group_fair(instance, options);
  EXPECT_NE(result.bound_method, "cbc");
  EXPECT_LE(result.plan.gap.value(), options.target_gap);
  options.mip_max_pairs = 0;
  const GroupFairResult dual_only = solve_group_fair(instance, options);
  EXPECT_DOUBLE_EQ(result.plan.objective, dual_only.plan.objective);
}

TEST(GroupFair, RawlsHeuristicWithGroupBound) {
  GroupFairOptions options = options_for(GroupObjective::Rawls);
  options.mip_max_pairs = 0;  // no MIP: swap search, certificate = max over groups of own optimum
  const GroupFairResult result = solve_group_fair(two_groups(), options);
  EXPECT_EQ(result.method, "swap_search");
  EXPECT_EQ(result.plan.open, (std::vector<std::uint32_t>{1}));
  // Own optima: rich 1 (site A), poor 2 (site B) → bound 2. The Lagrangian dual does better: with weight
  // λ on the rich mean, the plans cost A 10 − 9λ, B 2 + 2λ, C 5.5 − 2.5λ, D 4; the lower envelope peaks
  // where A meets B, λ = 8/11, at 38/11 ≈ 3.4545 (the duality gap to 4 is the integrality gap).
  const double bound = result.plan.lower_bound.value();
  EXPECT_GT(bound, 3.4);
  EXPECT_LE(bound, 38.0 / 11.0 + 1e-9);
  EXPECT_NEAR(result.plan.gap.value(), (4.0 - bound) / 4.0, 1e-12);
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
  // CBC's exact-assignment MIP proves it: bound 2, status optimal.
  EXPECT_NEAR(result.plan.lower_bound.value(), 2.0, 1e-6);
  EXPECT_EQ(result.plan.status, SolveStatus::Optimal);
  options.cost_slack = 0.25;  // cap 16.25 admits D: gap 0
  result = solve_group_fair(two_groups(), options);
  EXPECT_EQ(result.plan.open, (std::vector<std::uint32_t>{3}));
  EXPECT_DOUBLE_EQ(result.plan.objective, 0.0);
  EXPECT_EQ(result.plan.status, SolveStatus::Optimal);
}

TEST(GroupFair, GapBeyondTheMipLimitSaysItsBoundIsTrivial) {
  GroupFairOptions options = options_for(GroupObjective::Gap);
  options.mip_max_pairs = 0;
  const GroupFairResult result = solve_group_fair(two_groups(), options);
  EXPECT_EQ(result.method, "swap_search");
  EXPECT_DOUBLE_EQ(result.plan.objective, 2.0);
  EXPECT_DOUBLE_EQ(result.plan.lower_bound.value(), 0.0);
  EXPECT_EQ(result.plan.status, SolveStatus::GapNotClosed);
  EXPECT_NE(result.plan.message.find("`mip_max_pairs`"), std::string::npos);
}

// The max−min gap must be judged with each client at its NEAREST open site. Rich clients r1, r2 and
// poor client q; sites A, B, C with p = 2. Costs (r1, r2, q): A (1, 9, 9), B (9, 1, 9), C (9, 9, 3).
// Plans: AB → rich mean 1, poor 9, gap 8 (total 11, the p-median); AC, BC → rich (1 + 9)/2 = 5, poor 3,
// gap 2 (total 13). A free assignment (ReVelle–Swain x_ij) could keep AB and send r1 to B and r2 to A:
// rich mean 9 = poor mean 9, "gap 0" at total 27 ≤ the cap 33 — a plan nobody would live in.
TEST(GroupFair, GapUsesTheNearestOpenSite) {
  CostMatrix cost(3, 3);
  const std::vector<std::vector<float>> rows{{1, 9, 9}, {9, 1, 9}, {9, 9, 3}};
  for (std::size_t i = 0; i < 3; ++i) {
    for (std::size_t j = 0; j < 3; ++j) cost.at(i, j) = rows[i][j];
  }
  PlanInstance instance = make_instance(std::move(cost));
  instance.groups.codes = {0, 0, 1};
  instance.groups.names = {"rich", "poor"};
  GroupFairOptions options = options_for(GroupObjective::Gap);
  options.p = 2;
  options.cost_slack = 2.0;
  const GroupFairResult result = solve_group_fair(instance, options);
  EXPECT_DOUBLE_EQ(result.efficient_total, 11.0);
  EXPECT_DOUBLE_EQ(result.plan.objective, 2.0);
  EXPECT_NEAR(result.plan.lower_bound.value(), 2.0, 1e-6);
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

// Brute force: the lexicographic Rawls optimum's worst mean over all p-subsets.
double brute_rawls(const PlanInstance& instance, std::size_t p) {
  double best = std::numeric_limits<double>::infinity();
  test::for_each_plan(instance, p, std::nullopt, [&](const std::vector<std::uint32_t>& open) {
    const Evaluation evaluation = evaluate_plan(instance, open);
    best = std::min(best, group_objective_value(instance, evaluation, GroupObjective::Rawls, std::nullopt));
  });
  return best;
}

// Random instance: n clients in three groups, m sites, integer costs 1–20, demand 1–5, site costs 1–9.
PlanInstance random_grouped(Rng& rng, std::size_t n, std::size_t m) {
  CostMatrix cost(n, m);
  for (float& c : cost.values) c = static_cast<float>(1 + rng.uniform_index(20));
  PlanInstance instance = make_instance(std::move(cost));
  instance.groups.names = {"a", "b", "c"};
  instance.groups.codes.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    instance.groups.codes[i] = static_cast<std::uint32_t>(i % 3);
    instance.demand[i] = static_cast<double>(1 + rng.uniform_index(5));
  }
  instance.site_cost.resize(m);
  for (double& c : instance.site_cost) c = static_cast<double>(1 + rng.uniform_index(9));
  return instance;
}

RC_GTEST_PROP(GroupFair, RawlsMatchesBruteForceAndBoundsHold, ()) {
  const auto seed = *rc::gen::inRange<std::uint64_t>(0, 1000000);
  Rng rng(seed);
  const PlanInstance instance = random_grouped(rng, 6 + rng.uniform_index(6), 4 + rng.uniform_index(4));
  const std::size_t p = 1 + rng.uniform_index(2);
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

// Best primary objective over all p-subsets that fit the budget and `admissible` (minimised; Coverage
// is negated by the caller's objective value).
template <typename Admissible>
double brute_force(const PlanInstance& instance, std::size_t p, std::optional<double> budget,
                   GroupObjective objective, std::optional<double> radius, Admissible admissible) {
  double best = std::numeric_limits<double>::infinity();
  test::for_each_plan(instance, p, budget, [&](const std::vector<std::uint32_t>& open) {
    const Evaluation evaluation = evaluate_plan(instance, open);
    if (!admissible(evaluation)) return;
    const double value = group_objective_value(instance, evaluation, objective, radius);
    best = std::min(best, objective == GroupObjective::Coverage ? -value : value);
  });
  return best;
}

// The gap objective (exact-assignment MIP) equals brute force over nearest-site plans under the cost cap,
// its bound never exceeds the optimum, and the swap search alone never beats it.
RC_GTEST_PROP(GroupFair, GapMatchesBruteForce, ()) {
  const auto seed = *rc::gen::inRange<std::uint64_t>(0, 1000000);
  Rng rng(seed);
  PlanInstance instance = random_grouped(rng, 6 + rng.uniform_index(5), 4 + rng.uniform_index(4));
  GroupFairOptions options;
  options.objective = GroupObjective::Gap;
  options.p = 1 + rng.uniform_index(2);
  options.cost_slack = 0.05 * static_cast<double>(rng.uniform_index(6));
  options.time_limit_seconds = 20;
  const GroupFairResult exact = solve_group_fair(instance, options);
  const double cap = exact.cost_cap.value();
  const double optimum = brute_force(instance, options.p, std::nullopt, GroupObjective::Gap, std::nullopt,
                                     [&](const Evaluation& e) { return e.total_cost <= cap * (1 + 1e-12); });
  RC_LOG() << "objective " << exact.plan.objective << " bound " << exact.plan.lower_bound.value_or(-1)
           << " optimum " << optimum << " method " << exact.method << " status "
           << status_name(exact.plan.status) << " message " << exact.plan.message << "\n";
  RC_ASSERT(exact.plan.status == SolveStatus::Optimal);
  RC_ASSERT(std::abs(exact.plan.objective - optimum) <= 1e-6 * std::max(1.0, optimum));
  RC_ASSERT(exact.total_cost <= cap * (1 + 1e-9));
  options.mip_max_pairs = 0;
  const GroupFairResult heuristic = solve_group_fair(instance, options);
  RC_ASSERT(heuristic.plan.objective >= optimum - 1e-9);
  RC_ASSERT(heuristic.total_cost <= cap * (1 + 1e-9));
}

// Every group objective under an opening-cost budget: CBC reaches the brute-force optimum among the
// plans that fit; the swap search (no MIP) stays within the budget and never beats that optimum.
RC_GTEST_PROP(GroupFair, BudgetIsRespectedByEveryObjective, ()) {
  const auto seed = *rc::gen::inRange<std::uint64_t>(0, 1000000);
  Rng rng(seed);
  PlanInstance instance = random_grouped(rng, 6 + rng.uniform_index(4), 5 + rng.uniform_index(3));
  const std::size_t p = 1 + rng.uniform_index(2);
  const double budget = static_cast<double>(3 * p + rng.uniform_index(6));
  const auto objective = static_cast<GroupObjective>(rng.uniform_index(3));
  GroupFairOptions options;
  options.objective = objective;
  options.p = p;
  options.budget = budget;
  options.radius = 8.0;
  options.cost_slack = 0.2;
  options.time_limit_seconds = 20;
  const GroupFairResult exact = solve_group_fair(instance, options);
  if (exact.plan.status == SolveStatus::Infeasible) {
    // Only when the p cheapest sites exceed the budget.
    std::vector<double> costs = instance.site_cost;
    std::sort(costs.begin(), costs.end());
    double cheapest = 0.0;
    for (std::size_t k = 0; k < p; ++k) cheapest += costs[k];
    RC_ASSERT(cheapest > budget);
    return;
  }
  const auto fits = [&](const std::vector<std::uint32_t>& open) {
    double spend = 0.0;
    for (const std::uint32_t j : open) spend += instance.site_cost[j];
    return spend <= budget + 1e-9;
  };
  RC_ASSERT(fits(exact.plan.open));
  RC_ASSERT(fits(exact.efficient.open));
  const std::optional<double> cap = exact.cost_cap;
  const double optimum =
      brute_force(instance, p, budget, objective, options.radius,
                  [&](const Evaluation& e) { return !cap || e.total_cost <= *cap * (1 + 1e-12); });
  const double found = objective == GroupObjective::Coverage ? -exact.plan.objective : exact.plan.objective;
  RC_ASSERT(std::abs(found - optimum) <= 1e-6 * std::max(1.0, std::abs(optimum)));
  options.mip_max_pairs = 0;
  const GroupFairResult heuristic = solve_group_fair(instance, options);
  RC_ASSERT(fits(heuristic.plan.open));
  const double searched =
      objective == GroupObjective::Coverage ? -heuristic.plan.objective : heuristic.plan.objective;
  RC_ASSERT(searched >= optimum - 1e-9);
}

}  // namespace
}  // namespace equalis::plan

namespace equalis::plan {
namespace {

// OR-Library pmed1 (100 clients, p = 5) split into two groups of 50.
PlanInstance two_group_pmed1(std::size_t& p) {
  OrlibInstance orlib = read_orlib(test::orlib_path(1));
  p = orlib.p;
  PlanInstance instance = std::move(orlib.instance);
  instance.groups.names = {"first", "second"};
  for (std::size_t i = 0; i < instance.client_count(); ++i) instance.groups.codes[i] = i < 50 ? 0 : 1;
  return instance;
}

// Regression: Ctrl-C during plan fair was heard only at the solver's deadlines (14–25 s after it on a
// 900 × 900 matrix). Stops land in every phase (reference p-median, swap search, group bounds, dual
// rounds, CBC) by sweeping the number of polls before it; each must end in Error(Cancelled), never in a
// plan, a few polls after the stop.
TEST(GroupFair, CtrlCInAnyPhaseEndsPromptlyInCancelled) {
  std::size_t p = 0;
  const PlanInstance instance = two_group_pmed1(p);
  for (const GroupObjective objective :
       {GroupObjective::Rawls, GroupObjective::Coverage, GroupObjective::Gap}) {
    GroupFairOptions options;
    options.objective = objective;
    options.p = p;
    options.radius = 40.0;
    options.time_limit_seconds = 1;  // the gap objective spends it all: keep the sweep short
    bool completed = false;
    int cancelled = 0;
    for (std::uint64_t allowed = 0; !completed; allowed = allowed * 4 + 1) {
      test::StopAfterPolls sink(allowed);
      try {
        (void)solve_group_fair(instance, options, sink);
        completed = true;
        EXPECT_LE(sink.polls(), allowed) << "a plan came back after the stop";
      } catch (const Error& error) {
        ASSERT_EQ(error.code(), ErrorCode::Cancelled) << error.what();
        EXPECT_LE(sink.polls_after_stop(), 12U) << group_objective_name(objective) << " allowed " << allowed;
        ++cancelled;
      }
    }
    EXPECT_GE(cancelled, 5) << group_objective_name(objective);
  }
}

TEST(GroupFair, StopRequestedBeforeTheCallRunsNothing) {
  std::size_t p = 0;
  const PlanInstance instance = two_group_pmed1(p);
  GroupFairOptions options;
  options.p = p;
  test::StopAfterPolls sink(0);
  try {
    (void)solve_group_fair(instance, options, sink);
    ADD_FAILURE() << "no Error(Cancelled)";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::Cancelled);
  }
  EXPECT_EQ(sink.polls(), 1U);  // the reference p-median's first question
}

}  // namespace
}  // namespace equalis::plan

namespace equalis::plan {
namespace {

// Regression: the coverage MIP gave clients outside the focus groups a coefficient in row −1, and CBC
// aborted the process (CoinPackedMatrix assertion) — plan fair --objective coverage --focus-groups.
TEST(GroupFair, CoverageOverFocusGroupsSolvesTheMip) {
  GroupFairOptions options;
  options.objective = GroupObjective::Coverage;
  options.p = 1;
  options.radius = 3.0;
  options.focus_groups = {1};  // poor: within 3 of B only (cost 2)
  const GroupFairResult result = solve_group_fair(two_groups(), options);
  EXPECT_EQ(result.plan.open, (std::vector<std::uint32_t>{1}));
  EXPECT_DOUBLE_EQ(result.plan.objective, 1.0);
  EXPECT_EQ(result.bound_method, "cbc");
}

}  // namespace
}  // namespace equalis::plan
