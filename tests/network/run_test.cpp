// The network jobs called as a study runner or a binding would: request -> entry function -> result,
// without the CLI, on the bundled Monaco extract; the numbers are those of the golden outputs.

#include "network/run.hpp"

#include "test_support.hpp"

#include "core/error.hpp"
#include "io/matrix_file.hpp"
#include "network/network_test_data.hpp"
#include "report/network_report.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

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

// A caller that names an input as the output (a server's request, a typo) gets an error before any
// work, and the input is left as it was.
TEST_F(RunNetwork, BuildRefusesToWriteOverItsInput) {
  const std::string copy = testing::temp_path("run_speeds.csv");
  std::ofstream(copy) << "highway,speed_kmh\nresidential,20\n";
  BuildRequest request;
  request.osm = testing::kMonaco;
  request.speeds = copy;
  request.output = copy;
  const auto size = std::filesystem::file_size(copy);
  const Error error = test_support::error_of([&] { (void)run_build(request); });
  EXPECT_EQ(error.code(), ErrorCode::InvalidInput);
  EXPECT_NE(error.message().find("is also an input"), std::string::npos) << error.message();
  EXPECT_EQ(std::filesystem::file_size(copy), size);
  std::filesystem::remove(copy);
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
  EXPECT_EQ(csv.substr(0, csv.find('\n', 29) + 1), "from_id,to_id,travel_time_s\nh0_0,palace,147.371\n");

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

// A sink that asks to stop at once (Ctrl-C) and keeps the warnings.
class StoppingSink : public ProgressSink {
 public:
  explicit StoppingSink(bool stop) : stop_(stop) {}
  void log(LogLevel level, std::string_view message) override {
    if (level == LogLevel::Warning) warnings.emplace_back(message);
  }
  [[nodiscard]] bool stop_requested() const override { return stop_; }
  std::vector<std::string> warnings;

 private:
  bool stop_;
};

// Regression (hardening issue): Ctrl-C was ignored by `network isochrone`, which wrote its files anyway.
TEST_F(RunNetwork, IsochroneStopsWhenAskedTo) {
  StoppingSink stop(true);
  try {
    (void)run_isochrone({.graph = graph_path_, .lon = 7.42, .lat = 43.7313, .max_time = 600}, stop);
    FAIL() << "expected Cancelled";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Cancelled);
  }
}

// Regression: `--buffer 1e9` ended in a PROJ failure (exit 70); `--max-time 10` reaching one node passed
// without a word although the user almost certainly meant minutes.
TEST_F(RunNetwork, IsochroneRefusesAHugeBufferAndWarnsOnATinyBudget) {
  IsochroneRequest request{.graph = graph_path_, .lon = 7.42, .lat = 43.7313, .max_time = 10};
  request.buffer = 1e9;
  try {
    (void)run_isochrone(request);
    FAIL() << "expected InvalidInput";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidInput);
    EXPECT_NE(std::string(e.what()).find("`buffer`"), std::string::npos) << e.what();
  }
  request.buffer = 100.0;
  StoppingSink sink(false);
  const IsochroneResult result = run_isochrone(request, sink);
  EXPECT_LE(result.isochrone.nodes.size(), 5U);
  ASSERT_EQ(sink.warnings.size(), 1U);
  EXPECT_NE(sink.warnings[0].find("in seconds"), std::string::npos) << sink.warnings[0];
}

TEST(RunPois, ExtractsTheGoldenPointsOfInterest) {
  const PoisResult result = run_pois({.osm = testing::kMonaco, .tags = "amenity=hospital,school,pharmacy"});
  ASSERT_EQ(result.pois.size(), 44U);  // golden network_pois.csv: 44 rows under the header
  EXPECT_EQ(result.pois.front().id(), "n25237989");
}

}  // namespace
}  // namespace equalis::network
