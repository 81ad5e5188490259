// `equalis access` as a user runs it: the Belo Horizonte data, the two outputs written together, and
// the exit codes of bad input.

#include "cli_run.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>

namespace equalis::cli_test {
namespace {

std::string bho_command(const std::string& tail) {
  return fmt::format(
      "access {0} --zone-id idx --facilities {0} --facility-id idx --capacity schools --matrix {1} "
      "--cost-unit minutes {2}",
      data("bho/hexagons.csv"), data("bho/ttm_full.csv.gz"), tail);
}

TEST(CliAccess, CsvIsOneRowPerZoneAndGroupWithTheUnitInTheHeader) {
  const auto zones = write_temp("access_zones.csv", "id,population,pop_60plus\nA,100,60\nB,300,30\n");
  const auto facilities = write_temp("access_facilities.csv", "id,capacity\nX,10\nY,20\n");
  const auto matrix = write_temp("access_matrix.csv", "from,to,cost\nA,X,300\nA,Y,1200\nB,X,900\nB,Y,480\n");
  const auto r =
      run(fmt::format("access {} --facilities {} --matrix {} --cost-unit seconds -m cumulative=10min "
                      "--group-columns pop_60plus --standard 6min --format csv",
                      zones, facilities, matrix));
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_EQ(r.out,
            "zone,group,people,nearest_cost_seconds,beyond_standard,cumulative_600\n"
            "A,all,100,300,0,10\nA,pop_60plus,60,300,0,10\nB,all,300,480,1,20\nB,pop_60plus,30,480,1,20\n");
  // A duration against a matrix whose unit is not said is refused, naming the flag.
  const auto unsaid = run(
      fmt::format("access {} --facilities {} --matrix {} -m cumulative=10min", zones, facilities, matrix));
  EXPECT_EQ(unsaid.exit_status, 2) << unsaid.err;
  EXPECT_NE(unsaid.err.find("--cost-unit"), std::string::npos) << unsaid.err;
  for (const auto& path : {zones, facilities, matrix}) std::filesystem::remove(path);
}

TEST(CliAccess, SummaryAndReportAreWrittenTogetherAndInputsAreNeverOverwritten) {
  const auto dir = std::filesystem::temp_directory_path() / fmt::format("equalis_access_cli_{}", ::getpid());
  std::filesystem::create_directories(dir);
  const auto report = (dir / "report.json").string();
  const auto summary = (dir / "summary.csv").string();
  auto r = run(bho_command(
      fmt::format("-m 2sfca=gaussian:60min --standard 30min -o {} --summary-output {}", report, summary)));
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const auto json = nlohmann::json::parse(read_text(report));
  EXPECT_EQ(json["inputs"]["costs"]["unit"], "minutes");
  EXPECT_EQ(json["zones"].size(), 898U);
  EXPECT_NEAR(json["measures"][0]["capacity_check"].get<double>(), 1.0, 1e-9);
  const std::string summary_text = read_text(summary);
  EXPECT_EQ(summary_text.rfind("section,measure,group,statistic,value,unit\n", 0), 0U);
  EXPECT_NE(summary_text.find("beyond_standard,,all,people_beyond,2593,people"), std::string::npos);
  // A failing run (bad measure) leaves both files as they were.
  r = run(bho_command(fmt::format("-m nosuch -o {} --summary-output {}", report, summary)));
  EXPECT_EQ(r.exit_status, 2) << r.err;
  EXPECT_EQ(read_text(summary), summary_text);
  // -o or --summary-output naming an input is refused before anything is written.
  r = run(bho_command(fmt::format("-m closest --summary-output {}", data("bho/hexagons.csv"))));
  EXPECT_NE(r.exit_status, 0);
  EXPECT_NE(r.err.find("input"), std::string::npos) << r.err;
  std::filesystem::remove_all(dir);
}

TEST(CliAccess, BadInputExitsWithTheDocumentedStatus) {
  const auto dup = write_temp("access_dup.csv", "id,population\nA,1\nA,2\n");
  const auto facilities = write_temp("access_fac2.csv", "id,capacity\nX,1\n");
  const auto matrix = write_temp("access_m2.csv", "from,to,cost\nA,X,1\n");
  auto r = run(fmt::format("access {} --facilities {} --matrix {} -m closest", dup, facilities, matrix));
  EXPECT_EQ(r.exit_status, 2) << r.err;
  EXPECT_NE(r.err.find(":3:"), std::string::npos) << r.err;  // file:line of the repeated id
  r = run(fmt::format("access {} --facilities {} --matrix /nonexistent.csv", dup, facilities));
  EXPECT_EQ(r.exit_status, 4) << r.err;
  r = run(fmt::format("access {} --facilities {} --matrix {} -m 2sfca=cubic:3", dup, facilities, matrix));
  EXPECT_EQ(r.exit_status, 2) << r.err;
  EXPECT_NE(r.err.find("--measure"), std::string::npos) << r.err;
  for (const auto& path : {dup, facilities, matrix}) std::filesystem::remove(path);
}

// The GeoJSON map: one feature per zone with its hexagon and every result; written with the report.
TEST(CliAccess, GeoJsonMapCarriesThePolygonsAndTheResults) {
  const auto dir = std::filesystem::temp_directory_path() / fmt::format("equalis_access_geo_{}", ::getpid());
  std::filesystem::create_directories(dir);
  const auto map = (dir / "zones.geojson").string();
  const auto report = (dir / "report.json").string();
  auto r =
      run(bho_command(fmt::format("-m cumulative=30min --standard 30min --zone-polygons {} --polygon-id idx "
                                  "--geojson {} -o {}",
                                  data("bho/hexagons.geojson"), map, report)));
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const auto geo = nlohmann::json::parse(read_text(map));
  ASSERT_EQ(geo["features"].size(), 898U);
  const auto& first = geo["features"][0];
  EXPECT_EQ(first["geometry"]["type"], "MultiPolygon");
  EXPECT_TRUE(first["properties"].contains("cumulative_30"));
  EXPECT_TRUE(first["properties"].contains("nearest_cost_minutes"));
  EXPECT_TRUE(std::filesystem::exists(report));
  // Without polygons, zones with lon/lat become points.
  r = run(bho_command(fmt::format("-m closest --geojson {}", map)));
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(read_text(map))["features"][0]["geometry"]["type"], "Point");
  std::filesystem::remove_all(dir);
}

// Costs from a graph in process equal the same times through `network matrix` and --matrix.
TEST(CliAccess, GraphCostsEqualTheNetworkMatrixRoute) {
  const auto graph = write_temp("access_monaco.eqg", "");
  auto r = run(fmt::format("network build --osm {} --profile walk -o {}", data("osm/monaco.osm.pbf"), graph));
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const auto zones = write_temp("access_gz.csv",
                                "id,population,lon,lat\nZ1,1000,7.42,43.7313\nZ2,800,7.412,43.73\n"
                                "Z3,500,7.43,43.74\n");
  const auto facilities =
      write_temp("access_gf.csv", "id,capacity,lon,lat\nH1,10,7.419,43.733\nH2,5,7.426,43.738\n");
  const auto matrix = write_temp("access_gm.csv", "");
  const std::string measures =
      "-m closest -m cumulative=10min -m 2sfca=linear:30min --standard 15min --format csv";
  // Snapped to road segments (the default of access) and to nodes (the default of network matrix).
  std::string by_segment;
  for (const std::string snap : {"segment", "node"}) {
    r = run(fmt::format("network matrix --graph {} --origins {} --destinations {} --snap {} -o {}", graph,
                        zones, facilities, snap, matrix));
    ASSERT_EQ(r.exit_status, 0) << r.err;
    const auto by_graph = run(fmt::format("access {} --facilities {} --graph {} {}{}", zones, facilities,
                                          graph, measures, snap == "node" ? " --snap node" : ""));
    ASSERT_EQ(by_graph.exit_status, 0) << by_graph.err;
    const auto by_matrix = run(fmt::format("access {} --facilities {} --matrix {} --cost-unit seconds {}",
                                           zones, facilities, matrix, measures));
    ASSERT_EQ(by_matrix.exit_status, 0) << by_matrix.err;
    EXPECT_EQ(by_graph.out, by_matrix.out) << snap;
    EXPECT_EQ(by_graph.out.rfind("zone,group,people,nearest_cost_seconds,", 0), 0U) << by_graph.out;
    if (snap == "segment") by_segment = by_graph.out;
    if (snap == "node") {
      EXPECT_NE(by_graph.out, by_segment);  // the snapping changes the times
    }
  }
  // A graph's costs are seconds: another unit is refused; places need coordinates.
  r = run(fmt::format("access {} --facilities {} --graph {} --cost-unit minutes -m closest", zones,
                      facilities, graph));
  EXPECT_EQ(r.exit_status, 2) << r.err;
  const auto bare = write_temp("access_bare.csv", "id,population\nZ1,1\n");
  r = run(fmt::format("access {} --facilities {} --graph {} -m closest", bare, facilities, graph));
  EXPECT_EQ(r.exit_status, 2) << r.err;
  EXPECT_NE(r.err.find("longitude"), std::string::npos) << r.err;
  for (const auto& path : {graph, zones, facilities, matrix, bare}) std::filesystem::remove(path);
}

}  // namespace
}  // namespace equalis::cli_test
