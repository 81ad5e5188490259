// `equalis network …` end to end: PBF -> graph file -> matrix in two commands, POIs, isochrones, and the
// bad inputs of issue 3 (exit status, message naming the file, no output file left behind).

#include "cli_run.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace {

using equalis::cli_test::run;
using equalis::cli_test::RunResult;

std::string temp(const std::string& name) {
  return (std::filesystem::temp_directory_path() / fmt::format("equalis_cli_net_{}_{}", ::getpid(), name))
      .string();
}

std::string write(const std::string& name, const std::string& content) {
  const std::string path = temp(name);
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

const std::string kMonaco = std::string(EQUALIS_TEST_DATA_DIR) + "/osm/monaco.osm.pbf";

// One graph file for the whole suite.
const std::string& monaco_graph() {
  static const std::string path = [] {
    const std::string graph = temp("monaco.eqg");
    const RunResult r = run(fmt::format("network build --osm {} --profile car -o {}", kMonaco, graph));
    EXPECT_EQ(r.exit_status, 0) << r.err;
    return graph;
  }();
  return path;
}

TEST(CliNetwork, BuildReportsTheMonacoGraph) {
  const std::string graph = temp("build.eqg");
  const RunResult r = run(fmt::format("network build --osm {} -o {}", kMonaco, graph));
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const auto json = nlohmann::json::parse(r.out);
  EXPECT_EQ(json["equalis"]["command"], "network build");
  EXPECT_EQ(json["result"]["nodes"], 12373);
  EXPECT_EQ(json["result"]["arcs"], 21671);
  EXPECT_GT(json["result"]["dropped"]["nodes"].get<int>(), 0);
  EXPECT_TRUE(std::filesystem::exists(graph));
  std::filesystem::remove(graph);
}

TEST(CliNetwork, TwoCommandsFromPbfToMatrix) {
  const std::string origins = write("o.csv", "id,lon,lat\npalace,7.4200,43.7313\ncasino,7.4278,43.7396\n");
  const std::string destinations = write(
      "d.csv", "id,lon,lat\nport,7.4225,43.7351\n\"far, east\",7.4900,43.7700\npalace,7.4200,43.7313\n");
  const std::string out = temp("m.csv");
  const RunResult r = run(fmt::format("network matrix --graph {} --origins {} --destinations {} -o {}",
                                      monaco_graph(), origins, destinations, out));
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const std::string csv = read(out);
  std::istringstream lines(csv);
  std::string line;
  std::getline(lines, line);
  EXPECT_EQ(line, "from_id,to_id,travel_time_s");
  std::map<std::string, double> times;
  while (std::getline(lines, line)) {
    const auto last = line.rfind(',');
    times[line.substr(0, last)] = std::stod(line.substr(last + 1));
  }
  EXPECT_EQ(times.size(), 6U);
  EXPECT_EQ(times.at("palace,palace"), 0.0);
  EXPECT_GT(times.at("casino,palace"), 30.0);
  EXPECT_GT(times.at("palace,\"far, east\""), times.at("palace,port"));
  // A 3-minute catchment drops the far pair; --keep-unreachable writes it with an empty time.
  const RunResult cut =
      run(fmt::format("network matrix --graph {} --origins {} --destinations {} --max-time 180 "
                      "--keep-unreachable",
                      monaco_graph(), origins, destinations));
  ASSERT_EQ(cut.exit_status, 0) << cut.err;
  EXPECT_NE(cut.out.find("palace,\"far, east\",\n"), std::string::npos) << cut.out;
  const RunResult omitted =
      run(fmt::format("network matrix --graph {} --origins {} --destinations {} --max-time 180",
                      monaco_graph(), origins, destinations));
  EXPECT_EQ(omitted.out.find("far, east"), std::string::npos);
  for (const auto& p : {origins, destinations, out}) std::filesystem::remove(p);
}

TEST(CliNetwork, BinaryMatrixHasHeaderIdsAndMilliseconds) {
  const std::string places = write("b.csv", "id,lon,lat\na,7.4200,43.7313\nb,7.4278,43.7396\n");
  const std::string out = temp("m.bin");
  const RunResult r =
      run(fmt::format("network matrix --graph {} --origins {} --destinations {} --format binary -o {}",
                      monaco_graph(), places, places, out));
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const std::string bytes = read(out);
  ASSERT_EQ(bytes.size(), 8U + 4 + 4 + 8 + 8 + 4 * (4 + 1) + 4 * 4);
  EXPECT_EQ(bytes.substr(0, 8), "EQMATRX1");
  std::uint32_t diagonal = 1;
  std::memcpy(&diagonal, bytes.data() + bytes.size() - 16, 4);
  EXPECT_EQ(diagonal, 0U);
  const RunResult no_file =
      run(fmt::format("network matrix --graph {} --origins {} --destinations {} --format binary",
                      monaco_graph(), places, places));
  EXPECT_EQ(no_file.exit_status, 2);
  for (const auto& p : {places, out}) std::filesystem::remove(p);
}

TEST(CliNetwork, PoisThenIsochrone) {
  const std::string pois = temp("pois.csv");
  const RunResult r =
      run(fmt::format("network pois --osm {} --tags amenity=hospital,townhall -o {}", kMonaco, pois));
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const std::string csv = read(pois);
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "id,osm_type,osm_id,tag,name,lon,lat");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 11);  // header + 5 hospitals + 5 town halls
  const std::string geojson = temp("iso.geojson");
  const RunResult iso =
      run(fmt::format("network isochrone --graph {} --lon 7.42 --lat 43.7313 --max-time 120 --geojson {}",
                      monaco_graph(), geojson));
  ASSERT_EQ(iso.exit_status, 0) << iso.err;
  const auto json = nlohmann::json::parse(iso.out);
  EXPECT_GT(json["result"]["reachable_nodes"].get<int>(), 10);
  EXPECT_EQ(json["result"]["outline"]["geometry"]["type"], "Polygon");
  const auto ring = json["result"]["outline"]["geometry"]["coordinates"][0];
  EXPECT_EQ(ring.front(), ring.back());
  EXPECT_EQ(json["result"]["outline_method"], "network_buffer");
  EXPECT_EQ(json["result"]["outline"]["properties"]["buffer_m"], 100.0);
  const double network_area = json["result"]["area_m2"].get<double>();
  EXPECT_GT(network_area, 0.0);
  EXPECT_EQ(nlohmann::json::parse(read(geojson))["type"], "FeatureCollection");
  // The convex hull stays available; a wider buffer gives a larger area; a zero buffer is refused.
  const RunResult hull = run(fmt::format(
      "network isochrone --graph {} --lon 7.42 --lat 43.7313 --max-time 120 --outline hull", monaco_graph()));
  ASSERT_EQ(hull.exit_status, 0) << hull.err;
  const auto hull_json = nlohmann::json::parse(hull.out);
  EXPECT_EQ(hull_json["result"]["outline_method"], "convex_hull");
  EXPECT_EQ(hull_json["result"]["outline"]["geometry"]["type"], "Polygon");
  EXPECT_EQ(hull_json["result"]["reachable_nodes"], json["result"]["reachable_nodes"]);
  const RunResult wide = run(fmt::format(
      "network isochrone --graph {} --lon 7.42 --lat 43.7313 --max-time 120 --buffer 250", monaco_graph()));
  ASSERT_EQ(wide.exit_status, 0) << wide.err;
  EXPECT_GT(nlohmann::json::parse(wide.out)["result"]["area_m2"].get<double>(), network_area);
  const RunResult zero = run(fmt::format(
      "network isochrone --graph {} --lon 7.42 --lat 43.7313 --max-time 120 --buffer 0", monaco_graph()));
  EXPECT_NE(zero.exit_status, 0);
  for (const auto& p : {pois, geojson}) std::filesystem::remove(p);
}

