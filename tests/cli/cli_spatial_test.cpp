// `equalis measure spatial` run as a user would: Moran's I from edge lists, polygons, kNN and distance bands,
// LISA, --missing drop, and the error messages. Expected values were computed independently (a short
// Python script implementing Moran 1950 / Cliff & Ord 1981 from the edge lists), not taken from equalis.

#include "cli_run.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

namespace equalis::cli_test {
namespace {

using nlohmann::json;

const std::string kAttributes = "mexico/mexicojoin_attributes_shp_order.csv";
constexpr double kMexicoQueenI = 0.11023723904781267;  // PCGDP1940, queen, row-standardised

json run_json(const std::string& arguments) {
  const RunResult r = run(arguments);
  EXPECT_EQ(r.exit_status, 0) << arguments << "\n" << r.err;
  return r.exit_status == 0 ? json::parse(r.out) : json();
}

// The data file with one cell blanked (0-based data row and column; the file has no quoted cells).
std::string blank_cell(const std::string& relative, std::size_t data_row, std::size_t column,
                       const std::string& name) {
  std::istringstream in(read_text(data(relative)));
  std::string line;
  std::string out;
  for (std::size_t line_idx = 0; std::getline(in, line); ++line_idx) {
    if (line_idx == data_row + 1) {
      std::vector<std::string> cells;
      std::stringstream fields(line);
      for (std::string cell; std::getline(fields, cell, ',');) cells.push_back(cell);
      cells[column].clear();
      line.clear();
      for (std::size_t k = 0; k < cells.size(); ++k) line += (k > 0 ? "," : "") + cells[k];
    }
    out += line + "\n";
  }
  return write_temp(name, out);
}

TEST(CliSpatial, HelpDocumentsTheDropRule) {
  const RunResult help = run("measure spatial --help");
  EXPECT_EQ(help.exit_status, 0);
  EXPECT_NE(help.out.find("--distance-band"), std::string::npos);
  EXPECT_NE(help.out.find("links lost"), std::string::npos);
}

TEST(CliSpatial, MexicoQueenFromPolygonsAndFromEdgeListAgree) {
  const json by_id =
      run_json(fmt::format("measure spatial {} --value PCGDP1940 --id POLY_ID --polygons {} "
                           "--polygon-id POLY_ID",
                           data(kAttributes), data("mexico/mexicojoin.shp")));
  const json by_order =
      run_json(fmt::format("measure spatial {} --value PCGDP1940 --id POLY_ID --polygons {}",
                           data(kAttributes), data("mexico/mexicojoin.shp")));
  const json edges =
      run_json(fmt::format("measure spatial {} --value PCGDP1940 --id POLY_ID --edges {} --edge-index",
                           data(kAttributes), data("mexico/mexicojoin_queen_edges.csv")));
  for (const json* result : {&by_id, &by_order, &edges}) {
    ASSERT_TRUE(result->contains("results"));
    const json& r = (*result)["results"][0];
    EXPECT_EQ(r["variable"], "PCGDP1940");
    EXPECT_EQ(r["n"], 32);
    EXPECT_EQ(r["weights"]["links"], 138);
    EXPECT_NEAR(r["weights"]["s0"].get<double>(), 32.0, 1e-12);
    EXPECT_NEAR(r["weights"]["mean_neighbors"].get<double>(), 138.0 / 32.0, 1e-15);
    EXPECT_TRUE(r["weights"]["islands"].empty());
    EXPECT_EQ(r["weights"]["transform"], "row");
    EXPECT_NEAR(r["global"]["i"].get<double>(), kMexicoQueenI, 1e-13);
    EXPECT_NEAR(r["global"]["expected"].get<double>(), -1.0 / 31.0, 1e-15);
    EXPECT_NEAR(r["global"]["normality"]["z"].get<double>(), 1.1601551606482188, 1e-10);
    EXPECT_NEAR(r["global"]["randomization"]["z"].get<double>(), 1.2160062271688308, 1e-10);
    EXPECT_EQ(r["global"]["permutation"]["permutations"], 999);
    EXPECT_FALSE(r.contains("local"));
  }
  EXPECT_EQ(by_id["options"]["weights"]["source"], "polygons");
  EXPECT_EQ(by_id["options"]["weights"]["contiguity"], "queen");
  EXPECT_EQ(edges["options"]["weights"]["endpoints"], "indices");
  // Same seed, same W: the permutation test is reproducible across weight sources.
  EXPECT_EQ(by_id["results"][0]["global"]["permutation"], edges["results"][0]["global"]["permutation"]);
}

TEST(CliSpatial, LocalMoranUnitsCountsAndCsv) {
  const std::string args =
      fmt::format("measure spatial {} --value PCGDP1940 --id NAME --edges {} --edge-index --local",
                  data(kAttributes), data("mexico/mexicojoin_queen_edges.csv"));
  const json out = run_json(args);
  const json& local = out["results"][0]["local"];
  ASSERT_EQ(local["units"].size(), 32U);
  EXPECT_EQ(local["variance"], "n");
  const json& first = local["units"][0];
  EXPECT_EQ(first["id"], "Baja California Norte");
  EXPECT_EQ(first["value"], 22361.0);
  EXPECT_NEAR(first["local_i"].get<double>(), 0.43553550723488166, 1e-12);
  EXPECT_NEAR(first["spatial_lag"].get<double>(), 7986.0, 1e-9);  // mean of its 2 neighbours
  EXPECT_EQ(first["quadrant"], "HH");
  EXPECT_NEAR(local["units"][5]["local_i"].get<double>(), 0.18369660890139808, 1e-12);  // Guanajuato
  EXPECT_NEAR(local["units"][5]["spatial_lag"].get<double>(), 5551.6, 1e-9);
  // sum_i I_i = S0 * I with variance n; significance counts add up.
  double sum = 0.0;
  std::size_t significant = 0;
  for (const auto& unit : local["units"]) {
    sum += unit["local_i"].get<double>();
    ASSERT_TRUE(unit["p_value"].is_number());
    if (unit["significant"].get<bool>()) {
      ++significant;
      EXPECT_LE(unit["p_value"].get<double>(), 0.05);
    }
  }
  EXPECT_NEAR(sum, 32.0 * kMexicoQueenI, 1e-12);
  const json& counts = local["significant"];
  EXPECT_EQ(counts["HH"].get<std::size_t>() + counts["LL"].get<std::size_t>() +
                counts["HL"].get<std::size_t>() + counts["LH"].get<std::size_t>(),
            significant);

  // n - 1 scaling (PySAL) multiplies every I_i by (n - 1) / n.
  const json pysal = run_json(args + " --lisa-variance n-1 --permutations 0");
  const json& pysal_first = pysal["results"][0]["local"]["units"][0];
  EXPECT_NEAR(pysal_first["local_i"].get<double>(), 0.43553550723488166 * 31.0 / 32.0, 1e-12);
  EXPECT_TRUE(pysal_first["p_value"].is_null());
  EXPECT_FALSE(pysal_first["significant"].get<bool>());
  EXPECT_TRUE(pysal["results"][0]["global"]["permutation"].is_null());

  const RunResult csv = run(args + " --format csv");
  ASSERT_EQ(csv.exit_status, 0) << csv.err;
  // The unit columns come first (the layout before the global columns were appended to every row).
  EXPECT_EQ(csv.out.rfind("variable,id,value,local_i,spatial_lag,quadrant,p_value,significant,m2,", 0), 0U)
      << csv.out.substr(0, 200);
  EXPECT_NE(csv.out.find("\nPCGDP1940,Baja California Norte,22361,0.43553550723488"), std::string::npos)
      << csv.out.substr(0, 400);
  EXPECT_EQ(std::count(csv.out.begin(), csv.out.end(), '\n'), 33);
}

TEST(CliSpatial, GlobalCsvHasOneRowPerValueColumnAndTextSummarises) {
  const std::string args = fmt::format(
      "measure spatial {} --value PCGDP1940 --value PCGDP2000 --id POLY_ID --edges {} --edge-index",
      data(kAttributes), data("mexico/mexicojoin_queen_edges.csv"));
  const RunResult csv = run(args + " --format csv");
  ASSERT_EQ(csv.exit_status, 0) << csv.err;
  EXPECT_EQ(csv.out.rfind("variable,n,links,islands,rows_dropped,links_lost,i,expected,", 0), 0U);
  EXPECT_NE(csv.out.find("\nPCGDP1940,32,138,0,0,0,0.110237239047812"), std::string::npos) << csv.out;
  EXPECT_NE(csv.out.find("\nPCGDP2000,32,138,0,0,0,"), std::string::npos);
  EXPECT_EQ(std::count(csv.out.begin(), csv.out.end(), '\n'), 3);
  const RunResult text = run(args + " --format text");
  ASSERT_EQ(text.exit_status, 0) << text.err;
  EXPECT_NE(text.out.find("PCGDP1940: 32 units, 138 links"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("Moran's I = 0.1102"), std::string::npos) << text.out;
}

TEST(CliSpatial, EdgeListByIdsAndUndirected) {
  const std::string values = write_temp("sp_values.csv", "zone,v\na,1\nb,2\nc,3\nd,6\n");
  // The 2x2 grid's rook links, each pair once: --undirected adds the reverse links.
  const std::string pairs = write_temp("sp_pairs.csv", "from,to\na,b\na,c\nb,d\nc,d\n");
  const json out =
      run_json(fmt::format("measure spatial {} --value v --id zone --edges {} --undirected", values, pairs));
  EXPECT_EQ(out["results"][0]["weights"]["links"], 8);
  EXPECT_NEAR(out["results"][0]["global"]["i"].get<double>(), -0.07142857142857142, 1e-14);
  EXPECT_TRUE(out["results"][0]["global"]["randomization"].is_object());
  // Without --undirected the same file is 4 one-way links.
  const json directed =
      run_json(fmt::format("measure spatial {} --value v --id zone --edges {}", values, pairs));
  EXPECT_EQ(directed["results"][0]["weights"]["links"], 4);
  EXPECT_EQ(directed["results"][0]["weights"]["islands"], json::array({"d"}));  // d has no outgoing link
}

TEST(CliSpatial, GeoJsonGridQueenAndRookMatchedById) {
  // Four unit squares in a 2x2 grid; the features are listed in another order than the data rows.
  const auto square = [](const char* id, int x, int y) {
    return fmt::format(R"({{"type":"Feature","properties":{{"code":"{}"}},"geometry":{{"type":"Polygon",)"
                       R"("coordinates":[[[{},{}],[{},{}],[{},{}],[{},{}],[{},{}]]]}}}})",
                       id, x, y, x + 1, y, x + 1, y + 1, x, y + 1, x, y);
  };
  const std::string grid =
      write_temp("grid.geojson", fmt::format(R"({{"type":"FeatureCollection","features":[{},{},{},{},{}]}})",
                                             square("d", 1, 1), square("c", 0, 1), square("b", 1, 0),
                                             square("a", 0, 0), square("far", 5, 5)));
  const std::string values = write_temp("grid_values.csv", "zone,v\na,1\nb,2\nc,3\nd,6\n");
  const std::string base = fmt::format(
      "measure spatial {} --value v --id zone --polygons {} --polygon-id code "
      "--permutations 0",
      values, grid);
  const json queen = run_json(base);
  EXPECT_EQ(queen["results"][0]["weights"]["links"], 12);
  EXPECT_NEAR(queen["results"][0]["global"]["i"].get<double>(), -1.0 / 3.0, 1e-14);
  EXPECT_EQ(queen["options"]["weights"]["features_unmatched"], 1);
  const json rook = run_json(base + " --contiguity rook");
  EXPECT_EQ(rook["results"][0]["weights"]["links"], 8);
  EXPECT_NEAR(rook["results"][0]["global"]["i"].get<double>(), -0.07142857142857142, 1e-14);
  // Binary W on a regular rook grid: every row has 2 links, so I is the same as row-standardised.
  const json binary = run_json(base + " --contiguity rook --transform binary");
  EXPECT_NEAR(binary["results"][0]["global"]["i"].get<double>(), -0.07142857142857142, 1e-14);
  EXPECT_EQ(binary["results"][0]["weights"]["s0"], 8.0);

  // A data id without a polygon: the data file's line and column, and the nearest polygon id.
  const std::string stray = write_temp("grid_stray.csv", "zone,v\na,1\nb,2\ncc,3\nd,6\n");
  const RunResult missing =
      run(fmt::format("measure spatial {} --value v --id zone --polygons {} --polygon-id code", stray, grid));
  EXPECT_EQ(missing.exit_status, 2);
  EXPECT_NE(missing.err.find(stray + ":4:1"), std::string::npos) << missing.err;
  EXPECT_NE(missing.err.find("code = 'cc'"), std::string::npos) << missing.err;
  // A polygon id used twice.
  const std::string twice =
      write_temp("grid_twice.geojson",
                 fmt::format(R"({{"type":"FeatureCollection","features":[{},{},{},{}]}})", square("a", 0, 0),
                             square("b", 1, 0), square("c", 0, 1), square("a", 1, 1)));
  const RunResult duplicate = run(
      fmt::format("measure spatial {} --value v --id zone --polygons {} --polygon-id code", values, twice));
  EXPECT_EQ(duplicate.exit_status, 2);
  EXPECT_NE(duplicate.err.find("polygon id 'a' in field 'code' appears twice"), std::string::npos)
      << duplicate.err;
}

TEST(CliSpatial, KnnAndDistanceBandFromCoordinates) {
  // Points on a line at x = 0, 1, 2, 3, 10.
  const std::string points =
      write_temp("line.csv", "id,x,y,v\np0,0,0,1\np1,1,0,2\np2,2,0,4\np3,3,0,3\np4,10,0,9\n");
  const json knn1 = run_json(fmt::format("measure spatial {} --value v --id id --knn 1 --x x --y y", points));
  EXPECT_EQ(knn1["results"][0]["weights"]["links"], 5);
  EXPECT_NEAR(knn1["results"][0]["global"]["i"].get<double>(), 0.13917525773195877, 1e-14);
  EXPECT_EQ(knn1["options"]["weights"]["source"], "knn");
  const json knn2 = run_json(fmt::format("measure spatial {} --value v --id id --knn 2 --x x --y y", points));
  EXPECT_NEAR(knn2["results"][0]["global"]["i"].get<double>(), 0.08762886597938145, 1e-14);

  // Within 1.5 units: a chain p0-p1-p2-p3, and p4 an island (warned about, listed, still in n).
  const RunResult band = run(
      fmt::format("measure spatial {} --value v --id id --distance-band 1.5 --x x --y y --local", points));
  ASSERT_EQ(band.exit_status, 0) << band.err;
  const json out = json::parse(band.out);
  const json& r = out["results"][0];
  EXPECT_EQ(r["n"], 5);
  EXPECT_EQ(r["weights"]["links"], 6);
  EXPECT_EQ(r["weights"]["islands"], json::array({"p4"}));
  EXPECT_NEAR(r["weights"]["s0"].get<double>(), 4.0, 1e-15);
  EXPECT_NEAR(r["global"]["i"].get<double>(), 0.22422680412371135, 1e-14);
  EXPECT_TRUE(r["local"]["units"][4]["p_value"].is_null());
  EXPECT_EQ(r["local"]["units"][4]["local_i"], 0.0);
  // One warning, although Moran and LISA both see the island.
  const auto first = band.err.find("no neighbours");
  ASSERT_NE(first, std::string::npos) << band.err;
  EXPECT_EQ(band.err.find("no neighbours", first + 1), std::string::npos) << band.err;

  // Geographic: lon/lat degrees, threshold in metres. One degree is ~111.2 km on the sphere.
  const std::string lonlat = write_temp("lonlat.csv", "id,lon,lat,v\na,0,0,1\nb,1,0,2\nc,2,0,4\nd,0,1,3\n");
  const json geo = run_json(fmt::format(
      "measure spatial {} --value v --id id --distance-band 120000 --x lon --y lat --geographic", lonlat));
  EXPECT_EQ(geo["results"][0]["weights"]["links"], 6);  // a-b, b-c, a-d (b-d is ~157 km)
  EXPECT_EQ(geo["options"]["weights"]["threshold_units"], "metres");
}

// A distance band carries its unit in every form: metres with --geographic, coordinate units without.
TEST(CliSpatial, DistanceBandSaysItsUnitInCsvAndText) {
  const std::string lonlat =
      write_temp("lonlat_units.csv", "id,lon,lat,v\na,0,0,1\nb,1,0,2\nc,2,0,4\nd,0,1,3\n");
  const std::string geographic = fmt::format(
      "measure spatial {} --value v --id id --distance-band 120000 --x lon --y lat --geographic", lonlat);
  const RunResult csv = run(geographic + " --format csv");
  ASSERT_EQ(csv.exit_status, 0) << csv.err;
  const std::string header = csv.out.substr(0, csv.out.find('\n'));
  EXPECT_NE(header.find(",threshold,threshold_units,"), std::string::npos) << header;
  EXPECT_NE(csv.out.find(",120000,metres,lon,lat,1\n"), std::string::npos) << csv.out;
  const RunResult text = run(geographic + " --format text");
  ASSERT_EQ(text.exit_status, 0) << text.err;
  EXPECT_NE(text.out.find("distance band 120000 metres (great-circle"), std::string::npos) << text.out;

  const std::string planar =
      fmt::format("measure spatial {} --value v --id id --distance-band 1.5 --x lon --y lat", lonlat);
  const RunResult planar_csv = run(planar + " --format csv --local");
  ASSERT_EQ(planar_csv.exit_status, 0) << planar_csv.err;
  EXPECT_NE(planar_csv.out.find(",1.5,coordinate units,lon,lat,0\n"), std::string::npos) << planar_csv.out;
  const RunResult planar_text = run(planar + " --format text");
  EXPECT_NE(planar_text.out.find("distance band 1.5 coordinate units (coordinate columns lon, lat)"),
            std::string::npos)
      << planar_text.out;
}

TEST(CliSpatial, MissingValueErrorsOrDropsTheUnitFromTheWeights) {
  // Guanajuato (data row 5, POLY_ID 6) has 5 queen neighbours: dropping it removes 10 directed links.
  const std::string path = blank_cell(kAttributes, 5, 8, "mexico_blank.csv");
  const std::string args =
      fmt::format("measure spatial {} --value PCGDP1940 --id POLY_ID --edges {} --edge-index", path,
                  data("mexico/mexicojoin_queen_edges.csv"));
  const RunResult strict = run(args);
  EXPECT_EQ(strict.exit_status, 2);
  EXPECT_NE(strict.err.find(path + ":7:"), std::string::npos) << strict.err;
  EXPECT_NE(strict.err.find("--missing drop"), std::string::npos) << strict.err;

  const RunResult dropped = run(args + " --missing drop");
  ASSERT_EQ(dropped.exit_status, 0) << dropped.err;
  EXPECT_NE(dropped.err.find("10 of 138 links"), std::string::npos) << dropped.err;
  const json out = json::parse(dropped.out);
  const json& r = out["results"][0];
  EXPECT_EQ(r["n"], 31);
  EXPECT_EQ(r["rows_dropped"], 1);
  EXPECT_EQ(r["links_lost"], 10);
  EXPECT_EQ(r["weights"]["links"], 128);
  // Row-standardised after the drop (independent computation on the 31-unit subset).
  EXPECT_NEAR(r["global"]["i"].get<double>(), 0.10257573502800545, 1e-13);
  EXPECT_NEAR(r["weights"]["s0"].get<double>(), 31.0, 1e-12);
}

TEST(CliSpatial, BadInputIsRejectedWithTheFix) {
  const std::string mexico = data("mexico/mexico.csv");
  // An id in the edge list that no data row has: exit 2 at the edge file's line and column.
  const std::string edges =
      write_temp("sp_bad_edges.csv", "from,to\nAguascalientes,Jalisco\nAtlantis,Jalisco\n");
  const RunResult unknown =
      run(fmt::format("measure spatial {} --value pcgdp1940 --id State --edges {}", mexico, edges));
  EXPECT_EQ(unknown.exit_status, 2);
  EXPECT_NE(unknown.err.find(edges + ":3:1"), std::string::npos) << unknown.err;
  EXPECT_NE(unknown.err.find("unknown unit id 'Atlantis'"), std::string::npos) << unknown.err;

  // 31 data rows against 32 polygons, paired by order.
  std::istringstream in(read_text(data(kAttributes)));
  std::string shorter;
  std::string line;
  for (int line_idx = 0; line_idx < 32 && std::getline(in, line); ++line_idx) shorter += line + "\n";
  const std::string short_path = write_temp("mexico_31.csv", shorter);
  const RunResult count = run(fmt::format("measure spatial {} --value PCGDP1940 --id POLY_ID --polygons {}",
                                          short_path, data("mexico/mexicojoin.shp")));
  EXPECT_EQ(count.exit_status, 2);
  EXPECT_NE(count.err.find("has 32 polygons but"), std::string::npos) << count.err;
  EXPECT_NE(count.err.find("31 data rows"), std::string::npos) << count.err;
  EXPECT_NE(count.err.find("--polygon-id"), std::string::npos) << count.err;

  const std::string queen = data("mexico/mexicojoin_queen_edges.csv");
  const RunResult no_id =
      run(fmt::format("measure spatial {} --value pcgdp1940 --edges {} --edge-index", mexico, queen));
  EXPECT_EQ(no_id.exit_status, 2);
  EXPECT_NE(no_id.err.find("--id"), std::string::npos) << no_id.err;

  const RunResult two =
      run(fmt::format("measure spatial {} --value pcgdp1940 --id State --edges {} --edge-index "
                      "--polygons {}",
                      mexico, queen, data("mexico/mexicojoin.shp")));
  EXPECT_EQ(two.exit_status, 2);
  EXPECT_NE(two.err.find("--edges and --polygons both give spatial weights"), std::string::npos) << two.err;
  const RunResult none = run(fmt::format("measure spatial {} --value pcgdp1940 --id State", mexico));
  EXPECT_EQ(none.exit_status, 2);
  EXPECT_NE(none.err.find("no spatial weights given"), std::string::npos) << none.err;
  const RunResult stray = run(
      fmt::format("measure spatial {} --value pcgdp1940 --id State --edges {} --edge-index --contiguity rook",
                  mexico, queen));
  EXPECT_EQ(stray.exit_status, 2);
  EXPECT_NE(stray.err.find("--contiguity does not apply"), std::string::npos) << stray.err;

  const std::string dup = write_temp("sp_dup.csv", "zone,v\na,1\nb,2\na,3\n");
  const RunResult duplicate_id =
      run(fmt::format("measure spatial {} --value v --id zone --knn 1 --x v --y v", dup));
  EXPECT_EQ(duplicate_id.exit_status, 2);
  EXPECT_NE(duplicate_id.err.find(dup + ":4:1"), std::string::npos) << duplicate_id.err;

  // Zero variance and too few units come from the library, with exit 2.
  const std::string flat = write_temp("sp_flat.csv", "zone,x,v\na,0,5\nb,1,5\nc,2,5\n");
  const RunResult zero = run(fmt::format("measure spatial {} --value v --id zone --knn 1 --x x --y x", flat));
  EXPECT_EQ(zero.exit_status, 2);
  EXPECT_NE(zero.err.find("zero variance"), std::string::npos) << zero.err;
  const std::string tiny = write_temp("sp_tiny.csv", "zone,x,v\na,0,1\nb,1,2\n");
  const RunResult few = run(fmt::format("measure spatial {} --value v --id zone --knn 1 --x x --y x", tiny));
  EXPECT_EQ(few.exit_status, 2);
  EXPECT_NE(few.err.find("at least 3"), std::string::npos) << few.err;
}

}  // namespace
}  // namespace equalis::cli_test
