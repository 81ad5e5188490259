// `equalis access` as a user runs it: the Belo Horizonte data, the two outputs written together, and
// the exit codes of bad input.

#include "cli_run.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

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

// The worked digital example of a real place (examples/access/guizhou): rural people are the ones left
// without a channel, and the older people lose most if the centres closed.
TEST(CliAccess, GuizhouWorkedDigitalExample) {
  const std::string dir = std::string(EQUALIS_EXAMPLES_DIR) + "/access/";
  const auto r = run(fmt::format(
      "access {0}guizhou/places.csv --facilities {0}guizhou/service_centres.csv --capacity windows "
      "--straight-line 40km/h --detour 1.4 -m closest --standard 60min --group-columns pop_60plus,pop_rural "
      "--channels in-person,online --digital-profiles {0}digital_profiles_cn.csv --format json",
      dir));
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const auto json = nlohmann::json::parse(r.out);
  const auto& groups = json["channels"]["groups"];
  ASSERT_EQ(groups.size(), 3U);
  EXPECT_GT(groups[2]["share_excluded"].get<double>(), 5 * groups[0]["share_excluded"].get<double>());
  EXPECT_GT(groups[1]["share_excluded_if_offices_closed"].get<double>(),
            1.5 * groups[0]["share_excluded_if_offices_closed"].get<double>());
  EXPECT_NE(json["inputs"]["costs"]["source"].get<std::string>().find("straight line"), std::string::npos);
  EXPECT_FALSE(json["warnings"].empty());  // the illustrative figures are said
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

// A CSV table without its last column (cells hold no commas here).
std::string without_last_column(const std::string& csv) {
  std::string out;
  std::size_t start = 0;
  while (start < csv.size()) {
    const std::size_t end = csv.find('\n', start);
    const std::string line = csv.substr(start, end - start);
    out += line.substr(0, line.rfind(',')) + "\n";
    start = end == std::string::npos ? csv.size() : end + 1;
  }
  return out;
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
    // The same table, with the metres each zone was moved to the road as the graph's last column.
    EXPECT_EQ(without_last_column(by_graph.out), by_matrix.out) << snap;
    EXPECT_EQ(by_graph.out.rfind("zone,group,people,nearest_cost_seconds,", 0), 0U) << by_graph.out;
    EXPECT_NE(by_graph.out.find(",snap_distance_m\n"), std::string::npos) << by_graph.out;
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
  // Population-weighted points: Z1 at its own place (1 person) and at Z2's (3 people) averages the
  // network matrix's times from both places, (465.921 + 3 · 738.657) / 4 = 670.473 s to H1 (the nearer).
  const auto points =
      write_temp("access_gp.csv", "zone,lon,lat,population\nZ1,7.42,43.7313,1\nZ1,7.412,43.73,3\n");
  // (The matrix file holds the last loop's times: node snapping.)
  r = run(
      fmt::format("access {} --facilities {} --graph {} --snap node --zone-points {} -m closest --format csv",
                  zones, facilities, graph, points));
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const auto times = read_text(matrix);  // from_id,to_id,travel_time_s
  const auto time_of = [&](const std::string& from, const std::string& to) {
    const auto at = times.find(from + "," + to + ",");
    return std::stod(times.substr(at + from.size() + to.size() + 2));
  };
  const double mean_h1 = (time_of("Z1", "H1") + 3 * time_of("Z2", "H1")) / 4;
  const double mean_h2 = (time_of("Z1", "H2") + 3 * time_of("Z2", "H2")) / 4;
  const auto z1 = r.out.find("\nZ1,all,1000,");
  ASSERT_NE(z1, std::string::npos) << r.out;
  EXPECT_NEAR(std::stod(r.out.substr(z1 + 13)), std::min(mean_h1, mean_h2), 1e-3) << r.out;
  EXPECT_NE(r.out.find("\nZ2,all,800," + fmt::format("{}", time_of("Z2", "H1"))), std::string::npos) << r.out;
  // A zone's distance to the road is its points' distances weighted as their costs: Z1's is
  // (1 · Z1's own + 3 · Z2's place) / 4.
  const auto by_place = run(
      fmt::format("access {} --facilities {} --graph {} --snap node -m closest", zones, facilities, graph));
  ASSERT_EQ(by_place.exit_status, 0) << by_place.err;
  const auto by_points =
      run(fmt::format("access {} --facilities {} --graph {} --snap node --zone-points {} "
                      "-m closest",
                      zones, facilities, graph, points));
  ASSERT_EQ(by_points.exit_status, 0) << by_points.err;
  const auto place_json = nlohmann::json::parse(by_place.out);
  const auto points_json = nlohmann::json::parse(by_points.out);
  const double z1_m = place_json["zones"][0]["snap_distance_m"].get<double>();
  const double z2_m = place_json["zones"][1]["snap_distance_m"].get<double>();
  EXPECT_NEAR(points_json["zones"][0]["snap_distance_m"].get<double>(), (z1_m + 3.0 * z2_m) / 4.0, 1e-9);
  EXPECT_EQ(points_json["zones"][1]["snap_distance_m"], place_json["zones"][1]["snap_distance_m"]);
  EXPECT_EQ(points_json["inputs"]["costs"]["snapping"]["zones"]["places"], "zone points");
  EXPECT_EQ(points_json["inputs"]["costs"]["snapping"]["zones"]["count"], 4);  // 2 of Z1, Z2's, Z3's
  EXPECT_EQ(place_json["inputs"]["costs"]["snapping"]["mode"], "node");
  r = run(fmt::format("access {} --facilities {} --graph {} -m closest --snap-threshold -5", zones,
                      facilities, graph));
  EXPECT_EQ(r.exit_status, 105) << r.err;  // CLI11's invalid value (docs/cli.md)
  EXPECT_NE(r.err.find("--snap-threshold"), std::string::npos) << r.err;
  for (const auto& path : {graph, zones, facilities, matrix, bare, points}) std::filesystem::remove(path);
}

// Straight-line costs: seconds at the stated speed, named in every output; the flags' errors exit 2.
TEST(CliAccess, StraightLineCostsAreNamedInEveryOutput) {
  const auto dir = std::filesystem::temp_directory_path() / fmt::format("equalis_access_sl_{}", ::getpid());
  std::filesystem::create_directories(dir);
  const auto zones = write_temp("access_slz.csv", "id,population,lon,lat\nA,100,0,0\nB,300,0.1,0\n");
  const auto facilities = write_temp("access_slf.csv", "id,capacity,lon,lat\nX,10,0.05,0\n");
  const std::string plain = fmt::format(
      "access {} --facilities {} --straight-line 4.5km/h "
      "-m closest -m cumulative=2h",
      zones, facilities);
  const std::string base = plain + " --detour 1.3";
  const std::string source = "straight line (great circle) at 4.5 km/h, detour ×1.3";
  auto r = run(base + " --format text");
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_NE(r.out.find("costs in seconds from " + source), std::string::npos) << r.out;
  const auto map = (dir / "map.geojson").string();
  r = run(base + " --format json --geojson " + map);
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const auto json = nlohmann::json::parse(r.out);
  EXPECT_EQ(json["inputs"]["costs"]["source"], source);
  EXPECT_EQ(json["inputs"]["costs"]["unit"], "seconds");
  const auto geo = nlohmann::json::parse(read_text(map));
  EXPECT_EQ(geo["cost_source"], source);
  EXPECT_EQ(geo["cost_unit"], "seconds");
  // 0.05° on the equator is 5 559.75 m; ×1.3 at 1.25 m/s: 5 782.14 s.
  EXPECT_NEAR(geo["features"][0]["properties"]["nearest_cost_seconds"].get<double>(), 5782.14, 0.01);
  r = run(base + " --format csv");
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_EQ(r.out.rfind("zone,group,people,nearest_cost_seconds,", 0), 0U) << r.out;
  // Errors name the flag.
  r = run(fmt::format("access {} --facilities {} --straight-line 4.5 -m closest", zones, facilities));
  EXPECT_EQ(r.exit_status, 2) << r.err;
  EXPECT_NE(r.err.find("--straight-line"), std::string::npos) << r.err;
  r = run(plain + " --detour 0.5");
  EXPECT_EQ(r.exit_status, 2) << r.err;
  EXPECT_NE(r.err.find("--detour"), std::string::npos) << r.err;
  const auto bare = write_temp("access_slbare.csv", "id,capacity\nX,1\n");
  r = run(fmt::format("access {} --facilities {} --straight-line 5km/h -m closest", zones, bare));
  EXPECT_EQ(r.exit_status, 2) << r.err;
  EXPECT_NE(r.err.find("no longitude column"), std::string::npos) << r.err;
  for (const auto& path : {zones, facilities, bare}) std::filesystem::remove(path);
  std::filesystem::remove_all(dir);
}

// Zones straight from a GeoJSON: attributes as columns, polygons placed at their centroids, mapped.
TEST(CliAccess, ZonesFromAGeoJsonNeedNoCsv) {
  const auto dir = std::filesystem::temp_directory_path() / fmt::format("equalis_access_vz_{}", ::getpid());
  std::filesystem::create_directories(dir);
  const auto square = [](double x, double y) {
    return fmt::format(
        R"({{"type":"Polygon","coordinates":[[[{0},{1}],[{2},{1}],[{2},{3}],[{0},{3}],[{0},{1}]]]}})", x, y,
        x + 0.01, y + 0.01);
  };
  const auto zones = (dir / "zones.geojson").string();
  std::ofstream(zones) << fmt::format(
      R"({{"type":"FeatureCollection","features":[)"
      R"({{"type":"Feature","properties":{{"code":"A","pop":100,"old":30}},"geometry":{}}},)"
      R"({{"type":"Feature","properties":{{"code":"B","pop":50,"old":5}},"geometry":{}}}]}})",
      square(-43.95, -19.95), square(-43.90, -19.95));
  const auto facilities = write_temp("access_vzf.csv", "id,capacity,lon,lat\nX,10,-43.945,-19.945\n");
  const auto map = (dir / "map.geojson").string();
  auto r =
      run(fmt::format("access {} --zone-id code --population pop --group-columns old --facilities {} "
                      "--straight-line 5km/h -m closest --format text --geojson {}",
                      zones, facilities, map));
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_NE(r.out.find("zone places: 2 polygon centroids (area-weighted) of " + zones), std::string::npos)
      << r.out;
  const auto geo = nlohmann::json::parse(read_text(map));
  EXPECT_EQ(geo["features"][0]["geometry"]["type"], "MultiPolygon");
  EXPECT_EQ(geo["features"][1]["properties"]["id"], "B");
  EXPECT_EQ(geo["features"][1]["properties"]["place"], "centroid");
  EXPECT_NE(geo["zone_locations"].get<std::string>().find("polygon centroids"), std::string::npos);
  r =
      run(fmt::format("access {} --zone-id code --population pop --facilities {} --straight-line 5km/h "
                      "-m closest --format json",
                      zones, facilities));
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["zones"][0]["place"], "centroid");
  EXPECT_NE(nlohmann::json::parse(r.out)["inputs"]["zones"]["locations"].get<std::string>().find(
                "2 polygon centroids (area-weighted)"),
            std::string::npos)
      << r.out;
  // The CSV checks, naming the feature: more old people than people.
  std::ofstream(zones) << fmt::format(
      R"({{"type":"FeatureCollection","features":[)"
      R"({{"type":"Feature","properties":{{"code":"A","pop":10,"old":30}},"geometry":{}}}]}})",
      square(-43.95, -19.95));
  r =
      run(fmt::format("access {} --zone-id code --population pop --group-columns old --facilities {} "
                      "--straight-line 5km/h -m closest",
                      zones, facilities));
  EXPECT_EQ(r.exit_status, 2) << r.err;
  EXPECT_NE(r.err.find(zones + ": feature 1 (fid 0): group 'old' has 30 people"), std::string::npos) << r.err;
  std::filesystem::remove(facilities);
  std::filesystem::remove_all(dir);
}

