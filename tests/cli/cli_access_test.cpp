// `equalis access` as a user runs it: the Belo Horizonte data, the two outputs written together, and
// the exit codes of bad input.

#include "cli_run.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <set>

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

// Help channels with capacities and a joint table of abilities, from the command line: the JSON names
// what each site served, the summary CSV carries the same, and flags that make no sense alone are refused.
TEST(CliAccess, OutreachAndAssistedCapacitiesAndJointAbilities) {
  const auto zones = write_temp("help_zones.csv", "id,population,pop_60plus\nA,100,60\nB,300,30\n");
  const auto offices = write_temp("help_offices.csv", "id,capacity\nX,5\n");
  const auto assisted = write_temp("help_assisted.csv", "id,capacity\nS,40\n");
  const auto outreach = write_temp("help_outreach.csv", "id,capacity\nO,10\n");
  const auto matrix =
      write_temp("help_matrix.csv", "from,to,cost\nA,X,5\nB,X,40\nB,S,10\nA,S,45\nB,O,20\nA,O,50\n");
  const auto profiles = write_temp(
      "help_profiles.csv", "group,coverage,device,online_skill,terminal_skill,phone\nall,1,0.8,0.9,1,1\n");
  const auto joint = write_temp(
      "help_joint.csv", "group,online,terminal,phone,share\npop_60plus,1,0,0,0.3\npop_60plus,0,0,0,0.7\n");
  const auto summary = write_temp("help_summary.csv", "");
  const std::string base = fmt::format(
      "access {} --facilities {} --matrix {} --cost-unit minutes -m closest --group-columns pop_60plus "
      "--standard 30min --digital-profiles {} ",
      zones, offices, matrix, profiles);
  auto r =
      run(base + fmt::format("--channels in-person,online,assisted,outreach --assisted {} --outreach {} "
                             "--outreach-reach 1h --joint-abilities {} --format json --summary-output {}",
                             assisted, outreach, joint, summary));
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const auto json = nlohmann::json::parse(r.out);
  const auto& channels = json["channels"];
  EXPECT_EQ(channels["outreach_reach"], 60.0);
  EXPECT_EQ(channels["joint_groups"], nlohmann::json::array({"pop_60plus"}));
  EXPECT_NEAR(channels["help"]["assisted"]["sites"][0]["people_served"].get<double>(), 40.0, 1e-9);
  EXPECT_NEAR(channels["help"]["outreach"]["sites"][0]["people_served"].get<double>(), 10.0, 1e-9);
  EXPECT_NEAR(channels["groups"][0]["excluded"].get<double>(), 34.0, 1e-9);
  const std::string text = read_text(summary);
  EXPECT_NE(text.find("help_outreach,,O,people_served,10,people"), std::string::npos) << text;
  EXPECT_NE(text.find("help_assisted,,S,capacity,40,people"), std::string::npos) << text;
  r = run(base + "--channels in-person,online --outreach-reach 1h");
  EXPECT_EQ(r.exit_status, 2) << r.err;
  EXPECT_NE(r.err.find("--outreach"), std::string::npos) << r.err;
  r = run(base +
          fmt::format(
              "--channels in-person,online,outreach --outreach {} --joint-abilities {}", outreach,
              write_temp("help_bad_joint.csv", "group,online,terminal,phone,share\npop_60plus,1,0,0,0.3\n")));
  EXPECT_EQ(r.exit_status, 2) << r.err;
  EXPECT_NE(r.err.find("add to 0.3"), std::string::npos) << r.err;
  for (const auto& path : {zones, offices, assisted, outreach, matrix, profiles, joint, summary})
    std::filesystem::remove(path);
}

// The cells of a CSV text (commas and line ends split them; the test data has no quoted cells).
std::set<std::string> cells_of(const std::string& csv) {
  std::set<std::string> cells;
  std::string cell;
  for (const char c : csv) {
    if (c == ',' || c == '\n') {
      cells.insert(cell);
      cell.clear();
    } else {
      cell += c;
    }
  }
  return cells;
}

// Every scalar under `value` is a cell of `cells` (numbers as the CSV writes them; null: an empty cell).
void expect_in_csv(const nlohmann::json& value, const std::set<std::string>& cells, const std::string& path) {
  if (value.is_structured()) {
    for (const auto& [key, item] : value.items()) {
      // Derived or named elsewhere: share_without = people_without / people; the coverage order is the
      // summary row coverage/order_by_<order>.
      if (key == "share_without" || key == "order") continue;
      expect_in_csv(item, cells, path + "/" + key);
    }
    return;
  }
  std::string text;
  if (value.is_number()) text = fmt::format("{}", value.get<double>());
  if (value.is_string()) text = value.get<std::string>();
  if (value.is_boolean()) text = value.get<bool>() ? "1" : "0";
  EXPECT_TRUE(cells.count(text) > 0) << path << " = " << value.dump() << " is not in the CSV";
}