TEST(CliNetwork, BadInputsFailCleanlyWithoutOutput) {
  const std::string out = temp("never.csv");
  // Duplicate ids: file:line:column.
  const std::string dup = write("dup.csv", "id,lon,lat\na,7.42,43.73\nb,7.43,43.74\na,7.41,43.72\n");
  RunResult r = run(fmt::format("network matrix --graph {} --origins {} --destinations {} -o {}",
                                monaco_graph(), dup, dup, out));
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_NE(r.err.find(dup + ":4:1: id 'a' appears twice (first at line 2)"), std::string::npos) << r.err;
  // Origins outside the graph are named.
  const std::string sea = write("sea.csv", "id,lon,lat\nok,7.42,43.7313\nboat,7.42,43.60\n");
  r = run(fmt::format("network matrix --graph {} --origins {} --destinations {} -o {}", monaco_graph(), sea,
                      sea, out));
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_NE(r.err.find("boat"), std::string::npos) << r.err;
  // A graph file from another version.
  std::string bytes = read(monaco_graph());
  bytes[8] = 9;
  const std::string old = write("old.eqg", bytes);
  r = run(fmt::format("network matrix --graph {} --origins {} --destinations {} -o {}", old, sea, sea, out));
  EXPECT_EQ(r.exit_status, 6);
  EXPECT_NE(r.err.find("format version 9"), std::string::npos) << r.err;
  // Truncated PBF, not OSM, no drivable roads: build fails and leaves no graph file.
  const std::string pbf = read(kMonaco);
  const std::string truncated = write("cut.osm.pbf", pbf.substr(0, pbf.size() / 2));
  const std::string graph = temp("never.eqg");
  r = run(fmt::format("network build --osm {} -o {}", truncated, graph));
  EXPECT_EQ(r.exit_status, 3);
  EXPECT_NE(r.err.find(truncated), std::string::npos) << r.err;
  const std::string text = write("text.osm", "not xml at all");
  r = run(fmt::format("network build --osm {} -o {}", text, graph));
  EXPECT_EQ(r.exit_status, 3);
  const std::string footways = write(
      "foot.osm",
      R"(<?xml version="1.0"?><osm version="0.6"><node id="1" lat="1" lon="1"/><node id="2" lat="1.001" lon="1"/>)"
      R"(<way id="1"><nd ref="1"/><nd ref="2"/><tag k="highway" v="footway"/></way></osm>)");
  r = run(fmt::format("network build --osm {} -o {}", footways, graph));
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_NE(r.err.find("no way usable by the car profile"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_FALSE(std::filesystem::exists(graph));
  for (const auto& p : {dup, sea, old, truncated, text, footways}) std::filesystem::remove(p);
}

}  // namespace