// Real points of interest as facilities: Monaco's OSM extract, `network pois` for its pharmacies,
// schools and hospitals, and its buildings (every tenth in the box 7.409–7.440 E, 43.724–43.744 N:
// Monaco with the edges of Beausoleil and Cap-d'Ail) as zones of 10 people each, walked on the road graph.
// Bounds checked: a walk of at most 20 minutes to a pharmacy from every building (the farthest, up the
// hill at the northern edge, is about 15), a median of a few minutes, 2SFCA conserving the pharmacies'
// capacity, and the snapping distances in every output.
struct Poi {
  std::string id;
  std::string tag;
  std::string lon;
  std::string lat;
};

// `network pois` rows: id,osm_type,osm_id,tag,name,lon,lat (a name may be quoted and hold commas: lon and
// lat are the last two fields, the tag the fourth).
std::vector<Poi> read_pois(const std::string& path) {
  std::vector<Poi> pois;
  std::istringstream lines(read_text(path));
  std::string line;
  std::getline(lines, line);  // header
  while (std::getline(lines, line)) {
    std::vector<std::size_t> commas;
    for (std::size_t at = line.find(','); at != std::string::npos; at = line.find(',', at + 1))
      commas.push_back(at);
    if (commas.size() < 6) continue;
    const std::size_t lat_at = commas.back();
    const std::size_t lon_at = commas[commas.size() - 2];
    pois.push_back({line.substr(0, commas[0]), line.substr(commas[2] + 1, commas[3] - commas[2] - 1),
                    line.substr(lon_at + 1, lat_at - lon_at - 1), line.substr(lat_at + 1)});
  }
  return pois;
}

