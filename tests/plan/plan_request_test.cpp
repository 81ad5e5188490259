// The plan module's one-call entry points, without the CLI: the numbers are those of the golden reports
// (tests/golden/expected/plan_pmedian.json, plan_fair_rawls.json, plan_budget.json).

#include "plan/plan_request.hpp"

#include "core/error.hpp"

#include <gtest/gtest.h>

#include <string>

namespace equalis::plan {
namespace {

const std::string kData = EQUALIS_TEST_DATA_DIR;

PlanRequest belo_horizonte(PlanModel model) {
  PlanRequest request;
  request.model = model;
  request.matrix = kData + "/bho/matrix.csv";
  request.demand = kData + "/bho/demand.csv";
  request.spec.group_column = "income_group";
  request.existing = {"existing"};
  return request;
}

// The message of the Error `request` throws (empty if none).
std::string error_of(const PlanRequest& request) {
  try {
    static_cast<void>(run_plan(request));
  } catch (const Error& error) {
    return error.what();
  }
  return {};
}

TEST(RunPlan, PMedianTakesPFromTheOrLibraryFile) {
  PlanRequest request;
  request.orlib = kData + "/orlib-pmed/pmed1.txt";
  const PlanResult result = run_plan(request);
  EXPECT_EQ(result.p, 5U);
  EXPECT_EQ(result.file, request.orlib);
  EXPECT_EQ(result.solution.status, SolveStatus::Optimal);
  EXPECT_DOUBLE_EQ(result.solution.objective, 5819.0);
  ASSERT_TRUE(result.solution.lower_bound);
  EXPECT_DOUBLE_EQ(*result.solution.lower_bound, 5819.0);
  EXPECT_DOUBLE_EQ(result.evaluation.total_cost, 5819.0);
  ASSERT_EQ(result.groups.size(), 1U);  // OR-Library files have one group
  EXPECT_FALSE(result.kolm_pollak);
  EXPECT_FALSE(result.group_fairness);
  EXPECT_FALSE(failure_of(result.solution.status));
}

TEST(RunPlan, RawlsOnFocusGroupsOfBeloHorizonte) {
  PlanRequest request = belo_horizonte(PlanModel::Fair);
  request.objective = FairObjective::Rawls;
  request.focus_groups = {"Q1", "Q2"};
  request.p = 3;
  const PlanResult result = run_plan(request);
  EXPECT_EQ(result.solution.status, SolveStatus::Optimal);
  EXPECT_NEAR(result.solution.objective, 8.85927009095128, 1e-9);
  std::vector<std::string> open;
  for (const std::uint32_t j : result.solution.open) open.push_back(result.instance.candidate_label(j));
  EXPECT_EQ(open, (std::vector<std::string>{"existing", "h518", "h840", "h102"}));
  ASSERT_TRUE(result.group_fairness);
  EXPECT_EQ(group_fairness_measure(result.group_fairness->objective), "worst_group_mean_cost");
  EXPECT_EQ(result.group_fairness->method, "swap_search");
  EXPECT_NEAR(result.group_fairness->pmedian_objective, 9.23239018427525, 1e-9);
  EXPECT_EQ(result.group_fairness->focus_groups, request.focus_groups);
  EXPECT_FALSE(result.group_fairness->pmedian_groups.empty());
}

TEST(RunPlan, RefusesAnIncompleteRequestNamingTheField) {
  PlanRequest none;
  none.p = 1;
  EXPECT_NE(error_of(none).find("`orlib`, `matrix` or `graph`"), std::string::npos);
  PlanRequest both = belo_horizonte(PlanModel::PMedian);
  both.p = 1;
  both.orlib = kData + "/orlib-pmed/pmed1.txt";
  EXPECT_NE(error_of(both).find("exactly one"), std::string::npos);
  EXPECT_NE(error_of(belo_horizonte(PlanModel::PMedian)).find("needs `p`"), std::string::npos);
  PlanRequest mclp = belo_horizonte(PlanModel::Mclp);
  mclp.p = 1;
  EXPECT_NE(error_of(mclp).find("needs `radius`"), std::string::npos);
  PlanRequest coverage = belo_horizonte(PlanModel::Fair);
  coverage.objective = FairObjective::Coverage;
  coverage.p = 1;
  EXPECT_NE(error_of(coverage).find("needs `radius`"), std::string::npos);
  PlanRequest budget = belo_horizonte(PlanModel::PMedian);
  budget.p = 1;
  budget.budget = 3.0;
  EXPECT_NE(error_of(budget).find("`site_costs`"), std::string::npos);
  PlanRequest road = belo_horizonte(PlanModel::PMedian);
  road.matrix.clear();
  road.graph = kData + "/bho/matrix.csv";  // never read: the missing sites file is refused first
  road.p = 1;
  EXPECT_NE(error_of(road).find("`graph` needs `demand` and `sites`"), std::string::npos);
  PlanRequest focus = belo_horizonte(PlanModel::Fair);
  focus.objective = FairObjective::Rawls;
  focus.p = 1;
  focus.focus_groups = {"Q9"};
  EXPECT_NE(error_of(focus).find("`focus_groups`: no group 'Q9'"), std::string::npos);
}

// The cost unit follows the source unless given; a road network's costs are seconds and nothing else.
TEST(RunPlan, CostUnitOfEverySource) {
  PlanRequest orlib;
  orlib.orlib = kData + "/orlib-pmed/pmed1.txt";
  PlanResult result = run_plan(orlib);
  EXPECT_EQ(result.cost_unit, io::CostUnit::Given);
  EXPECT_EQ(result.cost_unit_text, "the OR-Library file's unit");
  EXPECT_EQ(result.objective_unit, "demand × cost units");
  PlanRequest matrix = belo_horizonte(PlanModel::PCenter);
  matrix.p = 2;
  matrix.cost_unit = io::CostUnit::Minutes;
  result = run_plan(matrix);
  EXPECT_EQ(result.cost_unit_text, "minutes");
  EXPECT_EQ(result.objective_unit, "minutes");
  PlanRequest road = belo_horizonte(PlanModel::PMedian);
  road.matrix.clear();
  road.graph = kData + "/bho/matrix.csv";  // never read: the unit is refused first
  road.sites = road.demand;
  road.p = 1;
  road.cost_unit = io::CostUnit::Metres;
  EXPECT_NE(error_of(road).find("`cost_unit` is metres but `graph` costs are travel times in seconds"),
            std::string::npos);
  for (const io::CostUnit unit :
       {io::CostUnit::Seconds, io::CostUnit::Minutes, io::CostUnit::Metres, io::CostUnit::Given}) {
    EXPECT_EQ(cost_unit_from_name(cost_unit_key(unit)), unit);
  }
  EXPECT_FALSE(cost_unit_from_name("hours"));
}

TEST(RunPlan, ObjectiveNamesRoundTrip) {
  for (const FairObjective objective :
       {FairObjective::KolmPollak, FairObjective::Rawls, FairObjective::Coverage, FairObjective::Gap}) {
    EXPECT_EQ(fair_objective_from_name(fair_objective_name(objective)), objective);
  }
  EXPECT_FALSE(fair_objective_from_name("theil"));
  for (const BudgetObjective objective :
       {BudgetObjective::RaiseMinimum, BudgetObjective::MinimiseDeviation}) {
    EXPECT_EQ(budget_objective_from_name(budget_objective_name(objective)), objective);
  }
}

TEST(RunBudget, RaisesTheMinimumOfTheGoldenRegions) {
  BudgetRequest request;
  request.regions = kData + "/../golden/data/regions.csv";
  request.budget = 60.0;
  const BudgetOutcome outcome = run_budget(request);
  ASSERT_EQ(outcome.regions.size(), 4U);
  EXPECT_EQ(outcome.allocation.status, SolveStatus::Optimal);
  EXPECT_NEAR(outcome.allocation.objective, 27.222222222222225, 1e-6);
  EXPECT_NEAR(outcome.allocation.spent, 60.0, 1e-9);
  request.budget.reset();
  EXPECT_THROW(static_cast<void>(run_budget(request)), Error);
}

}  // namespace
}  // namespace equalis::plan
