// Inequality and convergence called as a study runner or a binding would: request -> entry function ->
// result, without the CLI, on the bundled Mexico example; the figures are those of the golden outputs.

#include "core/error.hpp"
#include "measure/convergence_run.hpp"
#include "measure/inequality_run.hpp"

#include <gtest/gtest.h>

#include <string>

namespace equalis::measure {
namespace {

const std::string kMexico = std::string(EQUALIS_EXAMPLES_DIR) + "/mexico/mexico.csv";

TEST(RunInequality, GiniPerValueColumnEqualsTheGoldenOutput) {
  InequalityRequest request;
  request.file = kMexico;
  request.columns.value_columns = {"pcgdp1940", "pcgdp2000"};
  request.columns.group_column = "hanson98";
  const InequalityResult result = run_inequality(request);
  EXPECT_EQ(result.rows, 32U);
  ASSERT_EQ(result.indicators.size(), 2U);
  EXPECT_EQ(result.indicators[0].indicator, "pcgdp1940");
  // golden measure_inequality.json: results[k].indices.gini
  EXPECT_NEAR(*result.indicators[0].profile.indices.gini, 0.3537237117345285, 1e-15);
  EXPECT_NEAR(*result.indicators[1].profile.indices.gini, 0.2581130824882791, 1e-15);
  EXPECT_TRUE(result.indicators[0].profile.dagum.has_value());
}

TEST(RunInequality, IndexFamiliesSelectTheIndices) {
  InequalityRequest request;
  request.file = kMexico;
  request.columns.value_columns = {"pcgdp1940"};
  request.indices = {"gini"};
  const InequalityResult result = run_inequality(request);
  ASSERT_EQ(result.indicators.size(), 1U);
  EXPECT_TRUE(result.indicators[0].profile.indices.ge.empty());
  EXPECT_FALSE(result.indicators[0].profile.indices.cv.has_value());
  request.indices = {"theil"};
  EXPECT_THROW(static_cast<void>(run_inequality(request)), Error);
}

TEST(RunConvergence, SigmaAndBetaEqualTheGoldenOutput) {
  ConvergenceRequest request;
  request.file = kMexico;
  request.panel.value_columns = {"pcgdp1940", "pcgdp1970", "pcgdp2000"};
  request.panel.group_column = "hanson98";
  const ConvergenceResult result = run_convergence(request);
  EXPECT_EQ(result.panel.unit_ids.size(), 32U);
  ASSERT_EQ(result.report.sigma.gini.size(), 3U);
  // golden measure_convergence.json: result.sigma.gini and result.beta.absolute.beta
  EXPECT_NEAR(result.report.sigma.gini[1], 0.25513356494927303, 1e-15);
  ASSERT_TRUE(result.report.beta_absolute.has_value());
  EXPECT_NEAR(result.report.beta_absolute->beta().estimate, -0.007254802677838517, 1e-15);
  request.bandwidth = "wide";
  EXPECT_THROW(static_cast<void>(run_convergence(request)), Error);
}

}  // namespace
}  // namespace equalis::measure