std::string facilities_of(const std::vector<Poi>& pois, const std::string& tag) {
  std::string csv = "id,capacity,lon,lat\n";
  for (const auto& poi : pois) {
    if (poi.tag == tag) csv += fmt::format("{},1,{},{}\n", poi.id, poi.lon, poi.lat);
  }
  return csv;
}

TEST(CliAccess, MonacoPoisAsFacilitiesOnTheWalkingGraph) {
  const auto graph = write_temp("monaco_walk.eqg", "");
  auto r = run(fmt::format("network build --osm {} --profile walk -o {}", data("osm/monaco.osm.pbf"), graph));
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const auto services = write_temp("monaco_services.csv", "");
  r = run(fmt::format("network pois --osm {} --tags amenity=pharmacy,school,hospital -o {}",
                      data("osm/monaco.osm.pbf"), services));
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const auto buildings = write_temp("monaco_buildings.csv", "");
  r = run(
      fmt::format("network pois --osm {} --tags 'building=*' -o {}", data("osm/monaco.osm.pbf"), buildings));
  ASSERT_EQ(r.exit_status, 0) << r.err;

  const auto pois = read_pois(services);
  const auto pharmacies = write_temp("monaco_pharmacies.csv", facilities_of(pois, "amenity=pharmacy"));
  const auto schools = write_temp("monaco_schools.csv", facilities_of(pois, "amenity=school"));
  const auto hospitals = write_temp("monaco_hospitals.csv", facilities_of(pois, "amenity=hospital"));
  std::string zone_csv = "id,population,lon,lat\n";
  std::size_t in_box = 0;
  std::size_t zone_count = 0;
  for (const auto& building : read_pois(buildings)) {
    const double lon = std::stod(building.lon);
    const double lat = std::stod(building.lat);
    if (lon < 7.409 || lon > 7.440 || lat < 43.724 || lat > 43.744) continue;
    if (in_box++ % 10 != 0) continue;
    zone_csv += fmt::format("{},10,{},{}\n", building.id, building.lon, building.lat);
    ++zone_count;
  }
  ASSERT_GT(zone_count, 200U);
  const auto zones = write_temp("monaco_zones.csv", zone_csv);

  // Pharmacies: everyone within 20 minutes' walk, most within a few; 2SFCA gives out all the capacity
  // that someone reaches.
  r =
      run(fmt::format("access {} --facilities {} --graph {} -m closest -m cumulative=10min "
                      "-m 2sfca=linear:15min --standard 20min --snap-threshold 30",
                      zones, pharmacies, graph));
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const auto json = nlohmann::json::parse(r.out);
  ASSERT_EQ(json["zones"].size(), zone_count);
  std::vector<double> closest;
  std::vector<double> snapped;
  for (const auto& zone : json["zones"]) {
    ASSERT_TRUE(zone["access"]["closest_1"].is_number()) << zone;
    closest.push_back(zone["access"]["closest_1"].get<double>());
    snapped.push_back(zone["snap_distance_m"].get<double>());
  }
  std::sort(closest.begin(), closest.end());
  EXPECT_LE(closest.back(), 20 * 60.0);
  EXPECT_GT(closest.back(), 5 * 60.0);  // not trivially near: the hill at the northern edge
  EXPECT_LT(closest[closest.size() / 2], 8 * 60.0);
  EXPECT_GT(closest[closest.size() / 2], 60.0);
  EXPECT_EQ(json["beyond_standard"]["groups"][0]["people_beyond"], 0.0);
  const auto& measures = json["measures"];
  EXPECT_EQ(measures[2]["key"], "2sfca");
  EXPECT_NEAR(measures[2]["capacity_check"].get<double>(), 1.0, 1e-9);
  EXPECT_GT(measures[1]["groups"][0]["mean"].get<double>(), 1.0);  // several pharmacies within 10 minutes
  // The snapping: per zone and summarised, consistent with each other, and said in a warning.
  const auto& snapping = json["inputs"]["costs"]["snapping"];
  EXPECT_EQ(snapping["mode"], "segment");
  EXPECT_EQ(snapping["threshold_m"], 30.0);
  EXPECT_EQ(snapping["zones"]["count"], zone_count);
  const auto pharmacy_count =
      std::count_if(pois.begin(), pois.end(), [](const Poi& poi) { return poi.tag == "amenity=pharmacy"; });
  EXPECT_GT(pharmacy_count, 10);
  EXPECT_EQ(snapping["sites"]["count"].get<long>(), pharmacy_count);
  std::sort(snapped.begin(), snapped.end());
  EXPECT_DOUBLE_EQ(snapping["zones"]["max_m"].get<double>(), snapped.back());
  const auto beyond =
      static_cast<std::size_t>(snapped.end() - std::upper_bound(snapped.begin(), snapped.end(), 30.0));
  EXPECT_EQ(snapping["zones"]["beyond_threshold"], beyond);
  EXPECT_GT(beyond, 0U);
  EXPECT_LT(snapping["zones"]["median_m"].get<double>(), 30.0);  // buildings stand by their streets
  EXPECT_LT(snapped.back(), 300.0);
  bool warned = false;
  for (const auto& warning : json["warnings"])
    warned = warned ||
             warning.get<std::string>().find("further than 30 m from the road graph") != std::string::npos;
  EXPECT_TRUE(warned) << json["warnings"];

  // Schools: the third nearest is further than the nearest; hospitals (5) are rarer than pharmacies.
  r = run(fmt::format("access {} --facilities {} --graph {} -m closest -m closest=3 --format csv", zones,
                      schools, graph));
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_EQ(r.out.substr(0, r.out.find('\n')),
            "zone,group,people,nearest_cost_seconds,beyond_standard,closest_1,closest_3,snap_distance_m");
  std::istringstream rows(r.out);
  std::string row;
  std::getline(rows, row);
  std::size_t further = 0;
  while (std::getline(rows, row)) {
    std::vector<std::string> cells;
    std::istringstream fields(row);
    for (std::string cell; std::getline(fields, cell, ',');) cells.push_back(cell);
    ASSERT_EQ(cells.size(), 8U) << row;
    EXPECT_LE(std::stod(cells[5]), std::stod(cells[6])) << row;
    further += std::stod(cells[6]) > std::stod(cells[5]) ? 1U : 0U;
  }
  EXPECT_GT(further, zone_count / 2);
  r = run(
      fmt::format("access {} --facilities {} --graph {} -m closest --format json", zones, hospitals, graph));
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const auto hospital_json = nlohmann::json::parse(r.out);
  EXPECT_GT(hospital_json["measures"][0]["groups"][0]["mean"].get<double>(),
            json["measures"][0]["groups"][0]["mean"].get<double>());
  for (const auto& path : {graph, services, buildings, pharmacies, schools, hospitals, zones})
    std::filesystem::remove(path);
}

}  // namespace
}  // namespace equalis::cli_test
