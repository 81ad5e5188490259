// The network jobs called as a study runner or a binding would: request -> entry function -> result,
// without the CLI, on the bundled Monaco extract; the numbers are those of the golden outputs.

#include "network/run.hpp"

#include "io/matrix_file.hpp"
#include "network/network_test_data.hpp"
#include "report/network_report.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace equalis::network {
namespace {

const std::string kGoldenData = std::string(EQUALIS_TEST_DATA_DIR) + "/../golden/data/";

class RunNetwork : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    graph_path_ = testing::temp_path("run_monaco.eqg");
    BuildRequest request;
    request.osm = testing::kMonaco;
    request.output = graph_path_;
    build_ = run_build(request);
  }
  static void TearDownTestSuite() { std::filesystem::remove(graph_path_); }

  static std::string graph_path_;
  static BuildResult build_;
};

std::string RunNetwork::graph_path_;
BuildResult RunNetwork::build_;

TEST_F(RunNetwork, BuildWritesTheGraphOfTheGoldenOutput) {
  EXPECT_EQ(build_.report.components.nodes_kept, 12373U);  // golden network_build.json: nodes
  EXPECT_EQ(build_.upward_arcs, 21178U);
  EXPECT_TRUE(std::filesystem::exists(graph_path_));
}

TEST_F(RunNetwork, MatrixMatchesTheGoldenCsvAndRoundTripsThroughTheBinaryFile) {
  MatrixRunRequest request;
  request.graph = graph_path_;
  request.origins = kGoldenData + "monaco_demand.csv";
  request.destinations = kGoldenData + "monaco_places.csv";
  const MatrixRunResult result = run_matrix(request);
  EXPECT_EQ(result.profile, "car");
  EXPECT_EQ(result.matrix.at(0, 0), 147371U);  // golden network_matrix.csv: h0_0,palace,147.371
  const std::string csv = report::matrix_csv(result, false);
  EXPECT_EQ(csv.substr(0, csv.find('\n', 27) + 1), "from_id,to_id,travel_time\nh0_0,palace,147.371\n");

  const io::MatrixFile file = io::decode_matrix_file(report::matrix_binary(result), "in memory");
  EXPECT_EQ(file.origin_ids.front(), "h0_0");
  EXPECT_EQ(file.destination_ids.front(), "palace");
  EXPECT_EQ(file.time_ms, result.matrix.time);
}

TEST_F(RunNetwork, IsochroneReachesTheGoldenNodeCount) {
  IsochroneRequest request;
  request.graph = graph_path_;
  request.lon = 7.42;
  request.lat = 43.7313;
  request.max_time = 600;
  const IsochroneResult result = run_isochrone(request);
  EXPECT_EQ(result.origin.node, 2635U);              // golden network_isochrone.json: origin.node
  EXPECT_EQ(result.isochrone.nodes.size(), 10016U);  // reachable_nodes
  EXPECT_NEAR(result.isochrone.outline.area_m2, 17815474.695906296, 1e-3);
}

TEST(RunPois, ExtractsTheGoldenPointsOfInterest) {
  const PoisResult result = run_pois({.osm = testing::kMonaco, .tags = "amenity=hospital,school,pharmacy"});
  ASSERT_EQ(result.pois.size(), 44U);  // golden network_pois.csv: 44 rows under the header
  EXPECT_EQ(result.pois.front().id(), "n25237989");
}

}  // namespace
}  // namespace equalis::network
