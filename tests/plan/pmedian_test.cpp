#include "plan/pmedian.hpp"

#include "plan_test_util.hpp"

#include "core/error.hpp"
#include "core/random.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>

namespace equalis::plan {
namespace {

// Clients and sites on a line at 0, 1, 5, 6; cost = distance.
PlanInstance line_instance(std::vector<double> weights) {
  const std::vector<double> x{0, 1, 5, 6};
  CostMatrix cost(4, 4);
  for (std::size_t i = 0; i < 4; ++i) {
    for (std::size_t j = 0; j < 4; ++j) cost.at(i, j) = static_cast<float>(std::abs(x[i] - x[j]));
  }
  PlanInstance instance = make_instance(std::move(cost));
  instance.demand = std::move(weights);
  return instance;
}

TEST(PMedian, HandWorkedLine) {
  // Weights 1, 3, 2, 1: open 1 (client at 0 pays 1×1) and 5 (client at 6 pays 1×1): objective 2.
  // Any other pair costs more (e.g. {0, 5}: client at 1 pays 3×1 = 3).
  PMedianOptions options;
  options.p = 2;
  const PlanSolution solution = solve_pmedian(line_instance({1, 3, 2, 1}), options);
  EXPECT_EQ(solution.status, SolveStatus::Optimal);
  EXPECT_EQ(solution.open, (std::vector<std::uint32_t>{1, 2}));
  EXPECT_DOUBLE_EQ(solution.objective, 2.0);
  EXPECT_DOUBLE_EQ(solution.lower_bound.value(), 2.0);
  EXPECT_EQ(solution.assignment, (std::vector<std::uint32_t>{1, 1, 2, 2}));
}

TEST(PMedian, ExistingSiteStaysOpen) {
  // Site 3 (at 6) is existing; one new site: best is 1 (objective 1×1 + 2×1 = 3).
  PlanInstance instance = line_instance({1, 3, 2, 1});
  instance.fixed_open = {3};
  PMedianOptions options;
  options.p = 1;
  const PlanSolution solution = solve_pmedian(instance, options);
  EXPECT_EQ(solution.open, (std::vector<std::uint32_t>{1, 3}));
  EXPECT_DOUBLE_EQ(solution.objective, 3.0);
  EXPECT_EQ(solution.status, SolveStatus::Optimal);
}

TEST(PMedian, TooManySitesIsInfeasibleNotAnException) {
  PMedianOptions options;
  options.p = 5;
  const PlanSolution solution = solve_pmedian(line_instance({1, 1, 1, 1}), options);
  EXPECT_EQ(solution.status, SolveStatus::Infeasible);
  EXPECT_NE(solution.message.find("exceeds"), std::string::npos);
  options.p = 0;
  EXPECT_EQ(solve_pmedian(line_instance({1, 1, 1, 1}), options).status, SolveStatus::Infeasible);
}

TEST(PMedian, DisconnectedClientsAreReportedUnserved) {
  // Two components {1,2} and {3}; one site cannot serve both.
  const auto orlib = parse_orlib("3 1 1\n1 2 4\n", "split");
  PMedianOptions options;
  options.p = 1;
  const PlanSolution one = solve_pmedian(orlib.instance, options);
  EXPECT_EQ(one.status, SolveStatus::Infeasible);
  EXPECT_EQ(one.unserved_clients, 1U);
  options.p = 2;
  const PlanSolution two = solve_pmedian(orlib.instance, options);
  EXPECT_EQ(two.status, SolveStatus::Optimal);
  EXPECT_DOUBLE_EQ(two.objective, 4.0);
}

TEST(PMedian, ZeroDemandClientsAreIgnored) {
  PMedianOptions options;
  options.p = 1;
  const PlanSolution solution = solve_pmedian(line_instance({0, 0, 0, 1}), options);
  EXPECT_EQ(solution.open, (std::vector<std::uint32_t>{3}));
  EXPECT_DOUBLE_EQ(solution.objective, 0.0);
}

TEST(PMedian, SameSeedSamePlan) {
  const auto orlib = read_orlib(test::orlib_path(6));
  PMedianOptions options;
  options.p = orlib.p;
  options.seed = 7;
  const PlanSolution a = solve_pmedian(orlib.instance, options);
  const PlanSolution b = solve_pmedian(orlib.instance, options);
  EXPECT_EQ(a.open, b.open);
  EXPECT_EQ(a.objective, b.objective);
}

// On random small instances the solver matches exhaustive search, and its bound is below the optimum.
RC_GTEST_PROP(PMedian, MatchesBruteForce, ()) {
  const auto n = *rc::gen::inRange<std::size_t>(1, 12);
  const auto m = *rc::gen::inRange<std::size_t>(1, 9);
  const auto p = *rc::gen::inRange<std::size_t>(1, m + 1);
  const auto seed = *rc::gen::arbitrary<std::uint64_t>();
  Rng rng(seed);
  CostMatrix cost(n, m);
  for (float& c : cost.values) c = static_cast<float>(rng.uniform_index(60));
  PlanInstance instance = make_instance(std::move(cost));
  for (double& w : instance.demand) w = static_cast<double>(rng.uniform_index(5));
  if (m > p && rng.uniform_index(2) == 0)
    instance.fixed_open = {static_cast<std::uint32_t>(rng.uniform_index(m))};
  const std::size_t p_new = p - instance.fixed_open.size();
  if (p_new == 0) return;
  PMedianOptions options;
  options.p = p_new;
  options.seed = seed;
  const PlanSolution solution = solve_pmedian(instance, options);
  const double optimum = test::brute_force_pmedian(instance, p_new);
  RC_ASSERT(std::abs(solution.objective - optimum) < 1e-6);
  RC_ASSERT(solution.lower_bound.value() <= optimum + 1e-6);
  RC_ASSERT(solution.open.size() == p);
}

}  // namespace
}  // namespace equalis::plan

namespace equalis::plan {
namespace {

// Regression: the subgradient rounds asked for Ctrl-C every 64 steps and a branch-and-bound node never
// (400 steps, ~0.5 s on pmed36). Stops in every phase of pmed6's solve end in Error(Cancelled) a few
// polls later.
TEST(PMedian, CtrlCInAnyPhaseEndsPromptlyInCancelled) {
  const OrlibInstance orlib = read_orlib(test::orlib_path(6));
  PMedianOptions options;
  options.p = orlib.p;
  bool completed = false;
  int cancelled = 0;
  for (std::uint64_t allowed = 0; !completed; allowed = allowed * 4 + 1) {
    test::StopAfterPolls sink(allowed);
    try {
      (void)solve_pmedian(orlib.instance, options, sink);
      completed = true;
      EXPECT_LE(sink.polls(), allowed) << "a plan came back after the stop";
    } catch (const Error& error) {
      ASSERT_EQ(error.code(), ErrorCode::Cancelled) << error.what();
      EXPECT_LE(sink.polls_after_stop(), 6U) << "allowed " << allowed;
      ++cancelled;
    }
  }
  EXPECT_GE(cancelled, 4);
}

}  // namespace
}  // namespace equalis::plan
