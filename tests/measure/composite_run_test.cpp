// The composite index called as a study runner or a binding would: CompositeRequest -> run_composite,
// without the CLI, on the bundled UN E-Government data; the figures are those of the golden output.

#include "measure/composite_run.hpp"

#include "core/error.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace equalis::measure {
namespace {

// As tests/golden/cases/measure_composite_json.case.
CompositeRequest egdi_request() {
  CompositeRequest request;
  request.file = std::string(EQUALIS_TEST_DATA_DIR) + "/un_egdi/egdi_2022.csv";
  request.indicators = {{"Online Service Index", Direction::Benefit},
                        {"Human Capital Index", Direction::Benefit},
                        {"Telecommunication Infrastructure Index", Direction::Benefit}};
  request.id = "Country Name";
  request.weighting = "entropy";
  return request;
}

TEST(RunComposite, EntropyWeightsAndScoresEqualTheGoldenOutput) {
  const CompositeResult result = run_composite(egdi_request());
  ASSERT_EQ(result.ids.size(), 193U);  // golden measure_composite.json: result.n
  EXPECT_EQ(result.normalization, "minmax");
  // result.weights[0].weight
  EXPECT_NEAR(result.weights[0], 0.39251046335119205, 1e-15);
  EXPECT_NEAR(result.weights[1], 0.1749577522882705, 1e-15);
  const auto iraq = std::find(result.ids.begin(), result.ids.end(), "Iraq ");
  ASSERT_NE(iraq, result.ids.end());
  const auto unit = static_cast<std::size_t>(iraq - result.ids.begin());
  EXPECT_NEAR(result.scores[unit], 0.40883206104359476, 1e-14);  // result.units: Iraq
  EXPECT_EQ(result.ranks[unit], 144U);
}

TEST(RunComposite, ChecksExplicitWeightsAgainstTheIndicators) {
  CompositeRequest request = egdi_request();
  request.weighting = "explicit";
  request.weights = {1.0, 2.0};
  try {
    static_cast<void>(run_composite(request));
    ADD_FAILURE() << "two weights for three indicators were accepted";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::InvalidInput);
    EXPECT_NE(std::string(error.what()).find("`weights` gives 2 weights for 3 indicators"), std::string::npos)
        << error.what();
  }
}

}  // namespace
}  // namespace equalis::measure
