#include "plan/equity.hpp"

#include "plan_test_util.hpp"

#include "core/error.hpp"
#include "core/random.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace equalis::plan {
namespace {

// Random instance: n clients (demand 1–5) and m sites in the unit square scaled to 0–100, cost =
// Euclidean distance (fractional, so no integral-data shortcut applies).
PlanInstance random_points(Rng& rng, std::size_t n, std::size_t m) {
  const auto coordinate = [&rng] { return static_cast<double>(rng.uniform_index(10000)) / 100.0; };
  std::vector<std::pair<double, double>> sites(m);
  for (auto& site : sites) site = {coordinate(), coordinate()};
  CostMatrix cost(n, m);
  std::vector<double> demand(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double x = coordinate();
    const double y = coordinate();
    for (std::size_t j = 0; j < m; ++j) {
      cost.at(i, j) = static_cast<float>(std::hypot(x - sites[j].first, y - sites[j].second));
    }
    demand[i] = static_cast<double>(1 + rng.uniform_index(5));
  }
  PlanInstance instance = make_instance(std::move(cost));
  instance.demand = std::move(demand);
  return instance;
}

// The smallest Kolm–Pollak EDE over every p-subset of the sites.
double brute_force_ede(const PlanInstance& instance, std::size_t p, double kappa) {
  double best = std::numeric_limits<double>::infinity();
  test::for_each_plan(instance, p, std::nullopt, [&](const std::vector<std::uint32_t>& open) {
    best = std::min(best, kolm_pollak_ede(instance, evaluate_plan(instance, open), kappa));
  });
  return best;
}

TEST(KolmPollak, EdeOfEqualCostsIsTheCost) {
  PlanInstance instance = test::line_instance();
  const Evaluation evaluation = evaluate_plan(instance, std::vector<std::uint32_t>{2});
  // Costs 5, 4, 0, 1, 15: the EDE lies between the mean (5) and the maximum (15), rising with κ.
  const double low = kolm_pollak_ede(instance, evaluation, 0.01);
  const double high = kolm_pollak_ede(instance, evaluation, 10.0);
  EXPECT_DOUBLE_EQ(kolm_pollak_ede(instance, evaluation, 0.0), 5.0);
  EXPECT_GT(low, 5.0);
  EXPECT_LT(low, high);
  EXPECT_LT(high, 15.0);
  EXPECT_GT(high, 14.8);
  // κ = 1000 would overflow e^{κ c} without the shift.
  EXPECT_NEAR(kolm_pollak_ede(instance, evaluation, 1000.0), 15.0, 0.01);
}

TEST(KolmPollak, RefusesAversionsItCannotCompute) {
  PMedianOptions options;
  options.p = 1;
  EXPECT_THROW((void)solve_kolm_pollak(test::line_instance(), options, -1.0), Error);
  EXPECT_THROW((void)solve_kolm_pollak(test::line_instance(), options, 1e308), Error);  // was a null EDE
  EXPECT_NO_THROW((void)solve_kolm_pollak(test::line_instance(), options, kMaxAversion));
}

// Regression: at a high aversion the old transform e^{κc} − 1 was capped at e^{80}, so every cost beyond
// 80/κ looked the same: the plan lost to brute force, and the p-median status of the capped problem
// ("optimal") was reported with an 85 % gap on the EDE. Now the returned plan is the brute-force optimum
// whenever the status says so, and the bound never exceeds that optimum.
TEST(KolmPollak, MatchesBruteForceAtEveryAversion) {
  int proven = 0;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    for (const double aversion : {0.0, 0.5, 2.0, 50.0, 200.0, 1000.0}) {
      Rng rng(seed);
      const std::size_t n = 10 + rng.uniform_index(3);
      const std::size_t m = 5 + rng.uniform_index(2);
      const std::size_t p = 2 + rng.uniform_index(2);
      const PlanInstance instance = random_points(rng, n, m);
      PMedianOptions options;
      options.p = p;
      options.time_limit_seconds = 20;
      const FairResult result = solve_kolm_pollak(instance, options, aversion);
      SCOPED_TRACE(::testing::Message() << "seed " << seed << ", aversion " << aversion << ", n " << n
                                        << ", m " << m << ", p " << p);
      const double optimum = brute_force_ede(instance, p, result.kappa);
      const double tolerance = 1e-6 * optimum;
      const PlanSolution& plan = result.plan;
      ASSERT_EQ(plan.open.size(), p);
      EXPECT_NEAR(plan.objective, kolm_pollak_ede(instance, evaluate_plan(instance, plan.open), result.kappa),
                  tolerance);
      EXPECT_GE(plan.objective, optimum - tolerance);
      ASSERT_TRUE(plan.lower_bound.has_value());
      EXPECT_LE(*plan.lower_bound, optimum + tolerance);
      ASSERT_TRUE(plan.gap.has_value());
      EXPECT_NEAR(*plan.gap, (plan.objective - *plan.lower_bound) / plan.objective, 1e-9);
      if (plan.status == SolveStatus::Optimal) {
        ++proven;
        EXPECT_NEAR(plan.objective, optimum, tolerance);
      } else if (plan.status == SolveStatus::GapClosed) {
        ++proven;
        EXPECT_LE(*plan.gap, options.target_gap);
        EXPECT_LE(plan.objective, optimum * (1.0 + options.target_gap) + tolerance);
      } else {
        EXPECT_EQ(plan.status, SolveStatus::GapNotClosed);
        EXPECT_GT(*plan.gap, options.target_gap);
      }
    }
  }
  // Small instances are proven (the transformed p-median is solved exactly by branch-and-bound).
  EXPECT_EQ(proven, 120);
}

}  // namespace
}  // namespace equalis::plan