// Capacity-limited coverage, RAAM and missing access through the command line: every figure of the JSON
// is in the CSV pair (the zone table and the summary), a zone with nothing in reach is null / empty.
TEST(CliAccess, CoverageRaamAndMissingAccessCarryTheSameFiguresInJsonAndCsv) {
  const auto zones = write_temp("access_cov_zones.csv", "id,population,pop_60plus\nA,100,60\nB,300,30\n");
  const auto facilities = write_temp("access_cov_facilities.csv", "id,capacity\nX,10\nY,20\n");
  const auto matrix =
      write_temp("access_cov_matrix.csv", "from,to,cost\nA,X,300\nA,Y,1200\nB,X,900\nB,Y,480\n");
  const auto summary = write_temp("access_cov_summary.csv", "");
  const std::string command = fmt::format(
      "access {} --facilities {} --matrix {} --cost-unit seconds --group-columns pop_60plus -m "
      "coverage=30min "
      "-m coverage=30min,order=capacity-asc -m raam=10min,max_cycles=400 -m cumulative=6min --no-access "
      "missing",
      zones, facilities, matrix);
  const auto json_run = run(command + " --format json");
  ASSERT_EQ(json_run.exit_status, 0) << json_run.err;
  const auto json = nlohmann::json::parse(json_run.out);
  EXPECT_EQ(json["options"]["no_access"], "missing");
  const auto& coverage = json["measures"][0]["coverage"];
  EXPECT_EQ(coverage["order"], "capacity");
  EXPECT_EQ(coverage["facilities"][0]["id"], "Y");  // the larger first
  EXPECT_EQ(coverage["facilities"][0]["people_covered"], 20.0);
  EXPECT_EQ(coverage["groups"][1]["people_covered"], 8.0);  // 60 · 10 % + 30 · 20/300
  EXPECT_TRUE(json["zones"][1]["access"]["cumulative_360"].is_null());
  EXPECT_EQ(json["measures"][3]["zones_without_access"], 1);
  const auto csv_run = run(command + " --format csv --summary-output " + summary);
  ASSERT_EQ(csv_run.exit_status, 0) << csv_run.err;
  EXPECT_NE(csv_run.out.find("coverage_1800_people_covered,coverage_1800_people_uncovered"),
            std::string::npos)
      << csv_run.out;
  // B has no value for cumulative_360: an empty cell, never "nan".
  EXPECT_EQ(csv_run.out.find("nan"), std::string::npos) << csv_run.out;
  const auto cells = cells_of(csv_run.out + read_text(summary));
  EXPECT_EQ(cells.count("order_by_capacity"), 1U);
  EXPECT_EQ(cells.count("order_by_capacity-asc"), 1U);
  for (const auto& measure : json["measures"]) {
    for (const char* section : {"coverage", "raam", "groups", "zones_without_access"}) {
      if (measure.contains(section))
        expect_in_csv(measure[section], cells, measure["key"].get<std::string>());
    }
  }
  for (const auto& zone : json["zones"]) {
    expect_in_csv(zone["access"], cells, "access");
    expect_in_csv(zone["coverage"], cells, "coverage");
  }
  // A bad value for the new flags is refused with the documented usage status (CLI11's invalid value).
  const auto bad = run(command + " --no-access nothing");
  EXPECT_EQ(bad.exit_status, 105) << bad.err;
  EXPECT_NE(bad.err.find("--no-access"), std::string::npos) << bad.err;
  for (const auto& path : {zones, facilities, matrix, summary}) std::filesystem::remove(path);
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
  r = run(fmt::format("network matrix --graph {} --origins {} --destinations {} -o {}", graph, zones,
                      facilities, matrix));
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const std::string measures =
      "-m closest -m cumulative=10min -m 2sfca=linear:30min --standard 15min --format csv";
  const auto by_graph =
      run(fmt::format("access {} --facilities {} --graph {} {}", zones, facilities, graph, measures));
  ASSERT_EQ(by_graph.exit_status, 0) << by_graph.err;
  const auto by_matrix = run(fmt::format("access {} --facilities {} --matrix {} --cost-unit seconds {}",
                                         zones, facilities, matrix, measures));
  ASSERT_EQ(by_matrix.exit_status, 0) << by_matrix.err;
  EXPECT_EQ(by_graph.out, by_matrix.out);
  EXPECT_EQ(by_graph.out.rfind("zone,group,people,nearest_cost_seconds,", 0), 0U) << by_graph.out;
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
