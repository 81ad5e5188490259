// Spatial autocorrelation called as a study runner or a binding would: SpatialRequest -> run_spatial,
// without the CLI, on the bundled Mexico states; the figures are those of the golden outputs.

#include "measure/spatial_run.hpp"

#include "core/error.hpp"

#include <gtest/gtest.h>

#include <string>

namespace equalis::measure {
namespace {

const std::string kData = std::string(EQUALIS_TEST_DATA_DIR) + "/mexico/";

// As tests/golden/cases/measure_spatial_polygons_json.case.
SpatialRequest polygons_request() {
  SpatialRequest request;
  request.file = kData + "mexicojoin_attributes_shp_order.csv";
  request.value = {"PCGDP1940"};
  request.id = "POLY_ID";
  request.source = WeightsSource::Polygons;
  request.polygons = kData + "mexicojoin.shp";
  request.polygon_id = "POLY_ID";
  request.local = true;
  request.permutations = 99;
  return request;
}

TEST(RunSpatial, MoransIFromPolygonsEqualsTheGoldenOutput) {
  const SpatialResult result = run_spatial(polygons_request());
  EXPECT_EQ(result.rows, 32U);
  EXPECT_EQ(result.weights.layer, "mexicojoin");
  EXPECT_EQ(result.weights.features, 32U);
  ASSERT_EQ(result.columns.size(), 1U);
  const SpatialColumnResult& column = result.columns.front();
  EXPECT_EQ(column.weights.link_count(), 138U);
  // golden measure_spatial_polygons.json: results[0].global.i and the permutation p-value
  EXPECT_NEAR(column.global.i, 0.11023723904781275, 1e-12);
  ASSERT_TRUE(column.global.permutation.has_value());
  EXPECT_DOUBLE_EQ(column.global.permutation->p_two_sided, 0.2);
  ASSERT_TRUE(column.local.has_value());
  EXPECT_EQ(column.local->n, 32U);
}

TEST(RunSpatial, NamesTheRequestFieldsItMisses) {
  SpatialRequest request = polygons_request();
  request.id.clear();
  try {
    static_cast<void>(run_spatial(request));
    ADD_FAILURE() << "a request without an id column was accepted";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::InvalidInput);
    EXPECT_NE(std::string(error.what()).find("`id`"), std::string::npos) << error.what();
  }
  request = polygons_request();
  request.source = WeightsSource::Knn;
  request.knn = 4;
  EXPECT_THROW(static_cast<void>(run_spatial(request)), Error);  // no `x`, `y`
}

}  // namespace
}  // namespace equalis::measure
